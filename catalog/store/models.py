"""The records dondoc keeps (DESIGN.md, "Data").

Schema changes go through Alembic (catalog/migrations); never edit a released migration.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel


def _json(**kw: Any) -> Any:
    return Field(default=None, sa_column=Column(JSON, nullable=True), **kw)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Unit(SQLModel, table=True):
    """A body that leads or helps with tasks: a sở, phòng, UBND xã, school, hospital..."""

    code: str = Field(primary_key=True, max_length=64)
    name: str
    short_name: str | None = None
    kind: str | None = Field(default=None, max_length=32)
    parent_code: str | None = Field(default=None, foreign_key="unit.code", index=True)
    aliases: list[str] | None = _json()
    province: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    # Units merge and are renamed; the successor takes over their open work.
    successor_code: str | None = Field(default=None, foreign_key="unit.code")
    note: str | None = None
    # Who to call or write to about the unit's plans: shown in the letters it sends.
    contact: str | None = None
    # For a group: the codes of its members (possibly groups themselves).
    members: list[str] | None = _json()
    content_hash: str | None = Field(default=None, max_length=40)


class Plan(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=64)
    title: str
    number: str | None = None
    kind: str | None = Field(default=None, max_length=32)
    issuer_code: str | None = Field(default=None, foreign_key="unit.code")
    issued_on: dt.date | None = None
    implements: list[str] | None = _json()
    horizon_text: str | None = None
    horizon_start: dt.date | None = None
    horizon_end: dt.date | None = None
    coordinator_code: str | None = Field(default=None, foreign_key="unit.code")
    source: str | None = None
    notes: list[str] | None = _json()
    policy: dict[str, Any] | None = _json()
    file_path: str | None = None
    content_hash: str | None = Field(default=None, max_length=40)
    loaded_at: dt.datetime | None = None


class Task(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("plan_code", "code", name="uq_task_plan_code"),
        Index("ix_task_state_due", "state", "effective_due"),
        # The overdue list's own order: SQLite walks it instead of sorting 100k rows.
        Index("ix_task_due_order", "effective_due", "plan_code", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_code: str = Field(foreign_key="plan.code", index=True, max_length=64)
    code: str = Field(max_length=64)
    section: str | None = None
    title: str
    category: str = Field(default="task", max_length=16)  # task, report, review, project
    # The first lead the file names, kept for readers that know one lead; `leads` has all.
    lead_code: str | None = Field(default=None, foreign_key="unit.code", index=True)
    leads: list[str] | None = _json()
    coordinators: list[str] | None = _json()
    deadline_text: str | None = None
    deadline_inferred: bool = False
    deadline_kind: str = Field(default="ongoing", max_length=16)
    deadline_start: dt.date | None = None
    deadline_due: dt.date | None = None
    rrule: str | None = None
    rrule_start: dt.date | None = None
    rrule_until: dt.date | None = None
    # Combined regimes ("6 tháng, hằng năm"): the report kind of each month's occurrence,
    # {"6": "6 tháng", "12": "năm"}, so that each is asked for with its own data window.
    deadline_labels: dict[str, str] | None = _json()
    # The due date after extensions, moved to the next working day: what reminders count to.
    effective_due: dt.date | None = None
    extended_due: dt.date | None = None
    deliverable: str | None = None
    budget_vnd: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    funding_source: str | None = None
    stage: str | None = Field(default=None, max_length=16)  # new, continuing (projects)
    # open, done or withdrawn: the lifecycle; overdue/due soon are computed for a date.
    state: str = Field(default="open", max_length=16)
    progress: int = 0
    completed_on: dt.date | None = None
    withdrawn_on: dt.date | None = None
    snoozed_until: dt.date | None = None
    policy: dict[str, Any] | None = _json()
    note: str | None = None
    source_line: int | None = None
    content_hash: str | None = Field(default=None, max_length=40)


class TaskUnit(SQLModel, table=True):
    """Who a task concerns, lead and coordinators alike: the index behind --unit.

    Derived from the live assignments (and the groups they came through) by the store
    whenever those change; the assignments are the record.
    """

    task_id: int = Field(foreign_key="task.id", primary_key=True)
    unit_code: str = Field(foreign_key="unit.code", primary_key=True, index=True, max_length=64)
    role: str = Field(default="coordinator", max_length=16)  # lead, coordinator


class Assignment(SQLModel, table=True):
    """One unit's share of a task, in one role: the thing progress and reminders track.

    A task assigned to a group is assigned to each member (via_group names the group);
    a member leaving the group keeps its row, withdrawn, with its history. The task is
    done when every live lead assignment is done.
    """

    __table_args__ = (
        UniqueConstraint("task_id", "unit_code", "role", name="uq_assignment_task_unit_role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    unit_code: str = Field(foreign_key="unit.code", index=True, max_length=64)
    role: str = Field(max_length=16)  # lead, coordinator
    via_group: str | None = Field(default=None, foreign_key="unit.code", max_length=64)
    source: str = Field(default="catalog", max_length=16)  # catalog, app
    status: str = Field(default="open", max_length=16)  # open, done
    progress: int = 0
    result: str | None = None
    completed_on: dt.date | None = None
    due_override: dt.date | None = None  # an extension granted to this unit alone
    note: str | None = None
    withdrawn: bool = False
    created_at: dt.datetime = Field(default_factory=utcnow)


class Target(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("plan_code", "code", name="uq_target_plan_code"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_code: str = Field(foreign_key="plan.code", index=True, max_length=64)
    code: str = Field(max_length=64)
    section: str | None = None
    area: str | None = None
    indicator: str
    unit_of_measure: str | None = None
    owner_code: str | None = Field(default=None, foreign_key="unit.code")
    values: dict[str, Any] | None = _json()
    note: str | None = None
    withdrawn_on: dt.date | None = None
    source_line: int | None = None
    content_hash: str | None = Field(default=None, max_length=40)


class TargetActual(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    target_id: int = Field(foreign_key="target.id", index=True)
    year: int
    value: float | None = None
    value_text: str | None = None
    unit_code: str | None = Field(default=None, foreign_key="unit.code")
    reported_at: dt.datetime = Field(default_factory=utcnow)
    note: str | None = None


class ProgressReport(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    unit_code: str | None = Field(default=None, foreign_key="unit.code")
    reported_at: dt.datetime = Field(default_factory=utcnow)
    # For a recurring duty: the occurrence (nominal due date) this report answers.
    occurrence: dt.date | None = None
    progress: int | None = None
    note: str | None = None
    difficulties: str | None = None
    proposals: str | None = None
    extension_requested_to: dt.date | None = None


class Extension(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    old_due: dt.date | None = None
    new_due: dt.date
    reason: str | None = None
    approved_by: str | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)


class Review(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("plan_code", "period", name="uq_review_plan_period"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_code: str = Field(foreign_key="plan.code", index=True, max_length=64)
    period: str = Field(max_length=8)  # 2025Q3
    scheduled_at: dt.datetime | None = None
    status: str = Field(default="scheduled", max_length=16)
    flow_run_id: str | None = None
    report_path: str | None = None
    summary: dict[str, Any] | None = _json()
    created_at: dt.datetime = Field(default_factory=utcnow)
    finished_at: dt.datetime | None = None


class RemindWatch(SQLModel, table=True):
    """The as-of day of the first sweep that saw a task: what fell due before it is backlog,
    sent only on request (a quiet start for a new database and for a newly loaded task)."""

    task_id: int = Field(primary_key=True)
    first_as_of: dt.date


class Delivery(SQLModel, table=True):
    """The reminder ledger: one row per (task, unit, occurrence, rule, channel)."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=200)
    task_id: int | None = Field(default=None, foreign_key="task.id", index=True)
    unit_code: str | None = Field(default=None, foreign_key="unit.code")
    occurrence: dt.date | None = None
    rule: str = Field(max_length=32)
    channel: str = Field(max_length=64)
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = 0
    claimed_by: str | None = None
    claimed_at: dt.datetime | None = None
    sent_at: dt.datetime | None = None
    next_attempt_at: dt.datetime | None = None
    subject: str | None = None
    error: str | None = None
    outcome: dict[str, Any] | None = _json()
    created_at: dt.datetime = Field(default_factory=utcnow)


class AuditEntry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, index=True)
    actor: str | None = None
    action: str = Field(max_length=32)
    entity: str = Field(max_length=32)
    entity_key: str = Field(max_length=200)
    before: dict[str, Any] | None = _json()
    after: dict[str, Any] | None = _json()
    undone: bool = False


class PrefectSync(SQLModel, table=True):
    """What `dondoc sync` last wrote to a Prefect server for a plan, by content hash.

    Reading a deployment's schedules back costs the server about 0.5 s per 100, so an
    unchanged plan is recognised here and only its existence is checked on the server.
    """

    api_url: str = Field(primary_key=True, max_length=300)
    plan_code: str = Field(primary_key=True, max_length=64)
    deployment_id: str = Field(max_length=40)
    content_hash: str = Field(max_length=40)
    synced_at: dt.datetime = Field(default_factory=utcnow)


class LinkRequest(SQLModel, table=True):
    """A unit's request through its link that waits for the coordinator: its share done on
    a day, or a later due date. Accepting it applies it (audited); refusing keeps the reason."""

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id", index=True)
    task_id: int = Field(foreign_key="task.id")
    unit_code: str = Field(foreign_key="unit.code", max_length=64)
    kind: str = Field(max_length=16)  # done, extension
    completed_on: dt.date | None = None
    new_due: dt.date | None = None
    reason: str | None = None
    status: str = Field(default="pending", max_length=16, index=True)  # accepted, refused
    client: str | None = Field(default=None, max_length=64)
    created_at: dt.datetime = Field(default_factory=utcnow)
    decided_by: str | None = None
    decided_at: dt.datetime | None = None
    decision_reason: str | None = None


class ResultFile(SQLModel, table=True):
    """A result document a unit sent with a report, stored by content hash under
    DONDOC_HOME/results; the row says which report it belongs to and what it is."""

    id: int | None = Field(default=None, primary_key=True)
    progress_report_id: int = Field(foreign_key="progressreport.id", index=True)
    sha256: str = Field(max_length=64)
    media_type: str = Field(max_length=100)
    size: int
    name: str | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)


class CatalogFile(SQLModel, table=True):
    """What a plan file's bytes produced when a load last applied them, so that the next
    load can skip the file without parsing it (catalog/store/streamload.py says when)."""

    plan_code: str = Field(primary_key=True, max_length=64)
    file_path: str = Field(index=True)  # absolute, as the load found it
    sha256: str = Field(max_length=64)
    # The reader's version, the unit index and the working-day calendar the file was read
    # with: any of them changing changes what the same bytes mean.
    context_hash: str = Field(max_length=64)
    tasks: int = 0
    targets: int = 0
    loaded_at: dt.datetime = Field(default_factory=utcnow)


class LoadStage(SQLModel, table=True):
    """A plan file's checked rows, written by a load before anything live changes; the load
    applies them and deletes them in the transaction that commits it. Rows of a load that
    died are stale and the next load deletes them."""

    id: int | None = Field(default=None, primary_key=True)
    load_id: str = Field(index=True, max_length=32)
    seq: int
    plan_code: str = Field(max_length=64)
    file_path: str
    sha256: str = Field(max_length=64)
    tasks: int = 0
    targets: int = 0
    size: int = 0
    body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
