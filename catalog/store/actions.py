"""What a coordinator does to a task: mark it done, record progress, record an extension,
snooze its reminders, and undo the last of these.

Each action changes the task (and adds a ProgressReport or Extension row where it records
one) together with an AuditEntry holding the fields before and after, in one transaction.
`undo_last` reads that entry back: it restores the fields, removes the row the action
added, and refuses when someone changed the task since (the entry's "after" no longer
matches), so an undo never silently overwrites another person's work.

The functions take an Engine (they commit) or a Session (the caller commits), so the
terminal UI and the command line (`dondoc report submit`) share them.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from dondoc.catalog.i18n import DondocError
from dondoc.catalog.store.dialect import mark
from dondoc.catalog.store.models import (AuditEntry, Extension, ProgressReport, TargetActual, Task,
                                         utcnow)
from dondoc.catalog.settings import default_actor, today
from dondoc.catalog.rules.workdays import WorkCalendar, default_calendar

DONE = "task.done"
PROGRESS = "task.progress"
EXTENSION = "task.extension"
SNOOZE = "task.snooze"
UNDO = "task.undo"
ASSIGN = "task.assign"  # catalog/store/assignments.py; its rows, not the task, change
UNDOABLE = (DONE, PROGRESS, EXTENSION, SNOOZE, ASSIGN)

# Task fields an action may change, and how to read them back from the audit JSON.
_DATE_FIELDS = {"completed_on", "extended_due", "effective_due", "snoozed_until"}
_TASK_FIELDS = _DATE_FIELDS | {"state", "progress"}


@dataclass(frozen=True)
class ActionResult:
    action: str
    task_id: int
    task_key: str  # plan/code, as the audit trail names tasks
    audit_id: int
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    undone_action: str | None = None  # for an undo: which action it reversed


@contextmanager
def _session(db: Engine | Session) -> Iterator[Session]:
    if isinstance(db, Session):
        yield db
        db.flush()
        return
    with Session(db, expire_on_commit=False) as session:
        yield session
        session.commit()


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _snapshot(task: Task, fields: set[str]) -> dict[str, Any]:
    return {name: _json(getattr(task, name)) for name in sorted(fields)}


def _write_lock(session: Session) -> None:
    """Take the database's write lock before reading what the audit will call "before".

    SQLite ignores SELECT ... FOR UPDATE and starts a transaction only at the first write,
    so two writers could both read progress 50 and both record before=50. BEGIN IMMEDIATE
    makes the second wait (busy timeout) until the first commits; PostgreSQL's row lock
    already does the same.
    """
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return
    raw = conn.connection.dbapi_connection
    if raw is not None and not raw.in_transaction:
        raw.execute("BEGIN IMMEDIATE")


def _load(session: Session, task_id: int) -> Task:
    _write_lock(session)
    task = session.exec(select(Task).where(Task.id == task_id).with_for_update()).first()
    if task is None:
        raise DondocError("action.no_task", ref=str(task_id))
    if task.state == "withdrawn":
        raise DondocError("action.withdrawn", task=f"{task.plan_code}/{task.code}")
    return task


def _audit(session: Session, action: str, task: Task, actor: str | None,
           before: dict[str, Any], after: dict[str, Any]) -> AuditEntry:
    entry = AuditEntry(actor=actor or default_actor(), action=action, entity="task",
                       entity_key=f"{task.plan_code}/{task.code}", before=before, after=after)
    session.add(entry)
    session.flush()
    return entry


def _result(entry: AuditEntry, task: Task, undone: str | None = None) -> ActionResult:
    assert entry.id is not None and task.id is not None
    return ActionResult(entry.action, task.id, entry.entity_key, entry.id,
                        dict(entry.before or {}), dict(entry.after or {}), undone)


def find_task(db: Engine | Session, plan: str, code: str) -> int:
    """The id of task `code` in plan `plan` (refusing unknown ones)."""
    with _session(db) as session:
        task_id = session.exec(select(Task.id).where(Task.plan_code == plan,
                                                     Task.code == code)).first()
    if task_id is None:
        raise DondocError("action.no_task", ref=f"{plan}/{code}")
    return task_id


# ------------------------------------------------------------------------------ actions


def mark_done(db: Engine | Session, task_id: int, *, on: dt.date | None = None,
              occurrence: dt.date | None = None, note: str | None = None,
              actor: str | None = None) -> ActionResult:
    """Mark a task done on day `on` (default today in Vietnam).

    For a recurring duty, `occurrence` (the nominal due date of one period) marks just
    that period as answered, with a progress report, and the duty goes on; without it
    the whole duty ends.
    """
    on = on or today()
    with _session(db) as session:
        task = _load(session, task_id)
        if occurrence is not None and task.deadline_kind == "recurring":
            report = ProgressReport(task_id=task_id, unit_code=task.lead_code, progress=100,
                                    occurrence=occurrence, note=note)
            session.add(report)
            session.flush()
            entry = _audit(session, DONE, task, actor, {},
                           {"occurrence": occurrence.isoformat(), "progress_report_id": report.id})
            return _result(entry, task)
        if task.state == "done":
            raise DondocError("action.already_done", task=f"{task.plan_code}/{task.code}")
        before = _snapshot(task, {"state", "completed_on", "progress"})
        task.state, task.completed_on, task.progress = "done", on, 100
        after = _snapshot(task, {"state", "completed_on", "progress"})
        if note:
            report = ProgressReport(task_id=task_id, unit_code=task.lead_code, progress=100,
                                    note=note)
            session.add(report)
            session.flush()
            after["progress_report_id"] = report.id
        session.add(task)
        return _result(_audit(session, DONE, task, actor, before, after), task)


def record_progress(db: Engine | Session, task_id: int, *, progress: int | None = None,
                    note: str | None = None, unit_code: str | None = None,
                    occurrence: dt.date | None = None, difficulties: str | None = None,
                    proposals: str | None = None,
                    extension_requested_to: dt.date | None = None,
                    actor: str | None = None) -> ActionResult:
    """Add a progress report (percent and/or a note) and move the task's progress to it.

    For a recurring duty, `occurrence` says which period the report answers.
    """
    note = (note or "").strip() or None
    if progress is not None and not 0 <= progress <= 100:
        raise DondocError("action.bad_progress", value=str(progress))
    if progress is None and note is None and difficulties is None and proposals is None:
        raise DondocError("action.empty_report")
    with _session(db) as session:
        task = _load(session, task_id)
        report = ProgressReport(task_id=task_id, unit_code=unit_code or task.lead_code,
                                progress=progress, note=note, occurrence=occurrence,
                                difficulties=difficulties, proposals=proposals,
                                extension_requested_to=extension_requested_to)
        session.add(report)
        session.flush()
        before = _snapshot(task, {"progress"})
        if progress is not None:
            task.progress = progress
            session.add(task)
        after = {**_snapshot(task, {"progress"}), "progress_report_id": report.id}
        if occurrence is not None:
            after["occurrence"] = occurrence.isoformat()
        return _result(_audit(session, PROGRESS, task, actor, before, after), task)


def record_extension(db: Engine | Session, task_id: int, *, new_due: dt.date,
                     reason: str | None = None, approved_by: str | None = None,
                     actor: str | None = None,
                     calendar: WorkCalendar | None = None) -> ActionResult:
    """Move a task's deadline to new_due; the effective due becomes the next working day
    on or after it (what reminders count towards)."""
    calendar = calendar or default_calendar()
    with _session(db) as session:
        task = _load(session, task_id)
        key = f"{task.plan_code}/{task.code}"
        if task.deadline_kind in ("recurring", "ongoing"):
            raise DondocError("action.extension_kind", task=key)
        if task.state == "done":
            raise DondocError("action.extension_done", task=key)
        current = task.extended_due or task.deadline_due
        if current is not None and new_due <= current:
            raise DondocError("action.extension_not_later", new=new_due.strftime("%d/%m/%Y"),
                              current=current.strftime("%d/%m/%Y"))
        fields = {"extended_due", "effective_due"}
        before = _snapshot(task, fields)
        ext = Extension(task_id=task_id, old_due=current, new_due=new_due,
                        reason=(reason or "").strip() or None,
                        approved_by=(approved_by or "").strip() or None)
        session.add(ext)
        session.flush()
        task.extended_due = new_due
        task.effective_due = calendar.effective_due(new_due)
        session.add(task)
        after = {**_snapshot(task, fields), "extension_id": ext.id}
        return _result(_audit(session, EXTENSION, task, actor, before, after), task)


def snooze(db: Engine | Session, task_id: int, until: dt.date | None, *,
           on: dt.date | None = None, actor: str | None = None) -> ActionResult:
    """Hold a task's reminders until `until` (inclusive); None lifts the snooze."""
    on = on or today()
    if until is not None and until < on:
        raise DondocError("action.snooze_past", until=until.strftime("%d/%m/%Y"))
    with _session(db) as session:
        task = _load(session, task_id)
        if task.snoozed_until == until:
            raise DondocError("action.no_change", task=f"{task.plan_code}/{task.code}")
        before = _snapshot(task, {"snoozed_until"})
        task.snoozed_until = until
        session.add(task)
        after = _snapshot(task, {"snoozed_until"})
        return _result(_audit(session, SNOOZE, task, actor, before, after), task)


# ------------------------------------------------------------------------------ undo


def last_undoable(db: Engine | Session, actor: str | None = None) -> AuditEntry | None:
    """The newest action not yet undone (by `actor` when given)."""
    with _session(db) as session:
        query = select(AuditEntry).where(col(AuditEntry.action).in_(UNDOABLE),
                                         AuditEntry.undone == False)  # noqa: E712
        if actor is not None:
            query = query.where(AuditEntry.actor == actor)
        return session.exec(query.order_by(col(AuditEntry.id).desc()).limit(1)).first()


def _field_value(name: str, value: Any) -> Any:
    if name in _DATE_FIELDS and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def undo_last(db: Engine | Session, *, actor: str | None = None) -> ActionResult:
    """Reverse the newest action (by `actor` when given) and record the undo."""
    with _session(db) as session:
        _write_lock(session)
        entry = last_undoable(session, actor)
        if entry is None:
            raise DondocError("action.nothing_to_undo")
        plan, _, code = entry.entity_key.partition("/")
        task = session.exec(select(Task).where(Task.plan_code == plan, Task.code == code)
                            .with_for_update()).first()
        if task is None:
            raise DondocError("action.no_task", ref=entry.entity_key)
        if entry.action == ASSIGN:
            return _undo_assign(session, entry, task, actor)
        after = dict(entry.after or {})
        before = dict(entry.before or {})
        changed = {k for k in after if k in _TASK_FIELDS}
        # Someone (a catalog load, another coordinator) changed the task since: refuse.
        if _snapshot(task, changed) != {k: after[k] for k in changed}:
            raise DondocError("action.undo_conflict", task=entry.entity_key)
        for name in changed:
            setattr(task, name, _field_value(name, before.get(name)))
        session.add(task)
        for key, model in (("progress_report_id", ProgressReport), ("extension_id", Extension)):
            row_id = after.get(key)
            if row_id is not None:
                row = session.get(model, row_id)
                if row is not None:
                    session.delete(row)
        entry.undone = True
        session.add(entry)
        undo = AuditEntry(actor=actor or default_actor(), action=UNDO, entity="task",
                          entity_key=entry.entity_key, at=utcnow(),
                          before={**{k: after[k] for k in changed}, "undoes": entry.id},
                          after={k: before.get(k) for k in changed})
        session.add(undo)
        session.flush()
        return _result(undo, task, undone=entry.action)


def _undo_assign(session: Session, entry: AuditEntry, task: Task,
                 actor: str | None) -> ActionResult:
    from dondoc.catalog.store.assignments import undo_assign

    before, after = undo_assign(session.connection(), entry)
    entry.undone = True
    session.add(entry)
    undo = AuditEntry(actor=actor or default_actor(), action=UNDO, entity="task",
                      entity_key=entry.entity_key, at=utcnow(), before=before, after=after)
    session.add(undo)
    session.flush()
    return _result(undo, task, undone=entry.action)


# ------------------------------------------------------------------------------ lookups and figures

_LIVE = {"task": ("task", "state <> 'withdrawn'"), "target": ("target", "withdrawn_on is null")}


def find_live(conn: Connection, what: str, code: str, plan: str | None = None) -> list[tuple[Any, ...]]:
    """(id, plan code, code) of each live task or target (what) with this code."""
    table, live = _LIVE[what]
    m = mark(conn)
    sql = f"select id, plan_code, code from {table} where code = {m} and {live}"
    args: tuple[Any, ...] = (code,)
    if plan:
        sql += f" and plan_code = {m}"
        args += (plan,)
    return [tuple(r) for r in conn.exec_driver_sql(sql, args).all()]


def record_target_actual(conn: Connection, target_id: int, plan: str, code: str, year: int,
                         number: float | None, value: str, note: str | None,
                         unit_code: str | None) -> None:
    """A target's actual figure for a year (a number, else the text as given), audited."""
    now = utcnow()
    conn.execute(TargetActual.__table__.insert().values(
        target_id=target_id, year=year, value=number,
        value_text=None if number is not None else value,
        unit_code=unit_code, reported_at=now, note=note))
    conn.execute(AuditEntry.__table__.insert().values(
        at=now, actor=None, action="target.actual", entity="target",
        entity_key=f"{plan}/{code}", before=None,
        after={"year": year, "value": value, "unit": unit_code}, undone=False))
