"""Assignments: who must do each task, one row per (task, unit, role).

The catalog names leads and coordinators, sometimes a group ("các sở, ban, ngành"); a
group stands for each of its members, so its assignment is written as one per member,
with via_group naming the group the task names. `sync_tasks` rebuilds the catalog's
assignments of some tasks from what their files declare and what the registry says a
group holds now: a new member gets the open work, a member gone keeps its rows, withdrawn.

The app may assign units too (`assign`), most of all to tasks whose document names no
lead. Those rows (source 'app') survive a catalog load; where the file later names a lead
for such a task, the file wins and the app's leads are withdrawn, with an audit entry.

The `taskunit` index behind --unit and Task.lead_code are derived here, so that readers
written before assignments keep answering the same questions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from dondoc.catalog.i18n import DondocError, InputError
from dondoc.catalog.rules.units import UnitEntry, UnitIndex
from dondoc.catalog.store.models import (Assignment, AuditEntry, Plan, Task, TaskUnit, Unit,
                                         utcnow)

ASSIGNMENT = Assignment.__table__
TASK = Task.__table__
TASK_UNIT = TaskUnit.__table__
UNIT = Unit.__table__
PLAN = Plan.__table__
AUDIT = AuditEntry.__table__

ASSIGN = "task.assign"
LEAD, COORDINATOR = "lead", "coordinator"
# The fields of an assignment the app's assign may change, as the audit trail holds them.
_TRACKED = ("unit_code", "role", "via_group", "source", "withdrawn", "note")


# ------------------------------------------------------------------------ groups


def group_members(conn: Connection) -> dict[str, list[str]]:
    """Each group's members as the registry lists them now."""
    rows = conn.execute(select(UNIT.c.code, UNIT.c.members).where(UNIT.c.members.is_not(None)))
    return {code: list(members) for code, members in rows if members}


def expand(code: str, members: dict[str, list[str]]) -> list[str]:
    """The units a reference to `code` stands for: itself, or a group's members, nested
    groups expanded; a group without members stands for itself (nobody is listed yet)."""
    out: list[str] = []
    seen: set[str] = set()

    def walk(c: str) -> None:
        if c in seen:  # the reader refuses cycles; a database-made one must not hang a load
            return
        seen.add(c)
        if members.get(c):
            for m in members[c]:
                walk(m)
        elif c not in out:
            out.append(c)

    walk(code)
    return out


def wanted(leads: Iterable[str], coordinators: Iterable[str],
           members: dict[str, list[str]]) -> dict[tuple[str, str], str | None]:
    """(unit, role) -> the group it comes through, for what a task declares.

    A unit that leads is not also counted as a coordinator of the same task.
    """
    out: dict[tuple[str, str], str | None] = {}
    for role, refs in ((LEAD, leads), (COORDINATOR, coordinators)):
        for ref in refs:
            for unit in expand(ref, members):
                if (unit, LEAD) in out or (unit, role) in out:
                    continue
                out[(unit, role)] = None if unit == ref else ref
    return out


# ------------------------------------------------------------------------ catalog sync


@dataclass
class SyncCounts:
    created: int = 0
    updated: int = 0
    withdrawn: int = 0
    overridden: int = 0


def _declared(task: Any) -> tuple[list[str], list[str]]:
    leads = list(task.leads or ([task.lead_code] if task.lead_code else []))
    return leads, list(task.coordinators or [])


def _row_json(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row.get(k) for k in _TRACKED}


def sync_tasks(conn: Connection, task_ids: Iterable[int] | None, *, actor: str,
               now: dt.datetime | None = None,
               members: dict[str, list[str]] | None = None) -> SyncCounts:
    """Bring the catalog assignments of these tasks (all live tasks when None) in line
    with what their files declare and the registry's groups; writes nothing when they are.

    `members`: group_members(conn), for a caller syncing plan after plan in one transaction."""
    now = now or utcnow()
    counts = SyncCounts()
    members = group_members(conn) if members is None else members
    query = select(TASK.c.id, TASK.c.plan_code, TASK.c.code, TASK.c.lead_code, TASK.c.leads,
                   TASK.c.coordinators, TASK.c.state, TASK.c.completed_on
                   ).where(TASK.c.state != "withdrawn")
    ids = None if task_ids is None else sorted(set(task_ids))
    tasks = []
    if ids is None:
        tasks = list(conn.execute(query))
    else:
        for chunk in _chunks(ids, 500):
            tasks.extend(conn.execute(query.where(TASK.c.id.in_(chunk))))
    if not tasks:
        return counts
    existing: dict[int, list[dict[str, Any]]] = {}
    for chunk in _chunks([t.id for t in tasks], 500):
        for r in conn.execute(select(ASSIGNMENT).where(ASSIGNMENT.c.task_id.in_(chunk))):
            existing.setdefault(r.task_id, []).append(dict(r._mapping))
    audit: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    for task in tasks:
        leads, coordinators = _declared(task)
        want = wanted(leads, coordinators, members)
        rows = {(r["unit_code"], r["role"]): r for r in existing.get(task.id, [])}
        before = [_row_json(r) for r in rows.values() if not r["withdrawn"]]
        changed = overridden = False
        done = task.state == "done"
        for (unit, role), via in want.items():
            old = rows.get((unit, role))
            if old is None:
                inserts.append({"task_id": task.id, "unit_code": unit, "role": role,
                                "via_group": via, "source": "catalog",
                                "status": "done" if done else "open",
                                "progress": 100 if done else 0,
                                "completed_on": task.completed_on if done else None,
                                "withdrawn": False, "created_at": now})
                counts.created += 1
                changed = True
                continue
            values = {"via_group": via, "source": "catalog", "withdrawn": False}
            if any(old[k] != v for k, v in values.items()):
                if old["source"] == "app" and not old["withdrawn"]:
                    counts.overridden += 1
                    overridden = True
                conn.execute(update(ASSIGNMENT).where(ASSIGNMENT.c.id == old["id"]).values(values))
                old.update(values)
                counts.updated += 1
                changed = True
        for (unit, role), old in rows.items():
            if old["withdrawn"] or (unit, role) in want:
                continue
            # The file names its own lead: the app's leads give way (the file wins).
            app_kept = old["source"] == "app" and not (role == LEAD and leads)
            if app_kept:
                continue
            if old["source"] == "app":
                counts.overridden += 1
                overridden = True
            conn.execute(update(ASSIGNMENT).where(ASSIGNMENT.c.id == old["id"])
                         .values(withdrawn=True))
            old["withdrawn"] = True
            counts.withdrawn += 1
            changed = True
        # A task's first assignments come with its own "create" entry; only changes count.
        if changed and before:
            after = [_row_json(r) for r in rows.values() if not r["withdrawn"]]
            after += [_row_json(r) for r in inserts if r["task_id"] == task.id]
            # "override": the file took a task back from the app's assignment.
            audit.append({"at": now, "actor": actor,
                          "action": "override" if overridden else "update", "entity": "assignment",
                          "entity_key": f"{task.plan_code}/{task.code}", "before": before,
                          "after": after, "undone": False})
    if inserts:
        conn.execute(insert(ASSIGNMENT), inserts)
    if audit:
        conn.execute(insert(AUDIT), audit)
    derive_index(conn, [t.id for t in tasks])
    return counts


def derive_index(conn: Connection, task_ids: list[int]) -> None:
    """Rewrite the taskunit rows and the app-made lead_code of these tasks where they differ
    from the live assignments (the groups they came through count as concerned too)."""
    for chunk in _chunks(sorted(set(task_ids)), 500):
        want: dict[int, dict[str, str]] = {tid: {} for tid in chunk}
        app_lead: dict[int, str] = {}
        rows = conn.execute(select(ASSIGNMENT.c.task_id, ASSIGNMENT.c.unit_code,
                                   ASSIGNMENT.c.role, ASSIGNMENT.c.via_group,
                                   ASSIGNMENT.c.source)
                            .where(ASSIGNMENT.c.task_id.in_(chunk),
                                   ASSIGNMENT.c.withdrawn == False)  # noqa: E712
                            .order_by(ASSIGNMENT.c.id))
        for tid, unit, role, via, source in rows:
            for code in (unit, via):
                if code and want[tid].get(code) != LEAD:
                    want[tid][code] = role
            if role == LEAD and source == "app":
                app_lead.setdefault(tid, via or unit)
        have: dict[int, dict[str, str]] = {tid: {} for tid in chunk}
        for tid, unit, role in conn.execute(select(TASK_UNIT.c.task_id, TASK_UNIT.c.unit_code,
                                                   TASK_UNIT.c.role)
                                            .where(TASK_UNIT.c.task_id.in_(chunk))):
            have[tid][unit] = role
        new: list[dict[str, Any]] = []
        for tid in chunk:
            gone = [u for u in have[tid] if u not in want[tid]]
            if gone:
                conn.execute(delete(TASK_UNIT).where(TASK_UNIT.c.task_id == tid,
                                                     TASK_UNIT.c.unit_code.in_(gone)))
            new += [{"task_id": tid, "unit_code": u, "role": r} for u, r in want[tid].items()
                    if u not in have[tid]]
            for u, r in want[tid].items():
                if u in have[tid] and have[tid][u] != r:
                    conn.execute(update(TASK_UNIT).where(TASK_UNIT.c.task_id == tid,
                                                         TASK_UNIT.c.unit_code == u).values(role=r))
        if new:  # one statement per chunk: a national first load adds ~2M of these
            conn.execute(insert(TASK_UNIT), new)
        # A task whose file names no lead shows the app's lead to readers that know one.
        for tid, lead_code, leads in conn.execute(
                select(TASK.c.id, TASK.c.lead_code, TASK.c.leads).where(TASK.c.id.in_(chunk))):
            if leads:
                continue
            should = app_lead.get(tid)
            if lead_code != should:
                conn.execute(update(TASK).where(TASK.c.id == tid).values(lead_code=should))


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


# ------------------------------------------------------------------------ the app's assign


@dataclass(frozen=True)
class AssignResult:
    task_key: str
    audit_id: int
    before: list[dict[str, Any]]
    after: list[dict[str, Any]]


def _unit_index(conn: Connection) -> UnitIndex:
    index = UnitIndex()
    for code, name, province, aliases in conn.execute(
            select(UNIT.c.code, UNIT.c.name, UNIT.c.province, UNIT.c.aliases)):
        index.add(UnitEntry(code, name, province, "database"), aliases or [])
    return index


def _resolve_all(index: UnitIndex, refs: Iterable[str], province: str | None) -> list[str]:
    out: list[str] = []
    for ref in refs:
        found = index.resolve(ref, province)
        if not isinstance(found, str):
            raise DondocError("assign.unknown_unit", ref=ref)
        if found not in out:
            out.append(found)
    return out


def _app_rows(conn: Connection, task_id: int) -> list[dict[str, Any]]:
    """The app-made rows of a task, live or withdrawn, in a stable order."""
    rows = conn.execute(select(ASSIGNMENT).where(ASSIGNMENT.c.task_id == task_id,
                                                 ASSIGNMENT.c.source == "app")
                        .order_by(ASSIGNMENT.c.id))
    return [dict(r._mapping) for r in rows]


def _snapshot(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": r["id"], **_row_json(r)} for r in rows]


def assign(db: Engine | Session, plan: str, task: str, leads: list[str],
           coordinators: list[str], note: str | None = None,
           actor: str | None = None) -> AssignResult:
    """Replace the app-made assignments of task `plan/task` with these leads and
    coordinators (codes, names or aliases; a group stands for its members).

    The catalog's own assignments are kept; leads may be given only where the document
    names none. Audited with the app's rows before and after; `undo_last` reverses it.
    """
    from dondoc.catalog.settings import default_actor

    actor = actor or default_actor()
    note = (note or "").strip() or None
    if isinstance(db, Session):
        entry = _assign(db.connection(), plan, task, leads, coordinators, note, actor)
    else:
        with db.begin() as conn:
            entry = _assign(conn, plan, task, leads, coordinators, note, actor)
    return entry


def _assign(conn: Connection, plan: str, code: str, lead_refs: list[str],
            coordinator_refs: list[str], note: str | None, actor: str) -> AssignResult:
    key = f"{plan}/{code}"
    task = conn.execute(select(TASK).where(TASK.c.plan_code == plan, TASK.c.code == code)
                        .with_for_update()).first()
    if task is None:
        raise DondocError("action.no_task", ref=key)
    if task.state == "withdrawn":
        raise DondocError("action.withdrawn", task=key)
    province = conn.execute(select(UNIT.c.province).join(PLAN, PLAN.c.issuer_code == UNIT.c.code)
                            .where(PLAN.c.code == plan)).scalar()
    index = _unit_index(conn)
    leads = _resolve_all(index, lead_refs, province)
    coordinators = [c for c in _resolve_all(index, coordinator_refs, province) if c not in leads]
    if leads and task.leads:
        raise DondocError("assign.catalog_lead", task=key, leads=", ".join(task.leads))
    want = wanted(leads, coordinators, group_members(conn))
    catalog_live = {(r.unit_code, r.role) for r in conn.execute(
        select(ASSIGNMENT.c.unit_code, ASSIGNMENT.c.role).where(
            ASSIGNMENT.c.task_id == task.id, ASSIGNMENT.c.source == "catalog",
            ASSIGNMENT.c.withdrawn == False))}  # noqa: E712
    want = {k: v for k, v in want.items() if k not in catalog_live}

    before_rows = _app_rows(conn, task.id)
    before = _snapshot([r for r in before_rows if not r["withdrawn"]])
    by_key = {(r["unit_code"], r["role"]): r for r in before_rows}
    # A withdrawn catalog row for the same unit and role is taken over, history and all.
    for r in conn.execute(select(ASSIGNMENT).where(ASSIGNMENT.c.task_id == task.id,
                                                   ASSIGNMENT.c.source == "catalog",
                                                   ASSIGNMENT.c.withdrawn == True)):  # noqa: E712
        by_key.setdefault((r.unit_code, r.role), dict(r._mapping))
    touched: list[dict[str, Any]] = []
    for (unit, role), via in want.items():
        values = {"via_group": via, "source": "app", "withdrawn": False, "note": note}
        old = by_key.get((unit, role))
        if old is None:
            new = {"task_id": task.id, "unit_code": unit, "role": role, "status": "open",
                   "progress": 0, "created_at": utcnow(), **values}
            new_id = conn.execute(insert(ASSIGNMENT).values(new)).inserted_primary_key[0]
            touched.append({"id": new_id, "created": True, "before": None})
        elif any(old[k] != v for k, v in values.items()):
            conn.execute(update(ASSIGNMENT).where(ASSIGNMENT.c.id == old["id"]).values(values))
            touched.append({"id": old["id"], "before": _row_json(old)})
    for (unit, role), old in by_key.items():
        if old["source"] == "app" and not old["withdrawn"] and (unit, role) not in want:
            conn.execute(update(ASSIGNMENT).where(ASSIGNMENT.c.id == old["id"])
                         .values(withdrawn=True))
            touched.append({"id": old["id"], "before": _row_json(old)})
    if not touched:
        raise DondocError("assign.no_change", task=key)
    after = _snapshot([r for r in _app_rows(conn, task.id) if not r["withdrawn"]])
    derive_index(conn, [task.id])
    audit_id = conn.execute(insert(AUDIT).values(
        at=utcnow(), actor=actor, action=ASSIGN, entity="task", entity_key=key,
        before={"assignments": before, "rows": touched},
        after={"assignments": after, "rows": [_current(conn, t["id"]) for t in touched]},
        undone=False)).inserted_primary_key[0]
    return AssignResult(key, audit_id, before, after)


def _current(conn: Connection, row_id: int) -> dict[str, Any]:
    row = conn.execute(select(ASSIGNMENT).where(ASSIGNMENT.c.id == row_id)).first()
    assert row is not None
    return {"id": row_id, **_row_json(dict(row._mapping))}


def undo_assign(conn: Connection, entry: AuditEntry) -> tuple[dict[str, Any], dict[str, Any]]:
    """Put the rows an assign touched back as they were; refuse if one changed since.

    Returns the undo's own before and after for the audit trail."""
    rows_after = {r["id"]: r for r in (entry.after or {}).get("rows", [])}
    touched = (entry.before or {}).get("rows", [])
    for t in touched:
        now_row = conn.execute(select(ASSIGNMENT).where(ASSIGNMENT.c.id == t["id"])).first()
        if now_row is None or {"id": t["id"], **_row_json(dict(now_row._mapping))} \
                != rows_after.get(t["id"]):
            raise DondocError("action.undo_conflict", task=entry.entity_key)
    task_id = None
    for t in touched:
        task_id = conn.execute(select(ASSIGNMENT.c.task_id)
                               .where(ASSIGNMENT.c.id == t["id"])).scalar_one()
        if t.get("created"):
            conn.execute(delete(ASSIGNMENT).where(ASSIGNMENT.c.id == t["id"]))
        else:
            conn.execute(update(ASSIGNMENT).where(ASSIGNMENT.c.id == t["id"])
                         .values({k: t["before"][k] for k in ("via_group", "source", "withdrawn",
                                                              "note")}))
    if task_id is not None:
        derive_index(conn, [task_id])
    return ({"assignments": (entry.after or {}).get("assignments", []), "undoes": entry.id},
            {"assignments": (entry.before or {}).get("assignments", [])})


# ------------------------------------------------------------------------ validate


def lead_disagreements(engine: Engine, cat: Any) -> list[InputError]:
    """Warnings, file:line, where a file names a lead for a task the app assigned."""
    out: list[InputError] = []
    with engine.connect() as conn:
        for bundle in cat.plans:
            named = {r["code"]: r for r in bundle.tasks if r.get("leads")}
            if not named:
                continue
            rows = conn.execute(
                select(TASK.c.code, ASSIGNMENT.c.unit_code, ASSIGNMENT.c.via_group)
                .join(ASSIGNMENT, and_(ASSIGNMENT.c.task_id == TASK.c.id,
                                       ASSIGNMENT.c.source == "app",
                                       ASSIGNMENT.c.role == LEAD,
                                       ASSIGNMENT.c.withdrawn == False))  # noqa: E712
                .where(TASK.c.plan_code == bundle.plan["code"])
                .order_by(TASK.c.code, ASSIGNMENT.c.id))
            app: dict[str, list[str]] = {}
            for code, unit, via in rows:
                if code in named and (via or unit) not in app.setdefault(code, []):
                    app[code].append(via or unit)
            for code, units in app.items():
                row = named[code]
                out.append(InputError(bundle.file, row.get("lead_line"), "assign.lead_disagrees",
                                      task=f"{bundle.plan['code']}/{code}",
                                      file_leads=", ".join(row["leads"]),
                                      app_leads=", ".join(units)))
    return out
