"""The task as read from the store: one record for the CLI, the TUI, and reviews."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class AssignmentState:
    """One unit's share of a task on the as-of day (a live row of the assignment table)."""

    unit: str  # the unit's code
    unit_name: str
    role: str  # lead, coordinator
    status: str  # a code of dondoc.catalog.rules.status, for this unit alone
    progress: int
    completed_on: str | None
    effective_due: str | None  # with the unit's own due_override applied
    occurrence: str | None = None  # a recurring duty: the nominal due this unit answers next

    def as_json(self) -> dict[str, Any]:
        return {"unit": self.unit, "unit_name": self.unit_name, "role": self.role,
                "status": self.status, "progress": self.progress,
                "completed_on": self.completed_on, "effective_due": self.effective_due}


@dataclass(slots=True)
class TaskRecord:
    """A live task with its status on an as-of day. Dates are ISO text, as the JSON shows them."""

    id: int
    plan: str
    code: str
    section: str | None
    title: str
    kind: str  # the deadline kind: date, month, ..., recurring, ongoing
    category: str
    lead: str | None  # the lead unit's name
    lead_code: str | None
    units: tuple[str, ...]  # lead and coordinating unit codes
    coordinators: list[str]  # coordinating units' names
    deadline_text: str | None
    due: str | None  # nominal due (the current occurrence for a recurring duty)
    effective_due: str | None
    status: str  # a code of dondoc.catalog.rules.status
    days: int  # days overdue (the TUI puts calendar days left here when due soon)
    completed_on: str | None
    hay: str = ""  # folded search text, filled by the TUI's read model
    # Live assignments, leads first in the order they were made; empty: nobody is assigned.
    assignments: tuple[AssignmentState, ...] = field(default_factory=tuple)
    # The list views' summary of the leads, without every assignment: the first lead's
    # name and how many units lead (0: nobody leads, the task is unassigned).
    first_lead: str | None = None
    lead_count: int = 0

    @property
    def leads(self) -> list[str]:
        """The lead units' names, in order; the task's one lead where none is assigned."""
        names = [a.unit_name for a in self.assignments if a.role == "lead"]
        return names if names or not self.lead else [self.lead]

    @property
    def lead_progress(self) -> tuple[int, int]:
        """(lead units done, lead units) on the as-of day."""
        leads = [a for a in self.assignments if a.role == "lead"]
        return sum(1 for a in leads if a.status == "done"), len(leads)

    @property
    def key(self) -> tuple[str, int]:
        return ("task", self.id)

    @property
    def days_overdue(self) -> int:
        return self.days if self.status == "overdue" else 0

    def as_json(self) -> dict[str, Any]:
        """What `dondoc tasks --json` prints for the task (the keys in this order)."""
        return {
            "plan": self.plan, "task": self.code, "section": self.section, "title": self.title,
            "kind": self.kind, "lead": self.lead, "leads": self.leads,
            "coordinators": self.coordinators,
            "deadline_text": self.deadline_text, "due": self.due,
            "effective_due": self.effective_due, "status": self.status,
            "days_overdue": self.days_overdue,
            "assignments": [a.as_json() for a in self.assignments],
        }
