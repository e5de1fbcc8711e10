"""Combined reporting regimes ("6 tháng, hằng năm") stored with their labels: each occurrence
is asked for as its own report, with its own Decree 09/2019 data window.

Decree 09/2019/NĐ-CP, art. 12: the 6-month report's data run from 15 December of the
previous year to 14 June, the yearly report's from 15 December of the previous year to
14 December. So the June 2022 occurrence covers 15/12/2021-14/06/2022 and the December one
15/12/2021-14/12/2022 (not 15/06-14/12, which its rule's 6-month spacing would give)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sqlalchemy import create_engine, select

from dondoc.catalog.files.reader import content_hash
from dondoc.catalog.rules.deadline import labels_from_json
from dondoc.catalog.store.models import Task
from tests.cli import FIXTURES, dondoc

PLAN = """plan:
  code: DM-BC-2022
  title: Kế hoạch báo cáo chuyển đổi số năm 2022
  issuer: UBND thành phố Đông Mai
  issued_on: 2022-01-10
  horizon: Năm 2022
  coordinator: Phòng Văn hóa và Thông tin
tasks:
  - code: BC01
    title: Báo cáo kết quả thực hiện chuyển đổi số
    category: report
    lead: Phòng VHTT
    deadline: 6 tháng, hằng năm
  - code: BC02
    title: Báo cáo tình hình an toàn thông tin
    category: report
    lead: Phòng VHTT
    deadline: hằng quý
"""


def catalog(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "catalog" / "units.yaml", folder / "units.yaml")
    (folder / "plan.yaml").write_text(PLAN, encoding="utf-8")
    return folder


def stored_labels(db_url: str) -> dict[str, dict[int, str] | None]:
    task = Task.__table__
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(select(task.c.code, task.c.deadline_labels)).all()
    engine.dispose()
    return {code: labels_from_json(labels) for code, labels in rows}


def outbox_bodies(home: Path) -> dict[str, str]:
    records = (json.loads(p.read_text(encoding="utf-8")) for p in (home / "outbox").glob("*.json"))
    return {r["key"]: r["body"] for r in records}


def test_labels_load_once_and_window_each_report(db_url: str, home: Path, tmp_path: Path) -> None:
    src = catalog(tmp_path / "cat")
    first = dondoc("catalog", "load", str(src), "--json", home=home, db_url=db_url)
    assert first.code == 0, first.err
    assert first.json()["tasks"] == {"created": 2}
    assert stored_labels(db_url) == {"BC01": {6: "6 tháng", 12: "năm"}, "BC02": None}
    # loading the same files again writes nothing: the labels are part of the content hash
    second = dondoc("catalog", "load", str(src), "--json", home=home, db_url=db_url)
    assert second.json() == {"changed": False, "plans": {"unchanged": 1},
                             "tasks": {"unchanged": 2}, "units": {"unchanged": 8}}
    # 14 December 2022: the yearly report's cut-off day; June's report is still unanswered
    # One message per reminder shows each occurrence's own window (letters: the next test).
    r = dondoc("remind", "--as-of", "2022-12-14", "--backfill", "--json", home=home,
               db_url=db_url, env={"DONDOC_REMIND_LETTERS": "0"})
    assert r.code == 0, r.err
    bodies = outbox_bodies(home)

    def body(title: str, occurrence_and_rule: str) -> str:
        # ledger keys: task id:unit:occurrence:rule:channel
        return next(b for k, b in bodies.items()
                    if f":DM-VHTT:{occurrence_and_rule}" in k and title in b)

    june = body("chuyển đổi số", "2022-06-30:overdue-")
    december = body("chuyển đổi số", "2022-12-31:cutoff")
    assert "Kỳ thực hiện: báo cáo 6 tháng, kỳ có hạn ngày 30/06/2022" in june
    assert "từ ngày 15/12/2021 đến ngày 14/06/2022" in june
    assert "Kỳ thực hiện: báo cáo năm, kỳ có hạn ngày 31/12/2022" in december
    assert "từ ngày 15/12/2021 đến ngày 14/12/2022" in december
    # the plain quarterly report names no kind and keeps its quarter's window
    quarter = body("an toàn thông tin", "2022-12-31:cutoff")
    assert "báo cáo năm" not in quarter and "từ ngày 15/09/2022 đến ngày 14/12/2022" in quarter

def test_a_letter_names_each_report_kind(home: Path, tmp_path: Path) -> None:
    assert dondoc("catalog", "load", str(catalog(tmp_path / "cat")), home=home).code == 0
    r = dondoc("remind", "--as-of", "2022-12-14", "--backfill", "--json", home=home,
               env={"DONDOC_REMIND_LETTERS": "1"})
    assert r.code == 0, r.err
    letter = next(b for b in outbox_bodies(home).values() if "BC01" in b)
    lines = [ln.strip() for ln in letter.splitlines() if ln.strip().startswith("Thời hạn: 6 tháng")]
    # one task, two reports: June's overdue 6-month report and December's yearly one
    assert len(lines) == 2
    assert any("báo cáo 6 tháng, hạn ngày" in ln for ln in lines)
    assert any("báo cáo năm, hạn ngày" in ln for ln in lines)


def test_an_unlabelled_task_keeps_the_hash_it_had() -> None:
    # Databases loaded before labels existed: their tasks must not all look changed.
    row = {"code": "NV01", "deadline_text": "hằng quý", "rrule": "FREQ=YEARLY"}
    assert content_hash({**row, "deadline_labels": None}) == content_hash(row)
    assert content_hash({**row, "deadline_labels": {"12": "năm"}}) != content_hash(row)
