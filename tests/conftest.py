from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.cli import SHIPPED_PLANS, dondoc


PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def seed_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DONDOC_HOME whose SQLite database holds the shipped seed catalog, loaded once."""
    home = tmp_path_factory.mktemp("seed-home")
    result = dondoc("catalog", "load", str(SHIPPED_PLANS), home=home)
    assert result.code == 0, result.err
    return home


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty DONDOC_HOME (SQLite created on first use)."""
    return tmp_path / "home"


@pytest.fixture
def pg_url() -> str:
    """A fresh PostgreSQL schema of its own on the local server, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db.sqlite'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The URL of a real Prefect server, one per test session."""
    from tests.prefect_server import start_server

    yield from start_server(tmp_path_factory.mktemp("prefect-home"))
