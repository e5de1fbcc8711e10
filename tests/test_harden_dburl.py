"""Database URLs never show their secrets: password, password-like query parameters, a raw
'@' in the password; in connection errors and in the TUI's status bar label."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine

from dondoc.catalog.store.engines import engine_for, mask_url
from tests.cli import dondoc

SECRET = "Sup3rS3cret"
URLS = [
    f"postgresql+psycopg://postgres@127.0.0.1:1/test?password={SECRET}",
    f"postgresql+psycopg://postgres@127.0.0.1:1/test?sslmode=disable&sslpassword={SECRET}",
    f"postgresql+psycopg://:{SECRET}@127.0.0.1:1/test",
    f"postgresql+psycopg://postgres:ab@{SECRET}@127.0.0.1:1/test",
    f"postgresql+psycopg://postgres:{SECRET}/x@127.0.0.1:1/test",
]


@pytest.mark.parametrize("url", URLS)
def test_mask_url_hides_every_secret(url: str) -> None:
    masked = mask_url(url)
    assert SECRET not in masked and "***" in masked
    assert "127.0.0.1:1/test" in masked
    # what the TUI shows: the engine's own URL rendered back, then masked
    rendered = create_engine(url.replace("psycopg", "psycopg", 1)).url.render_as_string(
        hide_password=False)
    assert SECRET not in mask_url(rendered)


@pytest.mark.parametrize("url", URLS)
def test_connection_errors_hide_every_secret(url: str, home: Path) -> None:
    run = dondoc("overdue", db_url=url, home=home)
    assert run.code == 2 and len(run.err.strip().splitlines()) == 1, run.err
    assert SECRET not in run.err and SECRET not in run.out
    assert "127.0.0.1" in run.err


def test_a_raw_at_in_the_password_is_taken_as_written(pg_url: str) -> None:
    # trust auth ignores the password: the point is that the host is parsed right
    url = pg_url.replace("postgres@", "postgres:p@ss/w@", 1)
    engine = engine_for(url)
    assert engine.url.host == "127.0.0.1" and engine.url.password == "p@ss/w"
    assert "p@ss" not in mask_url(url)


def test_mask_url_on_text_masks_only_the_urls_in_it() -> None:
    assert mask_url("email") == "email"
    text = f"cannot reach postgresql://u:{SECRET}@h/db today"
    assert mask_url(text) == "cannot reach postgresql://u:***@h/db today"
