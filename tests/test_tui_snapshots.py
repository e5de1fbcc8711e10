"""Snapshots of every view on the seed catalog at a fixed day and terminal size.

Regenerate after checking the screens by eye: pytest tests/test_tui_snapshots.py
--snapshot-update. The files live in tests/snapshots/test_tui_snapshots/.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pytest_textual_snapshot import SVGImageExtension
from textual.widgets import Input

from dondoc.catalog.i18n import set_lang
from tests.tui_support import SNAP_SIZE, add_ledger_and_reviews, copy_seed, make_app, settle

SNAPSHOTS = Path(__file__).parent / "snapshots"
_default_dirname = SVGImageExtension.dirname.__func__  # type: ignore[attr-defined]


def _dirname(cls, *, test_location) -> str:  # type: ignore[no-untyped-def]
    # This module's snapshots go to tests/snapshots/ (the repository's place for them);
    # any other module keeps syrupy's default.
    if Path(test_location.filepath).name == Path(__file__).name:
        return str(SNAPSHOTS / Path(__file__).stem)
    return _default_dirname(cls, test_location=test_location)


SVGImageExtension.dirname = classmethod(_dirname)  # type: ignore[method-assign]


@pytest.fixture(scope="module")
def seed_db(seed_home: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Seed catalog plus reminders, reviews and reported figures (read-only here)."""
    url = copy_seed(seed_home, tmp_path_factory.mktemp("snap-db"))
    add_ledger_and_reviews(url)
    return url


@pytest.fixture(autouse=True)
def vietnamese():  # type: ignore[no-untyped-def]
    set_lang("vi")
    yield
    set_lang(None)


def shot(snap_compare, url: str, keys: tuple[str, ...] = (),  # type: ignore[no-untyped-def]
         as_of: dt.date = dt.date(2023, 3, 1), size: tuple[int, int] = SNAP_SIZE) -> bool:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        # A blinking cursor would make the picture depend on the moment it is taken.
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return snap_compare(make_app(url, as_of), terminal_size=size, run_before=run_before)


def test_view_overdue(snap_compare, seed_db: str) -> None:  # type: ignore[no-untyped-def]
    assert shot(snap_compare, seed_db)


def test_view_due_soon(snap_compare, seed_db: str) -> None:  # type: ignore[no-untyped-def]
    # Year-end: the 2022 tasks fall due within the ten working days.
    assert shot(snap_compare, seed_db, ("2",), as_of=dt.date(2022, 12, 20))


def test_view_units(snap_compare, seed_db: str) -> None:  # type: ignore[no-untyped-def]
    assert shot(snap_compare, seed_db, ("3",))


def test_view_targets(snap_compare, seed_db: str) -> None:  # type: ignore[no-untyped-def]
    assert shot(snap_compare, seed_db, ("4", "slash", "H", "P", "-", "7", "4", "enter"))


def test_view_reviews(snap_compare, seed_db: str) -> None:  # type: ignore[no-untyped-def]
    assert shot(snap_compare, seed_db, ("5", "down"))


def test_view_reminders(snap_compare, seed_db: str) -> None:  # type: ignore[no-untyped-def]
    assert shot(snap_compare, seed_db, ("6", "down"))


def test_view_all_tasks(snap_compare, seed_db: str) -> None:  # type: ignore[no-untyped-def]
    assert shot(snap_compare, seed_db, ("7",))


def test_help(snap_compare, seed_db: str) -> None:  # type: ignore[no-untyped-def]
    assert shot(snap_compare, seed_db, ("question_mark",))


def test_extension_form(snap_compare, seed_db: str) -> None:  # type: ignore[no-untyped-def]
    assert shot(snap_compare, seed_db, ("e",))


def test_empty_database(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert shot(snap_compare, f"sqlite:///{tmp_path / 'empty.sqlite'}", size=(120, 30))


def test_english_overdue(snap_compare, seed_db: str) -> None:  # type: ignore[no-untyped-def]
    set_lang("en")
    assert shot(snap_compare, seed_db)


def test_no_color_keeps_the_meaning(snap_compare, seed_db: str,  # type: ignore[no-untyped-def]
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # Without colour, every status still reads as a glyph and a word (✗ 301 ngày).
    monkeypatch.setenv("NO_COLOR", "1")
    assert shot(snap_compare, seed_db, ("7",))


def test_small_terminal_80x24(snap_compare, seed_db: str) -> None:  # type: ignore[no-untyped-def]
    # 80x24: the detail pane folds away (`i` brings it back) and the eight tabs shorten
    # their names so that every one of them stays on the line.
    assert shot(snap_compare, seed_db, size=(80, 24))


def test_assign_dialog(snap_compare, seed_db: str) -> None:  # type: ignore[no-untyped-def]
    assert shot(snap_compare, seed_db, ("8", "a", "s", "o", "space", "t", "t"))
