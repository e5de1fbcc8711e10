"""Reminder and digest messages, Vietnamese first (English on request), from templates.

A subject line is made to be scanned in a full inbox: the state first, then the task,
then the plan, e.g. "[Quá hạn 12 ngày] NV01 – Xây dựng kế hoạch… (DM-CDS-2022)". Day
counts in subjects and bodies are working days on the Vietnamese calendar (the body also
gives calendar days when a task is overdue). Every message ends with its idempotency key.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

from dondoc.catalog.rules.recipients import COORDINATOR, PLAN_COORDINATOR, SUPERVISOR

TITLE_MAX = 60
DIGEST_SECTION_MAX = 50

WEEKDAYS = {
    "vi": ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}

# Each template is str.format text; {fields} come from the views below.
TEMPLATES: dict[str, dict[str, str]] = {
    "vi": {
        "subject": "[{state}{role_tag}] {task} – {title} ({plan})",
        "state.left": "Còn {n} ngày",
        "state.today": "Hạn hôm nay",
        "state.overdue": "Quá hạn {n} ngày",
        "state.cutoff": "Chốt số liệu",
        "state.escalate": "Chuyển cấp trên · Quá hạn {n} ngày",
        "role_tag.coordinator": " · phối hợp",
        "greeting": "Kính gửi: {unit}",
        "role.lead": "Đơn vị được giao CHỦ TRÌ thực hiện nhiệm vụ dưới đây.",
        "role.coordinator": "Đơn vị được giao PHỐI HỢP với {lead} thực hiện nhiệm vụ dưới đây.",
        "role.supervisor": ("Nhiệm vụ dưới đây do {lead} (đơn vị trực thuộc) chủ trì đã quá hạn"
                            " {n} ngày làm việc. Đề nghị đơn vị chỉ đạo, đôn đốc thực hiện."),
        "role.plan_coordinator": ("Nhiệm vụ dưới đây thuộc kế hoạch do đơn vị theo dõi, do {lead}"
                                  " chủ trì, đã quá hạn {n} ngày làm việc."),
        "line.plan": "Kế hoạch: {plan_title} ({plan})",
        "line.task": "Nhiệm vụ: {task} – {task_title}",
        "line.section": "Mục: {section}",
        "line.deadline": "Thời hạn: {deadline_text} (hạn ngày {due})",
        "line.effective": "Hạn thực tế: {effective} (thời hạn trùng ngày nghỉ, lùi sang ngày làm việc tiếp theo)",
        "line.inferred": "Ghi chú: văn bản không ghi thời hạn; áp dụng thời hạn chung của kế hoạch.",
        "line.occurrence": "Kỳ thực hiện: kỳ có hạn ngày {due}",
        "line.window": "Kỳ số liệu (Nghị định 09/2019/NĐ-CP): từ ngày {start} đến ngày {end}",
        "status.left": "Tình trạng: còn {n} ngày làm việc (đến hết {effective})",
        "status.today": "Tình trạng: hôm nay ({effective}) là hạn chót",
        "status.overdue": "Tình trạng: đã quá hạn {n} ngày làm việc ({days} ngày theo lịch)",
        "line.lead": "Chủ trì: {lead}",
        "line.coordinators": "Phối hợp: {coordinators}",
        "none": "không có",
        "ask.before": "Đề nghị đơn vị khẩn trương thực hiện và báo cáo kết quả đúng thời hạn.",
        "ask.cutoff": ("Hôm nay chốt số liệu của kỳ báo cáo. Đề nghị đơn vị tổng hợp và gửi báo cáo"
                       " đúng thời hạn."),
        "ask.overdue": ("Đề nghị đơn vị khẩn trương hoàn thành, báo cáo kết quả và nêu rõ lý do"
                        " chậm trễ; nếu cần gia hạn, đề xuất thời hạn mới."),
        "ask.escalate": "Đề nghị đơn vị chỉ đạo, đôn đốc đơn vị chủ trì hoàn thành nhiệm vụ.",
        "footer": "Nhắc việc tự động của dondoc, ngày {as_of}. Mã nhắc việc: {key}",
        "digest.subject": "[Tổng hợp tuần {week}] {unit}: {overdue} quá hạn, {soon} sắp đến hạn{escalated}",
        "digest.subject.escalated": ", {n} quá hạn ở đơn vị trực thuộc",
        "digest.intro": "Tổng hợp tình hình thực hiện nhiệm vụ của đơn vị tuần {week} (đến ngày {as_of}).",
        "digest.overdue": "QUÁ HẠN ({n})",
        "digest.soon": "SẮP ĐẾN HẠN ({n})",
        "digest.escalated": "NHIỆM VỤ QUÁ HẠN CỦA ĐƠN VỊ TRỰC THUỘC / KẾ HOẠCH ĐƠN VỊ THEO DÕI ({n})",
        "digest.item.overdue": "- {task} – {task_title} ({plan}); hạn {effective}; quá hạn {n} ngày làm việc; {role}",
        "digest.item.soon": "- {task} – {task_title} ({plan}); hạn {effective}; còn {n} ngày làm việc; {role}",
        "digest.item.escalated": "- {task} – {task_title} ({plan}); chủ trì: {lead}; hạn {effective}; quá hạn {n} ngày làm việc",
        "digest.more": "… và {n} nhiệm vụ khác",
        "digest.role.lead": "chủ trì",
        "digest.role.coordinator": "phối hợp",
    },
    "en": {
        "subject": "[{state}{role_tag}] {task} – {title} ({plan})",
        "state.left": "{n} days left",
        "state.today": "Due today",
        "state.overdue": "Overdue {n} days",
        "state.cutoff": "Data cut-off",
        "state.escalate": "Escalated · Overdue {n} days",
        "role_tag.coordinator": " · supporting",
        "greeting": "To: {unit}",
        "role.lead": "Your unit LEADS the task below.",
        "role.coordinator": "Your unit SUPPORTS (phối hợp) {lead} on the task below.",
        "role.supervisor": ("The task below, led by {lead} (a unit under you), is {n} working days"
                            " overdue. Please follow it up."),
        "role.plan_coordinator": ("The task below, in a plan your unit coordinates and led by {lead},"
                                  " is {n} working days overdue."),
        "line.plan": "Plan: {plan_title} ({plan})",
        "line.task": "Task: {task} – {task_title}",
        "line.section": "Section: {section}",
        "line.deadline": "Deadline: {deadline_text} (due {due})",
        "line.effective": "Effective due: {effective} (the deadline falls on a day off and moves to the next working day)",
        "line.inferred": "Note: the document gives no deadline; the plan's horizon applies.",
        "line.occurrence": "Occurrence: the one due {due}",
        "line.window": "Data window (Decree 09/2019/NĐ-CP): {start} to {end}",
        "status.left": "Status: {n} working days left (until the end of {effective})",
        "status.today": "Status: today ({effective}) is the deadline",
        "status.overdue": "Status: overdue by {n} working days ({days} calendar days)",
        "line.lead": "Lead: {lead}",
        "line.coordinators": "Supporting: {coordinators}",
        "none": "none",
        "ask.before": "Please complete the task and report the result on time.",
        "ask.cutoff": "The reporting period's data are cut off today. Please compile and send the report on time.",
        "ask.overdue": ("Please complete the task, report the result and the reason for the delay;"
                        " if you need more time, propose a new deadline."),
        "ask.escalate": "Please see that the lead unit completes the task.",
        "footer": "Automatic reminder from dondoc, {as_of}. Reminder key: {key}",
        "digest.subject": "[Weekly digest {week}] {unit}: {overdue} overdue, {soon} due soon{escalated}",
        "digest.subject.escalated": ", {n} escalated",
        "digest.intro": "Your unit's tasks for week {week} (as of {as_of}).",
        "digest.overdue": "OVERDUE ({n})",
        "digest.soon": "DUE SOON ({n})",
        "digest.escalated": "OVERDUE TASKS OF UNITS UNDER YOU / PLANS YOU COORDINATE ({n})",
        "digest.item.overdue": "- {task} – {task_title} ({plan}); due {effective}; {n} working days overdue; {role}",
        "digest.item.soon": "- {task} – {task_title} ({plan}); due {effective}; {n} working days left; {role}",
        "digest.item.escalated": "- {task} – {task_title} ({plan}); lead: {lead}; due {effective}; {n} working days overdue",
        "digest.more": "… and {n} more",
        "digest.role.lead": "lead",
        "digest.role.coordinator": "supporting",
    },
}


@dataclass(frozen=True, slots=True)
class Message:
    key: str
    unit: str
    subject: str
    body: str
    notify_type: str = "info"  # info, warning, failure (Apprise's words)


@dataclass(frozen=True)
class ReminderView:
    """Everything one reminder says, already resolved to names and dates."""

    key: str
    unit: str
    unit_name: str
    role: str
    rule: str
    as_of: dt.date
    plan: str
    plan_title: str
    task: str
    task_title: str
    section: str | None
    deadline_text: str | None
    due: dt.date
    effective_due: dt.date
    working_days: int  # left when not overdue, overdue when overdue
    overdue: bool
    lead_name: str
    coordinator_names: tuple[str, ...] = ()
    recurring: bool = False
    inferred: bool = False
    data_window: tuple[dt.date, dt.date] | None = None


@dataclass(frozen=True)
class DigestItem:
    plan: str
    task: str
    task_title: str
    effective_due: dt.date
    working_days: int
    role: str  # lead, coordinator; for escalated items the lead's name is in lead_name
    lead_name: str = ""


@dataclass
class DigestView:
    key: str
    unit: str
    unit_name: str
    as_of: dt.date
    week: str  # 2022-W26
    overdue: list[DigestItem] = field(default_factory=list)
    due_soon: list[DigestItem] = field(default_factory=list)
    escalated: list[DigestItem] = field(default_factory=list)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def short_title(title: str, limit: int = TITLE_MAX) -> str:
    """The title cut at a word boundary with an ellipsis, so subjects stay scannable."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return cut + "…"


def fmt_date(day: dt.date, lang: str, weekday: bool = False) -> str:
    text = day.strftime("%d/%m/%Y") if lang == "vi" else day.isoformat()
    return f"{WEEKDAYS[lang][day.weekday()]}, {text}" if weekday else text


def _lang(lang: str) -> str:
    return "en" if lang.startswith("en") else "vi"


def render_reminder(v: ReminderView, lang: str = "vi") -> Message:
    lang = _lang(lang)
    T = TEMPLATES[lang]
    escalation = v.role in (SUPERVISOR, PLAN_COORDINATOR)
    if escalation:
        state = T["state.escalate"].format(n=v.working_days)
    elif v.overdue:
        state = T["state.overdue"].format(n=v.working_days)
    elif v.rule == "cutoff":
        state = T["state.cutoff"]
    elif v.working_days == 0:
        state = T["state.today"]
    else:
        state = T["state.left"].format(n=v.working_days)
    role_tag = T["role_tag.coordinator"] if v.role == COORDINATOR else ""
    subject = T["subject"].format(state=state, role_tag=role_tag, task=v.task,
                                  title=short_title(v.task_title), plan=v.plan)
    eff = fmt_date(v.effective_due, lang, weekday=True)
    lines = [T["greeting"].format(unit=v.unit_name), ""]
    lines.append(T[f"role.{v.role}"].format(lead=v.lead_name, n=v.working_days))
    lines += ["", T["line.plan"].format(plan_title=v.plan_title, plan=v.plan),
              T["line.task"].format(task=v.task, task_title=v.task_title)]
    if v.section:
        lines.append(T["line.section"].format(section=v.section))
    if v.recurring:
        lines.append(T["line.deadline"].format(deadline_text=v.deadline_text or "",
                                               due=fmt_date(v.due, lang)))
        lines.append(T["line.occurrence"].format(due=fmt_date(v.due, lang)))
    else:
        lines.append(T["line.deadline"].format(deadline_text=v.deadline_text or "",
                                               due=fmt_date(v.due, lang)))
    if v.effective_due != v.due:
        lines.append(T["line.effective"].format(effective=eff))
    if v.inferred:
        lines.append(T["line.inferred"])
    if v.data_window:
        lines.append(T["line.window"].format(start=fmt_date(v.data_window[0], lang),
                                             end=fmt_date(v.data_window[1], lang)))
    if v.overdue:
        lines.append(T["status.overdue"].format(n=v.working_days,
                                                days=(v.as_of - v.effective_due).days))
    elif v.working_days == 0:
        lines.append(T["status.today"].format(effective=eff))
    else:
        lines.append(T["status.left"].format(n=v.working_days, effective=eff))
    lines.append(T["line.lead"].format(lead=v.lead_name))
    lines.append(T["line.coordinators"].format(
        coordinators="; ".join(v.coordinator_names) or T["none"]))
    ask = ("ask.escalate" if escalation else "ask.overdue" if v.overdue
           else "ask.cutoff" if v.rule == "cutoff" else "ask.before")
    lines += ["", T[ask], "", "—", T["footer"].format(as_of=fmt_date(v.as_of, lang), key=v.key)]
    kind = "failure" if escalation else "warning" if v.overdue else "info"
    return Message(v.key, v.unit, nfc(subject), nfc("\n".join(lines)), kind)


def _section(T: dict[str, str], title: str, template: str, items: list[DigestItem],
             lang: str) -> list[str]:
    if not items:
        return []
    lines = ["", T[title].format(n=len(items))]
    for item in items[:DIGEST_SECTION_MAX]:
        role = T.get(f"digest.role.{item.role}", item.role)
        lines.append(T[template].format(task=item.task, task_title=short_title(item.task_title, 90),
                                        plan=item.plan, effective=fmt_date(item.effective_due, lang),
                                        n=item.working_days, role=role, lead=item.lead_name))
    if len(items) > DIGEST_SECTION_MAX:
        lines.append(T["digest.more"].format(n=len(items) - DIGEST_SECTION_MAX))
    return lines


def render_digest(v: DigestView, lang: str = "vi") -> Message:
    lang = _lang(lang)
    T = TEMPLATES[lang]
    year, week = v.week.split("-W")
    week_label = f"{int(week)}/{year}" if lang == "vi" else v.week
    subject = T["digest.subject"].format(week=week_label, unit=v.unit_name,
                                         overdue=len(v.overdue), soon=len(v.due_soon),
                                         escalated=T["digest.subject.escalated"].format(
                                             n=len(v.escalated)) if v.escalated else "")
    lines = [T["greeting"].format(unit=v.unit_name), "",
             T["digest.intro"].format(week=week_label, as_of=fmt_date(v.as_of, lang))]
    lines += _section(T, "digest.overdue", "digest.item.overdue", v.overdue, lang)
    lines += _section(T, "digest.soon", "digest.item.soon", v.due_soon, lang)
    lines += _section(T, "digest.escalated", "digest.item.escalated", v.escalated, lang)
    lines += ["", "—", T["footer"].format(as_of=fmt_date(v.as_of, lang), key=v.key)]
    kind = "warning" if v.overdue or v.escalated else "info"
    return Message(v.key, v.unit, nfc(subject), nfc("\n".join(lines)), kind)

