"""The reminder sweep at scale: deciding what is due, and delivering to an HTTP endpoint.

    python -m bench.remind [--assignments 1000000] [--messages 10000] [--workers 16]
                           [--baseline-limit-s 600]

1. Decide. A scratch SQLite database under bench/out/remind/ is filled directly (bulk
   inserts into unit, plan, task and taskunit): 34 provinces' units, plans with and without
   their own `reminders:` policy, and tasks with a lead and three coordinating units each,
   deadlines spread over 2024-2026 (effective due moved to the next working day), 5%
   recurring (quarterly and monthly reports), 10% done, 1% snoozed, 1% withdrawn.
   `dondoc.tasks.remind.decide` is timed (best of 3) on 2025-06-30 against a plain per-task
   loop in the same run: every live task read, its units fetched by one query per task,
   `dondoc.catalog.rules.policy.due_for_task` on the plain WorkCalendar, escalation parents looked up
   one query per task. Both must find the same (task, unit, occurrence, rule) set.
2. Deliver. The loader writes a plan whose tasks are all due the same day (4 units each),
   and `dondoc.tasks.remind.sweep` sends every message through Apprise json:// to a
   ThreadingHTTPServer in another process on 127.0.0.1: claim, render, send, mark, timed
   end to end; the server's count of distinct keys is checked.

Results: bench/results/remind.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import platform
import random
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from bench.endpoint import serve

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out" / "remind"
RESULTS = Path(__file__).resolve().parent / "results"
AS_OF = dt.date(2025, 6, 30)
GOAL_DECIDE_S = 5.0
GOAL_RATE = 200.0


# ------------------------------------------------------------------------ scratch data


def build_decide_db(path: Path, assignments: int, seed: int = 2025) -> dict[str, int]:
    from dondoc.catalog.store.engines import make_engine, migrate
    from dondoc.catalog.rules.workdays import default_calendar

    if path.exists():
        path.unlink()
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    cal = default_calendar()
    rnd = random.Random(seed)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    units: list[tuple[Any, ...]] = []
    provinces = []
    for p in range(34):
        top = f"P{p:02d}-UBND"
        units.append((top, f"Ủy ban nhân dân tỉnh số {p}", None, None))
        depts = [f"P{p:02d}-S{d:02d}" for d in range(16)]
        units += [(d, f"Sở số {i} tỉnh {p}", top, None) for i, d in enumerate(depts)]
        communes = [f"P{p:02d}-X{c:03d}" for c in range(100)]
        units += [(c, f"UBND xã số {i} tỉnh {p}", top, None) for i, c in enumerate(communes)]
        provinces.append((top, depts, communes))
    conn.executemany("insert into unit (code, name, parent_code, valid_to) values (?, ?, ?, ?)",
                     units)
    plans = []
    for i in range(500):
        top, depts, _ = provinces[i % 34]
        policy = json.dumps({"before": [7, 3, 0]}) if i % 10 == 0 else None
        plans.append((f"KH-{i:04d}", f"Kế hoạch số {i}", top, depts[0], policy))
    conn.executemany("insert into plan (code, title, issuer_code, coordinator_code, policy)"
                     " values (?, ?, ?, ?, ?)", plans)
    n_tasks = assignments // 4
    start = dt.date(2024, 1, 1)
    tasks, links = [], []
    for tid in range(1, n_tasks + 1):
        plan_code, _, top, coordinator, _ = plans[tid % 500]
        _, depts, communes = provinces[(tid % 500) % 34]
        lead = rnd.choice(depts)
        helpers = rnd.sample(communes, 3)
        state, completed, snoozed, kind, rrule, rstart, runtil = "open", None, None, "date", None, None, None
        r = rnd.random()
        if r < 0.10:
            state, completed = "done", "2024-06-01"
        elif r < 0.11:
            state = "withdrawn"
        elif r < 0.12:
            snoozed = "2025-07-15"
        due = start + dt.timedelta(days=rnd.randrange(3 * 365))
        category = "task"
        if rnd.random() < 0.05:
            kind, category = "recurring", "report"
            rrule = rnd.choice(["FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1",
                                "FREQ=MONTHLY;BYMONTHDAY=-1"])
            rstart, runtil, due_s, eff_s = "2024-02-01", "2026-12-31", None, None
        else:
            due_s, eff_s = due.isoformat(), cal.effective_due(due).isoformat()
        policy = json.dumps({"overdue_every": 10}) if tid % 50 == 0 else None
        tasks.append((tid, plan_code, f"NV{tid:07d}", f"Nhiệm vụ số {tid}", category, lead,
                      json.dumps(helpers), "Năm 2025", kind, due_s, eff_s, rrule, rstart, runtil,
                      state, completed, snoozed, policy))
        links.append((tid, lead, "lead"))
        links += [(tid, h, "coordinator") for h in helpers]
    conn.executemany(
        "insert into task (id, plan_code, code, title, category, lead_code, coordinators,"
        " deadline_text, deadline_kind, deadline_due, effective_due, rrule, rrule_start,"
        " rrule_until, state, completed_on, snoozed_until, policy, deadline_inferred, progress)"
        " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)", tasks)
    conn.executemany("insert into taskunit (task_id, unit_code, role) values (?, ?, ?)", links)
    conn.commit()
    conn.close()
    return {"units": len(units), "plans": len(plans), "tasks": n_tasks, "assignments": len(links)}


# ------------------------------------------------------------------------ the two deciders


def fast_decide(url: str) -> tuple[float, set[tuple[Any, ...]]]:
    from dondoc.catalog.store.engines import make_engine
    from dondoc.tasks.remind import decide

    engine = make_engine(url)
    best = float("inf")
    found: set[tuple[Any, ...]] = set()
    for _ in range(3):
        started = time.perf_counter()
        decision = decide(engine, AS_OF)
        best = min(best, time.perf_counter() - started)
        found = {(row.id, r.unit, d.occurrence, d.rule) for row, d, units in decision.items
                 for r in units}
    engine.dispose()
    return best, found


def plain_loop(path: Path, limit_s: float) -> tuple[float, set[tuple[Any, ...]], int, int]:
    """What one would write first: one task at a time, a query per task for its units."""
    from dondoc.catalog.rules import policy as pol
    from dondoc.catalog.rules.workdays import WorkCalendar

    cal = WorkCalendar()
    conn = sqlite3.connect(path)
    started = time.perf_counter()
    plans = {code: (json.loads(p) if p else None, coord) for code, p, coord in
             conn.execute("select code, policy, coordinator_code from plan")}
    rows = conn.execute(
        "select id, plan_code, deadline_kind, category, effective_due, rrule, rrule_start,"
        " rrule_until, state, completed_on, snoozed_until, policy, lead_code from task").fetchall()
    found: set[tuple[Any, ...]] = set()
    d = lambda s: dt.date.fromisoformat(s) if s else None  # noqa: E731
    done = 0
    for (tid, plan, kind, category, eff, rrule, rstart, runtil, state, completed, snoozed,
         policy, lead) in rows:
        if time.perf_counter() - started > limit_s:
            break
        done += 1
        plan_policy, coordinator = plans[plan]
        facts = pol.TaskFacts(tid, kind, d(eff), state, d(completed), d(snoozed), category,
                              rrule, d(rstart), d(runtil),
                              pol.resolve(plan_policy, json.loads(policy) if policy else None))
        answered = [d(o) for (o,) in conn.execute(
            "select occurrence from progressreport where task_id = ?", (tid,))]
        dues = pol.due_for_task(facts, AS_OF, cal, answered)
        if not dues:
            continue
        units = conn.execute("select unit_code, role from taskunit where task_id = ?"
                             " order by role = 'coordinator'", (tid,)).fetchall()
        for due in dues:
            if due.track == pol.UNIT_TRACK:
                for unit, _role in units:
                    found.add((tid, unit, due.occurrence, due.rule))
            else:
                parent = conn.execute("select parent_code from unit where code = ?",
                                      (lead,)).fetchone()[0]
                for unit in dict.fromkeys(u for u in (parent, coordinator) if u and u != lead):
                    found.add((tid, unit, due.occurrence, due.rule))
    seconds = time.perf_counter() - started
    conn.close()
    return seconds, found, done, len(rows)


# ------------------------------------------------------------------------ delivery


def deliver_bench(messages: int, workers: int) -> dict[str, Any]:
    from dondoc.catalog.store.engines import make_engine, migrate
    from dondoc.catalog.store.loader import load_catalog, read_for_load
    from dondoc.tasks.notify import load_targets
    from dondoc.tasks.remind import sweep

    folder = OUT / "deliver"
    home = folder / "home"
    if folder.exists():
        import shutil
        shutil.rmtree(folder)
    cat = folder / "catalog"
    sys.path.insert(0, str(ROOT))
    from tests.remind_servers import write_plan  # the same generator the tests use

    write_plan(cat, messages // 4, deadline="30/06/2025", code="BENCH-2025")
    os.environ["DONDOC_HOME"] = str(home)
    engine = make_engine(f"sqlite:///{home / 'dondoc.sqlite'}")
    migrate(engine)
    load_catalog(engine, read_for_load(engine, cat))

    ctx = mp.get_context("spawn")
    port_q, count_q, stop = ctx.Queue(), ctx.Queue(), ctx.Event()
    server = ctx.Process(target=serve, args=(port_q, stop, count_q), daemon=True)
    server.start()
    port = port_q.get(timeout=30)
    config = folder / "apprise.yaml"
    config.write_text(f"urls:\n  - json://127.0.0.1:{port}/hook:\n"
                      "      tag: DM-VHTT, DM-TCKH, DM-XA-A, DM-PH-B\n", encoding="utf-8")
    targets = load_targets(config)
    started = time.perf_counter()
    report = sweep(engine, dt.date(2025, 6, 30), targets, workers=workers)
    seconds = time.perf_counter() - started
    stop.set()
    total, distinct = count_q.get(timeout=30)
    server.join(timeout=10)
    again = sweep(engine, dt.date(2025, 6, 30), targets, workers=workers)
    engine.dispose()
    sent = report.counts.get("sent", 0)
    return {"messages": messages, "workers": workers, "sent": sent,
            "failed": report.counts.get("retry", 0) + report.counts.get("failed", 0),
            "seconds": round(seconds, 3), "per_second": round(sent / seconds, 1),
            "server_requests": total, "server_distinct_keys": distinct,
            "second_run_sent": again.counts.get("sent", 0),
            "goal_per_second": GOAL_RATE, "meets_goal": sent / seconds >= GOAL_RATE}


# ------------------------------------------------------------------------ letters


LETTER_GOAL_RATIO = 0.8


def _letters_db(home: Path, units: int) -> list[str]:
    """units units, each leading one task due on AS_OF (before-0 fires that day, so the
    quiet start lets it through): one letter per unit."""
    from dondoc.catalog.store.engines import make_engine, migrate

    home.mkdir(parents=True, exist_ok=True)
    path = home / "dondoc.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    codes = [f"U{i:05d}" for i in range(units)]
    conn = sqlite3.connect(path)
    conn.execute("insert into unit (code, name, contact) values ('VP', 'Văn phòng UBND tỉnh',"
                 " '0225 3842 123')")
    conn.executemany("insert into unit (code, name, parent_code) values (?, ?, 'VP')",
                     [(c, f"Ủy ban nhân dân xã số {i}") for i, c in enumerate(codes)])
    conn.execute("insert into plan (code, title, issuer_code, coordinator_code, policy) values"
                 " ('LT-2025', 'Kế hoạch chuyển đổi số năm 2025', 'VP', 'VP', ?)",
                 (json.dumps({"before": [0]}),))
    due = AS_OF.isoformat()
    conn.executemany(
        "insert into task (id, plan_code, code, title, category, lead_code, coordinators,"
        " deadline_text, deadline_kind, deadline_due, effective_due, state, deadline_inferred,"
        " progress) values (?, 'LT-2025', ?, ?, 'task', ?, '[]', 'trước ngày 30/6/2025', 'date',"
        " ?, ?, 'open', 0, 0)",
        [(i + 1, f"NV{i:05d}", f"Rà soát, cập nhật dữ liệu chuyển đổi số của xã số {i}", c,
          due, due) for i, c in enumerate(codes)])
    conn.commit()
    conn.close()
    return codes


def _server() -> tuple[Any, Any, Any, int]:
    ctx = mp.get_context("spawn")
    port_q, count_q, stop = ctx.Queue(), ctx.Queue(), ctx.Event()
    proc = ctx.Process(target=serve, args=(port_q, stop, count_q), daemon=True)
    proc.start()
    return proc, stop, count_q, port_q.get(timeout=30)


def letters_bench(units: int, workers: int) -> dict[str, Any]:
    """Letters to `units` units through dondoc (decide, claim, render, send, mark) against
    bare Apprise notifying the same units (tag= each code, the same worker count) with a
    body of the same length, each to its own fresh local HTTP server, in the same run."""
    from concurrent.futures import ThreadPoolExecutor

    from apprise import Apprise, AppriseConfig

    from dondoc.catalog.store.engines import make_engine
    from dondoc.tasks.letters import sweep_letters
    from dondoc.tasks.notify import load_targets

    folder = OUT / "letters"
    if folder.exists():
        import shutil
        shutil.rmtree(folder)
    home = folder / "home"
    codes = _letters_db(home, units)
    os.environ["DONDOC_HOME"] = str(home)

    def config(port: int) -> Path:
        path = folder / f"apprise-{port}.yaml"
        path.write_text(f"version: 1\nurls:\n  - json://127.0.0.1:{port}/hook:\n"
                        f"      tag: {', '.join(codes)}\n", encoding="utf-8")
        return path

    # dondoc
    proc, stop, count_q, port = _server()
    engine = make_engine(f"sqlite:///{home / 'dondoc.sqlite'}")
    targets = load_targets(config(port))
    started = time.perf_counter()
    report = sweep_letters(engine, AS_OF, targets, workers=workers)
    ours_s = time.perf_counter() - started
    stop.set()
    ours_total, ours_keys = count_q.get(timeout=30)
    proc.join(timeout=10)
    again = sweep_letters(engine, AS_OF, targets, workers=workers)
    engine.dispose()
    body_len = 1500
    outbox_sample = None
    sent = report.counts.get("sent", 0)

    # bare Apprise: the same units, the same kind of endpoint, the same pool
    proc, stop, count_q, port = _server()
    ap = Apprise()
    cfg = AppriseConfig()
    cfg.add(str(config(port)))
    ap.add(cfg)
    for server in ap.find(tag=codes[0]):
        server.request_rate_per_sec = 0  # as dondoc does: no per-plugin sleep
    body = ("Kính gửi: Ủy ban nhân dân xã. Nhiệm vụ rà soát, cập nhật dữ liệu chuyển đổi số "
            * 30)[:body_len]

    def one(i: int) -> bool:
        return bool(ap.notify(body=f"{body}\nMã nhắc việc: bare-{i}",
                              title="[Nhắc việc] 1 nhiệm vụ sắp đến hạn", tag=codes[i]))

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        bare_ok = sum(pool.map(one, range(units)))
    bare_s = time.perf_counter() - started
    stop.set()
    bare_total, bare_keys = count_q.get(timeout=30)
    proc.join(timeout=10)
    ours_rate, bare_rate = sent / ours_s, bare_ok / bare_s
    del outbox_sample
    return {"units": units, "workers": workers, "letters_sent": sent,
            "reminders_covered": report.counts.get("covered_sent", 0),
            "seconds": round(ours_s, 3), "per_second": round(ours_rate, 1),
            "server_requests": ours_total, "server_distinct_keys": ours_keys,
            "second_run_sent": again.counts.get("sent", 0),
            "bare_apprise_sent": bare_ok, "bare_apprise_seconds": round(bare_s, 3),
            "bare_apprise_per_second": round(bare_rate, 1),
            "bare_server_requests": bare_total,
            "ratio": round(ours_rate / bare_rate, 3), "goal_ratio": LETTER_GOAL_RATIO,
            "meets_goal": ours_rate >= LETTER_GOAL_RATIO * bare_rate}


# ------------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--assignments", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--baseline-limit-s", type=float, default=600.0)
    parser.add_argument("--letters-only", action="store_true",
                        help="only the letters benchmark (dondoc against bare Apprise)")
    parser.add_argument("--units", type=int, default=10_000)
    args = parser.parse_args(argv)
    if args.letters_only:
        OUT.mkdir(parents=True, exist_ok=True)
        RESULTS.mkdir(parents=True, exist_ok=True)
        letters = letters_bench(args.units, args.workers)
        results = {
            "benchmark": "remind-letters",
            "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
            "command": "python -m bench.remind " + " ".join(
                argv if argv is not None else sys.argv[1:]),
            "letters": letters,
        }
        (RESULTS / "remind-letters.json").write_text(
            json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return results
    OUT.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)

    db = OUT / "decide.sqlite"
    t0 = time.perf_counter()
    sizes = build_decide_db(db, args.assignments)
    build_s = time.perf_counter() - t0
    print(f"scratch db: {sizes} in {build_s:.1f} s", file=sys.stderr)
    fast_s, fast = fast_decide(f"sqlite:///{db}")
    print(f"decide: {fast_s:.2f} s, {len(fast)} due deliveries", file=sys.stderr)
    plain_s, plain, looked, total = plain_loop(db, args.baseline_limit_s)
    complete = looked == total
    print(f"plain loop: {plain_s:.2f} s over {looked}/{total} tasks", file=sys.stderr)
    decide_result = {
        "as_of": AS_OF.isoformat(), **sizes, "scratch_build_s": round(build_s, 1),
        "decide_s": round(fast_s, 3), "due_deliveries": len(fast),
        "plain_loop_s": round(plain_s, 3), "plain_loop_tasks": looked,
        "plain_loop_complete": complete,
        "plain_loop_s_extrapolated": round(plain_s * total / max(looked, 1), 1),
        "same_result": (plain == fast) if complete else None,
        "speedup": round(plain_s * total / max(looked, 1) / fast_s, 1),
        "goal_s": GOAL_DECIDE_S, "meets_goal": fast_s < GOAL_DECIDE_S,
    }
    deliver_result = deliver_bench(args.messages, args.workers)
    print(f"deliver: {deliver_result}", file=sys.stderr)
    results = {
        "benchmark": "remind", "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "sqlite": sqlite3.sqlite_version},
        "command": "python -m bench.remind " + " ".join(argv if argv is not None else sys.argv[1:]),
        "decide": decide_result, "deliver": deliver_result,
    }
    (RESULTS / "remind.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return results


if __name__ == "__main__":
    main()
