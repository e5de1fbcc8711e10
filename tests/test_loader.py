"""Loading the catalog into SQLite and PostgreSQL: idempotent, all or nothing, history kept."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.cli import FIXTURES, dondoc


def copy_fixture(tmp_path: Path) -> Path:
    src = tmp_path / "catalog"
    shutil.copytree(FIXTURES / "catalog", src)
    return src


def edit(path: Path, old: str, new: str) -> None:
    body = path.read_text(encoding="utf-8")
    assert old in body
    path.write_text(body.replace(old, new, 1), encoding="utf-8")


def counts(db_url: str) -> dict[str, int]:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        out = {t: conn.execute(text(f'select count(*) from "{t}"')).scalar_one()
               for t in ("unit", "plan", "task", "taskunit", "target", "auditentry")}
    engine.dispose()
    return out


def test_load_twice_changes_nothing(db_url: str, home: Path) -> None:
    first = dondoc("catalog", "load", str(FIXTURES / "catalog"), "--json", home=home, db_url=db_url)
    assert first.code == 0, first.err
    assert first.json()["tasks"] == {"created": 8}
    assert first.json()["units"] == {"created": 8}
    before = counts(db_url)
    second = dondoc("catalog", "load", str(FIXTURES / "catalog"), "--json", home=home, db_url=db_url)
    assert second.code == 0
    assert second.json() == {"changed": False, "plans": {"unchanged": 1}, "targets": {"unchanged": 2},
                             "tasks": {"unchanged": 8}, "units": {"unchanged": 8}}
    assert counts(db_url) == before  # not even an audit entry


def test_withdrawn_task_keeps_its_history(db_url: str, home: Path, tmp_path: Path) -> None:
    src = copy_fixture(tmp_path)
    assert dondoc("catalog", "load", str(src), home=home, db_url=db_url).code == 0
    plan = src / "demo-plan.yaml"
    body = plan.read_text(encoding="utf-8")
    start = body.index("  - code: NV03")
    end = body.index("  - code: NV04")
    plan.write_text(body[:start] + body[end:], encoding="utf-8")
    result = dondoc("catalog", "load", str(src), "--json", home=home, db_url=db_url)
    assert result.json()["tasks"] == {"withdrawn": 1, "unchanged": 7}
    codes = {t["task"] for t in dondoc("tasks", "--json", home=home, db_url=db_url).json()}
    assert "NV03" not in codes and len(codes) == 7
    engine = create_engine(db_url)
    with engine.connect() as conn:
        state = conn.execute(text("select state from task where code = 'NV03'")).scalar_one()
        actions = [r[0] for r in conn.execute(text(
            "select action from auditentry where entity_key = 'DM-CDS-2022/NV03' order by id"))]
    engine.dispose()
    assert state == "withdrawn"  # still there, not deleted
    assert actions == ["create", "withdraw"]
    # Putting it back reinstates the same row.
    plan.write_text(body, encoding="utf-8")
    again = dondoc("catalog", "load", str(src), "--json", home=home, db_url=db_url).json()
    assert again["tasks"] == {"reinstated": 1, "updated": 1, "unchanged": 7}
    assert counts(db_url)["task"] == 8


def test_changed_deadline_updates_only_that_task(db_url: str, home: Path, tmp_path: Path) -> None:
    src = copy_fixture(tmp_path)
    assert dondoc("catalog", "load", str(src), home=home, db_url=db_url).code == 0
    edit(src / "demo-plan.yaml", "deadline: Quý II/2022", "deadline: Quý III/2022")
    result = dondoc("catalog", "load", str(src), "--json", home=home, db_url=db_url).json()
    assert result["tasks"] == {"updated": 1, "unchanged": 7}
    task = next(t for t in dondoc("tasks", "--json", home=home, db_url=db_url).json()
                if t["task"] == "NV02")
    assert (task["kind"], task["due"], task["effective_due"]) == ("quarter", "2022-09-30", "2022-09-30")


def test_unit_references_resolve_through_names_and_aliases(home: Path) -> None:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home).code == 0
    tasks = {t["task"]: t for t in dondoc("tasks", "--json", home=home).json()}
    # "Phòng VHTT" is an alias, "Phòng Tài chính - Kế hoạch" a name without the city.
    assert tasks["NV01"]["lead"] == "Phòng Văn hóa và Thông tin thành phố Đông Mai"
    assert tasks["NV02"]["lead"] == "Phòng Tài chính - Kế hoạch thành phố Đông Mai"
    assert tasks["NV01"]["coordinators"] == [
        "Phòng Tài chính - Kế hoạch thành phố Đông Mai", "Ủy ban nhân dân xã Tiên A",
        "Ủy ban nhân dân phường Đông B"]


def test_a_task_without_deadline_takes_the_plan_horizon(home: Path) -> None:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home).code == 0
    task = next(t for t in dondoc("tasks", "--json", home=home).json() if t["task"] == "NV05")
    assert task["deadline_text"] == "Năm 2022" and task["kind"] == "year"
    assert task["due"] == "2022-12-31"
    # 31/12/2022 is a Saturday and 2/1/2023 the New Year holiday in lieu.
    assert task["effective_due"] == "2023-01-03"


def test_a_single_plan_file_resolves_units_already_in_the_database(home: Path) -> None:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog" / "units.yaml"), home=home).code == 0
    result = dondoc("catalog", "load", str(FIXTURES / "catalog" / "demo-plan.yaml"), "--json",
                    home=home)
    assert result.code == 0, result.err
    assert result.json()["tasks"] == {"created": 8}
