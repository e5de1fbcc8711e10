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

from dondoc.catalog.rules.recurrence import rule_dates
from dondoc.catalog.rules.policy import DEFAULT_DUE_SOON_WINDOW, resolve
from dondoc.catalog.rules.status import (DONE, STATUSES, due_soon_limit, is_done, occurrence_status,
                                         task_status, worst)
from dondoc.catalog.rules.workdays import WorkCalendar, default_calendar
from dondoc.catalog.store.dialect import CHUNK, date_param, mark
from dondoc.catalog.store.records import AssignmentState, TaskRecord

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

__all__ = ["STATUSES", "Filter", "Reader"]


@dataclass(frozen=True)
class Filter:
    as_of: dt.date
    plan: str | None = None
    unit: str | None = None  # a unit code: tasks it leads or coordinates
    unassigned: bool = False  # only tasks nobody leads ("chưa giao")


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
        # The closing reports of the recurring duties last read, for each unit's own status.
        self._answered: dict[tuple[int, str], set[str | None]] = {}

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
        if f.unassigned:
            clauses.append(f"not exists (select 1 from assignment a where a.task_id = {alias}.id"
                           " and a.role = 'lead' and not a.withdrawn)")
        return " and ".join(clauses), params

    def due_soon_limit(self, as_of: dt.date) -> dt.date:
        return due_soon_limit(self.calendar, as_of, DEFAULT_DUE_SOON_WINDOW)

    # -------------------------------------------------------------- status

    def _soon_limits(self, conn: Connection, f: Filter) -> _SoonLimits:
        """Each task's due-soon limit on f.as_of, by its reminder policy (task over plan)."""
        # SQLite keeps "no policy" as the JSON text null in most rows: leave those to SQLite
        # rather than parse a million of them here.
        none = " and policy <> 'null'" if self.engine.dialect.name == "sqlite" else ""
        plans = {code: p for code, raw in conn.exec_driver_sql(
            f"select code, policy from plan where policy is not null{none}")
            if isinstance(p := _json(raw), dict)}
        sql, args = f"select id, plan_code, policy from task where policy is not null{none}", ()
        if f.plan:
            sql, args = sql + f" and plan_code = {self.mark}", (f.plan,)
        tasks = {tid: (plan, p) for tid, plan, raw in conn.exec_driver_sql(sql, args)
                 if isinstance(p := _json(raw), dict)}
        return _SoonLimits(self.calendar, f.as_of, plans, tasks)

    def _answers(self, conn: Connection, ids: list[int]) -> dict[tuple[int, str], set[str | None]]:
        """(task, occurrence) -> the units whose report closed it (None: the coordinator's,
        for every unit). A report closes an occurrence unless it gives a progress below 100:
        a note alone is the report itself, a percentage is work under way."""
        answered: dict[tuple[int, str], set[str | None]] = {}
        for chunk_start in range(0, len(ids), CHUNK):
            chunk = ids[chunk_start:chunk_start + CHUNK]
            marks = ",".join([self.mark] * len(chunk))
            for tid, occ, unit in conn.exec_driver_sql(
                    f"select task_id, occurrence, unit_code from progressreport"
                    f" where occurrence is not null and (progress is null or progress >= 100)"
                    f" and task_id in ({marks})", tuple(chunk)):
                answered.setdefault((tid, _iso(occ) or ""), set()).add(unit)
        return answered

    def _lead_units(self, conn: Connection, ids: list[int]) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for chunk_start in range(0, len(ids), CHUNK):
            chunk = ids[chunk_start:chunk_start + CHUNK]
            marks = ",".join([self.mark] * len(chunk))
            for tid, unit in conn.exec_driver_sql(
                    f"select task_id, unit_code from assignment where role = 'lead'"
                    f" and not withdrawn and task_id in ({marks}) order by id", tuple(chunk)):
                out.setdefault(tid, []).append(unit)
        return out

    def _recurring_state(self, conn: Connection, rows: list[tuple[Any, ...]], as_of: dt.date,
                         soon: _SoonLimits) -> dict[int, tuple[str, dt.date | None, dt.date | None]]:
        """(status, nominal due, effective due) of each recurring task's current occurrence.

        The occurrence that matters is the latest one already past (overdue unless every
        lead unit answered it), else the next one to come.
        """
        if not rows:
            return {}
        ids = [r[0] for r in rows]
        answered = self._answers(conn, ids)
        leads = self._lead_units(conn, ids)
        self._answered = answered

        def closed_for_task(tid: int, occ: str) -> bool:
            units = answered.get((tid, occ))
            if not units:
                return False
            want = leads.get(tid)
            return None in units or not want or all(u in units for u in want)

        return {r[0]: self._occurrence(r, as_of, soon, closed_for_task) for r in rows}

    def _occurrence(self, row: tuple[Any, ...], as_of: dt.date, soon: _SoonLimits,
                    closed: Any) -> tuple[str, dt.date | None, dt.date | None]:
        tid, plan, state, completed_on, rule, rstart, runtil = row
        if is_done(state, _d(completed_on), as_of):
            return ("done", None, None)
        eff_due = self.calendar.effective_due
        start = _d(rstart) or dt.date(as_of.year - 1, 1, 1)
        dates, lo, hi = rule_dates(rule, start, _d(runtil))
        # Effective dues never come before nominal ones and keep their order, so the
        # occurrence that matters sits just before as_of in the nominal dates.
        i = min(bisect.bisect_left(dates, as_of, lo, hi), hi)
        while i > lo and eff_due(dates[i - 1]) >= as_of:
            i -= 1
        if i > lo and not closed(tid, dates[i - 1].isoformat()):
            last = dates[i - 1]
            return ("overdue", last, eff_due(last))
        if i < hi:
            nxt = dates[i]
            eff = eff_due(nxt)
            return (occurrence_status(eff, as_of, soon.limit(plan, tid)), nxt, eff)
        if i > lo:
            return ("done", dates[i - 1], eff_due(dates[i - 1]))
        return ("no_deadline", None, None)

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

    def records(self, f: Filter, statuses: tuple[str, ...] | None = None,
                assignments: bool = True) -> Iterator[TaskRecord]:
        """Every live task matching f, with its status on f.as_of; overdue ones worst first.

        assignments=False leaves each record's assignments empty except where a unit's own
        extension moves the task's status (those few still get theirs, so the status is the
        same either way): a list of 100k tasks need not hold every unit's share."""
        where, params = self._where(f)
        as_of = f.as_of
        with self.engine.connect() as conn:
            names = self.unit_names(conn)
            soon = self._soon_limits(conn, f)
            rec_by_id, recurring = self._recurring_records(conn, f, statuses, names, soon)

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
            merged = self._merge(fixed, recurring)
            if assignments:
                yield from self._with_assignments(conn, merged, names, as_of, soon, rec_by_id,
                                                  statuses)
                return
            special = self._overridden(conn)
            for rec in merged:
                if rec.id in special and rec.kind != "recurring":
                    for full in self._attach(conn, [rec], names, as_of, soon, rec_by_id,
                                             statuses):
                        full.assignments = ()
                        yield full
                else:
                    yield rec

    def _recurring_records(self, conn: Connection, f: Filter, statuses: tuple[str, ...] | None,
                           names: dict[str, str], soon: _SoonLimits,
                           ) -> tuple[dict[int, tuple[Any, ...]], list[tuple[Any, TaskRecord]]]:
        """The recurring duties matching f (their rows by id, for their assignments' own
        occurrences) and their records with sort keys, in order, without assignments."""
        where, params = self._where(f)
        as_of = f.as_of
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
        rec_by_id = {r[0]: (r[0], r[1], r[11], r[12], r[13], r[14], r[15]) for r in rec_rows}
        return rec_by_id, recurring

    def json_items(self, f: Filter, statuses: tuple[str, ...] | None = None) -> Iterator[bytes]:
        """items(f, statuses), each already encoded as orjson encodes it, in the same order.

        On SQLite the database writes most documents (dondoc.catalog.store.jsonrows) and
        this only merges in the recurring duties and the few tasks the calendar must answer
        for: no dict per row, so a million rows stream at the speed SQLite reads them."""
        if self.engine.dialect.name != "sqlite" or statuses not in (None, ("overdue",)):
            for rec in self.records(f, statuses):
                yield orjson.dumps(rec.as_json())
            return
        from dondoc.catalog.store import jsonrows

        as_of = f.as_of
        with self.engine.connect() as conn:
            names = self.unit_names(conn)
            soon = self._soon_limits(conn, f)
            rec_by_id, recurring = self._recurring_records(conn, f, statuses, names, soon)
            # Recurring records never leave _attach (no extension moves their status).
            pending_items = [(_sort_key(rec), orjson.dumps(rec.as_json())) for rec in self._attach(
                conn, [rec for _, rec in recurring], names, as_of, soon, rec_by_id, statuses)]
            special = {tid for (tid,) in conn.exec_driver_sql(jsonrows.special_ids_sql())}
            special |= soon.task_ids()
            special_items = self._special_items(conn, f, special, names, soon, rec_by_id,
                                                statuses)
            batches = self._document_batches(conn, f, statuses, soon)
            try:
                pending = iter(pending_items)
                nxt = next(pending, None)
                document = jsonrows.document
                for batch in batches:
                    if nxt is None and not special:
                        yield from (document(row[4], row[5], row[6]) for row in batch)
                        continue
                    for tid, eff, plan, code, head, leads, others in batch:
                        if nxt is not None:
                            # As _merge: the recurring duties fall in by _sort_key.
                            key = (eff is None, eff or "", plan, code)
                            while nxt is not None and nxt[0] <= key:
                                yield nxt[1]
                                nxt = next(pending, None)
                        if tid in special:
                            item = special_items.get(tid)
                            if item is not None:
                                yield item
                            continue
                        yield document(head, leads, others)
                while nxt is not None:
                    yield nxt[1]
                    nxt = next(pending, None)
            finally:
                batches.close()

    def _document_batches(self, conn: Connection, f: Filter, statuses: tuple[str, ...] | None,
                          soon: _SoonLimits) -> Iterator[list[tuple[Any, ...]]]:
        """The rows of jsonrows.items_sql for f, a batch at a time, in order."""
        from dondoc.catalog.store import jsonrows

        where, params = self._where(f)
        overdue_only = statuses == ("overdue",)
        sql, pre = jsonrows.items_sql(where, f.as_of, soon.default, soon.plan_limits(),
                                      overdue_only)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, (*pre, *params))
            while True:
                batch = cursor.fetchmany(4096)
                if not batch:
                    return
                yield batch
        finally:
            cursor.close()

    def _special_items(self, conn: Connection, f: Filter, ids: set[int], names: dict[str, str],
                       soon: _SoonLimits, rec_by_id: dict[int, tuple[Any, ...]],
                       statuses: tuple[str, ...] | None) -> dict[int, bytes]:
        """The documents of the fixed-deadline tasks among ids that match f, as records()
        makes them: the status first by the task's own due, then by its leads' extensions."""
        if not ids:
            return {}
        where, params = self._where(f)
        out: dict[int, bytes] = {}
        ordered = sorted(ids)
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start:start + CHUNK]
            sql = (f"{self._SELECT} where {where} and t.deadline_kind <> 'recurring'"
                   f" and t.id in ({','.join([self.mark] * len(chunk))})")
            fixed = list(self._fixed_records(conn, sql, (*params, *chunk), names, f.as_of, soon,
                                             statuses))
            for rec in self._attach(conn, fixed, names, f.as_of, soon, rec_by_id, statuses):
                out[rec.id] = orjson.dumps(rec.as_json())
        return out

    @staticmethod
    def _overridden(conn: Connection) -> set[int]:
        """Tasks where a lead has an extension of its own (rare): their status needs it."""
        return {tid for (tid,) in conn.exec_driver_sql(
            "select distinct task_id from assignment where due_override is not null"
            " and role = 'lead' and not withdrawn")}

    def assignments_of(self, record: TaskRecord, as_of: dt.date) -> tuple[AssignmentState, ...]:
        """One task's live assignments with each unit's own status on as_of (the detail
        pane's: loaded for the one task the cursor rests on)."""
        import dataclasses

        f = Filter(as_of=as_of, plan=record.plan)
        with self.engine.connect() as conn:
            names = self.unit_names(conn)
            soon = self._soon_limits(conn, f)
            rec_by_id: dict[int, tuple[Any, ...]] = {}
            if record.kind == "recurring":
                row = conn.exec_driver_sql(
                    "select id, plan_code, state, completed_on, rrule, rrule_start, rrule_until"
                    f" from task where id = {self.mark}", (record.id,)).first()
                if row is not None:
                    rec_by_id[row[0]] = tuple(row)
                    self._recurring_state(conn, [tuple(row)], as_of, soon)
            copy = dataclasses.replace(record, assignments=())
            for rec in self._attach(conn, [copy], names, as_of, soon, rec_by_id, None):
                return rec.assignments
        return ()

    @staticmethod
    def _merge(fixed: Iterator[TaskRecord],
               recurring: list[tuple[Any, TaskRecord]]) -> Iterator[TaskRecord]:
        """A hand merge: the recurring items are few, the fixed ones may be a million."""
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

    def _with_assignments(self, conn: Connection, records: Iterator[TaskRecord],
                          names: dict[str, str], as_of: dt.date, soon: _SoonLimits,
                          rec_rows: dict[int, tuple[Any, ...]],
                          statuses: tuple[str, ...] | None) -> Iterator[TaskRecord]:
        """Each record with its live assignments and each unit's own status, a batch of
        records per query so that a million of them stay a stream."""
        batch: list[TaskRecord] = []
        for rec in records:
            batch.append(rec)
            if len(batch) >= 2000:
                yield from self._attach(conn, batch, names, as_of, soon, rec_rows, statuses)
                batch = []
        if batch:
            yield from self._attach(conn, batch, names, as_of, soon, rec_rows, statuses)

    def _attach(self, conn: Connection, batch: list[TaskRecord], names: dict[str, str],
                as_of: dt.date, soon: _SoonLimits, rec_rows: dict[int, tuple[Any, ...]],
                statuses: tuple[str, ...] | None) -> Iterator[TaskRecord]:
        rows: dict[int, list[tuple[Any, ...]]] = {}
        ids = [r.id for r in batch]
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            marks = ",".join([self.mark] * len(chunk))
            for row in conn.exec_driver_sql(
                    "select task_id, unit_code, role, status, progress, completed_on,"
                    " due_override from assignment where not withdrawn"
                    f" and task_id in ({marks}) order by task_id, id", tuple(chunk)):
                rows.setdefault(row[0], []).append(row)
        answered = self._answered
        eff_due = self.calendar.effective_due
        for rec in batch:
            found = rows.get(rec.id)
            if not found:
                yield rec
                continue
            limit = soon.limit(rec.plan, rec.id)
            out: list[AssignmentState] = []
            overridden = False
            for _tid, unit, role, state, progress, completed_on, override in found:
                done_on = _d(completed_on)
                occurrence = None
                if rec.kind == "recurring" and rec.id in rec_rows:
                    base = rec_rows[rec.id]
                    units = answered

                    def closed(tid: int, occ: str, unit: str = unit) -> bool:
                        got = units.get((tid, occ))
                        return bool(got) and (None in got or unit in got)  # type: ignore[operator]

                    status, nominal, eff = self._occurrence(
                        (base[0], base[1], state, completed_on, base[4], base[5], base[6]),
                        as_of, soon, closed)
                    eff_text = _iso(eff)
                    occurrence = _iso(nominal)
                else:
                    if override is not None:
                        overridden = True
                        eff = eff_due(_d(override))  # type: ignore[arg-type]
                        eff_text = eff.isoformat()
                    else:
                        eff_text = rec.effective_due
                        eff = _d(eff_text)
                    status = task_status(state, done_on, rec.kind, eff, as_of, limit)
                out.append(AssignmentState(unit, names.get(unit, unit), role, status,
                                           int(progress or 0), _iso(done_on), eff_text,
                                           occurrence))
            # Leads first, each role in the order it was assigned.
            out.sort(key=lambda a: a.role != "lead")
            rec.assignments = tuple(out)
            if overridden:
                # A unit's own extension moves its share only: the task stands as its leads do.
                leads = [a for a in out if a.role == "lead"]
                if leads:
                    rec.status = worst([a.status for a in leads if a.status != DONE] or [DONE])
                    late = [a.effective_due for a in leads if a.status == "overdue"]
                    rec.days = (as_of - dt.date.fromisoformat(min(late))).days if late else 0  # type: ignore[type-var]
                if statuses is not None and rec.status not in statuses:
                    continue
            yield rec

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
            # A lead's own extension (due_override) is rare: those tasks are counted by the
            # full rule below, every other task by the task's own due date and state.
            special = {tid for (tid,) in conn.exec_driver_sql(
                "select distinct task_id from assignment where due_override is not null"
                " and role = 'lead' and not withdrawn")}
            skip = f" and t.id not in ({','.join(str(int(i)) for i in special)})" if special else ""
            # ix_task_overdue_count holds every column this count reads, so SQLite answers
            # from that narrow index instead of visiting the wide task rows.
            due = "t.effective_due"
            fixed = conn.exec_driver_sql(
                f"select count(*) from task t where {where} and t.deadline_kind <> 'recurring'"
                f" and {due} < {m} and not (t.state = 'done' and"
                f" (t.completed_on is null or t.completed_on <= {m})){skip}",
                tuple([*params, self._date(f.as_of), self._date(f.as_of)])).scalar_one()
            rec_rows = conn.exec_driver_sql(
                f"select t.id, t.plan_code, t.state, t.completed_on, t.rrule, t.rrule_start,"
                f" t.rrule_until from task t where {where} and t.deadline_kind = 'recurring'",
                tuple(params)).all()
            rec = self._recurring_state(conn, [tuple(r) for r in rec_rows], f.as_of,
                                        self._soon_limits(conn, f))
        extra = 0
        if special:
            extra = sum(1 for r in self.records(f, ("overdue",))
                        if r.id in special and r.kind != "recurring")
        return fixed + extra + sum(1 for s, _, _ in rec.values() if s == "overdue")

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

    def task_ids(self) -> set[int]:
        """The tasks whose own reminder policy sets their due-soon window."""
        return set(self._tasks)

    def plan_limits(self) -> dict[str, dt.date]:
        """The due-soon limit of each plan whose reminder policy sets its own window."""
        return dict(self._plans)

    def limit(self, plan: str, task_id: int) -> dt.date:
        if self._tasks:
            found = self._tasks.get(task_id)
            if found is not None:
                return found
        return self._plans.get(plan, self.default) if self._plans else self.default
