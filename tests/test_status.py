"""One status rule: `dondoc tasks` and the terminal UI's read model agree on every task."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dondoc.catalog.rules.status import task_status
from dondoc.catalog.rules.workdays import default_calendar
from dondoc.catalog.store.engines import engine_for
from dondoc.catalog.store.queries import Filter
from dondoc.catalog.store.readmodel import load_tasks
from tests.cli import catalog_with_plan, dondoc

D = dt.date


def cli_statuses(home: Path, as_of: str, db_url: str | None = None) -> dict[tuple[str, str], str]:
    result = dondoc("tasks", "--json", "--as-of", as_of, home=home, db_url=db_url)
    assert result.code == 0, result.err
    return {(t["plan"], t["task"]): t["status"] for t in result.json()}


def tui_statuses(home: Path, as_of: str, db_url: str | None = None) -> dict[tuple[str, str], str]:
    engine = engine_for(db_url or f"sqlite:///{home / 'dondoc.sqlite'}")
    try:
        return {(r.plan, r.code): r.status
                for r in load_tasks(engine, Filter(as_of=D.fromisoformat(as_of)))}
    finally:
        engine.dispose()


@pytest.mark.parametrize("as_of", ["2022-06-01", "2022-06-20", "2022-12-20", "2023-03-01", "2024-12-20"])
def test_cli_and_tui_give_every_seed_task_the_same_status(seed_home: Path, as_of: str) -> None:
    cli = cli_statuses(seed_home, as_of)
    tui = tui_statuses(seed_home, as_of)
    assert len(cli) > 100
    assert tui == cli


def test_seed_statuses_cover_the_interesting_cases(seed_home: Path) -> None:
    # Without due-soon and overdue tasks on these days the comparison above proves little.
    seen = {s for day in ("2022-06-01", "2022-12-20", "2023-03-01")
            for s in cli_statuses(seed_home, day).values()}
    assert {"overdue", "due_soon", "not_due", "done", "no_deadline"} <= seen


PLAN = """\
plan:
  code: WIN-2022
  title: Kế hoạch thử cửa sổ sắp đến hạn
  issuer: UBND thành phố Đông Mai
  issued_on: 2022-03-15
  horizon: Năm 2022
  number: 1/KH-UBND
  kind: ke-hoach
  coordinator: Phòng Văn hóa và Thông tin
{reminders}tasks:
  - code: NV01
    title: Một việc hạn cuối tháng 6
    lead: Phòng VHTT
    deadline: trước ngày 30/6/2022
"""


@pytest.mark.parametrize("window, expected", [(None, "not_due"), (25, "due_soon")])
def test_a_plans_due_soon_window_counts_in_the_cli_and_the_tui(
        tmp_path: Path, db_url: str, window: int | None, expected: str) -> None:
    reminders = f"  reminders:\n    due_soon_window: {window}\n" if window else ""
    home = tmp_path / "home"
    folder = catalog_with_plan(tmp_path / "cat", PLAN.format(reminders=reminders))
    assert dondoc("catalog", "load", str(folder), home=home, db_url=db_url).code == 0
    cli = cli_statuses(home, "2022-06-01", db_url)
    assert cli[("WIN-2022", "NV01")] == expected
    assert tui_statuses(home, "2022-06-01", db_url) == cli


def test_the_status_rule() -> None:
    cal = default_calendar()
    as_of = D(2023, 3, 1)
    soon = cal.add_working_days(as_of, 10)
    assert task_status("open", None, "date", D(2023, 2, 28), as_of, soon) == "overdue"
    assert task_status("open", None, "date", as_of, as_of, soon) == "due_soon"
    assert task_status("open", None, "date", soon, as_of, soon) == "due_soon"
    assert task_status("open", None, "date", soon + dt.timedelta(days=1), as_of, soon) == "not_due"
    assert task_status("open", None, "ongoing", None, as_of, soon) == "no_deadline"
    assert task_status("done", D(2023, 3, 1), "date", D(2023, 1, 1), as_of, soon) == "done"
    # Done only after the as-of day: on that day it was still overdue.
    assert task_status("done", D(2023, 3, 2), "date", D(2023, 1, 1), as_of, soon) == "overdue"
