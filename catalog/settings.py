"""Where dondoc keeps its things: DONDOC_HOME, the database URL, the time zone."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pendulum

TZ = "Asia/Ho_Chi_Minh"


def dondoc_home() -> Path:
    return Path(os.environ.get("DONDOC_HOME") or Path.home() / ".dondoc")


def database_url() -> str:
    url = os.environ.get("DONDOC_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{dondoc_home() / 'dondoc.sqlite'}"


def today() -> dt.date:
    """Today in Vietnam, whatever the machine's clock zone."""
    return pendulum.today(TZ).date()


def shipped_plans_dir() -> Path:
    return Path(__file__).parent / "plans"
