"""The Vietnamese working-day calendar.

A deadline that falls on a weekend or a public holiday moves to the next working day
(Civil Code 2015, art. 148.5); reminders count working days. Holidays come from the
`holidays` package (Vietnam, with its substituted days) plus override files that an
administrator can edit, because the yearly swaps are decided late.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from functools import lru_cache
from pathlib import Path

import orjson

from dondoc.catalog.settings import dondoc_home, settings

SHIPPED_OVERRIDES = Path(__file__).parent.parent / "calendar" / "overrides.yaml"


def _read_overrides(path: Path) -> tuple[set[dt.date], set[dt.date]]:
    """The days off and working days of an override file, through a cache under DONDOC_HOME
    keyed by the file's path, size and modification time (so that reading the shipped file
    on every command costs neither yaml's import nor its parse)."""
    try:
        st = path.stat()
    except OSError:
        return set(), set()
    if not path.is_file():
        return set(), set()
    key = f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"
    cache = _cache_path().with_name("overrides.json")
    try:
        entries = orjson.loads(cache.read_bytes())
    except (OSError, ValueError):
        entries = {}
    entry = entries.get(key) if isinstance(entries, dict) else None
    if entry is None:
        off, on = _parse_overrides(path)
        entry = [sorted(d.isoformat() for d in off), sorted(d.isoformat() for d in on)]
        entries = {k: v for k, v in (entries if isinstance(entries, dict) else {}).items()
                   if not k.startswith(f"{path.resolve()}|")}
        entries[key] = entry
        _write_atomic(cache, orjson.dumps(entries))
    return ({dt.date.fromisoformat(d) for d in entry[0]},
            {dt.date.fromisoformat(d) for d in entry[1]})


def _write_atomic(path: Path, data: bytes) -> None:
    """Write the cache file; where it cannot be written (a read-only home) the next run
    simply computes the calendar again, so a failure is not an error."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)  # atomic: a concurrent reader sees the old or the new file


def _parse_overrides(path: Path) -> tuple[set[dt.date], set[dt.date]]:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}

    def dates(key: str) -> set[dt.date]:
        out = set()
        for item in data.get(key) or []:
            value = item.get("date") if isinstance(item, dict) else item
            out.add(value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)))
        return out

    return dates("days_off"), dates("working_days")


class WorkCalendar:
    def __init__(self, override_files: list[Path] | None = None) -> None:
        if override_files is None:
            s = settings()
            override_files = [SHIPPED_OVERRIDES, s.home / "calendar.yaml"]
            if s.calendar:
                override_files.append(s.calendar)
        self.days_off: set[dt.date] = set()
        self.working_days: set[dt.date] = set()
        for path in override_files:
            off, on = _read_overrides(path)
            # A later file wins over an earlier one for the same day.
            self.days_off = (self.days_off - on) | off
            self.working_days = (self.working_days - off) | on
        self._years: dict[int, tuple[set[dt.date], set[dt.date]]] = {}
        self.is_working = lru_cache(maxsize=65536)(self._is_working)
        self.effective_due = lru_cache(maxsize=65536)(self._effective_due)

    def _year(self, year: int) -> tuple[set[dt.date], set[dt.date]]:
        cached = self._years.get(year)
        if cached is None:
            cached = _package_year(year)
            self._years[year] = cached
        return cached

    def holiday_name(self, day: dt.date) -> str | None:
        import holidays
        return holidays.Vietnam(years=day.year).get(day)

    def _is_working(self, day: dt.date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        off, swapped_on = self._year(day.year)
        if day in swapped_on:
            return True
        return day.weekday() < 5 and day not in off

    def _effective_due(self, day: dt.date) -> dt.date:
        """The day a deadline really ends: itself, or the next working day."""
        while not self.is_working(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """Move n working days forward (n > 0) or back (n < 0) from day."""
        step = dt.timedelta(days=1 if n >= 0 else -1)
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after start up to and including end (negative if end < start)."""
        if end == start:
            return 0
        sign = 1 if end > start else -1
        lo, hi = (start, end) if sign > 0 else (end, start)
        count = 0
        day = lo
        while day < hi:
            day += dt.timedelta(days=1)
            if self.is_working(day):
                count += 1
        return sign * count


def _compute_year(year: int) -> tuple[list[str], list[str]]:
    import holidays
    cal = holidays.Vietnam(years=year)
    return (sorted(d.isoformat() for d in cal),
            sorted(d.isoformat() for d in getattr(cal, "weekend_workdays", ()) or ()))


@lru_cache(maxsize=1)
def _holidays_version() -> str:
    """The installed holidays version, from its dist-info folder's name (importlib.metadata
    would cost more than the rest of `dondoc overdue --count`)."""
    from importlib.util import find_spec

    spec = find_spec("holidays")
    if spec is not None and spec.submodule_search_locations:
        site = Path(list(spec.submodule_search_locations)[0]).parent
        found = [p.name[len("holidays-"):-len(".dist-info")]
                 for p in site.glob("holidays-*.dist-info")]
        if len(found) == 1:
            return found[0]
    from importlib.metadata import version
    return version("holidays")


def _cache_path() -> Path:
    return dondoc_home() / "cache" / f"holidays-vn-{_holidays_version()}.json"


_DISK: dict[str, list[list[str]]] | None = None


def _package_year(year: int) -> tuple[set[dt.date], set[dt.date]]:
    """The package's holidays for a year, from a disk cache under DONDOC_HOME.

    Building the Vietnamese calendar (lunar dates included) costs a few tenths of a second
    on first use, more than the whole of `dondoc overdue`; the cache is keyed by the
    package's version, so an upgrade recomputes it.
    """
    global _DISK
    path = _cache_path()
    if _DISK is None:
        try:
            _DISK = orjson.loads(path.read_bytes())
        except (OSError, ValueError):
            _DISK = {}
    entry = _DISK.get(str(year))
    if entry is None:
        entry = list(_compute_year(year))
        _DISK[str(year)] = entry
        _write_atomic(path, orjson.dumps(_DISK))
    return ({dt.date.fromisoformat(d) for d in entry[0]},
            {dt.date.fromisoformat(d) for d in entry[1]})


@lru_cache(maxsize=1)
def default_calendar() -> WorkCalendar:
    return WorkCalendar()
