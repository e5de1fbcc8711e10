"""Engines and sessions for SQLite (the embedded default) and PostgreSQL."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from typing import TYPE_CHECKING

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from sqlmodel import Session

from dondoc.catalog.store.sqlite_read import MIGRATIONS, head_revision
from dondoc.catalog.i18n import DondocError
from dondoc.catalog.settings import database_url

# Query parameters that carry credentials (libpq's password, sslpassword, a token...).
_SECRET_PARAM = re.compile(r"pass|pwd|secret|token|key|auth|cred", re.IGNORECASE)


_ONE_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S*")
_ANY_URL = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://\S+")


def _quote_userinfo(url: str) -> str:
    """The URL with its user info quoted, taking the last '@' as its end: SQLAlchemy's
    parser stops at the first '@', so a raw '@' in a password would leak into the host."""
    from urllib.parse import quote, unquote

    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    head = rest.split("?", 1)[0]
    at = head.rfind("@")
    if at < 0:
        return url
    user, colon, password = rest[:at].partition(":")
    userinfo = quote(unquote(user), safe="")
    if colon:
        userinfo += ":" + quote(unquote(password), safe="")
    return f"{scheme}://{userinfo}@{rest[at + 1:]}"


def mask_url(url: str) -> str:
    """The URL with its password and password-like query parameters masked, for messages,
    logs and the status bar. Given text that merely holds URLs, each of them is masked."""
    if not _ONE_URL.fullmatch(url):
        return _ANY_URL.sub(lambda m: mask_url(m.group(0)), url)
    from sqlalchemy.engine import make_url  # off the fast read path until needed

    try:
        parsed = make_url(_quote_userinfo(url))
    except Exception:  # unparseable: show the scheme only, never the rest
        return url.split("://", 1)[0] + "://***" if "://" in url else "***"
    query = {k: ("***" if _SECRET_PARAM.search(k) else v) for k, v in parsed.query.items()}
    return parsed.set(query=query).render_as_string(hide_password=True).replace("%2A%2A%2A", "***")


def _secrets_of(url: str) -> list[str]:
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(_quote_userinfo(url))
    except Exception:
        return []
    out = [parsed.password or ""]
    for k, v in parsed.query.items():
        if _SECRET_PARAM.search(k):
            out += list(v) if isinstance(v, tuple) else [v]
    return [s for s in out if s]


def busy_timeout_ms() -> int:
    """How long one SQLite statement waits for another writer's lock (DONDOC_SQLITE_BUSY_MS)."""
    from dondoc.catalog.settings import settings
    return settings().sqlite_busy_ms


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    # WAL lets the TUI read while a sender writes; foreign keys are off by default in SQLite.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False,
                                                   "timeout": busy_timeout_ms() / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        # A raw '@' or '/' in the password is taken as written, not as the host's start.
        engine = create_engine(_quote_userinfo(url), pool_pre_ping=True)
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # any driver's failure to connect
        problem = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        for secret in _secrets_of(url):  # a driver may echo the DSN it was given
            problem = problem.replace(secret, "***")
        raise DondocError("db.connect", url=mask_url(url), problem=problem) from None
    return engine


def _current_revision(engine: Engine) -> str | None:
    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as conn:
        return conn.execute(text("select version_num from alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (alembic is imported only when needed)."""
    if _current_revision(engine) == head_revision():
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


@lru_cache(maxsize=4)
def engine_for(url: str | None = None) -> Engine:
    engine = make_engine(url)
    migrate(engine)
    return engine


def session(url: str | None = None) -> "Session":
    from sqlmodel import Session  # the ORM is for writers; readers stay on plain SQL
    return Session(engine_for(url or database_url()), expire_on_commit=False)
