"""The ledger's claim/mark/backoff rules, called directly, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from dondoc.catalog.store.engines import make_engine, migrate
from dondoc.catalog.store import ledger

NOW = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.timezone.utc)
S = ledger.Settings(claim_timeout=600, max_attempts=3, backoff=60, backoff_cap=3600)


def setup(db_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(db_url)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("insert into unit (code, name) values ('U1', 'Đơn vị 1')"))
    wants = [ledger.Want(ledger.make_key(None, "U1", dt.date(2026, 1, 5), f"r{i}", "outbox"),
                         None, "U1", dt.date(2026, 1, 5), f"r{i}", "outbox") for i in range(5)]
    return engine, wants


def outcome(claim: ledger.Claim, ok: bool) -> ledger.Outcome:
    return ledger.Outcome(claim, ok, "json://127.0.0.1", None if ok else "HTTP 500", 3, "Tiêu đề")


def test_claims_are_exclusive_and_marks_are_final(db_url: str) -> None:
    engine, wants = setup(db_url)
    a = ledger.claim(engine, wants, "A", S, NOW)
    assert sorted(c.key for c in a) == sorted(w.key for w in wants)
    assert ledger.claim(engine, wants, "B", S, NOW) == []  # held by A
    assert ledger.mark(engine, [outcome(c, True) for c in a], "A", S, NOW) == {
        c.key: "sent" for c in a}
    later = NOW + dt.timedelta(days=30)
    assert ledger.claim(engine, wants, "B", S, later) == []  # sent is final
    engine.dispose()


def test_stale_claims_are_taken_over(db_url: str) -> None:
    engine, wants = setup(db_url)
    ledger.claim(engine, wants[:2], "dead", S, NOW)
    assert ledger.claim(engine, wants[:2], "B", S, NOW + dt.timedelta(seconds=599)) == []
    taken = ledger.claim(engine, wants[:2], "B", S, NOW + dt.timedelta(seconds=601))
    assert len(taken) == 2 and all(c.attempts == 2 for c in taken)
    # the dead sender's late mark no longer applies; the new owner's does
    ghost = [ledger.Claim(c.id, c.key, 1, None) for c in taken]
    ledger.mark(engine, [outcome(c, False) for c in ghost], "dead", S, NOW)
    ledger.mark(engine, [outcome(c, True) for c in taken], "B", S, NOW)
    with engine.connect() as conn:
        assert {r[0] for r in conn.execute(text("select status from delivery"))} == {"sent"}
    engine.dispose()


def test_failures_back_off_then_give_up(db_url: str) -> None:
    engine, wants = setup(db_url)
    one = wants[:1]
    now = NOW
    delays = []
    for attempt in (1, 2, 3):
        claims = ledger.claim(engine, one, "A", S, now)
        assert [c.attempts for c in claims] == [attempt]
        status = ledger.mark(engine, [outcome(claims[0], False)], "A", S, now)[claims[0].key]
        with engine.connect() as conn:
            nxt = conn.execute(text("select next_attempt_at from delivery")).scalar()
        if attempt < 3:
            assert status == "retry"
            assert ledger.claim(engine, one, "A", S, now) == []  # backing off
            nxt = ledger._aware(nxt)
            delays.append((nxt - now).total_seconds())
            now = nxt
        else:
            assert status == "failed" and nxt is None
    assert delays == [60, 120]
    assert ledger.claim(engine, one, "A", S, now + dt.timedelta(days=1)) == []  # given up
    rows = list(ledger.rows(engine, failed_only=True))
    assert [(r["status"], r["attempts"], r["error"]) for r in rows] == [("failed", 3, "HTTP 500")]
    assert [a["ok"] for a in rows[0]["outcome"]["attempts"]] == [False] * 3
    engine.dispose()


def test_superseded_retries_are_retired(db_url: str) -> None:
    engine, wants = setup(db_url)
    claims = ledger.claim(engine, wants[:2], "A", S, NOW)
    ledger.mark(engine, [outcome(c, False) for c in claims], "A", S, NOW)
    assert ledger.supersede(engine, [wants[0].key]) == 1
    with engine.connect() as conn:
        states = dict(conn.execute(text("select key, status from delivery")).all())
    assert states == {wants[0].key: "superseded", wants[1].key: "retry"}
    engine.dispose()
