"""What the TUI tests share: a private copy of the seed database, the app, and waiting for
its workers (never a fixed sleep)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed, WorkerState

from dondoc.catalog.store.engines import engine_for
from dondoc.catalog.store.models import Delivery, Review, Target, TargetActual, Task

SNAP_SIZE = (150, 42)
UTC = dt.timezone.utc
DB_LABEL = "sqlite:///~/.dondoc/dondoc.sqlite"


def copy_seed(seed_home: Path, dest: Path) -> str:
    """A writable copy of the session's seed database: tests that act must not share one."""
    dest.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        src = seed_home / f"dondoc.sqlite{suffix}"
        if src.exists():
            shutil.copy(src, dest / src.name)
    return f"sqlite:///{dest / 'dondoc.sqlite'}"


def make_app(url: str, as_of: dt.date = dt.date(2023, 3, 1), **kw: Any):  # type: ignore[no-untyped-def]
    from dondoc.tui.app.app import DondocApp

    kw.setdefault("refresh_seconds", 0)
    kw.setdefault("db_label", DB_LABEL)
    kw.setdefault("actor", "tester")
    app = DondocApp(engine_for(url), as_of=as_of, **kw)
    # The tabs' underline glides to its place: in pictures it must already be there.
    app.animation_level = "none"
    return app


async def settle(pilot: Pilot) -> None:
    """Until no worker runs and every message they posted has been handled."""
    app = pilot.app
    for _ in range(200):
        try:
            await app.workers.wait_for_complete()
        except (WorkerCancelled, WorkerFailed):
            pass  # superseded detail loads; errors are the app's to report, tests check that
        await pilot.pause()
        busy = [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
        if app.loads > 0 and app.main.detail_pending:
            await pilot.pause(0.05)  # the detail pane loads once the cursor rests
            continue
        if not busy and app.loads > 0:
            await pilot.wait_for_scheduled_animations()
            await pilot.pause()
            return
    raise AssertionError("the app's workers did not settle")


def add_ledger_and_reviews(url: str) -> None:
    """Reminders, reviews and reported figures, written as their own engineers' code would,
    so that those views have something to show."""
    engine = engine_for(url)
    at = dt.datetime(2023, 2, 20, 1, 30, tzinfo=dt.timezone.utc)
    with engine.begin() as conn:
        tasks = {code: tid for tid, code in conn.execute(
            Task.__table__.select().with_only_columns(Task.id, Task.code)
            .where(Task.plan_code == "HP-74-KH-UBND"))}
        targets = {code: tid for tid, code in conn.execute(
            Target.__table__.select().with_only_columns(Target.id, Target.code)
            .where(Target.plan_code == "HP-74-KH-UBND"))}
        first, second = tasks["NV-V.5.a"], tasks["NV-III.2.a"]
        blank = {"sent_at": None, "error": None}
        conn.execute(insert(Delivery.__table__), [{**blank, **row} for row in [
            {"key": f"{first}|HP-STTTT|2022-04-30|overdue-5|email", "task_id": first,
             "unit_code": "HP-STTTT", "occurrence": dt.date(2022, 4, 30), "rule": "overdue-5",
             "channel": "email", "status": "sent", "attempts": 1, "sent_at": at,
             "subject": "[Quá hạn] NV-V.5.a", "created_at": at},
            {"key": f"{second}|HP-STTTT|2022-12-31|before-2|telegram", "task_id": second,
             "unit_code": "HP-STTTT", "occurrence": dt.date(2022, 12, 31), "rule": "before-2",
             "channel": "tgram://123456789:SECRETTOKEN/-100200300", "status": "failed",
             "attempts": 3, "error": "cannot reach mailto://ubnd:hunter2@mail.example.vn",
             "subject": "[Sắp đến hạn] NV-III.2.a", "created_at": at + dt.timedelta(hours=1)},
            {"key": f"{second}|HP-STTTT|2022-12-31|before-0|email", "task_id": second,
             "unit_code": "HP-STTTT", "occurrence": dt.date(2022, 12, 31), "rule": "before-0",
             "channel": "email", "status": "pending", "attempts": 0,
             "subject": "[Đến hạn] NV-III.2.a", "created_at": at + dt.timedelta(hours=2)},
        ]])
        none = {"finished_at": None, "report_path": None, "summary": None}
        conn.execute(insert(Review.__table__), [{**none, **row} for row in [
            {"plan_code": "HP-74-KH-UBND", "period": "2022Q4", "status": "done",
             "scheduled_at": dt.datetime(2023, 1, 9, 1, 0, tzinfo=UTC), "created_at": at,
             "finished_at": dt.datetime(2023, 1, 9, 1, 5, tzinfo=UTC),
             "report_path": "reviews/HP-74-KH-UBND-2022Q4.md",
             "summary": {"plan": "HP-74-KH-UBND", "period": "2022Q4",
                         "totals": {"done": 0, "late": 0, "overdue": 33, "on_time": 20,
                                    "no_deadline": 2},
                         "reports_received": 4, "tasks": 55, "units": 12, "targets": 15}},
            {"plan_code": "BS-58-KH-TU", "period": "2022Q4", "status": "scheduled",
             "scheduled_at": dt.datetime(2023, 1, 10, 1, 0, tzinfo=UTC), "created_at": at},
            {"plan_code": "HT-CDS-2025", "period": "2023Q1", "status": "scheduled",
             "scheduled_at": dt.datetime(2023, 4, 6, 1, 0, tzinfo=UTC), "created_at": at},
        ]])
        conn.execute(insert(TargetActual.__table__), [
            {"target_id": targets[code], "year": 2022, "value": value, "unit_code": "HP-STTTT",
             "reported_at": at}
            for code, value in list(zip(sorted(targets), (95, 40, 100)))
        ])
