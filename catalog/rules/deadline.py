"""The Vietnamese deadline language.

A phrase such as "Quý IV/2022", "trong tháng 4/2022", "trước ngày 15/12 hằng năm" or
"Giai đoạn 2022-2025" parses to a kind and a window in the plan's own terms (DESIGN.md,
"Deadline language"). Phrases are folded to plain ASCII first, so text without
diacritics and the usual scan damage ("quý lV", "năm2022") parse the same way.
Vague words follow the Civil Code 2015, art. 146: đầu/giữa/cuối tháng are the 1st, the
15th and the last day; đầu/giữa/cuối năm are 1 January, 30 June and 31 December.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import pendulum
from dateutil.rrule import rrulestr

from dondoc.catalog.i18n import DondocError

Kind = Literal["date", "month", "quarter", "half", "year", "period", "recurring", "ongoing"]
KINDS: tuple[str, ...] = ("date", "month", "quarter", "half", "year", "period", "recurring", "ongoing")

MIN_YEAR, MAX_YEAR = 1990, 2100


class DeadlineError(DondocError):
    """A phrase that means nothing, or names a day that does not exist."""


@dataclass(frozen=True, slots=True)
class Deadline:
    text: str
    kind: str
    start: dt.date | None = None
    due: dt.date | None = None
    rrule: str | None = None

    def occurrences(self, start: dt.date, end: dt.date, dtstart: dt.date | None = None,
                    until: dt.date | None = None) -> list[dt.date]:
        """Nominal due dates of every occurrence inside [start, end]."""
        if self.kind == "ongoing":
            return []
        if self.kind != "recurring":
            return [self.due] if self.due and start <= self.due <= end else []
        return recurrence_dates(self.rrule or "", dtstart or dt.date(start.year, 1, 1),
                                until, start, end)

    def as_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "kind": self.kind,
            "start": self.start.isoformat() if self.start else None,
            "due": self.due.isoformat() if self.due else None,
            "rrule": self.rrule,
        }


_SIMPLE_RULE = re.compile(
    r"^FREQ=(YEARLY|MONTHLY|WEEKLY)(?:;BYMONTH=([\d,]+))?(?:;BYMONTHDAY=(-?\d+))?"
    r"(?:;BYDAY=(MO|TU|WE|TH|FR|SA|SU))?$")
_WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}


@lru_cache(maxsize=4096)
def _simple_dates(rule: str, first_year: int, last_year: int) -> tuple[dt.date, ...] | None:
    """The rules this parser emits, expanded directly (dateutil takes ~1000 times longer).

    RFC 5545 semantics: a BYMONTHDAY that a month lacks (31 in April) is skipped; -1 is the
    last day of the month.
    """
    m = _SIMPLE_RULE.match(rule)
    if not m:
        return None
    freq, months, monthday, weekday = m.groups()
    out: list[dt.date] = []
    if freq == "WEEKLY":
        if weekday is None or months or monthday:
            return None
        day = dt.date(first_year, 1, 1)
        day += dt.timedelta(days=(_WEEKDAYS[weekday] - day.weekday()) % 7)
        end = dt.date(last_year, 12, 31)
        while day <= end:
            out.append(day)
            day += dt.timedelta(days=7)
        return tuple(out)
    if monthday is None or weekday is not None:
        return None
    wanted_months = [int(x) for x in months.split(",")] if months else list(range(1, 13))
    if freq == "YEARLY" and not months:
        return None  # the month would come from DTSTART
    mday = int(monthday)
    for year in range(first_year, last_year + 1):
        for month in sorted(wanted_months):
            last = calendar.monthrange(year, month)[1]
            day_of_month = last + 1 + mday if mday < 0 else mday
            if 1 <= day_of_month <= last:
                out.append(dt.date(year, month, day_of_month))
    return tuple(out)


@lru_cache(maxsize=4096)
def _anchored_dates(rule: str, dtstart: dt.date, until: dt.date | None) -> tuple[dt.date, ...]:
    # Plans run for years, not centuries: without an end, look 30 years ahead.
    stop = until or dt.date(dtstart.year + 30, 12, 31)
    parsed = rrulestr(rule, dtstart=dt.datetime.combine(dtstart, dt.time()))
    return tuple(d.date() for d in parsed.between(
        dt.datetime.combine(dtstart, dt.time()), dt.datetime.combine(stop, dt.time()), inc=True))


def rule_dates(rule: str, dtstart: dt.date, until: dt.date | None) -> tuple[tuple[dt.date, ...], int, int]:
    """All occurrences as a sorted tuple, with the slice [lo, hi) inside [dtstart, until]."""
    last_year = until.year if until else dtstart.year + 30
    dates = _simple_dates(rule, dtstart.year, last_year) or _anchored_dates(rule, dtstart, until)
    lo = bisect.bisect_left(dates, dtstart)
    hi = bisect.bisect_right(dates, until) if until else len(dates)
    return dates, lo, hi


def recurrence_dates(rule: str, dtstart: dt.date, until: dt.date | None,
                     start: dt.date, end: dt.date) -> list[dt.date]:
    """Occurrences of an RRULE (from dtstart, bounded by until) inside [start, end]."""
    dates, lo, hi = rule_dates(rule, dtstart, until)
    lo = max(lo, bisect.bisect_left(dates, start))
    hi = min(hi, bisect.bisect_right(dates, end))
    return list(dates[lo:hi])


# ---------------------------------------------------------------------------- folding

_SCAN_FIXES = [
    # OCR reads "năm" as ndm, ndtrn, narn, nǎm...; all mean "year" here.
    (re.compile(r"\b(?:ndtrn|ndrn|ndm|narn|nam|nim|ndn)\b"), "nam"),
    (re.compile(r"\b(?:quj|qui|quv|quy)\b"), "quy"),
    (re.compile(r"\b(?:thdng|thang|thrng|th[aá]ng)\b"), "thang"),
    (re.compile(r"\bhang\b"), "hang"),
]
# Before digits and letters are split apart: "Quý 1V" is the scan's "Quý IV".
_ONE_V = re.compile(r"\b(qu[yji])\s*[1l|]v\b")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")
_SPACES = re.compile(r"\s+")
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "−": "-", "\\": "/"})


def fold(text: str) -> str:
    """Lower-case ASCII with single spaces: 'Quý IV năm2022' -> 'quy iv nam 2022'."""
    s = unicodedata.normalize("NFD", text.translate(_DASHES).lower())
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn").replace("đ", "d")
    s = _ONE_V.sub(r"\1 iv", s)
    s = _LETTER_DIGIT.sub(" ", s)
    for pattern, repl in _SCAN_FIXES:
        s = pattern.sub(repl, s)
    s = s.replace(",", " ").replace(";", " ").replace(":", " ")
    return _SPACES.sub(" ", s).strip()


# ---------------------------------------------------------------------------- patterns

Y = r"((?:19|20|21)\d\d)"
SEP = r"\s*(?:/|-|\.|nam)\s*"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8}

P_ONGOING = re.compile(r"\b(?:thuong xuyen|lien tuc|hang ngay|dot xuat|khi co yeu cau)\b")
P_REC_DAY_YEAR = re.compile(r"\bngay (\d{1,2})\s*[/.-]\s*(\d{1,2}) (?:hang|moi) nam\b")
P_REC_DAY_MONTH = re.compile(r"\bngay (\d{1,2}) (?:hang|moi|cua moi) thang\b")
P_REC_QUARTER_IN_YEAR = re.compile(r"\bquy ([ivxly1|]+|\d) (?:hang|moi) nam\b")
P_REC_MONTH_IN_YEAR = re.compile(r"\bthang (\d{1,2}) (?:hang|moi) nam\b")
P_REC_HALF = re.compile(r"\b(?:(?:dinh ky|hang|moi) 6 thang|6 thang (?:mot|1) lan|hang nua nam|6 thang va (?:hang|ca) nam)\b")
P_REC_QUARTER = re.compile(r"\b(?:hang|moi) quy\b")
P_REC_MONTH = re.compile(r"\b(?:hang|moi) thang\b")
P_REC_WEEK = re.compile(r"\b(?:hang|moi) tuan\b")
P_REC_YEAR = re.compile(r"\b(?:hang|moi) nam\b|\bdinh ky nam\b")
P_PERIOD = re.compile(
    r"(?:giai doan|tu nam|tu|nam)?\s*" + Y + r"\s*(?:-|den nam|den|toi nam|toi)\s*(?:nam\s*)?" + Y)
P_HALF = re.compile(r"\b6 thang (dau|cuoi) nam\s*" + Y + r"|\bnua (dau|cuoi) nam\s*" + Y)
P_QUARTER = re.compile(r"\bquy\s*([ivxly1|]+|\d+)\b" + SEP + Y)
P_DATE_NUM = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*" + Y + r"(?!\d)")
P_DATE_WORDS = re.compile(r"\bngay (\d{1,2}) thang (\d{1,2})\s*(?:nam|/|-)\s*" + Y)
P_PART_MONTH = re.compile(r"\b(dau|giua|cuoi) thang (\d{1,2})" + SEP + Y)
P_PART_YEAR = re.compile(r"\b(dau|giua|cuoi) nam\s*" + Y)
P_MONTH = re.compile(r"\bthang (\d{1,2})\b" + SEP + Y)
P_MONTH_BARE = re.compile(r"^(?:trong |truoc |den )?(\d{1,2})\s*/\s*" + Y + r"$")
P_YEAR = re.compile(r"(?<!\d)" + Y + r"(?!\d)")
P_QUARTER_ANY = re.compile(r"\bquy\s*([a-z1|]+|\d+)\b")
P_MONTH_ANY = re.compile(r"\bthang (\d{1,2})\b")


def _roman(token: str, text: str) -> int:
    """Quarter number from 'iv', '4', or the scan's 'lv', '1v', 'ly'."""
    if token.isdigit():
        number = int(token)
    else:
        fixed = token.replace("l", "i").replace("1", "i").replace("|", "i").replace("y", "v")
        if fixed not in _ROMAN:
            raise DeadlineError("deadline.unknown", text=text)
        number = _ROMAN[fixed]
    if not 1 <= number <= 4:
        raise DeadlineError("deadline.bad_quarter", quarter=token.upper())
    return number


def _year(value: str) -> int:
    year = int(value)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DeadlineError("deadline.bad_year", year=year)
    return year


def _month(value: str) -> int:
    month = int(value)
    if not 1 <= month <= 12:
        raise DeadlineError("deadline.bad_month", month=month)
    return month


def _day(day: int, month: int, year: int) -> pendulum.Date:
    month = _month(str(month))
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise DeadlineError("deadline.bad_day", day=f"{day:02d}", month=f"{month:02d}",
                            year=year, last=last)
    return pendulum.Date(year, month, day)


def _last_day(year: int, month: int) -> pendulum.Date:
    return pendulum.Date(year, month, calendar.monthrange(year, month)[1])


def _quarter_window(year: int, quarter: int) -> tuple[pendulum.Date, pendulum.Date]:
    first_month = 3 * (quarter - 1) + 1
    return pendulum.Date(year, first_month, 1), _last_day(year, first_month + 2)


# ---------------------------------------------------------------------------- parse


def parse(text: str) -> Deadline:
    """Parse one deadline phrase; raise DeadlineError with a clear message if it means nothing."""
    original = unicodedata.normalize("NFC", text).strip()
    if not original:
        raise DeadlineError("deadline.empty")
    s = fold(original)
    return _parse_recurring(original, s) or _parse_fixed(original, s)


def _parse_recurring(original: str, s: str) -> Deadline | None:
    def rec(rule: str) -> Deadline:
        return Deadline(original, "recurring", rrule=rule)

    m = P_REC_DAY_YEAR.search(s)
    if m:
        day, month = int(m.group(1)), _month(m.group(2))
        _day(day, month, 2024)  # a leap year, so 29/02 "hằng năm" is accepted
        return rec(f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={day}")
    m = P_REC_DAY_MONTH.search(s)
    if m:
        day = int(m.group(1))
        if not 1 <= day <= 31:
            raise DeadlineError("deadline.bad_day", day=day, month="MM", year="YYYY", last=31)
        return rec(f"FREQ=MONTHLY;BYMONTHDAY={day}")
    m = P_REC_QUARTER_IN_YEAR.search(s)
    if m:
        quarter = _roman(m.group(1), original)
        return rec(f"FREQ=YEARLY;BYMONTH={3 * quarter};BYMONTHDAY=-1")
    m = P_REC_MONTH_IN_YEAR.search(s)
    if m:
        return rec(f"FREQ=YEARLY;BYMONTH={_month(m.group(1))};BYMONTHDAY=-1")
    if P_REC_HALF.search(s):
        return rec("FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1")
    if P_REC_QUARTER.search(s):
        return rec("FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1")
    if P_REC_MONTH.search(s):
        return rec("FREQ=MONTHLY;BYMONTHDAY=-1")
    if P_REC_WEEK.search(s):
        return rec("FREQ=WEEKLY;BYDAY=FR")
    if P_REC_YEAR.search(s):
        return rec("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31")
    return None


def _parse_fixed(original: str, s: str) -> Deadline:
    m = P_PERIOD.search(s)
    if m and not P_DATE_NUM.search(s):
        first, last = _year(m.group(1)), _year(m.group(2))
        if last < first:
            raise DeadlineError("deadline.bad_period", first=first, last=last)
        return Deadline(original, "period", pendulum.Date(first, 1, 1), pendulum.Date(last, 12, 31))

    m = P_DATE_NUM.search(s) or P_DATE_WORDS.search(s)
    if m:
        year = _year(m.group(3))
        day = _day(int(m.group(1)), _month(m.group(2)), year)
        return Deadline(original, "date", None, day)

    m = P_PART_MONTH.search(s)
    if m:
        year, month = _year(m.group(3)), _month(m.group(2))
        part = m.group(1)
        day = 1 if part == "dau" else 15 if part == "giua" else calendar.monthrange(year, month)[1]
        return Deadline(original, "date", None, pendulum.Date(year, month, day))

    m = P_HALF.search(s)
    if m:
        which = m.group(1) or m.group(3)
        year = _year(m.group(2) or m.group(4))
        if which == "dau":
            return Deadline(original, "half", pendulum.Date(year, 1, 1), pendulum.Date(year, 6, 30))
        return Deadline(original, "half", pendulum.Date(year, 7, 1), pendulum.Date(year, 12, 31))

    m = P_QUARTER.search(s)
    if m:
        quarter = _roman(m.group(1), original)
        start, due = _quarter_window(_year(m.group(2)), quarter)
        return Deadline(original, "quarter", start, due)

    m = P_PART_YEAR.search(s)
    if m:
        year = _year(m.group(2))
        part = m.group(1)
        due = (pendulum.Date(year, 1, 1) if part == "dau"
               else pendulum.Date(year, 6, 30) if part == "giua" else pendulum.Date(year, 12, 31))
        return Deadline(original, "date", None, due)

    m = P_MONTH.search(s) or P_MONTH_BARE.search(s)
    if m:
        year, month = _year(m.group(2)), _month(m.group(1))
        return Deadline(original, "month", pendulum.Date(year, month, 1), _last_day(year, month))

    # A quarter or month named with an impossible number and no usable year still
    # deserves the precise complaint, not "cannot understand".
    m = P_QUARTER_ANY.search(s)
    if m and P_YEAR.search(s):
        _roman(m.group(1), original)
    m = P_MONTH_ANY.search(s)
    if m and P_YEAR.search(s):
        _month(m.group(1))

    years = P_YEAR.findall(s)
    if len(years) == 1:
        year = _year(years[0])
        return Deadline(original, "year", pendulum.Date(year, 1, 1), pendulum.Date(year, 12, 31))

    if P_ONGOING.search(s):
        return Deadline(original, "ongoing")
    raise DeadlineError("deadline.unknown", text=original)
