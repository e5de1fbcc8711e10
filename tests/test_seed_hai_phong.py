"""The Hải Phòng seed plans, checked against their source scans.

HP-74-KH-UBND: Kế hoạch số 74/KH-UBND ngày 24/3/2022 của UBND thành phố Hải Phòng,
Chuyển đổi số thành phố Hải Phòng năm 2022 (seeds/003_8440493076699264.txt).
HP-03-NQ-TU: Nghị quyết số 03-NQ/TU ngày 26/10/2021 của Ban Thường vụ Thành ủy về Chuyển
đổi số thành phố Hải Phòng đến năm 2025, định hướng đến năm 2030
(seeds/004_15f6ee404bd8efc4.txt).
Every number below can be found in those texts.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from tests.cli import SHIPPED_PLANS
from tests.seed_support import load_yaml, overdue_of, plan_row, targets_of, tasks_of

KH74 = "HP-74-KH-UBND"
NQ03 = "HP-03-NQ-TU"
KH74_FILE = SHIPPED_PLANS / "hai-phong-74-kh-ubnd.yaml"
NQ03_FILE = SHIPPED_PLANS / "hai-phong-03-nq-tu.yaml"
UNITS_FILE = SHIPPED_PLANS / "units-hai-phong.yaml"

UBND_HP = "Ủy ban nhân dân thành phố Hải Phòng"
STTTT = "Sở Thông tin và Truyền thông thành phố Hải Phòng"
SKHDT = "Sở Kế hoạch và Đầu tư thành phố Hải Phòng"
STC = "Sở Tài chính thành phố Hải Phòng"
SNV = "Sở Nội vụ thành phố Hải Phòng"
SBN_DP = "Các sở, ban, ngành, đơn vị liên quan, Ủy ban nhân dân các quận, huyện"
UBND_QH = "Ủy ban nhân dân các quận, huyện thành phố Hải Phòng"
BTV_TU = "Ban Thường vụ Thành ủy Hải Phòng"
BCSD = "Ban cán sự đảng Ủy ban nhân dân thành phố Hải Phòng"
DD_HDND = "Đảng đoàn Hội đồng nhân dân thành phố Hải Phòng"
BDV = "Ban Dân vận Thành ủy Hải Phòng"
BTG = "Ban Tuyên giáo Thành ủy Hải Phòng"
MTTQ = "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Hải Phòng"


_yaml, _targets, _plan = load_yaml, targets_of, plan_row
_tasks, _overdue = tasks_of, overdue_of


# ---------------------------------------------------------------------------- files


@pytest.mark.parametrize("path", [KH74_FILE, NQ03_FILE, UNITS_FILE])
def test_files_are_nfc(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text == unicodedata.normalize("NFC", text)


def test_units_all_in_hai_phong_with_unique_aliases() -> None:
    units = _yaml(UNITS_FILE)["units"]
    assert len(units) == 59  # 24 named by the documents, 35 members of their groups
    seen: set[str] = set()
    for unit in units:
        assert unit["code"].startswith("HP-")
        assert unit["province"] == "Hải Phòng"
        keys = {" ".join(unicodedata.normalize("NFC", name).casefold().split())
                for name in [unit["name"], *unit.get("aliases", [])]}
        assert not keys & seen, keys & seen
        seen |= keys
    codes = {u["code"] for u in units}
    for needed in ("HP-TU", "HP-BTVTU", "HP-UBND", "HP-HDND", "HP-BCSD-UBND", "HP-DD-HDND",
                   "HP-BTGTU", "HP-BDVTU", "HP-STTTT", "HP-SKHDT", "HP-STC", "HP-SNV",
                   "HP-SBN", "HP-UBND-QH", "HP-UBND-XP"):
        assert needed in codes


# ---------------------------------------------------------------------------- KH 74/KH-UBND


def test_kh74_plan_row(seed_home: Path) -> None:
    plan = _plan(seed_home, KH74)
    assert plan["title"] == "Kế hoạch Chuyển đổi số thành phố Hải Phòng năm 2022"
    assert plan["issuer"] == UBND_HP
    assert plan["issued_on"] == "2022-03-24"
    assert plan["tasks"] == 57  # with IV.1 and IV.3, the funding statements
    assert plan["targets"] == 15
    assert plan["budget_vnd"] == 0  # the plan names no amount


def test_kh74_header_facts() -> None:
    plan = _yaml(KH74_FILE)["plan"]
    assert plan["number"] == "74/KH-UBND"
    assert plan["horizon"] == "Năm 2022"
    assert plan["coordinator"] == "HP-STTTT"
    implements = " ".join(plan["implements"])
    assert "03-NQ/TU ngày 26/10/2021" in implements
    assert "284/QĐ-UBND ngày 24/01/2022" in implements


def test_kh74_own_plans_in_april_2022(seed_home: Path) -> None:
    t = _tasks(seed_home, KH74, "2022-04-01")["NV-V.5.a"]
    assert t["deadline_text"] == "trong tháng 4/2022"
    assert t["kind"] == "month"
    assert t["due"] == "2022-04-30"
    assert t["lead"] == SBN_DP
    assert "hoàn thành trong tháng 4/2022" in t["title"]


def test_kh74_investment_proposals_in_q2(seed_home: Path) -> None:
    t = _tasks(seed_home, KH74, "2022-04-01")["NV-V.5.b-DT"]
    assert t["deadline_text"] == "trong quý II/2022"
    assert t["kind"] == "quarter"
    assert t["due"] == "2022-06-30"
    assert "báo cáo đề xuất chủ trương đầu tư" in t["title"]


def test_kh74_monthly_quarterly_yearly_reports(seed_home: Path) -> None:
    tasks = _tasks(seed_home, KH74, "2022-04-01")
    reports = {c: t for c, t in tasks.items() if c.startswith("BC-III.11.a")}
    assert {t["deadline_text"] for t in reports.values()} == {"hằng tháng", "hằng quý", "hằng năm"}
    assert all(t["kind"] == "recurring" for t in reports.values())
    adhoc = tasks["BC-III.11.b"]
    assert adhoc["kind"] == "ongoing"
    assert STTTT in adhoc["coordinators"]


def test_kh74_responsibilities_of_the_so(seed_home: Path) -> None:
    tasks = _tasks(seed_home, KH74, "2022-04-01")
    assert tasks["NV-V.1.a"]["lead"] == STTTT
    assert tasks["NV-V.1.b"]["lead"] == STTTT
    assert "Ban Chỉ đạo Chuyển đổi số thành phố" in tasks["NV-V.1.b"]["title"]
    assert tasks["NV-V.2.a"]["lead"] == SKHDT
    assert STTTT in tasks["NV-V.2.a"]["coordinators"]
    assert "vốn đầu tư công" in tasks["NV-V.2.a"]["title"]
    assert tasks["NV-V.3"]["lead"] == STC
    assert "chi thường xuyên" in tasks["NV-V.3"]["title"]
    assert [tasks[c]["lead"] for c in ("NV-V.4.a", "NV-V.4.b", "NV-V.4.c")] == [SNV] * 3
    assert "73/2019/NĐ-CP ngày 05/9/2019" in tasks["NV-V.5.b"]["title"]
    assert tasks["NV-III.3.a"]["lead"] == UBND_QH
    assert tasks["NV-IV.2"]["lead"] == UBND_QH


def test_kh74_deadlines_from_the_text_and_inferred(seed_home: Path) -> None:
    tasks = _tasks(seed_home, KH74, "2022-04-01")
    ipv6 = tasks["NV-III.5.a-IPv6"]
    assert ipv6["kind"] == "period" and ipv6["due"] == "2025-12-31"
    assert tasks["NV-III.10.a"]["deadline_text"] == "thường xuyên"
    assert tasks["NV-III.10.b"]["kind"] == "ongoing"
    # No deadline in the document: the plan's year.
    for code in ("NV-III.2.d", "NV-III.5.dd", "NV-III.9.a", "NV-V.4.c"):
        assert tasks[code]["deadline_text"] == "Năm 2022"
        assert tasks[code]["due"] == "2022-12-31"
    assert "2021-2030, tầm nhìn đến năm 2050" in tasks["NV-III.2.g"]["title"]
    assert "(IOC)" in tasks["NV-III.5.dd"]["title"]
    assert "100% cán bộ, công chức" in tasks["NV-III.9.a"]["title"]


def test_kh74_targets() -> None:
    targets = _targets(KH74_FILE)
    assert len(targets) == 15
    assert targets["CT-CQS-01"]["values"] == {2022: 100}
    assert "mức độ 4" in targets["CT-CQS-01"]["indicator"]
    # 60% cơ quan thành phố, 50% cấp huyện, 30% cấp xã.
    assert targets["CT-CQS-03"]["values"] == {2022: 60}
    assert targets["CT-CQS-04"]["values"] == {2022: 50}
    assert targets["CT-CQS-05"]["values"] == {2022: 30}
    assert targets["CT-CQS-06"]["values"] == {2022: 70}
    assert targets["CT-KTS-01"]["values"] == {2022: 10}
    assert "GRDP" in targets["CT-KTS-01"]["unit_of_measure"]
    assert targets["CT-KTS-02"]["values"] == {2022: 9}
    assert targets["CT-KTS-03"]["values"] == {2022: 15}
    assert targets["CT-XHS-01"]["values"] == {2022: 80}
    assert targets["CT-XHS-04"]["values"] == {2022: 30}
    assert targets["CT-XHS-05"]["values"] == {2022: 20}
    assert {t["area"] for t in targets.values()} == {"chính quyền số", "kinh tế số", "xã hội số"}


def test_kh74_overdue_mid_july_2022(seed_home: Path) -> None:
    overdue = _overdue(seed_home, KH74, "2022-07-15")
    # One-off deadlines already passed: own plans (tháng 4) and investment proposals (quý II).
    one_off = {c for c, t in overdue.items() if t["kind"] != "recurring"}
    assert one_off == {"NV-V.5.a", "NV-V.5.b-DT"}
    assert overdue["NV-V.5.a"]["days_overdue"] > overdue["NV-V.5.b-DT"]["days_overdue"] > 0
    # The yearly report and everything due at the end of 2022 are not yet due.
    assert "BC-III.11.a-nam" not in overdue
    assert "NV-V.1.a" not in overdue
    assert "NV-III.10.a" not in overdue


def test_kh74_nothing_one_off_overdue_in_april(seed_home: Path) -> None:
    overdue = _overdue(seed_home, KH74, "2022-04-20")
    assert "NV-V.5.a" not in overdue
    assert "NV-V.5.b-DT" not in overdue
    assert all(t["kind"] == "recurring" for t in overdue.values())


# ---------------------------------------------------------------------------- NQ 03-NQ/TU


def test_nq03_plan_row(seed_home: Path) -> None:
    plan = _plan(seed_home, NQ03)
    assert plan["issuer"] == BTV_TU
    assert plan["issued_on"] == "2021-10-26"
    assert plan["tasks"] == 44
    assert plan["targets"] == 21
    assert plan["budget_vnd"] == 0
    assert "đến năm 2025" in plan["title"] and "định hướng đến năm 2030" in plan["title"]


def test_nq03_header_facts() -> None:
    plan = _yaml(NQ03_FILE)["plan"]
    assert plan["number"] == "03-NQ/TU"
    assert plan["kind"] == "nghi-quyet"
    assert plan["horizon"] == "đến năm 2025"
    implements = " ".join(plan["implements"])
    assert "52-NQ/TW ngày 27/9/2019" in implements
    assert "749/QĐ-TTg ngày 03/6/2020" in implements
    assert "942/QĐ-TTg ngày 15/6/2021" in implements


def test_nq03_organisation(seed_home: Path) -> None:
    tasks = _tasks(seed_home, NQ03, "2022-01-01")
    report = tasks["BC-V.3.c"]
    assert report["lead"] == BCSD
    assert report["kind"] == "recurring"
    assert report["deadline_text"] == "định kỳ hằng năm"
    assert "Ban Thường vụ Thành ủy" in report["title"]
    assert tasks["NV-V.3.a"]["lead"] == BCSD
    assert "Chương trình hành động" in tasks["NV-V.3.a"]["title"]
    assert tasks["NV-V.3.b"]["lead"] == BCSD
    assert [tasks[c]["lead"] for c in ("NV-V.2.a", "NV-V.2.b", "NV-V.2.c")] == [DD_HDND] * 3
    assert tasks["NV-V.2.c"]["deadline_text"] == "hằng năm"
    assert tasks["NV-V.4"]["lead"] == BDV
    assert MTTQ in tasks["NV-V.4"]["coordinators"]
    assert tasks["NV-V.5.a"]["lead"] == BTG
    assert tasks["NV-V.5.b"]["lead"] == BTG
    assert STTTT in tasks["NV-V.5.b"]["coordinators"]


def test_nq03_tasks_default_to_2025(seed_home: Path) -> None:
    tasks = _tasks(seed_home, NQ03, "2022-01-01")
    pilot = tasks["NV-IV.1.1.b"]
    assert pilot["lead"] == UBND_QH
    assert "một đơn vị cấp xã" in pilot["title"]
    for code in ("NV-IV.1.1.b", "NV-IV.1.3.b", "NV-IV.2.e", "NV-IV.4.c"):
        assert tasks[code]["deadline_text"] == "đến năm 2025"
        assert tasks[code]["due"] == "2025-12-31"
    assert "(IPv6)" in tasks["NV-IV.1.3.b"]["title"]
    assert "(SOC)" in tasks["NV-IV.2.e"]["title"]


def test_nq03_action_programme_done(seed_home: Path) -> None:
    # Quyết định số 284/QĐ-UBND ngày 24/01/2022 (cited by KH 74/KH-UBND).
    assert _tasks(seed_home, NQ03, "2022-06-01")["NV-V.3.a"]["status"] == "done"
    task = next(t for t in _yaml(NQ03_FILE)["tasks"] if t["code"] == "NV-V.3.a")
    assert str(task["completed_on"]) == "2022-01-24"
    assert "284/QĐ-UBND" in task["note"]


def test_nq03_targets() -> None:
    targets = _targets(NQ03_FILE)
    assert len(targets) == 21
    assert targets["CT-CQS-01"]["values"] == {2025: 100}
    # Hồ sơ công việc trên môi trường mạng: 90/80/60% (2025), 100/90/70% (2030).
    assert targets["CT-CQS-03"]["values"] == {2025: 90, 2030: 100}
    assert targets["CT-CQS-04"]["values"] == {2025: 80, 2030: 90}
    assert targets["CT-CQS-05"]["values"] == {2025: 60, 2030: 70}
    assert targets["CT-CQS-06"]["values"] == {2025: 100}
    assert targets["CT-CQS-09"]["values"] == {2025: 50, 2030: 70}
    assert targets["CT-CQS-11"]["values"] == {2030: 30}
    assert targets["CT-KTS-01"]["values"] == {2025: 25, 2030: 35}
    assert targets["CT-KTS-02"]["values"] == {2025: 15, 2030: 25}
    assert targets["CT-KTS-03"]["values"] == {2025: 15, 2030: 16}
    assert targets["CT-XHS-01"]["values"] == {2025: 90, 2030: 100}
    assert targets["CT-XHS-02"]["values"] == {2025: 100, 2030: 100}
    assert targets["CT-XHS-05"]["values"] == {2025: 50, 2030: 80}
    assert targets["CT-XHS-06"]["values"] == {2025: 40}


def test_nq03_overdue(seed_home: Path) -> None:
    # Mid-2023: only the yearly duties (report, budget) of 2022 can be late; the rest is due 2025.
    mid = _overdue(seed_home, NQ03, "2023-06-01")
    assert set(mid) <= {"BC-V.3.c", "NV-V.2.c"}
    assert "NV-IV.1.1.b" not in mid
    # January 2026: the 2025 horizon has passed; the programme issued in 2022 is not late.
    late = _overdue(seed_home, NQ03, "2026-01-15")
    assert "NV-IV.1.1.b" in late
    assert "BC-V.3.c" in late
    assert "NV-V.3.a" not in late
    assert len(late) == 43


# ---------------------------------------------------------------------------- assignments


def test_groups_list_their_members() -> None:
    units = {u["code"]: u for u in _yaml(UNITS_FILE)["units"]}
    assert len(units["HP-UBND-QH"]["members"]) == 15  # 7 quận, 8 huyện in 2021-2022
    assert "HP-STTTT" in units["HP-SBN"]["members"]
    assert units["HP-SBN-DP"]["members"] == ["HP-SBN", "HP-UBND-QH"]
    for code, unit in units.items():
        if unit.get("members"):
            assert unit["kind"] == "nhom", code
            assert "thành viên" in unit["note"].lower(), code  # where the list comes from


def test_a_department_holds_the_own_plan_duty_through_its_group(seed_home: Path) -> None:
    from tests.seed_support import assignments_of

    # 74/KH-UBND V.5.a: every sở, ngành and quận, huyện writes its own plan by April 2022.
    held = assignments_of(seed_home, KH74, "NV-V.5.a")
    assert ("HP-STTTT", "lead", "HP-SBN-DP") in held
    assert ("HP-H-BACHLONGVI", "lead", "HP-SBN-DP") in held
    assert len({u for u, role, _ in held if role == "lead"}) == 35


def test_errata_joint_leads_and_partners(seed_home: Path) -> None:
    from tests.seed_support import assignments_of

    # 74/KH III.1.a: "Các sở, ngành và UBND các quận, huyện, xã, phường, thị trấn" lead together.
    leads = _yaml(KH74_FILE)["tasks"]
    by_code = {t["code"]: t for t in leads}
    assert by_code["NV-III.1.a"]["lead"] == ["HP-SBN", "HP-UBND-QH", "HP-UBND-XP"]
    held = assignments_of(seed_home, KH74, "NV-III.1.a")
    assert ("HP-STTTT", "lead", "HP-SBN") in held and ("HP-Q-LECHAN", "lead", "HP-UBND-QH") in held
    assert ("HP-UBND-XP", "lead", None) in held  # no commune listed yet: the group itself
    assert {r for r in held if r[1] == "coordinator"} == set()
    # 74/KH V.1.a, V.1.b: Sở TT&TT works with "các cấp, các ngành", "các cơ quan liên quan".
    assert ("HP-SKHDT", "coordinator", "HP-SBN") in assignments_of(seed_home, KH74, "NV-V.1.a")
    assert ("HP-H-ANLAO", "coordinator", "HP-SBN-DP") in assignments_of(seed_home, KH74, "NV-V.1.b")
    # 03-NQ V.1: cấp ủy, chính quyền, MTTQ and the tổ chức chính trị - xã hội lead jointly.
    v1 = assignments_of(seed_home, NQ03, "NV-V.1")
    assert ("HP-MTTQ", "lead", None) in v1 and ("HP-THANHDOAN", "lead", "HP-TCCTXH") in v1
    # 03-NQ V.3.b: the departments and districts are directed, not partners.
    assert {r for r in assignments_of(seed_home, NQ03, "NV-V.3.b") if r[1] == "coordinator"} == set()
    # 03-NQ V.5.b: "phối hợp với Sở TT&TT và các cơ quan, đơn vị".
    v5b = assignments_of(seed_home, NQ03, "NV-V.5.b")
    assert ("HP-STTTT", "coordinator", None) in v5b and ("HP-SYT", "coordinator", "HP-SBN-DP") in v5b


def test_errata_texts_and_funding(seed_home: Path) -> None:
    nq = {t["code"]: t for t in _yaml(NQ03_FILE)["tasks"]}
    title = nq["NV-IV.1.7"]["title"]
    assert "Chuẩn bị nguồn nhân lực cho chuyển đổi số để phát triển xã hội số" in title
    assert "đào tạo nguồn nhân lực phục vụ quá trình chuyển đổi số của thành phố" in title
    assert not any("được ghi chú riêng" in n for n in _yaml(NQ03_FILE)["plan"]["notes"])
    tasks = _tasks(seed_home, KH74, "2022-06-30")
    assert tasks["NV-IV.1"]["lead"] is None and tasks["NV-IV.3"]["lead"] is None  # chưa giao
    kh = {t["code"]: t for t in _yaml(KH74_FILE)["tasks"]}
    assert kh["NV-IV.1"]["funding"] == "Ngân sách thành phố"
