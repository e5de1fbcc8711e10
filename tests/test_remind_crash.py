"""A sender killed with SIGKILL in the middle of 250 letters covering 1,000 reminders, then
run again: every reminder reaches its unit, and at most the ones that were in flight
(claimed, not yet marked: `pending` in the ledger after the kill) arrive twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.cli import ROOT, dondoc
from tests.remind_servers import HttpReceiver, letter_rows, wait_for, write_unit_plan

WORKERS = 8


def env_for(home: Path, config: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DONDOC_DATABASE_URL", None)
    env.update({"DONDOC_HOME": str(home), "DONDOC_APPRISE_CONFIG": str(config), **extra})
    return env


def test_sigkill_mid_run_loses_nothing(home: Path, tmp_path: Path) -> None:
    # 250 units, each leading one task and supporting three: 250 letters of 4 reminders
    codes = write_unit_plan(tmp_path / "cat", 250, coordinators=3)
    assert dondoc("catalog", "load", str(tmp_path / "cat"), home=home).code == 0
    with HttpReceiver(delay_s=0.01) as http:
        config = tmp_path / "apprise.yaml"
        config.write_text(f"urls:\n  - json://127.0.0.1:{http.port}/hook:\n"
                          f"      tag: {', '.join(codes)}\n", encoding="utf-8")
        proc = subprocess.Popen(
            [sys.executable, "-m", "dondoc.tui.cli", "remind", "--as-of", "2022-06-30", "--workers",
             str(WORKERS), "--json"], cwd=ROOT, env=env_for(home, config),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            assert wait_for(lambda: http.count() >= 75, timeout=120), proc.stderr
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        arrived_at_kill = http.count()
        with sqlite3.connect(home / "dondoc.sqlite") as conn:
            by_status = dict(conn.execute("select status, count(*) from delivery group by status"))
        in_flight = by_status.get("pending", 0)
        assert arrived_at_kill < 250, "the kill came too late to prove anything"
        # in flight: at most the letters being sent and one batch not yet marked, 4 rows each
        assert 0 < in_flight <= 4 * (3 * WORKERS + 32), by_status

        # A claim left by the dead sender is re-claimable once the claim timeout passes
        # (zero here: nobody else is sending).
        again = dondoc("remind", "--as-of", "2022-06-30", "--workers", str(WORKERS), "--json",
                       home=home, env={"DONDOC_APPRISE_CONFIG": str(config),
                                       "DONDOC_CLAIM_TIMEOUT": "0"})
        assert again.code == 0, again.err
        rows_received = letter_rows(http.received)
    with sqlite3.connect(home / "dondoc.sqlite") as conn:
        ledger = dict(conn.execute("select key, status from delivery"))
    assert len(ledger) == 1000 and set(ledger.values()) == {"sent"}
    assert len(rows_received) == 1000  # every reminder reached its unit
    duplicates = sum(n - 1 for n in rows_received.values())
    assert duplicates <= in_flight, (duplicates, in_flight)
    # and nothing more on a third run
    third = dondoc("remind", "--as-of", "2022-06-30", "--json", home=home,
                   env={"DONDOC_APPRISE_CONFIG": str(config)})
    assert third.json()["deliveries"] == [] and third.json()["counts"]["already_sent"] == 1000
