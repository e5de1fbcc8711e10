"""Answers a unit sends through its link (`dondoc serve`), and the coordinator's decisions.

A progress report is recorded at once with the same store function as `dondoc report
submit` (actions.report_unit), attributed to the unit; its audit entry is then marked
"via": "link" with the client's address. Done and extension requests do not change the
task: they wait in LinkRequest until the coordinator accepts (then report_unit closes the
unit's share, or the unit's own due_override moves) or refuses with a reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dondoc.catalog.i18n import DondocError
from dondoc.catalog.rules.status import DONE, DUE_SOON, NO_DEADLINE, NOT_DUE, OVERDUE
from dondoc.catalog.store import actions
from dondoc.catalog.store.models import (Assignment, AuditEntry, LinkRequest, Plan,
                                         ResultFile, Task, utcnow)
from dondoc.catalog.store.queries import Filter, Reader

ASSIGNMENT = Assignment.__table__
TASK = Task.__table__
PLAN = Plan.__table__
REQUEST = LinkRequest.__table__
AUDIT = AuditEntry.__table__
VIA_LINK = "link"
REQUEST_DONE, REQUEST_EXTENSION = "done", "extension"
_RANK = {OVERDUE: 0, DUE_SOON: 1, NOT_DUE: 2, NO_DEADLINE: 3, DONE: 4}


@dataclass(frozen=True)
class OpenAssignment:
    """One of a unit's open shares, as its page shows it."""

    id: int
    task_id: int
    plan: str
    plan_title: str
    code: str
    title: str
    role: str
    kind: str  # the deadline kind; "recurring" shows its current occurrence
    deadline_text: str | None
    effective_due: str | None
    occurrence: str | None
    status: str
    days: int  # days overdue
    progress: int
    pending: tuple[str, ...]  # kinds of this unit's requests still waiting


def open_assignments(engine: Engine, unit: str, as_of: dt.date,
                     reader: Reader | None = None) -> list[OpenAssignment]:
    """The unit's live, not yet done assignments, worst first (overdue longest first)."""
    reader = reader or Reader(engine)
    with engine.connect() as conn:
        ids = {(r.task_id, r.role): r.id for r in conn.execute(
            select(ASSIGNMENT.c.id, ASSIGNMENT.c.task_id, ASSIGNMENT.c.role).where(
                ASSIGNMENT.c.unit_code == unit, ASSIGNMENT.c.withdrawn == False))}  # noqa: E712
        titles = dict(conn.execute(select(PLAN.c.code, PLAN.c.title)).all())
        pending: dict[int, list[str]] = {}
        for aid, kind in conn.execute(select(REQUEST.c.assignment_id, REQUEST.c.kind).where(
                REQUEST.c.unit_code == unit, REQUEST.c.status == "pending")):
            pending.setdefault(aid, []).append(kind)
    out: list[OpenAssignment] = []
    for rec in reader.records(Filter(as_of=as_of, unit=unit)):
        for a in rec.assignments:
            aid = ids.get((rec.id, a.role))
            if a.unit != unit or a.status == DONE or aid is None:
                continue
            eff = a.effective_due
            days = (as_of - dt.date.fromisoformat(eff)).days if a.status == OVERDUE and eff else 0
            out.append(OpenAssignment(aid, rec.id, rec.plan, titles.get(rec.plan, rec.plan),
                                      rec.code, rec.title, a.role, rec.kind, rec.deadline_text,
                                      eff, a.occurrence, a.status, days, a.progress,
                                      tuple(pending.get(aid, ()))))
    out.sort(key=lambda o: (_RANK.get(o.status, 5), -o.days, o.effective_due or "9999",
                            o.plan, o.code))
    return out


def unit_name(engine: Engine, code: str) -> str:
    from dondoc.catalog.store.models import Unit

    with engine.connect() as conn:
        name = conn.execute(select(Unit.__table__.c.name)
                            .where(Unit.__table__.c.code == code)).scalar()
    return str(name or code)


def assignment_of(engine: Engine, assignment_id: int, unit: str) -> dict[str, Any] | None:
    """The live assignment with this id when it is this unit's; None otherwise (another
    unit's id is answered exactly as an id that does not exist)."""
    with engine.connect() as conn:
        row = conn.execute(select(ASSIGNMENT, TASK.c.deadline_kind, TASK.c.state)
                           .join(TASK, TASK.c.id == ASSIGNMENT.c.task_id)
                           .where(ASSIGNMENT.c.id == assignment_id)).first()
    if row is None or row.unit_code != unit or row.withdrawn or row.state == "withdrawn":
        return None
    return dict(row._mapping)


def _mark_via_link(session: Session, audit_id: int, client: str | None,
                   extra: dict[str, Any] | None = None) -> None:
    entry = session.get(AuditEntry, audit_id)
    assert entry is not None
    # A new dict: the JSON column is not mutation-tracked.
    entry.after = {**(entry.after or {}), "via": VIA_LINK, "client": client, **(extra or {})}
    session.add(entry)


def answer_progress(engine: Engine, assignment: dict[str, Any], *, progress: int | None,
                    note: str | None, difficulties: str | None, proposals: str | None,
                    occurrence: dt.date | None, client: str | None,
                    document: dict[str, Any] | None = None) -> dict[str, Any]:
    """Record the unit's report on its share; return what was recorded."""
    unit = assignment["unit_code"]
    with Session(engine, expire_on_commit=False) as session:
        result = actions.report_unit(
            session, assignment["task_id"], unit_code=unit, progress=progress, note=note,
            occurrence=occurrence, difficulties=difficulties, proposals=proposals, actor=unit)
        report_id = result.after["progress_report_id"]
        extra: dict[str, Any] = {}
        if document is not None:
            session.add(ResultFile(progress_report_id=report_id, **document))
            extra["document"] = document["sha256"]
        _mark_via_link(session, result.audit_id, client, extra)
        session.commit()
    return {"task": result.task_key, "progress": progress, "note": note,
            "difficulties": difficulties, "proposals": proposals,
            "occurrence": occurrence.isoformat() if occurrence else None,
            "document": document, "audit_id": result.audit_id}


def request(engine: Engine, assignment: dict[str, Any], kind: str, *, client: str | None,
            completed_on: dt.date | None = None, new_due: dt.date | None = None,
            reason: str | None = None) -> dict[str, Any]:
    """A done or extension request, waiting for the coordinator; audited as the unit's."""
    reason = (reason or "").strip() or None
    if kind == REQUEST_EXTENSION and (new_due is None or reason is None):
        raise DondocError("serve.extension_needs")
    if kind == REQUEST_DONE and completed_on is None:
        raise DondocError("serve.done_needs")
    now = utcnow()
    with engine.begin() as conn:
        task = conn.execute(select(TASK.c.plan_code, TASK.c.code)
                            .where(TASK.c.id == assignment["task_id"])).one()
        values = {"assignment_id": assignment["id"], "task_id": assignment["task_id"],
                  "unit_code": assignment["unit_code"], "kind": kind,
                  "completed_on": completed_on, "new_due": new_due, "reason": reason,
                  "status": "pending", "client": client, "created_at": now}
        rid = conn.execute(insert(REQUEST).values(values)).inserted_primary_key[0]
        conn.execute(insert(AUDIT).values(
            at=now, actor=assignment["unit_code"], action=f"request.{kind}", entity="task",
            entity_key=f"{task.plan_code}/{task.code}", before=None,
            after={"request_id": rid, "kind": kind, "unit": assignment["unit_code"],
                   "completed_on": completed_on.isoformat() if completed_on else None,
                   "new_due": new_due.isoformat() if new_due else None, "reason": reason,
                   "via": VIA_LINK, "client": client}, undone=False))
    return {"id": rid, "task": f"{task.plan_code}/{task.code}", "kind": kind,
            "completed_on": completed_on.isoformat() if completed_on else None,
            "new_due": new_due.isoformat() if new_due else None, "reason": reason}


def pending_requests(engine: Engine) -> list[dict[str, Any]]:
    """Every request still waiting, oldest first, with its task and unit."""
    with engine.connect() as conn:
        rows = conn.execute(select(REQUEST, TASK.c.plan_code, TASK.c.code, TASK.c.title)
                            .join(TASK, TASK.c.id == REQUEST.c.task_id)
                            .where(REQUEST.c.status == "pending").order_by(REQUEST.c.id)).all()
    return [{"id": r.id, "plan": r.plan_code, "task": r.code, "title": r.title,
             "unit": r.unit_code, "kind": r.kind,
             "completed_on": r.completed_on.isoformat() if r.completed_on else None,
             "new_due": r.new_due.isoformat() if r.new_due else None, "reason": r.reason,
             "client": r.client, "created_at": r.created_at.isoformat()} for r in rows]


def decide(engine: Engine, request_id: int, *, accept: bool, reason: str | None = None,
           actor: str | None = None) -> dict[str, Any]:
    """Accept (apply) or refuse (with a reason) a waiting request, in one transaction."""
    from dondoc.catalog.settings import default_actor

    actor = actor or default_actor()
    reason = (reason or "").strip() or None
    if not accept and reason is None:
        raise DondocError("requests.refuse_needs_reason")
    with Session(engine, expire_on_commit=False) as session:
        actions._write_lock(session)
        req = session.get(LinkRequest, request_id, with_for_update=True)
        if req is None:
            raise DondocError("requests.not_found", id=request_id)
        if req.status != "pending":
            raise DondocError("requests.decided", id=request_id, status=req.status)
        task = session.get(Task, req.task_id)
        assert task is not None
        key = f"{task.plan_code}/{task.code}"
        if accept and req.kind == REQUEST_DONE:
            actions.report_unit(session, req.task_id, unit_code=req.unit_code, done=True,
                                on=req.completed_on, note=req.reason, actor=actor)
        elif accept:
            row = session.get(Assignment, req.assignment_id)
            assert row is not None and req.new_due is not None
            before = row.due_override.isoformat() if row.due_override else None
            row.due_override = req.new_due
            session.add(row)
            session.add(AuditEntry(actor=actor, action="assignment.extension", entity="task",
                                   entity_key=key,
                                   before={"unit": req.unit_code, "due_override": before},
                                   after={"unit": req.unit_code,
                                          "due_override": req.new_due.isoformat(),
                                          "request_id": req.id}))
        req.status = "accepted" if accept else "refused"
        req.decided_by, req.decided_at, req.decision_reason = actor, utcnow(), reason
        session.add(req)
        session.add(AuditEntry(actor=actor, action=f"request.{req.status}", entity="task",
                               entity_key=key, before={"request_id": req.id, "status": "pending"},
                               after={"request_id": req.id, "status": req.status,
                                      "reason": reason}))
        session.commit()
        return {"id": req.id, "task": key, "unit": req.unit_code, "kind": req.kind,
                "status": req.status, "reason": reason}


def refused_or_accepted(engine: Engine, unit: str, limit: int = 20) -> list[dict[str, Any]]:
    """The unit's latest decided requests: its page says what the coordinator answered."""
    with engine.connect() as conn:
        rows = conn.execute(select(REQUEST, TASK.c.plan_code, TASK.c.code)
                            .join(TASK, TASK.c.id == REQUEST.c.task_id)
                            .where(REQUEST.c.unit_code == unit, REQUEST.c.status != "pending")
                            .order_by(REQUEST.c.decided_at.desc()).limit(limit)).all()
    return [{"task": f"{r.plan_code}/{r.code}", "kind": r.kind, "status": r.status,
             "reason": r.decision_reason} for r in rows]


__all__ = ["OpenAssignment", "open_assignments", "unit_name", "assignment_of", "answer_progress", "request",
           "pending_requests", "decide", "refused_or_accepted"]
