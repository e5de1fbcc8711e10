"""An endpoint that fails half its letters and stalls past the timeout on some: every
reminder is delivered in the end, once, and the failures stay visible in the ledger. An
endpoint that is always down is given up after five attempts and reported, not retried
for ever."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.cli import dondoc
from tests.remind_servers import HttpReceiver, free_port, letter_rows, write_plan, write_unit_plan

AS_OF = "2022-06-30"


def bucket(key: str | None) -> int:
    return int(hashlib.sha1((key or "").encode()).hexdigest(), 16) % 6


def behave(key: str | None, attempt: int) -> str:
    h = bucket(key)
    if attempt == 1 and h < 3:
        return "fail"  # half the messages fail the first time
    if attempt == 2 and h == 0:
        return "timeout"  # and some of those stall on the second
    return "ok"


def test_flaky_endpoint_delivers_everything_in_the_end(home: Path, tmp_path: Path) -> None:
    # 60 units, each leading one task and supporting another: 60 letters, 120 reminders
    codes = write_unit_plan(tmp_path / "cat", 60)
    assert dondoc("catalog", "load", str(tmp_path / "cat"), home=home).code == 0
    env = {"DONDOC_RETRY_BACKOFF": "0"}
    with HttpReceiver(behave=behave, stall_s=3.0) as http:
        config = tmp_path / "apprise.yaml"
        config.write_text(f"urls:\n  - json://127.0.0.1:{http.port}/hook?rto=1.0:\n"
                          f"      tag: {', '.join(codes)}\n", encoding="utf-8")
        env["DONDOC_APPRISE_CONFIG"] = str(config)
        first = dondoc("remind", "--as-of", AS_OF, "--json", home=home, env=env)
        assert first.code == 0, first.err
        counts = first.json()["counts"]
        assert counts["sent"] + counts["retry"] == 60, counts
        assert counts["covered_sent"] + counts["covered_retry"] == 120, counts
        failed = dondoc("deliveries", "--failed", "--json", home=home, env=env).json()
        answered_500 = {r["key"] for r in failed if "500" in r["error"]}
        # a failed letter leaves every reminder it carried to retry, and only those
        assert answered_500 == {k for d in first.json()["deliveries"] if bucket(d["key"]) < 3
                                for k in d["keys"]}
        assert 30 <= len(answered_500) <= 90  # about half
        runs = 1
        while runs < 6:
            r = dondoc("remind", "--as-of", AS_OF, "--json", home=home, env=env)
            runs += 1
            if not r.json()["counts"].get("retry"):
                break
        keys = http.keys()
        rows_received = letter_rows(http.received)
    assert runs >= 3  # fail, then time out, then through
    assert http.failures["fail"] >= 15 and http.failures["timeout"] >= 3
    rows = dondoc("deliveries", "--json", home=home, env=env).json()
    assert len(rows) == 120 and {r["status"] for r in rows} == {"sent"}
    # a retried letter carries the same reminders under the same key: each arrived once
    assert len(keys) == 60 and max(keys.values()) == 1
    assert len(rows_received) == 120 and max(rows_received.values()) == 1
    retried = [r for r in rows if r["attempts"] > 1]
    assert {r["key"] for r in retried} >= answered_500
    history = [a for r in retried for a in r["outcome"]["attempts"] if not a["ok"]]
    assert any("500" in (a["error"] or "") for a in history)
    assert any("timed out" in (a["error"] or "").lower() for a in history), history[:3]


def test_endpoint_always_down_is_given_up_after_five_attempts(home: Path, tmp_path: Path) -> None:
    write_plan(tmp_path / "cat", 1)
    assert dondoc("catalog", "load", str(tmp_path / "cat"), home=home).code == 0
    config = tmp_path / "apprise.yaml"
    config.write_text(f"urls:\n  - json://127.0.0.1:{free_port()}/down?cto=0.5:\n"
                      "      tag: DM-VHTT\n", encoding="utf-8")
    env = {"DONDOC_APPRISE_CONFIG": str(config), "DONDOC_RETRY_BACKOFF": "0"}
    statuses = []
    for run in range(6):
        r = dondoc("remind", "--as-of", AS_OF, "--json", home=home, env=env)
        # The first run also reaches the other units (outbox): exit 0. Runs 2-5 retry only
        # the dead endpoint and every send fails: exit 1. The sixth attempts nothing: exit 0.
        assert r.code == (1 if 1 <= run <= 4 else 0), r.err
        statuses.append(next((d["status"], d["attempts"]) for d in r.json()["deliveries"]
                             if d["unit"] == "DM-VHTT") if any(
            d["unit"] == "DM-VHTT" for d in r.json()["deliveries"]) else r.json()["counts"])
    assert statuses[:5] == [("retry", 1), ("retry", 2), ("retry", 3), ("retry", 4), ("failed", 5)]
    assert statuses[5]["given_up"] == 1 and "sent" not in statuses[5]
    failed = dondoc("deliveries", "--failed", "--json", home=home, env=env).json()
    assert [(r["unit"], r["status"], r["attempts"]) for r in failed] == [("DM-VHTT", "failed", 5)]
    assert "Connection error" in failed[0]["error"]
    assert len(failed[0]["outcome"]["attempts"]) == 5
