"""THE task status on a given day, as a code: done, overdue, due_soon, not_due, no_deadline.

`dondoc tasks`/`overdue`, the terminal UI, reminders and reviews all ask here. "Due soon"
means the effective due date falls within the task's due-soon window (the reminder
policy's `due_soon_window`, 10 working days by default) from the as-of day.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

DONE, OVERDUE, DUE_SOON, NOT_DUE, NO_DEADLINE = "done", "overdue", "due_soon", "not_due", "no_deadline"
STATUSES = (OVERDUE, DUE_SOON, NOT_DUE, DONE, NO_DEADLINE)


class WorkingDays(Protocol):
    def add_working_days(self, day: dt.date, n: int) -> dt.date: ...


def due_soon_limit(cal: WorkingDays, as_of: dt.date, window: int) -> dt.date:
    """The last effective due date that is still "due soon" on as_of."""
    return cal.add_working_days(as_of, window)


def is_done(state: str, completed_on: dt.date | None, as_of: dt.date) -> bool:
    """Done on as_of: a completion dated after as_of had not happened yet."""
    return state == "done" and (completed_on is None or completed_on <= as_of)


def occurrence_status(effective_due: dt.date, as_of: dt.date, soon_limit: dt.date) -> str:
    """An open occurrence's status by its effective due date."""
    if effective_due < as_of:
        return OVERDUE
    if effective_due <= soon_limit:
        return DUE_SOON
    return NOT_DUE


def task_status(state: str, completed_on: dt.date | None, kind: str,
                effective_due: dt.date | None, as_of: dt.date, soon_limit: dt.date) -> str:
    """The status of a task with a fixed deadline (recurring duties: occurrence_status on
    the occurrence that matters)."""
    if is_done(state, completed_on, as_of):
        return DONE
    if kind == "ongoing" or effective_due is None:
        return NO_DEADLINE
    return occurrence_status(effective_due, as_of, soon_limit)


def done_late(completed_on: dt.date | str | None, effective_due: dt.date | str | None) -> bool:
    """A done task finished after its effective due date. Done without a date counts as on
    time: nothing says it was late. (ISO text compares as the dates do.)"""
    return bool(completed_on and effective_due and completed_on > effective_due)
