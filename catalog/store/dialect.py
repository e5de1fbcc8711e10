"""What differs between SQLite and PostgreSQL for the plain SQL the store writes.

Works on anything with a `dialect` (an Engine, a Connection, or the fast SQLite reader).
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def mark(bind: Any) -> str:
    """The driver's parameter placeholder: `?` for sqlite3, `%s` for psycopg."""
    return "?" if bind.dialect.paramstyle == "qmark" else "%s"


def marks(bind: Any, n: int) -> str:
    """n placeholders, comma separated, for an `in (...)` list."""
    return ",".join([mark(bind)] * n)


def date_param(bind: Any, day: dt.date) -> Any:
    """A date as the driver compares it: SQLite keeps dates as ISO text."""
    return day.isoformat() if bind.dialect.name == "sqlite" else day


CHUNK = 900  # ids per `in (...)`: SQLite's default limit on parameters is 999
