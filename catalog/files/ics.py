"""Open tasks as an iCalendar file: one all-day event per open task and lead unit.

A calendar that imports the file again must update its events, not duplicate them, so
each UID is derived from plan, task and unit only. The alarm fires at the first reminder
of the task's policy (working days before the due date), at 08:00 Vietnam time.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any, Iterable

from dondoc.catalog.rules.policy import resolve
from dondoc.catalog.rules.workdays import WorkCalendar
from dondoc.catalog.store.exportrows import PlanInfo, TaskExtra

TZ = "Asia/Ho_Chi_Minh"
ALARM_HOUR = 8
_NS = uuid.UUID("6f1d2c1e-5b7a-4c1b-9a53-0d0c0d0c0d0c")


def event_uid(plan: str, task: str, unit: str | None) -> str:
    key = f"{plan}/{task}/{unit or '-'}"
    return f"{uuid.uuid5(_NS, key)}@dondoc"


def alarm_offset(first_reminder: int, due: dt.date, cal: WorkCalendar) -> dt.timedelta:
    """From the event's start (midnight of the due day) to 08:00 of the reminder day."""
    day = cal.add_working_days(due, -first_reminder) if first_reminder else due
    return -dt.timedelta(days=(due - day).days) + dt.timedelta(hours=ALARM_HOUR)


def write_calendar(path: Path, items: Iterable[dict[str, Any]], plans: dict[str, PlanInfo],
                   extras: dict[tuple[str, str], TaskExtra], cal: WorkCalendar,
                   stamp: dt.datetime) -> int:
    """Write the .ics file; return how many events it holds."""
    from icalendar import Alarm, Calendar, Event

    ics = Calendar()
    ics.add("prodid", "-//dondoc//đôn đốc kế hoạch//VI")
    ics.add("version", "2.0")
    ics.add("calscale", "GREGORIAN")
    ics.add("x-wr-calname", "Hạn nhiệm vụ (dondoc)")
    ics.add("x-wr-timezone", TZ)
    count = 0
    for item in items:
        if item["status"] == "done" or not item["effective_due"]:
            continue
        due = dt.date.fromisoformat(item["effective_due"])
        extra = extras.get((item["plan"], item["task"]))
        info = plans.get(item["plan"])
        unit = extra.lead_code if extra else None
        ev = Event()
        ev.add("uid", event_uid(item["plan"], item["task"], unit))
        ev.add("dtstamp", stamp)
        ev.add("dtstart", due)
        ev.add("dtend", due + dt.timedelta(days=1))
        ev.add("transp", "TRANSPARENT")
        ev.add("summary", f"[{item['plan']}] {item['task']}: {item['title']}")
        lines = [f"Kế hoạch: {info.title}" if info else f"Kế hoạch: {item['plan']}"]
        if item["lead"]:
            lines.append(f"Chủ trì: {item['lead']}")
        if item["coordinators"]:
            lines.append("Phối hợp: " + "; ".join(item["coordinators"]))
        if item["deadline_text"]:
            lines.append(f"Thời hạn: {item['deadline_text']}")
        ev.add("description", "\n".join(lines))
        ev.add("categories", [item["plan"]])
        if unit:
            ev.add("x-dondoc-unit", unit)
        policy = resolve(info.policy if info else None, extra.policy if extra else None)
        first = policy.before[0] if policy.before else 0
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Sắp đến hạn: {item['task']} ({item['plan']})")
        alarm.add("trigger", alarm_offset(first, due, cal))
        ev.add_component(alarm)
        ics.add_component(ev)
        count += 1
    path.write_bytes(ics.to_ical())
    return count
