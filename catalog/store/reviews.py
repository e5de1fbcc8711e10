"""The quarterly review (sơ kết quý) of one plan: where each task and each unit stands.

A task is judged as the review sees it on the day after the quarter ends:
- done        finished on or before its effective due date (hoàn thành đúng hạn)
- late        finished, but after it (hoàn thành trễ hạn)
- overdue     not finished and past its effective due date (quá hạn)
- on_time     not finished, not yet due (đang thực hiện, trong hạn)
- no_deadline ongoing work without a date (chưa có hạn)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from dondoc.catalog.i18n import DondocError
from dondoc.catalog.rules.periods import ROMAN, parse_quarter, period_window, quarter_bounds
from dondoc.catalog.rules.status import done_late
from dondoc.catalog.store.models import Review
from dondoc.catalog.store.queries import Filter, Reader, _d
from dondoc.catalog.store.records import TaskRecord

REVIEW_STATUSES = ("done", "late", "overdue", "on_time", "no_deadline")


@dataclass
class ReviewResult:
    plan: str
    title: str
    period: str
    start: dt.date
    end: dt.date
    heading: str = ""
    tasks: list[dict[str, Any]] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    reports_received: int = 0

    def summary(self) -> dict[str, Any]:
        return {"plan": self.plan, "period": self.period, "totals": self.totals,
                "reports_received": self.reports_received, "tasks": len(self.tasks),
                "units": len(self.units), "targets": len(self.targets)}


def compute_review(engine: Engine, plan: str, period: str) -> ReviewResult:
    year, quarter = parse_quarter(period)
    start, end = quarter_bounds(year, quarter)
    return compute_window(engine, plan, f"{year}Q{quarter}", start, end,
                          f"Sơ kết Quý {ROMAN[quarter - 1]}/{year}")


def compute_periodic(engine: Engine, plan: str, period: str) -> ReviewResult:
    start, end, heading = period_window(period)
    return compute_window(engine, plan, period.strip(), start, end, heading)


def compute_window(engine: Engine, plan: str, period: str, start: dt.date, end: dt.date,
                   heading: str) -> ReviewResult:
    """Where a plan stands the day after end, and what was reported between start and end."""
    year = end.year
    reader = Reader(engine)
    mark = reader.mark
    with engine.connect() as conn:
        row = conn.exec_driver_sql(f"select title from plan where code = {mark}", (plan,)).first()
        if row is None:
            raise DondocError("cli.no_plan", code=plan)
        reports = conn.exec_driver_sql(
            "select t.code, r.unit_code, r.reported_at, r.progress from progressreport r"
            f" join task t on t.id = r.task_id where t.plan_code = {mark}", (plan,)).all()
        targets = conn.exec_driver_sql(
            "select g.id, g.code, g.area, g.indicator, g.unit_of_measure, g.\"values\", u.name"
            f" from target g left join unit u on u.code = g.owner_code where g.plan_code = {mark}"
            " and g.withdrawn_on is null order by g.code", (plan,)).all()
        actuals = conn.exec_driver_sql(
            "select a.target_id, a.year, a.value, a.value_text, a.reported_at from targetactual a"
            f" join target g on g.id = a.target_id where g.plan_code = {mark}"
            " order by a.reported_at", (plan,)).all()

    result = ReviewResult(plan, row[0], period, start, end, heading)
    in_quarter = [r for r in reports if start <= _day(r[2]) <= end]
    result.reports_received = len(in_quarter)
    reports_by_task: Counter[str] = Counter(r[0] for r in in_quarter)
    latest_progress: dict[str, int] = {}
    for code, _unit, when, progress in sorted(reports, key=lambda r: _day(r[2])):
        if progress is not None and _day(when) <= end:
            latest_progress[code] = progress

    per_unit: dict[str, Counter[str]] = defaultdict(Counter)
    totals: Counter[str] = Counter()
    # Statuses as they stood on the last day of the quarter, then done split by punctuality.
    for rec in reader.records(Filter(as_of=end + dt.timedelta(days=1), plan=plan)):
        status = _review_status(rec)
        totals[status] += 1
        unit = rec.lead or "—"
        per_unit[unit][status] += 1
        per_unit[unit]["tasks"] += 1
        per_unit[unit]["reports"] += reports_by_task.get(rec.code, 0)
        result.tasks.append({
            "task": rec.code, "section": rec.section, "title": rec.title,
            "lead": rec.lead, "deadline_text": rec.deadline_text,
            "effective_due": rec.effective_due, "status": status,
            "progress": latest_progress.get(rec.code),
            "reports": reports_by_task.get(rec.code, 0)})
    result.totals = {s: totals.get(s, 0) for s in REVIEW_STATUSES}
    result.units = sorted(
        ({"unit": unit, "tasks": c["tasks"], "reports": c["reports"],
          **{s: c.get(s, 0) for s in REVIEW_STATUSES}} for unit, c in per_unit.items()),
        key=lambda u: (-u["overdue"], u["unit"]))

    latest: dict[int, tuple[int, Any]] = {}
    for target_id, a_year, value, value_text, _when in actuals:
        if a_year <= year:
            latest[target_id] = (a_year, value if value is not None else value_text)
    for tid, code, area, indicator, uom, values, owner in targets:
        values = _values(values)
        goal_year = min((int(y) for y in values if int(y) >= year), default=None)
        actual = latest.get(tid)
        result.targets.append({
            "target": code, "area": area, "indicator": indicator, "unit_of_measure": uom,
            "owner": owner, "goal_year": goal_year,
            "goal": values.get(str(goal_year)) if goal_year else None,
            "actual_year": actual[0] if actual else None,
            "actual": actual[1] if actual else None})
    return result


def _review_status(rec: TaskRecord) -> str:
    status = rec.status
    if status == "done":
        if done_late(_d(rec.completed_on), _d(rec.effective_due)):
            return "late"
        return "done"
    if status == "overdue":
        return "overdue"
    if status == "no_deadline":
        return "no_deadline"
    return "on_time"


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _values(raw: Any) -> dict[str, Any]:
    if not raw:
        return {}
    if isinstance(raw, (str, bytes)):
        import orjson
        return orjson.loads(raw) or {}
    return dict(raw)


# ------------------------------------------------------------------------------ the review table


def store_review(engine: Engine, r: ReviewResult, report: Path, status: str = "done",
                 flow_run_id: str | None = None) -> None:
    """Record the review's outcome; a review scheduled earlier keeps its row."""
    table = Review.__table__
    now = dt.datetime.now(dt.timezone.utc)
    with engine.begin() as conn:
        existing = conn.execute(select(table.c.id).where(
            (table.c.plan_code == r.plan) & (table.c.period == r.period))).first()
        values = {"status": status, "report_path": str(report), "summary": r.summary(),
                  "finished_at": now}
        if flow_run_id:
            values["flow_run_id"] = flow_run_id
        if existing:
            conn.execute(update(table).where(table.c.id == existing.id).values(**values))
        else:
            conn.execute(table.insert().values(plan_code=r.plan, period=r.period,
                                               created_at=now, **values))


def record_scheduled(engine: Engine, plan: str, period: str, when: dt.datetime,
                     run_id: str) -> None:
    """A review scheduled as a flow run; one already done stays done."""
    table = Review.__table__
    with engine.begin() as conn:
        row = conn.execute(select(table.c.id, table.c.status).where(
            (table.c.plan_code == plan) & (table.c.period == period))).first()
        if row is None:
            conn.execute(table.insert().values(
                plan_code=plan, period=period, scheduled_at=when, status="scheduled",
                flow_run_id=run_id, created_at=dt.datetime.now(dt.timezone.utc)))
        elif row.status != "done":
            conn.execute(update(table).where(table.c.id == row.id).values(
                scheduled_at=when, flow_run_id=run_id, status="scheduled"))


def review_records(engine: Engine, plan: str | None = None) -> list[dict[str, Any]]:
    """Every stored review (each as its row's columns), by plan and period."""
    table = Review.__table__
    query = select(table).order_by(table.c.plan_code, table.c.period)
    if plan:
        query = query.where(table.c.plan_code == plan)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]
