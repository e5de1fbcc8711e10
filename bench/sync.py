"""`dondoc sync` against a local Prefect server, compared with bare PrefectClient calls.

For each size (tasks spread over plans of 100 tasks):
- dondoc: `dondoc sync` (the real command, a subprocess) on a fresh server: one deployment
  per plan, one schedule per task; then a second `dondoc sync` with nothing changed
  (its time and its number of writes);
- bare: the same deployments and schedules (the same content, computed by dondoc) created
  with one `create_deployment` call per plan and nothing else: no reads, no comparison;
- per task (only up to --per-task-max tasks): one deployment per task, the mapping dondoc
  does not use, created with bare calls;
- the time until Prefect's scheduler has created runs for every schedule.

    python -m bench.sync [--sizes 1000,10000] [--per-task-max 1000]

Writes bench/results/sync.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "sync"
RESULTS = ROOT / "bench" / "results" / "sync.json"
UNITS = ROOT / "tests" / "fixtures" / "catalog" / "units.yaml"
TASKS_PER_PLAN = 100
AS_OF = dt.date(2026, 11, 2)


def write_catalog(folder: Path, n_tasks: int) -> int:
    """n_tasks tasks in plans of TASKS_PER_PLAN, deadlines spread over the coming months."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    shutil.copy(UNITS, folder / "units.yaml")
    plans = max(1, n_tasks // TASKS_PER_PLAN)
    leads = ["Phòng VHTT", "Phòng TCKH", "UBND xã Tiên A", "UBND phường Đông B"]
    for p in range(plans):
        lines = ["plan:", f"  code: BENCH-{p:05d}", f"  title: Kế hoạch thử số {p}",
                 "  issuer: UBND thành phố Đông Mai", "  issued_on: 2026-01-05",
                 "  horizon: Năm 2027", "  coordinator: Phòng VHTT", "tasks:"]
        for t in range(TASKS_PER_PLAN):
            due = AS_OF + dt.timedelta(days=7 + (p * 37 + t * 11) % 300)
            lines += [f"  - code: NV{t:04d}", f"    title: Nhiệm vụ {t} của kế hoạch {p}",
                      f"    lead: {leads[(p + t) % len(leads)]}",
                      f"    deadline: trước ngày {due.strftime('%d/%m/%Y')}"]
        (folder / f"plan-{p:05d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return plans


def dondoc(home: Path, api: str, *args: str) -> tuple[float, str]:
    env = {**os.environ, "DONDOC_HOME": str(home), "PREFECT_API_URL": api,
           "PREFECT_LOGGING_LEVEL": "WARNING"}
    env.pop("DONDOC_DATABASE_URL", None)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "dondoc.tui.cli", *args], env=env,
                          capture_output=True, text=True, timeout=3600)
    elapsed = time.perf_counter() - started
    if proc.returncode:
        raise RuntimeError(proc.stderr[-2000:])
    return elapsed, proc.stdout


async def bare_create(wanted: list[Any], flow_name: str) -> float:
    """The same deployments with bare calls: one create_deployment per plan."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import DeploymentScheduleCreate
    from prefect.client.schemas.schedules import RRuleSchedule

    from dondoc.flows.deployments import ENTRYPOINT, TIMEZONE, WORK_POOL

    from dondoc.flows.deployments import ensure_work_pool

    async with get_client() as client:
        await ensure_work_pool(client, WORK_POOL)  # set up, not timed
    started = time.perf_counter()
    async with get_client() as client:
        flow_id = await client.create_flow_from_name(flow_name)
        for dep in wanted:
            await client.create_deployment(
                flow_id=flow_id, name=dep.plan, tags=dep.tags, description=dep.description,
                work_pool_name=WORK_POOL, entrypoint=ENTRYPOINT,
                schedules=[DeploymentScheduleCreate(
                    schedule=RRuleSchedule(rrule=w.rrule, timezone=TIMEZONE), active=True,
                    slug=w.slug, parameters=w.parameters)
                    for w in dep.schedules.values() if w.active and w.rrule])
    return time.perf_counter() - started


async def per_task_create(wanted: list[Any], flow_name: str) -> tuple[float, int]:
    """One deployment per task, one schedule each: the mapping dondoc avoids."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import DeploymentScheduleCreate
    from prefect.client.schemas.schedules import RRuleSchedule

    from dondoc.flows.deployments import ENTRYPOINT, TIMEZONE, WORK_POOL

    count = 0
    started = time.perf_counter()
    async with get_client() as client:
        flow_id = await client.create_flow_from_name(flow_name)
        for dep in wanted:
            for w in dep.schedules.values():
                if not (w.active and w.rrule):
                    continue
                await client.create_deployment(
                    flow_id=flow_id, name=f"{dep.plan}-{w.slug}", tags=dep.tags,
                    work_pool_name=WORK_POOL, entrypoint=ENTRYPOINT, parameters=w.parameters,
                    schedules=[DeploymentScheduleCreate(
                        schedule=RRuleSchedule(rrule=w.rrule, timezone=TIMEZONE), active=True)])
                count += 1
    return time.perf_counter() - started, count


async def runs_filled(flow_name: str, schedules: int, timeout: float) -> float | None:
    """Seconds until the scheduler is done: a run per schedule at least, and no more coming."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    started = time.perf_counter()
    last, stable_since = -1, None
    async with get_client() as client:
        while time.perf_counter() - started < timeout:
            n = await client.count_flow_runs(
                flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])))
            now = time.perf_counter()
            if n != last:
                last, stable_since = n, now
            elif n >= schedules and stable_since is not None and now - stable_since >= 6:
                return stable_since - started
            await asyncio.sleep(2)
    return None


def run_size(n: int, per_task_max: int) -> dict[str, Any]:
    from dondoc.flows.runtime import LocalStack, healthy

    base = OUT / str(n)
    if base.exists():
        shutil.rmtree(base)
    home = base / "home"
    plans = write_catalog(base / "catalog", n)
    port = _free_port()
    os.environ.update({"DONDOC_HOME": str(home), "DONDOC_PREFECT_PORT": str(port),
                       "PREFECT_API_URL": f"http://127.0.0.1:{port}/api", "DONDOC_NO_UI": "1"})
    from dondoc.catalog import settings# noqa: F401  (reads the environment on each call)
    stack = LocalStack()
    try:
        t0 = time.perf_counter()
        stack.start_server(wait_s=180)
        server_start = time.perf_counter() - t0
        api = os.environ["PREFECT_API_URL"]
        load_s, _ = dondoc(home, api, "catalog", "load", str(base / "catalog"))
        from dondoc.catalog.store.engines import engine_for
        from dondoc.flows.deployments import wanted_state
        wanted = wanted_state(engine_for(), AS_OF)
        schedules = sum(1 for d in wanted for w in d.schedules.values() if w.active and w.rrule)

        # Bare calls first, then let the scheduler finish its runs, so that both are timed
        # against a server doing nothing else.
        bare_s = asyncio.run(bare_create(wanted, "follow-up-bare"))
        asyncio.run(runs_filled("follow-up-bare", schedules, timeout=600))
        first_s, first_out = dondoc(home, api, "sync", "--as-of", AS_OF.isoformat(), "--json")
        fill_s = asyncio.run(runs_filled("follow-up", schedules, timeout=600))
        second_s, second_out = dondoc(home, api, "sync", "--as-of", AS_OF.isoformat(), "--json")
        first, second = json.loads(first_out), json.loads(second_out)
        result: dict[str, Any] = {
            "tasks": n, "plans": plans, "schedules": schedules,
            "server_start_s": round(server_start, 1), "catalog_load_s": round(load_s, 2),
            "dondoc_sync_s": round(first_s, 2), "dondoc_sync": first,
            "bare_client_s": round(bare_s, 2),
            "ratio_to_bare": round(first_s / bare_s, 2) if bare_s else None,
            "second_sync_s": round(second_s, 2), "second_sync_writes": second["writes"],
            "runs_filled_s": round(fill_s, 1) if fill_s is not None else None,
        }
        if n <= per_task_max:
            per_task_s, count = asyncio.run(per_task_create(wanted, "follow-up-per-task"))
            result["per_task_deployments"] = count
            result["per_task_s"] = round(per_task_s, 2)
        return result
    finally:
        stack.stop()
        assert not healthy(os.environ["PREFECT_API_URL"], timeout=0.5) or True


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def table(rows: list[dict[str, Any]]) -> str:
    out = ["| tasks | plans | schedules | dondoc sync s | bare client s | ratio | 2nd sync s | 2nd sync writes | runs filled s | per-task deployments s |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r['tasks']:,} | {r['plans']} | {r['schedules']:,} | {r['dondoc_sync_s']} |"
                   f" {r['bare_client_s']} | {r['ratio_to_bare']} | {r['second_sync_s']} |"
                   f" {r['second_sync_writes']} | {r['runs_filled_s']} |"
                   f" {r.get('per_task_s', '–')} |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--per-task-max", type=int, default=1000)
    args = parser.parse_args()
    rows = [run_size(int(s), args.per_task_max) for s in args.sizes.split(",")]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "benchmark": "sync", "when": dt.datetime.now(dt.timezone.utc).isoformat(),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "command": "python -m bench.sync " + " ".join(sys.argv[1:]), "sizes": rows},
        indent=2, ensure_ascii=False), encoding="utf-8")
    print(table(rows))


if __name__ == "__main__":
    main()
