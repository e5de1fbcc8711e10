"""`dondoc report submit`: a unit's progress report, and a target's actual figure."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from tests.cli import FIXTURES, dondoc


def test_progress_report_answers_a_recurring_occurrence(home: Path, db_url: str) -> None:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home, db_url=db_url).code == 0
    before = dondoc("overdue", "--as-of", "2022-07-01", "--json", home=home, db_url=db_url).json()
    assert "BC01" in {i["task"] for i in before}  # the quarterly report of 30/6 is missing

    r = dondoc("report", "submit", "--task", "BC01", "--unit", "Phòng VHTT", "--note",
               "Báo cáo quý II", "--occurrence", "2022-06-30", "--json", home=home, db_url=db_url)
    assert r.code == 0, r.err
    assert r.json()["occurrence"] == "2022-06-30"
    after = dondoc("overdue", "--as-of", "2022-07-01", "--json", home=home, db_url=db_url).json()
    assert "BC01" not in {i["task"] for i in after}

    r = dondoc("report", "submit", "--task", "DM-CDS-2022/NV01", "--progress", "60",
               "--difficulties", "Thiếu nhân lực", "--extension-to", "2022-08-31", "--json",
               home=home, db_url=db_url)
    assert r.code == 0 and r.json()["progress"] == 60
    engine = create_engine(db_url)
    with engine.connect() as conn:
        row = conn.execute(text(
            "select r.progress, r.difficulties, r.extension_requested_to, r.unit_code, t.progress"
            " from progressreport r join task t on t.id = r.task_id where t.code = 'NV01'")).one()
        audit = conn.execute(text("select count(*) from auditentry where action = 'task.progress'")).scalar()
    engine.dispose()
    assert (row[0], row[1], str(row[2]), row[3], row[4]) == (
        60, "Thiếu nhân lực", "2022-08-31", "DM-VHTT", 60)
    assert audit == 2


def test_target_figure_and_bad_input(home: Path) -> None:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home).code == 0
    r = dondoc("report", "submit", "--target", "CT01", "--year", "2022", "--value", "85,5",
               "--json", home=home)
    assert r.code == 0 and r.json() == {"plan": "DM-CDS-2022", "target": "CT01", "year": 2022,
                                        "value": 85.5}
    missing = dondoc("report", "submit", "--target", "CT99", "--year", "2022", "--value", "1",
                     home=home)
    assert missing.code == 2 and missing.err.strip() == "không có chỉ tiêu «CT99»"
    both = dondoc("report", "submit", "--task", "NV01", "--target", "CT01", home=home, lang="en")
    assert both.code == 2 and both.err.strip() == "give exactly one of --task or --target"
    bad = dondoc("report", "submit", "--task", "NV01", "--progress", "150", home=home)
    assert bad.code == 2
