"""The daily sweep at ~1M unit assignments: one process against the parent flow on 4 workers.

The catalog of bench/assignments.py (100k tasks of 34 provinces, every task led by its
province's group of 10 departments: 1,082,216 assignments), loaded once into PostgreSQL.
For each endpoint latency (the local HTTP endpoint answering at once, and after a stated
delay per request, as an SMTP relay or the Zalo API answers), on a fresh ledger each time
and the same as-of day:

  (a) one process: the letter sweep (`sweep_letters`, what `dondoc remind` and the
      single-process flow step run) in a fresh interpreter -- the anchor;
  (b) the `catch-up-sweep` parent flow (started in a fresh interpreter, as a flow run of its
      own) mapping one `sweep-province` child run per province onto 4 `prefect worker`
      processes of a `process` pool (limit 1 run each), Prefect itself on PostgreSQL.

Both must send the same number of letters covering the same number of reminders, and the
endpoint must receive each letter once. Wall and CPU seconds (the client processes, the
workers and their flow runs; PostgreSQL's own CPU is in the machine's total) are recorded.

    python -m bench.sweep                      # writes bench/results/sweep.json and sweep.md
    python -m bench.sweep --latency-ms 0,50 --workers 4
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.endpoint import serve

HERE = Path(__file__).parent
ROOT = HERE.parent
OUT = HERE / "out" / "sweep"
RESULTS = HERE / "results"
AS_OF = dt.date(2025, 6, 30)
DB_NAME = "dondoc_sweep_bench"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432"
GOAL_SPEEDUP = 2.5


# ------------------------------------------------------------------------ the catalog


def prepare(tasks: int, reuse: bool) -> dict[str, Any]:
    """The 1M-assignment catalog in PostgreSQL database DB_NAME (kept between runs)."""
    import psycopg

    from bench.assignments import group_everything
    from bench.synth import generate

    url = f"{PG}/{DB_NAME}"
    if reuse:
        try:
            with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={DB_NAME}") as c:
                n = c.execute("select count(*) from assignment where not withdrawn").fetchone()[0]
            if n:
                return {"url": url, "assignments": n, "reused": True}
        except psycopg.Error:
            pass
    catalog = OUT / "catalog"
    if catalog.exists():
        shutil.rmtree(catalog)
    generate(tasks, catalog)
    group_everything(catalog)
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as c:
        c.execute(f"drop database if exists {DB_NAME} with (force)")
        c.execute(f"create database {DB_NAME}")
    env = {**os.environ, "DONDOC_HOME": str(OUT / "load-home"), "DONDOC_DATABASE_URL": url}
    started = time.perf_counter()
    subprocess.run([_bin("dondoc"), "catalog", "load", str(catalog), "--json"], env=env,
                   check=True, stdout=subprocess.DEVNULL)
    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={DB_NAME}") as c:
        n = c.execute("select count(*) from assignment where not withdrawn").fetchone()[0]
    return {"url": url, "assignments": n, "reused": False,
            "load_s": round(time.perf_counter() - started, 1)}


def fresh_ledger() -> None:
    """No delivery and no first-seen record: each variant starts as a new database would."""
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={DB_NAME}", autocommit=True) as c:
        c.execute("truncate delivery, remindwatch")


def _bin(name: str) -> str:
    found = Path(sys.executable).with_name(name)
    return str(found) if found.exists() else name


# ------------------------------------------------------------------------ the endpoint


class Endpoint:
    def __init__(self, delay_s: float) -> None:
        ctx = mp.get_context("spawn")
        port_q, self.count_q, self.stop = ctx.Queue(), ctx.Queue(), ctx.Event()
        self.proc = ctx.Process(target=serve, args=(port_q, self.stop, self.count_q, delay_s),
                                daemon=True)
        self.proc.start()
        self.port = port_q.get(timeout=60)

    def close(self) -> tuple[int, int]:
        self.stop.set()
        got = self.count_q.get(timeout=60)
        self.proc.join(timeout=10)
        return got


def apprise_config(path: Path, port: int, units: list[str]) -> Path:
    """One local URL that every unit's tag reaches: one letter per unit."""
    path.write_text(f"version: 1\nurls:\n  - json://127.0.0.1:{port}/hook:\n"
                    f"      tag: {', '.join(units)}\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------------ measuring


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _machine_cpu() -> float:
    """Busy CPU seconds of the whole machine so far (every process: PostgreSQL included)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    ticks = [int(x) for x in fields]
    busy = sum(ticks) - ticks[3] - ticks[4]  # minus idle and iowait
    return busy / os.sysconf("SC_CLK_TCK")


ONE_PROCESS = """
import json, datetime as dt
from dondoc.catalog.store.engines import engine_for
from dondoc.tasks.letters import sweep_letters
from dondoc.tasks.notify import load_targets
r = sweep_letters(engine_for(), dt.date.fromisoformat({day!r}), load_targets())
print(json.dumps({{"counts": dict(r.counts)}}))
"""

PARENT = """
import json
from dondoc.flows.standing import catch_up_sweep
state = catch_up_sweep(as_of={day!r}, children={children}, return_state=True)
print(json.dumps({{"state": state.type.value, "result": state.result(raise_on_failure=False)}},
                 default=str))
"""


def timed(code: str, env: dict[str, str], logs: Path) -> dict[str, Any]:
    cpu0, m0, t0 = _cpu_children(), _machine_cpu(), time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          cwd=ROOT)
    seconds = time.perf_counter() - t0
    logs.write_text(proc.stderr, encoding="utf-8")
    if proc.returncode != 0:
        raise RuntimeError(f"sweep failed ({proc.returncode}): {proc.stderr[-3000:]}")
    return {"seconds": round(seconds, 2), "cpu_s": round(_cpu_children() - cpu0, 2),
            "machine_cpu_s": round(_machine_cpu() - m0, 2),
            "output": json.loads(proc.stdout.strip().splitlines()[-1])}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--latency-ms", default="0,50")
    ap.add_argument("--rebuild", action="store_true", help="generate and load the catalog again")
    ap.add_argument("--children", type=int, default=0,
                    help="child runs of the parent (0: one per province)")
    ap.add_argument("--append", action="store_true",
                    help="add these runs to bench/results/sweep.json rather than replace it")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from tests.prefect_server import postgres_database, start_server
    from tests.prefect_workers import cpu_seconds, wait_until_polling, workers

    OUT.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    db = prepare(args.tasks, reuse=not args.rebuild)
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={DB_NAME}") as c:
        units = [u for (u,) in c.execute("select code from unit order by code")]
        provinces = c.execute("select count(distinct coalesce(province, '-')) from unit").fetchone()[0]
    home = OUT / "home"
    runs: list[dict[str, Any]] = []
    phome = OUT / "prefect-home"
    if phome.exists():
        shutil.rmtree(phome)
    phome.mkdir(parents=True)
    with postgres_database("sweepbench") as prefect_db:
        server = start_server(phome, prefect_db)
        api = next(server)
        try:
            base = {**{k: v for k, v in os.environ.items() if not k.startswith("DONDOC_")},
                    "DONDOC_HOME": str(home), "DONDOC_DATABASE_URL": db["url"],
                    "DONDOC_REMIND_LETTERS": "1", "PREFECT_API_URL": api,
                    "PREFECT_LOGGING_LEVEL": "WARNING"}
            subprocess.run([sys.executable, "-c",
                            "import asyncio\nfrom prefect.client.orchestration import get_client\n"
                            "from dondoc.flows.deployments import apply_standing\n"
                            "async def m():\n    async with get_client() as c:\n"
                            "        await apply_standing(c)\nasyncio.run(m())\n"],
                           env=base, check=True, cwd=ROOT)
            for latency in [int(x) for x in args.latency_ms.split(",")]:
                endpoint = Endpoint(latency / 1000)
                env = {**base, "DONDOC_APPRISE_CONFIG": str(apprise_config(
                    OUT / f"apprise-{latency}.yaml", endpoint.port, units))}
                # (a) one process, the anchor
                fresh_ledger()
                one = timed(ONE_PROCESS.format(day=AS_OF.isoformat()), env,
                            OUT / f"one-{latency}.log")
                one_requests = endpoint.close()
                # (b) the parent flow over the workers' children
                endpoint = Endpoint(latency / 1000)
                env["DONDOC_APPRISE_CONFIG"] = str(apprise_config(
                    OUT / f"apprise-{latency}.yaml", endpoint.port, units))
                fresh_ledger()
                procs: list[Any] = []
                with workers(args.workers, env, OUT / f"logs-{latency}", limit=1,
                             prefix=f"l{latency}w", procs=procs) as names:
                    wait_until_polling(api, "dondoc", names)
                    idle = sum(cpu_seconds(p.pid) for p in procs)
                    spread = timed(PARENT.format(day=AS_OF.isoformat(),
                                                 children=args.children), env,
                                   OUT / f"spread-{latency}.log")
                    # the workers' own polling and every child flow run they started
                    time.sleep(3)  # the last children exit and are waited for
                    spread["workers_cpu_s"] = round(sum(cpu_seconds(p.pid) for p in procs)
                                                    - idle, 2)
                spread_requests = endpoint.close()
                a = one["output"]["counts"]
                b = spread["output"]["result"]["counts"]
                same = (a.get("sent") == b.get("sent")
                        and a.get("covered_sent") == b.get("covered_sent"))
                runs.append({
                    "latency_ms": latency,
                    "one_process": {**one, "endpoint_requests": one_requests[0],
                                    "endpoint_distinct_letters": one_requests[1]},
                    "command": "python -m bench.sweep " + " ".join(
                        argv if argv is not None else sys.argv[1:]),
                    "parent_flow": {**spread, "workers": args.workers,
                                    "children": spread["output"]["result"].get("children"),
                                    "endpoint_requests": spread_requests[0],
                                    "endpoint_distinct_letters": spread_requests[1]},
                    "letters_sent": [a.get("sent"), b.get("sent")],
                    "reminders_covered": [a.get("covered_sent"), b.get("covered_sent")],
                    "same_counts": same,
                    "speedup": round(one["seconds"] / spread["seconds"], 2),
                    "goal_speedup": GOAL_SPEEDUP,
                    "meets_goal": same and one["seconds"] / spread["seconds"] >= GOAL_SPEEDUP,
                })
                print(json.dumps(runs[-1], ensure_ascii=False, default=str)[:2000], flush=True)
        finally:
            server.close()
    result = {
        "benchmark": "sweep",
        "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "command": "python -m bench.sweep " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                    "loadavg_before": [round(x, 2) for x in load_before],
                    "loadavg_after": [round(x, 2) for x in os.getloadavg()]},
        "as_of": AS_OF.isoformat(), "database": "PostgreSQL (dondoc and Prefect)",
        "catalog": {"tasks": args.tasks, "assignments": db["assignments"], "units": len(units),
                    "provinces": provinces, **{k: v for k, v in db.items() if k != "url"}},
        "runs": runs,
    }
    RESULTS.mkdir(exist_ok=True)
    if args.append and (RESULTS / "sweep.json").exists():
        before = json.loads((RESULTS / "sweep.json").read_text(encoding="utf-8"))
        result["runs"] = before["runs"] + runs
        result["earlier"] = [{k: before.get(k) for k in ("when", "command", "machine")},
                             *before.get("earlier", [])]
    (RESULTS / "sweep.json").write_text(json.dumps(result, ensure_ascii=False, indent=2,
                                                   default=str) + "\n", encoding="utf-8")
    (RESULTS / "sweep.md").write_text(markdown(result), encoding="utf-8")
    return result


def markdown(result: dict[str, Any]) -> str:
    lines = [f"# Daily sweep at {result['catalog']['assignments']:,} assignments",
             "", f"`{result['command']}`, {result['when']}; as of {result['as_of']}; "
             f"load average before/after {result['machine']['loadavg_before'][0]}/"
             f"{result['machine']['loadavg_after'][0]} on {result['machine']['cpus']} cores.", "",
             "| endpoint latency | child runs | one process s (CPU s) | parent flow, 4 workers s (client CPU s, workers CPU s) | speedup | letters (one / spread) | reminders covered | machine CPU s (one / spread) |",
             "|---|---:|---:|---:|---:|---|---|---|"]
    for r in result["runs"]:
        one, par = r["one_process"], r["parent_flow"]
        lines.append(f"| {r['latency_ms']} ms | {par.get('children') or result['catalog']['provinces']} | "
                     f"{one['seconds']} ({one['cpu_s']}) | "
                     f"{par['seconds']} ({par['cpu_s']}, {par.get('workers_cpu_s')}) | "
                     f"{r['speedup']}× | {r['letters_sent'][0]} / {r['letters_sent'][1]} | "
                     f"{r['reminders_covered'][0]} / {r['reminders_covered'][1]} | "
                     f"{one['machine_cpu_s']} / {par['machine_cpu_s']} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
