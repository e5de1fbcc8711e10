"""Who gets what: the units a reminder goes to, and in which role.

- the units' track (cutoff, before, overdue): the lead unit and the coordinating units
  (whose messages say "phối hợp");
- the escalation track: the lead's supervising unit (Unit.parent_code) and the plan's
  coordinator (Plan.coordinator_code), never the lead itself;
- the weekly digest: every unit, for the tasks it leads or coordinates and those
  escalated to it.

Units merge and are renamed: a unit whose validity ended before the day of sending is
replaced by its successor (following the chain), which has taken over its open work.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, NamedTuple


LEAD, COORDINATOR = "lead", "coordinator"
SUPERVISOR, PLAN_COORDINATOR = "supervisor", "plan_coordinator"
ROLES = (LEAD, COORDINATOR, SUPERVISOR, PLAN_COORDINATOR)


@dataclass(frozen=True, slots=True)
class UnitInfo:
    code: str
    name: str
    short_name: str | None = None
    parent_code: str | None = None
    valid_to: dt.date | None = None
    successor_code: str | None = None
    contact: str | None = None


class Recipient(NamedTuple):
    # A tuple, not a dataclass: a sweep makes one per task and unit, a million at a time.
    unit: str
    role: str


def _d(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


class Directory:
    """The unit registry as the sender needs it, for one as-of day."""

    def __init__(self, units: Iterable[UnitInfo], as_of: dt.date) -> None:
        self.units = {u.code: u for u in units}
        self.as_of = as_of
        self._current: dict[str, str] = {}
        self._escalation: dict[tuple[str | None, str | None], list[Recipient]] = {}
        # Only units gone by as_of (with a successor) map elsewhere: a short dict, so the
        # common case is one failed lookup.
        self.moved = {code: self.current(code) for code, u in self.units.items()
                      if u.successor_code and u.valid_to and u.valid_to < as_of}
        # Shared, immutable recipient values: a sweep hands out a million of them.
        self.as_lead = {code: Recipient(code, LEAD) for code in self.units}
        self.as_coordinator = {code: Recipient(code, COORDINATOR) for code in self.units}

    def current(self, code: str) -> str:
        """The unit that holds code's work on the as-of day (its successor once it is gone)."""
        found = self._current.get(code)
        if found is not None:
            return found
        seen = {code}
        now = code
        while True:
            unit = self.units.get(now)
            if (unit is None or unit.successor_code is None or unit.valid_to is None
                    or unit.valid_to >= self.as_of or unit.successor_code in seen):
                break
            now = unit.successor_code
            seen.add(now)
        self._current[code] = now
        return now

    def name(self, code: str | None) -> str:
        unit = self.units.get(code or "")
        return unit.name if unit else (code or "")

    def contact(self, code: str | None) -> str:
        unit = self.units.get(code or "")
        return (unit.contact or "") if unit else ""

    def short(self, code: str | None) -> str:
        unit = self.units.get(code or "")
        return (unit.short_name or unit.name) if unit else (code or "")

    def supervisor(self, code: str | None) -> str | None:
        unit = self.units.get(code or "")
        return self.current(unit.parent_code) if unit and unit.parent_code else None


def unit_track(lead: str | None, coordinators: Iterable[str],
               directory: Directory) -> list[Recipient]:
    """The lead first, then the coordinating units; each unit once, lead role winning."""
    moved = directory.moved
    coordinators = tuple(coordinators)
    if not moved and lead and lead not in coordinators and len(set(coordinators)) == len(
            coordinators):
        # No merged units and a clean list (the loader's usual output): no bookkeeping.
        as_lead, as_coordinator = directory.as_lead, directory.as_coordinator
        return [as_lead.get(lead) or Recipient(lead, LEAD),
                *[as_coordinator.get(c) or Recipient(c, COORDINATOR) for c in coordinators]]
    out: list[Recipient] = []
    seen: set[str] = set()
    if lead:
        unit = moved.get(lead, lead)
        seen.add(unit)
        out.append(Recipient(unit, LEAD))
    for code in coordinators:
        unit = moved.get(code, code)
        if unit not in seen:
            seen.add(unit)
            out.append(Recipient(unit, COORDINATOR))
    return out


def escalation_track(lead: str | None, plan_coordinator: str | None,
                     directory: Directory) -> list[Recipient]:
    """The lead's supervising unit and the plan's coordinator, without the lead itself."""
    found = directory._escalation.get((lead, plan_coordinator))
    if found is None:
        found = directory._escalation[(lead, plan_coordinator)] = _escalation(
            lead, plan_coordinator, directory)
    return found


def _escalation(lead: str | None, plan_coordinator: str | None,
                directory: Directory) -> list[Recipient]:
    current_lead = directory.current(lead) if lead else None
    out: list[Recipient] = []
    seen = {current_lead}
    for code, role in ((directory.supervisor(current_lead), SUPERVISOR),
                       (directory.current(plan_coordinator) if plan_coordinator else None,
                        PLAN_COORDINATOR)):
        if code and code not in seen:
            seen.add(code)
            out.append(Recipient(code, role))
    return out
