"""What the exported files need beyond Reader.items(): plan titles, policies, progress.

Reader.items() is the contract of `dondoc tasks --json` and stays as it is; the tracking
workbook and the calendar also need each task's progress, completion day, deliverable,
lead code and reminder policy, read here in one query per table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import orjson

from dondoc.catalog.store.queries import Reader


@dataclass(frozen=True)
class TaskExtra:
    lead_code: str | None
    progress: int
    completed_on: dt.date | None
    deliverable: str | None
    deadline_inferred: bool
    policy: dict[str, Any] | None


@dataclass(frozen=True)
class PlanInfo:
    code: str
    title: str
    number: str | None
    issuer: str | None
    policy: dict[str, Any] | None


def _json(value: Any) -> Any:
    if value is None or isinstance(value, (dict, list)):
        return value
    return orjson.loads(value)


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def plan_infos(reader: Reader) -> dict[str, PlanInfo]:
    sql = ("select p.code, p.title, p.number, u.name, p.policy from plan p"
           " left join unit u on u.code = p.issuer_code order by p.code")
    with reader.engine.connect() as conn:
        return {r[0]: PlanInfo(r[0], r[1], r[2], r[3], _json(r[4]))
                for r in conn.exec_driver_sql(sql)}


def task_extras(reader: Reader, plan: str | None = None) -> dict[tuple[str, str], TaskExtra]:
    sql = ("select t.plan_code, t.code, t.lead_code, t.progress, t.completed_on, t.deliverable,"
           " t.deadline_inferred, t.policy from task t where t.state <> 'withdrawn'")
    args: tuple[Any, ...] = ()
    if plan:
        sql += f" and t.plan_code = {reader.mark}"
        args = (plan,)
    with reader.engine.connect() as conn:
        return {(r[0], r[1]): TaskExtra(r[2], int(r[3] or 0), _date(r[4]), r[5], bool(r[6]),
                                        _json(r[7]))
                for r in conn.exec_driver_sql(sql, args)}
