"""The Hà Tiên (Kiên Giang) seed plans, checked against their source scans.

HT-CDS-2025: Kế hoạch Chuyển đổi số thành phố Hà Tiên đến năm 2025 và định hướng đến năm
2030, UBND thành phố Hà Tiên, ngày 18 tháng 7 (year doubtful, see the plan's notes)
(seeds/000_2d2086ccde46bbb4.txt).
HT-THIDUA-CDS: Kế hoạch tổ chức thực hiện phong trào thi đua “Kiên Giang thực hiện chương
trình Chuyển đổi số” giai đoạn 2022-2025, UBND thành phố Hà Tiên, header lost
(seeds/001_82bec14c783699e7.txt).
Every number below can be found in those texts.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from tests.cli import SHIPPED_PLANS
from tests.seed_support import load_yaml, overdue_of, plan_row, targets_of, tasks_of

CDS = "HT-CDS-2025"
THIDUA = "HT-THIDUA-CDS"
CDS_FILE = SHIPPED_PLANS / "ha-tien-cds-2025.yaml"
THIDUA_FILE = SHIPPED_PLANS / "ha-tien-thi-dua-cds.yaml"
UNITS_FILE = SHIPPED_PLANS / "units-kien-giang.yaml"

UBND_HT = "Ủy ban nhân dân thành phố Hà Tiên"
VHTT = "Phòng Văn hóa và Thông tin thành phố Hà Tiên"
VP = "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân thành phố Hà Tiên"
TCKH = "Phòng Tài chính - Kế hoạch thành phố Hà Tiên"
TTYT = "Trung tâm Y tế thành phố Hà Tiên"
NOIVU = "Phòng Nội vụ thành phố Hà Tiên"
BCD = "Ban Chỉ đạo Chuyển đổi số thành phố Hà Tiên"
CQBNDT = "Các cơ quan, ban ngành, đoàn thể thành phố Hà Tiên"
UBND_XP = "Ủy ban nhân dân các xã, phường thành phố Hà Tiên"
SBN_TINH = "Các sở, ban, ngành tỉnh Kiên Giang"
DVTD = "Các cơ quan, đơn vị, địa phương, doanh nghiệp, hợp tác xã trên địa bàn thành phố Hà Tiên"
HDTDKT = "Hội đồng Thi đua - Khen thưởng thành phố Hà Tiên"
BTDKT = "Ban Thi đua - Khen thưởng thành phố Hà Tiên"
MTTQ = "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Hà Tiên"
DNVT = "Các doanh nghiệp viễn thông và công nghệ thông tin trên địa bàn thành phố Hà Tiên"


_yaml, _targets, _plan = load_yaml, targets_of, plan_row


def _tasks(seed_home: Path, code: str, as_of: str = "2023-01-15") -> dict[str, dict]:
    return tasks_of(seed_home, code, as_of)


def _overdue(seed_home: Path, code: str, as_of: str) -> set[str]:
    return set(overdue_of(seed_home, code, as_of))


# ---------------------------------------------------------------------------- files


@pytest.mark.parametrize("path", [CDS_FILE, THIDUA_FILE, UNITS_FILE])
def test_files_are_nfc(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text == unicodedata.normalize("NFC", text)


def test_units_all_in_kien_giang_with_unique_aliases() -> None:
    units = _yaml(UNITS_FILE)["units"]
    assert len(units) == 49  # 27 named by the documents, 22 members of their groups
    seen: dict[str, str] = {}
    for unit in units:
        assert unit["province"] == "Kiên Giang"
        assert unit["code"].startswith(("KG-", "HT-"))
        for alias in unit.get("aliases", []):
            key = " ".join(unicodedata.normalize("NFC", alias).casefold().split())
            assert seen.setdefault(key, unit["code"]) == unit["code"], alias


def test_sttt_hands_over_to_skhcn() -> None:
    units = {u["code"]: u for u in _yaml(UNITS_FILE)["units"]}
    sttt = units["KG-STTTT"]
    assert str(sttt["valid_to"]) == "2025-02-28"
    assert sttt["successor"] == "KG-SKHCN"
    assert "Sở TT&TT" in sttt["aliases"]
    assert units["HT-UBND"]["parent"] == "KG-UBND"
    assert units["HT-UBND-XP"]["kind"] == "nhom"


# ---------------------------------------------------------------------------- HT-CDS-2025


def test_cds_plan_header(seed_home: Path) -> None:
    plan = _plan(seed_home, CDS)
    assert plan["issuer"] == UBND_HT
    assert plan["issued_on"] == "2022-07-18"
    assert plan["tasks"] == 99
    assert plan["targets"] == 18
    assert plan["budget_vnd"] == 0
    assert "Hà Tiên đến năm 2025 và định hướng đến năm 2030" in plan["title"]


def test_cds_notes_record_the_doubtful_year() -> None:
    data = _yaml(CDS_FILE)["plan"]
    assert any("30/6/2023" in n and "18 tháng 7 năm 2022" in n for n in data["notes"])
    assert any("22-NQ/TU ngày 08/6/2022" in d for d in data["implements"])
    assert any("74A-KH/TU ngày 30/6/2023" in d for d in data["implements"])


def test_cds_organisation_section(seed_home: Path) -> None:
    tasks = _tasks(seed_home, CDS)
    assert tasks["NV-IV.1"]["lead"] == BCD
    assert tasks["NV-IV.2.a"]["lead"] == VHTT
    assert tasks["NV-IV.3.b"]["lead"] == VP
    assert SBN_TINH in tasks["NV-IV.3.b"]["coordinators"]
    assert tasks["NV-IV.4"]["lead"] == TCKH
    for code in ("NV-IV.5.a", "NV-IV.5.b", "NV-IV.5.c", "NV-IV.5.d"):
        assert tasks[code]["lead"] == TTYT
    assert tasks["NV-IV.6.c"]["lead"] == CQBNDT  # the first of two joint leads
    assert tasks["NV-IV.6.c"]["coordinators"] == []
    assert sum(1 for t in tasks.values() if t["section"] == "IV.5") == 4


def test_cds_reports(seed_home: Path) -> None:
    tasks = _tasks(seed_home, CDS)
    yearly = tasks["BC-IV.2.c"]
    assert yearly["kind"] == "recurring"
    assert yearly["deadline_text"] == "định kỳ hằng năm"
    assert yearly["lead"] == VHTT
    adhoc = tasks["BC-IV.2.c.dx"]
    assert adhoc["kind"] == "ongoing"
    assert adhoc["deadline_text"] == "đột xuất"
    assert adhoc["status"] == "no_deadline"
    assert tasks["BC-IV.6.d"]["kind"] == "recurring"


def test_cds_deadlines_and_horizon(seed_home: Path) -> None:
    tasks = _tasks(seed_home, CDS)
    iot = tasks["NV-II.1.3.d"]  # "Đến năm 2025, xây dựng hạ tầng IoT ..."
    assert iot["deadline_text"] == "Đến năm 2025"
    assert iot["kind"] == "year"
    assert iot["due"] == "2025-12-31"
    # Section II names no deadline: the plan's horizon (its target year) applies.
    inferred = tasks["NV-II.1.1.c"]
    assert inferred["deadline_text"] == "Đến năm 2025"
    assert inferred["due"] == "2025-12-31"
    assert inferred["lead"] is None
    # Section II.6.1 (y tế) is led by the Trung tâm Y tế per section IV.5.
    assert tasks["NV-II.6.1.a"]["lead"] == TTYT
    assert "tối thiểu 20% nội dung chương trình" in tasks["NV-II.6.2.b"]["title"]
    assert "(IPv6)" in tasks["NV-II.1.3.b"]["title"]
    assert "Sở Thông tin và Truyền thông" in tasks["NV-II.2.j"]["title"]


def test_cds_targets() -> None:
    targets = _targets(CDS_FILE)
    assert len(targets) == 18
    assert targets["CT01"]["values"] == {2025: 100, 2030: 100}
    assert targets["CT02"]["values"] == {2025: 90, 2030: 100}  # hồ sơ cấp thành phố
    assert targets["CT03"]["values"] == {2025: 70, 2030: 70}  # hồ sơ cấp xã, phường
    assert targets["CT04"]["values"] == {2025: 100}
    assert targets["CT06"]["values"] == {2025: "nhóm khá"}
    assert targets["CT07"]["values"] == {2025: 85}
    assert targets["CT08"]["values"] == {2025: 90}
    assert targets["CT09"]["values"] == {2025: 60}
    assert targets["CT10"]["values"] == {2025: 80}  # cáp quang
    assert targets["CT11"]["values"] == {2025: 80}  # 4G
    assert targets["CT12"]["values"] == {2030: 100}  # 5G
    assert targets["CT14"]["values"] == {2025: "không rõ"}  # number lost in the scan
    assert targets["CT15"]["values"] == {2025: 80, 2030: 95}
    assert targets["CT16"]["values"] == {2025: 80}
    assert targets["CT17"]["values"] == {2025: 80}
    assert targets["CT18"]["values"] == {2025: 70}
    assert "4G" in targets["CT11"]["indicator"]


def test_cds_overdue_mid_2024(seed_home: Path) -> None:
    # By June 2024 only the 2023 yearly reports are late; every section II/IV task runs to 2025.
    assert _overdue(seed_home, CDS, "2024-06-01") == {"BC-IV.2.c", "BC-IV.6.d"}


def test_cds_overdue_after_horizon(seed_home: Path) -> None:
    tasks = _tasks(seed_home, CDS, "2026-02-01")
    overdue = _overdue(seed_home, CDS, "2026-02-01")
    assert overdue == set(tasks) - {"BC-IV.2.c.dx", "BC-IV.6.d.dx"}
    assert "NV-II.1.3.d" in overdue


# ---------------------------------------------------------------------------- HT-THIDUA-CDS


def test_thidua_plan_header(seed_home: Path) -> None:
    plan = _plan(seed_home, THIDUA)
    assert plan["issuer"] == UBND_HT
    assert plan["issued_on"] is None  # the header is lost in the scan
    assert plan["tasks"] == 28  # V.3.a-c, the award-file procedure, are tasks now
    # The scan: "... giai đoạn 2022-2025 của UBND thành phố Hà Tiên".
    assert plan["title"].endswith("giai đoạn 2022-2025 của UBND thành phố Hà Tiên")
    assert plan["targets"] == 29
    assert plan["budget_vnd"] == 0
    notes = _yaml(THIDUA_FILE)["plan"]["notes"]
    assert any("mất phần đầu" in n for n in notes)
    assert any("2021-2025" in n for n in notes)


def test_thidua_dated_tasks(seed_home: Path) -> None:
    tasks = _tasks(seed_home, THIDUA)
    plan_task = tasks["NV-IV.4.a"]
    assert plan_task["deadline_text"] == "trong quý IV năm 2022"
    assert plan_task["kind"] == "quarter"
    assert plan_task["due"] == "2022-12-31"
    assert plan_task["lead"] == VHTT
    assert plan_task["coordinators"] == [NOIVU]
    register = tasks["NV-IV.4.b"]
    assert register["deadline_text"] == "chậm nhất đến ngày 31 tháng 12 năm 2022"
    assert register["kind"] == "date"
    assert register["due"] == "2022-12-31"
    assert register["lead"] == DVTD
    assert register["coordinators"] == []  # the Hội đồng TĐKT only receives the registrations
    assert tasks["SK-IV.4.c"]["kind"] == "quarter"
    assert tasks["SK-IV.4.c"]["due"] == "2023-12-31"
    assert tasks["TK-IV.4.d"]["due"] == "2025-12-31"


def test_thidua_awards_and_reports(seed_home: Path) -> None:
    tasks = _tasks(seed_home, THIDUA)
    assert tasks["KT-IV.2.a"]["kind"] == "recurring"
    assert tasks["KT-IV.2.a"]["lead"] == NOIVU
    assert BTDKT in tasks["KT-IV.2.a"]["coordinators"]
    assert tasks["KT-IV.2.b"]["deadline_text"] == "năm 2023"
    assert "vượt trên 20% mục tiêu" in tasks["KT-IV.2.b"]["title"]
    assert tasks["KT-IV.2.c"]["due"] == "2025-12-31"
    assert tasks["BC-VI.1"]["kind"] == "recurring"
    assert tasks["BC-VI.1"]["coordinators"] == []  # Phòng VHTT is the channel, not a partner
    assert tasks["BC-VI.2"]["lead"] == NOIVU
    assert tasks["NV-VI.3"]["lead"] == MTTQ
    assert tasks["NV-VI.4"]["lead"] == DNVT
    assert tasks["NV-VI.5"]["kind"] == "ongoing"
    assert tasks["NV-VI.5"]["lead"] == VHTT
    # Nội dung thi đua has no deadline: the movement's period applies.
    assert tasks["NV-III.1"]["deadline_text"] == "Giai đoạn 2022-2025"
    assert tasks["NV-III.1"]["kind"] == "period"


def test_thidua_targets() -> None:
    targets = _targets(THIDUA_FILE)
    assert len(targets) == 29
    areas = [t["area"] for t in targets.values()]
    assert areas.count("chính quyền số") == 11
    assert areas.count("kinh tế số") == 8
    assert areas.count("xã hội số") == 10
    assert targets["CT-CQS-01"]["values"] == {2023: 90, 2025: 95}
    assert targets["CT-CQS-02"]["values"] == {2023: 50, 2025: 60}
    assert targets["CT-CQS-04"]["values"] == {2023: 10, 2025: 15}
    assert targets["CT-CQS-08"]["values"] == {2023: 90, 2025: 100}  # hồ sơ cấp huyện
    assert targets["CT-CQS-11"]["values"] == {2023: 80, 2025: 90}
    assert targets["CT-KTS-01"]["values"] == {2023: 10, 2025: 15}
    assert targets["CT-KTS-01"]["unit_of_measure"] == "% GRDP"
    assert targets["CT-KTS-04"]["values"] == {2023: 50, 2025: 70}
    assert targets["CT-KTS-08"]["values"] == {2023: 30, 2025: 40}
    assert targets["CT-XHS-01"]["values"] == {2023: 75, 2025: 80}
    assert targets["CT-XHS-02"]["values"] == {2023: 60, 2025: 70}
    assert targets["CT-XHS-04"]["values"] == {2023: 70, 2025: 90}
    assert targets["CT-XHS-07"]["values"] == {2023: 15, 2025: 20}
    assert targets["CT-XHS-09"]["values"] == {2023: 50, 2025: 60}


def test_thidua_overdue_early_2023(seed_home: Path) -> None:
    # 1/2/2023: the city's plan (quý IV/2022) and every unit's registration (31/12/2022) are
    # late, and so are the 2022 yearly duties; the sơ kết (quý IV/2023) is not due yet.
    assert _overdue(seed_home, THIDUA, "2023-02-01") == {
        "NV-IV.4.a", "NV-IV.4.b", "KT-IV.2.a", "BC-VI.1", "BC-VI.2"}


def test_thidua_overdue_early_2024(seed_home: Path) -> None:
    overdue = _overdue(seed_home, THIDUA, "2024-01-20")
    assert {"SK-IV.4.c", "KT-IV.2.b", "NV-IV.4.a", "NV-IV.4.b"} <= overdue
    assert "TK-IV.4.d" not in overdue
    assert "KT-IV.2.c" not in overdue
    assert "NV-III.1" not in overdue


# ---------------------------------------------------------------------------- assignments


def test_errata_joint_leads_and_partners(seed_home: Path) -> None:
    from tests.seed_support import assignments_of

    for code in ("NV-IV.6.a", "NV-IV.6.d", "BC-IV.6.d", "BC-IV.6.d.dx"):
        held = assignments_of(seed_home, CDS, code)
        assert ("HT-P-DONGHO", "lead", "HT-UBND-XP") in held, code
        assert ("HT-VHTT", "lead", "HT-CQBNDT") in held, code
        assert not [r for r in held if r[1] == "coordinator"], code
    # IV.3.c directs the telecom companies: nobody works alongside.
    assert assignments_of(seed_home, CDS, "NV-IV.3.c") == {("HT-VP", "lead", None)}
    thidua = {t["code"]: t for t in _yaml(THIDUA_FILE)["tasks"]}
    assert thidua["NV-VI.3"]["lead"] == [
        "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố", "các đoàn thể chính trị - xã hội"]
    assert ("HT-HND", "lead", "HT-DTCTXH") in assignments_of(seed_home, THIDUA, "NV-VI.3")
    assert ("HT-X-TIENHAI", "coordinator", "HT-UBND-XP") in assignments_of(
        seed_home, THIDUA, "NV-VI.2.b")
    assert ("HT-TNMT", "coordinator", "HT-DVLQ") in assignments_of(seed_home, THIDUA, "NV-VI.5")


def test_errata_unassigned_and_award_procedure(seed_home: Path) -> None:
    from tests.seed_support import assignments_of

    tasks = _tasks(seed_home, THIDUA)
    for n in range(1, 9):  # section III names nobody: chưa giao
        assert tasks[f"NV-III.{n}"]["lead"] is None
        assert assignments_of(seed_home, THIDUA, f"NV-III.{n}") == set()
    assert tasks["NV-V.3.b"]["lead"] == NOIVU
    assert {u for u, role, _ in assignments_of(seed_home, THIDUA, "NV-V.3.c") if role == "lead"} \
        == {"HT-BTDKT", "HT-NV", "HT-VHTT"}
