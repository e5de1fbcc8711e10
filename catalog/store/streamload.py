"""`dondoc catalog load` at national scale: plan by plan in bounded memory, unchanged files
skipped unread, all or nothing per load, safe against a kill at any instant.

Phases, under one load lock:

0. Stale staging rows (of a load that was killed) are deleted: holding the lock, no other
   load can be running, so every staging row is stale.
1. Registries are read whole (3,899 units at national scale; every plan resolves its units
   against them). Then each plan file, one at a time: its bytes are hashed and, when
   nothing its meaning depends on has changed (below), it is skipped without being parsed.
   Otherwise it is parsed and checked, and its rows are written to `loadstage` as one
   compact document, in a short transaction of its own, and dropped from memory. After an
   error reading goes on, to report every error, but nothing more is staged; at the end of
   a load with errors its staging rows are deleted and nothing live has changed.
2. The staged plans are applied to the live tables, one plan in memory at a time (the
   merge of loader.py: content hashes, withdrawals, audit entries, assignments), the file
   records are written and the staging rows deleted, all in ONE transaction, committed
   last. That single commit is what makes the load all-or-nothing: a kill before it (in
   phase 1 or 2) leaves the previous catalog exactly as it was, since an uncommitted
   transaction is rolled back by SQLite (its WAL) and by PostgreSQL alike.

Why not a transaction per plan in phase 2 as well, with a load id committed last: every
reader (overdue, the TUI, the sweeps) would then have to filter live rows by committed load
id. The apply is the cheap half of a load (parsing is the expensive one, and it runs in
phase 1's short transactions), so its transaction is kept; memory stays per plan.

When a file is skipped: its bytes hash equal to the one recorded when it was last applied,
AND the same "context": READER_VERSION (bumped when parsing rules change), the unit index
the file's references resolve against (every unit's code, name, province and aliases,
from the registries and the database), and the working-day calendar (days off, working
days, the holidays package's version: relative deadlines count working days), AND the plan
as the database holds it still has exactly the tasks and targets that load left live (a
task withdrawn or deleted by hand since makes the file be read again, which reinstates it,
as a load without skipping would). The rule is that a skip never gives a different result
from reading the file. Loads through the in-memory `load_catalog` forget the records of
the plans they write, for the same reason. The file is recorded by plan code, so a plan
loaded later from another file is read again from this one.

Concurrency: two loads never interleave. On PostgreSQL a session advisory lock
(`pg_advisory_lock`) is held from start to end; on SQLite an exclusive `flock` on a file
beside the database. Both are released by the operating system or the server when the
process dies, even by SIGKILL, so a killed load never blocks the next one. The second
load waits for the first, then finds the files the first one recorded and skips them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import orjson
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.engine import Connection, Engine

from dondoc.catalog.files.reader import (READER_VERSION, PlanBundle, StreamReader,
                                         catalog_files_or_error, looks_like_registry)
from dondoc.catalog.i18n import InputError
from dondoc.catalog.rules.workdays import WorkCalendar, default_calendar
from dondoc.catalog.store.assignments import group_members, sync_tasks
from dondoc.catalog.store.loader import (PLAN, TARGET, TASK, LoadSummary, _load_plan, _load_units,
                                         add_synced, flush_audit, known_units)
from dondoc.catalog.store.models import CatalogFile, LoadStage, utcnow

FILE = CatalogFile.__table__
STAGE = LoadStage.__table__
# The SQLite page cache of the applying connection, in KiB (the memory goal is 1 GiB).
APPLY_CACHE_KIB = 256 * 1024
# pg_advisory_lock's key for catalog loads ("dondoc" in ASCII).
PG_LOCK_KEY = 0x646F6E646F63

# Row keys that hold dates: the staging document is JSON, which has none.
_DATE_KEYS = frozenset({
    "issued_on", "horizon_start", "horizon_end", "deadline_start", "deadline_due",
    "rrule_start", "rrule_until", "declared_completed_on", "nominal_effective_due",
})


@dataclass
class LoadOutcome:
    summary: LoadSummary = field(default_factory=LoadSummary)
    errors: list[InputError] = field(default_factory=list)
    files_read: int = 0
    files_skipped: int = 0


@dataclass
class Progress:
    """Where a load reports: bytes of catalog files, read and then applied."""

    advance: Callable[[int], None] | None = None
    set_total: Callable[[int], None] | None = None

    def step(self, n: int) -> None:
        if self.advance and n:
            self.advance(n)


# ------------------------------------------------------------------------ the lock


@contextmanager
def load_lock(engine: Engine) -> Iterator[None]:
    """Hold the catalog-load lock of this database until the block ends (or the process
    dies)."""
    if engine.dialect.name == "postgresql":
        conn = engine.connect()
        try:
            conn.execute(text("select pg_advisory_lock(:k)"), {"k": PG_LOCK_KEY})
            conn.commit()
            yield
        finally:
            try:
                conn.execute(text("select pg_advisory_unlock(:k)"), {"k": PG_LOCK_KEY})
                conn.commit()
            finally:
                conn.close()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    import fcntl

    with open(f"{database}.load-lock", "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# ------------------------------------------------------------------------ staging


def _date_default(value: Any) -> str:
    # Deadlines come back as pendulum dates, which orjson does not take for dates.
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} in a staged row")


def _encode(bundle: PlanBundle) -> bytes:
    # Compressed (zlib's fastest level, ~1 ms per 500 tasks): SQLite keeps the pages of
    # deleted staging rows, and uncompressed they grew a 1M-task database by ~1 GB.
    return zlib.compress(orjson.dumps({"plan": bundle.plan, "tasks": bundle.tasks,
                                       "targets": bundle.targets, "file": bundle.file},
                                      default=_date_default), 1)


def _dates(row: dict[str, Any]) -> dict[str, Any]:
    for key in _DATE_KEYS.intersection(row):
        if row[key] is not None:
            row[key] = dt.date.fromisoformat(row[key])
    return row


def _decode(body: bytes) -> PlanBundle:
    doc = orjson.loads(zlib.decompress(body))
    return PlanBundle(_dates(doc["plan"]), [_dates(r) for r in doc["tasks"]],
                      [_dates(r) for r in doc["targets"]], doc["file"])


def calendar_fingerprint(calendar: WorkCalendar) -> str:
    from dondoc.catalog.rules.workdays import _holidays_version

    return hashlib.sha256(orjson.dumps([
        sorted(d.isoformat() for d in calendar.days_off),
        sorted(d.isoformat() for d in calendar.working_days), _holidays_version(),
    ])).hexdigest()


def _live_counts(conn: Connection) -> dict[str, tuple[int, int]]:
    """Per plan in the database: its live tasks and live targets."""
    counts = {code: [0, 0] for code in conn.execute(select(PLAN.c.code)).scalars()}
    for code, n in conn.execute(select(TASK.c.plan_code, func.count())
                                .where(TASK.c.state != "withdrawn").group_by(TASK.c.plan_code)):
        counts.setdefault(code, [0, 0])[0] = n
    for code, n in conn.execute(select(TARGET.c.plan_code, func.count())
                                .where(TARGET.c.withdrawn_on.is_(None))
                                .group_by(TARGET.c.plan_code)):
        counts.setdefault(code, [0, 0])[1] = n
    return {code: (a, b) for code, (a, b) in counts.items()}


# ------------------------------------------------------------------------ the load


def load_path(engine: Engine, path: Path, *, actor: str = "catalog-load",
              calendar: WorkCalendar | None = None,
              progress: Progress | None = None) -> LoadOutcome:
    """Load the catalog files at path (a folder or one file): all or nothing."""
    calendar = calendar or default_calendar()
    progress = progress or Progress()
    outcome = LoadOutcome()
    files, missing = catalog_files_or_error(path)
    if missing:
        outcome.errors.append(missing)
        return outcome
    with load_lock(engine):
        with engine.begin() as conn:
            conn.execute(delete(STAGE))  # a killed load's leftovers (we hold the lock)
        load_id = uuid.uuid4().hex
        try:
            staged = _stage(engine, path, files, load_id, calendar, progress, outcome)
            if outcome.errors:
                return outcome
            _apply(engine, load_id, staged, actor, calendar, progress, outcome)
        finally:
            if outcome.errors:
                with engine.begin() as conn:
                    conn.execute(delete(STAGE).where(STAGE.c.load_id == load_id))
    return outcome


@dataclass
class _Staged:
    units: list[dict[str, Any]]
    context: str
    skipped: list[tuple[int, int]]  # (tasks, targets) of each skipped plan
    applied: int = 0  # how many plan files were staged


def _label(file: Path, root: Path) -> str:
    # As read_catalog names files: the path as the user gave its folder.
    return str(file)


def _stage(engine: Engine, root: Path, files: list[Path], load_id: str, calendar: WorkCalendar,
           progress: Progress, outcome: LoadOutcome) -> _Staged:
    """Phase 1: read the registries, then stage each changed plan file."""
    registries: list[tuple[str, bytes]] = []
    plan_files: list[tuple[Path, int]] = []
    total = 0
    for file in files:
        try:
            raw = file.read_bytes()
        except OSError:
            outcome.errors.append(InputError(_label(file, root), None, "file.missing"))
            continue
        total += len(raw)
        if looks_like_registry(raw):
            registries.append((_label(file, root), raw))
        else:
            plan_files.append((file, len(raw)))  # bytes dropped: read again when its turn comes
    if progress.set_total:
        progress.set_total(total)
    with engine.connect() as conn:
        units = known_units(conn)
        records = {r.file_path: r for r in conn.execute(select(FILE))}
        live = _live_counts(conn)
    reader = StreamReader(units, calendar)
    reader.read_registries(registries)
    progress.step(sum(len(raw) for _, raw in registries))
    del registries
    context = hashlib.sha256(orjson.dumps([READER_VERSION, reader.index_fingerprint(),
                                           calendar_fingerprint(calendar)])).hexdigest()
    staged = _Staged(reader.units, context, [])
    seq = 0
    for file, size in plan_files:
        label = _label(file, root)
        try:
            raw = file.read_bytes()
        except OSError:
            reader.errors.append(InputError(label, None, "file.missing"))
            continue
        sha = hashlib.sha256(raw).hexdigest()
        record = records.get(str(file.resolve()))
        if (record is not None and record.sha256 == sha and record.context_hash == context
                and live.get(record.plan_code) == (record.tasks, record.targets)):
            if reader.claim_plan_code(record.plan_code, label):
                staged.skipped.append((record.tasks, record.targets))
                outcome.files_skipped += 1
            progress.step(size)
            continue
        bundle = reader.read_plan(label, raw)
        outcome.files_read += 1
        progress.step(size)
        if bundle is None or reader.errors:
            continue  # keep reading, to report every error; nothing more to stage
        body = _encode(bundle)
        with engine.begin() as conn:
            conn.execute(insert(STAGE), {
                "load_id": load_id, "seq": seq, "plan_code": bundle.plan["code"],
                "file_path": str(file.resolve()), "sha256": sha, "tasks": len(bundle.tasks),
                "targets": len(bundle.targets), "size": size, "body": body})
        seq += 1
        staged.applied += 1
        if progress.set_total:
            total += size  # applying it is the second half of its work
            progress.set_total(total)
    outcome.errors.extend(reader.errors)
    return staged


def _apply(engine: Engine, load_id: str, staged: _Staged, actor: str, calendar: WorkCalendar,
           progress: Progress, outcome: LoadOutcome) -> None:
    """Phase 2: the staged plans into the live tables, in one transaction committed last."""
    summary = outcome.summary
    now = utcnow()
    audit: list[dict[str, Any]] = []
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as conn:
        if sqlite:
            # A national load grows six indexes by millions of entries in this transaction;
            # SQLite's default 2 MB page cache would re-read their pages at every insert.
            conn.exec_driver_sql(f"PRAGMA cache_size=-{APPLY_CACHE_KIB}")
        groups_changed = _load_units(conn, staged.units, summary, audit, now, actor)
        flush_audit(conn, audit)
        stage_rows = list(conn.execute(
            select(STAGE.c.id, STAGE.c.plan_code, STAGE.c.file_path, STAGE.c.sha256,
                   STAGE.c.tasks, STAGE.c.targets, STAGE.c.size)
            .where(STAGE.c.load_id == load_id).order_by(STAGE.c.seq)))
        members = group_members(conn)  # after the registry's changes, once for the load
        if len(stage_rows) != staged.applied:  # cannot happen while the lock holds
            raise RuntimeError(f"load {load_id}: {len(stage_rows)} staged plans, "
                               f"{staged.applied} expected")
        for row in stage_rows:
            body = conn.execute(select(STAGE.c.body).where(STAGE.c.id == row.id)).scalar_one()
            bundle = _decode(body)
            del body
            touched: list[int] = []
            _load_plan(conn, bundle, summary, audit, now, actor, calendar, touched)
            flush_audit(conn, audit)
            if not groups_changed:
                add_synced(summary, sync_tasks(conn, touched, actor=actor, now=now,
                                               members=members))
            del bundle, touched
            progress.step(row.size)
        if groups_changed:
            # A group's members changed: every task naming it, in any plan, plan by plan.
            for code in list(conn.execute(select(PLAN.c.code)).scalars()):
                ids = list(conn.execute(select(TASK.c.id).where(TASK.c.plan_code == code))
                           .scalars())
                add_synced(summary, sync_tasks(conn, ids, actor=actor, now=now, members=members))
        for tasks, targets in staged.skipped:
            summary.add("plans.unchanged")
            summary.add("tasks.unchanged", tasks)
            summary.add("targets.unchanged", targets)
        _record_files(conn, stage_rows, staged.context, now)
        conn.execute(delete(STAGE).where(STAGE.c.load_id == load_id))
        if sqlite:
            conn.exec_driver_sql("PRAGMA cache_size=-2000")  # the default, for the pool


def _record_files(conn: Connection, rows: list[Any], context: str, now: dt.datetime) -> None:
    codes = [r.plan_code for r in rows]
    paths = [r.file_path for r in rows]
    for i in range(0, len(rows), 500):
        conn.execute(delete(FILE).where(FILE.c.plan_code.in_(codes[i:i + 500])))
        conn.execute(delete(FILE).where(FILE.c.file_path.in_(paths[i:i + 500])))
    if rows:
        conn.execute(insert(FILE), [
            {"plan_code": r.plan_code, "file_path": r.file_path, "sha256": r.sha256,
             "context_hash": context, "tasks": r.tasks, "targets": r.targets, "loaded_at": now}
            for r in rows])


def stale_staging_rows(engine: Engine) -> int:
    """How many staging rows the database holds (for tests and `doctor`-like checks)."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(STAGE)).scalar_one())

