"""What the seed-plan tests share: reading the shipped YAML and asking the real CLI."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from tests.cli import dondoc


@lru_cache(maxsize=None)
def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def targets_of(path: Path) -> dict[str, dict]:
    return {t["code"]: t for t in load_yaml(path)["targets"]}


def plan_row(seed_home: Path, code: str) -> dict:
    result = dondoc("plans", "--json", home=seed_home)
    assert result.code == 0, result.err
    return next(p for p in result.json() if p["code"] == code)


def tasks_of(seed_home: Path, code: str, as_of: str) -> dict[str, dict]:
    result = dondoc("tasks", "--plan", code, "--as-of", as_of, "--json", home=seed_home)
    assert result.code == 0, result.err
    return {t["task"]: t for t in result.json()}


def overdue_of(seed_home: Path, code: str, as_of: str) -> dict[str, dict]:
    result = dondoc("overdue", "--as-of", as_of, "--plan", code, "--json", home=seed_home)
    assert result.code == 0, result.err
    return {t["task"]: t for t in result.json()}


def assignments_of(seed_home: Path, plan: str, task: str) -> set[tuple[str, str, str | None]]:
    """(unit, role, via_group) of a seed task's live assignments, read from its database."""
    import sqlite3

    with sqlite3.connect(seed_home / "dondoc.sqlite") as con:
        rows = con.execute(
            "select a.unit_code, a.role, a.via_group from assignment a join task t"
            " on t.id = a.task_id where t.plan_code = ? and t.code = ? and not a.withdrawn",
            (plan, task)).fetchall()
    return {tuple(r) for r in rows}


def seed_figures(seed_home: Path) -> dict[str, int]:
    """The figures the assignment work is measured by, on the loaded seed catalog."""
    import sqlite3

    with sqlite3.connect(seed_home / "dondoc.sqlite") as con:
        one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "tasks": one("select count(*) from task where state != 'withdrawn'"),
            "unassigned": one("select count(*) from task where lead_code is null"),
            "group_led": one("select count(*) from task t join unit u on u.code = t.lead_code"
                             " where u.kind = 'nhom'"),
            "assignments": one("select count(*) from assignment where not withdrawn"),
        }
