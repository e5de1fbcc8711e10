"""A delivery has an overall deadline: a server trickling bytes cannot hold a sender."""

from __future__ import annotations

import time
from pathlib import Path

from tests.cli import FIXTURES, dondoc
from tests.remind_servers import TrickleServer


def test_a_trickling_endpoint_fails_at_the_deadline_and_is_retried(home: Path,
                                                                   tmp_path: Path) -> None:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home).code == 0
    with TrickleServer(every=0.3) as slow:
        cfg = tmp_path / "a.yaml"
        # rto=1: every single read succeeds well within the per-read timeout
        cfg.write_text(f"urls:\n  - json://127.0.0.1:{slow.port}/hook?rto=1&cto=1:\n"
                       "      tag: DM-TCKH\n", encoding="utf-8")
        env = {"DONDOC_APPRISE_CONFIG": str(cfg), "DONDOC_SEND_DEADLINE": "2"}
        started = time.monotonic()
        run = dondoc("remind", "--as-of", "2022-07-01", "--backfill", "--json", home=home, env=env)
        elapsed = time.monotonic() - started
    report = run.json()
    slow_ones = [d for d in report["deliveries"] if d["endpoint"].startswith("json://")]
    assert slow_ones and slow.requests >= len(slow_ones)
    assert all(d["status"] == "retry" for d in slow_ones)
    assert all("deadline of 2 s exceeded" in d["error"] for d in slow_ones)
    assert elapsed < 30, elapsed  # without the deadline: minutes per message
    listing = dondoc("deliveries", "--failed", "--json", home=home).json()
    assert {d["key"] for d in listing} >= {k for d in slow_ones for k in d["keys"]}
    assert all(d["next_attempt_at"] for d in listing if d["status"] == "retry")
