"""The catalog file format: what a plan file and a unit registry file may say.

Unknown fields are refused (a typo must not vanish silently). Unit references are
codes, names or aliases; they are resolved by the loader, not here.

Limits (a catalog beyond them is a mistake or an attack, and would make every view slow):
a file at most MAX_FILE_BYTES; a title MAX_TITLE characters; a unit name, short name or
alias MAX_NAME; a note and any other text MAX_TEXT; at most MAX_TASKS tasks and as many
targets per plan, MAX_UNITS units per registry file.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, StringConstraints,
                      field_validator)
from pydantic_core import PydanticCustomError

from dondoc.catalog.rules.dates import EARLIEST, LATEST  # the span a catalog's dates may hold
from dondoc.catalog.safety import PLAN_CODE_CHARS, first_control, plan_code_ok

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_TITLE = 1000
MAX_NAME = 300
MAX_TEXT = 5000
MAX_TASKS = 5000
MAX_UNITS = 20000

Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1)]


def _plan_code(value: str) -> str:
    if not plan_code_ok(value):
        # The code names report files: a '/' or '..' would write elsewhere.
        raise PydanticCustomError("plan_code", "bad plan code", {"chars": PLAN_CODE_CHARS})
    return value


PlanCode = Annotated[str, AfterValidator(_plan_code)]
Title = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TITLE)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME)]
UnitRef = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME)]
Category = Literal["task", "report", "review", "project"]


def _check_text(value: Any) -> None:
    if isinstance(value, dt.date):
        # Plans live in this span (as deadline phrases do); beyond it, date arithmetic
        # (a first occurrence 30 days after issue, a 400-day calendar window) overflows.
        if not EARLIEST <= value <= LATEST:
            raise PydanticCustomError("date_range", "date out of range",
                                      {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()})
    elif isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise PydanticCustomError("string_too_long", "too long",
                                      {"max_length": MAX_TEXT})
        bad = first_control(value)
        if bad is not None:
            # A title holding ESC ] 0; or ESC [ 2J would rewrite the terminal of whoever lists it.
            raise PydanticCustomError("control_char", "control character U+{code}",
                                      {"code": f"{ord(bad):04X}"})
    elif isinstance(value, (list, tuple)):
        for item in value:
            _check_text(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        _check_text(value)
        return value


class PolicySpec(_Strict):
    """Reminder policy overrides; working days on the Vietnamese calendar."""

    before: list[Annotated[int, Field(ge=0, le=120)]] | None = None
    overdue_every: Annotated[int, Field(ge=1, le=60)] | None = None
    escalate_after: Annotated[int, Field(ge=0, le=120)] | None = None
    digest: Literal["weekly", "none"] | None = None
    due_soon_window: Annotated[int, Field(ge=0, le=60)] | None = None
    # Plan level: task codes reminded in a message of their own, not in the unit's letter.
    separate: list[Code] | None = None


class UnitSpec(_Strict):
    code: Code
    name: Name
    short_name: Name | None = None
    kind: str | None = None
    parent: UnitRef | None = None
    province: str | None = None
    aliases: list[Name] = []
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    successor: UnitRef | None = None
    note: str | None = None
    # A phone number or address to write to, printed in the letters about its plans.
    contact: str | None = None
    # A group (kind `nhom`): an assignment to it is an assignment to each member.
    members: list[UnitRef] = []


class UnitsFile(_Strict):
    units: Annotated[list[UnitSpec], Field(max_length=MAX_UNITS)]


class PlanSpec(_Strict):
    code: PlanCode
    title: Title
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
    title: Title
    category: Category = "task"
    # One lead, or a list of joint leads (đồng chủ trì).
    lead: UnitRef | list[UnitRef] | None = None
    coordinators: list[UnitRef] = []
    deadline: Text | None = None
    deadline_inferred: bool = False
    deliverable: str | None = None
    budget_vnd: Annotated[int, Field(ge=0, le=2**63 - 1)] | None = None  # a BIGINT
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
    tasks: Annotated[list[TaskSpec], Field(max_length=MAX_TASKS)] = []
    targets: Annotated[list[TargetSpec], Field(max_length=MAX_TASKS)] = []
