"""Reporting periods: quarters, and the data windows of Decree 09/2019/NĐ-CP, art. 12.

A periodic report's data run from the 15th of the last month of the previous period to the
14th of the period's last month. Periods are named '2025-06' (month), '2025Q2' (quarter),
'2025H1' (half-year) or '2025' (year). Reviews, periodic reports and reminders all ask here.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from functools import lru_cache

from dondoc.catalog.i18n import DondocError

_QUARTER = re.compile(r"^(\d{4})\s*-?\s*[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_HALF = re.compile(r"^(\d{4})\s*-?\s*[Hh]([12])$")
_YEAR = re.compile(r"^(\d{4})$")
ROMAN = ("I", "II", "III", "IV")
# Report kinds of the combined regimes ("6 tháng, hằng năm"), by their length in months: the
# deadline language writes them on a task's occurrences, the data windows read them back.
REPORT_KINDS = {1: "tháng", 3: "quý", 6: "6 tháng", 12: "năm"}
KIND_MONTHS = {label: months for months, label in REPORT_KINDS.items()}


def parse_quarter(text: str) -> tuple[int, int]:
    """'2025Q3' -> (2025, 3)."""
    m = _QUARTER.match(text.strip())
    if not m:
        raise DondocError("review.bad_quarter", value=text)
    return int(m.group(1)), int(m.group(2))


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    end = (dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
           - dt.timedelta(days=1))
    return start, end


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def previous_quarter(day: dt.date) -> str:
    start, _ = quarter_bounds(day.year, (day.month - 1) // 3 + 1)
    return quarter_of(start - dt.timedelta(days=1))


def data_window(year: int, last_month: int, months: int) -> tuple[dt.date, dt.date]:
    """The Decree 09 data window of a period of `months` months ending in last_month."""
    first_month = last_month - months  # the previous period's last month (0 = last December)
    start = dt.date(year - (first_month <= 0), (first_month - 1) % 12 + 1, 15)
    return start, dt.date(year, last_month, 14)


def period_window(period: str) -> tuple[dt.date, dt.date, str]:
    """A named period's data window and its report heading ('Báo cáo định kỳ quý II/2025')."""
    text = period.strip()
    if m := _MONTH.match(text):
        year, last, label = int(m.group(1)), int(m.group(2)), f"tháng {int(m.group(2))}/{m.group(1)}"
        months = 1
    elif m := _QUARTER.match(text):
        year, q = int(m.group(1)), int(m.group(2))
        last, months, label = 3 * q, 3, f"quý {ROMAN[q - 1]}/{year}"
    elif m := _HALF.match(text):
        year, h = int(m.group(1)), int(m.group(2))
        last, months, label = 6 * h, 6, f"6 tháng {'đầu' if h == 1 else 'cuối'} năm {year}"
    elif m := _YEAR.match(text):
        year, last, months, label = int(m.group(1)), 12, 12, f"năm {m.group(1)}"
    else:
        raise DondocError("review.bad_period", value=period)
    if not 1 <= last <= 12:
        raise DondocError("review.bad_period", value=period)
    start, end = data_window(year, last, months)
    return start, end, f"Báo cáo định kỳ {label}"


@lru_cache(maxsize=256)
def rrule_period_months(rrule: str) -> int | None:
    """The reporting period of a periodic RRULE in months (None: not a periodic report)."""
    parts = dict(p.split("=", 1) for p in rrule.upper().split(";") if "=" in p)
    freq = parts.get("FREQ")
    if freq == "MONTHLY":
        return 1
    if freq == "YEARLY":
        count = len(parts.get("BYMONTH", "12").split(","))
        return 12 // count if count and 12 % count == 0 else 12
    return None


def occurrence_window(rrule: str, occurrence: dt.date,
                      label: str | None = None) -> tuple[dt.date, dt.date] | None:
    """The data window of a periodic report due on occurrence, or None where the decree is
    silent: a plan that names its own day ("trước ngày 15/12 hằng năm") keeps it.

    label is the occurrence's own report kind in a combined regime: December of "6 tháng,
    hằng năm" is the yearly report, although its rule (BYMONTH=6,12) repeats every 6 months.
    """
    if occurrence.day != _calendar.monthrange(occurrence.year, occurrence.month)[1]:
        return None
    months = KIND_MONTHS.get(label) if label else None
    if months is None:
        months = rrule_period_months(rrule)
    if months is None:
        return None
    return data_window(occurrence.year, occurrence.month, months)


def periods_closing(day: dt.date) -> list[str]:
    """The periods whose data window closed the day before (the 14th): month, and more."""
    if day.day != 15:
        return []
    month = day.month
    out = [f"{day.year}-{month:02d}"]
    if month % 3 == 0:
        out.append(f"{day.year}Q{month // 3}")
    if month in (6, 12):
        out.append(f"{day.year}H{month // 6}")
    if month == 12:
        out.append(f"{day.year}")
    return out
