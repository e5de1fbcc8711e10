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
