"""What the coordinator's screen shows, read from the database off the UI thread.

Plain functions on an Engine that return typed rows, so the app's thread workers call
them and tests can too; nothing here imports Textual. Task statuses come from
dondoc.catalog.store.queries.Reader, so the screen and `dondoc tasks` always agree
(dondoc.catalog.rules.status).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from dondoc.catalog.store.engines import mask_url
from dondoc.catalog.store.models import (AuditEntry, Delivery, Extension, LinkRequest, Plan,
                                         ProgressReport, Review, Target, TargetActual, Task,
                                         TaskUnit, Unit, Assignment)
from dondoc.catalog.rules.policy import DEFAULT_DUE_SOON_WINDOW
from dondoc.catalog.rules.status import done_late, task_status
from dondoc.catalog.rules.targets import verdict
from dondoc.catalog.rules.workdays import WorkCalendar
from dondoc.catalog.store.queries import Filter, Reader, _codes, _iso
from dondoc.catalog.store.records import AssignmentState, TaskRecord
from dondoc.catalog.text import fold

VN = dt.timezone(dt.timedelta(hours=7))  # Asia/Ho_Chi_Minh keeps no summer time
DELIVERY_ROWS = 5000  # the ledger can hold millions: the newest this many are listed

TASK = Task.__table__
PLAN = Plan.__table__
UNIT = Unit.__table__
TARGET = Target.__table__
ACTUAL = TargetActual.__table__
REVIEW = Review.__table__
DELIVERY = Delivery.__table__
REPORT = ProgressReport.__table__
EXTENSION = Extension.__table__
AUDIT = AuditEntry.__table__
ASSIGNMENT = Assignment.__table__
REQUEST = LinkRequest.__table__


def sanitize(text: str | None) -> str:
    """Text from the ledger without secrets: passwords and whole Apprise URLs masked."""
    if not text:
        return ""
    return re.sub(r"\b([a-zA-Z][a-zA-Z0-9+.-]*)://\S+", r"\1://***", mask_url(text))


# ------------------------------------------------------------------------------ rows


TaskRow = TaskRecord  # the screen shows the store's task record as it is


@dataclass(slots=True)
class RegistryUnit:
    """A unit of the registry as the assign dialog lists it (a group with its members)."""

    code: str
    name: str
    aliases: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    hay: str = ""  # folded code, name and aliases

    @property
    def is_group(self) -> bool:
        return bool(self.members)


@dataclass(slots=True)
class UnitRow:
    code: str | None
    name: str
    tasks: int = 0
    overdue: int = 0
    on_time: int = 0
    late: int = 0
    hay: str = ""

    @property
    def key(self) -> tuple[str, str | None]:
        return ("unit", self.code)

    @property
    def rate(self) -> float:
        return self.overdue / self.tasks if self.tasks else 0.0


@dataclass(slots=True)
class TargetRow:
    id: int
    plan: str
    code: str
    area: str | None
    indicator: str
    uom: str | None
    owner: str | None
    values: dict[str, Any]
    note: str | None
    latest_year: int | None = None
    latest_value: Any = None
    latest_unit: str | None = None
    latest_at: str | None = None
    verdict: str = "none"  # reached, not_reached, none (no figure), unknown (not comparable)
    hay: str = ""

    @property
    def key(self) -> tuple[str, int]:
        return ("target", self.id)


@dataclass(slots=True)
class ReviewRow:
    id: int
    plan: str
    plan_title: str
    period: str
    scheduled_at: str | None
    status: str  # as stored
    shown: str  # as shown: a scheduled review whose time has passed is "missed"
    finished_at: str | None
    report_path: str | None
    summary: dict[str, Any]
    hay: str = ""

    @property
    def key(self) -> tuple[str, int]:
        return ("review", self.id)


@dataclass(slots=True)
class DeliveryRow:
    id: int
    when: str | None
    status: str
    plan: str | None
    task: str | None
    unit: str | None
    rule: str
    channel: str
    subject: str
    error: str
    attempts: int
    occurrence: str | None
    hay: str = ""

    @property
    def key(self) -> tuple[str, int]:
        return ("delivery", self.id)


@dataclass(slots=True)
class RequestRow:
    """A unit's done or extension request, sent through its link, waiting for a decision."""

    id: int
    task_id: int
    plan: str
    task: str  # the task's code
    title: str
    unit: str  # the unit's code
    unit_name: str
    kind: str  # done, extension
    completed_on: str | None
    new_due: str | None
    reason: str | None
    client: str | None  # the address the request came from
    created_at: str | None
    hay: str = ""

    @property
    def key(self) -> tuple[str, int]:
        return ("request", self.id)


@dataclass
class Snapshot:
    """Everything the views show for one as-of date and scope."""

    as_of: dt.date
    has_plans: bool
    tasks: list[TaskRow]
    overdue: list[TaskRow]
    due_soon: list[TaskRow]
    units: list[UnitRow] = field(default_factory=list)
    targets: list[TargetRow] = field(default_factory=list)
    reviews: list[ReviewRow] = field(default_factory=list)
    deliveries: list[DeliveryRow] = field(default_factory=list)
    unassigned: list[TaskRow] = field(default_factory=list)
    requests: list[RequestRow] = field(default_factory=list)
    registry: list[RegistryUnit] = field(default_factory=list)
    delivery_counts: dict[str, int] = field(default_factory=dict)
    plans: list[tuple[str, str]] = field(default_factory=list)
    unit_names: dict[str, str] = field(default_factory=dict)
    window: int = DEFAULT_DUE_SOON_WINDOW
    complete: bool = True  # False for the quick first load (overdue only)
    _counts: Counter[str] | None = field(default=None, repr=False)

    @property
    def counts(self) -> Counter[str]:
        """Tasks by status (computed once: the status bar asks on every keystroke)."""
        if self._counts is None:
            self._counts = Counter(t.status for t in self.tasks)
        return self._counts


# ------------------------------------------------------------------------------ tasks


def _with_hay(row: TaskRecord) -> TaskRecord:
    # What the filter matches. Coordinating units are left out: they would double the text
    # scanned per keystroke; a unit's tasks, coordinated ones included, are one Enter away
    # in the units view (or the palette).
    lead = row.lead or ""
    if row.first_lead and row.first_lead != lead:
        lead = f"{lead} {row.first_lead}"
    row.hay = fold(f"{row.plan} {row.code} {row.section or ''} {row.title} "
                   f"{lead} {row.deadline_text or ''}")
    return row


def lead_summary(conn: Connection) -> dict[int, tuple[str, int]]:
    """task id -> (its first lead's code, how many units lead it): one row per task, so the
    lists show "first lead +N" without holding every assignment."""
    counts = (select(ASSIGNMENT.c.task_id, func.min(ASSIGNMENT.c.id).label("first"),
                     func.count().label("n"))
              .where(ASSIGNMENT.c.role == "lead", ASSIGNMENT.c.withdrawn == False)  # noqa: E712
              .group_by(ASSIGNMENT.c.task_id).subquery())
    query = (select(counts.c.task_id, ASSIGNMENT.c.unit_code, counts.c.n)
             .join(ASSIGNMENT, ASSIGNMENT.c.id == counts.c.first))
    return {tid: (unit, n) for tid, unit, n in conn.execute(query)}


def load_tasks(engine: Engine, f: Filter, calendar: WorkCalendar | None = None,
               statuses: tuple[str, ...] | None = None) -> list[TaskRow]:
    """Live tasks with their status on f.as_of, oldest effective due first; each with its
    leads summarised (first lead, how many), not its assignments (load_assignments)."""
    reader = Reader(engine, calendar)
    rows = list(reader.records(f, statuses, assignments=False))
    with engine.connect() as conn:
        leads = lead_summary(conn)
        names = reader.unit_names(conn)
    for row in rows:
        found = leads.get(row.id)
        if found is not None:
            row.first_lead, row.lead_count = names.get(found[0], found[0]), found[1]
        _with_hay(row)
    for row in rows:
        if row.status == "due_soon" and row.effective_due is not None:
            # Calendar days, as people count them (the window itself is in working days).
            row.days = (dt.date.fromisoformat(row.effective_due) - f.as_of).days
    return rows


def has_plans(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(PLAN.c.code).limit(1)).first() is not None


QUICK_ROWS = 500  # the first screenfuls of the overdue view, shown before everything else


def _quick_query(f: Filter, state: str, limit: int) -> Any:
    """The worst overdue fixed-deadline tasks in one state, in (state, effective_due) index
    order, so the database reads only `limit` rows however many tasks there are."""
    lead = UNIT.alias("lead")
    query = (select(TASK.c.id, TASK.c.plan_code, TASK.c.code, TASK.c.section, TASK.c.title,
                    TASK.c.deadline_kind, lead.c.name, TASK.c.coordinators, TASK.c.deadline_text,
                    func.coalesce(TASK.c.extended_due, TASK.c.deadline_due),
                    TASK.c.effective_due, TASK.c.completed_on, TASK.c.lead_code,
                    TASK.c.category)
             .join(lead, lead.c.code == TASK.c.lead_code, isouter=True)
             .where(TASK.c.state == state, TASK.c.effective_due < f.as_of,
                    TASK.c.deadline_kind != "recurring")
             .order_by(TASK.c.effective_due, TASK.c.plan_code, TASK.c.code).limit(limit))
    if state == "done":  # done only after the as-of day: still overdue on it
        query = query.where(TASK.c.completed_on > f.as_of)
    if f.plan:
        query = query.where(TASK.c.plan_code == f.plan)
    if f.unit:
        query = query.where(TASK.c.id.in_(select(TaskUnit.__table__.c.task_id).where(
            TaskUnit.__table__.c.unit_code == f.unit)))
    return query


def load_overdue(engine: Engine, f: Filter, limit: int = QUICK_ROWS) -> Snapshot:
    """The quick first load: the worst overdue tasks with a fixed deadline, read through
    the (state, effective_due) index. Recurring duties and every other view follow with
    the full load (load_snapshot), which replaces this."""
    rows: list[tuple[Any, ...]] = []
    with engine.connect() as conn:
        for state in ("open", "done"):
            rows.extend(conn.execute(_quick_query(f, state, limit)).all())
        rows.sort(key=lambda r: (_iso(r[10]), r[1], r[2]))
        codes = {c for r in rows[:limit] for c in _codes(r[7])}
        names = dict(conn.execute(select(UNIT.c.code, UNIT.c.name)
                                  .where(UNIT.c.code.in_(codes))).all()) if codes else {}
        any_plan = bool(rows) or conn.execute(select(PLAN.c.code).limit(1)).first() is not None
    overdue = []
    for r in rows[:limit]:
        eff = r[10]
        codes = _codes(r[7])
        lead_code = r[12]
        overdue.append(_with_hay(TaskRecord(
            r[0], r[1], r[2], r[3], r[4], r[5], r[13], r[6], lead_code,
            ((lead_code,) if lead_code else ()) + tuple(codes), [names.get(c, c) for c in codes],
            r[8], _iso(r[9]), _iso(eff), "overdue", (f.as_of - eff).days, _iso(r[11]))))
    return Snapshot(as_of=f.as_of, has_plans=any_plan, tasks=overdue, overdue=overdue,
                    due_soon=[], complete=False)


def unit_rows(conn: Connection, tasks: Iterable[TaskRow], names: dict[str, str],
              as_of: dt.date, calendar: WorkCalendar | None = None) -> list[UnitRow]:
    """Per unit holding assignments (members, never the groups they came through): its
    tasks, overdue, done on time and done late, by its own share; worst first.

    The assignments stream through as tuples and only the counts stay: the units view
    needs no unit's share of any task after this."""
    by_id = {t.id: t for t in tasks}
    by_unit: dict[str, UnitRow] = {}
    cache: dict[Any, dt.date | None] = {}

    def day(value: Any) -> dt.date | None:
        if value is None or isinstance(value, dt.date):
            return value
        found = cache.get(value)
        if found is None:
            found = cache[value] = dt.date.fromisoformat(str(value)[:10])
        return found

    shares = conn.execute(select(ASSIGNMENT.c.unit_code, ASSIGNMENT.c.task_id,
                                 ASSIGNMENT.c.status, ASSIGNMENT.c.completed_on,
                                 ASSIGNMENT.c.due_override)
                          .where(ASSIGNMENT.c.withdrawn == False))  # noqa: E712
    for unit, tid, state, completed, override in shares:
        t = by_id.get(tid)
        if t is None:
            continue  # out of scope (plan) or withdrawn
        row = by_unit.get(unit)
        if row is None:
            row = by_unit[unit] = UnitRow(unit, names.get(unit, unit))
        row.tasks += 1
        eff = t.effective_due
        if t.kind == "recurring" or t.status == "done":
            status, done_on = t.status, t.completed_on
        else:
            if override is not None and calendar is not None:
                eff = calendar.effective_due(day(override)).isoformat()  # type: ignore[arg-type]
            done_day = day(completed)
            # The one status rule, on this unit's share (due soon is not counted here).
            status = task_status(state, done_day, t.kind, day(eff), as_of, as_of)
            done_on = done_day.isoformat() if done_day else None
        if status == "overdue":
            row.overdue += 1
        elif status == "done":
            if done_late(done_on, eff):
                row.late += 1
            else:
                row.on_time += 1
    out = list(by_unit.values())
    for row in out:
        row.hay = fold(f"{row.code or ''} {row.name}")
    out.sort(key=lambda r: (-r.overdue, -r.rate, r.code is None, fold(r.name)))
    return out


def unit_task_ids(engine: Engine, unit: str) -> frozenset[int]:
    """The tasks a unit holds (leads or coordinates), groups it belongs to included: the
    units view's Enter, loaded for that one unit."""
    with engine.connect() as conn:
        return frozenset(tid for (tid,) in conn.execute(
            select(ASSIGNMENT.c.task_id).where(ASSIGNMENT.c.unit_code == unit,
                                               ASSIGNMENT.c.withdrawn == False)))  # noqa: E712


def load_registry(conn: Connection) -> list[RegistryUnit]:
    """Every unit of the registry with its aliases and (for a group) members, by name."""
    out = []
    for code, name, aliases, members in conn.execute(
            select(UNIT.c.code, UNIT.c.name, UNIT.c.aliases, UNIT.c.members)):
        al = tuple(aliases or ())
        out.append(RegistryUnit(code, name, al, tuple(members or ()),
                                fold(" ".join((code, name, *al)))))
    out.sort(key=lambda u: (fold(u.name), u.code))
    return out


def load_assignments(engine: Engine, row: TaskRow, as_of: dt.date,
                     calendar: WorkCalendar | None = None) -> tuple[AssignmentState, ...]:
    """One task's assignments with each unit's own status: the detail pane's."""
    return Reader(engine, calendar).assignments_of(row, as_of)


# ------------------------------------------------------------------------------ targets


def load_targets(conn: Connection, f: Filter, names: dict[str, str]) -> list[TargetRow]:
    query = (select(TARGET.c.id, TARGET.c.plan_code, TARGET.c.code, TARGET.c.area,
                    TARGET.c.indicator, TARGET.c.unit_of_measure, TARGET.c.owner_code,
                    TARGET.c["values"], TARGET.c.note)
             .where(TARGET.c.withdrawn_on.is_(None))
             .order_by(TARGET.c.plan_code, TARGET.c.id))
    if f.plan:
        query = query.where(TARGET.c.plan_code == f.plan)
    rows = [TargetRow(r[0], r[1], r[2], r[3], r[4], r[5], names.get(r[6] or "", r[6]),
                      dict(r[7] or {}), r[8]) for r in conn.execute(query)]
    by_id = {r.id: r for r in rows}
    # The latest reported figure of each target: newest report wins.
    for tid, year, value, text, unit, at in conn.execute(
            select(ACTUAL.c.target_id, ACTUAL.c.year, ACTUAL.c.value, ACTUAL.c.value_text,
                   ACTUAL.c.unit_code, ACTUAL.c.reported_at)
            .order_by(ACTUAL.c.reported_at, ACTUAL.c.id)):
        row = by_id.get(tid)
        if row is not None:
            row.latest_year, row.latest_value = year, value if value is not None else text
            row.latest_unit, row.latest_at = names.get(unit or "", unit), _iso(at)
    for row in rows:
        row.verdict = verdict(row.values, row.latest_year, row.latest_value, row.indicator,
                              row.note)
        row.hay = fold(f"{row.plan} {row.code} {row.area or ''} {row.indicator} {row.owner or ''}")
    return rows


# ------------------------------------------------------------------------------ reviews


def _local_day(moment: dt.datetime) -> dt.date:
    """The day in Vietnam of a stored moment (naive ones are UTC, as the models write them)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(VN).date()


def load_reviews(conn: Connection, f: Filter) -> list[ReviewRow]:
    query = (select(REVIEW.c.id, REVIEW.c.plan_code, PLAN.c.title, REVIEW.c.period,
                    REVIEW.c.scheduled_at, REVIEW.c.status, REVIEW.c.finished_at,
                    REVIEW.c.report_path, REVIEW.c.summary)
             .join(PLAN, PLAN.c.code == REVIEW.c.plan_code, isouter=True)
             .order_by(REVIEW.c.plan_code, REVIEW.c.period))
    if f.plan:
        query = query.where(REVIEW.c.plan_code == f.plan)
    out = []
    for r in conn.execute(query):
        scheduled = r[4]
        shown = r[5]
        # Still waiting although its time has passed: the run never happened.
        if shown == "scheduled" and scheduled is not None and _local_day(scheduled) < f.as_of:
            shown = "missed"
        summary = r[8] if isinstance(r[8], dict) else {}
        out.append(ReviewRow(r[0], r[1], r[2] or "", r[3], _iso(scheduled), r[5], shown,
                             _iso(r[6]), r[7], summary,
                             fold(f"{r[1]} {r[2] or ''} {r[3]} {r[5]} {shown}")))
    return out


def summary_figures(summary: dict[str, Any], limit: int = 8) -> list[tuple[str, Any]]:
    """The numbers of a review summary, nested totals first, in the summary's own order."""
    figures: list[tuple[str, Any]] = []
    for key, value in summary.items():
        if isinstance(value, dict):
            figures.extend((k, v) for k, v in value.items()
                           if isinstance(v, (int, float)) and not isinstance(v, bool))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            figures.append((key, value))
    return figures[:limit]


# ------------------------------------------------------------------------------ ledger


def load_deliveries(conn: Connection, f: Filter,
                    names: dict[str, str]) -> tuple[list[DeliveryRow], dict[str, int]]:
    counts_q = select(DELIVERY.c.status, func.count()).group_by(DELIVERY.c.status)
    query = (select(DELIVERY.c.id, func.coalesce(DELIVERY.c.sent_at, DELIVERY.c.created_at),
                    DELIVERY.c.status, TASK.c.plan_code, TASK.c.code, DELIVERY.c.unit_code,
                    DELIVERY.c.rule, DELIVERY.c.channel, DELIVERY.c.subject, DELIVERY.c.error,
                    DELIVERY.c.attempts, DELIVERY.c.occurrence)
             .join(TASK, TASK.c.id == DELIVERY.c.task_id, isouter=True)
             .order_by(DELIVERY.c.id.desc()).limit(DELIVERY_ROWS))
    if f.plan:
        query = query.where(TASK.c.plan_code == f.plan)
        counts_q = (counts_q.join(TASK, TASK.c.id == DELIVERY.c.task_id)
                    .where(TASK.c.plan_code == f.plan))
    counts = {status: n for status, n in conn.execute(counts_q)}
    rows = []
    for r in conn.execute(query):
        unit = names.get(r[5] or "", r[5])
        row = DeliveryRow(r[0], _iso(r[1]), r[2], r[3], r[4], unit, r[6], sanitize(r[7]),
                          sanitize(r[8]), sanitize(r[9]), r[10] or 0, _iso(r[11]))
        row.hay = fold(f"{row.plan or ''} {row.task or ''} {unit or ''} {row.rule} {row.channel} "
                       f"{row.status} {row.subject} {row.error}")
        rows.append(row)
    return rows, counts


def load_requests(conn: Connection, f: Filter, names: dict[str, str]) -> list[RequestRow]:
    """The requests waiting for the coordinator, oldest first (what `dondoc requests`
    lists), within the app's plan and unit scope."""
    query = (select(REQUEST.c.id, REQUEST.c.task_id, TASK.c.plan_code, TASK.c.code,
                    TASK.c.title, REQUEST.c.unit_code, REQUEST.c.kind, REQUEST.c.completed_on,
                    REQUEST.c.new_due, REQUEST.c.reason, REQUEST.c.client, REQUEST.c.created_at)
             .join(TASK, TASK.c.id == REQUEST.c.task_id)
             .where(REQUEST.c.status == "pending").order_by(REQUEST.c.id))
    if f.plan:
        query = query.where(TASK.c.plan_code == f.plan)
    if f.unit:
        query = query.where(REQUEST.c.unit_code == f.unit)
    rows = []
    for r in conn.execute(query):
        name = names.get(r.unit_code, r.unit_code)
        row = RequestRow(r.id, r.task_id, r.plan_code, r.code, r.title, r.unit_code, name,
                         r.kind, _iso(r.completed_on), _iso(r.new_due), r.reason,
                         r.client, _iso(r.created_at))
        row.hay = fold(f"{row.plan} {row.task} {row.title} {row.unit} {name} {row.kind} "
                       f"{row.reason or ''}")
        rows.append(row)
    return rows


# ------------------------------------------------------------------------------ snapshot


def load_snapshot(engine: Engine, f: Filter, calendar: WorkCalendar | None = None,
                  no_lead: str = "") -> Snapshot:
    tasks = load_tasks(engine, f, calendar)
    with engine.connect() as conn:
        names = dict(conn.execute(select(UNIT.c.code, UNIT.c.name)).all())
        units = unit_rows(conn, tasks, names, f.as_of, calendar)
        registry = load_registry(conn)
        plans = [(c, t) for c, t in conn.execute(select(PLAN.c.code, PLAN.c.title)
                                                 .order_by(PLAN.c.code))]
        targets = load_targets(conn, f, names)
        reviews = load_reviews(conn, f)
        deliveries, delivery_counts = load_deliveries(conn, f, names)
        requests = load_requests(conn, f, names)
    overdue = [t for t in tasks if t.status == "overdue"]
    overdue.sort(key=lambda t: (-t.days, t.plan, t.code))
    due_soon = [t for t in tasks if t.status == "due_soon"]
    unassigned = [t for t in tasks if t.lead_count == 0]
    return Snapshot(as_of=f.as_of, has_plans=bool(plans), tasks=tasks, overdue=overdue,
                    due_soon=due_soon, units=units, targets=targets, reviews=reviews,
                    unassigned=unassigned, requests=requests, registry=registry,
                    deliveries=deliveries, delivery_counts=delivery_counts, plans=plans,
                    unit_names=names)


# ------------------------------------------------------------------------------ detail


@dataclass
class TaskDetail:
    id: int
    plan: str
    plan_title: str
    code: str
    section: str | None
    title: str
    category: str
    lead: str | None
    coordinators: list[str]
    deadline_text: str | None
    deadline_inferred: bool
    deadline_kind: str
    deadline_start: dt.date | None
    deadline_due: dt.date | None
    extended_due: dt.date | None
    effective_due: dt.date | None
    rrule: str | None
    state: str
    progress: int
    completed_on: dt.date | None
    snoozed_until: dt.date | None
    deliverable: str | None
    budget_vnd: int | None
    funding_source: str | None
    note: str | None
    reports: list[dict[str, Any]]
    extensions: list[dict[str, Any]]
    reminders: list[dict[str, Any]]
    reminders_total: int
    assignments: tuple[AssignmentState, ...] = ()


def load_detail(engine: Engine, task_id: int, limit: int = 20) -> TaskDetail | None:
    with engine.connect() as conn:
        t = conn.execute(select(TASK, PLAN.c.title.label("plan_title"))
                         .join(PLAN, PLAN.c.code == TASK.c.plan_code)
                         .where(TASK.c.id == task_id)).mappings().first()
        if t is None:
            return None
        codes = [c for c in [t["lead_code"], *(t["coordinators"] or [])] if c]
        names = dict(conn.execute(select(UNIT.c.code, UNIT.c.name)
                                  .where(UNIT.c.code.in_(codes))).all()) if codes else {}
        reports = [dict(r) for r in conn.execute(
            select(REPORT.c.reported_at, REPORT.c.unit_code, REPORT.c.progress, REPORT.c.note,
                   REPORT.c.occurrence, REPORT.c.difficulties)
            .where(REPORT.c.task_id == task_id)
            .order_by(REPORT.c.reported_at.desc(), REPORT.c.id.desc()).limit(limit)).mappings()]
        extensions = [dict(r) for r in conn.execute(
            select(EXTENSION.c.created_at, EXTENSION.c.old_due, EXTENSION.c.new_due,
                   EXTENSION.c.reason, EXTENSION.c.approved_by)
            .where(EXTENSION.c.task_id == task_id)
            .order_by(EXTENSION.c.id.desc()).limit(limit)).mappings()]
        reminders = []
        for r in conn.execute(
                select(func.coalesce(DELIVERY.c.sent_at, DELIVERY.c.created_at).label("at"),
                       DELIVERY.c.unit_code, DELIVERY.c.rule, DELIVERY.c.channel,
                       DELIVERY.c.status, DELIVERY.c.error)
                .where(DELIVERY.c.task_id == task_id)
                .order_by(DELIVERY.c.id.desc()).limit(limit)).mappings():
            reminders.append({**r, "channel": sanitize(r["channel"]),
                              "error": sanitize(r["error"])})
        total = conn.execute(select(func.count()).select_from(DELIVERY)
                             .where(DELIVERY.c.task_id == task_id)).scalar_one()
        unit_of_report = {r["unit_code"] for r in reports} - set(names)
        if unit_of_report - {None}:
            names.update(conn.execute(select(UNIT.c.code, UNIT.c.name)
                                      .where(UNIT.c.code.in_(unit_of_report - {None}))).all())
    for r in reports:
        r["unit"] = names.get(r["unit_code"] or "", r["unit_code"])
    return TaskDetail(
        id=t["id"], plan=t["plan_code"], plan_title=t["plan_title"], code=t["code"],
        section=t["section"], title=t["title"], category=t["category"],
        lead=names.get(t["lead_code"] or "", t["lead_code"]),
        coordinators=[names.get(c, c) for c in t["coordinators"] or []],
        deadline_text=t["deadline_text"], deadline_inferred=bool(t["deadline_inferred"]),
        deadline_kind=t["deadline_kind"], deadline_start=t["deadline_start"],
        deadline_due=t["deadline_due"], extended_due=t["extended_due"],
        effective_due=t["effective_due"], rrule=t["rrule"], state=t["state"],
        progress=t["progress"] or 0, completed_on=t["completed_on"],
        snoozed_until=t["snoozed_until"], deliverable=t["deliverable"],
        budget_vnd=t["budget_vnd"], funding_source=t["funding_source"], note=t["note"],
        reports=reports, extensions=extensions, reminders=reminders, reminders_total=total)


# ------------------------------------------------------------------------------ changes


def change_marker(engine: Engine) -> tuple[Any, ...]:
    """A cheap fingerprint of what the views show: it moves when anything they read changes.

    Every action and catalog load writes the audit trail; reminders and reviews are
    written by their own workers, so their status counts are part of it too. A unit's
    answers through its link (`dondoc serve`, another process) write a progress report or
    a request: both are watched themselves, not only through the audit entry they add.
    """
    with engine.connect() as conn:
        head = conn.execute(select(
            select(func.max(AUDIT.c.id)).scalar_subquery(),
            select(func.count()).select_from(TASK).scalar_subquery(),
            select(func.max(REPORT.c.id)).scalar_subquery(),
            select(func.max(EXTENSION.c.id)).scalar_subquery(),
            select(func.max(ACTUAL.c.id)).scalar_subquery(),
            select(func.max(DELIVERY.c.id)).scalar_subquery(),
            select(func.max(REQUEST.c.id)).scalar_subquery(),
            select(func.count()).select_from(REQUEST)
            .where(REQUEST.c.status == "pending").scalar_subquery(),
        )).one()
        deliveries = sorted(conn.execute(select(DELIVERY.c.status, func.count())
                                         .group_by(DELIVERY.c.status)).all())
        reviews = sorted((s, n, _iso(f)) for s, n, f in conn.execute(
            select(REVIEW.c.status, func.count(), func.max(REVIEW.c.finished_at))
            .group_by(REVIEW.c.status)))
    return (tuple(head), tuple(map(tuple, deliveries)), tuple(reviews))


def plan_and_units(snapshot: Snapshot) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Plans, and units that lead or help with a task, for the command palette."""
    codes = {c for t in snapshot.tasks for c in t.units}
    units = sorted(((c, snapshot.unit_names.get(c, c)) for c in codes), key=lambda u: fold(u[1]))
    return snapshot.plans, units
