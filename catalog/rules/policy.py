"""The reminder policy, and what is due for a task on a given day (pure: no I/O).

A policy is data (DESIGN.md, "Reminders"): reminders 10, 5, 2 and 0 working days before
the effective due date, a repeat every 5 working days while overdue, escalation to the
supervising unit and the plan's coordinator after 5 working days overdue, and a weekly
digest. A plan's `reminders:` overrides the defaults, a task's overrides its plan's.

Rules and their names (the `rule` of a ledger row):

- ``before-N``: N working days before the effective due date (``before-0`` on the day);
- ``overdue-N``: N working days overdue, for N = every, 2*every, ...;
- ``escalate-N``: sent once per occurrence, N = escalate_after, to the escalation chain;
- ``cutoff``: a periodic report's data cut-off day (Decree 09/2019, see below).

Catch-up rule: on a given day each track (the units' track: cutoff/before/overdue; the
escalation track) has at most one *current* rule, the latest whose fire date is on or
before that day. Only the current rule is ever sent; an earlier rule that was missed (a
stopped scheduler, a failed run) is superseded, never sent late. Messages are rendered
with the numbers of the sending day, so a late "before-10" says "còn 7 ngày" truthfully,
and a run after a week's outage sends one message per unit and task, not a backlog.

Occurrences: a dated task has one, keyed by its effective due date (so an extension
starts a fresh cycle of reminders for the new date). A recurring task has one per
RRULE date; on a given day two of them matter: the latest already past (until a
ProgressReport answers it, and only until the next one falls due: the same rule as
`dondoc overdue`) and the next to come, unless answered early.

Decree 09/2019/NĐ-CP (art. 12): a periodic report's data run from the 15th of the last
month of the previous period to the 14th of the period's last month. It applies to a
recurring task of category ``report`` whose phrase names no day (hằng tháng, hằng quý,
6 tháng, hằng năm: occurrences on a month's last day); such a task also gets a ``cutoff``
reminder on the cut-off day and every message names the data window. A plan that names
its own day ("trước ngày 15/12 hằng năm") says otherwise: its day stands alone.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Protocol

from dondoc.catalog.rules.recurrence import recurrence_dates
from dondoc.catalog.rules.periods import occurrence_window
from dondoc.catalog.rules.status import (DUE_SOON, OVERDUE, due_soon_limit, is_done,
                                         occurrence_status)

DEFAULT_BEFORE: tuple[int, ...] = (10, 5, 2, 0)
DEFAULT_OVERDUE_EVERY = 5
DEFAULT_ESCALATE_AFTER = 5
DEFAULT_DUE_SOON_WINDOW = 10

UNIT_TRACK = "unit"
ESCALATE_TRACK = "escalate"


class Calendar(Protocol):
    def add_working_days(self, day: dt.date, n: int) -> dt.date: ...
    def working_days_between(self, start: dt.date, end: dt.date) -> int: ...
    def effective_due(self, day: dt.date) -> dt.date: ...
    def is_working(self, day: dt.date) -> bool: ...


@dataclass(frozen=True, slots=True)
class Policy:
    before: tuple[int, ...] = DEFAULT_BEFORE
    overdue_every: int = DEFAULT_OVERDUE_EVERY
    escalate_after: int = DEFAULT_ESCALATE_AFTER
    digest: str = "weekly"
    due_soon_window: int = DEFAULT_DUE_SOON_WINDOW

    @property
    def reach(self) -> int:
        """How many working days before a due date the first reminder can fire."""
        return max(self.before, default=0)


DEFAULT_POLICY = Policy()
_POLICY_CACHE: dict[tuple[Any, ...], Policy] = {}


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


def resolve(plan_policy: Mapping[str, Any] | None, task_policy: Mapping[str, Any] | None) -> Policy:
    """The defaults, overridden by the plan's `reminders:`, overridden by the task's."""
    key = (_freeze(plan_policy or {}), _freeze(task_policy or {}))
    found = _POLICY_CACHE.get(key)
    if found is not None:
        return found
    merged: dict[str, Any] = {}
    for layer in (plan_policy or {}, task_policy or {}):
        merged.update({k: v for k, v in layer.items() if v is not None})
    before = merged.get("before")
    policy = Policy(
        before=DEFAULT_BEFORE if before is None else tuple(sorted({int(b) for b in before},
                                                                  reverse=True)),
        overdue_every=int(merged.get("overdue_every", DEFAULT_OVERDUE_EVERY)),
        escalate_after=int(merged.get("escalate_after", DEFAULT_ESCALATE_AFTER)),
        digest=str(merged.get("digest", "weekly")),
        due_soon_window=int(merged.get("due_soon_window", DEFAULT_DUE_SOON_WINDOW)),
    )
    _POLICY_CACHE[key] = policy
    return policy


# ------------------------------------------------------------------------ working days


class WorkdayIndex:
    """WorkCalendar's arithmetic over a fixed span, by table lookup instead of day loops.

    A sweep asks the same two questions (n working days from a date, working days between
    two dates) hundreds of thousands of times; within [start, end] this answers each in
    O(1) with exactly WorkCalendar's results, and defers to it outside the span.
    """

    def __init__(self, cal: Calendar, start: dt.date, end: dt.date) -> None:
        self.cal = cal
        self.start, self.end = start, end
        days = (end - start).days + 1
        self._count: list[int] = []  # working days in [start, start + i]
        self._nth: list[dt.date] = [start]  # _nth[k]: the k-th working day (1-based)
        running = 0
        for i in range(days):
            day = start + dt.timedelta(days=i)
            if cal.is_working(day):
                running += 1
                self._nth.append(day)
            self._count.append(running)

    def _c(self, day: dt.date) -> int | None:
        i = (day - self.start).days
        return self._count[i] if 0 <= i < len(self._count) else None

    def is_working(self, day: dt.date) -> bool:
        return self.cal.is_working(day)

    def effective_due(self, day: dt.date) -> dt.date:
        return self.cal.effective_due(day)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        a, b = self._c(start), self._c(end)
        if a is None or b is None:
            return self.cal.working_days_between(start, end)
        return b - a

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        if n == 0:
            return day
        if n > 0:
            c = self._c(day)
            k = None if c is None else c + n
        else:
            c = self._c(day - dt.timedelta(days=1))
            k = None if c is None else c + n + 1
        if k is None or not 1 <= k < len(self._nth):
            return self.cal.add_working_days(day, n)
        return self._nth[k]


# ------------------------------------------------------------------------ facts and results


# Not frozen: a sweep builds one per task that matters, and a frozen init costs ~8x.
@dataclass(slots=True)
class TaskFacts:
    """One task as the rules see it, dates typed: what the policy needs, and whom and what
    a reminder names. (The store's read record for screens and JSON is
    dondoc.catalog.store.records.TaskRecord, dates as ISO text.)"""

    id: int
    kind: str  # the deadline kind: date, month, ..., recurring, ongoing
    effective_due: dt.date | None = None
    state: str = "open"
    completed_on: dt.date | None = None
    snoozed_until: dt.date | None = None
    category: str = "task"
    rrule: str | None = None
    rrule_start: dt.date | None = None
    rrule_until: dt.date | None = None
    policy: Policy = DEFAULT_POLICY
    plan: str = ""
    code: str = ""
    due: dt.date | None = None  # nominal (before working-day shifts and extensions)
    lead: str | None = None  # unit codes
    coordinators: tuple[str, ...] = ()
    # Combined regimes ("6 tháng, hằng năm"): the report kind of each month's occurrence.
    labels: dict[int, str] | None = None


@dataclass(frozen=True, slots=True)
class Fire:
    track: str  # UNIT_TRACK or ESCALATE_TRACK
    rule: str
    fire_on: dt.date


@dataclass(frozen=True, slots=True)
class Due:
    """One rule that is current for one occurrence (of a task the caller holds) on the as-of day."""

    occurrence: dt.date  # the ledger's occurrence: effective due (dated) or RRULE date
    due: dt.date  # the nominal due date (as the plan computes it)
    effective_due: dt.date
    track: str
    rule: str
    fire_on: dt.date
    data_window: tuple[dt.date, dt.date] | None = None  # Decree 09 reports only
    label: str | None = None  # the occurrence's report kind in a combined regime ("năm")


@dataclass(frozen=True, slots=True)
class Standing:
    """Where one occurrence stands on the as-of day (for digests)."""

    status: str  # overdue, due_soon, not_due
    occurrence: dt.date
    effective_due: dt.date
    working_days: int  # left (>= 0) or overdue (> 0 when status is overdue)


def is_live(task: TaskFacts, as_of: dt.date) -> bool:
    """Done, withdrawn and snoozed tasks get no reminders."""
    if task.state == "withdrawn" or task.kind == "ongoing":
        return False
    if is_done(task.state, task.completed_on, as_of):
        return False
    return not (task.snoozed_until is not None and task.snoozed_until >= as_of)


# ------------------------------------------------------------------------ Decree 09


def occurrence_label(task: TaskFacts, occurrence: dt.date) -> str | None:
    """The report kind a recurring task's occurrence asks for ("6 tháng", "năm"), if labelled."""
    if task.kind != "recurring" or not task.labels:
        return None
    return task.labels.get(occurrence.month)


def decree09_window(task: TaskFacts, occurrence: dt.date) -> tuple[dt.date, dt.date] | None:
    """The data window of a periodic report's occurrence, or None where Decree 09 is silent.

    A labelled occurrence gets its own period's window: the yearly report of "6 tháng, hằng
    năm" covers the year, not the half-year its rule's spacing would suggest."""
    if task.category != "report" or task.kind != "recurring" or not task.rrule:
        return None
    return occurrence_window(task.rrule, occurrence, occurrence_label(task, occurrence))


# ------------------------------------------------------------------------ the rules


def current_fires(policy: Policy, eff: dt.date, as_of: dt.date, cal: Calendar,
                  cutoff: dt.date | None = None) -> tuple[Fire, ...]:
    """The current rule of each track for one occurrence due (effectively) on eff."""
    fires: list[Fire] = []
    latest: Fire | None = None
    overdue_by = cal.working_days_between(eff, as_of) if as_of > eff else 0
    every = policy.overdue_every
    if overdue_by and every > 0 and overdue_by >= every:
        k = overdue_by // every * every
        latest = Fire(UNIT_TRACK, f"overdue-{k}", cal.add_working_days(eff, k))
    else:
        # (fire day, preference): on the same day a "before" rule wins over the cut-off.
        best: tuple[dt.date, int, str] | None = None
        for b in policy.before:
            day = cal.add_working_days(eff, -b) if b else eff
            if day <= as_of and (best is None or (day, 1) > best[:2]):
                best = (day, 1, f"before-{b}")
        if cutoff is not None:
            day = min(cal.effective_due(cutoff), eff)
            if day <= as_of and (best is None or (day, 0) > best[:2]):
                best = (day, 0, "cutoff")
        if best is not None:
            latest = Fire(UNIT_TRACK, best[2], best[0])
    if latest is not None:
        fires.append(latest)
    if as_of > eff and overdue_by >= max(policy.escalate_after, 1):
        fires.append(Fire(ESCALATE_TRACK, f"escalate-{policy.escalate_after}",
                          cal.add_working_days(eff, policy.escalate_after)))
    return tuple(fires)


def first_fire(policy: Policy, eff: dt.date, cal: Calendar,
               cutoff: dt.date | None = None) -> dt.date:
    """The earliest day any reminder for this occurrence can fire."""
    day = cal.add_working_days(eff, -policy.reach) if policy.reach else eff
    if cutoff is not None:
        day = min(day, cal.effective_due(cutoff))
    return day


def recurring_pair(task: TaskFacts, as_of: dt.date,
                   cal: Calendar) -> tuple[dt.date | None, dt.date | None]:
    """(latest occurrence already past, next occurrence to come) of a recurring task."""
    start = task.rrule_start or dt.date(as_of.year - 1, 1, 1)
    until = task.rrule_until
    dates = recurrence_dates(task.rrule or "", start, until, start,
                             until or dt.date(as_of.year + 30, 1, 1))
    # Effective due dates never go backwards, so the split is a binary search.
    i = bisect.bisect_left(dates, as_of, key=cal.effective_due)
    return (dates[i - 1] if i else None), (dates[i] if i < len(dates) else None)


def occurrences(task: TaskFacts, as_of: dt.date, cal: Calendar,
                answered: Iterable[dt.date] = ()) -> list[tuple[dt.date, dt.date, dt.date]]:
    """(occurrence, nominal due, effective due) of each open occurrence that matters today."""
    if task.kind == "recurring":
        done = set(answered)
        past, upcoming = recurring_pair(task, as_of, cal)
        return [(d, d, cal.effective_due(d)) for d in (past, upcoming)
                if d is not None and d not in done]
    if task.effective_due is None:
        return []
    return [(task.effective_due, task.effective_due, task.effective_due)]


def due_for_task(task: TaskFacts, as_of: dt.date, cal: Calendar,
                 answered: Iterable[dt.date] = ()) -> list[Due]:
    """Every rule current for this task on as_of (empty for done, withdrawn, snoozed)."""
    if not is_live(task, as_of):
        return []
    out: list[Due] = []
    for occurrence, due, eff in occurrences(task, as_of, cal, answered):
        window = decree09_window(task, due)
        cutoff = window[1] if window else None
        if as_of < first_fire(task.policy, eff, cal, cutoff):
            continue
        label = occurrence_label(task, due)
        for fire in current_fires(task.policy, eff, as_of, cal, cutoff):
            out.append(Due(occurrence, due, eff, fire.track, fire.rule, fire.fire_on,
                           window, label))
    return out


def standing(task: TaskFacts, as_of: dt.date, cal: Calendar,
             answered: Iterable[dt.date] = ()) -> list[Standing]:
    """Overdue and due-soon occurrences of a live task (for the weekly digest)."""
    if not is_live(task, as_of):
        return []
    out = []
    soon = due_soon_limit(cal, as_of, task.policy.due_soon_window)
    for occurrence, _due, eff in occurrences(task, as_of, cal, answered):
        status = occurrence_status(eff, as_of, soon)
        if status == OVERDUE:
            out.append(Standing(status, occurrence, eff, cal.working_days_between(eff, as_of)))
        elif status == DUE_SOON:
            out.append(Standing(status, occurrence, eff, cal.working_days_between(as_of, eff)))
    return out


def iso_week_rule(as_of: dt.date) -> tuple[str, dt.date]:
    """The digest's rule name and occurrence (the Monday) for the ISO week of as_of."""
    year, week, _ = as_of.isocalendar()
    return f"digest-{year}-W{week:02d}", dt.date.fromisocalendar(year, week, 1)


@dataclass
class Memo:
    """Caches for a sweep over many tasks on one day: the same dates recur constantly."""

    as_of: dt.date
    cal: Calendar
    fires: dict[tuple[Policy, dt.date, dt.date | None], tuple[Fire, ...]] = field(default_factory=dict)

    def current(self, policy: Policy, eff: dt.date, cutoff: dt.date | None) -> tuple[Fire, ...]:
        key = (policy, eff, cutoff)
        found = self.fires.get(key)
        if found is None:
            first = first_fire(policy, eff, self.cal, cutoff)
            found = () if self.as_of < first else current_fires(policy, eff, self.as_of,
                                                                 self.cal, cutoff)
            self.fires[key] = found
        return found
