"""Writing a checked catalog into the store: all or nothing, and idempotent.

Every row carries a hash of what its file says; a row whose hash has not changed is not
touched, so loading the same files twice writes nothing. A task gone from its file is
withdrawn (never deleted) and keeps its reports, extensions and reminders.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection, Engine

from dondoc.catalog.store.assignments import sync_tasks
from dondoc.catalog.store.models import AuditEntry, Plan, Target, Task, Unit, utcnow
from dondoc.catalog.files.reader import TASK_FILE_COLUMNS, Catalog, PlanBundle
from dondoc.catalog.settings import today
from dondoc.catalog.rules.workdays import WorkCalendar, default_calendar

UNIT = Unit.__table__
PLAN = Plan.__table__
TASK = Task.__table__
TARGET = Target.__table__
AUDIT = AuditEntry.__table__

_TASK_DB_COLUMNS = [c for c in TASK_FILE_COLUMNS if not c.startswith("declared_")] + ["source_line"]


@dataclass
class LoadSummary:
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, what: str, n: int = 1) -> None:
        if n:
            self.counts[what] += n

    @property
    def changed(self) -> bool:
        return any(n for key, n in self.counts.items() if not key.endswith(".unchanged"))

    def as_json(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for key, n in sorted(self.counts.items()):
            entity, action = key.split(".")
            out.setdefault(entity, {})[action] = n
        return out


def known_units(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(UNIT.c.code, UNIT.c.name, UNIT.c.province, UNIT.c.aliases))
    return [dict(r._mapping) for r in rows]


def read_for_load(engine: Engine, path: Path) -> Catalog:
    """Read the files at path, resolving units against the files and the database."""
    from dondoc.catalog.files.reader import read_catalog

    with engine.connect() as conn:
        units = known_units(conn)
    return read_catalog(path, known_units=units)


def load_catalog(engine: Engine, cat: Catalog, actor: str = "catalog-load",
                 calendar: WorkCalendar | None = None,
                 progress: Callable[[int], None] | None = None) -> LoadSummary:
    """Write cat in one transaction; the caller has checked cat.errors is empty.

    The in-memory form, for callers holding a small catalog (`dondoc up`, tests);
    `dondoc catalog load` streams through catalog/store/streamload.py instead."""
    assert not cat.errors, "refusing to load a catalog with errors"
    calendar = calendar or default_calendar()
    summary = LoadSummary()
    now = utcnow()
    audit: list[dict[str, Any]] = []
    touched: list[int] = []
    with engine.begin() as conn:
        groups_changed = _load_units(conn, cat.units, summary, audit, now, actor)
        for bundle in cat.plans:
            _load_plan(conn, bundle, summary, audit, now, actor, calendar, touched)
            flush_audit(conn, audit)
            if progress:
                progress(len(bundle.tasks) + len(bundle.targets) + 1)
        flush_audit(conn, audit)
        # These plans no longer hold what a streaming load recorded for their files.
        forget_files(conn, [b.plan["code"] for b in cat.plans])
        # A group's members changing reaches every task naming the group, in any plan.
        add_synced(summary, sync_tasks(conn, None if groups_changed else touched,
                                       actor=actor, now=now))
    return summary


def flush_audit(conn: Connection, audit: list[dict[str, Any]]) -> None:
    """Write the audit entries gathered so far and forget them (memory stays per plan)."""
    if audit:
        conn.execute(insert(AUDIT), audit)
        audit.clear()


def forget_files(conn: Connection, plan_codes: list[str]) -> None:
    from dondoc.catalog.store.models import CatalogFile

    table = CatalogFile.__table__
    for i in range(0, len(plan_codes), 500):
        conn.execute(delete(table).where(table.c.plan_code.in_(plan_codes[i:i + 500])))


def add_synced(summary: LoadSummary, synced: Any) -> None:
    summary.add("assignments.created", synced.created)
    summary.add("assignments.updated", synced.updated)
    summary.add("assignments.withdrawn", synced.withdrawn)
    summary.add("assignments.overridden", synced.overridden)


def _audit(audit: list[dict[str, Any]], now: dt.datetime, actor: str, action: str, entity: str,
           key: str, before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None) -> None:
    audit.append({"at": now, "actor": actor, "action": action, "entity": entity,
                  "entity_key": key, "before": before, "after": after, "undone": False})


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()}


def _diff(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in new if k != "content_hash" and old.get(k) != new.get(k)]
    return (_jsonable({k: old.get(k) for k in keys}), _jsonable({k: new.get(k) for k in keys}))


def _load_units(conn: Connection, units: list[dict[str, Any]], summary: LoadSummary,
                audit: list[dict[str, Any]], now: dt.datetime, actor: str) -> bool:
    """Write the registry; True when a group's members changed (or a group appeared)."""
    existing = {r.code: dict(r._mapping) for r in conn.execute(select(UNIT))}
    new = [u for u in units if u["code"] not in existing]
    changed = [u for u in units
               if u["code"] in existing and existing[u["code"]]["content_hash"] != u["content_hash"]]
    summary.add("units.unchanged", len(units) - len(new) - len(changed))
    if new:
        # Parents and successors may come later in the list: link them in a second pass.
        conn.execute(insert(UNIT), [{**u, "parent_code": None, "successor_code": None} for u in new])
        links = [{"_code": u["code"], "_parent": u["parent_code"], "_successor": u["successor_code"]}
                 for u in new if u["parent_code"] or u["successor_code"]]
        if links:  # one executemany: a national registry has thousands of units
            conn.execute(update(UNIT).where(UNIT.c.code == bindparam("_code")).values(
                parent_code=bindparam("_parent"), successor_code=bindparam("_successor")), links)
    for u in changed:
        conn.execute(update(UNIT).where(UNIT.c.code == u["code"]).values(**u))
    for u in new:
        _audit(audit, now, actor, "create", "unit", u["code"], after={"name": u["name"]})
    for u in changed:
        before, after = _diff(existing[u["code"]], u)
        _audit(audit, now, actor, "update", "unit", u["code"], before, after)
    summary.add("units.created", len(new))
    summary.add("units.updated", len(changed))
    return any((u.get("members") or None) != (existing.get(u["code"], {}).get("members") or None)
               for u in new + changed)


def _load_plan(conn: Connection, bundle: PlanBundle, summary: LoadSummary,
               audit: list[dict[str, Any]], now: dt.datetime, actor: str,
               calendar: WorkCalendar, touched: list[int]) -> None:
    plan = {**bundle.plan, "loaded_at": now}
    code = plan["code"]
    old = conn.execute(select(PLAN).where(PLAN.c.code == code)).first()
    if old is None:
        conn.execute(insert(PLAN), plan)
        summary.add("plans.created")
        _audit(audit, now, actor, "create", "plan", code, after={"title": plan["title"]})
    elif old.content_hash != plan["content_hash"]:
        conn.execute(update(PLAN).where(PLAN.c.code == code).values(**plan))
        summary.add("plans.updated")
        before, after = _diff(dict(old._mapping), bundle.plan)
        _audit(audit, now, actor, "update", "plan", code, before, after)
    else:
        summary.add("plans.unchanged")
    _load_tasks(conn, code, bundle.tasks, summary, audit, now, actor, calendar, touched)
    _load_targets(conn, code, bundle.targets, summary, audit, now, actor)


def _task_values(row: dict[str, Any], extended_due: dt.date | None,
                 calendar: WorkCalendar) -> dict[str, Any]:
    values = {k: row[k] for k in _TASK_DB_COLUMNS}
    values["content_hash"] = row["content_hash"]
    due = extended_due or row["deadline_due"]
    values["effective_due"] = calendar.effective_due(due) if due else None
    return values


def _load_tasks(conn: Connection, plan_code: str, rows: list[dict[str, Any]],
                summary: LoadSummary, audit: list[dict[str, Any]], now: dt.datetime, actor: str,
                calendar: WorkCalendar, touched: list[int]) -> None:
    existing = {r.code: r for r in conn.execute(
        select(TASK.c.id, TASK.c.code, TASK.c.content_hash, TASK.c.state, TASK.c.extended_due,
               TASK.c.completed_on, TASK.c.progress, TASK.c.withdrawn_on)
        .where(TASK.c.plan_code == plan_code))}
    inserts, updates, links_for = [], [], []
    for row in rows:
        old = existing.get(row["code"])
        declared_done = row["declared_state"] == "done"
        if old is None:
            values = _task_values(row, None, calendar)
            values.update(plan_code=plan_code, code=row["code"],
                          state="done" if declared_done else "open",
                          completed_on=row["declared_completed_on"],
                          progress=row["declared_progress"] or (100 if declared_done else 0))
            inserts.append(values)
            continue
        if old.content_hash == row["content_hash"] and old.state != "withdrawn":
            continue
        values = _task_values(row, old.extended_due, calendar)
        # Every update carries the same keys, so that one executemany serves them all.
        values.update(state=old.state, completed_on=old.completed_on, progress=old.progress,
                      withdrawn_on=old.withdrawn_on)
        if old.state == "withdrawn":
            values.update(state="open", withdrawn_on=None)
            _audit(audit, now, actor, "reinstate", "task", f"{plan_code}/{row['code']}")
            summary.add("tasks.reinstated")
        if declared_done:
            values.update(state="done", completed_on=row["declared_completed_on"])
        if row["declared_progress"] is not None:
            values["progress"] = row["declared_progress"]
        values["_id"] = old.id
        updates.append(values)
        links_for.append((old.id, row))
        _audit(audit, now, actor, "update", "task", f"{plan_code}/{row['code']}",
               after=_jsonable({k: values[k] for k in ("deadline_text", "effective_due", "lead_code")}))

    if inserts:
        conn.execute(insert(TASK), inserts)
        ids = dict(conn.execute(select(TASK.c.code, TASK.c.id).where(
            TASK.c.plan_code == plan_code)).all())
        for values in inserts:
            links_for.append((ids[values["code"]], values))
            _audit(audit, now, actor, "create", "task", f"{plan_code}/{values['code']}")
    if updates:
        keys = [k for k in updates[0] if k != "_id"]
        stmt = update(TASK).where(TASK.c.id == bindparam("_id")).values(
            {k: bindparam(k) for k in keys})
        conn.execute(stmt, updates)
    # Their assignments and the --unit index follow, in sync_tasks.
    touched.extend(tid for tid, _ in links_for)

    present = {r["code"] for r in rows}
    gone = [r for code, r in existing.items() if code not in present and r.state != "withdrawn"]
    if gone:
        conn.execute(update(TASK).where(TASK.c.id.in_([r.id for r in gone]))
                     .values(state="withdrawn", withdrawn_on=today()))
        for r in gone:
            _audit(audit, now, actor, "withdraw", "task", f"{plan_code}/{r.code}",
                   before={"state": r.state}, after={"state": "withdrawn"})
    summary.add("tasks.created", len(inserts))
    summary.add("tasks.updated", len(updates))
    summary.add("tasks.withdrawn", len(gone))
    summary.add("tasks.unchanged", len(rows) - len(inserts) - len(updates))


def _load_targets(conn: Connection, plan_code: str, rows: list[dict[str, Any]],
                  summary: LoadSummary, audit: list[dict[str, Any]], now: dt.datetime,
                  actor: str) -> None:
    existing = {r.code: r for r in conn.execute(
        select(TARGET.c.id, TARGET.c.code, TARGET.c.content_hash, TARGET.c.withdrawn_on)
        .where(TARGET.c.plan_code == plan_code))}
    created = updated = 0
    for row in rows:
        old = existing.get(row["code"])
        if old is None:
            conn.execute(insert(TARGET), {**row, "plan_code": plan_code})
            created += 1
            _audit(audit, now, actor, "create", "target", f"{plan_code}/{row['code']}")
        elif old.content_hash != row["content_hash"] or old.withdrawn_on is not None:
            conn.execute(update(TARGET).where(TARGET.c.id == old.id)
                         .values(**row, withdrawn_on=None))
            updated += 1
            _audit(audit, now, actor, "update", "target", f"{plan_code}/{row['code']}")
    present = {r["code"] for r in rows}
    gone = [r for code, r in existing.items() if code not in present and r.withdrawn_on is None]
    if gone:
        conn.execute(update(TARGET).where(TARGET.c.id.in_([r.id for r in gone]))
                     .values(withdrawn_on=today()))
        for r in gone:
            _audit(audit, now, actor, "withdraw", "target", f"{plan_code}/{r.code}")
    summary.add("targets.created", created)
    summary.add("targets.updated", updated)
    summary.add("targets.withdrawn", len(gone))
    summary.add("targets.unchanged", len(rows) - created - updated)
