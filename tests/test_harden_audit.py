"""Concurrent writers keep the audit trail exact: each "before" is the previous "after"."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlmodel import Session, select

from dondoc.catalog.store import actions
from dondoc.catalog.store.engines import engine_for
from dondoc.catalog.store.models import AuditEntry, Task
from tests.cli import FIXTURES, dondoc

WRITERS = 10


@pytest.fixture
def engine(db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=tmp_path / "home",
                  db_url=db_url).code == 0
    return engine_for(db_url)


def test_concurrent_reports_record_exact_before_values(engine) -> None:  # type: ignore[no-untyped-def]
    task_id = actions.find_task(engine, "DM-CDS-2022", "NV03")
    actions.record_progress(engine, task_id, progress=50, actor="seed")
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(i: int) -> None:
        try:
            start.wait()
            actions.record_progress(engine, task_id, progress=51 + i, actor=f"w{i}")
        except BaseException as exc:  # surfaced below, with the thread's own error
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Session(engine) as s:
        trail = s.exec(select(AuditEntry).where(AuditEntry.entity_key == "DM-CDS-2022/NV03",
                                                AuditEntry.action == actions.PROGRESS)
                       .order_by(AuditEntry.id)).all()
        final = s.exec(select(Task.progress).where(Task.id == task_id)).one()
    assert len(trail) == WRITERS + 1
    befores = [e.before["progress"] for e in trail[1:]]
    afters = [e.after["progress"] for e in trail]
    assert befores == afters[:-1], (befores, afters)  # no stale before=50 repeated
    assert afters[-1] == final
    undone = actions.undo_last(engine, actor=trail[-1].actor)
    with Session(engine) as s:
        restored = s.exec(select(Task.progress).where(Task.id == task_id)).one()
    assert restored == trail[-1].before["progress"] == undone.after["progress"]
