"""The quarterly review's numbers for the small demo plan, counted by hand.

A quarter is judged as the review sees it on the day after the quarter ends: a task due on
30/6 and not finished is overdue in the 2022Q2 review. As of 1/7/2022 the demo plan stands:
  NV01 trong tháng 4/2022 (effective 4/5), NV02 Quý II/2022 (30/6),
  SK01 6 tháng đầu năm 2022 (30/6), BC01 hằng quý (first occurrence 30/6)  -> overdue
  NV03 31/12/2022, NV05 Năm 2022, NV06 Quý III/2022                        -> on time
  NV04 thường xuyên                                                          -> no deadline
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dondoc.catalog.store import actions
from dondoc.catalog.store.engines import engine_for
from dondoc.catalog.rules.periods import parse_quarter, quarter_bounds
from dondoc.catalog.store.reviews import compute_review, store_review
from dondoc.tasks.review_report import write_report
from tests.cli import FIXTURES, dondoc


@pytest.fixture
def engine(home: Path, db_url: str):  # type: ignore[no-untyped-def]
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home, db_url=db_url).code == 0
    return engine_for(db_url)


def test_quarter_arithmetic() -> None:
    assert parse_quarter("2025Q3") == (2025, 3)
    assert quarter_bounds(2025, 4) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert quarter_bounds(2024, 1) == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))


def test_review_numbers_for_a_small_plan(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    q2 = compute_review(engine, "DM-CDS-2022", "2022Q2")
    assert q2.totals == {"done": 0, "late": 0, "overdue": 4, "on_time": 3, "no_deadline": 1}
    assert sorted(t["task"] for t in q2.tasks if t["status"] == "overdue") == [
        "BC01", "NV01", "NV02", "SK01"]

    # NV02 finished on time, NV01 late (after its effective due of 4/5), a report for SK01.
    nv01 = actions.find_task(engine, "DM-CDS-2022", "NV01")
    nv02 = actions.find_task(engine, "DM-CDS-2022", "NV02")
    sk01 = actions.find_task(engine, "DM-CDS-2022", "SK01")
    actions.mark_done(engine, nv01, on=dt.date(2022, 5, 10))
    actions.mark_done(engine, nv02, on=dt.date(2022, 6, 15))
    actions.record_progress(engine, sk01, progress=40, note="Đang tổng hợp")

    q3 = compute_review(engine, "DM-CDS-2022", "2022Q3")
    # As of 30/9/2022: NV01 late, NV02 done, NV06 done on 20/9 (due 30/9) counts as done,
    # SK01 (30/6) and BC01's 30/9 occurrence overdue, NV03 and NV05 on time, NV04 no deadline.
    assert q3.totals == {"done": 2, "late": 1, "overdue": 2, "on_time": 2, "no_deadline": 1}
    by_unit = {u["unit"]: u for u in q3.units}
    vhtt = by_unit["Phòng Văn hóa và Thông tin thành phố Đông Mai"]
    assert (vhtt["tasks"], vhtt["late"], vhtt["overdue"], vhtt["done"]) == (5, 1, 2, 1)
    targets = {g["target"]: g for g in q3.targets}
    assert (targets["CT01"]["goal_year"], targets["CT01"]["goal"]) == (2022, 80)
    assert targets["CT01"]["actual"] is None

    md, xlsx = write_report(q3, tmp_path)
    text = md.read_text(encoding="utf-8")
    assert "# Sơ kết Quý III/2022: Kế hoạch Chuyển đổi số thành phố Đông Mai năm 2022" in text
    assert "| Hoàn thành trễ hạn | 1 |" in text and "| Quá hạn | 2 |" in text
    assert "| **Tổng** | **8** |" in text
    sheet = load_workbook(xlsx)["Tổng hợp"]
    values = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=3, max_row=7)}
    assert values == {"Hoàn thành đúng hạn": 2, "Hoàn thành trễ hạn": 1, "Quá hạn": 2,
                      "Đang thực hiện, trong hạn": 2, "Chưa có hạn": 1}

    store_review(engine, q3, md)
    store_review(engine, q3, md)  # storing again updates the same review
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("select period, status from review").all()
    assert [tuple(r) for r in rows] == [("2022Q3", "done")]


def test_periodic_report_windows_follow_decree_09() -> None:
    from dondoc.catalog.rules.periods import period_window, periods_closing

    assert period_window("2025-06")[:2] == (dt.date(2025, 5, 15), dt.date(2025, 6, 14))
    assert period_window("2025Q1")[:2] == (dt.date(2024, 12, 15), dt.date(2025, 3, 14))
    assert period_window("2025H2")[:2] == (dt.date(2025, 6, 15), dt.date(2025, 12, 14))
    assert period_window("2025") == (dt.date(2024, 12, 15), dt.date(2025, 12, 14),
                                     "Báo cáo định kỳ năm 2025")
    assert periods_closing(dt.date(2025, 12, 15)) == ["2025-12", "2025Q4", "2025H2", "2025"]
    assert periods_closing(dt.date(2025, 5, 15)) == ["2025-05"]
    assert periods_closing(dt.date(2025, 5, 16)) == []


def test_periodic_report_counts_reports_inside_its_window(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from dondoc.catalog.store.reviews import compute_periodic
    from dondoc.catalog.store.models import ProgressReport

    sk01 = actions.find_task(engine, "DM-CDS-2022", "SK01")
    with engine.begin() as conn:  # one report inside June's window (15/5-14/6), one after it
        for day in (dt.datetime(2022, 6, 1, 9, tzinfo=dt.timezone.utc),
                    dt.datetime(2022, 6, 20, 9, tzinfo=dt.timezone.utc)):
            conn.execute(ProgressReport.__table__.insert().values(
                task_id=sk01, progress=30, reported_at=day))
    june = compute_periodic(engine, "DM-CDS-2022", "2022-06")
    assert june.reports_received == 1
    assert june.heading == "Báo cáo định kỳ tháng 6/2022"
    # Judged on 15/6: only NV01 (effective due 4/5) is overdue.
    assert [t["task"] for t in june.tasks if t["status"] == "overdue"] == ["NV01"]
    md, _ = write_report(june, tmp_path, prefix="bao-cao")
    assert md.name == "bao-cao-DM-CDS-2022-2022-06.md"
    assert md.read_text(encoding="utf-8").startswith("# Báo cáo định kỳ tháng 6/2022: ")
