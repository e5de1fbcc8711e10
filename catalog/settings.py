"""Every setting dondoc reads from its environment, in one place, with its default.

`Settings.from_env()` is the only reader of DONDOC_* variables (and of the two Prefect ones
dondoc passes on). It is a plain frozen dataclass rather than a pydantic-settings model:
importing pydantic-settings costs about 0.17 s, and every `dondoc overdue` would pay it.
The environment is read afresh at each call (a dozen dictionary look-ups) so that a test or
a long-lived process that changes a variable is seen at once.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

TZ = "Asia/Ho_Chi_Minh"


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    try:
        return float(env.get(name, default))
    except ValueError:
        return default


def _positive(value: float, default: float) -> float:
    return value if value > 0 else default


@dataclass(frozen=True)
class Settings:
    """What an administrator can set; the README's table of variables lists the same."""

    home: Path                      # DONDOC_HOME: the database, outbox, reports, logs, keys
    database_url: str               # DONDOC_DATABASE_URL: SQLite under home unless set
    lang: str                       # DONDOC_LANG: vi (default) or en
    catalog: Path | None            # DONDOC_CATALOG: the plan folder the daily sync loads
    calendar: Path | None           # DONDOC_CALENDAR: one more working-day override file
    apprise_config: Path | None     # DONDOC_APPRISE_CONFIG: Apprise YAML; unset = the outbox
    actor: str | None               # DONDOC_ACTOR: who the audit trail says acted
    prefect_port: int               # DONDOC_PREFECT_PORT: the embedded server's port
    prefect_api_url: str            # PREFECT_API_URL: an outside server, or the embedded one
    external_prefect: bool          # whether PREFECT_API_URL names a server of the user's
    prefect_logging_level: str      # PREFECT_LOGGING_LEVEL for the processes dondoc starts
    no_ui: bool                     # DONDOC_NO_UI: start the embedded server without its UI
    claim_timeout: float            # DONDOC_CLAIM_TIMEOUT: s before a pending claim is stale
    max_attempts: int               # DONDOC_MAX_ATTEMPTS: sends before a letter is given up
    retry_backoff: float            # DONDOC_RETRY_BACKOFF: s before the first retry (doubles)
    retry_backoff_cap: float        # DONDOC_RETRY_BACKOFF_CAP: the longest wait between tries
    send_deadline: float            # DONDOC_SEND_DEADLINE: s one delivery may take in all
    sqlite_busy_ms: int             # DONDOC_SQLITE_BUSY_MS: how long a statement waits for a lock
    lock_retry: float               # DONDOC_LOCK_RETRY_S: s a ledger write retries a locked db
    release_retry: float            # DONDOC_RELEASE_RETRY_S: s spent releasing claims on the way out
    letters: bool                   # DONDOC_REMIND_LETTERS: one letter per unit a day (0: per task)
    serve_host: str                 # DONDOC_SERVE_HOST: where `dondoc serve` listens
    serve_port: int                 # DONDOC_SERVE_PORT: its port
    serve_url: str                  # DONDOC_SERVE_URL: the public address written in links
    link_days: int                  # DONDOC_LINK_DAYS: how long a unit's link lasts
    serve_rate: int                 # DONDOC_SERVE_RATE: requests per minute one link may make
    sync_concurrency: int = 4       # DONDOC_SYNC_CONCURRENCY: provinces `dondoc sync` writes at once

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        home = Path(env.get("DONDOC_HOME") or Path.home() / ".dondoc")
        port = int(env.get("DONDOC_PREFECT_PORT") or "4200")
        serve_host = env.get("DONDOC_SERVE_HOST") or "127.0.0.1"
        serve_port = int(_float(env, "DONDOC_SERVE_PORT", 8088))
        return cls(
            home=home,
            database_url=env.get("DONDOC_DATABASE_URL") or f"sqlite:///{home / 'dondoc.sqlite'}",
            lang="en" if env.get("DONDOC_LANG", "vi").lower().startswith("en") else "vi",
            catalog=Path(env["DONDOC_CATALOG"]) if env.get("DONDOC_CATALOG") else None,
            calendar=Path(env["DONDOC_CALENDAR"]) if env.get("DONDOC_CALENDAR") else None,
            apprise_config=(Path(env["DONDOC_APPRISE_CONFIG"])
                            if env.get("DONDOC_APPRISE_CONFIG") else None),
            actor=env.get("DONDOC_ACTOR") or None,
            prefect_port=port,
            prefect_api_url=env.get("PREFECT_API_URL") or f"http://127.0.0.1:{port}/api",
            external_prefect=bool(env.get("PREFECT_API_URL")),
            prefect_logging_level=env.get("PREFECT_LOGGING_LEVEL", "WARNING"),
            no_ui=bool(env.get("DONDOC_NO_UI")),
            claim_timeout=_float(env, "DONDOC_CLAIM_TIMEOUT", 600.0),
            max_attempts=max(1, int(_float(env, "DONDOC_MAX_ATTEMPTS", 5))),
            retry_backoff=_float(env, "DONDOC_RETRY_BACKOFF", 300.0),
            retry_backoff_cap=_float(env, "DONDOC_RETRY_BACKOFF_CAP", 6 * 3600.0),
            send_deadline=_positive(_float(env, "DONDOC_SEND_DEADLINE", 60.0), 60.0),
            sqlite_busy_ms=max(0, int(_float(env, "DONDOC_SQLITE_BUSY_MS", 30000))),
            lock_retry=_float(env, "DONDOC_LOCK_RETRY_S", 120.0),
            release_retry=_float(env, "DONDOC_RELEASE_RETRY_S", 10.0),
            letters=env.get("DONDOC_REMIND_LETTERS", "1").strip().lower() not in ("0", "no",
                                                                                  "false"),
            serve_host=serve_host,
            serve_port=serve_port,
            serve_url=(env.get("DONDOC_SERVE_URL")
                       or f"http://{serve_host}:{serve_port}").rstrip("/"),
            link_days=max(1, int(_float(env, "DONDOC_LINK_DAYS", 30))),
            serve_rate=max(1, int(_float(env, "DONDOC_SERVE_RATE", 120))),
            sync_concurrency=max(1, int(_float(env, "DONDOC_SYNC_CONCURRENCY", 4))),
        )



def settings() -> Settings:
    return Settings.from_env()


def dondoc_home() -> Path:
    return settings().home


def database_url() -> str:
    return settings().database_url


def default_actor() -> str:
    """Who acts, for the audit trail: DONDOC_ACTOR, else the login name."""
    actor = settings().actor
    if actor:
        return actor
    import getpass
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"


def today() -> dt.date:
    """Today in Vietnam, whatever the machine's clock zone."""
    # The standard library's zoneinfo costs a tenth of pendulum's import, which `dondoc
    # overdue` without --as-of would otherwise pay; pendulum's own tz data is the fallback
    # where the system has none.
    import zoneinfo
    try:
        zone = zoneinfo.ZoneInfo(TZ)
    except zoneinfo.ZoneInfoNotFoundError:
        import pendulum
        return pendulum.today(TZ).date()
    return dt.datetime.now(zone).date()


def shipped_plans_dir() -> Path:
    return Path(__file__).parent / "plans"


def prefect_port() -> int:
    return settings().prefect_port


def prefect_api_url() -> str:
    """The Prefect API dondoc talks to: PREFECT_API_URL, or the embedded local server."""
    return settings().prefect_api_url


def prefect_env() -> dict[str, str]:
    """Environment for Prefect processes: its home and database under DONDOC_HOME."""
    s = settings()
    return {
        "PREFECT_HOME": str(s.home / "prefect"),
        "PREFECT_API_URL": s.prefect_api_url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": s.prefect_logging_level,
    }
