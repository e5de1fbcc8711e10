"""A read-only path to the embedded SQLite database that does not import SQLAlchemy.

`dondoc overdue`, `tasks` and `plans` ask a handful of plain SQL questions; on SQLite the
standard library answers them, and importing SQLAlchemy would cost more than the query
(about a third of a second here). It offers the few engine and connection calls that
dondoc.catalog.store.queries.Reader makes, and is used only when the database exists and its schema is
current; anything else goes through dondoc.catalog.store.engines (SQLAlchemy, migrations, PostgreSQL).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterator

MIGRATIONS = Path(__file__).parent / "migrations"


def head_revision() -> str:
    """The newest migration, read from the files (so a current database needs no alembic)."""
    revs: dict[str, str | None] = {}
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        rev = re.search(r"^revision\b[^=]*=\s*['\"]([^'\"]+)['\"]", source, re.M)
        down = re.search(r"^down_revision\b[^=]*=\s*['\"]([^'\"]+)['\"]", source, re.M)
        if rev:
            revs[rev.group(1)] = down.group(1) if down else None
    tips = set(revs) - {d for d in revs.values() if d}
    return min(tips) if tips else ""


class _Result:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    def all(self) -> list[tuple[Any, ...]]:
        return self._cursor.fetchall()

    def first(self) -> tuple[Any, ...] | None:
        return self._cursor.fetchone()

    def scalar_one(self) -> Any:
        row = self._cursor.fetchone()
        if row is None:
            raise LookupError("no row")
        return row[0]

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self._cursor)


class _Connection:
    def __init__(self, raw: sqlite3.Connection) -> None:
        self._raw = raw
        self.connection = SimpleNamespace(dbapi_connection=raw)

    def exec_driver_sql(self, sql: str, params: tuple[Any, ...] = ()) -> _Result:
        cursor = self._raw.cursor()
        cursor.execute(sql, params)
        return _Result(cursor)

    def __enter__(self) -> _Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self._raw.close()


class SqliteReadEngine:
    """Just enough of an Engine for dondoc.catalog.store.queries.Reader, read-only."""

    dialect = SimpleNamespace(name="sqlite", paramstyle="qmark")

    def __init__(self, path: Path) -> None:
        self.path = path

    def connect(self) -> _Connection:
        raw = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
        # Overdue rows are read in due-date order, all over the file: map it rather than
        # copy it page by page through a 2 MB cache (the OS page cache holds it anyway).
        raw.execute("pragma mmap_size=4294967296")
        return _Connection(raw)


def read_engine(url: str) -> SqliteReadEngine | None:
    """The fast reader for a current SQLite database at url, or None to use SQLAlchemy."""
    if not url.startswith("sqlite:///"):
        return None
    path = Path(url[len("sqlite:///"):])
    if not path.is_file():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as conn:
            row = conn.execute("select version_num from alembic_version").fetchone()
    except sqlite3.Error:
        return None
    if row is None or row[0] != head_revision():
        return None
    return SqliteReadEngine(path)
