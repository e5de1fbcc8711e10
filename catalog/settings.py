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


def prefect_port() -> int:
    return int(os.environ.get("DONDOC_PREFECT_PORT", "4200"))


def prefect_api_url() -> str:
    """The Prefect API dondoc talks to: PREFECT_API_URL, or the embedded local server."""
    return os.environ.get("PREFECT_API_URL") or f"http://127.0.0.1:{prefect_port()}/api"


def prefect_env() -> dict[str, str]:
    """Environment for Prefect processes: its home and database under DONDOC_HOME."""
    home = dondoc_home() / "prefect"
    return {
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": prefect_api_url(),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": os.environ.get("PREFECT_LOGGING_LEVEL", "WARNING"),
    }
