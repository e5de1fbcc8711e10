"""What the reminder sweep and the weekly digest read from the store.

Plain SQL through the driver: a sweep touches every live task, and at a million tasks the
cost is in handling each row once (no ORM, no Row objects on the hot path).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from sqlalchemy.engine import Connection, Engine

from dondoc.catalog.rules.recipients import Directory, UnitInfo
from dondoc.catalog.store.dialect import CHUNK, date_param, mark, marks
from dondoc.catalog.store.queries import _d

_SCAN = (
    "select t.id, t.plan_code, t.code, t.deadline_kind, t.category, t.effective_due,"
    " coalesce(t.extended_due, t.deadline_due), t.rrule, t.rrule_start, t.rrule_until,"
    " t.policy, t.lead_code, t.coordinators, t.deadline_labels"
    " from task t"
    " where t.state <> 'withdrawn' and t.deadline_kind <> 'ongoing'"
    " and (t.snoozed_until is null or t.snoozed_until < {m})"
    " and not (t.state = 'done' and (t.completed_on is null or t.completed_on <= {m}))"
    " and (t.deadline_kind = 'recurring' or t.effective_due <= {m})"
)


# The partition of units that have no province (ministries, national bodies): a sweep of
# "every province" is the sweeps of each province plus this one.
NO_PROVINCE = "-"


@dataclass(frozen=True, slots=True)
class Reach:
    """Which tasks a partial sweep reads: those that may have a recipient it keeps.

    The units of `province` (NO_PROVINCE: units without one), plus `extra` units (units
    merged into a kept unit, leads supervised by one), plus every task of `plans` (their
    coordinator is kept). A superset is harmless: the sweep keeps only its recipients."""

    province: str | None
    extra: tuple[str, ...]
    plans: tuple[str, ...]


def unit_provinces(conn: Connection) -> dict[str, str]:
    """Each unit's province (NO_PROVINCE when it has none)."""
    return {code: prov or NO_PROVINCE
            for code, prov in conn.exec_driver_sql("select code, province from unit")}


def province_weights(conn: Connection) -> list[tuple[str, int]]:
    """Every province with units, and its live assignments: the heaviest first, so that a
    parent sweep starts the longest children first."""
    rows = conn.exec_driver_sql(
        "select coalesce(u.province, '-'), count(a.id) from unit u"
        " left join assignment a on a.unit_code = u.code and not a.withdrawn"
        " group by coalesce(u.province, '-')").all()
    return sorted(((p, int(n)) for p, n in rows), key=lambda r: (-r[1], r[0]))


def _reach_clause(conn: Connection, reach: Reach) -> tuple[str, list[Any]]:
    """`t.id in (...)`, true for the tasks (alias t) that reach may concern, and its
    arguments: one union, read once (a hash of ids), rather than an `or` per row."""
    m = mark(conn)
    units_sql: list[str] = []
    unit_args: list[Any] = []
    if reach.province is not None:
        units_sql.append(f"select code from unit where coalesce(province, '-') = {m}")
        unit_args.append(reach.province)
    if reach.extra:
        units_sql.append(f"select code from unit where code in ({marks(conn, len(reach.extra))})")
        unit_args.extend(reach.extra)
    units = " union ".join(units_sql) or "select code from unit where 1 = 0"
    ids = (f"select a.task_id from assignment a where not a.withdrawn and a.unit_code in ({units})"
           f" union select tu.task_id from taskunit tu where tu.unit_code in ({units})"
           f" union select x.id from task x where x.lead_code in ({units})")
    args = unit_args * 3
    if reach.plans:
        ids += f" union select y.id from task y where y.plan_code in ({marks(conn, len(reach.plans))})"
        args += list(reach.plans)
    return f"t.id in ({ids})", args


def reach_fits(reach: Reach) -> bool:
    """Whether reach's lists fit in one statement (else: read everything, keep recipients)."""
    return 3 * len(reach.extra) + len(reach.plans) < CHUNK


def load_directory(conn: Connection, as_of: dt.date) -> Directory:
    rows = conn.exec_driver_sql(
        "select code, name, short_name, parent_code, valid_to, successor_code, contact from unit")
    return Directory((UnitInfo(r[0], r[1], r[2], r[3], _d(r[4]), r[5], r[6]) for r in rows),
                     as_of)


def plan_coordinators(conn: Connection) -> dict[str, str | None]:
    return dict(conn.exec_driver_sql("select code, coordinator_code from plan").all())


def plan_policies(conn: Connection) -> list[tuple[str, Any]]:
    """(plan code, raw policy) of every plan; the policy as the driver returns it."""
    return [(code, p) for code, p in conn.exec_driver_sql("select code, policy from plan")]


def task_policies_in_use(conn: Connection) -> list[Any]:
    """Each distinct task policy, as JSON text."""
    return [raw for (raw,) in conn.exec_driver_sql(
        "select distinct cast(policy as text) from task where policy is not null")]


def live_task_rows(conn: Connection, as_of: dt.date, horizon: dt.date,
                   plan: str | None, reach: Reach | None = None) -> list[tuple[Any, ...]]:
    """Live tasks that can have something due by horizon, as plain tuples in _SCAN's order;
    with reach, only the tasks it may concern."""
    m = mark(conn)
    sql = _SCAN.format(m=m)
    args: list[Any] = [date_param(conn, as_of), date_param(conn, as_of),
                       date_param(conn, horizon)]
    if plan:
        sql += f" and t.plan_code = {m}"
        args.append(plan)
    if reach is not None:
        clause, more = _reach_clause(conn, reach)
        sql += " and " + clause
        args.extend(more)
    # The driver's own cursor: plain tuples, without a Row object per task.
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, tuple(args))
        return cursor.fetchall()
    finally:
        cursor.close()


def earliest_effective_due(conn: Connection) -> Any:
    return conn.exec_driver_sql(
        "select min(effective_due) from task where state <> 'withdrawn'").scalar()


def answered_occurrences(conn: Connection, task_ids: list[int]) -> Iterator[tuple[int, Any, Any]]:
    """(task id, occurrence, unit) of each report that closes an occurrence for its unit
    (None: the coordinator's, for everyone); a progress below 100 closes nothing."""
    for i in range(0, len(task_ids), CHUNK):
        chunk = task_ids[i:i + CHUNK]
        yield from conn.exec_driver_sql(
            "select task_id, occurrence, unit_code from progressreport where occurrence is not"
            " null and (progress is null or progress >= 100)"
            f" and task_id in ({marks(conn, len(chunk))})", tuple(chunk))


def shares(conn: Connection, plan: str | None, reach: Reach | None = None,
           task_ids: list[int] | None = None) -> dict[int, list[tuple[str, str, str]]]:
    """Each task's live assignments, (unit, role, status), in the order they were made;
    with reach (a partial sweep), only those of task_ids, the tasks it read."""
    if reach is not None:
        return shares_of_tasks(conn, task_ids or [])
    sql = ("select a.task_id, a.unit_code, a.role, a.status from assignment a"
           " where not a.withdrawn")
    args: tuple[Any, ...] = ()
    if plan:
        sql += f" and a.task_id in (select id from task where plan_code = {mark(conn)})"
        args = (plan,)
    out: dict[int, list[tuple[str, str, str]]] = {}
    for tid, unit, role, status in conn.exec_driver_sql(sql + " order by a.id", args):
        out.setdefault(tid, []).append((unit, role, status))
    return out


def shares_of_tasks(conn: Connection, task_ids: list[int]) -> dict[int, list[tuple[str, str, str]]]:
    """The live assignments of some tasks, through the task index: a partial sweep reads a
    few thousand tasks' rows, not a scan of every assignment."""
    out: dict[int, list[tuple[str, str, str]]] = {}
    rows: list[tuple[Any, ...]] = []
    sql = ("select a.id, a.task_id, a.unit_code, a.role, a.status from assignment a"
           " where not a.withdrawn and a.task_id ")
    if conn.dialect.name == "postgresql":
        # One statement with an array parameter: one index scan, one round trip.
        rows.extend(conn.exec_driver_sql(sql + "= any(%s)", (list(task_ids),)))
    else:
        for i in range(0, len(task_ids), CHUNK):
            chunk = task_ids[i:i + CHUNK]
            rows.extend(conn.exec_driver_sql(sql + f"in ({marks(conn, len(chunk))})",
                                             tuple(chunk)))
    rows.sort(key=lambda r: r[0])
    for _id, tid, unit, role, status in rows:
        out.setdefault(tid, []).append((unit, role, status))
    return out


def task_texts(engine: Engine, ids: Iterable[int]) -> tuple[dict[int, tuple[Any, ...]],
                                                             dict[str, str]]:
    """(title, section, deadline text, inferred) by task id, and plan titles by code."""
    ids = list(ids)
    out: dict[int, tuple[Any, ...]] = {}
    with engine.connect() as conn:
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i:i + CHUNK]
            for r in conn.exec_driver_sql(
                    "select id, title, section, deadline_text, deadline_inferred from task"
                    f" where id in ({marks(conn, len(chunk))})", tuple(chunk)):
                out[r[0]] = tuple(r[1:])
        titles = dict(conn.exec_driver_sql("select code, title from plan").all())
    return out, titles


def plan_task_ids(engine: Engine, plan: str, task: str | None = None) -> set[str]:
    """The ids (as text, as ledger keys hold them) of a plan's tasks, or of one task."""
    m = mark(engine)
    sql, args = f"select id from task where plan_code = {m}", (plan,)
    if task is not None:
        sql, args = sql + f" and code = {m}", (plan, task)
    with engine.connect() as conn:
        return {str(r[0]) for r in conn.exec_driver_sql(sql, args)}
