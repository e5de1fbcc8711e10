"""Run the real `dondoc` command line, as a person or a script would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHIPPED_PLANS = ROOT / "catalog" / "plans"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def dondoc(*args: str, home: Path, db_url: str | None = None, stdin: str | None = None,
           lang: str | None = None, env: dict[str, str] | None = None) -> Result:
    full_env = dict(os.environ)
    full_env["DONDOC_HOME"] = str(home)
    full_env.pop("DONDOC_DATABASE_URL", None)
    full_env.pop("DONDOC_LANG", None)
    if db_url:
        full_env["DONDOC_DATABASE_URL"] = db_url
    if lang:
        full_env["DONDOC_LANG"] = lang
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-m", "dondoc.tui.cli", *args], input=stdin,
                          capture_output=True, text=True, env=full_env, timeout=600)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def catalog_with_plan(folder: Path, plan_yaml: str) -> Path:
    """A catalog folder: the fixture unit registry plus one plan file written by a test."""
    import shutil

    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "catalog" / "units.yaml", folder / "units.yaml")
    (folder / "plan.yaml").write_text(plan_yaml, encoding="utf-8")
    return folder
