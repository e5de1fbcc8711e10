"""`dondoc export xlsx` and `export ics`, read back with openpyxl and icalendar; and the
round trip DOCX -> catalog -> XLSX -> catalog."""

from __future__ import annotations

import datetime as dt
import shutil
import unicodedata
from collections import Counter
from pathlib import Path

import yaml

from tests.cli import SHIPPED_PLANS, dondoc
from tests.office_fixtures import CLEAN_ROWS, build_docx

AS_OF = "2022-07-01"
HEADERS = ["STT", "Mã nhiệm vụ", "Mục", "Nội dung nhiệm vụ", "Cơ quan chủ trì",
           "Cơ quan phối hợp", "Thời hạn (theo văn bản)", "Hạn thực tế", "Trạng thái",
           "Tiến độ (%)", "Số ngày quá hạn", "Sản phẩm"]


def _tasks(home: Path, *args: str) -> list[dict]:
    result = dondoc("tasks", "--as-of", AS_OF, "--json", *args, home=home)
    assert result.code == 0, result.err
    return result.json()


def test_workbook_sheets_say_what_the_catalog_says(seed_home: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "theo-doi.xlsx"
    result = dondoc("export", "xlsx", "--as-of", AS_OF, "-o", str(out), home=seed_home)
    assert result.code == 0, result.err
    wb = load_workbook(out)
    items = _tasks(seed_home)
    plans = sorted({i["plan"] for i in items})
    assert wb.sheetnames == ["Tổng hợp theo đơn vị", *plans]
    for name in wb.sheetnames:
        assert name == unicodedata.normalize("NFC", name)

    for plan in plans:
        ws = wb[plan]
        assert [c.value for c in ws[4]] == HEADERS
        assert ws.freeze_panes == "A5"
        assert ws.auto_filter.ref == f"A4:L{4 + sum(1 for i in items if i['plan'] == plan)}"
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.column_dimensions["D"].width == 60
        rows = {r[1]: r for r in ws.iter_rows(min_row=5, values_only=True)}
        expected = {i["task"]: i for i in items if i["plan"] == plan}
        assert set(rows) == set(expected)
        for code, item in expected.items():
            row = rows[code]
            assert row[3] == item["title"] and row[4] == item["lead"]
            due = row[7].date() if isinstance(row[7], dt.datetime) else row[7]
            assert (due.isoformat() if due else None) == item["effective_due"]
            assert (row[10] or 0) == item["days_overdue"]

    # An overdue task reads "Quá hạn" on a red cell; the done one "Hoàn thành" on green.
    overdue = next(i for i in items if i["status"] == "overdue")
    ws = wb[overdue["plan"]]
    r = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 2).value == overdue["task"])
    assert ws.cell(r, 9).value == "Quá hạn"
    assert ws.cell(r, 9).fill.fgColor.rgb.endswith("F8CBAD")
    done = next(i for i in items if i["status"] == "done")
    ws = wb[done["plan"]]
    r = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 2).value == done["task"])
    assert ws.cell(r, 9).value == "Hoàn thành"
    assert ws.cell(r, 9).fill.fgColor.rgb.endswith("C6EFCE")

    # The summary counts each lead unit's tasks by outcome, and adds up.
    summary = wb["Tổng hợp theo đơn vị"]
    assert [c.value for c in summary[4]][:3] == ["STT", "Đơn vị chủ trì", "Tổng số"]
    rows = {r[1]: r for r in summary.iter_rows(min_row=5, values_only=True)}
    leads = Counter(i["lead"] or "(chưa giao đơn vị chủ trì)" for i in items)
    late = Counter(i["lead"] for i in items if i["status"] == "overdue")
    for unit, (_, _, total, on_time, done_late, n_overdue, in_time) in rows.items():
        assert total == leads[unit] == on_time + done_late + n_overdue + in_time
        assert n_overdue == late[unit]
    assert sum(r[3] + r[4] for r in rows.values()) == 1  # the one done task


def test_unit_and_plan_filters(seed_home: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "stttt.xlsx"
    result = dondoc("export", "xlsx", "--as-of", AS_OF, "--plan", "HP-74-KH-UBND", "--unit",
                    "Sở TT&TT Hải Phòng", "-o", str(out), home=seed_home)
    assert result.code == 0, result.err
    wb = load_workbook(out)
    assert wb.sheetnames == ["Tổng hợp theo đơn vị", "HP-74-KH-UBND"]
    expected = _tasks(seed_home, "--plan", "HP-74-KH-UBND", "--unit", "HP-STTTT")
    assert wb["HP-74-KH-UBND"].max_row - 4 == len(expected) > 0
    bad = dondoc("export", "xlsx", "--plan", "KHONG-CO", "-o", str(tmp_path / "x.xlsx"),
                 home=seed_home)
    assert bad.code == 2 and not (tmp_path / "x.xlsx").exists()
    nowhere = dondoc("--lang", "en", "export", "ics", "-o", str(tmp_path / "no" / "x.ics"),
                     home=seed_home)
    assert nowhere.code == 2 and nowhere.err.strip().endswith("no such folder")


def test_calendar_events_alarms_and_stable_uids(seed_home: Path, tmp_path: Path) -> None:
    from icalendar import Calendar

    from dondoc.catalog.rules.workdays import default_calendar

    out = tmp_path / "a.ics"
    result = dondoc("export", "ics", "--unit", "HP-STTTT", "--as-of", AS_OF, "-o", str(out),
                    home=seed_home)
    assert result.code == 0, result.err
    cal = Calendar.from_ical(out.read_bytes())
    events = list(cal.walk("VEVENT"))
    open_items = [i for i in _tasks(seed_home, "--unit", "HP-STTTT")
                  if i["status"] != "done" and i["effective_due"]]
    assert len(events) == len(open_items) > 0
    by_summary = {str(e["SUMMARY"]).split(":")[0]: e for e in events}
    work = default_calendar()
    for item in open_items:
        ev = by_summary[f"[{item['plan']}] {item['task']}"]
        start = ev.decoded("DTSTART")
        assert start == dt.date.fromisoformat(item["effective_due"])  # all-day: a date
        assert not isinstance(start, dt.datetime)
        alarm = ev.subcomponents[0]
        trigger = alarm.decoded("TRIGGER")
        # 08:00 on the day ten working days before the due date (the default policy).
        fires = dt.datetime.combine(start, dt.time()) + trigger
        assert fires == dt.datetime.combine(work.add_working_days(start, -10), dt.time(8))
    assert cal["X-WR-TIMEZONE"] == "Asia/Ho_Chi_Minh"
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)

    # Another day, another export: the same tasks keep their UIDs, so a calendar updates.
    again = tmp_path / "b.ics"
    assert dondoc("export", "ics", "--unit", "HP-STTTT", "--as-of", "2022-08-01", "-o",
                  str(again), home=seed_home).code == 0
    later = {str(e["SUMMARY"]): str(e["UID"]) for e in Calendar.from_ical(again.read_bytes())
             .walk("VEVENT")}
    first = {str(e["SUMMARY"]): str(e["UID"]) for e in events}
    shared = set(first) & set(later)
    assert shared and all(first[s] == later[s] for s in shared)


def test_round_trip_docx_xlsx_docx(tmp_path: Path, home: Path) -> None:
    """DOCX -> catalog file -> database -> tracking XLSX -> catalog file: the same tasks."""
    docx = build_docx(tmp_path / "phu-luc.docx", CLEAN_ROWS)
    first_dir, second_dir, folder = tmp_path / "first", tmp_path / "second", tmp_path / "cat"
    args = ("--code", "HP-RT", "--issuer", "HP-UBND", "--title", "Kế hoạch thử")
    assert dondoc("catalog", "import", str(docx), *args, "--out", str(first_dir),
                  home=home).code == 0
    folder.mkdir()
    shutil.copy(first_dir / "HP-RT.yaml", folder)
    for registry in SHIPPED_PLANS.glob("units-*.yaml"):
        shutil.copy(registry, folder)
    assert dondoc("catalog", "load", str(folder), home=home).code == 0
    xlsx = tmp_path / "theo-doi.xlsx"
    assert dondoc("export", "xlsx", "--plan", "HP-RT", "-o", str(xlsx), home=home).code == 0
    again = dondoc("catalog", "import", str(xlsx), *args, "--out", str(second_dir), home=home)
    assert again.code == 0, again.err

    def tasks(path: Path) -> list[dict]:
        return yaml.safe_load(path.read_text(encoding="utf-8"))["tasks"]

    one, two = tasks(first_dir / "HP-RT.yaml"), tasks(second_dir / "HP-RT.yaml")
    assert len(one) == 4
    assert sorted(one, key=lambda t: t["code"]) == sorted(two, key=lambda t: t["code"])
