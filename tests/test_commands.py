"""The command-line contracts of DESIGN.md, answered by the real `dondoc` command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import FIXTURES, ROOT, dondoc

ITEM_KEYS = {"plan", "task", "section", "title", "kind", "lead", "leads", "coordinators", "deadline_text",
             "due", "effective_due", "status", "days_overdue",
             "assignments"}


@pytest.fixture
def demo(home: Path) -> Path:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home).code == 0
    return home


def test_deadline_parse_one_phrase(home: Path) -> None:
    r = dondoc("deadline", "parse", "Quý IV/2022", "--json", home=home)
    assert r.code == 0
    assert r.json() == {"text": "Quý IV/2022", "kind": "quarter", "start": "2022-10-01",
                        "due": "2022-12-31", "rrule": None, "until": None, "labels": None,
                        "understood": ["Quý IV/2022"], "occurrences": None}


def test_deadline_parse_between(home: Path) -> None:
    r = dondoc("deadline", "parse", "trước ngày 15/12 hằng năm", "--between", "2022-01-01",
               "2024-12-31", "--json", home=home)
    assert r.json() == {"text": "trước ngày 15/12 hằng năm", "kind": "recurring", "start": None,
                        "due": None, "rrule": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15",
                        "until": None, "labels": None,
                        "understood": ["ngày 15/12 hằng năm"],
                        "occurrences": ["2022-12-15", "2023-12-15", "2024-12-15"]}


def test_deadline_parse_names_each_report_of_a_combined_regime(home: Path) -> None:
    r = dondoc("deadline", "parse", "6 tháng, hằng năm", "--between", "2022-01-01",
               "2022-12-31", home=home)
    assert r.code == 0, r.err
    assert r.out.rstrip("\n").split("\t")[-1] == ("2022-06-30 (báo cáo 6 tháng),"
                                                   "2022-12-31 (báo cáo năm)")
    r = dondoc("deadline", "parse", "hằng quý, 6 tháng và năm", "hằng quý", home=home)
    combined, plain = r.out.rstrip("\n").split("\n")
    assert combined.split("\t")[-1] == ("tháng 3: báo cáo quý; tháng 6: báo cáo 6 tháng; "
                                        "tháng 9: báo cáo quý; tháng 12: báo cáo năm")
    assert plain.split("\t")[-1] == "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1"


def test_deadline_parse_several_and_a_failure(home: Path) -> None:
    r = dondoc("deadline", "parse", "tháng 4/2022", "quý V/2022", "thường xuyên", "--json",
               home=home)
    assert r.code == 2
    out = r.json()
    assert [o.get("kind") for o in out] == ["month", None, "ongoing"]
    assert out[1]["text"] == "quý V/2022" and "quý V không tồn tại" in out[1]["error"]
    assert len(r.err.strip().splitlines()) == 1


def test_deadline_parse_from_stdin(home: Path) -> None:
    r = dondoc("deadline", "parse", "-", "--json", home=home,
               stdin="Quý IV/2022\n\n6 tháng đầu năm 2023\nhằng tháng\n")
    assert r.code == 0
    assert [o["kind"] for o in r.json()] == ["quarter", "half", "recurring"]


def test_deadline_parse_single_failure_exits_2(home: Path) -> None:
    r = dondoc("deadline", "parse", "31/02/2022", "--json", home=home)
    assert r.code == 2 and r.out == ""
    assert "31/02/2022 không tồn tại" in r.err


def test_validate_shipped_catalog_by_default(home: Path) -> None:
    r = dondoc("catalog", "validate", home=home)
    assert r.code == 0, r.err


def test_plans_contract(demo: Path) -> None:
    assert dondoc("plans", "--json", home=demo).json() == [{
        "code": "DM-CDS-2022", "title": "Kế hoạch Chuyển đổi số thành phố Đông Mai năm 2022",
        "issuer": "Ủy ban nhân dân thành phố Đông Mai", "issued_on": "2022-03-15", "tasks": 8,
        "targets": 2, "budget_vnd": 1500000000}]


def test_overdue_as_of(demo: Path) -> None:
    items = dondoc("overdue", "--as-of", "2022-07-01", "--json", home=demo).json()
    assert all(set(i) == ITEM_KEYS for i in items)
    assert [(i["task"], i["days_overdue"]) for i in items] == [
        ("NV01", 58), ("BC01", 1), ("NV02", 1), ("SK01", 1)]
    nv01 = items[0]
    assert nv01 == {
        "plan": "DM-CDS-2022", "task": "NV01", "section": "II.1",
        "title": "Xây dựng kế hoạch chuyển đổi số của từng đơn vị", "kind": "month",
        "lead": "Phòng Văn hóa và Thông tin thành phố Đông Mai",
        "leads": ["Phòng Văn hóa và Thông tin thành phố Đông Mai"],
        "coordinators": ["Phòng Tài chính - Kế hoạch thành phố Đông Mai",
                         "Ủy ban nhân dân xã Tiên A", "Ủy ban nhân dân phường Đông B"],
        "deadline_text": "trong tháng 4/2022", "due": "2022-04-30",
        "effective_due": "2022-05-04", "status": "overdue", "days_overdue": 58,
        "assignments": [
            {"unit": "DM-VHTT", "unit_name": "Phòng Văn hóa và Thông tin thành phố Đông Mai",
             "role": "lead", "status": "overdue", "progress": 0, "completed_on": None,
             "effective_due": "2022-05-04"},
            *({"unit": code, "unit_name": name, "role": "coordinator", "status": "overdue",
               "progress": 0, "completed_on": None, "effective_due": "2022-05-04"}
              for code, name in (
                  ("DM-TCKH", "Phòng Tài chính - Kế hoạch thành phố Đông Mai"),
                  ("DM-XA-A", "Ủy ban nhân dân xã Tiên A"),
                  ("DM-PH-B", "Ủy ban nhân dân phường Đông B")))]}
    # The recurring report's overdue occurrence is the one of 30/6/2022.
    assert items[1]["due"] == "2022-06-30" and items[1]["kind"] == "recurring"
    count = dondoc("overdue", "--as-of", "2022-07-01", "--count", "--json", home=demo).json()
    assert count == {"count": 4, "as_of": "2022-07-01"}


def test_overdue_respects_the_effective_due_date(demo: Path) -> None:
    # NV01 is due 30/4/2022 (Saturday); with the 2-3 May holidays it ends on 4 May.
    on_the_day = dondoc("overdue", "--as-of", "2022-05-04", "--json", home=demo).json()
    assert "NV01" not in {i["task"] for i in on_the_day}
    after = dondoc("overdue", "--as-of", "2022-05-05", "--json", home=demo).json()
    assert "NV01" in {i["task"] for i in after}


def test_done_task_is_not_overdue_after_its_completion(demo: Path) -> None:
    late = dondoc("tasks", "--as-of", "2022-12-01", "--json", home=demo).json()
    assert next(t for t in late if t["task"] == "NV06")["status"] == "done"
    early = dondoc("tasks", "--as-of", "2022-09-01", "--json", home=demo).json()
    assert next(t for t in early if t["task"] == "NV06")["status"] == "not_due"


def test_statuses(demo: Path) -> None:
    items = {t["task"]: t["status"] for t in
             dondoc("tasks", "--as-of", "2022-04-20", "--json", home=demo).json()}
    # BC01 (hằng quý): the plan is issued on 15/3/2022, so the first quarterly report falls
    # on 30/6/2022, not on 31/3/2022, 16 days after signing.
    assert items == {"BC01": "not_due", "NV01": "due_soon", "NV02": "not_due", "SK01": "not_due",
                     "NV06": "not_due", "NV03": "not_due", "NV05": "not_due",
                     "NV04": "no_deadline"}


def test_unit_filter_takes_lead_and_coordinators(demo: Path) -> None:
    mine = dondoc("tasks", "--unit", "UBND xã Tiên A", "--json", home=demo).json()
    assert sorted(t["task"] for t in mine) == ["NV01", "NV03", "NV06"]
    bad = dondoc("tasks", "--unit", "Nơi Nào Đó", "--json", home=demo)
    assert bad.code == 2 and "không có đơn vị «Nơi Nào Đó»" in bad.err


def test_a_unit_name_shared_by_provinces_asks_which(seed_home: Path) -> None:
    vague = dondoc("tasks", "--unit", "Sở TT&TT", "--json", home=seed_home)
    assert vague.code == 2
    assert "«Sở TT&TT» trỏ tới nhiều đơn vị" in vague.err and "HP-STTTT" in vague.err
    exact = dondoc("tasks", "--unit", "Sở TT&TT Hải Phòng", "--json", home=seed_home)
    assert exact.code == 0 and exact.json()


def test_unknown_plan_and_bad_date(demo: Path) -> None:
    r = dondoc("overdue", "--plan", "KHONG-CO", "--json", home=demo)
    assert r.code == 2 and "không có kế hoạch «KHONG-CO»" in r.err
    r = dondoc("overdue", "--as-of", "2022-02-31", home=demo, lang="en")
    assert r.code == 2 and r.err.strip() == "invalid date «2022-02-31» (use dd/mm/yyyy or yyyy-mm-dd)"


def test_empty_database_answers_empty(home: Path) -> None:
    assert dondoc("overdue", "--json", home=home).json() == []
    assert dondoc("plans", "--json", home=home).json() == []


@pytest.mark.parametrize("args", [["overdue", "--json"], ["overdue", "--count"],
                                  ["tasks", "--json"], ["plans", "--json"],
                                  ["deadline", "parse", "Quý IV/2022", "--json"],
                                  ["catalog", "validate"]])
def test_read_only_commands_import_no_prefect_textual_apprise(demo: Path, args: list[str]) -> None:
    probe = (
        "import sys\n"
        f"sys.argv = ['dondoc', *{args!r}]\n"
        "import dondoc.tui.cli\n"
        "try:\n    dondoc.tui.cli.main()\nexcept SystemExit:\n    pass\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'prefect', 'textual', 'apprise'})\n"
        "print('SQLALCHEMY', 'sqlalchemy' in sys.modules, file=sys.stderr)\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    env = {"DONDOC_HOME": str(demo), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)
    assert "HEAVY []" in proc.stderr, proc.stderr
    if args[0] in ("overdue", "tasks", "plans"):
        # On a current SQLite database the read path needs no SQLAlchemy (catalog/fastdb.py).
        assert "SQLALCHEMY False" in proc.stderr, proc.stderr


def test_as_of_reads_vietnamese_and_iso_dates_alike(demo: Path) -> None:
    iso = dondoc("overdue", "--as-of", "2023-03-01", "--json", home=demo)
    vietnamese = dondoc("overdue", "--as-of", "01/03/2023", "--json", home=demo)
    short = dondoc("overdue", "--as-of", "1/3/2023", "--json", home=demo)
    assert iso.code == vietnamese.code == short.code == 0
    assert iso.json() and iso.json() == vietnamese.json() == short.json()
