"""Dates as Vietnamese users type them, for every option and form that takes one.

dd/mm/yyyy and d/m/yyyy (the Vietnamese order, also with '.' or '-') and ISO yyyy-mm-dd.
A year of four digits fixes the order: 03/04/2023 is 3 April, 2023-04-03 is 3 April. A
day and month without a year (3/4) is read in the reference year and comes with a note
saying which day was read, because the person may have meant another year.
"""

from __future__ import annotations

import datetime as dt
import re

from dondoc.catalog.i18n import DondocError, t

# The days dondoc works with, in catalogs and options alike (catalog/files/schema.py checks
# plan files against them): beyond them date arithmetic (a first occurrence 30 days after
# issue, a 400-day calendar window) overflows.
EARLIEST = dt.date(1990, 1, 1)
LATEST = dt.date(2100, 12, 31)

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_DM = re.compile(r"^(\d{1,2})[/.](\d{1,2})$")


def parse_user_date(text: str, today: dt.date | None = None) -> tuple[dt.date, str | None]:
    """(the date, a note when the text left something to guess) or DondocError date.bad."""
    value = text.strip()
    try:
        m = _ISO.match(value)
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3])), None
        m = _DMY.match(value)
        if m:
            return dt.date(int(m[3]), int(m[2]), int(m[1])), None
        m = _DM.match(value)
        if m and today is not None:
            day = dt.date(today.year, int(m[2]), int(m[1]))
            return day, t("date.read_as", value=value, date=day.strftime("%d/%m/%Y"))
    except ValueError:
        pass
    raise DondocError("date.bad", value=text)
