"""The reminder ledger (dondoc.catalog.store.models.Delivery): claim before sending, mark after.

One row per delivery, keyed (task, unit, occurrence, rule, channel). Its life:

    (none) --claim--> pending --sent--> sent
                         |  \\--failed, attempts < max--> retry --claim after backoff--> pending
                         |   \\-failed, attempts = max--> failed (given up, reported)
                         \\--claimed_at older than the claim timeout (sender died)--> re-claimable
    retry --the rule is no longer current (a later rule replaced it, the task closed)--> superseded

Claims are atomic on both databases: a new key is claimed by INSERT ... ON CONFLICT (key)
DO NOTHING RETURNING (only one of two concurrent senders gets the row back); an existing
key by UPDATE ... WHERE status = 'retry' AND backoff elapsed (or 'pending' and stale)
RETURNING, which PostgreSQL re-checks after a concurrent update and SQLite serialises.
A mark only touches a row still pending under our own claim.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import socket
import time
import uuid
from dataclasses import dataclass
from typing import Any, Collection, Iterable, Iterator

from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from dondoc.catalog.safety import scrub_urls
from dondoc.catalog.settings import settings
from dondoc.catalog.store.models import Delivery, Task

T = Delivery.__table__
TASK = Task.__table__

PENDING, SENT, RETRY, FAILED, SUPERSEDED = "pending", "sent", "retry", "failed", "superseded"
BATCH = 200
HISTORY = 10  # attempts kept per row in outcome.attempts


@dataclass(frozen=True)
class Settings:
    claim_timeout: float = 600.0  # seconds before a pending claim counts as abandoned
    max_attempts: int = 5
    backoff: float = 300.0  # first retry delay; doubles each attempt
    backoff_cap: float = 6 * 3600.0

    @classmethod
    def from_env(cls) -> Settings:
        s = settings()
        return cls(claim_timeout=s.claim_timeout, max_attempts=s.max_attempts,
                   backoff=s.retry_backoff, backoff_cap=s.retry_backoff_cap)

    def delay(self, attempts: int) -> dt.timedelta:
        return dt.timedelta(seconds=min(self.backoff * 2 ** max(attempts - 1, 0), self.backoff_cap))


@dataclass(frozen=True, slots=True)
class Want:
    """A delivery the sweep wants made now."""

    key: str
    task_id: int | None
    unit: str
    occurrence: dt.date | None
    rule: str
    channel: str


@dataclass(slots=True)
class Claim:
    id: int
    key: str
    attempts: int
    outcome: dict[str, Any] | None


def make_key(task_id: int | None, unit: str, occurrence: dt.date | None, rule: str,
             channel: str) -> str:
    return (f"{task_id if task_id is not None else '-'}:{unit}:"
            f"{occurrence.isoformat() if occurrence else '-'}:{rule}:{channel}")


def sender_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _aware(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


# ------------------------------------------------------------------------ busy database


class LedgerBusy(Exception):
    """The ledger stayed locked by another writer past the retry budget."""


def _busy(exc: OperationalError) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return any(w in text for w in ("database is locked", "database is busy", "deadlock detected",
                                   "could not serialize", "lock timeout"))


def retrying(engine: Engine, work, budget: float | None = None):  # type: ignore[no-untyped-def]
    """work(conn) in one transaction, run again with backoff while the database is locked.

    SQLite's busy timeout bounds one wait; a long write (a catalog load, a backup) can
    outlast it. Each try is a whole transaction, so a retry never half-applies anything.
    """
    budget = settings().lock_retry if budget is None else budget
    end = time.monotonic() + budget
    delay = 0.05
    while True:
        try:
            with engine.begin() as conn:
                return work(conn)
        except OperationalError as exc:
            if not _busy(exc):
                raise
            if time.monotonic() + delay > end:
                raise LedgerBusy(str(getattr(exc, "orig", exc)).splitlines()[0]) from None
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 2.0)


# ------------------------------------------------------------------------ reading


@dataclass(frozen=True, slots=True)
class State:
    status: str
    claimed_at: dt.datetime | None
    next_attempt_at: dt.datetime | None

    def claimable(self, now: dt.datetime, settings: Settings) -> bool:
        if self.status == RETRY:
            return self.next_attempt_at is None or self.next_attempt_at <= now
        if self.status == PENDING:
            stale = now - dt.timedelta(seconds=settings.claim_timeout)
            return self.claimed_at is None or self.claimed_at < stale
        return False


def states(conn: Connection, keys: Iterable[str] | None = None) -> dict[str, State]:
    """The ledger's state of the given keys (all rows when keys is None)."""
    out: dict[str, State] = {}
    sel = select(T.c.key, T.c.status, T.c.claimed_at, T.c.next_attempt_at)
    if keys is None:
        for key, status, claimed, nxt in conn.execute(sel):
            out[key] = State(status, _aware(claimed), _aware(nxt))
        return out
    batch = list(keys)
    for i in range(0, len(batch), 900):
        chunk = batch[i:i + 900]
        for key, status, claimed, nxt in conn.execute(sel.where(T.c.key.in_(chunk))):
            out[key] = State(status, _aware(claimed), _aware(nxt))
    return out


def _of_units(stmt: Any, units: Collection[str] | None) -> Any:
    # A partial sweep (one province's units) reads only its units' rows; a list too long
    # for one statement reads them all, which is only more than needed.
    if units is not None and len(units) <= 900:
        return stmt.where(T.c.unit_code.in_(sorted(units)))
    return stmt


def sent_keys(conn: Connection, units: Collection[str] | None = None) -> set[str]:
    """Keys already delivered (cheap to hold in memory, even at a million rows); with units,
    those of these units (at least)."""
    return {k for (k,) in conn.execute(
        _of_units(select(T.c.key).where(T.c.status == SENT), units))}


def open_states(conn: Connection, units: Collection[str] | None = None) -> dict[str, State]:
    """Every row that is not plainly sent: the few a sweep must look at one by one; with
    units, those of these units (at least)."""
    out = {}
    for key, status, claimed, nxt in conn.execute(_of_units(
            select(T.c.key, T.c.status, T.c.claimed_at, T.c.next_attempt_at)
            .where(T.c.status != SENT), units)):
        out[key] = State(status, _aware(claimed), _aware(nxt))
    return out



# Why a delivery a sweep wanted was left out, as the report counts it.
_HELD = {"pending": "in_flight", "retry": "waiting", "failed": "given_up",
         "superseded": "superseded_before"}


def admit(key: str, sent: set[str], open_: dict[str, State], now: dt.datetime,
          settings: Settings, counts: Any) -> bool:
    """Whether a sweep may claim key now; if not, count why (already sent, or held)."""
    if key in sent:
        counts["already_sent"] += 1
        return False
    state = open_.get(key)
    if state is not None and not state.claimable(now, settings):
        counts[_HELD.get(state.status, state.status)] += 1
        return False
    return True


# ------------------------------------------------------------------------ claiming


def _insert(engine: Engine):  # type: ignore[no-untyped-def]
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(T)


def claim(engine: Engine, wants: list[Want], sender: str, settings: Settings,
          now: dt.datetime | None = None, subjects: dict[str, str] | None = None) -> list[Claim]:
    """Claim what nobody else holds; return only the rows this sender now owns."""
    if not wants:
        return []
    now = now or utcnow()
    stale = now - dt.timedelta(seconds=settings.claim_timeout)
    subjects = subjects or {}
    rows = [{"key": w.key, "task_id": w.task_id, "unit_code": w.unit, "occurrence": w.occurrence,
             "rule": w.rule, "channel": w.channel, "status": PENDING, "attempts": 1,
             "claimed_by": sender, "claimed_at": now, "created_at": now,
             "subject": subjects.get(w.key)} for w in wants]
    stmt = (_insert(engine).on_conflict_do_nothing(index_elements=["key"])
            .returning(T.c.id, T.c.key))
    return retrying(engine, lambda conn: _claim(conn, wants, stmt, rows, sender, now, stale))


def _claim(conn: Connection, wants: list[Want], stmt: Any, rows: list[dict[str, Any]],
           sender: str, now: dt.datetime, stale: dt.datetime) -> list[Claim]:
    claims: list[Claim] = []
    for r in conn.execute(stmt, rows):
        claims.append(Claim(r[0], r[1], 1, None))
    got = {c.key for c in claims}
    rest = [w.key for w in wants if w.key not in got]
    for i in range(0, len(rest), 500):
        chunk = rest[i:i + 500]
        again = (
            update(T)
            .where(T.c.key.in_(chunk))
            .where(or_(
                and_(T.c.status == RETRY,
                     or_(T.c.next_attempt_at.is_(None), T.c.next_attempt_at <= now)),
                and_(T.c.status == PENDING,
                     or_(T.c.claimed_at.is_(None), T.c.claimed_at < stale))))
            .values(status=PENDING, claimed_by=sender, claimed_at=now,
                    attempts=T.c.attempts + 1)
            .returning(T.c.id, T.c.key, T.c.attempts, T.c.outcome))
        for r in conn.execute(again):
            claims.append(Claim(r[0], r[1], r[2], r[3]))
    return claims


# ------------------------------------------------------------------------ marking


@dataclass(frozen=True, slots=True)
class Outcome:
    claim: Claim
    ok: bool
    endpoint: str
    error: str | None
    ms: int
    subject: str | None = None


def _history(previous: dict[str, Any] | None, entry: dict[str, Any], endpoint: str) -> dict[str, Any]:
    attempts = list((previous or {}).get("attempts") or [])
    attempts.append(entry)
    return {"endpoint": endpoint, "attempts": attempts[-HISTORY:]}


def mark(engine: Engine, outcomes: list[Outcome], sender: str, settings: Settings,
         now: dt.datetime | None = None) -> dict[str, str]:
    """Record what happened; return each key's new status (sent, retry or failed)."""
    if not outcomes:
        return {}
    now = now or utcnow()
    result: dict[str, str] = {}
    params = []
    for o in outcomes:
        # The sender masks its errors; a URL that slipped through still loses its path here.
        error = None if o.ok else scrub_urls(o.error)
        entry = {"at": now.isoformat(timespec="seconds"), "ok": o.ok, "error": error,
                 "ms": o.ms, "attempt": o.claim.attempts}
        if o.ok:
            status, nxt = SENT, None
        elif o.claim.attempts >= settings.max_attempts:
            status, nxt = FAILED, None
        else:
            status, nxt = RETRY, now + settings.delay(o.claim.attempts)
        result[o.claim.key] = status
        params.append({"b_id": o.claim.id, "b_sender": sender, "b_status": status,
                       "b_sent": now if o.ok else None, "b_next": nxt,
                       "b_error": error,
                       "b_outcome": _history(o.claim.outcome, entry, o.endpoint),
                       "b_subject": o.subject})
    stmt = (update(T)
            .where(T.c.id == bindparam("b_id"))
            .where(T.c.status == PENDING)
            .where(T.c.claimed_by == bindparam("b_sender"))
            .values(status=bindparam("b_status"), sent_at=bindparam("b_sent"),
                    next_attempt_at=bindparam("b_next"), error=bindparam("b_error"),
                    outcome=bindparam("b_outcome"), subject=bindparam("b_subject")))
    retrying(engine, lambda conn: conn.execute(stmt, params))
    return result


def release(engine: Engine, claims: Iterable[Claim], sender: str) -> int:
    """Give back claims whose send did not happen or failed: claimable again at once, and
    the attempt not counted. Returns how many were given back.

    Best effort: called on the way out, when the database may still be busy. Then none is
    given back (0) and the claim timeout frees them later, so a caller never has to choose
    between waiting and failing."""
    ids = [c.id for c in claims]
    if not ids:
        return 0

    def work(conn: Connection) -> int:
        n = 0
        for i in range(0, len(ids), 500):
            n += conn.execute(
                update(T).where(T.c.id.in_(ids[i:i + 500])).where(T.c.status == PENDING)
                .where(T.c.claimed_by == sender)
                .values(claimed_by=None, claimed_at=None, attempts=T.c.attempts - 1)).rowcount
        return n

    try:
        return retrying(engine, work, budget=settings().release_retry)
    except LedgerBusy:
        return 0


def supersede(engine: Engine, keys: Iterable[str]) -> int:
    """Retire retries whose rule is no longer current: a later message carries the news."""
    keys = list(keys)

    def work(conn: Connection) -> int:
        n = 0
        for i in range(0, len(keys), 500):
            n += conn.execute(update(T).where(T.c.key.in_(keys[i:i + 500]))
                              .where(T.c.status == RETRY)
                              .values(status=SUPERSEDED, next_attempt_at=None)).rowcount
        return n

    return retrying(engine, work)


def retry_failed(engine: Engine, plan: str | None = None) -> int:
    """Give reminders that were given up (failed) a fresh set of attempts, due now."""

    def work(conn: Connection) -> int:
        stmt = (update(T).where(T.c.status == FAILED)
                .values(status=RETRY, attempts=0, next_attempt_at=None, claimed_by=None))
        if plan:
            stmt = stmt.where(T.c.task_id.in_(select(TASK.c.id).where(TASK.c.plan_code == plan)))
        return conn.execute(stmt).rowcount

    return retrying(engine, work)


# ------------------------------------------------------------------------ listing


def rows(engine: Engine, failed_only: bool = False, plan: str | None = None,
         limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Ledger rows, newest first, as JSON-ready dicts."""
    sel = (select(T, TASK.c.plan_code, TASK.c.code.label("task_code"))
           .select_from(T.outerjoin(TASK, TASK.c.id == T.c.task_id))
           .order_by(T.c.id.desc()))
    if failed_only:
        sel = sel.where(T.c.status.in_([RETRY, FAILED]))
    if plan:
        sel = sel.where(TASK.c.plan_code == plan)
    if limit:
        sel = sel.limit(limit)
    with engine.connect() as conn:
        for r in conn.execute(sel):
            m = r._mapping
            yield {
                "key": m["key"], "plan": m["plan_code"], "task": m["task_code"],
                "unit": m["unit_code"],
                "occurrence": m["occurrence"].isoformat() if m["occurrence"] else None,
                "rule": m["rule"], "channel": m["channel"], "status": m["status"],
                "attempts": m["attempts"], "subject": m["subject"], "error": scrub_urls(m["error"]),
                "sent_at": _iso(m["sent_at"]), "next_attempt_at": _iso(m["next_attempt_at"]),
                "claimed_at": _iso(m["claimed_at"]), "outcome": m["outcome"],
            }


def _iso(value: Any) -> str | None:
    value = _aware(value)
    return value.isoformat(timespec="seconds") if value else None
