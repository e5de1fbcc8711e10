"""Size limits: oversized catalogs are refused on load; long stored text is cut in every view."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from dondoc.catalog.files.schema import MAX_FILE_BYTES, MAX_NAME, MAX_TASKS, MAX_TEXT, MAX_TITLE
from tests.cli import dondoc
from tests.remind_servers import write_plan
from tests.test_bad_input import assert_refused, break_plan, line_of, loaded  # noqa: F401

TITLE = "Xây dựng kế hoạch chuyển đổi số của từng đơn vị"


def test_a_title_over_the_limit_is_refused(loaded) -> None:  # noqa: F811
    home, src, before = loaded
    path = break_plan(src, f"title: {TITLE}", f"title: {TITLE} {'x' * MAX_TITLE}")
    assert_refused(home, src, before, f"{path}:{line_of(path, 'xxxx')}", "tasks.title",
                   str(MAX_TITLE), "ký tự")


def test_a_note_over_the_limit_is_refused(loaded) -> None:  # noqa: F811
    home, src, before = loaded
    path = break_plan(src, f"title: {TITLE}", f"title: {TITLE}\n    note: {'y' * (MAX_TEXT + 1)}")
    assert_refused(home, src, before, f"{path}:{line_of(path, 'yyyy')}", "tasks.note",
                   str(MAX_TEXT))


def test_a_unit_name_over_the_limit_is_refused(loaded) -> None:  # noqa: F811
    home, src, before = loaded
    units = src / "units.yaml"
    text = units.read_text(encoding="utf-8")
    old = "name: Ủy ban nhân dân tỉnh Thử Nghiệm"
    units.write_text(text.replace(old, old + " " + "z" * MAX_NAME, 1), encoding="utf-8")
    run = dondoc("catalog", "load", str(src), home=home)
    assert run.code == 2 and len(run.err.strip().splitlines()) == 1, run.err
    assert f"{units}:{line_of(units, 'zzzz')}: " in run.err and "units.name" in run.err
    assert str(MAX_NAME) in run.err


def test_a_file_over_the_limit_is_refused(loaded) -> None:  # noqa: F811
    home, src, before = loaded
    path = src / "demo-plan.yaml"
    with path.open("a", encoding="utf-8") as f:
        f.write(("# " + "p" * 1000 + "\n") * (MAX_FILE_BYTES // 1000 + 1))
    assert_refused(home, src, before, str(path), "MB")


def test_too_many_tasks_are_refused(home: Path, tmp_path: Path) -> None:
    src = write_plan(tmp_path / "cat", MAX_TASKS + 1)
    run = dondoc("catalog", "load", str(src), home=home)
    assert run.code == 2 and len(run.err.strip().splitlines()) == 1, run.err
    assert f"{src / 'plan.yaml'}:" in run.err and "tasks" in run.err and str(MAX_TASKS) in run.err


def test_views_cut_long_stored_text(loaded) -> None:  # noqa: F811
    home, _, _ = loaded
    huge = "Nhiệm vụ " + "rất dài " * 250_000  # 2 MB, as if loaded before the limits
    with sqlite3.connect(home / "dondoc.sqlite") as db:
        db.execute("update task set title = ? where code = 'NV01'", (huge,))
    started = time.monotonic()
    # Per-task messages put a task's title on the terminal (a letter's subject only counts).
    per_task = {"DONDOC_REMIND_LETTERS": "0"}
    runs = [dondoc(*args, home=home, env=per_task) for args in (
        ("overdue", "--as-of", "2022-07-01"), ("tasks", "--as-of", "2022-07-01"),
        ("remind", "--as-of", "2022-07-01", "--dry-run"), ("deliveries",))]
    assert time.monotonic() - started < 60
    for run in runs[:3]:
        assert run.code == 0, run.err
        assert len(run.out) < 20_000 and "…" in run.out
