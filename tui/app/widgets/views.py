"""The views: what each list shows, column by column, and in which tone.

Every status is a glyph and a word as well as a colour, so it reads the same with
NO_COLOR or on a monochrome terminal.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from dondoc.catalog.i18n import status_label
from dondoc.catalog.i18n import t as tr
from dondoc.catalog.safety import scrub_urls
from dondoc.tui.app.i18n import STATUS_GLYPH, fmt_date, fmt_datetime
from dondoc.catalog.store.readmodel import (DeliveryRow, RequestRow, ReviewRow, TargetRow,
                                            TaskRow, UnitRow, summary_figures)
from dondoc.tui.app.widgets.row_list import Column, RowList

VIEWS = ("overdue", "due_soon", "units", "targets", "reviews", "reminders", "all", "unassigned",
         "requests")
TASK_VIEWS = ("overdue", "due_soon", "all", "unassigned")

REVIEW_GLYPH = {"done": "✓", "missed": "✗", "failed": "✗", "scheduled": "◷", "running": "»",
                "cancelled": "–"}
REVIEW_TONE = {"done": "done", "missed": "overdue", "failed": "overdue", "running": "due_soon"}
DELIVERY_GLYPH = {"sent": "✓", "failed": "✗", "pending": "…", "claimed": "»", "skipped": "–",
                  "retry": "↻", "superseded": "–"}
DELIVERY_TONE = {"sent": "done", "failed": "overdue", "pending": "due_soon", "claimed": "due_soon",
                 "retry": "due_soon"}


def number(value: Any) -> str:
    """80.0 as 80, 1234567 as 1.234.567 (the Vietnamese way), text as is."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def _word(table: str, status: str) -> str:
    key = f"{table}.{status}"
    try:
        return tr(key)
    except KeyError:
        return status


# ------------------------------------------------------------------------------ tasks


def lead_cell(t: TaskRow) -> str:
    """The first lead, and "+N" when N more units lead with it."""
    first = t.first_lead or t.lead or ""
    return f"{first} +{t.lead_count - 1}" if t.lead_count > 1 else first


def _task_tail(t: TaskRow) -> list[str]:
    return [t.plan, t.code, t.title, lead_cell(t), t.deadline_text or "",
            fmt_date(t.effective_due)]


def _task_columns(first: Column) -> list[Column]:
    return [first, Column(tr("col.plan"), 14, drop=2), Column(tr("col.code"), 12),
            Column(tr("col.title"), 0, min_width=24), Column(tr("col.lead"), 24, drop=4, keep_tail=" +"),
            Column(tr("col.deadline"), 18, drop=3), Column(tr("col.effective"), 11, drop=1)]


def overdue_cells(t: TaskRow) -> list[str]:
    return [f"✗ {tr('cell.days', n=t.days)}", *_task_tail(t)]


def due_soon_cells(t: TaskRow) -> list[str]:
    left = tr("cell.today") if t.days == 0 else tr("cell.days", n=t.days)
    return [f"! {left}", *_task_tail(t)]


def all_cells(t: TaskRow) -> list[str]:
    return [f"{STATUS_GLYPH[t.status]} {status_label(t.status)}", *_task_tail(t)]


def task_tone(t: TaskRow) -> str:
    return t.status if t.status in ("overdue", "due_soon", "done") else ""


# ------------------------------------------------------------------------------ others


def unit_cells(u: UnitRow) -> list[str]:
    return [u.name, number(u.tasks), f"✗ {u.overdue}" if u.overdue else "0",
            f"✓ {u.on_time}" if u.on_time else "0", f"! {u.late}" if u.late else "0",
            f"{u.rate:.0%}"]


def unit_tone(u: UnitRow) -> str:
    return "overdue" if u.overdue else ("done" if u.tasks and u.on_time == u.tasks else "")


def target_cells(g: TargetRow) -> list[str]:
    by_year = " · ".join(f"{year}: {number(v)}" for year, v in sorted(g.values.items()))
    latest = ""
    if g.latest_year is not None:
        latest = f"{g.latest_year}: {number(g.latest_value)}"
    verdict = {"reached": f"✓ {tr('cell.reached')}",
               "not_reached": f"✗ {tr('cell.not_reached')}",
               "none": f"– {tr('cell.no_figure')}", "unknown": "?"}[g.verdict]
    return [g.plan, g.code, g.indicator, g.uom or "", by_year, latest, verdict]


def target_tone(g: TargetRow) -> str:
    return {"reached": "done", "not_reached": "overdue"}.get(g.verdict, "")


def review_status(r: ReviewRow) -> str:
    word = tr("cell.missed") if r.shown == "missed" and r.status == "scheduled" else \
        _word("review", r.shown)
    return f"{REVIEW_GLYPH.get(r.shown, '·')} {word}"


def review_cells(r: ReviewRow) -> list[str]:
    figures = " · ".join(f"{_word('fig', k)} {number(v)}" for k, v in summary_figures(r.summary))
    return [r.plan, r.period, fmt_datetime(r.scheduled_at), review_status(r),
            fmt_datetime(r.finished_at), figures]


def review_tone(r: ReviewRow) -> str:
    return REVIEW_TONE.get(r.shown, "")


def delivery_status(d: DeliveryRow) -> str:
    return f"{DELIVERY_GLYPH.get(d.status, '·')} {_word('delivery', d.status)}"


def delivery_cells(d: DeliveryRow) -> list[str]:
    task = f"{d.plan}/{d.task}" if d.plan else (d.task or "")
    return [fmt_datetime(d.when), delivery_status(d), task, d.unit or "", d.rule, d.channel,
            scrub_urls(d.error) if d.status == "failed" and d.error else d.subject]


def delivery_tone(d: DeliveryRow) -> str:
    return DELIVERY_TONE.get(d.status, "")


def request_asked(r: RequestRow) -> str:
    """What the unit asks: its share done on a day, or a new due date."""
    if r.kind == "done":
        return f"✓ {tr('cell.request.done', day=fmt_date(r.completed_on))}"
    return f"» {tr('cell.request.extension', day=fmt_date(r.new_due))}"


def request_cells(r: RequestRow) -> list[str]:
    return [fmt_datetime(r.created_at), request_asked(r), f"{r.plan}/{r.task}", r.unit_name,
            r.reason or "", r.client or ""]


def request_tone(r: RequestRow) -> str:
    return "done" if r.kind == "done" else "due_soon"


# ------------------------------------------------------------------------------ lists


def _spec(view: str) -> tuple[list[Column], Callable[[Any], Sequence[str]], Callable[[Any], str]]:
    if view == "overdue":
        return _task_columns(Column(tr("col.days_overdue"), 11, toned=True)), overdue_cells, task_tone
    if view == "due_soon":
        return _task_columns(Column(tr("col.due_in"), 11, toned=True)), due_soon_cells, task_tone
    if view in ("all", "unassigned"):
        return _task_columns(Column(tr("col.status"), 15, toned=True)), all_cells, task_tone
    if view == "units":
        return ([Column(tr("col.unit"), 0, min_width=24), Column(tr("col.tasks"), 9, "right"),
                 Column(tr("col.overdue"), 9, "right", toned=True),
                 Column(tr("col.on_time"), 9, "right"), Column(tr("col.late"), 9, "right"),
                 Column(tr("col.rate"), 9, "right", drop=1)], unit_cells, unit_tone)
    if view == "targets":
        return ([Column(tr("col.plan"), 14, drop=2), Column(tr("col.code"), 11),
                 Column(tr("col.indicator"), 0, min_width=24), Column(tr("col.uom"), 8, drop=3),
                 Column(tr("col.by_year"), 20, drop=1), Column(tr("col.latest"), 16),
                 Column(tr("col.verdict"), 18, toned=True)], target_cells, target_tone)
    if view == "reviews":
        return ([Column(tr("col.plan"), 16), Column(tr("col.period"), 8),
                 Column(tr("col.scheduled"), 17), Column(tr("col.status"), 16, toned=True),
                 Column(tr("col.finished"), 17, drop=1), Column(tr("col.numbers"), 0, min_width=20)],
                review_cells, review_tone)
    if view == "reminders":
        return ([Column(tr("col.when"), 17), Column(tr("col.status"), 12, toned=True),
                 Column(tr("col.task"), 22), Column(tr("col.unit"), 24, drop=2),
                 Column(tr("col.rule"), 10, drop=3), Column(tr("col.channel"), 12, drop=1),
                 Column(tr("col.subject"), 0, min_width=20)], delivery_cells, delivery_tone)
    if view == "requests":
        return ([Column(tr("col.sent_at"), 17), Column(tr("col.asked"), 29, toned=True),
                 Column(tr("col.task"), 22), Column(tr("col.unit"), 26, drop=2),
                 Column(tr("col.reason"), 0, min_width=16),
                 Column(tr("col.client"), 16, drop=1)], request_cells, request_tone)
    raise ValueError(view)


def make_list(view: str) -> RowList:
    columns, cells, tone = _spec(view)
    return RowList(columns, cells, tone, empty_text=tr("empty.loading"), id=f"list-{view}")
