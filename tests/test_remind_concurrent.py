"""Two senders at once on the same database (PostgreSQL and SQLite): each message is
claimed by exactly one of them and arrives exactly once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.cli import ROOT, dondoc
from tests.remind_servers import HttpReceiver, write_plan


def test_two_senders_never_duplicate(db_url: str, home: Path, tmp_path: Path) -> None:
    write_plan(tmp_path / "cat", 150)  # 600 deliveries
    assert dondoc("catalog", "load", str(tmp_path / "cat"), home=home, db_url=db_url).code == 0
    with HttpReceiver(delay_s=0.01) as http:
        config = tmp_path / "apprise.yaml"
        config.write_text(f"urls:\n  - json://127.0.0.1:{http.port}/hook:\n"
                          "      tag: DM-VHTT, DM-TCKH, DM-XA-A, DM-PH-B\n", encoding="utf-8")
        env = dict(os.environ)
        env.update({"DONDOC_HOME": str(home), "DONDOC_DATABASE_URL": db_url,
                    "DONDOC_APPRISE_CONFIG": str(config)})
        cmd = [sys.executable, "-m", "dondoc.tui.cli", "remind", "--as-of", "2022-06-30", "--workers",
               "4", "--json"]
        procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outs = [p.communicate(timeout=300) for p in procs]
        keys = http.keys()
    assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outs]
    reports = [json.loads(o[0]) for o in outs]
    sent = [r["counts"].get("sent", 0) for r in reports]
    assert sum(sent) == 600, sent
    # they really overlapped: each sent a share (the receiver is slow enough for that)
    assert min(sent) > 0, sent
    assert len(keys) == 600 and max(keys.values()) == 1  # no duplicate at the receiver
    mine = [{d["key"] for d in r["deliveries"]} for r in reports]
    assert not (mine[0] & mine[1])
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text("select status, count(*), max(attempts) from delivery"
                                 " group by status")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("sent", 600, 1)]
