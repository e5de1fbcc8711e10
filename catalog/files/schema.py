"""The catalog file format: what a plan file and a unit registry file may say.

Unknown fields are refused (a typo must not vanish silently). Unit references are
codes, names or aliases; they are resolved by the loader, not here.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1)]
UnitRef = Annotated[str, StringConstraints(min_length=1)]
Category = Literal["task", "report", "review", "project"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PolicySpec(_Strict):
    """Reminder policy overrides; working days on the Vietnamese calendar."""

    before: list[Annotated[int, Field(ge=0, le=120)]] | None = None
    overdue_every: Annotated[int, Field(ge=1, le=60)] | None = None
    escalate_after: Annotated[int, Field(ge=0, le=120)] | None = None
    digest: Literal["weekly", "none"] | None = None
    due_soon_window: Annotated[int, Field(ge=0, le=60)] | None = None


class UnitSpec(_Strict):
    code: Code
    name: Text
    short_name: str | None = None
    kind: str | None = None
    parent: UnitRef | None = None
    province: str | None = None
    aliases: list[Text] = []
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    successor: UnitRef | None = None
    note: str | None = None
    # A group (kind `nhom`): an assignment to it is an assignment to each member.
    members: list[UnitRef] = []


class UnitsFile(_Strict):
    units: list[UnitSpec]


class PlanSpec(_Strict):
    code: Code
    title: Text
    number: str | None = None
    kind: str | None = None
    issuer: UnitRef
    issued_on: dt.date | None = None
    implements: list[Text] = []
    horizon: Text  # a deadline phrase; the deadline of tasks whose document gives none
    coordinator: UnitRef | None = None
    source: str | None = None
    notes: list[Text] = []
    reminders: PolicySpec | None = None


class TaskSpec(_Strict):
    code: Code
    section: str | None = None
    title: Text
    category: Category = "task"
    # One lead, or a list of joint leads (đồng chủ trì).
    lead: UnitRef | list[UnitRef] | None = None
    coordinators: list[UnitRef] = []
    deadline: Text | None = None
    deadline_inferred: bool = False
    deliverable: str | None = None
    budget_vnd: Annotated[int, Field(ge=0)] | None = None
    funding: str | None = None
    stage: Literal["new", "continuing"] | None = None
    status: Literal["open", "done"] = "open"
    completed_on: dt.date | None = None
    progress: Annotated[int, Field(ge=0, le=100)] | None = None
    note: str | None = None
    reminders: PolicySpec | None = None


class TargetSpec(_Strict):
    code: Code
    section: str | None = None
    area: str | None = None
    indicator: Text
    unit_of_measure: str | None = None
    values: dict[int, float | int | str] = {}
    owner: UnitRef | None = None
    note: str | None = None


class PlanFile(_Strict):
    plan: PlanSpec
    tasks: list[TaskSpec] = []
    targets: list[TargetSpec] = []
