"""catalog/actions.py on real SQLite and PostgreSQL: each action changes the task, writes
the audit trail with before/after, and undo walks back through them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, text
from sqlmodel import Session, select

from dondoc.catalog.store import actions
from dondoc.catalog.store.engines import engine_for
from dondoc.catalog.i18n import DondocError
from dondoc.catalog.store.models import AuditEntry, Extension, ProgressReport, Task
from dondoc.catalog.store.queries import Filter, Reader
from tests.cli import FIXTURES, dondoc

AS_OF = dt.date(2022, 7, 1)


@pytest.fixture
def engine(db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The demo plan DM-CDS-2022 loaded with the real command into a fresh database."""
    result = dondoc("catalog", "load", str(FIXTURES / "catalog"), home=tmp_path / "home",
                    db_url=db_url)
    assert result.code == 0, result.err
    return engine_for(db_url)


def task(engine, code: str) -> Task:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        row = s.exec(select(Task).where(Task.plan_code == "DM-CDS-2022", Task.code == code)).one()
        s.expunge(row)
        return row


def tid(engine, code: str) -> int:  # type: ignore[no-untyped-def]
    return actions.find_task(engine, "DM-CDS-2022", code)


def overdue_codes(engine, as_of: dt.date = AS_OF) -> list[str]:  # type: ignore[no-untyped-def]
    return [i["task"] for i in Reader(engine).items(Filter(as_of=as_of), statuses=("overdue",))]


def count(engine, model) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_mark_done_writes_task_and_audit(engine) -> None:  # type: ignore[no-untyped-def]
    assert "NV01" in overdue_codes(engine)
    result = actions.mark_done(engine, tid(engine, "NV01"), on=AS_OF, actor="alice",
                               note="Đã ban hành kế hoạch")
    row = task(engine, "NV01")
    assert (row.state, row.completed_on, row.progress) == ("done", AS_OF, 100)
    assert "NV01" not in overdue_codes(engine)
    with Session(engine) as s:
        entry = s.get(AuditEntry, result.audit_id)
        assert entry is not None
        assert (entry.action, entry.actor, entry.entity_key) == ("task.done", "alice",
                                                                   "DM-CDS-2022/NV01")
        rows_before = entry.before.pop("assignment_rows")
        assert entry.before == {"state": "open", "completed_on": None, "progress": 0}
        assert entry.after["state"] == "done" and entry.after["completed_on"] == "2022-07-01"
        # The whole task done by the coordinator: its lead's share too, audited.
        assert [(r["unit"], r["status"]) for r in rows_before] == [("DM-VHTT", "open")]
        assert [(r["unit"], r["status"], r["completed_on"])
                for r in entry.after["assignment_rows"]] == [("DM-VHTT", "done", "2022-07-01")]
        report = s.get(ProgressReport, entry.after["progress_report_id"])
        assert report is not None and report.note == "Đã ban hành kế hoạch"
    with pytest.raises(DondocError) as err:
        actions.mark_done(engine, tid(engine, "NV01"), on=AS_OF)
    assert err.value.key == "action.already_done"


def test_mark_done_recurring_occurrence_answers_one_period(engine) -> None:  # type: ignore[no-untyped-def]
    assert "BC01" in overdue_codes(engine)
    actions.mark_done(engine, tid(engine, "BC01"), on=AS_OF, occurrence=dt.date(2022, 6, 30))
    # The period is answered, the duty itself goes on.
    assert "BC01" not in overdue_codes(engine)
    assert task(engine, "BC01").state == "open"
    assert "BC01" in overdue_codes(engine, dt.date(2022, 10, 5))


def test_record_progress(engine) -> None:  # type: ignore[no-untyped-def]
    before_reports = count(engine, ProgressReport)
    result = actions.record_progress(engine, tid(engine, "NV02"), progress=40,
                                     note="Đang tổng hợp danh mục", actor="bob")
    assert task(engine, "NV02").progress == 40
    assert result.before == {"progress": 0}
    assert result.after["progress"] == 40
    assert count(engine, ProgressReport) == before_reports + 1
    for bad in (-1, 101):
        with pytest.raises(DondocError) as err:
            actions.record_progress(engine, tid(engine, "NV02"), progress=bad)
        assert err.value.key == "action.bad_progress"
    with pytest.raises(DondocError):
        actions.record_progress(engine, tid(engine, "NV02"), note="   ")
    # Refused input changes nothing.
    assert count(engine, ProgressReport) == before_reports + 1
    assert task(engine, "NV02").progress == 40


def test_record_extension_moves_to_next_working_day(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # 3/9/2022 is a Saturday after the National Day holidays (1-2/9): due on Monday 5/9.
    result = actions.record_extension(engine, tid(engine, "NV02"), new_due=dt.date(2022, 9, 3),
                                      reason="Chờ hướng dẫn của Sở", approved_by="Chủ tịch UBND")
    row = task(engine, "NV02")
    assert row.extended_due == dt.date(2022, 9, 3)
    assert row.effective_due == dt.date(2022, 9, 5)
    assert "NV02" not in overdue_codes(engine)
    assert result.before == {"extended_due": None, "effective_due": "2022-06-30"}
    with Session(engine) as s:
        ext = s.get(Extension, result.after["extension_id"])
        assert ext is not None
        assert (ext.old_due, ext.new_due, ext.approved_by) == (
            dt.date(2022, 6, 30), dt.date(2022, 9, 3), "Chủ tịch UBND")
    with pytest.raises(DondocError) as err:
        actions.record_extension(engine, tid(engine, "NV02"), new_due=dt.date(2022, 8, 1))
    assert err.value.key == "action.extension_not_later"
    with pytest.raises(DondocError) as err:
        actions.record_extension(engine, tid(engine, "NV04"), new_due=dt.date(2023, 1, 1))
    assert err.value.key == "action.extension_kind"
    # A catalog reload keeps the extension.
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=tmp_path / "home",
                  db_url=str(engine.url.render_as_string(hide_password=False))).code == 0
    assert task(engine, "NV02").effective_due == dt.date(2022, 9, 5)


def test_snooze(engine) -> None:  # type: ignore[no-untyped-def]
    nv = tid(engine, "NV03")
    with pytest.raises(DondocError) as err:
        actions.snooze(engine, nv, dt.date(2022, 6, 1), on=AS_OF)
    assert err.value.key == "action.snooze_past"
    actions.snooze(engine, nv, dt.date(2022, 8, 15), on=AS_OF)
    assert task(engine, "NV03").snoozed_until == dt.date(2022, 8, 15)
    actions.snooze(engine, nv, None, on=AS_OF)
    assert task(engine, "NV03").snoozed_until is None
    with pytest.raises(DondocError) as err:
        actions.snooze(engine, nv, None, on=AS_OF)
    assert err.value.key == "action.no_change"


def test_undo_walks_back_in_order(engine) -> None:  # type: ignore[no-untyped-def]
    nv = tid(engine, "NV02")
    reports, extensions = count(engine, ProgressReport), count(engine, Extension)
    actions.record_progress(engine, nv, progress=30, note="a", actor="carol")
    actions.record_extension(engine, nv, new_due=dt.date(2022, 10, 31), actor="carol")
    actions.snooze(engine, nv, dt.date(2022, 7, 20), on=AS_OF, actor="carol")
    actions.mark_done(engine, nv, on=AS_OF, actor="carol")
    # Another person's undo does not touch carol's actions.
    with pytest.raises(DondocError) as err:
        actions.undo_last(engine, actor="dave")
    assert err.value.key == "action.nothing_to_undo"

    assert actions.undo_last(engine, actor="carol").undone_action == "task.done"
    row = task(engine, "NV02")
    assert (row.state, row.completed_on, row.progress) == ("open", None, 30)
    assert actions.undo_last(engine, actor="carol").undone_action == "task.snooze"
    assert task(engine, "NV02").snoozed_until is None
    assert actions.undo_last(engine, actor="carol").undone_action == "task.extension"
    row = task(engine, "NV02")
    assert (row.extended_due, row.effective_due) == (None, dt.date(2022, 6, 30))
    assert count(engine, Extension) == extensions
    assert actions.undo_last(engine, actor="carol").undone_action == "task.progress"
    assert task(engine, "NV02").progress == 0
    assert count(engine, ProgressReport) == reports
    with pytest.raises(DondocError):
        actions.undo_last(engine, actor="carol")
    with Session(engine) as s:
        trail = s.exec(select(AuditEntry.action, AuditEntry.undone)
                       .where(AuditEntry.entity_key == "DM-CDS-2022/NV02")
                       .order_by(AuditEntry.id)).all()
    assert [a for a, _ in trail if a.startswith("task.")] == [
        "task.progress", "task.extension", "task.snooze", "task.done",
        "task.undo", "task.undo", "task.undo", "task.undo"]
    assert all(undone for a, undone in trail if a in actions.UNDOABLE)


def test_undo_refuses_when_task_changed_since(engine) -> None:  # type: ignore[no-untyped-def]
    nv = tid(engine, "NV05")
    actions.record_progress(engine, nv, progress=50, actor="erin")
    with engine.begin() as conn:  # someone else moves the task on
        conn.execute(text("update task set progress = 70 where id = :id"), {"id": nv})
    with pytest.raises(DondocError) as err:
        actions.undo_last(engine, actor="erin")
    assert err.value.key == "action.undo_conflict"
    assert task(engine, "NV05").progress == 70


def test_session_caller_owns_the_transaction(engine) -> None:  # type: ignore[no-untyped-def]
    nv = tid(engine, "NV03")
    with Session(engine) as s:
        actions.mark_done(s, nv, on=AS_OF)
        actions.record_progress(s, nv, note="chưa chốt")
        s.rollback()
    assert task(engine, "NV03").state == "open"
    with Session(engine) as s:
        assert actions.last_undoable(s) is None


def test_unknown_and_withdrawn_tasks(engine) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DondocError) as err:
        actions.find_task(engine, "DM-CDS-2022", "NV99")
    assert err.value.key == "action.no_task"
    nv = tid(engine, "NV01")
    with engine.begin() as conn:
        conn.execute(text("update task set state = 'withdrawn' where id = :id"), {"id": nv})
    with pytest.raises(DondocError) as err:
        actions.mark_done(engine, nv, on=AS_OF)
    assert err.value.key == "action.withdrawn"
