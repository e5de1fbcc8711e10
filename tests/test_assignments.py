"""Assignments: joint leads, groups expanded to their members, assigning from the app.

Every test runs on SQLite and on PostgreSQL (the db_url fixture).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from dondoc.catalog.files.reader import read_catalog
from dondoc.catalog.i18n import DondocError
from dondoc.catalog.store.actions import undo_last
from dondoc.catalog.store.assignments import assign, lead_disagreements
from dondoc.catalog.store.engines import make_engine, migrate
from dondoc.catalog.store.loader import load_catalog, read_for_load
from tests.cli import FIXTURES

GROUP = """
  - code: DM-XP
    name: Các xã, phường thành phố Đông Mai
    kind: nhom
    province: Thử Nghiệm
    aliases: ["các xã, phường"]
    members: [UBND xã Tiên A, UBND phường Đông B]
  - code: DM-PHONG
    name: Các phòng, ban thành phố Đông Mai
    kind: nhom
    province: Thử Nghiệm
    members: [Phòng VHTT, Phòng TCKH]
  - code: DM-ALL
    name: Các cơ quan, đơn vị, địa phương thành phố Đông Mai
    kind: nhom
    province: Thử Nghiệm
    members: [DM-XP, DM-PHONG]
"""

PLAN = """plan:
  code: DM-GROUPS
  title: Kế hoạch thử nghiệm phân công theo nhóm
  issuer: UBND thành phố Đông Mai
  issued_on: 2025-01-10
  horizon: năm 2025
tasks:
  - code: JOINT
    title: Hai đơn vị đồng chủ trì
    lead: [Phòng VHTT, Phòng TCKH]
    deadline: 30/6/2025
  - code: ALL
    title: Mọi xã, phường cùng làm
    lead: "các xã, phường"
    coordinators: [DM-PHONG]
    deadline: 30/9/2025
  - code: NESTED
    title: Nhóm lồng nhóm
    lead: DM-ALL
    deadline: 31/12/2025
  - code: NOBODY
    title: Văn bản không giao cho ai
    deadline: 31/12/2025
"""


def catalog(tmp_path: Path) -> Path:
    src = tmp_path / "catalog"
    shutil.copytree(FIXTURES / "catalog", src)
    with (src / "units.yaml").open("a", encoding="utf-8") as f:
        f.write(GROUP)
    (src / "groups-plan.yaml").write_text(PLAN, encoding="utf-8")
    return src


def edit(path: Path, old: str, new: str) -> None:
    body = path.read_text(encoding="utf-8")
    assert old in body
    path.write_text(body.replace(old, new, 1), encoding="utf-8")


def load(engine: Engine, src: Path) -> dict[str, dict[str, int]]:
    cat = read_for_load(engine, src)
    assert not cat.errors, [e.render() for e in cat.errors]
    return load_catalog(engine, cat).as_json()


@pytest.fixture
def engine(db_url: str) -> Engine:
    eng = make_engine(db_url)
    migrate(eng)
    yield eng
    eng.dispose()


def rows(engine: Engine, task: str, plan: str = "DM-GROUPS") -> set[tuple]:
    """(unit, role, via_group, source, withdrawn) of a task's assignments."""
    with engine.connect() as conn:
        return {tuple(r) for r in conn.execute(text(
            "select a.unit_code, a.role, a.via_group, a.source, a.withdrawn from assignment a"
            " join task t on t.id = a.task_id where t.plan_code = :p and t.code = :c"),
            {"p": plan, "c": task})}


def live(engine: Engine, task: str, plan: str = "DM-GROUPS") -> set[tuple]:
    return {r[:4] for r in rows(engine, task, plan) if not r[4]}


def index(engine: Engine, task: str, plan: str = "DM-GROUPS") -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(text(
            "select tu.unit_code, tu.role from taskunit tu join task t on t.id = tu.task_id"
            " where t.plan_code = :p and t.code = :c"), {"p": plan, "c": task}).all())


def table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(text(f"select count(*) from {t}")).scalar_one()
                for t in ("unit", "task", "taskunit", "assignment", "auditentry")}


def scalar(engine: Engine, sql: str, **params: object) -> object:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def test_joint_leads_are_two_lead_assignments(engine: Engine, tmp_path: Path) -> None:
    load(engine, catalog(tmp_path))
    assert live(engine, "JOINT") == {("DM-VHTT", "lead", None, "catalog"),
                                     ("DM-TCKH", "lead", None, "catalog")}
    # Readers that know one lead still see the first; --unit finds the task by either.
    assert scalar(engine, "select lead_code from task where code = 'JOINT'") == "DM-VHTT"
    assert index(engine, "JOINT") == {"DM-VHTT": "lead", "DM-TCKH": "lead"}
    assert live(engine, "NOBODY") == set()


def test_a_group_stands_for_each_member(engine: Engine, tmp_path: Path) -> None:
    load(engine, catalog(tmp_path))
    assert live(engine, "ALL") == {
        ("DM-XA-A", "lead", "DM-XP", "catalog"), ("DM-PH-B", "lead", "DM-XP", "catalog"),
        ("DM-VHTT", "coordinator", "DM-PHONG", "catalog"),
        ("DM-TCKH", "coordinator", "DM-PHONG", "catalog")}
    # Nested groups reach the leaves; the group the task names is the one recorded.
    assert {(u, via) for u, _, via, _ in live(engine, "NESTED")} == {
        ("DM-XA-A", "DM-ALL"), ("DM-PH-B", "DM-ALL"),
        ("DM-VHTT", "DM-ALL"), ("DM-TCKH", "DM-ALL")}
    assert index(engine, "ALL")["DM-XP"] == "lead"
    assert index(engine, "ALL")["DM-XA-A"] == "lead"


def test_second_load_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    src = catalog(tmp_path)
    load(engine, src)
    before = table_counts(engine)
    assert load(engine, src) == {"plans": {"unchanged": 2}, "targets": {"unchanged": 2},
                                 "tasks": {"unchanged": 12}, "units": {"unchanged": 11}}
    assert table_counts(engine) == before


def test_registry_change_reaches_open_assignments(engine: Engine, tmp_path: Path) -> None:
    src = catalog(tmp_path)
    load(engine, src)
    # Tiên A reports progress on its share, then leaves the group; Đông B stays.
    with engine.begin() as conn:
        conn.execute(text("update assignment set progress = 40 where unit_code = 'DM-XA-A'"
                          " and task_id = (select id from task where code = 'ALL')"))
    edit(src / "units.yaml", "members: [UBND xã Tiên A, UBND phường Đông B]",
         "members: [UBND phường Đông B, TT-SKHCN]")
    summary = load(engine, src)
    assert summary["assignments"]["created"] == 2  # the new member on ALL and NESTED
    kept = [r for r in rows(engine, "ALL") if r[0] == "DM-XA-A"]
    assert kept == [("DM-XA-A", "lead", "DM-XP", "catalog", True)]  # withdrawn, not gone
    assert scalar(engine, "select progress from assignment where unit_code = 'DM-XA-A'"
                          " and task_id = (select id from task where code = 'ALL')") == 40
    assert ("TT-SKHCN", "lead", "DM-XP", "catalog") in live(engine, "ALL")
    assert "DM-XA-A" not in index(engine, "ALL")
    # The plan file did not change: the registry alone moved the work, audited per task.
    assert scalar(engine, "select count(*) from auditentry where entity = 'assignment'"
                          " and entity_key = 'DM-GROUPS/ALL'") == 1
    before = table_counts(engine)
    load(engine, src)
    assert table_counts(engine) == before
    # Back in the group: the same row comes back with its history.
    edit(src / "units.yaml", "members: [UBND phường Đông B, TT-SKHCN]",
         "members: [UBND phường Đông B, TT-SKHCN, UBND xã Tiên A]")
    load(engine, src)
    assert ("DM-XA-A", "lead", "DM-XP", "catalog") in live(engine, "ALL")
    assert scalar(engine, "select progress from assignment where unit_code = 'DM-XA-A'"
                          " and task_id = (select id from task where code = 'ALL')") == 40


def test_group_cycle_is_refused_with_file_and_line(tmp_path: Path) -> None:
    src = catalog(tmp_path)
    edit(src / "units.yaml", "members: [Phòng VHTT, Phòng TCKH]", "members: [Phòng VHTT, DM-ALL]")
    cat = read_catalog(src)
    lines = [e.render() for e in cat.errors]
    assert len(lines) == 1, lines
    body = (src / "units.yaml").read_text(encoding="utf-8").splitlines()
    where, _, message = lines[0].partition(": ")
    file, _, line = where.rpartition(":")
    assert file.endswith("units.yaml") and "members:" in body[int(line) - 1]
    assert "nhóm chứa lại chính nó" in message and "DM-ALL" in message and "DM-PHONG" in message


def test_members_only_on_a_group(tmp_path: Path) -> None:
    src = catalog(tmp_path)
    edit(src / "units.yaml", "    kind: nhom\n    province: Thử Nghiệm\n    members: [Phòng VHTT",
         "    kind: phong\n    province: Thử Nghiệm\n    members: [Phòng VHTT")
    lines = [e.render() for e in read_catalog(src).errors]
    assert len(lines) == 1 and "units.yaml:" in lines[0] and "«nhom»" in lines[0], lines


def test_assign_replaces_app_rows_and_undoes(engine: Engine, tmp_path: Path) -> None:
    load(engine, catalog(tmp_path))
    assign(engine, "DM-GROUPS", "NOBODY", ["Phòng VHTT"], ["các xã, phường"], note="giao bổ sung",
           actor="cv1")
    first = live(engine, "NOBODY")
    assert first == {("DM-VHTT", "lead", None, "app"),
                     ("DM-XA-A", "coordinator", "DM-XP", "app"),
                     ("DM-PH-B", "coordinator", "DM-XP", "app")}
    assert scalar(engine, "select lead_code from task where code = 'NOBODY'") == "DM-VHTT"
    assert index(engine, "NOBODY")["DM-VHTT"] == "lead"

    result = assign(engine, "DM-GROUPS", "NOBODY", ["Phòng TCKH"], [], actor="cv1")
    assert live(engine, "NOBODY") == {("DM-TCKH", "lead", None, "app")}
    assert [a["unit_code"] for a in result.before] == ["DM-VHTT", "DM-XA-A", "DM-PH-B"]
    assert [a["unit_code"] for a in result.after] == ["DM-TCKH"]
    audit = scalar(engine, "select count(*) from auditentry where action = 'task.assign'")
    assert audit == 2

    undo_last(engine, actor="cv1")
    assert live(engine, "NOBODY") == first
    assert scalar(engine, "select lead_code from task where code = 'NOBODY'") == "DM-VHTT"
    undo_last(engine, actor="cv1")
    assert live(engine, "NOBODY") == set()
    assert index(engine, "NOBODY") == {}
    assert scalar(engine, "select lead_code from task where code = 'NOBODY'") is None


def test_assign_refuses_what_it_cannot_do(engine: Engine, tmp_path: Path) -> None:
    load(engine, catalog(tmp_path))
    with pytest.raises(DondocError, match="Sở Không Có"):
        assign(engine, "DM-GROUPS", "NOBODY", ["Sở Không Có"], [])
    with pytest.raises(DondocError, match="đã có đơn vị chủ trì theo văn bản"):
        assign(engine, "DM-GROUPS", "JOINT", ["UBND xã Tiên A"], [])
    assert live(engine, "NOBODY") == set()
    # Coordinators may be added where the document names the lead.
    assign(engine, "DM-GROUPS", "JOINT", [], ["UBND xã Tiên A"])
    assert ("DM-XA-A", "coordinator", None, "app") in live(engine, "JOINT")
    with pytest.raises(DondocError):
        assign(engine, "DM-GROUPS", "JOINT", [], ["UBND xã Tiên A"])  # nothing would change


def test_app_assignments_survive_load_until_the_file_names_a_lead(
        engine: Engine, tmp_path: Path) -> None:
    src = catalog(tmp_path)
    load(engine, src)
    assign(engine, "DM-GROUPS", "NOBODY", ["Phòng VHTT"], ["UBND xã Tiên A"], actor="cv1")
    edit(src / "groups-plan.yaml", "title: Văn bản không giao cho ai",
         "title: Văn bản không giao cho ai (sửa tên)")
    load(engine, src)
    assert live(engine, "NOBODY") == {("DM-VHTT", "lead", None, "app"),
                                      ("DM-XA-A", "coordinator", None, "app")}
    assert scalar(engine, "select lead_code from task where code = 'NOBODY'") == "DM-VHTT"

    # The document is corrected and names a lead: validate warns at the lead's line ...
    edit(src / "groups-plan.yaml", "title: Văn bản không giao cho ai (sửa tên)\n",
         "title: Văn bản không giao cho ai (sửa tên)\n    lead: Phòng TCKH\n")
    cat = read_for_load(engine, src)
    warnings = [w.render() for w in lead_disagreements(engine, cat)]
    assert len(warnings) == 1
    line = next(i for i, s in enumerate((src / "groups-plan.yaml").read_text(
        encoding="utf-8").splitlines(), 1) if s.strip() == "lead: Phòng TCKH")
    assert warnings[0].startswith(f"{src / 'groups-plan.yaml'}:{line}: cảnh báo: trường «lead»")
    assert "DM-GROUPS/NOBODY" in warnings[0] and "DM-TCKH" in warnings[0]
    # ... and the load lets the file win, keeping the app's coordinator, with an audit entry.
    load(engine, src)
    assert live(engine, "NOBODY") == {("DM-TCKH", "lead", None, "catalog"),
                                      ("DM-XA-A", "coordinator", None, "app")}
    assert ("DM-VHTT", "lead", None, "app", True) in rows(engine, "NOBODY")
    assert scalar(engine, "select lead_code from task where code = 'NOBODY'") == "DM-TCKH"
    assert scalar(engine, "select count(*) from auditentry where action = 'override'"
                          " and entity_key = 'DM-GROUPS/NOBODY'") == 1
    assert lead_disagreements(engine, read_for_load(engine, src)) == []


def test_migration_0004_keeps_the_task_unit_links(db_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    from dondoc.catalog.store.sqlite_read import MIGRATIONS

    eng = create_engine(db_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
    with eng.begin() as conn:
        conn.execute(text("insert into unit (code, name) values ('A', 'Sở A'), ('B', 'Sở B')"))
        conn.execute(text("insert into plan (code, title) values ('P', 'Kế hoạch')"))
        conn.execute(text(
            "insert into task (id, plan_code, code, title, category, deadline_inferred,"
            " deadline_kind, state, progress, lead_code) values"
            " (1, 'P', 'T1', 'Một', 'task', false, 'fixed', 'done', 100, 'A'),"
            " (2, 'P', 'T2', 'Hai', 'task', false, 'fixed', 'open', 30, 'B')"))
        conn.execute(text("update task set completed_on = '2025-03-01' where id = 1"))
        conn.execute(text("insert into taskunit (task_id, unit_code, role) values"
                          " (1, 'A', 'lead'), (1, 'B', 'coordinator'), (2, 'B', 'lead')"))
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with eng.connect() as conn:
        got = {tuple(str(v) if v is not None else None for v in r) for r in conn.execute(text(
            "select task_id, unit_code, role, source, status, progress, completed_on, withdrawn"
            " from assignment"))}
        links = conn.execute(text("select count(*) from taskunit")).scalar_one()
    eng.dispose()
    false = "0" if db_url.startswith("sqlite") else "False"
    assert got == {("1", "A", "lead", "catalog", "done", "100", "2025-03-01", false),
                   ("1", "B", "coordinator", "catalog", "done", "100", "2025-03-01", false),
                   ("2", "B", "lead", "catalog", "open", "30", None, false)}
    assert links == 3  # the index behind --unit is still there for today's readers


def test_validate_prints_the_disagreement(db_url: str, home: Path, tmp_path: Path) -> None:
    from tests.cli import dondoc

    src = catalog(tmp_path)
    assert dondoc("catalog", "load", str(src), home=home, db_url=db_url).code == 0
    engine = make_engine(db_url)
    assign(engine, "DM-GROUPS", "NOBODY", ["Phòng VHTT"], [], actor="cv1")
    engine.dispose()
    edit(src / "groups-plan.yaml", "title: Văn bản không giao cho ai\n",
         "title: Văn bản không giao cho ai\n    lead: Phòng TCKH\n")
    result = dondoc("catalog", "validate", str(src), home=home, db_url=db_url)
    assert result.code == 0  # a warning, not an error: the load will let the file win
    warning = [ln for ln in result.err.splitlines() if "cảnh báo" in ln]
    assert len(warning) == 1 and "groups-plan.yaml:" in warning[0] and "DM-VHTT" in warning[0]


def test_seed_figures(seed_home: Path) -> None:
    """The seed catalog after the errata: unassigned is a state of its own, groups expanded."""
    from tests.seed_support import seed_figures

    assert seed_figures(seed_home) == {"tasks": 281, "unassigned": 153, "group_led": 33,
                                       "assignments": 1233}
