"""Every unit in the loop: the read side and the reports of assignments.

Each member of a group a task names has its own share (status, progress, due); the task is
done when every lead's share is, overdue while one is; a unit reports on its own share only.
Tests on the fixture catalog run on SQLite and on PostgreSQL (the db_url fixture).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from dondoc.catalog.settings import today
from dondoc.catalog.store.actions import undo_last
from tests.cli import dondoc
from tests.test_assignments import catalog

YEARLY = """  - code: YEARLY
    title: Báo cáo năm về chuyển đổi số
    category: report
    lead: [Phòng VHTT, Phòng TCKH]
    deadline: trước ngày 15/12 hằng năm
"""


TODAY = today().isoformat()


def load(tmp_path: Path, home: Path, db_url: str) -> None:
    src = catalog(tmp_path)
    with (src / "groups-plan.yaml").open("a", encoding="utf-8") as f:
        f.write(YEARLY)
    r = dondoc("catalog", "load", str(src), home=home, db_url=db_url)
    assert r.code == 0, r.err


def item(home: Path, db_url: str, code: str, as_of: str) -> dict[str, Any]:
    items = dondoc("tasks", "--plan", "DM-GROUPS", "--as-of", as_of, "--json", home=home,
                   db_url=db_url).json()
    return next(i for i in items if i["task"] == code)


def shares(found: dict[str, Any]) -> list[tuple[str, str, str, int]]:
    return [(a["unit"], a["role"], a["status"], a["progress"]) for a in found["assignments"]]


def test_a_group_is_tracked_member_by_member(tmp_path: Path, home: Path, db_url: str) -> None:
    load(tmp_path, home, db_url)
    every = item(home, db_url, "ALL", "2025-10-01")
    assert every["lead"] == "Các xã, phường thành phố Đông Mai"
    assert every["leads"] == ["Ủy ban nhân dân xã Tiên A", "Ủy ban nhân dân phường Đông B"]
    assert shares(every) == [("DM-XA-A", "lead", "overdue", 0), ("DM-PH-B", "lead", "overdue", 0),
                             ("DM-VHTT", "coordinator", "overdue", 0),
                             ("DM-TCKH", "coordinator", "overdue", 0)]
    # Tiên A finishes its share: the task stays overdue while Đông B's is.
    r = dondoc("report", "submit", "--task", "DM-GROUPS/ALL", "--unit", "DM-XA-A", "--done",
               "--json", home=home, db_url=db_url)
    assert r.code == 0, r.err
    assert r.json()["task_done"] is False
    # Done today (shares done after the as-of day were not done yet on it): read as of today.
    every = item(home, db_url, "ALL", TODAY)
    assert every["status"] == "overdue"
    assert shares(every)[:2] == [("DM-XA-A", "lead", "done", 100), ("DM-PH-B", "lead", "overdue", 0)]
    overdue = dondoc("overdue", "--plan", "DM-GROUPS", "--as-of", TODAY, "--json", home=home,
                     db_url=db_url).json()
    assert [i["task"] for i in overdue] == ["JOINT", "ALL", "YEARLY", "NESTED", "NOBODY"]
    # Per unit: --unit reads the unit's own assignments, those it holds through a group too.
    mine = dondoc("tasks", "--unit", "DM-PH-B", "--as-of", "2025-10-01", "--json", home=home,
                  db_url=db_url).json()
    assert {i["task"] for i in mine} >= {"ALL", "NESTED"}
    # Đông B done too: every lead's share is, so the task is done, on the later day.
    r = dondoc("report", "submit", "--task", "DM-GROUPS/ALL", "--unit", "Ủy ban nhân dân phường Đông B",
               "--done", "--json", home=home, db_url=db_url)
    assert r.code == 0 and r.json()["task_done"] is True
    assert item(home, db_url, "ALL", TODAY)["status"] == "done"


def test_a_unit_without_a_share_is_refused(tmp_path: Path, home: Path, db_url: str) -> None:
    load(tmp_path, home, db_url)
    r = dondoc("report", "submit", "--task", "DM-GROUPS/JOINT", "--unit", "DM-XA-A",
               "--progress", "50", home=home, db_url=db_url)
    assert r.code == 2
    assert r.err.splitlines() == ["đơn vị «DM-XA-A» không được giao nhiệm vụ DM-GROUPS/JOINT;"
                                  " các đơn vị được giao: DM-VHTT, DM-TCKH"]
    # Two leads and no --unit: which one is asked, nothing written.
    r = dondoc("report", "submit", "--task", "DM-GROUPS/JOINT", "--progress", "50",
               home=home, db_url=db_url, lang="en")
    assert r.code == 2 and r.err.strip() == (
        "task DM-GROUPS/JOINT has several lead units; choose --unit among: DM-VHTT, DM-TCKH")
    engine = create_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from progressreport")).scalar() == 0
    engine.dispose()
    # A lead's half-way report moves its share and the task's mean, and nothing else.
    r = dondoc("report", "submit", "--task", "DM-GROUPS/JOINT", "--unit", "DM-VHTT",
               "--progress", "50", "--json", home=home, db_url=db_url)
    assert r.code == 0 and r.json()["progress"] == 50
    joint = item(home, db_url, "JOINT", "2025-07-15")
    assert shares(joint) == [("DM-VHTT", "lead", "overdue", 50), ("DM-TCKH", "lead", "overdue", 0)]


def test_half_a_yearly_report_closes_nothing(tmp_path: Path, home: Path, db_url: str) -> None:
    load(tmp_path, home, db_url)
    # 15/12/2025 fell on a Monday; on 20/12 the yearly report is overdue for both leads.
    before = item(home, db_url, "YEARLY", "2025-12-20")
    assert before["status"] == "overdue" and before["due"] == "2025-12-15"
    r = dondoc("report", "submit", "--task", "DM-GROUPS/YEARLY", "--unit", "DM-VHTT",
               "--progress", "50", "--occurrence", "2025-12-15", "--json", home=home, db_url=db_url)
    assert r.code == 0, r.err
    half = item(home, db_url, "YEARLY", "2025-12-20")
    assert half["status"] == "overdue"
    assert shares(half) == [("DM-VHTT", "lead", "overdue", 50), ("DM-TCKH", "lead", "overdue", 0)]
    # --done closes this unit's occurrence only (the plan's last, its horizon being 2025):
    # the other lead still owes it, and the duty is not ended.
    r = dondoc("report", "submit", "--task", "DM-GROUPS/YEARLY", "--unit", "DM-VHTT", "--done",
               "--occurrence", "2025-12-15", "--json", home=home, db_url=db_url)
    assert r.code == 0 and r.json()["task_done"] is False
    closed = item(home, db_url, "YEARLY", "2025-12-20")
    assert closed["status"] == "overdue"
    assert [(a["unit"], a["status"], a["effective_due"]) for a in closed["assignments"]] == [
        ("DM-VHTT", "done", "2025-12-15"), ("DM-TCKH", "overdue", "2025-12-15")]
    r = dondoc("report", "submit", "--task", "DM-GROUPS/YEARLY", "--unit", "DM-TCKH", "--done",
               "--occurrence", "2025-12-15", home=home, db_url=db_url)
    assert r.code == 0
    after = item(home, db_url, "YEARLY", "2025-12-20")
    assert (after["status"], after["due"]) == ("done", "2025-12-15")
    engine = create_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("select state from task where code = 'YEARLY'")).scalar() == "open"
    engine.dispose()


def test_assign_from_the_command_line(tmp_path: Path, home: Path, db_url: str) -> None:
    load(tmp_path, home, db_url)
    nobody = dondoc("tasks", "--unassigned", "--as-of", "2025-07-01", "--json", home=home,
                    db_url=db_url).json()
    assert [i["task"] for i in nobody if i["plan"] == "DM-GROUPS"] == ["NOBODY"]
    assert nobody[-1]["assignments"] == [] if nobody[-1]["task"] == "NOBODY" else True
    r = dondoc("assign", "DM-GROUPS", "NOBODY", "--lead", "các xã, phường", "--coordinator",
               "DM-VHTT", "--note", "giao bổ sung", "--json", home=home, db_url=db_url)
    assert r.code == 0, r.err
    assert [(a["unit"], a["role"], a["via_group"]) for a in r.json()["assignments"]] == [
        ("DM-XA-A", "lead", "DM-XP"), ("DM-PH-B", "lead", "DM-XP"), ("DM-VHTT", "coordinator", None)]
    found = item(home, db_url, "NOBODY", "2025-07-01")
    assert found["leads"] == ["Ủy ban nhân dân xã Tiên A", "Ủy ban nhân dân phường Đông B"]
    after = dondoc("tasks", "--unassigned", "--plan", "DM-GROUPS", "--json", home=home,
                   db_url=db_url).json()
    assert after == []
    # Refusals: one line, exit 2, nothing changed.
    for args, line in ((("--lead", "Sở Không Có"), "không có đơn vị «Sở Không Có»"),
                       ((), "hãy nêu ít nhất một đơn vị (--lead hoặc --coordinator)")):
        r = dondoc("assign", "DM-GROUPS", "NOBODY", *args, home=home, db_url=db_url)
        assert (r.code, r.err.splitlines()) == (2, [line])
    r = dondoc("assign", "DM-GROUPS", "JOINT", "--lead", "DM-XA-A", home=home, db_url=db_url)
    assert r.code == 2 and len(r.err.splitlines()) == 1
    # Undone through the store's undo: the task is nobody's again.
    engine = create_engine(db_url)
    undo_last(engine)
    engine.dispose()
    again = dondoc("tasks", "--unassigned", "--plan", "DM-GROUPS", "--json", home=home,
                   db_url=db_url).json()
    assert [i["task"] for i in again] == ["NOBODY"]


def test_a_review_counts_each_lead_unit(tmp_path: Path, home: Path, db_url: str) -> None:
    from dondoc.catalog.store.engines import make_engine
    from dondoc.catalog.store.reviews import compute_review

    load(tmp_path, home, db_url)
    engine = make_engine(db_url)
    try:
        result = compute_review(engine, "DM-GROUPS", "2025Q4")
    finally:
        engine.dispose()
    units = {u["unit"]: (u["tasks"], u["overdue"]) for u in result.units}
    # The departments and communes of the groups, never the groups themselves.
    assert "Các xã, phường thành phố Đông Mai" not in units
    assert units["Ủy ban nhân dân xã Tiên A"] == (2, 2)  # ALL and NESTED
    # JOINT, NESTED and the yearly report of 15/12 (unanswered on 1/1/2026)
    assert units["Phòng Văn hóa và Thông tin thành phố Đông Mai"] == (3, 3)
