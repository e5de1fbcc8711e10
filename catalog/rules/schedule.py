"""When a task's follow-up flow should run: its reminder instants, as an RDATE list.

Each plan task becomes a Prefect schedule firing at these instants; every run works out
for itself what is due (the ledger decides what was already sent), so an instant too many
costs a no-op run, while an instant too few is caught by the daily catch-up sweep.

The list covers a window of whole calendar years (this year and the next), so it changes
once a year, not every day: every change is a write, and every write makes Prefect
re-create the deployment's future runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dondoc.catalog.rules.deadline import recurrence_dates
from dondoc.catalog.rules.policy import Policy, resolve
from dondoc.catalog.rules.workdays import WorkCalendar

# How many overdue repeats a schedule carries; the sweep keeps reminding after that.
OVERDUE_REPEATS = 6
FIRE_AT = dt.time(8, 0)  # local time in Asia/Ho_Chi_Minh: the start of the working day
# Prefect refuses rrule strings over 6,500 characters: 15 characters and a comma each.
MAX_INSTANTS = 380
TIMEZONE = "Asia/Ho_Chi_Minh"


def effective_policy(plan_policy: dict[str, Any] | None,
                     task_policy: dict[str, Any] | None) -> Policy:
    """Defaults, overridden by the plan, overridden by the task (dondoc.catalog.rules.policy)."""
    return resolve(plan_policy, task_policy)


@dataclass(frozen=True)
class TaskTiming:
    deadline_kind: str
    effective_due: dt.date | None
    rrule: str | None
    rrule_start: dt.date | None
    rrule_until: dt.date | None


def window_for(today: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(today.year, 1, 1), dt.date(today.year + 1, 12, 31)


def due_dates(timing: TaskTiming, calendar: WorkCalendar, window: tuple[dt.date, dt.date]) -> list[dt.date]:
    """Effective due dates of the task's occurrences that matter inside the window."""
    if timing.deadline_kind == "recurring" and timing.rrule:
        start = timing.rrule_start or window[0]
        dates = recurrence_dates(timing.rrule, start, timing.rrule_until, window[0], window[1])
        return sorted({calendar.effective_due(d) for d in dates})
    if timing.effective_due is None:
        return []
    return [timing.effective_due]


def reminder_dates(timing: TaskTiming, policy: Policy, calendar: WorkCalendar,
                   window: tuple[dt.date, dt.date]) -> list[dt.date]:
    """The days the policy's rules fire for the task's occurrences inside the window.

    A Decree 09 report's cut-off reminder is left to the daily sweep.
    """
    out: set[dt.date] = set()
    for due in due_dates(timing, calendar, window):
        for before in policy.before:
            out.add(calendar.add_working_days(due, -before))
        for k in range(1, OVERDUE_REPEATS + 1):
            out.add(calendar.add_working_days(due, k * policy.overdue_every))
        out.add(calendar.add_working_days(due, policy.escalate_after))
    return sorted(d for d in out if window[0] <= d <= window[1])


def rdate_rule(dates: list[dt.date], today: dt.date) -> str | None:
    """An RFC 5545 DTSTART + RDATE text for Prefect's RRuleSchedule, or None if empty."""
    if not dates:
        return None
    if len(dates) > MAX_INSTANTS:
        # Keep what is still to come; the past cannot fire anyway.
        future = [d for d in dates if d >= today]
        dates = (future or dates)[:MAX_INSTANTS]
    stamps = [dt.datetime.combine(d, FIRE_AT).strftime("%Y%m%dT%H%M%S") for d in dates]
    return f"DTSTART:{stamps[0]}\nRDATE:{','.join(stamps)}"
