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
from dondoc.catalog.rules.policy import DEFAULT_DUE_SOON_WINDOW
from dondoc.catalog.rules.workdays import WorkCalendar, default_calendar

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

STATUSES = ("overdue", "due_soon", "not_due", "done", "no_deadline")


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


def _codes(value: Any) -> list[str]:
    if not value:
        return []
    return (orjson.loads(value) or []) if isinstance(value, (str, bytes)) else list(value)


class Reader:
    """One connection's worth of questions; unit names are cached per reader."""

    def __init__(self, engine: Engine, calendar: WorkCalendar | None = None) -> None:
        self.engine = engine
        self.calendar = calendar or default_calendar()
        self.mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        self._unit_names: dict[str, str] | None = None
        self._dates_as_text = engine.dialect.name == "sqlite"

    def _date(self, day: dt.date) -> Any:
        # SQLite keeps dates as ISO text; PostgreSQL wants a real date to compare with.
        return day.isoformat() if self._dates_as_text else day

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
        return self.calendar.add_working_days(as_of, DEFAULT_DUE_SOON_WINDOW)

    # -------------------------------------------------------------- status

    def _fixed_status(self, state: str, completed_on: Any, kind: str, eff: dt.date | None,
                      as_of: dt.date, soon: dt.date) -> str:
        if state == "done":
            done_on = _d(completed_on)
            if done_on is None or done_on <= as_of:
                return "done"
        if kind == "ongoing" or eff is None:
            return "no_deadline"
        if eff < as_of:
            return "overdue"
        if eff <= soon:
            return "due_soon"
        return "not_due"

    def _recurring_state(self, conn: Connection, rows: list[tuple[Any, ...]], as_of: dt.date,
                         soon: dt.date) -> dict[int, tuple[str, dt.date | None, dt.date | None]]:
        """(status, nominal due, effective due) of each recurring task's current occurrence.

        The occurrence that matters is the latest one already past (overdue unless a report
        answered it), else the next one to come.
        """
        if not rows:
            return {}
        ids = [r[0] for r in rows]
        answered: set[tuple[int, str]] = set()
        for chunk_start in range(0, len(ids), 900):
            chunk = ids[chunk_start:chunk_start + 900]
            marks = ",".join([self.mark] * len(chunk))
            for tid, occ in conn.exec_driver_sql(
                    f"select task_id, occurrence from progressreport where occurrence is not null"
                    f" and task_id in ({marks})", tuple(chunk)):
                answered.add((tid, _iso(occ) or ""))
        out = {}
        eff_due = self.calendar.effective_due
        for tid, state, completed_on, rule, rstart, runtil in rows:
            if state == "done" and (_d(completed_on) is None or _d(completed_on) <= as_of):
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
                out[tid] = ("due_soon" if eff <= soon else "not_due", nxt, eff)
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

    def _item(self, row: tuple[Any, ...], names: dict[str, str], status: str,
              due: Any, eff: dt.date | None, as_of: dt.date,
              coordinators: Any = None) -> dict[str, Any]:
        return {
            "plan": row[1], "task": row[2], "section": row[3], "title": row[4],
            "kind": row[5], "lead": row[6],
            "coordinators": coordinators if coordinators is not None
            else [names.get(c, c) for c in _codes(row[7])],
            "deadline_text": row[8], "due": _iso(due),
            "effective_due": _iso(eff), "status": status,
            "days_overdue": (as_of - eff).days if status == "overdue" and eff else 0,
        }

    def items(self, f: Filter, statuses: tuple[str, ...] | None = None) -> Iterator[dict[str, Any]]:
        """Every live task matching f, with its status on f.as_of; overdue ones worst first."""
        soon = self.due_soon_limit(f.as_of)
        where, params = self._where(f)
        as_of = f.as_of
        with self.engine.connect() as conn:
            names = self.unit_names(conn)
            rec_rows = conn.exec_driver_sql(
                f"{self._SELECT} where {where} and t.deadline_kind = 'recurring'"
                " order by t.plan_code, t.id", tuple(params)).all()
            rec_state = self._recurring_state(
                conn, [(r[0], r[11], r[12], r[13], r[14], r[15]) for r in rec_rows], as_of, soon)
            recurring = []
            for r in rec_rows:
                status, due, eff = rec_state[r[0]]
                if statuses is None or status in statuses:
                    item = self._item(r, names, status, due, eff, as_of)
                    recurring.append((_sort_key(item), item))
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
            fixed = self._fixed_items(conn, sql, tuple(args), names, as_of, soon, statuses)
            # A hand merge: the recurring items are few, the fixed ones may be a million.
            pending = iter(recurring)
            nxt = next(pending, None)
            for item in fixed:
                if nxt is not None:
                    key = _sort_key(item)
                    while nxt is not None and nxt[0] <= key:
                        yield nxt[1]
                        nxt = next(pending, None)
                yield item
            while nxt is not None:
                yield nxt[1]
                nxt = next(pending, None)

    def _fixed_items(self, conn: Connection, sql: str, args: tuple[Any, ...],
                     names: dict[str, str], as_of: dt.date, soon: dt.date,
                     statuses: tuple[str, ...] | None) -> Iterator[dict[str, Any]]:
        """Rows straight from the driver's cursor, in batches: 100k rows stay light."""
        # Dates and coordinator lists repeat across thousands of rows: parse each once.
        dates: dict[Any, dt.date | None] = {}
        lists: dict[Any, list[str]] = {}
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
                    status = self._fixed_status(r[11], r[12], r[5], eff, as_of, soon)
                    if statuses is not None and status not in statuses:
                        continue
                    # SQLite hands JSON back as text, PostgreSQL as a parsed list.
                    raw_codes = r[7] if not isinstance(r[7], list) else tuple(r[7])
                    coords = lists.get(raw_codes)
                    if coords is None:
                        coords = lists[raw_codes] = [names.get(c, c) for c in _codes(r[7])]
                    due = r[9]
                    yield {
                        "plan": r[1], "task": r[2], "section": r[3], "title": r[4],
                        "kind": r[5], "lead": r[6], "coordinators": coords,
                        "deadline_text": r[8],
                        "due": due if due is None or due.__class__ is str else due.isoformat(),
                        "effective_due": raw if raw is None or raw.__class__ is str
                        else raw.isoformat(),
                        "status": status,
                        "days_overdue": (as_of - eff).days if status == "overdue" and eff else 0,
                    }
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
                f"select t.id, t.state, t.completed_on, t.rrule, t.rrule_start, t.rrule_until"
                f" from task t where {where} and t.deadline_kind = 'recurring'",
                tuple(params)).all()
            rec = self._recurring_state(conn, [tuple(r) for r in rec_rows], f.as_of,
                                        self.due_soon_limit(f.as_of))
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


def _sort_key(item: dict[str, Any]) -> tuple[Any, ...]:
    # Worst first: overdue by age, then the rest by date, undated last.
    return (item["effective_due"] is None, item["effective_due"] or "", item["plan"], item["task"])
