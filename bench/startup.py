"""Cold start of the read commands: this checkout against an earlier revision, in turn.

A district coordinator runs `dondoc overdue` many times a day on a few hundred tasks, where
the answer is all start-up. This times `dondoc overdue --count` and `dondoc overdue --json`
on the seed catalog as whole processes, alternating this checkout and the anchor revision
run by run (so machine noise falls on both alike), and reports each one's median and the
ratio of the medians.

The anchor is checked out with `git worktree` into bench/out/ and run with this
environment's Python; it must have the layout of before the dondoc.* namespace
(`python -m tui.cli`), which is the revision the restructuring is measured against.

    python -m bench.startup [--anchor a73584c] [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
RESULTS = ROOT / "bench" / "results"
AS_OF = "2023-03-01"


def _checkout(rev: str) -> Path:
    where = OUT / f"anchor-{rev}"
    if not where.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(where), rev],
                       check=True, capture_output=True)
    return where


def _time(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    # `python -m` puts the working directory first on sys.path: each side runs from its own
    # tree, or the checkout's tui/ would shadow the anchor's.
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)}: exit {proc.returncode}: {proc.stderr.decode()[-500:]}")
    return elapsed


def measure(anchor: str, runs: int) -> dict[str, Any]:
    home = OUT / "startup-home"
    env = {**os.environ, "DONDOC_HOME": str(home)}
    env.pop("DONDOC_DATABASE_URL", None)
    new = [sys.executable, "-m", "dondoc.tui.cli"]
    subprocess.run([*new, "catalog", "load"], env=env, cwd=OUT, check=True, capture_output=True)
    old_root = _checkout(anchor)
    # Each side on a database its own code loaded (from its own seed catalog): the anchor
    # knows fewer migrations than this checkout and would refuse the newer schema.
    old_env = {**env, "PYTHONPATH": str(old_root), "DONDOC_HOME": str(OUT / "startup-home-anchor")}
    old = [sys.executable, "-m", "tui.cli"]
    subprocess.run([*old, "catalog", "load"], env=old_env, cwd=old_root, check=True,
                   capture_output=True)
    figures: dict[str, Any] = {}
    for label, args in (("overdue --count", ["overdue", "--count", "--as-of", AS_OF]),
                        ("overdue --json", ["overdue", "--json", "--as-of", AS_OF])):
        a: list[float] = []
        b: list[float] = []
        _time([*new, *args], env, OUT), _time([*old, *args], old_env, old_root)  # warm caches
        for _ in range(runs):
            a.append(_time([*new, *args], env, OUT))
            b.append(_time([*old, *args], old_env, old_root))
        figures[label] = {
            "this_median_s": round(statistics.median(a), 4), "this_min_s": round(min(a), 4),
            "anchor_median_s": round(statistics.median(b), 4), "anchor_min_s": round(min(b), 4),
            "ratio_of_medians": round(statistics.median(a) / statistics.median(b), 3),
            "runs": runs}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--anchor", default="a73584c", help="the revision to compare with")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip()
    figures = measure(args.anchor, args.runs)
    result = {"what": "cold start of dondoc overdue on the seed catalog as each revision ships it",
              "this": head, "anchor": args.anchor, "as_of": AS_OF,
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "load_avg_1m": round(os.getloadavg()[0], 2)},
              "figures": figures}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "startup.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for label, f in figures.items():
        print(f"{label}: this {f['this_median_s']:.3f} s, anchor {f['anchor_median_s']:.3f} s "
              f"(median of {f['runs']}), ratio {f['ratio_of_medians']:.2f}")


if __name__ == "__main__":
    main()
