"""Read-only questions about the catalog: which tasks, in what state, on a given day.

These back the fast commands (`dondoc overdue`, `tasks`, `plans`), so they use plain SQL
through the driver, stream their rows, and import neither Prefect nor the ORM models.
Statuses are computed for an as-of date, never stored: the same database answers
"what was overdue on 1 June 2022" and "what is overdue today".
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

import orjson

from dondoc.catalog.rules.deadline import rule_dates
from dondoc.catalog.rules.policy import DEFAULT_DUE_SOON_WINDOW, resolve
from dondoc.catalog.rules.status import STATUSES, due_soon_limit, is_done, occurrence_status, task_status
from dondoc.catalog.rules.workdays import WorkCalendar, default_calendar
from dondoc.catalog.store.dialect import CHUNK, date_param, mark
from dondoc.catalog.store.records import TaskRecord

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

__all__ = ["STATUSES", "Filter", "Reader"]


@dataclass(frozen=True)
class Filter:
    as_of: dt.date
    plan: str | None = None
    unit: str | None = None  # a unit code: tasks it leads or coordinates


def _d(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value[:10])


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else value.isoformat()


def _json(value: Any) -> Any:
    if value is None or isinstance(value, (dict, list)):
        return value
    return orjson.loads(value)


def _codes(value: Any) -> list[str]:
    if not value:
        return []
    return (orjson.loads(value) or []) if isinstance(value, (str, bytes)) else list(value)


class Reader:
    """One connection's worth of questions; unit names are cached per reader."""

    def __init__(self, engine: Engine, calendar: WorkCalendar | None = None) -> None:
        self.engine = engine
        self.calendar = calendar or default_calendar()
        self.mark = mark(engine)
        self._unit_names: dict[str, str] | None = None

    def _date(self, day: dt.date) -> Any:
        return date_param(self.engine, day)

    # -------------------------------------------------------------- helpers

    def unit_names(self, conn: Connection) -> dict[str, str]:
        if self._unit_names is None:
            self._unit_names = dict(conn.exec_driver_sql("select code, name from unit").all())
        return self._unit_names

    def _where(self, f: Filter, alias: str = "t") -> tuple[str, list[Any]]:
        m = self.mark
        clauses = [f"{alias}.state <> 'withdrawn'"]
        params: list[Any] = []
        if f.plan:
            clauses.append(f"{alias}.plan_code = {m}")
            params.append(f.plan)
        if f.unit:
            clauses.append(f"{alias}.id in (select task_id from taskunit where unit_code = {m})")
            params.append(f.unit)
        return " and ".join(clauses), params

    def due_soon_limit(self, as_of: dt.date) -> dt.date:
        return due_soon_limit(self.calendar, as_of, DEFAULT_DUE_SOON_WINDOW)

    # -------------------------------------------------------------- status

    def _soon_limits(self, conn: Connection, f: Filter) -> _SoonLimits:
        """Each task's due-soon limit on f.as_of, by its reminder policy (task over plan)."""
        plans = {code: p for code, raw in conn.exec_driver_sql(
            "select code, policy from plan where policy is not null")
            if isinstance(p := _json(raw), dict)}
        sql, args = "select id, plan_code, policy from task where policy is not null", ()
        if f.plan:
            sql, args = sql + f" and plan_code = {self.mark}", (f.plan,)
        tasks = {tid: (plan, p) for tid, plan, raw in conn.exec_driver_sql(sql, args)
                 if isinstance(p := _json(raw), dict)}
        return _SoonLimits(self.calendar, f.as_of, plans, tasks)

    def _recurring_state(self, conn: Connection, rows: list[tuple[Any, ...]], as_of: dt.date,
                         soon: _SoonLimits) -> dict[int, tuple[str, dt.date | None, dt.date | None]]:
        """(status, nominal due, effective due) of each recurring task's current occurrence.

        The occurrence that matters is the latest one already past (overdue unless a report
        answered it), else the next one to come.
        """
        if not rows:
            return {}
        ids = [r[0] for r in rows]
        answered: set[tuple[int, str]] = set()
        for chunk_start in range(0, len(ids), CHUNK):
            chunk = ids[chunk_start:chunk_start + CHUNK]
            marks = ",".join([self.mark] * len(chunk))
            for tid, occ in conn.exec_driver_sql(
                    f"select task_id, occurrence from progressreport where occurrence is not null"
                    f" and task_id in ({marks})", tuple(chunk)):
                answered.add((tid, _iso(occ) or ""))
        out = {}
        eff_due = self.calendar.effective_due
        for tid, plan, state, completed_on, rule, rstart, runtil in rows:
            if is_done(state, _d(completed_on), as_of):
                out[tid] = ("done", None, None)
                continue
            start = _d(rstart) or dt.date(as_of.year - 1, 1, 1)
            dates, lo, hi = rule_dates(rule, start, _d(runtil))
            # Effective dues never come before nominal ones and keep their order, so the
            # occurrence that matters sits just before as_of in the nominal dates.
            i = min(bisect.bisect_left(dates, as_of, lo, hi), hi)
            while i > lo and eff_due(dates[i - 1]) >= as_of:
                i -= 1
            if i > lo and (tid, dates[i - 1].isoformat()) not in answered:
                last = dates[i - 1]
                out[tid] = ("overdue", last, eff_due(last))
            elif i < hi:
                nxt = dates[i]
                eff = eff_due(nxt)
                out[tid] = (occurrence_status(eff, as_of, soon.limit(plan, tid)), nxt, eff)
            elif i > lo:
                out[tid] = ("done", dates[i - 1], eff_due(dates[i - 1]))
            else:
                out[tid] = ("no_deadline", None, None)
        return out

    # -------------------------------------------------------------- items

    _SELECT = (
        "select t.id, t.plan_code, t.code, t.section, t.title, t.deadline_kind, u.name,"
        " t.coordinators, t.deadline_text, coalesce(t.extended_due, t.deadline_due),"
        " t.effective_due, t.state, t.completed_on, t.rrule, t.rrule_start, t.rrule_until,"
        " t.lead_code, t.category, t.deadline_inferred"
        " from task t left join unit u on u.code = t.lead_code"
    )

    def items(self, f: Filter, statuses: tuple[str, ...] | None = None) -> Iterator[dict[str, Any]]:
        """What `dondoc tasks --json` prints: records() as JSON objects."""
        return (r.as_json() for r in self.records(f, statuses))

    def records(self, f: Filter, statuses: tuple[str, ...] | None = None) -> Iterator[TaskRecord]:
        """Every live task matching f, with its status on f.as_of; overdue ones worst first."""
        where, params = self._where(f)
        as_of = f.as_of
        with self.engine.connect() as conn:
            names = self.unit_names(conn)
            soon = self._soon_limits(conn, f)
            rec_rows = conn.exec_driver_sql(
                f"{self._SELECT} where {where} and t.deadline_kind = 'recurring'"
                " order by t.plan_code, t.id", tuple(params)).all()
            rec_state = self._recurring_state(
                conn, [(r[0], r[1], r[11], r[12], r[13], r[14], r[15]) for r in rec_rows],
                as_of, soon)
            recurring = []
            for r in rec_rows:
                status, due, eff = rec_state[r[0]]
                if statuses is None or status in statuses:
                    codes = _codes(r[7])
                    rec = _record(r, [names.get(c, c) for c in codes], codes, status,
                                  _iso(due), _iso(eff),
                                  (as_of - eff).days if status == "overdue" and eff else 0)
                    recurring.append((_sort_key(rec), rec))
            recurring.sort(key=lambda p: p[0])

            sql = f"{self._SELECT} where {where} and t.deadline_kind <> 'recurring'"
            args = list(params)
            if statuses == ("overdue",):
                sql += (f" and t.effective_due < {self.mark} and not (t.state = 'done' and"
                        f" (t.completed_on is null or t.completed_on <= {self.mark}))"
                        " order by t.effective_due, t.plan_code, t.id")
                args += [self._date(f.as_of), self._date(f.as_of)]
            else:
                sql += " order by t.effective_due is null, t.effective_due, t.plan_code, t.id"
            fixed = self._fixed_records(conn, sql, tuple(args), names, as_of, soon, statuses)
            # A hand merge: the recurring items are few, the fixed ones may be a million.
            pending = iter(recurring)
            nxt = next(pending, None)
            for rec in fixed:
                if nxt is not None:
                    key = _sort_key(rec)
                    while nxt is not None and nxt[0] <= key:
                        yield nxt[1]
                        nxt = next(pending, None)
                yield rec
            while nxt is not None:
                yield nxt[1]
                nxt = next(pending, None)

    def _fixed_records(self, conn: Connection, sql: str, args: tuple[Any, ...],
                       names: dict[str, str], as_of: dt.date, soon: _SoonLimits,
                       statuses: tuple[str, ...] | None) -> Iterator[TaskRecord]:
        """Rows straight from the driver's cursor, in batches: 100k rows stay light."""
        # Dates and coordinator lists repeat across thousands of rows: parse each once.
        dates: dict[Any, dt.date | None] = {}
        lists: dict[Any, tuple[list[str], list[str]]] = {}
        limit = soon.limit
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, args)
            while True:
                batch = cursor.fetchmany(5000)
                if not batch:
                    break
                for r in batch:
                    raw = r[10]
                    eff = dates.get(raw)
                    if eff is None and raw is not None:
                        eff = dates[raw] = _d(raw)
                    done_raw = r[12]
                    done_on = dates.get(done_raw)
                    if done_on is None and done_raw is not None:
                        done_on = dates[done_raw] = _d(done_raw)
                    status = task_status(r[11], done_on, r[5], eff, as_of, limit(r[1], r[0]))
                    if statuses is not None and status not in statuses:
                        continue
                    # SQLite hands JSON back as text, PostgreSQL as a parsed list.
                    raw_codes = r[7] if not isinstance(r[7], list) else tuple(r[7])
                    found = lists.get(raw_codes)
                    if found is None:
                        codes = _codes(r[7])
                        found = lists[raw_codes] = ([names.get(c, c) for c in codes], codes)
                    due = r[9]
                    yield _record(
                        r, found[0], found[1], status,
                        due if due is None or due.__class__ is str else due.isoformat(),
                        raw if raw is None or raw.__class__ is str else raw.isoformat(),
                        (as_of - eff).days if status == "overdue" and eff else 0)
        finally:
            cursor.close()

    def count_overdue(self, f: Filter) -> int:
        where, params = self._where(f)
        m = self.mark
        with self.engine.connect() as conn:
            fixed = conn.exec_driver_sql(
                f"select count(*) from task t where {where} and t.deadline_kind <> 'recurring'"
                f" and t.effective_due < {m} and not (t.state = 'done' and"
                f" (t.completed_on is null or t.completed_on <= {m}))",
                tuple([*params, self._date(f.as_of), self._date(f.as_of)])).scalar_one()
            rec_rows = conn.exec_driver_sql(
                f"select t.id, t.plan_code, t.state, t.completed_on, t.rrule, t.rrule_start,"
                f" t.rrule_until from task t where {where} and t.deadline_kind = 'recurring'",
                tuple(params)).all()
            rec = self._recurring_state(conn, [tuple(r) for r in rec_rows], f.as_of,
                                        self._soon_limits(conn, f))
        return fixed + sum(1 for s, _, _ in rec.values() if s == "overdue")

    # -------------------------------------------------------------- plans and units

    def plans(self) -> list[dict[str, Any]]:
        sql = (
            "select p.code, p.title, u.name, p.issued_on,"
            " (select count(*) from task t where t.plan_code = p.code and t.state <> 'withdrawn'),"
            " (select count(*) from target g where g.plan_code = p.code and g.withdrawn_on is null),"
            " (select coalesce(sum(t.budget_vnd), 0) from task t where t.plan_code = p.code"
            "   and t.state <> 'withdrawn')"
            " from plan p left join unit u on u.code = p.issuer_code order by p.code"
        )
        with self.engine.connect() as conn:
            return [{"code": r[0], "title": r[1], "issuer": r[2], "issued_on": _iso(r[3]),
                     "tasks": r[4], "targets": r[5], "budget_vnd": int(r[6] or 0)}
                    for r in conn.exec_driver_sql(sql)]

    def find_unit(self, ref: str) -> str | list[str] | None:
        """A unit code from a code, name or alias (for --unit); the candidates if ambiguous."""
        from dondoc.catalog.rules.units import UnitEntry, UnitIndex
        index = UnitIndex()
        with self.engine.connect() as conn:
            for code, name, province, aliases in conn.exec_driver_sql(
                    "select code, name, province, aliases from unit"):
                index.add(UnitEntry(code, name, province, "database"), _codes(aliases))
        return index.resolve(ref)

    def plan_exists(self, code: str) -> bool:
        with self.engine.connect() as conn:
            return conn.exec_driver_sql(f"select 1 from plan where code = {self.mark}",
                                        (code,)).first() is not None


def _record(r: tuple[Any, ...], coordinators: list[str], codes: list[str], status: str,
            due: str | None, eff: str | None, days: int) -> TaskRecord:
    """A record from a row of Reader._SELECT."""
    lead_code = r[16]
    return TaskRecord(r[0], r[1], r[2], r[3], r[4], r[5], r[17], r[6], lead_code,
                      ((lead_code,) if lead_code else ()) + tuple(codes), coordinators, r[8],
                      due, eff, status, days, _iso(r[12]))


def _sort_key(rec: TaskRecord) -> tuple[Any, ...]:
    # Worst first: overdue by age, then the rest by date, undated last.
    return (rec.effective_due is None, rec.effective_due or "", rec.plan, rec.code)


class _SoonLimits:
    """Due-soon limits on one day, by the task's (or its plan's) due-soon window; most tasks
    set none and share the default, so the common answer is one dict miss."""

    def __init__(self, cal: WorkCalendar, as_of: dt.date, plans: dict[str, Any],
                 tasks: dict[int, tuple[str, Any]]) -> None:
        self._cal, self._as_of = cal, as_of
        self._by_window: dict[int, dt.date] = {}
        self.default = self._limit(DEFAULT_DUE_SOON_WINDOW)
        self._plans = {code: self._limit(resolve(p, None).due_soon_window)
                       for code, p in plans.items()}
        self._tasks = {tid: self._limit(resolve(plans.get(plan), p).due_soon_window)
                       for tid, (plan, p) in tasks.items()}

    def _limit(self, window: int) -> dt.date:
        found = self._by_window.get(window)
        if found is None:
            found = self._by_window[window] = due_soon_limit(self._cal, self._as_of, window)
        return found

    def limit(self, plan: str, task_id: int) -> dt.date:
        if self._tasks:
            found = self._tasks.get(task_id)
            if found is not None:
                return found
        return self._plans.get(plan, self.default) if self._plans else self.default
