"""The overdue list at scale: `dondoc overdue` against Taskwarrior 2.6 on the same tasks.

For one size N (a catalog made by bench/synth.py), in bench/out/N/:

1. load the catalog with the real command, `dondoc catalog load catalog/` (DONDOC_HOME=home/),
   watched: stopped if it passes LOAD_LIMIT_S seconds or LOAD_LIMIT_RSS bytes, and then
   loaded instead through the Python API (dondoc.catalog.files.reader.read_catalog +
   dondoc.catalog.store.loader.load_catalog) one batch of files at a time;
2. time `dondoc overdue --as-of 2025-06-30 --count` and `... --json` (stdout to /dev/null),
   each as a subprocess: one untimed run that also checks the output, then best of 3 wall
   seconds; peak RSS is the command's own maximum resident set (GNU time's %M);
3. give Taskwarrior the same tasks (from `dondoc tasks --as-of 2025-06-30 --json`: open
   ones pending with due = their effective due, done ones completed, ongoing ones without a
   due date; project = plan code, tag = lead unit code) with `task import`, then time
   `task +OVERDUE count` and `task +OVERDUE export` the same way.

Taskwarrior compares due dates with the real clock and has no as-of option, so every date
given to it is shifted by (today - 2025-06-30) days, and a due date is the end of its day
(23:59:59 UTC; TZ=UTC for task): a task is then overdue for Taskwarrior exactly when
its effective due is before 2025-06-30, which is dondoc's rule.

    python -m bench.overdue 100000        # after python -m bench.synth 100000 bench/out/100000/catalog
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import orjson

AS_OF = dt.date(2025, 6, 30)
OUT = Path(__file__).parent / "out"
LOAD_LIMIT_S = 600.0
LOAD_LIMIT_RSS = 12 * 1024**3
TW_IMPORT_LIMIT_S = 1200.0  # 1M tasks took 120 s when last measured
CMD_LIMIT_S = 600.0
REPEAT = 3
TW_INSTALL = "apt-get update && apt-get install -y taskwarrior"
TW_RC = ("rc.confirmation=off", "rc.verbose=nothing", "rc.hooks=off", "rc.gc=off",
         "rc.recurrence=off", "rc.json.array=on")
_NS = uuid.UUID("6f1c2a60-5d0c-4b1e-9a57-64f0d0c0ffee")


def mib(kib: int | float) -> float:
    return round(kib / 1024, 1)


# ------------------------------------------------------------------------------ running


TIME = Path("/usr/bin/time")  # GNU time: the command's own peak RSS


def run(cmd: list[str], env: dict[str, str] | None = None, stdout: Any = subprocess.DEVNULL,
        limit_s: float = CMD_LIMIT_S, limit_rss: int | None = None,
        cwd: Path | None = None, stdin: Any = subprocess.DEVNULL) -> dict[str, Any]:
    """Run cmd once; wall seconds, peak RSS (MiB) and why it stopped, if it was stopped.

    CPU seconds (user + system) tell what the command cost when the machine is busy with
    other work. Peak RSS comes from GNU time (`/usr/bin/time -f %M`) around the command: the
    rusage of a child forked straight from this process would count this process's own
    memory at the fork. With limit_rss, a watcher reads the command's VmRSS twice a second
    and kills it past the limit; past limit_s it is killed too.
    """
    stderr = tempfile.TemporaryFile()
    rss_file = tempfile.NamedTemporaryFile(prefix="bench-rss-", delete=False)
    rss_file.close()
    wrapped = [str(TIME), "-f", "%M %U %S", "-o", rss_file.name, *cmd] if TIME.exists() else cmd
    started = time.perf_counter()
    proc = subprocess.Popen(wrapped, env=env, stdin=stdin, stdout=stdout, stderr=stderr, cwd=cwd,
                            start_new_session=True)
    killed: list[str] = []
    done = threading.Event()

    def kill(reason: str) -> None:
        if not done.is_set():
            killed.append(reason)
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    timer = threading.Timer(limit_s, kill, args=(f"over {limit_s:.0f} s",))
    timer.start()
    peak_seen = [0]

    def rss_of(pid: int) -> int:
        total = 0
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
            for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
                total += rss_of(int(child))
        except (OSError, ValueError):
            pass
        return total

    def watch() -> None:
        while not done.wait(0.5):
            rss = rss_of(proc.pid)
            peak_seen[0] = max(peak_seen[0], rss)
            if limit_rss and rss > limit_rss:
                kill(f"over {limit_rss / 1024**3:.0f} GiB RSS")

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr.seek(0)
    err = stderr.read().decode("utf-8", "replace")[-2000:]
    rss_text = Path(rss_file.name).read_text().strip().splitlines()
    os.unlink(rss_file.name)
    try:
        kib, user, system = rss_text[-1].split()
        peak_kib, cpu = int(kib), float(user) + float(system)
    except (IndexError, ValueError):  # no GNU time, or the command was killed
        peak_kib = max(usage.ru_maxrss, peak_seen[0] // 1024)
        cpu = usage.ru_utime + usage.ru_stime
    return {"seconds": round(wall, 3), "cpu_s": round(cpu, 2), "peak_rss_mib": mib(peak_kib),
            "rc": proc.returncode, "killed": killed[0] if killed else None,
            "stderr": err.strip() or None}


def best_of(cmd: list[str], env: dict[str, str], repeat: int = REPEAT) -> dict[str, Any]:
    runs = [run(cmd, env) for _ in range(repeat)]
    bad = [r for r in runs if r["rc"] != 0]
    if bad:
        raise RuntimeError(f"{' '.join(cmd)} failed: {bad[0]}")
    return {"best_s": min(r["seconds"] for r in runs),
            "runs_s": [r["seconds"] for r in runs],
            "best_cpu_s": min(r["cpu_s"] for r in runs),
            "peak_rss_mib": max(r["peak_rss_mib"] for r in runs)}


def dondoc_bin() -> str:
    found = Path(sys.executable).with_name("dondoc")
    return str(found) if found.exists() else (shutil.which("dondoc") or "dondoc")


def dondoc_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DONDOC_")}
    env.update(DONDOC_HOME=str(home), DONDOC_LANG="en")
    return env


# ------------------------------------------------------------------------------ loading


def load(catalog: Path, home: Path, limit_s: float = LOAD_LIMIT_S,
         limit_rss: int = LOAD_LIMIT_RSS) -> dict[str, Any]:
    """Load catalog into home's SQLite with `dondoc catalog load`, or in batches if too big."""
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    cmd = [dondoc_bin(), "catalog", "load", str(catalog), "--json"]
    with tempfile.TemporaryFile() as out:
        result = run(cmd, dondoc_env(home), stdout=out, limit_s=limit_s, limit_rss=limit_rss)
        out.seek(0)
        text = out.read().decode()
    if result["rc"] == 0:
        return {"method": "dondoc catalog load", **result, "summary": json.loads(text)}
    attempt = {"method": "dondoc catalog load", **result}
    if not result["killed"]:
        raise RuntimeError(f"dondoc catalog load failed: {result}")
    shutil.rmtree(home)
    home.mkdir(parents=True)
    batched = run([sys.executable, "-m", "bench.overdue", "--load-batches", str(catalog)],
                  dondoc_env(home), limit_s=3 * 3600, cwd=Path(__file__).parent.parent)
    if batched["rc"] != 0:
        raise RuntimeError(f"batch load failed: {batched}")
    return {"method": "Python API per batch of files (read_catalog + load_catalog)",
            **batched, "yaml_attempt": attempt}


def reload(catalog: Path, home: Path) -> dict[str, Any]:
    """The same files a second time: loading twice must change nothing."""
    with tempfile.TemporaryFile() as out:
        result = run([dondoc_bin(), "catalog", "load", str(catalog), "--json"],
                     dondoc_env(home), stdout=out)
        out.seek(0)
        summary = json.loads(out.read().decode() or "null")
    return {**result, "changed": (summary or {}).get("changed")}


def load_batches(catalog: Path, batch_tasks: int = 100_000) -> None:
    """In this process: load catalog's files a batch at a time (units first) via the API."""
    from dondoc.catalog.store.engines import engine_for
    from dondoc.catalog.store.loader import known_units, load_catalog
    from dondoc.catalog.files.reader import catalog_files, read_catalog
    from dondoc.catalog.settings import database_url

    engine = engine_for(database_url())
    files = catalog_files(catalog)
    units = [f for f in files if f.name.startswith("units-")]
    plans = [f for f in files if f not in units]
    batches: list[list[Path]] = [units]
    size = 0
    for f in plans:
        if size >= batch_tasks or not batches[-1] or batches[-1] is units:
            batches.append([])
            size = 0
        batches[-1].append(f)
        size += max(1, f.stat().st_size // 240)  # ~240 bytes a task in synth's files
    tmp = Path(tempfile.mkdtemp(prefix="dondoc-batches-"))
    try:
        for i, batch in enumerate(batches):
            bdir = tmp / f"b{i:04d}"
            bdir.mkdir()
            for f in batch:
                (bdir / f.name).symlink_to(f.resolve())
            with engine.connect() as conn:
                known = known_units(conn)
            cat = read_catalog(bdir, known_units=known)
            if cat.errors:
                raise SystemExit("\n".join(e.render() for e in cat.errors[:20]))
            load_catalog(engine, cat)
            print(f"batch {i + 1}/{len(batches)}: {len(batch)} files, {cat.task_count} tasks",
                  file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(tmp)


# ------------------------------------------------------------------------------ dondoc


def _json_items(path: Path) -> int:
    with path.open("rb") as fh:
        data = fh.read()
    return len(orjson.loads(data))


def measure_dondoc(home: Path, repeat: int = REPEAT) -> dict[str, Any]:
    env = dondoc_env(home)
    base = [dondoc_bin(), "overdue", "--as-of", AS_OF.isoformat()]
    count_cmd, json_cmd = [*base, "--count"], [*base, "--json"]
    with tempfile.TemporaryDirectory() as tmp:
        check = Path(tmp) / "out"
        with check.open("wb") as fh:
            r = run(count_cmd, env, stdout=fh)
        if r["rc"] != 0:
            raise RuntimeError(f"dondoc overdue --count failed: {r}")
        count = int(check.read_text().strip())
        with check.open("wb") as fh:
            r = run(json_cmd, env, stdout=fh)
        if r["rc"] != 0:
            raise RuntimeError(f"dondoc overdue --json failed: {r}")
        items = _json_items(check)
    return {"overdue_count": count, "json_items": items,
            "count": best_of(count_cmd, env, repeat), "json": best_of(json_cmd, env, repeat)}


# ------------------------------------------------------------------------------ bare sqlite3


SQLITE_INSTALL = "apt-get update && apt-get install -y sqlite3"
# The columns `overdue --json` prints that the task row holds (the lead's name through the
# unit table), for the fixed-deadline tasks overdue on AS_OF, in the order dondoc prints them.
BARE_SQL = (
    "select t.plan_code as plan, t.code as task, t.section, t.title, t.deadline_kind as kind,"
    " u.name as lead, t.coordinators, t.deadline_text,"
    " coalesce(t.extended_due, t.deadline_due) as due, t.effective_due, t.state, t.completed_on"
    " from task t left join unit u on u.code = t.lead_code"
    " where t.state <> 'withdrawn' and t.deadline_kind not in ('recurring', 'ongoing')"
    " and t.effective_due < '{as_of}'"
    " and not (t.state = 'done' and (t.completed_on is null or t.completed_on <= '{as_of}'))"
    " order by t.effective_due, t.plan_code, t.id"
)

# The same with each task's live assignments and their units' names (the rest of what the
# JSON prints, but the coordinators' names): one row per assignment, task by task.
BARE_SHARES_SQL = (
    "select t.plan_code as plan, t.code as task, t.section, t.title, t.deadline_kind as kind,"
    " u.name as lead, t.coordinators, t.deadline_text,"
    " coalesce(t.extended_due, t.deadline_due) as due, t.effective_due, t.state, t.completed_on,"
    " a.unit_code as unit, au.name as unit_name, a.role, a.status as unit_state, a.progress,"
    " a.completed_on as unit_completed_on, a.due_override"
    " from task t left join unit u on u.code = t.lead_code"
    " left join assignment a on a.task_id = t.id and not a.withdrawn"
    " left join unit au on au.code = a.unit_code"
    " where t.state <> 'withdrawn' and t.deadline_kind not in ('recurring', 'ongoing')"
    " and t.effective_due < '{as_of}'"
    " and not (t.state = 'done' and (t.completed_on is null or t.completed_on <= '{as_of}'))"
    " order by t.effective_due, t.plan_code, t.id"
)


def documents_sql() -> str:
    """The query `dondoc overdue --json` itself runs for the fixed-deadline tasks (each
    task's JSON document written by SQLite), as text the sqlite3 shell can run."""
    from dondoc.catalog.store import jsonrows

    # No filter; synth's plans set no reminder policy; the due-soon limit does not enter
    # an overdue-only query, so AS_OF stands in for it.
    sql, params = jsonrows.items_sql("t.state <> 'withdrawn'", AS_OF, AS_OF, {}, True)
    assert not params
    return sql


def measure_bare_sqlite(home: Path, repeat: int = REPEAT) -> dict[str, Any]:
    """The anchor of `overdue --json`: the sqlite3 shell reading the same rows.

    rows: BARE_SQL with -json (the task columns dondoc prints, not the assignments, which
    live in another table); rows_with_shares: BARE_SHARES_SQL with -json (the task columns
    and each assignment's, one row per assignment); documents: dondoc's own document query
    with -list, i.e. the bytes SQLite hands dondoc, without Python. All to /dev/null."""
    exe = shutil.which("sqlite3")
    if not exe:
        return {"skipped": f"the sqlite3 shell is not installed; install it with: {SQLITE_INSTALL}"}
    db = str(home / "dondoc.sqlite")
    env = {k: v for k, v in os.environ.items()}
    rows_sql = BARE_SQL.format(as_of=AS_OF.isoformat())
    docs_sql = documents_sql()
    out: dict[str, Any] = {"sqlite3": subprocess.run([exe, "--version"], capture_output=True,
                                                     text=True).stdout.strip()}
    shares_sql = BARE_SHARES_SQL.format(as_of=AS_OF.isoformat())
    for name, mode, sql in (("rows", "-json", rows_sql), ("rows_with_shares", "-json", shares_sql),
                            ("documents", "-list", docs_sql)):
        cmd = [exe, "-readonly", mode, db, sql]
        with tempfile.TemporaryFile() as fh:
            r = run(cmd, env, stdout=fh)
            if r["rc"] != 0:
                raise RuntimeError(f"sqlite3 failed: {r}")
            fh.seek(0)
            data = fh.read()
        n = len(orjson.loads(data)) if mode == "-json" and data.strip() else data.count(b"\n")
        out[name] = {"command": f"sqlite3 -readonly {mode} DB \"<sql>\" > /dev/null",
                     "sql": sql, "rows": n, "output_bytes": len(data),
                     **best_of(cmd, env, repeat)}
    return out


# ------------------------------------------------------------------------------ Taskwarrior


def task_bin() -> str | None:
    return shutil.which("task")


def task_version() -> str | None:
    exe = task_bin()
    if not exe:
        return None
    return subprocess.run([exe, "--version"], capture_output=True, text=True,
                          env={**os.environ, "TASKRC": "/dev/null"}).stdout.strip() or None


def _tw_env(twdir: Path) -> dict[str, str]:
    rc = twdir / "taskrc"
    if not rc.exists():
        rc.write_text("# empty: every setting comes on the command line\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASK")}
    env.update(TASKRC=str(rc), TZ="UTC")
    return env


def _tw(twdir: Path, *args: str) -> list[str]:
    return [task_bin() or "task", f"rc.data.location={twdir / 'data'}", *TW_RC, *args]


def _tw_stamp(day: dt.date, shift: dt.timedelta, end_of_day: bool = True) -> str:
    return (day + shift).strftime("%Y%m%dT235959Z" if end_of_day else "%Y%m%dT000000Z")


def tw_import_file(home: Path, twdir: Path) -> dict[str, Any]:
    """Write twdir/import.json: every live task as dondoc sees it on AS_OF, dates shifted."""
    today = dt.datetime.now(dt.timezone.utc).date()
    shift = today - AS_OF
    db = sqlite3.connect(home / "dondoc.sqlite")
    extra = {(p, c): (lead, issued, done) for p, c, lead, issued, done in db.execute(
        "select t.plan_code, t.code, t.lead_code, p.issued_on, t.completed_on from task t"
        " join plan p on p.code = t.plan_code")}
    db.close()
    listing = twdir / "dondoc-tasks.json"
    with listing.open("wb") as fh:
        r = run([dondoc_bin(), "tasks", "--as-of", AS_OF.isoformat(), "--json"],
                dondoc_env(home), stdout=fh)
    if r["rc"] != 0:
        raise RuntimeError(f"dondoc tasks --json failed: {r}")
    statuses: dict[str, int] = {}
    n = 0
    items = orjson.loads(listing.read_bytes())
    with (twdir / "import.json").open("wb") as out:
        out.write(b"[\n")
        for item in items:
            status = item["status"]
            statuses[status] = statuses.get(status, 0) + 1
            lead, issued, completed = extra[(item["plan"], item["task"])]
            issued_day = dt.date.fromisoformat(issued[:10]) if issued else AS_OF
            task: dict[str, Any] = {
                "uuid": str(uuid.uuid5(_NS, f"{item['plan']}/{item['task']}")),
                "description": item["title"], "project": item["plan"],
                "entry": _tw_stamp(issued_day, shift, end_of_day=False),
                "status": "completed" if status == "done" else "pending",
            }
            if lead:
                task["tags"] = [lead]
            if status == "done":
                end = dt.date.fromisoformat(completed[:10]) if completed else AS_OF
                task["end"] = _tw_stamp(end, shift, end_of_day=False)
            elif item["effective_due"]:
                task["due"] = _tw_stamp(dt.date.fromisoformat(item["effective_due"]), shift)
            out.write((b",\n" if n else b"") + orjson.dumps(task))
            n += 1
        out.write(b"\n]\n")
    del items
    listing.unlink()
    return {"tasks": n, "statuses": statuses, "shift_days": shift.days,
            "dondoc_tasks_json": {"seconds": r["seconds"], "peak_rss_mib": r["peak_rss_mib"]},
            "clock_date_utc": today.isoformat()}


def measure_taskwarrior(home: Path, twdir: Path, repeat: int = REPEAT,
                        import_limit_s: float = TW_IMPORT_LIMIT_S) -> dict[str, Any]:
    if not task_bin():
        return {"skipped": f"Taskwarrior (`task`) is not installed; install it with: {TW_INSTALL}"}
    if twdir.exists():
        shutil.rmtree(twdir)
    (twdir / "data").mkdir(parents=True)
    env = _tw_env(twdir)
    prepared = tw_import_file(home, twdir)
    imported = run(_tw(twdir, "import", str(twdir / "import.json")), env,
                   limit_s=import_limit_s)
    if imported["killed"]:
        return {"skipped": f"`task import` stopped: {imported['killed']}", "prepared": prepared,
                "import": imported}
    if imported["rc"] != 0:
        raise RuntimeError(f"task import failed: {imported}")
    (twdir / "import.json").unlink()
    count_cmd = _tw(twdir, "+OVERDUE", "count")
    export_cmd = _tw(twdir, "+OVERDUE", "export")
    with tempfile.TemporaryDirectory() as tmp:
        check = Path(tmp) / "out"
        with check.open("wb") as fh:
            r = run(count_cmd, env, stdout=fh)
        if r["rc"] != 0:
            raise RuntimeError(f"task count failed: {r}")
        count = int(check.read_text().strip())
        with check.open("wb") as fh:
            r = run(export_cmd, env, stdout=fh)
        if r["rc"] != 0:
            raise RuntimeError(f"task export failed: {r}")
        items = _json_items(check)
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    if today != prepared["clock_date_utc"]:
        prepared["warning"] = f"the UTC date changed to {today} during the run"
    files = {p.name: p.stat().st_size for p in (twdir / "data").iterdir()}
    return {"prepared": prepared, "import": {k: imported[k] for k in ("seconds", "peak_rss_mib")},
            "data_files_bytes": files, "overdue_count": count, "export_items": items,
            "count": best_of(count_cmd, env, repeat), "export": best_of(export_cmd, env, repeat)}


# ------------------------------------------------------------------------------ main


def bench_size(n: int, out: Path = OUT, regenerate: bool = False, with_tw: bool = True,
               with_reload: bool | None = None, repeat: int = REPEAT, reuse_db: bool = False,
               log: Any = print) -> dict[str, Any]:
    """Everything for one size: synth (unless present), load, dondoc, Taskwarrior.

    With reuse_db, a database loaded by an earlier run of the same catalog is kept, and
    that run's load figures are reported again (marked reused).
    """
    from bench import synth

    base = out / str(n)
    catalog, home, twdir = base / "catalog", base / "home", base / "taskwarrior"
    result: dict[str, Any] = {"tasks": n}
    stats = base / "synth.json"
    if regenerate or not stats.exists() or not (catalog / "units-hni.yaml").exists():
        stats.unlink(missing_ok=True)
        log(f"[{n}] generating catalog in {catalog}")
        result["synth"] = synth.generate(n, catalog)
        stats.write_text(json.dumps(result["synth"]))
    else:
        result["synth"] = {**json.loads(stats.read_text()), "reused": True}
    result["loadavg_before"] = [round(x, 2) for x in os.getloadavg()]
    marker = base / "load.json"
    if reuse_db and marker.exists() and (home / "dondoc.sqlite").exists() and \
            result["synth"].get("reused"):
        saved = json.loads(marker.read_text())
        result["load"] = {**saved["load"], "reused": True}
        if saved.get("reload"):
            result["reload"] = {**saved["reload"], "reused": True}
        with_reload = False
    else:
        marker.unlink(missing_ok=True)
        log(f"[{n}] loading (dondoc catalog load)")
        result["load"] = load(catalog, home)
        result["load"]["measured_at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        marker.write_text(json.dumps({"load": result["load"]}, ensure_ascii=False))
    log(f"[{n}] load: {result['load']['seconds']} s, {result['load']['peak_rss_mib']} MiB"
        f" ({result['load']['method']})")
    if with_reload if with_reload is not None else n <= 100_000:
        result["reload"] = reload(catalog, home)
        log(f"[{n}] reload: {result['reload']['seconds']} s, changed={result['reload']['changed']}")
        marker.write_text(json.dumps({"load": result["load"], "reload": result["reload"]},
                                     ensure_ascii=False))
    result["db_bytes"] = sum(p.stat().st_size for p in home.glob("dondoc.sqlite*"))
    log(f"[{n}] dondoc overdue")
    result["dondoc"] = measure_dondoc(home, repeat)
    d = result["dondoc"]
    log(f"[{n}] dondoc: count {d['count']['best_s']} s / {d['count']['peak_rss_mib']} MiB,"
        f" json {d['json']['best_s']} s / {d['json']['peak_rss_mib']} MiB;"
        f" {d['overdue_count']} overdue")
    result["bare_sqlite"] = measure_bare_sqlite(home, repeat)
    b = result["bare_sqlite"]
    if "skipped" not in b:
        log(f"[{n}] bare sqlite3: rows -json {b['rows']['best_s']} s ({b['rows']['rows']} rows),"
            f" documents {b['documents']['best_s']} s")
    if with_tw:
        log(f"[{n}] Taskwarrior")
        result["taskwarrior"] = measure_taskwarrior(home, twdir, repeat)
        tw = result["taskwarrior"]
        if "skipped" in tw:
            log(f"[{n}] Taskwarrior skipped: {tw['skipped']}")
        else:
            log(f"[{n}] task: import {tw['import']['seconds']} s, count {tw['count']['best_s']} s"
                f" / {tw['count']['peak_rss_mib']} MiB, export {tw['export']['best_s']} s /"
                f" {tw['export']['peak_rss_mib']} MiB; {tw['overdue_count']} overdue")
            result["agree"] = (d["overdue_count"] == d["json_items"] == tw["overdue_count"]
                               == tw["export_items"])
    else:
        result["taskwarrior"] = {"skipped": "not asked for (--no-taskwarrior)"}
    result["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description="dondoc overdue vs Taskwarrior at one size.")
    ap.add_argument("size", nargs="?", type=int)
    ap.add_argument("--load-batches", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--no-taskwarrior", action="store_true")
    ap.add_argument("--reuse-db", action="store_true",
                    help="keep a database loaded by an earlier run of the same catalog")
    args = ap.parse_args()
    if args.load_batches:
        load_batches(args.load_batches)
        return
    if not args.size:
        ap.error("give a size, e.g. 100000")
    if not task_bin() and not args.no_taskwarrior:
        print(f"Taskwarrior is not installed; install it with: {TW_INSTALL}", file=sys.stderr)
    result = bench_size(args.size, regenerate=args.regenerate,
                        with_tw=not args.no_taskwarrior, reuse_db=args.reuse_db,
                        log=lambda m: print(m, file=sys.stderr, flush=True))
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
