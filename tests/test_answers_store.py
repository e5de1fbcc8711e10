"""catalog/store/answers.py on SQLite and on PostgreSQL (the `db_url` fixture): a unit's
open shares, its progress report through the link, its done and extension requests, and
the coordinator's decisions, each checked in the database it wrote to."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from dondoc.catalog.i18n import DondocError
from dondoc.catalog.store import answers
from dondoc.catalog.store.engines import engine_for
from dondoc.catalog.store.models import (Assignment, AuditEntry, LinkRequest, ProgressReport,
                                         ResultFile, Task)
from tests.cli import FIXTURES, dondoc

AS_OF = dt.date(2022, 5, 10)
LEAD, OTHER = "DM-VHTT", "DM-TCKH"


@pytest.fixture
def engine(home: Path, db_url: str) -> Iterator[Engine]:
    got = dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home, db_url=db_url)
    assert got.code == 0, got.err
    engine = engine_for(db_url)
    yield engine
    engine.dispose()


def share(engine: Engine, code: str, unit: str) -> dict[str, Any]:
    with engine.connect() as conn:
        aid = conn.execute(select(Assignment.id).join(Task, Task.id == Assignment.task_id)
                           .where(Task.code == code, Assignment.unit_code == unit)).scalar_one()
    row = answers.assignment_of(engine, aid, unit)
    assert row is not None
    return row


def one(engine: Engine, query: Any) -> Any:
    with engine.connect() as conn:
        return conn.execute(query).one()


def test_open_shares_worst_first_and_only_the_units_own(engine: Engine) -> None:
    shares = answers.open_assignments(engine, LEAD, AS_OF)
    codes = [s.code for s in shares]
    # NV01 (April 2022) is overdue on 10/05: it comes first; every share is the unit's.
    assert codes[0] == "NV01" and shares[0].status == "overdue" and shares[0].days > 0
    assert {"NV01", "NV02", "NV04"} <= set(codes)
    assert {s.role for s in shares if s.code == "NV02"} == {"coordinator"}
    ranks = [answers._RANK[s.status] for s in shares]
    assert ranks == sorted(ranks)
    assert answers.unit_name(engine, LEAD) == "Phòng Văn hóa và Thông tin thành phố Đông Mai"
    # Another unit's id is answered as one that does not exist.
    assert answers.assignment_of(engine, shares[0].id, OTHER) is None
    assert answers.assignment_of(engine, 999_999, LEAD) is None


def test_progress_through_the_link_is_recorded_and_audited(engine: Engine) -> None:
    mine = share(engine, "NV01", LEAD)
    document = {"sha256": "ab" * 32, "name": "ket-qua.pdf", "media_type": "application/pdf",
                "size": 42}
    what = answers.answer_progress(engine, mine, progress=40, note="Đã ban hành kế hoạch",
                                   difficulties="Thiếu kinh phí", proposals=None,
                                   occurrence=None, client="198.51.100.4", document=document)
    assert (what["task"], what["progress"]) == ("DM-CDS-2022/NV01", 40)
    assert one(engine, select(Assignment.progress).where(Assignment.id == mine["id"]))[0] == 40
    report = one(engine, select(ProgressReport.id, ProgressReport.unit_code,
                                ProgressReport.note, ProgressReport.difficulties)
                 .where(ProgressReport.task_id == mine["task_id"]))
    assert tuple(report)[1:] == (LEAD, "Đã ban hành kế hoạch", "Thiếu kinh phí")
    stored = one(engine, select(ResultFile.name, ResultFile.sha256)
                 .where(ResultFile.progress_report_id == report.id))
    assert tuple(stored) == ("ket-qua.pdf", "ab" * 32)
    audit = one(engine, select(AuditEntry.actor, AuditEntry.action, AuditEntry.after)
                .where(AuditEntry.id == what["audit_id"]))
    assert (audit.actor, audit.action) == (LEAD, "task.progress")
    assert (audit.after["via"], audit.after["client"], audit.after["document"]) == (
        "link", "198.51.100.4", "ab" * 32)


def test_requests_wait_then_accept_and_refuse(engine: Engine) -> None:
    mine = share(engine, "NV01", LEAD)
    with pytest.raises(DondocError):
        answers.request(engine, mine, answers.REQUEST_EXTENSION, client=None,
                        new_due=dt.date(2022, 9, 30), reason="  ")  # a reason is needed
    with pytest.raises(DondocError):
        answers.request(engine, mine, answers.REQUEST_DONE, client=None)  # and a day
    done = answers.request(engine, mine, answers.REQUEST_DONE, client="198.51.100.4",
                           completed_on=dt.date(2022, 5, 6), reason="Đã ban hành")
    ext = answers.request(engine, mine, answers.REQUEST_EXTENSION, client="198.51.100.4",
                          new_due=dt.date(2022, 9, 30), reason="Chờ hướng dẫn")
    # Nothing changes until the coordinator decides.
    assert one(engine, select(Assignment.status).where(Assignment.id == mine["id"]))[0] == "open"
    pending = answers.pending_requests(engine)
    assert [(p["id"], p["kind"], p["unit"], p["task"]) for p in pending] == [
        (done["id"], "done", LEAD, "NV01"), (ext["id"], "extension", LEAD, "NV01")]
    assert pending[0]["completed_on"] == "2022-05-06" and pending[1]["new_due"] == "2022-09-30"
    assert [o.pending for o in answers.open_assignments(engine, LEAD, AS_OF)
            if o.id == mine["id"]] == [("done", "extension")]

    with pytest.raises(DondocError):
        answers.decide(engine, ext["id"], accept=False, reason=" ", actor="coord")
    refused = answers.decide(engine, ext["id"], accept=False, reason="Không thể dời hạn",
                             actor="coord")
    assert (refused["status"], refused["reason"]) == ("refused", "Không thể dời hạn")
    assert one(engine, select(Assignment.due_override)
               .where(Assignment.id == mine["id"]))[0] is None
    accepted = answers.decide(engine, done["id"], accept=True, actor="coord")
    assert accepted["status"] == "accepted"
    row = one(engine, select(Assignment.status, Assignment.completed_on)
              .where(Assignment.id == mine["id"]))
    assert tuple(row) == ("done", dt.date(2022, 5, 6))
    with pytest.raises(DondocError):
        answers.decide(engine, done["id"], accept=False, reason="x", actor="coord")
    with pytest.raises(DondocError):
        answers.decide(engine, 999_999, accept=True, actor="coord")
    assert answers.pending_requests(engine) == []
    with engine.connect() as conn:
        actions = [a for (a,) in conn.execute(select(AuditEntry.action)
                                              .where(AuditEntry.actor == "coord")
                                              .order_by(AuditEntry.id))]
    assert actions == ["request.refused", "task.done", "request.accepted"]
    # The unit's page shows both decisions, the refusal with its reason.
    decided = {d["status"]: d for d in answers.refused_or_accepted(engine, LEAD)}
    assert decided["refused"]["reason"] == "Không thể dời hạn" and "accepted" in decided
    assert answers.refused_or_accepted(engine, OTHER) == []


def test_an_accepted_extension_moves_only_that_units_due_date(engine: Engine) -> None:
    mine = share(engine, "NV02", OTHER)  # NV02's lead
    helper = share(engine, "NV02", LEAD)
    ext = answers.request(engine, mine, answers.REQUEST_EXTENSION, client=None,
                          new_due=dt.date(2022, 9, 30), reason="Chờ vốn")
    answers.decide(engine, ext["id"], accept=True, actor="coord")
    with engine.connect() as conn:
        dues = dict(conn.execute(select(Assignment.unit_code, Assignment.due_override)
                                 .where(Assignment.task_id == mine["task_id"])).all())
        after = conn.execute(select(AuditEntry.after)
                             .where(AuditEntry.action == "assignment.extension")).scalar_one()
    assert dues[OTHER] == dt.date(2022, 9, 30) and dues[helper["unit_code"]] is None
    assert after == {"unit": OTHER, "due_override": "2022-09-30", "request_id": ext["id"]}


def test_two_coordinators_deciding_at_once_decide_once(engine: Engine) -> None:
    mine = share(engine, "NV01", LEAD)
    req = answers.request(engine, mine, answers.REQUEST_DONE, client=None,
                          completed_on=dt.date(2022, 5, 6))
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(actor: str) -> None:
        start.wait()
        try:
            outcomes.append(answers.decide(engine, req["id"], accept=True, actor=actor)["status"])
        except DondocError:
            outcomes.append("refused by the store")

    threads = [threading.Thread(target=decide, args=(a,)) for a in ("coord-a", "coord-b")]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert sorted(outcomes) == ["accepted", "refused by the store"]
    with engine.connect() as conn:
        n = conn.execute(select(AuditEntry.id).where(AuditEntry.action == "request.accepted")
                         ).all()
        status = conn.execute(select(LinkRequest.status)
                              .where(LinkRequest.id == req["id"])).scalar_one()
    assert (len(n), status) == (1, "accepted")
