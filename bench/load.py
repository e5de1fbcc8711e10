"""`dondoc catalog load` at scale, beside the loader before streaming (the anchor).

    python -m bench.load --sizes 100000,1000000 [--anchor 8390f52] [--anchor-sizes 100000]

Per size, on the synthetic catalog (`bench.synth`, 34 provinces) and a fresh SQLite
DONDOC_HOME for each side, each a real `dondoc catalog load DIR --json` subprocess:
a first load, an unchanged reload, and a reload after one task's title changed in one plan
file; wall seconds, CPU seconds (user + system of the process) and peak RSS (the child's
own ru_maxrss, from os.wait4). The anchor is the same command from commit 8390f52 (the
loader that read every file into memory and wrote one transaction), checked out with `git
worktree` under bench/out/anchor and run from its own tree through PYTHONPATH (the
checkout's editable install would otherwise be imported). Sizes without an anchor run in
this invocation keep the figure measured before (bench/results/results.json: 426.4 s,
5,101 MiB at 1M), marked as such.

Results merge into bench/results/load.json (one entry per size, each with the command
and the load average around it) and bench/results/load.md.
"""

from __future__ import annotations

import argparse
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
OUT = ROOT / "bench" / "out" / "load"
RESULTS = ROOT / "bench" / "results"
ANCHOR = "8390f52"
# Measured by bench.run on 2026-11-25 with the anchor's loader (bench/results/results.json).
EARLIER_1M = {"first_load_s": 426.4, "peak_rss_mib": 5101, "cpu_s": 330,
              "source": "bench/results/results.json (bench.run, 2026-11-25, load average 3-5; "
                        "an idle run the same night: 342.5 s, 5.1 GiB)"}


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def _frozen_package(rev: str, name: str) -> Path:
    """A package folder bench/out/<name>-pkg/dondoc/* pointing at a detached worktree of
    rev (bench/out/<name>), to run that revision's code by PYTHONPATH."""
    tree = ROOT / "bench" / "out" / name
    if not tree.exists():
        _git("worktree", "add", "--detach", str(tree), rev)
    pkg = ROOT / "bench" / "out" / f"{name}-pkg"
    (pkg / "dondoc").mkdir(parents=True, exist_ok=True)
    for part in ("catalog", "tasks", "flows", "tui"):
        link = pkg / "dondoc" / part
        if not link.exists():
            link.symlink_to(tree / part)
    return pkg


def anchor_tree(rev: str) -> Path:
    """The anchor's package folder: bench/out/anchor-pkg/dondoc/* -> its worktree's parts."""
    return _frozen_package(rev, "anchor")


def catalog(n: int) -> Path:
    where = OUT / f"c{n}"
    if not (where / "units-hni.yaml").exists():
        subprocess.run([sys.executable, "-m", "bench.synth", str(n), str(where)], cwd=ROOT,
                       check=True, capture_output=True)
    return where


def _run_reaped(cmd: list[str], env: dict[str, str], cwd: Path) -> dict[str, Any]:
    """run(), with stdout to a file so that the child is reaped by wait4 alone."""
    OUT.mkdir(parents=True, exist_ok=True)
    out_file = OUT / "last-stdout.json"
    err_file = OUT / "last-stderr.txt"
    before = round(os.getloadavg()[0], 2)
    start = time.perf_counter()
    with open(out_file, "wb") as out, open(err_file, "wb") as err:
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)}: exit {proc.returncode}: "
                         f"{err_file.read_text(errors='replace')[-800:]}")
    text = out_file.read_text(encoding="utf-8")
    return {"wall_s": round(wall, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
            "summary": json.loads(text) if text.strip() else None,
            "loadavg_before": before, "loadavg_after": round(os.getloadavg()[0], 2)}


def _change_one_plan(cat: Path) -> tuple[Path, str]:
    """Change one task's title in one plan file; returns (file, original text)."""
    plan = sorted(cat.glob("plan-*.yaml"))[len(list(cat.glob("plan-*.yaml"))) // 2]
    body = plan.read_text(encoding="utf-8")
    at = body.index("    title: ")
    plan.write_text(body[:at] + "    title: (sửa) " + body[at + len("    title: "):],
                    encoding="utf-8")
    return plan, body


def side(name: str, cat: Path, home: Path, env: dict[str, str], cwd: Path,
         module: str, reloads: bool) -> dict[str, Any]:
    if home.exists():
        shutil.rmtree(home)
    env = {**env, "DONDOC_HOME": str(home)}
    env.pop("DONDOC_DATABASE_URL", None)
    cmd = [sys.executable, "-m", module, "catalog", "load", str(cat), "--json"]
    print(f"[{name}] first load of {cat.name}", flush=True)
    out: dict[str, Any] = {"command": f"DONDOC_HOME={home} {' '.join(cmd)}"
                                      + (f" (PYTHONPATH={env['PYTHONPATH']})"
                                         if "PYTHONPATH" in env else "")}
    out["first_load"] = _run_reaped(cmd, env, cwd)
    db = home / "dondoc.sqlite"
    out["sqlite_mib"] = round(db.stat().st_size / 2**20, 1) if db.exists() else None
    if reloads:
        print(f"[{name}] unchanged reload", flush=True)
        out["unchanged_reload"] = _run_reaped(cmd, env, cwd)
        plan, original = _change_one_plan(cat)
        try:
            print(f"[{name}] reload after one changed plan file", flush=True)
            out["one_file_changed"] = _run_reaped(cmd, env, cwd)
            out["one_file_changed"]["file"] = plan.name
        finally:
            plan.write_text(original, encoding="utf-8")
    return out


def this_tree(rev: str) -> Path:
    """This side from a frozen checkout of rev (as the anchor), so that a long run keeps
    measuring the same code while the working tree changes."""
    return _frozen_package(rev, f"this-{rev}")


def measure(n: int, anchor: str | None, anchor_reloads: bool,
            frozen: str | None = None) -> dict[str, Any]:
    cat = catalog(n)
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    this_env, this_cwd = env, OUT
    if frozen:
        pkg = this_tree(frozen)
        this_env, this_cwd = {**env, "PYTHONPATH": str(pkg)}, pkg
    result: dict[str, Any] = {"tasks": n, "files": len(list(cat.iterdir())),
                              "plans": len(list(cat.glob("plan-*.yaml"))),
                              "catalog_mib": round(sum(f.stat().st_size for f in cat.iterdir())
                                                   / 2**20, 1)}
    result["this"] = side("this", cat, OUT / f"home-this-{n}", this_env, this_cwd,
                          "dondoc.tui.cli", True)
    if frozen:
        result["this"]["revision"] = frozen
    if anchor:
        pkg = anchor_tree(anchor)
        result["anchor"] = side(f"anchor {anchor}", cat, OUT / f"home-anchor-{n}",
                                {**env, "PYTHONPATH": str(pkg)}, pkg, "dondoc.tui.cli",
                                anchor_reloads)
        result["anchor"]["revision"] = anchor
    elif n == 1_000_000:
        result["anchor"] = {"not_run_here": True, "earlier": EARLIER_1M, "revision": anchor or ANCHOR}
    return result


def markdown(doc: dict[str, Any]) -> str:
    lines = ["# catalog load at scale", "",
             f"Machine: {doc['machine']['cpus']} CPUs, Python {doc['machine']['python']}; "
             "each size's runs are listed with the 1-minute load average before/after "
             "(other engineers' tests shared the 2 cores).", "",
             "| tasks | side | first load s (CPU s) | peak RSS MiB | unchanged reload s (CPU s) "
             "| one file changed s (CPU s) | SQLite MiB |",
             "|---:|---|---:|---:|---:|---:|---:|"]

    def cell(m: dict[str, Any] | None) -> str:
        return f"{m['wall_s']} ({m['cpu_s']})" if m else "–"

    for n, r in sorted(doc["sizes"].items(), key=lambda kv: int(kv[0])):
        for name in ("this", "anchor"):
            s = r.get(name)
            if not s:
                continue
            if s.get("not_run_here"):
                e = s["earlier"]
                lines.append(f"| {int(n):,} | anchor {s['revision']} (earlier run) | "
                             f"{e['first_load_s']} ({e['cpu_s']}) | {e['peak_rss_mib']} | – | – | – |")
                continue
            label = "this" if name == "this" else f"anchor {s.get('revision')}"
            lines.append(f"| {int(n):,} | {label} | {cell(s['first_load'])} | "
                         f"{s['first_load']['peak_rss_mib']} | {cell(s.get('unchanged_reload'))} | "
                         f"{cell(s.get('one_file_changed'))} | {s.get('sqlite_mib')} |")
    lines += ["", "Goals (issue 15): 1M first load <= 150 s and <= 1 GiB peak RSS; "
              "unchanged reload of 1M <= 15 s.", "",
              "Commands: see `command` under each side in load.json.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--anchor", default=ANCHOR)
    parser.add_argument("--anchor-sizes", default="100000",
                        help="sizes at which the anchor runs too (its 1M load: ~7 min, 5 GiB)")
    parser.add_argument("--this-rev", default=None,
                        help="run this side from a frozen checkout of this revision")
    parser.add_argument("--anchor-reloads", action="store_true",
                        help="also time the anchor's reloads (each ~75%% of its first load)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    anchor_sizes = {int(s) for s in args.anchor_sizes.split(",") if s}
    path = RESULTS / "load.json"
    doc = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"sizes": {}}
    doc["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                      "platform": platform.platform()}
    for n in sizes:
        started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        before = os.getloadavg()
        r = measure(n, args.anchor if n in anchor_sizes else None, args.anchor_reloads,
                    args.this_rev)
        r.update(started=started, commit=args.this_rev or _git("rev-parse", "--short", "HEAD"),
                 dirty=bool(_git("status", "--porcelain", "--", "catalog", "tui")),
                 bench_command=f"python -m bench.load {' '.join(sys.argv[1:])}".strip(),
                 loadavg_before=[round(x, 2) for x in before],
                 loadavg_after=[round(x, 2) for x in os.getloadavg()])
        doc["sizes"][str(n)] = r
        RESULTS.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (RESULTS / "load.md").write_text(markdown(doc), encoding="utf-8")
        print(json.dumps(r, indent=2, ensure_ascii=False), flush=True)
    print(markdown(doc))


if __name__ == "__main__":
    main()
