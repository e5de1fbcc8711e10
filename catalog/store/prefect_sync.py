"""What syncing the catalog to Prefect reads: plans and their tasks' timing, and dondoc's
memory of what it last wrote to each Prefect server (the prefectsync table)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.engine import Connection, Engine

from dondoc.catalog.store.dialect import mark
from dondoc.catalog.store.models import PrefectSync


def plan_rows(conn: Connection, plan: str | None = None) -> list[tuple[Any, ...]]:
    """(code, title, issuer code, policy, issuer's province) of every plan, or of one."""
    where, args = (f"where p.code = {mark(conn)}", (plan,)) if plan else ("", ())
    return [tuple(r) for r in conn.exec_driver_sql(
        "select p.code, p.title, p.issuer_code, p.policy, u.province from plan p"
        " left join unit u on u.code = p.issuer_code " + where + " order by p.code", args)]


def all_timing_rows(conn: Connection, plan: str | None = None
                    ) -> dict[str, list[tuple[Any, ...]]]:
    """(code, state, lead code, deadline text, kind, effective due, rrule, rrule start,
    rrule until, policy) of each task, by plan code and then by code, for every plan (or
    one) in one statement: at 100k tasks, not one statement per plan. The policy comes as
    JSON text, not decoded: most tasks share one, which the caller decodes once (on
    PostgreSQL the driver would decode a JSON value per row, a third of the whole read)."""
    where, args = (f" where plan_code = {mark(conn)}", (plan,)) if plan else ("", ())
    out: dict[str, list[tuple[Any, ...]]] = {}
    for r in conn.exec_driver_sql(
            "select plan_code, code, state, lead_code, deadline_text, deadline_kind,"
            " effective_due, rrule, rrule_start, rrule_until, cast(policy as text) from task"
            + where
            + " order by plan_code, code", args):
        out.setdefault(r[0], []).append(tuple(r[1:]))
    return out


class SyncRecord:
    """dondoc's memory of what it last wrote to one Prefect server."""

    def __init__(self, engine: Engine, api_url: str) -> None:
        self.engine, self.api_url, self.table = engine, api_url, PrefectSync.__table__
        self._lock = threading.Lock()
        with engine.connect() as conn:
            self.rows = {r.plan_code: (r.deployment_id, r.content_hash) for r in conn.execute(
                self.table.select().where(self.table.c.api_url == api_url))}

    def save(self, plan: str, deployment_id: str, content_hash: str) -> None:
        """Remember one plan; safe from several threads (one writes at a time: SQLite has
        a single writer, and the rows dict is shared)."""
        with self._lock, self.engine.begin() as conn:
            conn.execute(delete(self.table).where((self.table.c.api_url == self.api_url)
                                                  & (self.table.c.plan_code == plan)))
            conn.execute(insert(self.table).values(
                api_url=self.api_url, plan_code=plan, deployment_id=deployment_id,
                content_hash=content_hash, synced_at=dt.datetime.now(dt.timezone.utc)))
            self.rows[plan] = (deployment_id, content_hash)
