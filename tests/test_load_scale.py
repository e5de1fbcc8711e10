"""Loading at scale: plan by plan, unchanged files skipped unread, all or nothing per load,
a SIGKILL at any point harmless. Real subprocesses, real SQLite and PostgreSQL."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.cli import FIXTURES, ROOT, dondoc

SYNTH: dict[int, Path] = {}


def synth(n: int, tmp_root: Path) -> Path:
    """The benchmark's synthetic catalog of n tasks (34 provinces), generated once."""
    if n not in SYNTH:
        where = tmp_root / f"synth-{n}"
        subprocess.run([sys.executable, "-m", "bench.synth", str(n), str(where)], cwd=ROOT,
                       check=True, capture_output=True)
        SYNTH[n] = where
    return SYNTH[n]


@pytest.fixture(scope="module")
def synth_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("synth")


def subset(src: Path, dest: Path, plans: int) -> Path:
    """Every unit registry of src and its first `plans` plan files."""
    dest.mkdir(parents=True)
    files = sorted(src.iterdir())
    for f in [f for f in files if f.name.startswith("units-")]:
        shutil.copy(f, dest / f.name)
    for f in [f for f in files if f.name.startswith("plan-")][:plans]:
        shutil.copy(f, dest / f.name)
    return dest


def env_for(home: Path, db_url: str | None) -> dict[str, str]:
    env = dict(os.environ, DONDOC_HOME=str(home))
    env.pop("DONDOC_LANG", None)
    env.pop("DONDOC_DATABASE_URL", None)
    if db_url:
        env["DONDOC_DATABASE_URL"] = db_url
    return env


def snapshot(url: str) -> dict[str, list[tuple]]:
    """What a catalog load decides, in a comparable form (ids and times left out)."""
    engine = create_engine(url)
    queries = {
        "unit": "select code, content_hash from unit order by code",
        "plan": "select code, content_hash from plan order by code",
        "task": "select plan_code, code, content_hash, state, effective_due, lead_code, progress "
                "from task order by plan_code, code",
        "target": "select plan_code, code, content_hash, withdrawn_on from target "
                  "order by plan_code, code",
        "assignment": "select t.plan_code, t.code, a.unit_code, a.role, a.via_group, a.withdrawn "
                      "from assignment a join task t on t.id = a.task_id "
                      "order by t.plan_code, t.code, a.unit_code, a.role",
        "taskunit": "select t.plan_code, t.code, u.unit_code, u.role from taskunit u "
                    "join task t on t.id = u.task_id order by t.plan_code, t.code, u.unit_code",
    }
    with engine.connect() as conn:
        # PostgreSQL says False where SQLite says 0: compare the meaning.
        out = {name: [tuple(str(int(v) if isinstance(v, bool) else v) for v in r)
                      for r in conn.execute(text(q))]
               for name, q in queries.items()}
    engine.dispose()
    return out


def scalar(url: str, sql: str) -> int | None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    except Exception:  # the table may not exist yet while the load migrates
        return None
    finally:
        engine.dispose()


# ------------------------------------------------------------------------ SIGKILL


@pytest.mark.parametrize("when", ["staging", "applying"])
def test_sigkill_leaves_the_previous_catalog_and_the_next_load_completes(
        db_url: str, tmp_path: Path, synth_root: Path, when: str) -> None:
    full = synth(10000, synth_root)
    previous = subset(full, tmp_path / "previous", plans=3)
    home = tmp_path / "home"
    env = env_for(home, db_url)
    first = dondoc("catalog", "load", str(previous), "--json", home=home, db_url=db_url)
    assert first.code == 0, first.err
    before = snapshot(db_url)
    assert len(before["task"]) > 0

    # The whole catalog: 65 plans more to stage, then to apply.
    proc = subprocess.Popen([sys.executable, "-m", "dondoc.tui.cli", "catalog", "load", str(full)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    changed_plans = len([f for f in full.iterdir() if f.name.startswith("plan-")]) - 3
    # "staging": as soon as the first plan's rows are staged; "applying": once the last
    # plan is staged, i.e. while (or just before) the live tables are written.
    wanted = 1 if when == "staging" else changed_plans
    deadline = time.monotonic() + 300
    staged = 0
    while time.monotonic() < deadline and proc.poll() is None:
        staged = scalar(db_url, "select count(*) from loadstage") or 0
        if staged >= wanted:
            break
        time.sleep(0.05)
    assert proc.poll() is None, f"the load ended before it could be killed: {proc.stderr.read()!r}"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert staged >= wanted
    assert snapshot(db_url) == before  # nothing live changed
    assert (scalar(db_url, "select count(*) from loadstage") or 0) > 0  # left for the next load

    again = dondoc("catalog", "load", str(full), "--json", home=home, db_url=db_url)
    assert again.code == 0, again.err
    assert again.json()["tasks"]["created"] == len(snapshot(db_url)["task"]) - len(before["task"])
    assert scalar(db_url, "select count(*) from loadstage") == 0

    # The same as a clean load of the whole catalog into an empty database.
    clean_home = tmp_path / "clean"
    clean_url = f"sqlite:///{tmp_path / 'clean.sqlite'}"
    assert dondoc("catalog", "load", str(full), home=clean_home, db_url=clean_url).code == 0
    assert snapshot(db_url) == snapshot(clean_url)
    # And loading it again changes nothing, without reading a plan.
    third = dondoc("catalog", "load", str(full), "--json", home=home, db_url=db_url)
    assert third.json()["changed"] is False


# ------------------------------------------------------------------------ skipping


def _load(url: str, path: Path):  # type: ignore[no-untyped-def]
    """The load through its Python API, in this process: its outcome says what it read."""
    from dondoc.catalog.store.engines import engine_for
    from dondoc.catalog.store.streamload import load_path

    return load_path(engine_for(url), path)


def test_unchanged_files_are_skipped_unread_until_their_meaning_may_have_changed(
        db_url: str, tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DONDOC_HOME", str(home))
    src = tmp_path / "catalog"
    shutil.copytree(FIXTURES / "catalog", src)
    plan = src / "demo-plan.yaml"
    first = _load(db_url, src)
    assert not first.errors and first.files_read == 1
    assert first.summary.counts["tasks.created"] == 8

    # A new mtime, the same bytes: skipped, and counted unchanged as before.
    os.utime(plan, (time.time() + 3600, time.time() + 3600))
    second = dondoc("catalog", "load", str(src), "--json", home=home, db_url=db_url)
    assert second.json() == {"changed": False, "plans": {"unchanged": 1},
                             "targets": {"unchanged": 2}, "tasks": {"unchanged": 8},
                             "units": {"unchanged": 8}}
    third = _load(db_url, src)
    assert (third.files_read, third.files_skipped) == (0, 1)

    # An alias added to a registry: references may resolve otherwise, so the plan is read.
    units = src / "units.yaml"
    body = units.read_text(encoding="utf-8")
    units.write_text(body.replace("aliases: [Sở KH&CN]", "aliases: [Sở KH&CN, Sở KHCN]", 1),
                     encoding="utf-8")
    fourth = _load(db_url, src)
    assert (fourth.files_read, fourth.files_skipped) == (1, 0)
    assert fourth.summary.counts["units.updated"] == 1
    assert fourth.summary.counts["tasks.unchanged"] == 8
    assert _load(db_url, src).files_read == 0

    # A task withdrawn in the database since: reading the file reinstates it, as before.
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("update task set state = 'withdrawn' where code = 'NV03'"))
    engine.dispose()
    fifth = _load(db_url, src)
    assert fifth.files_read == 1 and fifth.summary.counts["tasks.reinstated"] == 1

    # A changed byte is read, and only its task changes.
    plan.write_text(plan.read_text(encoding="utf-8").replace(
        "deadline: Quý II/2022", "deadline: Quý III/2022", 1), encoding="utf-8")
    sixth = _load(db_url, src)
    assert sixth.files_read == 1
    assert (sixth.summary.counts["tasks.updated"], sixth.summary.counts["tasks.unchanged"]) == (1, 7)


# ------------------------------------------------------------------------ errors


def test_errors_in_the_last_files_change_nothing_and_are_all_reported(
        db_url: str, tmp_path: Path, synth_root: Path) -> None:
    full = synth(5000, synth_root)
    src = subset(full, tmp_path / "catalog", plans=30)
    home = tmp_path / "home"
    assert dondoc("catalog", "load", str(src), home=home, db_url=db_url).code == 0
    before = snapshot(db_url)
    plans = sorted(src.glob("plan-*.yaml"))
    # A valid change in the first file, two broken files at the end.
    first_body = plans[0].read_text(encoding="utf-8")
    plans[0].write_text(first_body.replace("title:", "title: Sửa đổi -", 1), encoding="utf-8")
    lines = plans[-1].read_text(encoding="utf-8").splitlines(keepends=True)
    bad_line = next(i for i, line in enumerate(lines) if line.strip().startswith("deadline:"))
    lines[bad_line] = lines[bad_line].split("deadline:")[0] + "deadline: vào một ngày đẹp trời\n"
    plans[-1].write_text("".join(lines), encoding="utf-8")
    lines2 = plans[-2].read_text(encoding="utf-8").splitlines(keepends=True)
    lead_line = next(i for i, line in enumerate(lines2) if line.strip().startswith("lead:"))
    lines2[lead_line] = lines2[lead_line].split("lead:")[0] + "lead: Sở Không Có Thật\n"
    plans[-2].write_text("".join(lines2), encoding="utf-8")

    result = dondoc("catalog", "load", str(src), home=home, db_url=db_url)
    assert result.code == 2
    err = result.err.splitlines()
    assert any(line.startswith(f"{plans[-1]}:{bad_line + 1}:") and "deadline" in line
               for line in err), result.err
    assert any(line.startswith(f"{plans[-2]}:{lead_line + 1}:") and "Sở Không Có Thật" in line
               for line in err), result.err
    assert snapshot(db_url) == before
    assert scalar(db_url, "select count(*) from loadstage") == 0


# ------------------------------------------------------------------------ memory


def _peak_rss_kib(args: list[str], env: dict[str, str]) -> int:
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, proc.stderr.read() if proc.stderr else ""
    return usage.ru_maxrss  # KiB on Linux


def test_memory_does_not_grow_with_the_number_of_plans(tmp_path: Path, synth_root: Path) -> None:
    full = synth(20000, synth_root)
    small = subset(full, tmp_path / "small", plans=10)
    large = subset(full, tmp_path / "large", plans=40)
    tasks = {p: sum(f.read_text(encoding="utf-8").count("\n  - code:") for f in p.glob("plan-*"))
             for p in (small, large)}
    assert tasks[large] >= 3 * tasks[small]
    rss = {}
    for path in (small, large):
        home = tmp_path / f"home-{path.name}"
        rss[path] = _peak_rss_kib([sys.executable, "-m", "dondoc.tui.cli", "catalog", "load",
                                   str(path)], env_for(home, None))
    growth_mib = (rss[large] - rss[small]) / 1024
    # Holding every row until one transaction cost ~5 KiB a task: ~45 MiB more here.
    assert growth_mib < 15, (rss, tasks)


# ------------------------------------------------------------------------ two at once


def test_two_loads_at_once_take_turns(db_url: str, tmp_path: Path, synth_root: Path) -> None:
    src = subset(synth(5000, synth_root), tmp_path / "catalog", plans=20)
    home = tmp_path / "home"
    env = env_for(home, db_url)
    # The schema first, so that both start from the same database.
    from dondoc.catalog.store.engines import engine_for

    engine_for(db_url)
    cmd = [sys.executable, "-m", "dondoc.tui.cli", "catalog", "load", str(src), "--json"]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    import json

    summaries = sorted((json.loads(out) for out, _ in outs), key=lambda s: s["changed"])
    # One wrote the catalog; the other waited for the lock and found nothing to change.
    assert summaries[1]["tasks"] == {"created": len(snapshot(db_url)["task"])}
    assert summaries[0]["changed"] is False
    clean_url = f"sqlite:///{tmp_path / 'clean.sqlite'}"
    assert dondoc("catalog", "load", str(src), home=tmp_path / "clean", db_url=clean_url).code == 0
    assert snapshot(db_url) == snapshot(clean_url)
