"""Reminder and digest messages, Vietnamese first (English on request), from the Jinja2
templates in tasks/templates/<lang>/.

A subject line is made to be scanned in a full inbox: the state first, then the task,
then the plan, e.g. "[Quá hạn 12 ngày] NV01 – Xây dựng kế hoạch… (DM-CDS-2022)". Day
counts in subjects and bodies are working days on the Vietnamese calendar (the body also
gives calendar days when a task is overdue). Every message ends with its idempotency key.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from dondoc.catalog.rules.recipients import PLAN_COORDINATOR, SUPERVISOR

TITLE_MAX = 60
DIGEST_SECTION_MAX = 50

WEEKDAYS = {
    "vi": ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}

# One folder of Jinja2 templates per language: tasks/templates/<lang>/*.j2.
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True, slots=True)
class Message:
    key: str
    unit: str
    subject: str
    body: str
    notify_type: str = "info"  # info, warning, failure (Apprise's words)
    html: str | None = None  # a letter's HTML, sent to the channels that show it (e-mail)
    # Writes the letter's files (XLSX, .ics) into a folder, for the channels that take them.
    attachments: Callable[[Path], list[Path]] | None = None


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
    report_label: str | None = None  # a combined regime's report kind: "6 tháng", "năm"


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


@lru_cache(maxsize=None)
def _environment(lang: str) -> Any:
    """The templates of one language, compiled once per process; a sweep renders thousands."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR / lang), autoescape=False,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
        undefined=jinja2.StrictUndefined)
    env.filters["short"] = short_title
    env.filters["date"] = lambda day: fmt_date(day, lang)
    env.filters["weekday_date"] = lambda day: fmt_date(day, lang, weekday=True)
    return env


def _render(lang: str, name: str, **context: Any) -> str:
    return nfc(_environment(lang).get_template(name).render(**context).strip("\n"))


def render_reminder(v: ReminderView, lang: str = "vi") -> Message:
    lang = _lang(lang)
    escalation = v.role in (SUPERVISOR, PLAN_COORDINATOR)
    context = {"v": v, "escalation": escalation,
               "calendar_days": (v.as_of - v.effective_due).days}
    subject = _render(lang, "reminder_subject.j2", **context)
    body = _render(lang, "reminder_body.j2", **context)
    kind = "failure" if escalation else "warning" if v.overdue else "info"
    return Message(v.key, v.unit, subject, body, kind)


def _week(v: DigestView, lang: str) -> str:
    year, week = v.week.split("-W")
    return f"{int(week)}/{year}" if lang == "vi" else v.week


def render_digest(v: DigestView, lang: str = "vi") -> Message:
    lang = _lang(lang)
    context = {"v": v, "week": _week(v, lang), "limit": DIGEST_SECTION_MAX}
    subject = _render(lang, "digest_subject.j2", **context)
    body = _render(lang, "digest_body.j2", **context)
    kind = "warning" if v.overdue or v.escalated else "info"
    return Message(v.key, v.unit, subject, body, kind)


# ------------------------------------------------------------------------ letters


@dataclass(frozen=True, slots=True)
class LetterLine:
    """One task in a letter, resolved to names and dates."""

    plan: str
    task: str
    title: str
    role: str  # lead, coordinator, supervisor, plan_coordinator
    kind: str  # overdue, escalation, before, cutoff
    rule: str
    deadline_text: str | None  # the deadline as the plan writes it
    due: dt.date
    effective_due: dt.date
    days_late: int  # calendar days, as `dondoc overdue` counts; 0 when not overdue
    working_days_left: int  # the policy's count before a deadline
    escalate_after: int
    lead_name: str
    # A combined regime's report kind for this occurrence ("6 tháng", "năm"): the letter
    # says which report is asked for, since one task asks for several.
    report_label: str | None = None

    def severity(self) -> tuple[int, int, str]:
        """Worst first: the longest overdue, then the nearest deadline."""
        if self.days_late:
            return (0, -self.days_late, self.task)
        return (1, self.working_days_left, self.task)


@dataclass(frozen=True)
class PlanSection:
    plan: str
    plan_title: str
    office: str  # the plan's coordinating office: who sends the letter
    contact: str  # its contact line from the unit registry
    lines: list[LetterLine]


@dataclass(frozen=True)
class LetterView:
    key: str
    unit: str
    unit_name: str
    as_of: dt.date
    sections: list[PlanSection]
    digest: DigestView | None = None  # the weekly digest, on the day it falls due

    def count(self, *kinds: str) -> int:
        return sum(1 for s in self.sections for ln in s.lines if ln.kind in kinds)


@lru_cache(maxsize=None)
def _html_environment(lang: str) -> Any:
    """The HTML templates escape what they print: task titles are plan text, not markup."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR / lang), autoescape=True,
        trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters.update(_environment(lang).filters)
    return env


def _answer_link(unit: str) -> dict[str, Any]:
    """The unit's signed link to its answer page (`dondoc serve`), fresh in every letter."""
    from dondoc.catalog.links import issue

    link = issue(unit)
    return {"url": link.url(), "expires": link.expires.date()}


def render_letter(v: LetterView, lang: str = "vi",
                  attachments: Callable[[Path], list[Path]] | None = None) -> Message:
    lang = _lang(lang)
    d = v.digest
    context = {"v": v, "overdue": v.count("overdue"), "soon": v.count("before", "cutoff"),
               "escalated": v.count("escalation"), "answer": _answer_link(v.unit),
               "d": d, "week": _week(d, lang) if d else None, "limit": DIGEST_SECTION_MAX}
    subject = " ".join(_render(lang, "letter_subject.j2", **context).split())
    body = _render(lang, "letter_body.j2", **context)
    html = nfc(_html_environment(lang).get_template("letter.html.j2").render(**context))
    kind = ("failure" if context["escalated"] or (d and d.escalated)
            else "warning" if context["overdue"] or (d and d.overdue) else "info")
    return Message(v.key, v.unit, subject, body, kind, html, attachments)
