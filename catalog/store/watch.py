"""The day the reminder sweep first saw each task: the line between news and backlog.

A reminder whose rule fired before its task was first seen (a new database, a plan loaded
into a running system) is backlog: counted and shown, sent only on request (--backfill).
Without this line the first run on a seed catalog sends every overdue reminder of years
past at once (541 messages on day one) and the units learn to ignore them.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from dondoc.catalog.store.dialect import CHUNK
from dondoc.catalog.store.ledger import retrying
from dondoc.catalog.store.models import RemindWatch

W = RemindWatch.__table__


def _day(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def first_seen(engine: Engine, task_ids: Iterable[int], as_of: dt.date,
               record: bool) -> dict[int, dt.date]:
    """Each task's first as-of day; a task never seen gets as_of (written when record).

    Written with INSERT ... ON CONFLICT DO NOTHING, so two sweeps racing agree on the
    earlier writer's day and neither fails.
    """
    ids = sorted(set(task_ids))
    seen: dict[int, dt.date] = {}
    with engine.connect() as conn:
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i:i + CHUNK]
            for tid, day in conn.execute(select(W.c.task_id, W.c.first_as_of)
                                         .where(W.c.task_id.in_(chunk))):
                seen[tid] = _day(day)
    new = [tid for tid in ids if tid not in seen]
    if new and record:
        if engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(W).on_conflict_do_nothing(index_elements=["task_id"])

        def work(conn: Connection) -> None:
            for i in range(0, len(new), 500):
                conn.execute(stmt, [{"task_id": tid, "first_as_of": as_of}
                                    for tid in new[i:i + 500]])

        retrying(engine, work)
    for tid in new:
        seen[tid] = as_of
    return seen
