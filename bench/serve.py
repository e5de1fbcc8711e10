"""`dondoc serve` figures: a unit's page with 1,000 open assignments, and form posts per second.

A plan of 1,000 tasks, each led by one unit (Phòng VHTT of the test registry) with mixed
deadlines, loaded into SQLite under bench/out/serve; a real `dondoc serve` process on
127.0.0.1; the page is fetched 20 times (best and median kept), then progress reports are
posted by 8 concurrent clients over 20 links (the per-link rate limit stays at its default,
so every post is a request a unit could make).

    python -m bench.serve          # writes bench/results/serve.json
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "serve"
RESULTS = ROOT / "bench" / "results" / "serve.json"
UNIT = "DM-VHTT"
DEADLINES = ["trong tháng 4/2022", "Quý II/2027", "trước ngày 31/12/2026", "năm 2027",
             "trong tháng 6/2026", "Quý IV/2026"]


def catalog(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "tests" / "fixtures" / "catalog" / "units.yaml", folder / "units.yaml")
    lines = ["plan:", "  code: BENCH-SERVE", "  title: Kế hoạch đo trang trả lời",
             "  issuer: UBND thành phố Đông Mai", "  horizon: Năm 2026",
             "  coordinator: Phòng Văn hóa và Thông tin", "tasks:"]
    for i in range(n):
        lines += [f"  - code: NV{i:04d}", f"    title: Nhiệm vụ số {i} của kế hoạch đo",
                  "    lead: Phòng VHTT", f"    deadline: {DEADLINES[i % len(DEADLINES)]}"]
    (folder / "bench-plan.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(cmd: list[str], env: dict[str, str]) -> str:
    return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout


def main() -> None:
    import os

    shutil.rmtree(OUT, ignore_errors=True)
    home = OUT / "home"
    catalog(OUT / "catalog", 1000)
    port = 8391
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DONDOC_HOME": str(home), "DONDOC_SERVE_URL": base}
    env.pop("DONDOC_DATABASE_URL", None)
    cli = [sys.executable, "-m", "dondoc.tui.cli"]
    run(cli + ["catalog", "load", str(OUT / "catalog")], env)
    server = subprocess.Popen(cli + ["serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with httpx.Client(base_url=base, timeout=30) as c:
            for _ in range(100):
                try:
                    c.get("/healthz")
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            links = []
            for _ in range(20):
                links.append(json.loads(run(cli + ["links", "show", "--unit", UNIT, "--json"],
                                            env))["url"].removeprefix(base))
                time.sleep(1.05)  # a new second: a different token, its own rate budget
            times, shown = [], 0
            for i in range(20):
                t0 = time.perf_counter()
                page = c.get(links[i])
                times.append(time.perf_counter() - t0)
                shown = page.text.count('<li class="item')
            ids = [int(x) for x in re.findall(r'/a/(\d+)"', page.text)]
            forms = []
            for i, link in enumerate(links):
                html = c.get(f"{link}/a/{ids[i]}").text
                csrf = re.search(r'/progress".*?name="csrf" value="([^"]+)"', html, re.S).group(1)
                forms.append((f"{link}/a/{ids[i]}/progress", csrf))
        per_form, workers = 100, 8
        done = [0] * workers
        statuses: list[int] = []

        def post(w: int) -> None:
            with httpx.Client(base_url=base, timeout=30) as cw:
                for k in range(w, len(forms) * per_form // 1, workers):
                    url, csrf = forms[k % len(forms)]
                    r = cw.post(url, data={"csrf": csrf, "progress": str(k % 100),
                                           "note": f"Báo cáo số {k}"})
                    statuses.append(r.status_code)
                    done[w] += 1
        t0 = time.perf_counter()
        threads = [threading.Thread(target=post, args=(w,)) for w in range(workers)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        elapsed = time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(10)
    posts = sum(done)
    result = {
        "assignments_shown": shown,
        "page_best_ms": round(min(times) * 1000, 1),
        "page_median_ms": round(statistics.median(times) * 1000, 1),
        "posts": posts, "posts_ok": statuses.count(200), "post_statuses": sorted(set(statuses)),
        "posts_per_s": round(posts / elapsed, 1), "workers": workers,
        "goals": {"page_ms": 200, "posts_per_s": 200},
        "note": "1 uvicorn process; SQLite; 2 shared cores; each post = one audited report",
    }
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
