"""The first sync of the whole country to a Prefect server on PostgreSQL, beside its anchor.

One run, for one size:
- the synthetic national catalog (`python -m bench.synth N DIR`, 34 provinces) loaded by
  `dondoc catalog load` into a fresh PostgreSQL database of dondoc's own (timed apart);
- (a) `dondoc sync --json` (the real command, a subprocess) against a Prefect server
  started on a fresh PostgreSQL database;
- (c) the same command again with nothing changed: its time and its writes (must be 0);
  then whether Prefect's scheduler has created flow runs for the new schedules;
- (b) the anchor: bare PrefectClient calls writing the same deployments and schedules
  (computed by dondoc's wanted_state, one create_deployment per plan, nothing read back),
  province by province with the same concurrency, on a second fresh server and database;
  and, for context, the same calls one after another with one client (--sequential).

    python -m bench.national_sync --tasks 100000 [--concurrency 4] [--no-sequential]

Merges its size into bench/results/national-sync.json and rewrites national-sync.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "national"
RESULTS = ROOT / "bench" / "results" / "national-sync.json"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432"
FLOW = "follow-up"
# The synthetic catalog's snapshot day (bench/synth.py AS_OF): as of today most of its
# deadlines lie in years outside the reminder window and would get no schedule.
AS_OF = "2025-06-30"
# Prefect's own default (60 s); the test helper's 2 s would make the scheduler run all
# through both timed phases. Both servers get the same settings.
SERVER_ENV = {"PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "60"}


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def self_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


@contextmanager
def dondoc_database() -> Iterator[str]:
    import psycopg

    name = f"dondoc_nat_{uuid.uuid4().hex[:8]}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG}/{name}"
    finally:
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres",
                             autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def prefect_on_postgres(home: Path) -> Iterator[str]:
    from tests.prefect_server import postgres_database, start_server

    home.mkdir(parents=True, exist_ok=True)
    with postgres_database("prefect_nat") as url:
        gen = start_server(home, url, extra_env=SERVER_ENV)
        api = next(gen)
        try:
            yield api
        finally:
            gen.close()


def dondoc(env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run the real command; its wall and CPU seconds and its stdout."""
    cpu0, started = child_cpu(), time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "dondoc.tui.cli", *args], env=env,
                          capture_output=True, text=True, timeout=7200)
    wall = time.perf_counter() - started
    if proc.returncode:
        raise RuntimeError(f"dondoc {' '.join(args)}: {proc.stderr[-3000:]}")
    return {"s": round(wall, 2), "cpu_s": round(child_cpu() - cpu0, 2), "stdout": proc.stdout}


async def raw_create(api: str, wanted: list[Any], concurrency: int) -> dict[str, Any]:
    """The anchor: the same deployments and schedules with bare client calls."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import DeploymentScheduleCreate
    from prefect.client.schemas.schedules import RRuleSchedule
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from dondoc.flows.deployments import (ENTRYPOINT, TIMEZONE, WORK_POOL, _parameter_schema,
                                          ensure_work_pool, province_groups)
    from dondoc.flows.followup import follow_up

    schema = _parameter_schema(follow_up)
    with temporary_settings({PREFECT_API_URL: api}):
        async with get_client() as client:
            await ensure_work_pool(client, WORK_POOL)  # set up, not timed
        groups = province_groups(wanted) if concurrency > 1 else [wanted]
        gate = asyncio.Semaphore(concurrency)
        cpu0, started = self_cpu(), time.perf_counter()
        async with get_client() as client:
            flow_id = await client.create_flow_from_name(FLOW)

        async def province(group: list[Any]) -> None:
            async with gate, get_client() as client:
                for dep in group:
                    await client.create_deployment(
                        flow_id=flow_id, name=dep.plan, description=dep.description,
                        tags=dep.tags, work_pool_name=WORK_POOL, entrypoint=ENTRYPOINT,
                        parameter_openapi_schema=schema, enforce_parameter_schema=False,
                        schedules=[DeploymentScheduleCreate(
                            schedule=RRuleSchedule(rrule=w.rrule, timezone=TIMEZONE),
                            active=True, slug=w.slug, parameters=w.parameters)
                            for w in dep.schedules.values() if w.active and w.rrule])

        await asyncio.gather(*(province(g) for g in groups))
        return {"s": round(time.perf_counter() - started, 2),
                "client_cpu_s": round(self_cpu() - cpu0, 2), "concurrency": concurrency,
                "clients": len(groups)}


def server_state(api: str) -> dict[str, int]:
    import httpx

    with httpx.Client(base_url=api, timeout=120) as http:
        deps = int(http.post("/deployments/count", json={
            "flows": {"name": {"any_": [FLOW]}}}).json())
        runs = int(http.post("/flow_runs/count", json={
            "flows": {"name": {"any_": [FLOW]}}}).json())
    return {"deployments": deps, "flow_runs": runs}


def wait_for_runs(api: str, since: float, timeout: float) -> float | None:
    """Seconds from since (the end of the first sync) until the scheduler has created some
    flow run for the synced deployments."""
    while time.perf_counter() - since < timeout:
        if server_state(api)["flow_runs"] > 0:
            return round(time.perf_counter() - since, 1)
        time.sleep(2)
    return None


def run(n: int, concurrency: int, sequential: bool) -> dict[str, Any]:
    base = OUT / str(n)
    if base.exists():
        shutil.rmtree(base)
    base.mkdir(parents=True)
    catalog = base / "catalog"
    synth = subprocess.run([sys.executable, "-m", "bench.synth", str(n), str(catalog)],
                           capture_output=True, text=True, check=True, cwd=ROOT)
    result: dict[str, Any] = {"tasks": n, "synth": json.loads(synth.stdout),
                              "concurrency": concurrency, "loadavg": {"start": loadavg()}}
    with ExitStack() as stack:
        db = stack.enter_context(dondoc_database())
        env = {**os.environ, "DONDOC_HOME": str(base / "home"), "DONDOC_DATABASE_URL": db,
               "PREFECT_LOGGING_LEVEL": "WARNING", "DONDOC_SYNC_CONCURRENCY": str(concurrency)}
        load = dondoc(env, "catalog", "load", str(catalog))
        result["catalog_load"] = {"s": load["s"], "cpu_s": load["cpu_s"]}

        # (a) dondoc's first sync, (c) the unchanged resync, then the scheduler's runs.
        t0 = time.perf_counter()
        api = stack.enter_context(prefect_on_postgres(base / "prefect-a"))
        result["server_start_s"] = round(time.perf_counter() - t0, 1)
        env["PREFECT_API_URL"] = api
        result["loadavg"]["before_sync"] = loadavg()
        first = dondoc(env, "sync", "--json", "--as-of", AS_OF)
        result["dondoc_sync"] = {"s": first["s"], "cpu_s": first["cpu_s"],
                                 "summary": json.loads(first["stdout"])}
        synced_at = time.perf_counter()
        result["loadavg"]["after_sync"] = loadavg()
        second = dondoc(env, "sync", "--json", "--as-of", AS_OF)
        result["resync"] = {"s": second["s"], "cpu_s": second["cpu_s"],
                            "summary": json.loads(second["stdout"])}
        result["runs_after_s"] = wait_for_runs(api, synced_at, timeout=300)
        result["server_a"] = server_state(api)
        # wanted_state again, in this process: the anchor writes exactly this.
        from dondoc.catalog.store.engines import engine_for
        from dondoc.flows.deployments import wanted_state
        eng = engine_for(db)
        t1, c1 = time.perf_counter(), self_cpu()
        wanted = wanted_state(eng, dt.date.fromisoformat(AS_OF))
        result["wanted_state_in_process"] = {"s": round(time.perf_counter() - t1, 2),
                                             "cpu_s": round(self_cpu() - c1, 2)}
        eng.dispose()
        stack.close()  # server A and both databases gone before the anchor is timed

        result["plans"] = len(wanted)
        result["schedules_active"] = sum(1 for d in wanted for w in d.schedules.values()
                                         if w.active and w.rrule)
        result["provinces"] = len({d.province for d in wanted})

        result["loadavg"]["before_raw"] = loadavg()
        with prefect_on_postgres(base / "prefect-b") as api_b:
            result["raw_parallel"] = asyncio.run(raw_create(api_b, wanted, concurrency))
            result["server_b"] = server_state(api_b)
        result["loadavg"]["after_raw"] = loadavg()
        if sequential:
            with prefect_on_postgres(base / "prefect-c") as api_c:
                result["raw_sequential"] = asyncio.run(raw_create(api_c, wanted, 1))
            result["loadavg"]["after_sequential"] = loadavg()
    raw = result["raw_parallel"]["s"]
    result["ratio_to_raw"] = round(result["dondoc_sync"]["s"] / raw, 3) if raw else None
    result["goals"] = {
        "first_sync_le_1.2x_raw": result["ratio_to_raw"] is not None
        and result["ratio_to_raw"] <= 1.2,
        "first_sync_le_15_min": result["dondoc_sync"]["s"] <= 900,
        "resync_le_30_s": result["resync"]["s"] <= 30,
        "resync_0_writes": result["resync"]["summary"]["writes"] == 0,
        "same_deployments": result["server_a"]["deployments"]
        == result["server_b"]["deployments"] == result["plans"],
        "runs_created": result["runs_after_s"] is not None,
    }
    return result


def markdown(doc: dict[str, Any]) -> str:
    out = ["# National sync: dondoc vs bare PrefectClient calls, Prefect on PostgreSQL", "",
           "| tasks | plans | provinces | active schedules | concurrency | catalog load s |"
           " dondoc sync s (CPU) | raw parallel s | ratio | raw sequential s |"
           " resync s (CPU) | resync writes | runs after s |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in sorted(doc["sizes"].values(), key=lambda r: (r["tasks"], r["concurrency"])):
        seq = r.get("raw_sequential", {}).get("s", "–")
        out.append(
            f"| {r['tasks']:,} | {r['plans']} | {r['provinces']} | {r['schedules_active']:,} |"
            f" {r['concurrency']} | {r['catalog_load']['s']} |"
            f" {r['dondoc_sync']['s']} ({r['dondoc_sync']['cpu_s']}) |"
            f" {r['raw_parallel']['s']} | {r['ratio_to_raw']} | {seq} |"
            f" {r['resync']['s']} ({r['resync']['cpu_s']}) |"
            f" {r['resync']['summary']['writes']} | {r['runs_after_s']} |")
    for r in sorted(doc["sizes"].values(), key=lambda r: (r["tasks"], r["concurrency"])):
        rep = r.get("resync_repeat")
        if rep:
            out.append("")
            out.append(f"Unchanged resync at {r['tasks']:,} tasks repeated ({rep['when'][:16]} UTC, "
                       f"commit {rep['commit']}): " + ", ".join(
                           f"{x['s']} s ({x['cpu_s']} s CPU, {x['writes']} writes, load "
                           f"{x['loadavg_before'][0]})" for x in rep["runs"]) + ".")
        if r.get("note"):
            out += ["", f"{r['tasks']:,} tasks: {r['note']}"]
    out += ["", "Commands and load averages per size are in national-sync.json."]
    return "\n".join(out) + "\n"


def resync_only(args: argparse.Namespace) -> None:
    """Unchanged resyncs, repeated, stored beside the size's full run."""
    api, db, home = args.resync_only
    env = {**os.environ, "DONDOC_HOME": home, "DONDOC_DATABASE_URL": db,
           "PREFECT_API_URL": api, "PREFECT_LOGGING_LEVEL": "WARNING"}
    runs = []
    for _ in range(args.runs):
        before = loadavg()
        r = dondoc(env, "sync", "--json", "--as-of", AS_OF)
        runs.append({"s": r["s"], "cpu_s": r["cpu_s"], "loadavg_before": before,
                     "writes": json.loads(r["stdout"])["writes"],
                     "unchanged": json.loads(r["stdout"])["unchanged"]})
    doc = json.loads(RESULTS.read_text(encoding="utf-8"))
    entry = doc["sizes"][str(args.tasks)]
    entry["resync_repeat"] = {
        "command": "python -m bench.national_sync " + " ".join(sys.argv[1:]),
        "when": dt.datetime.now(dt.timezone.utc).isoformat(),
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                 text=True, cwd=ROOT).stdout.strip(),
        "runs": runs, "best_s": min(r["s"] for r in runs),
        "note": "against a PostgreSQL-backed Prefect server and dondoc database that a first "
                "sync of the same catalog had filled (not the full run's server, stopped "
                "by then)"}
    RESULTS.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    RESULTS.with_suffix(".md").write_text(markdown(doc), encoding="utf-8")
    print(json.dumps(entry["resync_repeat"], indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=None,
                        help="provinces at once (default: DONDOC_SYNC_CONCURRENCY's default)")
    parser.add_argument("--no-sequential", action="store_true",
                        help="skip the one-client anchor given for context")
    parser.add_argument("--resync-only", nargs=3, metavar=("API", "DATABASE_URL", "HOME"),
                        help="only time unchanged resyncs against a server and a dondoc "
                             "database that a first sync of --tasks filled already")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.resync_only:
        resync_only(args)
        return
    from dondoc.catalog.settings import settings
    concurrency = args.concurrency or settings().sync_concurrency
    os.environ.pop("PREFECT_API_URL", None)
    started = dt.datetime.now(dt.timezone.utc).isoformat()
    result = run(args.tasks, concurrency, not args.no_sequential)
    result["command"] = "python -m bench.national_sync " + " ".join(sys.argv[1:])
    result["load_note"] = ("other engineers' tests and benchmarks shared the 2 cores: see "
                           "loadavg (1, 5, 15 min) at each phase; CPU seconds beside wall")
    result["started"], result["finished"] = started, dt.datetime.now(dt.timezone.utc).isoformat()
    result["server_settings"] = {**SERVER_ENV, "database": "PostgreSQL (asyncpg), fresh per server",
                                 "pool": "Prefect defaults"}
    doc = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    doc.setdefault("benchmark", "national-sync")
    doc["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count(),
                      "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"],
                                               capture_output=True, text=True,
                                               cwd=ROOT).stdout.strip()}
    # A run at another concurrency than the default is kept beside it, not over it.
    key = str(args.tasks) if concurrency == settings().sync_concurrency \
        else f"{args.tasks}@c{concurrency}"
    doc.setdefault("sizes", {})[key] = result
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    RESULTS.with_suffix(".md").write_text(markdown(doc), encoding="utf-8")
    print(markdown(doc))


if __name__ == "__main__":
    main()
