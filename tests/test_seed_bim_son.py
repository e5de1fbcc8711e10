"""The Bỉm Sơn seed plan: Kế hoạch hành động số 58-KH/TU ngày 30/12/2021 của Thị ủy Bỉm Sơn.

Every fact below can be checked against the source scan
/work/shared/seeds/002_819adea428029c36.txt.
"""

from __future__ import annotations

import unicodedata

import pytest
import yaml

from tests.cli import SHIPPED_PLANS, dondoc

PLAN = "BS-58-KH-TU"
PLAN_FILE = SHIPPED_PLANS / "bim-son-58-kh-tu.yaml"
UNITS_FILE = SHIPPED_PLANS / "units-thanh-hoa.yaml"

VP_UBND = "Văn phòng HĐND và UBND thị xã Bỉm Sơn"
VP_TU = "Văn phòng Thị ủy Bỉm Sơn"
PGD = "Phòng Giáo dục và Đào tạo thị xã Bỉm Sơn"
UBND_TX = "Ủy ban nhân dân thị xã Bỉm Sơn"


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


@pytest.fixture(scope="module")
def doc() -> dict:
    return yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def units_doc() -> dict:
    return yaml.safe_load(UNITS_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tasks(seed_home) -> dict[str, dict]:
    items = dondoc("tasks", "--plan", PLAN, "--as-of", "2023-03-01", "--json", home=seed_home).json()
    return {t["task"]: t for t in items}


def _targets(doc: dict) -> dict[str, dict]:
    return {t["code"]: t for t in doc["targets"]}


def _yaml_tasks(doc: dict) -> dict[str, dict]:
    return {t["code"]: t for t in doc["tasks"]}


# ---------------------------------------------------------------- the plan itself

def test_plan_header(seed_home):
    plans = {p["code"]: p for p in dondoc("plans", "--json", home=seed_home).json()}
    p = plans[PLAN]
    assert p["issuer"] == "Thị ủy Bỉm Sơn"
    assert p["issued_on"] == "2021-12-30"
    assert "06-NQ/TU" in p["title"] and "10/11/2021" in p["title"]
    assert p["tasks"] == 53
    assert p["targets"] == 20
    # 1,2 tỷ + 400 triệu + 1,7 tỷ + 865 triệu + 3 tỷ (the five appendix rows that survived)
    assert p["budget_vnd"] == 7_165_000_000


def test_plan_metadata(doc):
    plan = doc["plan"]
    assert plan["number"] == "58-KH/TU"
    assert plan["kind"] == "ke-hoach-hanh-dong"
    assert plan["horizon"] == "đến năm 2025"
    assert plan["coordinator"] == "BS-VPTU"
    assert plan["source"] == "002_819adea428029c36.txt"
    assert any("06-NQ/TU ngày 10/11/2021" in x for x in plan["implements"])
    notes = " ".join(plan["notes"])
    assert "bị cắt sau 5 dòng" in notes
    assert "mục V" in notes


def test_files_are_nfc():
    for path in (PLAN_FILE, UNITS_FILE):
        text = path.read_text(encoding="utf-8")
        assert _nfc(text) == text, path


def test_task_counts_by_category(doc):
    cats = [t.get("category", "task") for t in doc["tasks"]]
    assert cats.count("project") == 5
    assert cats.count("report") == 2
    assert cats.count("task") == 46
    assert len(doc["targets"]) == 20


# ---------------------------------------------------------------- appendix projects

def test_appendix_projects(doc):
    y = _yaml_tasks(doc)
    expected = {
        # code: (title, stage, deadline, budget_vnd, funding)
        "DA01": ("Xây dựng phòng họp không giấy tờ", "continuing", "2022", 1_200_000_000, "Thị xã"),
        "DA02": ("Thuê dịch vụ phần mềm phòng họp không giấy tờ", "continuing", "2022", 400_000_000,
                 "Thị xã"),
        "DA03": ("Đầu tư xây dựng Phòng học thông minh và tương tác đa phương tiện trong lĩnh vực giáo dục",
                 "new", "Giai đoạn 2022-2025", 1_700_000_000, "Ngân sách tỉnh, Thị xã"),
        "DA04": ("Phần mềm hỗ trợ giảng dạy", "new", "Giai đoạn 2021-2025", 865_000_000,
                 "Ngân sách tỉnh và Thị xã"),
        "DA05": ("Hệ thống phòng họp trực tuyến xã, phường", "new", "Giai đoạn 2021-2025", 3_000_000_000,
                 "Ngân sách tỉnh và Thị xã"),
    }
    for code, (title, stage, deadline, budget, funding) in expected.items():
        t = y[code]
        assert t["category"] == "project"
        assert t["title"] == title
        assert t["stage"] == stage
        assert t["deadline"] == deadline
        assert t["budget_vnd"] == budget
        assert t["funding"] == funding
    assert "B-Cabinet" in y["DA01"]["deliverable"]
    assert "Core i3" in y["DA03"]["deliverable"]


def test_appendix_leads_resolved(tasks):
    assert tasks["DA01"]["lead"] == VP_UBND
    assert tasks["DA01"]["coordinators"] == [VP_TU]
    # Row 2 writes «Văn phòng UBND thị xã»: the same office.
    assert tasks["DA02"]["lead"] == VP_UBND
    assert tasks["DA03"]["lead"] == PGD
    assert tasks["DA04"]["lead"] == PGD
    assert tasks["DA05"]["lead"] == VP_UBND


def test_appendix_deadlines(tasks):
    for code in ("DA01", "DA02"):
        assert tasks[code]["kind"] == "year"
        assert tasks[code]["due"] == "2022-12-31"
    assert tasks["DA03"]["kind"] == "period"
    assert tasks["DA03"]["deadline_text"] == "Giai đoạn 2022-2025"
    for code in ("DA03", "DA04", "DA05"):
        assert tasks[code]["due"] == "2025-12-31"
    assert tasks["DA04"]["deadline_text"] == "Giai đoạn 2021-2025"


# ---------------------------------------------------------------- tasks

def test_organisation_section(tasks):
    assert tasks["NV-VI.3"]["lead"] == "Ban Tuyên giáo Thị ủy Bỉm Sơn"
    assert tasks["NV-VI.4"]["lead"] == VP_TU
    assert tasks["BC-VI.4"]["lead"] == VP_TU
    assert "Ban Thường vụ Thị ủy" in tasks["BC-VI.4"]["title"]
    assert tasks["NV-VI.2.1"]["lead"] == UBND_TX
    assert "UBND các xã, phường thị xã Bỉm Sơn" in tasks["NV-VI.2.3"]["coordinators"]
    assert "Các phòng, ban chuyên môn thuộc UBND thị xã Bỉm Sơn" in tasks["NV-VI.2.3"]["coordinators"]
    assert tasks["BC-VI.2"]["kind"] == "recurring"
    assert tasks["BC-VI.2"]["deadline_text"] == "định kỳ hằng năm"


def test_named_units_in_tasks(tasks):
    assert tasks["NV-IV.1.4"]["lead"] == "Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội thị xã Bỉm Sơn"
    assert tasks["NV-IV.1.1"]["lead"] == "Các cấp ủy đảng, chính quyền thị xã Bỉm Sơn"
    assert tasks["NV-IV.6.2"]["coordinators"] == ["Sở Thông tin và Truyền thông tỉnh Thanh Hóa"]
    # The provincial departments receive a proposal: they are not partners.
    assert tasks["NV-IV.2.1"]["coordinators"] == []
    assert "OCOP" in tasks["NV-IV.2.3"]["title"]
    assert "Vnedu" in tasks["NV-IV.4.GD1"]["title"]


def test_undated_tasks_take_the_horizon(tasks, doc):
    undated = [t["code"] for t in doc["tasks"] if "deadline" not in t]
    assert len(undated) == 47
    for code in undated:
        assert tasks[code]["deadline_text"] == "đến năm 2025"
        assert tasks[code]["due"] == "2025-12-31"


def test_overdue_early_2023(seed_home):
    items = dondoc("overdue", "--as-of", "2023-03-01", "--plan", PLAN, "--json", home=seed_home).json()
    codes = {t["task"] for t in items}
    # The two 2022 appendix projects are late, and so is the yearly report for 2022.
    assert codes == {"DA01", "DA02", "BC-VI.2"}
    # Nothing with a 2025 horizon or a 2021-2025 / 2022-2025 period is overdue yet.
    assert not codes & {"DA03", "DA04", "DA05", "NV-VI.3", "NV-IV.1.1", "BC-VI.4"}


# ---------------------------------------------------------------- targets

def test_targets_chinh_quyen_so(doc):
    t = _targets(doc)
    assert t["CT-CQS-01"]["values"] == {2025: 100}
    assert t["CT-CQS-02"]["values"] == {2025: 100, 2030: 100}
    assert t["CT-CQS-03"]["values"] == {2025: 95, 2030: 98}
    assert t["CT-CQS-04"]["values"] == {2025: 95, 2030: 100}
    assert t["CT-CQS-05"]["values"] == {2025: 60, 2030: 100}
    assert t["CT-CQS-06"]["values"] == {2030: 80}
    assert all(t[c]["area"] == "chính quyền số" for c in t if c.startswith("CT-CQS"))


def test_targets_kinh_te_so(doc):
    t = _targets(doc)
    assert t["CT-KTS-01"]["values"] == {2025: 15, 2030: 25}
    assert t["CT-KTS-02"]["values"] == {2025: 8, 2030: 10}
    assert t["CT-KTS-03"]["values"] == {2025: "trên 50", 2030: "từ 100 trở lên"}
    assert t["CT-KTS-03"]["unit_of_measure"] == "doanh nghiệp"


def test_targets_xa_hoi_so_and_sectors(doc):
    t = _targets(doc)
    assert t["CT-TQ-01"]["values"] == {2025: "top 5"}
    assert t["CT-XHS-01"]["values"][2025] == 100
    assert t["CT-XHS-02"]["values"] == {2025: 65, 2030: 90}
    assert "IPv6" in t["CT-XHS-04"]["indicator"]
    assert t["CT-ATTT-01"]["values"] == {2025: 100}
    assert t["CT-YT-01"]["values"] == {2025: 100}
    assert t["CT-YT-02"]["values"] == {2025: 80}
    assert t["CT-GD-01"]["values"] == {2025: 80}
    assert t["CT-GD-02"]["values"] == {2025: 100}  # the scan prints «109%»


# ---------------------------------------------------------------- unit registry

def test_unit_registry(units_doc):
    units = {u["code"]: u for u in units_doc["units"]}
    assert len(units) == 42  # 19 named by the document, 23 members of its groups
    assert all(u["province"] == "Thanh Hóa" for u in units.values())
    assert all(c.startswith(("TH-", "BS-")) for c in units)
    assert units["BS-TU"]["name"] == "Thị ủy Bỉm Sơn"
    assert units["BS-TU"]["parent"] == "TH-TU"
    assert units["BS-UBND"]["parent"] == "TH-UBND"
    assert "Văn phòng UBND thị xã" in units["BS-VPHDNDUBND"]["aliases"]
    assert "Phòng Giáo dục" in units["BS-PGDDT"]["aliases"]
    assert units["BS-XAPHUONG"]["kind"] == "nhom"


def test_errata_assignments(seed_home):
    from tests.seed_support import assignments_of

    # VI.1: cấp ủy, chính quyền and MTTQ, đoàn thể lead together.
    held = assignments_of(seed_home, PLAN, "NV-VI.1")
    assert ("BS-MTTQ", "lead", "BS-MTTQ-DT") in held and ("BS-UBND", "lead", "BS-CUCQ") in held
    # Party-side tasks the document gives nobody are not UBND thị xã's: chưa giao.
    for code in ("NV-III.3.2", "NV-IV.3.1", "NV-IV.3.3", "NV-IV.3.4"):
        assert assignments_of(seed_home, PLAN, code) == set(), code
