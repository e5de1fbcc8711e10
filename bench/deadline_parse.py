"""Deadline phrases parsed per second by dondoc.catalog.rules.deadline.parse, in one process.

The phrases come from bench/synth.py's generator (dates, months, quarters, halves, years,
periods, recurring and ongoing phrases in the spellings plans use, years 2021-2027), with
day numbers re-drawn, so their numbers vary; a second list adds the filler words that
surround a deadline in documents ("Hoàn thành ...; gửi Văn phòng UBND"), longer and over
half distinct. The same list is also piped through
`dondoc deadline parse -` once, to show the rate a user gets from the command line.

    python -m bench.deadline_parse [--n 100000]
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.overdue import dondoc_bin, dondoc_env, run
from bench.synth import deadline_phrase

N = 100_000
REPEAT = 3


# Words that accompany a deadline in real documents and carry no date of their own.
_PREFIXES = ["", "", "", "", "Hoàn thành ", "hoàn thành ", "Trình UBND ", "Xong ", "Báo cáo ",
             "Tổ chức ", "Triển khai ", "Ban hành "]
_SUFFIXES = ["", "", "", "", " (báo cáo kết quả về Sở Nội vụ)", "; gửi Văn phòng UBND",
             " theo chỉ đạo của UBND", " và báo cáo UBND", " (theo hướng dẫn)",
             "; định kỳ tổng hợp", " tại trụ sở UBND xã", " (có thể điều chỉnh)"]


def phrases(n: int = N, seed: int = 7, filler: bool = False) -> list[str]:
    """n phrases in synth's mix with day numbers re-drawn; with filler, words around them as
    documents have them, so that over half are distinct."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        y0 = rng.randint(2021, 2027)
        text, kind, _ = deadline_phrase(rng, y0, min(2027, y0 + rng.choice([0, 1, 2, 4])))
        if text is None:
            continue
        if kind == "date" and "/" in text:
            head, _, tail = text.rpartition(" ")
            parts = tail.split("/")
            if len(parts) == 3 and parts[0].isdigit():
                parts[0] = str(rng.randint(1, 28)).zfill(len(parts[0]))
                text = f"{head} {'/'.join(parts)}" if head else "/".join(parts)
        out.append(f"{rng.choice(_PREFIXES)}{text}{rng.choice(_SUFFIXES)}" if filler else text)
    return out


def _rate(texts: list[str], repeat: int) -> dict[str, Any]:
    from dondoc.catalog.rules.deadline import parse
    from dondoc.catalog.i18n import DondocError

    runs, cpu_runs = [], []
    kinds: collections.Counter[str] = collections.Counter()
    errors: list[str] = []
    for attempt in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        for text in texts:
            try:
                d = parse(text)
            except DondocError:
                if attempt == 0:
                    errors.append(text)
                continue
            if attempt == 0:
                kinds[d.kind] += 1
        runs.append(time.perf_counter() - t0)
        cpu_runs.append(time.process_time() - c0)
    best = min(runs)
    return {"phrases": len(texts), "distinct": len(set(texts)),
            "mean_chars": round(sum(map(len, texts)) / len(texts), 1),
            "best_s": round(best, 3), "runs_s": [round(r, 3) for r in runs],
            "phrases_per_s": round(len(texts) / best),
            "phrases_per_cpu_s": round(len(texts) / min(cpu_runs)), "kinds": dict(kinds.most_common()),
            "errors": len(errors), "error_examples": errors[:5]}


def bench_parse(n: int = N, repeat: int = REPEAT, with_cli: bool = True) -> dict[str, Any]:
    texts = phrases(n)
    started = time.perf_counter()
    import dondoc.catalog.rules.deadline  # noqa: F401  (timed apart from the parsing)
    import_s = time.perf_counter() - started
    result: dict[str, Any] = {**_rate(texts, repeat), "import_s": round(import_s, 3),
                              "with_filler_words": _rate(phrases(n, filler=True), repeat)}
    if with_cli:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "phrases.txt"
            src.write_text("\n".join(texts) + "\n", encoding="utf-8")
            with src.open("rb") as stdin:
                r = run([dondoc_bin(), "deadline", "parse", "-"], dondoc_env(Path(tmp)),
                        stdin=stdin)
        result["cli"] = {"seconds": r["seconds"], "peak_rss_mib": r["peak_rss_mib"], "rc": r["rc"],
                         "phrases_per_s": round(len(texts) / r["seconds"])}
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=N)
    ap.add_argument("--no-cli", action="store_true")
    args = ap.parse_args()
    print(json.dumps(bench_parse(args.n, with_cli=not args.no_cli), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
