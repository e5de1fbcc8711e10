"""The detail pane: everything about the selected row, the task above all.

A task shows its plan and section, its text, lead and coordinating units, its deadline
as written and as dates, its progress reports, extensions and the reminders sent.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from dondoc.catalog.safety import printable, scrub_urls
from textual.containers import VerticalScroll
from textual.widgets import Static

from dondoc.catalog.i18n import status_label
from dondoc.catalog.i18n import t as tr
from dondoc.tui.app.i18n import STATUS_GLYPH, fmt_date, fmt_datetime
from dondoc.catalog.store.readmodel import (DeliveryRow, RequestRow, ReviewRow, TargetRow,
                                            TaskDetail, TaskRow, UnitRow)
from dondoc.tui.app.widgets.views import delivery_status, number, request_asked, review_status

TONE_STYLE = {"overdue": "bold red", "due_soon": "yellow", "done": "green"}


class DetailPane(VerticalScroll, can_focus=False):
    DEFAULT_CSS = """
    DetailPane { height: 14; border-top: solid $primary-muted; padding: 0 1; }
    DetailPane > Static { width: 1fr; }
    """

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="detail-body")

    def show(self, content: Text | str) -> None:
        self.query_one("#detail-body", Static).update(content)
        self.scroll_home(animate=False)

    def show_task(self, detail: TaskDetail, row: TaskRow | None) -> None:
        self.show(task_text(detail, row))

    def show_row(self, row: Any) -> None:
        self.show(row_text(row))


def _field(text: Text, label: str, value: str | Text, style: str = "") -> None:
    text.append(f"{label}: ", style="bold")
    if isinstance(value, Text):
        text.append_text(value)
    else:
        text.append(printable(value, 5000, oneline=False), style=style)
    text.append("\n")


def _section(text: Text, title: str, items: list[str], total: int | None = None) -> None:
    text.append(f"\n{title}", style="bold underline")
    text.append(f" ({total if total is not None else len(items)})\n")
    if not items:
        text.append(f"  {tr('detail.none')}\n", style="dim")
    for item in items:
        text.append(f"  • {printable(item, 1000)}\n")
    if total is not None and total > len(items):
        text.append(f"  {tr('detail.more', n=total - len(items))}\n", style="dim")


def task_text(d: TaskDetail, row: TaskRow | None) -> Text:
    text = Text()
    status = row.status if row is not None else ("done" if d.state == "done" else "not_due")
    text.append(f"{STATUS_GLYPH[status]} {status_label(status)}", style=TONE_STYLE.get(status, ""))
    if row is not None and status == "overdue":
        text.append(f" · {tr('cell.days', n=row.days)}", style=TONE_STYLE["overdue"])
    text.append(f"   {d.plan} / {d.code}\n", style="bold")
    text.append(f"{d.title}\n\n")
    _field(text, tr("detail.plan"), f"{d.plan} — {d.plan_title}")
    if d.section:
        _field(text, tr("detail.section"), d.section)
    _field(text, tr("detail.lead"), d.lead or tr("cell.no_lead"))
    if d.coordinators:
        _field(text, tr("detail.coordinators"), "; ".join(d.coordinators))
    _assignments(text, d)
    deadline = d.deadline_text or "—"
    if d.deadline_inferred:
        deadline += f" ({tr('detail.inferred')})"
    _field(text, tr("detail.deadline"), deadline)
    if d.deadline_start and d.deadline_due and d.deadline_start != d.deadline_due:
        _field(text, tr("detail.window"),
               f"{fmt_date(d.deadline_start)} → {fmt_date(d.deadline_due)}")
    if d.rrule:
        _field(text, tr("detail.rrule"), d.rrule)
        if row is not None and row.due:
            _field(text, tr("detail.due"), f"{fmt_date(row.due)} → {fmt_date(row.effective_due)}")
    else:
        if d.deadline_due:
            _field(text, tr("detail.due"), fmt_date(d.deadline_due))
        if d.extended_due:
            _field(text, tr("detail.extended"), fmt_date(d.extended_due), "yellow")
        if d.effective_due:
            _field(text, tr("detail.effective"), fmt_date(d.effective_due))
    _field(text, tr("detail.progress"), f"{d.progress}%")
    if d.completed_on:
        _field(text, tr("detail.completed"), fmt_date(d.completed_on), "green")
    if d.snoozed_until:
        _field(text, tr("detail.snoozed"), fmt_date(d.snoozed_until))
    if d.deliverable:
        _field(text, tr("detail.deliverable"), d.deliverable)
    if d.budget_vnd:
        _field(text, tr("detail.budget"),
               tr("detail.vnd", amount=number(d.budget_vnd)) + (f" ({d.funding_source})" if d.funding_source else ""))
    if d.note:
        _field(text, tr("detail.note"), d.note)
    reports = []
    for r in d.reports:
        parts = [fmt_datetime(r["reported_at"])]
        if r["occurrence"]:
            parts.append(tr("detail.occurrence", day=fmt_date(r["occurrence"])))
        if r["unit"]:
            parts.append(r["unit"])
        if r["progress"] is not None:
            parts.append(f"{r['progress']}%")
        if r["note"]:
            parts.append(r["note"])
        reports.append(" · ".join(parts))
    _section(text, tr("detail.reports"), reports)
    extensions = []
    for e in d.extensions:
        parts = [f"{fmt_date(e['old_due'])} → {fmt_date(e['new_due'])}"]
        if e["reason"]:
            parts.append(e["reason"])
        if e["approved_by"]:
            parts.append(tr("detail.approved_by", who=e["approved_by"]))
        parts.append(fmt_datetime(e["created_at"]))
        extensions.append(" · ".join(parts))
    _section(text, tr("detail.extensions"), extensions)
    reminders = []
    for m in d.reminders:
        status = f"{_glyph(m['status'])} {m['status']}"
        parts = [fmt_datetime(m["at"]), status, m["unit_code"] or "", m["rule"], m["channel"]]
        if m["error"]:
            parts.append(scrub_urls(m["error"]) or "")
        reminders.append(" · ".join(p for p in parts if p))
    _section(text, tr("detail.reminders"), reminders, d.reminders_total)
    return text


def _assignments(text: Text, d: TaskDetail) -> None:
    """Each unit's share: role, its own status and progress; with several leads, how many
    of them are done."""
    if not d.assignments:
        return
    leads = [a for a in d.assignments if a.role == "lead"]
    text.append(f"{tr('detail.assignments')}: ", style="bold")
    if len(leads) > 1:
        done = sum(1 for a in leads if a.status == "done")
        text.append(tr("detail.units_done", done=done, total=len(leads)),
                    style="green" if done == len(leads) else "")
    text.append("\n")
    for a in d.assignments:
        text.append(f"  {STATUS_GLYPH.get(a.status, '·')} ", style=TONE_STYLE.get(a.status, ""))
        text.append(printable(a.unit_name, 200))
        text.append(f" · {tr(f'detail.role.{a.role}')} · {status_label(a.status)}"
                    f" · {a.progress}%")
        if a.completed_on:
            text.append(f" · {fmt_date(a.completed_on)}", style="green")
        text.append("\n")


def _figure(key: str) -> str:
    """A review summary's key in words, when it is one dondoc knows."""
    try:
        word = tr(f"fig.{key}")
    except KeyError:
        return str(key)
    return word[:1].upper() + word[1:]


def _glyph(status: str) -> str:
    from dondoc.tui.app.widgets.views import DELIVERY_GLYPH
    return DELIVERY_GLYPH.get(status, "·")


def row_text(row: Any) -> Text:
    text = Text()
    if isinstance(row, UnitRow):
        text.append(f"{row.name}\n", style="bold")
        if row.code:
            _field(text, tr("col.code"), row.code)
        _field(text, tr("col.tasks"), number(row.tasks))
        _field(text, tr("col.overdue"), f"✗ {row.overdue}", TONE_STYLE["overdue"] if row.overdue else "")
        _field(text, tr("col.on_time"), f"✓ {row.on_time}")
        _field(text, tr("col.late"), str(row.late))
        text.append(f"\n{tr('key.open_unit')}: Enter\n", style="dim")
    elif isinstance(row, TargetRow):
        text.append(f"{row.plan} / {row.code}\n", style="bold")
        text.append(f"{row.indicator}\n\n")
        if row.area:
            _field(text, tr("detail.area"), row.area)
        if row.uom:
            _field(text, tr("col.uom"), row.uom)
        if row.owner:
            _field(text, tr("detail.lead"), row.owner)
        for year, value in sorted(row.values.items()):
            _field(text, str(year), number(value))
        if row.latest_year is not None:
            latest = f"{row.latest_year}: {number(row.latest_value)}"
            if row.latest_unit:
                latest += f" · {row.latest_unit}"
            if row.latest_at:
                latest += f" · {fmt_datetime(row.latest_at)}"
            _field(text, tr("col.latest"), latest)
        if row.note:
            _field(text, tr("detail.note"), row.note)
    elif isinstance(row, ReviewRow):
        text.append(f"{row.plan} · {row.period}   ", style="bold")
        text.append(f"{review_status(row)}\n", style=TONE_STYLE.get(
            {"done": "done", "missed": "overdue", "failed": "overdue"}.get(row.shown, ""), ""))
        text.append(f"{row.plan_title}\n\n")
        if row.scheduled_at:
            _field(text, tr("col.scheduled"), fmt_datetime(row.scheduled_at))
        if row.finished_at:
            _field(text, tr("col.finished"), fmt_datetime(row.finished_at))
        if row.report_path:
            _field(text, tr("detail.report"), row.report_path)
        for key, value in row.summary.items():
            if key in ("plan", "period"):
                continue  # already in the heading
            if isinstance(value, dict):
                for sub, n in value.items():
                    _field(text, _figure(sub), number(n))
            elif not isinstance(value, list):
                _field(text, _figure(key), number(value))
    elif isinstance(row, RequestRow):
        text.append(f"{request_asked(row)}   ", style=TONE_STYLE["done" if row.kind == "done"
                                                               else "due_soon"])
        text.append(f"#{row.id} · {row.plan}/{row.task}\n", style="bold")
        text.append(f"{row.title}\n\n")
        _field(text, tr("col.unit"), f"{row.unit_name} ({row.unit})")
        if row.reason:
            _field(text, tr("col.reason"), row.reason)
        _field(text, tr("col.sent_at"), fmt_datetime(row.created_at))
        _field(text, tr("col.client"), row.client or "—")
        text.append(f"\n{tr('detail.request.keys')}\n", style="dim")
    elif isinstance(row, DeliveryRow):
        text.append(f"{delivery_status(row)}   ", style=TONE_STYLE.get(
            {"sent": "done", "failed": "overdue", "pending": "due_soon"}.get(row.status, ""), ""))
        text.append(f"{row.plan or ''}/{row.task or ''}\n", style="bold")
        _field(text, tr("col.when"), fmt_datetime(row.when))
        _field(text, tr("col.unit"), row.unit or "")
        _field(text, tr("col.rule"), row.rule)
        _field(text, tr("col.channel"), row.channel)
        if row.occurrence:
            _field(text, tr("detail.due"), fmt_date(row.occurrence))
        _field(text, tr("detail.attempts"), str(row.attempts))
        if row.subject:
            _field(text, tr("col.subject"), row.subject)
        if row.error:
            _field(text, tr("error.title"), scrub_urls(row.error) or "", "red")
    else:
        text.append(tr("empty.no_row"), style="dim")
    return text
