"""Terminal escapes from the catalog: refused on load, and shown inert when already stored."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.cli import dondoc
from tests.test_bad_input import assert_refused, break_plan, line_of, loaded  # noqa: F401

TITLE = "Xây dựng kế hoạch chuyển đổi số của từng đơn vị"
HOSTILE = {
    "osc-title": "\\e]0;pwned\\a",
    "clear": "\\e[2J",
    "osc8-link": "\\e]8;;http://evil.example\\e\\\\click\\e]8;;\\e\\\\",
    "c1-csi": "\\x9b2J",
}


@pytest.mark.parametrize("payload", list(HOSTILE.values()), ids=list(HOSTILE))
def test_control_characters_are_refused_on_load(loaded, payload: str) -> None:  # noqa: F811
    home, src, before = loaded
    path = break_plan(src, f"title: {TITLE}", f'title: "{TITLE} {payload}"')
    line = line_of(path, "pwned" if "pwned" in payload else TITLE)
    err = assert_refused(home, src, before, f"{path}:{line}", "tasks.title", "U+")
    assert "ký tự điều khiển" in err and "\x1b" not in err


def test_stored_escapes_are_shown_inert(loaded) -> None:  # noqa: F811
    home, _, _ = loaded
    evil = "Nhiệm vụ \x1b]0;pwned\x07 \x1b[2J [bold]x[/bold] \x9b31m"
    with sqlite3.connect(home / "dondoc.sqlite") as db:
        db.execute("update task set title = ? where code = 'NV01'", (evil,))
    # Per-task messages put a task's title on the terminal (a letter's subject only counts).
    per_task = {"DONDOC_REMIND_LETTERS": "0"}
    outputs = [dondoc(*args, home=home, env=per_task) for args in (
        ("overdue", "--as-of", "2022-07-01"), ("tasks", "--as-of", "2022-07-01"),
        ("remind", "--as-of", "2022-07-01"), ("deliveries",))]
    for run in outputs:
        assert run.code == 0, run.err
        assert "\x1b" not in run.out and "\x07" not in run.out and "\x9b" not in run.out
    assert all("\\x1b]0;pwned" in run.out for run in outputs[2:])
    # the tables keep the markup text as written, not as rich styles
    assert "[bold]x[/bold]" in outputs[1].out.replace("\n", "").replace("│", "").replace(" ", "") \
        or "[bold]x" in outputs[1].out


def test_tui_rows_and_detail_escape_controls() -> None:
    from rich.text import Text

    from dondoc.tui.app.widgets.detail import _field, _section

    text = Text()
    _field(text, "Nhiệm vụ", "a\x1b[2Jb")
    _section(text, "Báo cáo", ["c\x1b]0;x\x07d"])
    assert "\x1b" not in text.plain and "\x07" not in text.plain
    assert "a\\x1b[2Jb" in text.plain and "c\\x1b]0;x\\x07d" in text.plain
