"""`dondoc overdue|tasks --json` written by the database (dondoc.catalog.store.jsonrows) print
exactly what the dict-per-row path printed before: the same bytes, on the seed catalog and on
a synthetic one of a few thousand tasks with every status, unit extensions, units done
before and after the as-of day, reminder policies of plans and tasks, and the --plan,
--unit and --unassigned filters; PostgreSQL (which still builds the items in Python) prints
the same bytes as SQLite; and a reader that stops early ends the command quietly.

The reference ("before") is Reader.items() through stream_json_array, the path the
commands took until now and which the terminal UI still takes, run in its own process.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.cli import ROOT, dondoc
from tests.conftest import PG_ADMIN_URL

SYNTH_TASKS = 3000
# Before anything is due, in the middle of the plans, and after most of them.
AS_OF = ["2019-01-01", "2022-06-30", "2023-03-01", "2025-06-30"]

_BEFORE = """
import sys
from dondoc.catalog.store.engines import engine_for
from dondoc.catalog.store.queries import Filter, Reader
from dondoc.catalog.settings import database_url
from dondoc.tui.cli.output import stream_json_array
import datetime as dt
as_of, plan, unit, unassigned, overdue = sys.argv[1:6]
f = Filter(as_of=dt.date.fromisoformat(as_of), plan=plan or None, unit=unit or None,
           unassigned=unassigned == "1")
stream_json_array(Reader(engine_for(database_url())).items(f, ("overdue",) if overdue == "1" else None))
"""


def _env(home: Path, url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DONDOC_")}
    env["DONDOC_HOME"] = str(home)
    if url:
        env["DONDOC_DATABASE_URL"] = url
    return env


def before(home: Path, as_of: str, plan: str = "", unit: str = "", unassigned: bool = False,
           overdue: bool = True, url: str | None = None) -> bytes:
    """What the dict-per-row path prints for these options."""
    proc = subprocess.run([sys.executable, "-c", _BEFORE, as_of, plan, unit,
                           "1" if unassigned else "", "1" if overdue else ""],
                          capture_output=True, env=_env(home, url), cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout


def now(home: Path, *args: str, url: str | None = None) -> bytes:
    """What `dondoc` prints today, through the command line's own entry point."""
    proc = subprocess.run([sys.executable, "-m", "dondoc.tui.cli", *args], capture_output=True,
                          env=_env(home, url), cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout


def _options(as_of: str, plan: str, unit: str, unassigned: bool) -> list[str]:
    out = ["--as-of", as_of]
    if plan:
        out += ["--plan", plan]
    if unit:
        out += ["--unit", unit]
    if unassigned:
        out += ["--unassigned"]
    return out


def _same(got: bytes, want: bytes, what: str) -> None:
    if got == want:
        return
    at = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    pytest.fail(f"{what}: first difference at byte {at} ({len(got)} vs {len(want)} bytes)\n"
                f"now:    {got[max(0, at - 200):at + 200]!r}\nbefore: {want[max(0, at - 200):at + 200]!r}")


# ------------------------------------------------------------------------------ catalogs


def _synth_catalog(folder: Path) -> Path:
    """bench/synth.py's catalog, with one plan's reminder policy widening its due-soon
    window and a few tasks' own policies narrowing theirs (both move statuses), and a few
    tasks without a lead."""
    from bench import synth

    synth.generate(SYNTH_TASKS, folder)
    plans = sorted(p for p in folder.glob("*.yaml") if not p.name.startswith("units-"))
    first = plans[0].read_text(encoding="utf-8")
    first = first.replace("\ntasks:\n", "\n  reminders:\n    due_soon_window: 40\ntasks:\n", 1)
    plans[0].write_text(first, encoding="utf-8")
    second = plans[1].read_text(encoding="utf-8")
    second = re.sub(r"(\n  - code: NV\d+\n)", r"\1    reminders:\n      due_soon_window: 1\n",
                    second, count=3)
    plans[1].write_text(second, encoding="utf-8")
    # A few tasks nobody leads, for --unassigned.
    third = plans[2].read_text(encoding="utf-8")
    plans[2].write_text(re.sub(r"\n    lead: [^\n]*", "", third, count=8), encoding="utf-8")
    return folder


def _units_act(url: str) -> None:
    """What units and coordinators do after a load, through the store's own functions:
    shares done (before and after the as-of days), extensions of a lead's and of a
    coordinator's share, coordinators added from the app."""
    from dondoc.catalog.store import actions, answers
    from dondoc.catalog.store.assignments import assign
    from dondoc.catalog.store.engines import engine_for

    engine = engine_for(url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "select a.id, a.task_id, a.unit_code, a.role, t.plan_code, t.code, t.effective_due"
            " from assignment a join task t on t.id = a.task_id"
            " where not a.withdrawn and t.deadline_kind not in ('recurring', 'ongoing')"
            " and t.state = 'open' and t.effective_due is not null"
            " order by t.plan_code, t.code, a.id")).all()
    leads = [r for r in rows if r.role == "lead"]
    coords = [r for r in rows if r.role == "coordinator"]
    assert len(leads) > 200 and len(coords) > 200
    for i, r in enumerate(coords[:120:3]):
        actions.report_unit(engine, r.task_id, unit_code=r.unit_code, done=True,
                            on=dt.date(2022, 1, 10) if i % 2 else dt.date(2024, 5, 2))
    for i, r in enumerate(leads[5:80:7]):
        req = answers.request(engine, answers.assignment_of(engine, r.id, r.unit_code),
                              answers.REQUEST_EXTENSION, client="test",
                              new_due=dt.date(2023, 2, 25) if i % 2 else dt.date(2026, 1, 3),
                              reason="chờ kinh phí")
        answers.decide(engine, req["id"], accept=True)
    for r in coords[200:260:11]:
        req = answers.request(engine, answers.assignment_of(engine, r.id, r.unit_code),
                              answers.REQUEST_EXTENSION, client="test",
                              new_due=dt.date(2025, 12, 31), reason="chờ số liệu")
        answers.decide(engine, req["id"], accept=True)
    for r in leads[300:330:10]:
        unit = next(c.unit_code for c in coords if c.plan_code == r.plan_code
                    and c.unit_code != r.unit_code)
        assign(engine, r.plan_code, r.code, [], [unit])
    engine.dispose()


def _load(home: Path, catalog: Path, url: str | None = None) -> None:
    result = dondoc("catalog", "load", str(catalog), home=home, db_url=url)
    assert result.code == 0, result.err


@pytest.fixture(scope="module")
def synth_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _synth_catalog(tmp_path_factory.mktemp("synth") / "catalog")


@pytest.fixture(scope="module")
def synth_home(synth_catalog: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("synth-home")
    _load(home, synth_catalog)
    _units_act(f"sqlite:///{home / 'dondoc.sqlite'}")
    return home


@pytest.fixture(scope="module")
def synth_pg(synth_catalog: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The same catalog and the same actions on a PostgreSQL schema of its own."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"
    home = tmp_path_factory.mktemp("synth-pg-home")
    try:
        _load(home, synth_catalog, url)
        _units_act(url)
        yield home, url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _pick(home: Path) -> tuple[str, str]:
    """A plan and a unit of the synthetic catalog that have overdue tasks on 2023-03-01."""
    import orjson

    items = orjson.loads(now(home, "overdue", "--json", "--as-of", "2023-03-01"))
    item = items[len(items) // 2]
    return item["plan"], item["assignments"][0]["unit"]


# ------------------------------------------------------------------------------ SQLite


def test_the_synthetic_catalog_has_what_the_comparison_needs(synth_home: Path) -> None:
    """Without these the comparisons below would prove less than they say."""
    import orjson

    items = orjson.loads(now(synth_home, "tasks", "--json", "--as-of", "2023-03-01"))
    assert len(items) >= SYNTH_TASKS * 0.9
    assert {i["status"] for i in items} == {"overdue", "due_soon", "not_due", "done", "no_deadline"}
    assert {i["kind"] for i in items} >= {"date", "month", "quarter", "recurring", "ongoing"}
    shares = [a for i in items for a in i["assignments"]]
    # A unit's own extension shows as its share's own due date.
    assert any(a["effective_due"] != i["effective_due"] for i in items for a in i["assignments"]
               if i["kind"] != "recurring")
    assert any(a["status"] == "done" and i["status"] == "overdue" for i in items
               for a in i["assignments"])
    assert any(a["completed_on"] for a in shares)


@pytest.mark.parametrize("as_of", AS_OF)
@pytest.mark.parametrize("command", ["overdue", "tasks"])
def test_synthetic_catalog_prints_what_it_printed_before(synth_home: Path, command: str,
                                                         as_of: str) -> None:
    got = now(synth_home, command, "--json", "--as-of", as_of)
    _same(got, before(synth_home, as_of, overdue=command == "overdue"), f"{command} {as_of}")


@pytest.mark.parametrize("command, filters", [
    (command, filters) for command in ("overdue", "tasks")
    for filters in ("plan", "unit", "plan+unit", "unassigned")
    if not (command == "overdue" and filters == "unassigned")])  # overdue has no --unassigned
def test_filters_print_what_they_printed_before(synth_home: Path, command: str,
                                                filters: str) -> None:
    plan, unit = _pick(synth_home)
    plan = plan if "plan" in filters else ""
    unit = unit if "unit" in filters else ""
    unassigned = filters == "unassigned"
    got = now(synth_home, command, "--json", *_options("2023-03-01", plan, unit, unassigned))
    want = before(synth_home, "2023-03-01", plan, unit, unassigned, overdue=command == "overdue")
    assert len(want) > 10
    _same(got, want, f"{command} {filters}")


def test_nothing_overdue_prints_an_empty_array(synth_home: Path) -> None:
    got = now(synth_home, "overdue", "--json", "--as-of", "2019-01-01")
    assert got == b"[]\n"
    assert got == before(synth_home, "2019-01-01")


@pytest.mark.parametrize("as_of", ["2022-01-01", "2023-03-01", "2025-06-30"])
@pytest.mark.parametrize("command", ["overdue", "tasks"])
def test_seed_catalog_prints_what_it_printed_before(seed_home: Path, command: str,
                                                    as_of: str) -> None:
    got = now(seed_home, command, "--json", "--as-of", as_of)
    _same(got, before(seed_home, as_of, overdue=command == "overdue"), f"seed {command} {as_of}")


def test_count_agrees_with_the_list(synth_home: Path) -> None:
    import orjson

    for as_of in AS_OF:
        listed = orjson.loads(now(synth_home, "overdue", "--json", "--as-of", as_of))
        counted = int(now(synth_home, "overdue", "--count", "--as-of", as_of))
        assert counted == len(listed), as_of


# ------------------------------------------------------------------------------ PostgreSQL


@pytest.mark.parametrize("command", ["overdue", "tasks"])
def test_postgresql_prints_what_sqlite_prints(synth_home: Path, synth_pg: tuple[Path, str],
                                             command: str) -> None:
    pg_home, url = synth_pg
    plan, unit = _pick(synth_home)
    for options in (["--as-of", "2023-03-01"], ["--as-of", "2025-06-30", "--plan", plan],
                    ["--as-of", "2023-03-01", "--unit", unit], ["--as-of", "2019-01-01"]):
        sqlite_out = now(synth_home, command, "--json", *options)
        _same(now(pg_home, command, "--json", *options, url=url), sqlite_out,
              f"{command} {options} on PostgreSQL")


# ------------------------------------------------------------------------------ a closed pipe


@pytest.mark.parametrize("entry", ["dondoc.tui.cli", "dondoc.tui.cli.full"])
def test_a_reader_that_stops_early_ends_the_command_quietly(synth_home: Path, entry: str) -> None:
    """`dondoc overdue --json | head -c 100`: no traceback, the status click gives (1), on
    the fast path as on the full app."""
    cmd = (f"{sys.executable} -c 'from {entry} import main; main()' overdue --json"
           " --as-of 2025-06-30 | head -c 100; echo \" ${PIPESTATUS[0]}\" >&2")
    proc = subprocess.run(["bash", "-c", cmd], capture_output=True, env=_env(synth_home),
                          cwd=ROOT, timeout=300)
    whole = now(synth_home, "overdue", "--json", "--as-of", "2025-06-30")
    assert len(whole) > 1_000_000  # far more than a pipe holds, so the writer meets the close
    assert proc.stdout == whole[:100]
    assert proc.stderr.decode() == " 1\n"
