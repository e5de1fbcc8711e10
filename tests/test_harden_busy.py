"""A write lock held past SQLite's busy timeout: remind retries, then stops in one line,
gives back its claims and records its sends later, so nothing is ever sent twice."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from pathlib import Path

from tests.cli import FIXTURES, dondoc
from tests.remind_servers import HttpReceiver, letter_rows

AS_OF = "2022-07-01"
UNITS = "DM-UBND, DM-VHTT, DM-TCKH, DM-XA-A, DM-PH-B, TT-UBND, TT-SKHCN"


def _hold_lock(db: Path, seconds: float, taken: threading.Event) -> None:
    conn = sqlite3.connect(db, check_same_thread=False, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    taken.set()

    def later() -> None:
        time.sleep(seconds)
        conn.execute("COMMIT")
        conn.close()

    threading.Thread(target=later, daemon=True).start()


def test_remind_survives_a_long_write_lock(home: Path, tmp_path: Path) -> None:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home).code == 0
    db = home / "dondoc.sqlite"
    taken = threading.Event()

    first_role = threading.Lock()  # never released: exactly one request takes the first role

    def behave(key: str | None, attempt: int) -> str:
        # The first message to arrive takes the lock and fails; the second goes through once
        # the lock is held (the receiver answers in threads, so the two can arrive together).
        if first_role.acquire(blocking=False):
            _hold_lock(db, 5.0, taken)
            return "fail"
        taken.wait(10)
        return "ok"

    cfg = tmp_path / "a.yaml"
    env = {"DONDOC_SQLITE_BUSY_MS": "200", "DONDOC_LOCK_RETRY_S": "1.5",
           "DONDOC_RELEASE_RETRY_S": "30", "DONDOC_APPRISE_CONFIG": str(cfg)}
    with HttpReceiver(behave=behave) as http:
        cfg.write_text(f"tag: {UNITS}\nurls:\n  - json://127.0.0.1:{http.port}/hook\n",
                       encoding="utf-8")
        first = dondoc("remind", "--as-of", AS_OF, "--backfill", "--workers", "2", home=home, env=env)
        assert first.code == 1, first.out + first.err
        assert "Traceback" not in first.err and len(first.err.strip().splitlines()) == 1
        # one letter went out while the ledger was locked (its reminders journaled), the
        # failed one's reminders were given back; letters count in reminders here
        assert "khóa" in first.err
        unrecorded = re.search(r"(\d+) tin đã gửi nhưng chưa ghi sổ", first.err)
        released = re.search(r"(\d+) tin trả lại", first.err)
        assert unrecorded and int(unrecorded.group(1)) >= 1, first.err
        assert released and int(released.group(1)) >= 1, first.err
        assert (home / "unrecorded-sends.jsonl").exists()
        second = dondoc("remind", "--as-of", AS_OF, "--backfill", "--json", home=home, env=env)
        assert second.code == 0, second.err
        ledger = dondoc("deliveries", "--json", home=home).json()
    assert not (home / "unrecorded-sends.jsonl").exists()
    assert ledger and all(d["status"] == "sent" for d in ledger)
    received = http.keys()
    assert all(n == 1 for n in received.values()), received  # no letter delivered twice
    rows = letter_rows(http.received)
    assert len(rows) == len(ledger) == 9  # every reminder arrived
    assert all(n == 1 for n in rows.values()), rows  # and none twice
