"""The task as read from the store: one record for the CLI, the TUI, and reviews."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
            "kind": self.kind, "lead": self.lead, "coordinators": self.coordinators,
            "deadline_text": self.deadline_text, "due": self.due,
            "effective_due": self.effective_due, "status": self.status,
            "days_overdue": self.days_overdue,
        }
