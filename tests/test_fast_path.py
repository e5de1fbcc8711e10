"""`dondoc overdue|tasks|plans` answered without typer (dondoc.tui.cli.fast) say exactly what
the full typer app says: the same output, the same error lines, the same exit status."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dondoc.tui.cli.fast import plain
from tests.cli import FIXTURES, ROOT, dondoc

# Plain argument lists (the fast path answers) and ones it leaves to the app.
PLAIN = [
    ["overdue", "--count", "--as-of", "2023-03-01"],
    ["overdue", "--json", "--as-of", "2023-03-01"],
    ["overdue", "--as-of=01/03/2023"],
    ["overdue", "--count", "--json", "--as-of", "1/3"],
    ["overdue", "--as-of", "2023-03-01", "--plan", "NOPE"],
    ["overdue", "--as-of", "2023-03-01", "--unit", "no such unit", "--count"],
    ["overdue", "--as-of", "31/02/2023"],
    ["overdue", "--as-of", "1800-01-01", "--count"],
    ["overdue", "--as-of", "2022-01-01", "--as-of", "2023-03-01", "--count"],
    ["tasks", "--json", "--as-of", "2023-03-01"],
    ["tasks", "--as-of", "2023-03-01", "--unassigned"],
    ["tasks", "--as-of", "2023-03-01"],
    ["plans", "--json"],
    ["plans"],
    ["--lang", "en", "overdue", "--as-of", "2023-03-01"],
    ["--lang=en", "plans"],
    ["--lang", "en", "overdue", "--as-of", "bad date"],
]
FULL = [
    ["overdue", "--help"], ["--help"], [], ["overdue", "--bogus"], ["overdue", "--as-of"],
    ["overdue", "--count=1"], ["overdue", "extra"], ["overdue", "--", "x"],
    ["plans", "--as-of", "2023-03-01"], ["tasks", "--count"], ["overdue", "--plan", "--count"],
    ["overdue", "--lang", "en"], ["--lang", "en", "--lang", "vi", "plans"], ["--lang"],
    ["overdu"], ["deadline", "parse", "Quý IV/2022"], ["overdue", "--as-of", ""],
]


@pytest.mark.parametrize("args", PLAIN)
def test_plain_arguments_take_the_fast_path(args: list[str]) -> None:
    assert plain(args) is not None


@pytest.mark.parametrize("args", FULL)
def test_everything_else_goes_to_the_full_app(args: list[str]) -> None:
    assert plain(args) is None


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("fast") / "home"
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home).code == 0
    return home


def _both(home: Path, args: list[str]) -> tuple[tuple[int, bytes, bytes], tuple[int, bytes, bytes]]:
    env = {"DONDOC_HOME": str(home), "PATH": "/usr/bin:/bin", "COLUMNS": "120"}
    out = []
    for entry in ("from dondoc.tui.cli import main; main()",
                  "from dondoc.tui.cli.full import main; main()"):
        proc = subprocess.run([sys.executable, "-c", entry, *args], capture_output=True,
                              cwd=ROOT, env=env, timeout=120)
        out.append((proc.returncode, proc.stdout, proc.stderr))
    return out[0], out[1]


@pytest.mark.parametrize("args", PLAIN + FULL[3:])
def test_fast_path_says_what_the_full_app_says(demo: Path, args: list[str]) -> None:
    fast, full = _both(demo, args)
    assert fast == full


def test_fast_path_imports_no_typer(demo: Path) -> None:
    probe = ("import sys\nsys.argv = ['dondoc', 'overdue', '--json', '--as-of', '2023-03-01']\n"
             "import dondoc.tui.cli\ntry:\n    dondoc.tui.cli.main()\nexcept SystemExit:\n    pass\n"
             "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'typer', 'click', 'pydantic',"
             " 'sqlalchemy', 'yaml', 'rich'})\nprint('HEAVY', heavy, file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT,
                          env={"DONDOC_HOME": str(demo), "PATH": "/usr/bin:/bin"}, timeout=120)
    # The first run after a load fills the calendar caches; the second must import none of these.
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT,
                          env={"DONDOC_HOME": str(demo), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert "HEAVY []" in proc.stderr, proc.stderr
