"""Two senders at once on the same database (PostgreSQL and SQLite), in the default letter
mode: each ledger row is claimed by exactly one of them, each letter arrives exactly once,
and every reminder reaches its unit exactly once however the rows were split between the
two senders' letters."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.cli import ROOT, dondoc
from tests.remind_servers import HttpReceiver, letter_rows, write_unit_plan

UNITS = 150  # 150 letters, each covering a lead and a coordinating reminder: 300 rows


def test_two_senders_never_duplicate(db_url: str, home: Path, tmp_path: Path) -> None:
    codes = write_unit_plan(tmp_path / "cat", UNITS)
    assert dondoc("catalog", "load", str(tmp_path / "cat"), home=home, db_url=db_url).code == 0
    with HttpReceiver(delay_s=0.01) as http:
        config = tmp_path / "apprise.yaml"
        config.write_text(f"urls:\n  - json://127.0.0.1:{http.port}/hook:\n"
                          f"      tag: {', '.join(codes)}\n", encoding="utf-8")
        env = dict(os.environ)
        env.update({"DONDOC_HOME": str(home), "DONDOC_DATABASE_URL": db_url,
                    "DONDOC_APPRISE_CONFIG": str(config)})
        env.pop("DONDOC_REMIND_LETTERS", None)  # the product's default: letters
        cmd = [sys.executable, "-m", "dondoc.tui.cli", "remind", "--as-of", "2022-06-30", "--workers",
               "4", "--json"]
        procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outs = [p.communicate(timeout=300) for p in procs]
        keys = http.keys()
        rows_received = letter_rows(http.received)
    assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outs]
    reports = [json.loads(o[0]) for o in outs]
    assert all("letters" in r["counts"] for r in reports)
    sent = [r["counts"].get("covered_sent", 0) for r in reports]
    assert sum(sent) == 2 * UNITS, sent
    # they really overlapped: each sent a share (the receiver is slow enough for that)
    assert min(sent) > 0, sent
    # no letter twice at the receiver, and no reminder twice in any letters
    letters = sum(r["counts"].get("sent", 0) for r in reports)
    assert len(keys) == letters and max(keys.values()) == 1
    assert len(rows_received) == 2 * UNITS and max(rows_received.values()) == 1
    mine = [{k for d in r["deliveries"] for k in d["keys"]} for r in reports]
    assert not (mine[0] & mine[1]) and len(mine[0] | mine[1]) == 2 * UNITS
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text("select status, count(*), max(attempts) from delivery"
                                 " group by status")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("sent", 2 * UNITS, 1)]
