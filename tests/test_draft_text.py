"""`dondoc catalog draft`: a plan file from the OCR text of a scan (damaged diacritics)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml

from tests.cli import SHIPPED_PLANS, dondoc

# As the scans read: "Số" as "S6", "III" as "111", "c)" as "¢)", a page number mid-item.
OCR = """UY BAN NHAN DAN
THANH PHO HAI PHONG
S6:12 /KH-UBND        Hai Phong, ngay 15 thang 3 nam 2022
KE HOACH
Chuyén d6i s6 thanh ph6 Hai Phong nim 2022

Can cir Nghi quyét sé 03-NQ/TU ngay 26/10/2021 cua Ban Thuong vu Thanh uy;

I. MUC TIEU
1. Chi tieu
a) 80% ho so cong viec cap thanh pho duoc xu ly tren moi truong mang nam 2022.
111. NHIEM VU VA GIAI PHAP
1. Xay dung ha tang
a) Sở TT&TT chu tri, phoi hop voi Sở Tài chính nang cap mang WAN,
hoan thanh trong thang 4/2022.
b) So Noi vu chu tri to chuc tap huan ky nang so cho can bo, hoan thanh truoc ngay 30/6/2022.

3
¢) Bao cao ket qua thuc hien ke hoach hang quy.
IV. TO CHUC THUC HIEN
1. So Ke hoach va Dau tu
a) Tham muu bo tri von dau tu cho cac du an chuyen doi so, hoan thanh trong quy II/2022.
"""


def test_draft_finds_document_tasks_units_deadlines_targets(tmp_path: Path, home: Path) -> None:
    src = tmp_path / "scan.txt"
    src.write_text(OCR, encoding="utf-8")
    out = tmp_path / "out"
    result = dondoc("catalog", "draft", str(src), "--code", "HP-DRAFT", "--out", str(out),
                    "--json", home=home)
    assert result.code == 0, result.err
    assert result.json()["tasks"] == 4
    data = yaml.safe_load((out / "HP-DRAFT.yaml").read_text(encoding="utf-8"))
    plan = data["plan"]
    assert (plan["number"], plan["issuer"], str(plan["issued_on"]), plan["horizon"]) == \
        ("12/KH-UBND", "HP-UBND", "2022-03-15", "Năm 2022")
    tasks = {t["section"]: t for t in data["tasks"]}
    assert set(tasks) == {"III.1.a", "III.1.b", "III.1.c", "IV.1.a"}
    assert (tasks["III.1.a"]["lead"], tasks["III.1.a"]["coordinators"],
            tasks["III.1.a"]["deadline"]) == ("HP-STTTT", ["HP-STC"], "tháng 4/2022")
    assert "hoan thanh trong thang 4/2022" in tasks["III.1.a"]["title"]  # two lines joined
    assert (tasks["III.1.b"]["lead"], tasks["III.1.b"]["deadline"]) == \
        ("HP-SNV", "trước ngày 30/6/2022")
    assert (tasks["III.1.c"]["category"], tasks["III.1.c"]["deadline"]) == ("report", "hằng quý")
    # The unit is the heading the duties hang from.
    assert (tasks["IV.1.a"]["lead"], tasks["IV.1.a"]["deadline"]) == ("HP-SKHDT", "quý II/2022")
    assert [(t["section"], t["values"]) for t in data["targets"]] == [("I.1.a", {2022: 80})]

    folder = tmp_path / "catalog"
    folder.mkdir()
    shutil.copy(out / "HP-DRAFT.yaml", folder)
    for registry in SHIPPED_PLANS.glob("units-*.yaml"):
        shutil.copy(registry, folder)
    check = dondoc("catalog", "validate", str(folder), "--json", home=home)
    assert check.code == 0, check.err
    assert (check.json()["tasks"], check.json()["targets"]) == (4, 1)


def test_draft_marks_unknown_units_and_exits_3(tmp_path: Path, home: Path) -> None:
    src = tmp_path / "scan.txt"
    src.write_text(OCR.replace("b) So Noi vu chu tri", "b) UBND tinh Dong Mai chu tri"),
                   encoding="utf-8")
    result = dondoc("catalog", "draft", str(src), "--code", "HP-DRAFT", "--issuer", "HP-UBND",
                    "--out", str(tmp_path), "--json", home=home)
    # No unit is recognised in III.1.b, so it has no lead; the plan's issuer is known.
    assert result.code == 0, result.err
    data = yaml.safe_load((tmp_path / "HP-DRAFT.yaml").read_text(encoding="utf-8"))
    assert "lead" not in {t["section"]: t for t in data["tasks"]}["III.1.b"]
    unknown = dondoc("catalog", "draft", str(src), "--code", "HP-DRAFT2", "--issuer",
                     "UBND tỉnh Đông Mai", "--out", str(tmp_path), "--json", home=home)
    assert unknown.code == 3
    assert [u["field"] for u in unknown.json()["unresolved_units"]] == ["issuer"]
    assert "# CẦN XEM:" in (tmp_path / "HP-DRAFT2.yaml").read_text(encoding="utf-8")


def test_draft_refuses_what_is_not_a_plan_text(tmp_path: Path, home: Path) -> None:
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"%PDF-1.7\n\xff\xfe\x00binary")
    no_items = tmp_path / "letter.txt"
    no_items.write_text("Kính gửi các sở, ngành.\nĐề nghị báo cáo.\n", encoding="utf-8")
    out = tmp_path / "out"
    for src, vi, en in ((binary, "không phải tệp văn bản UTF-8", "not a UTF-8 text file"),
                        (no_items, "không tìm thấy mục", "no numbered section")):
        for lang, needle in (("vi", vi), ("en", en)):
            result = dondoc("--lang", lang, "catalog", "draft", str(src), "--code", "X",
                            "--out", str(out), home=home)
            assert result.code == 2
            lines = result.err.strip().splitlines()
            assert len(lines) == 1 and needle in lines[0], lines
    assert not out.exists()


# ------------------------------------------------------------------ the document's structure

REGISTRY = None


def _registry():  # type: ignore[no-untyped-def]
    global REGISTRY
    if REGISTRY is None:
        from dondoc.catalog.files.draft import load_registry

        REGISTRY = load_registry(SHIPPED_PLANS)
    return REGISTRY


def _draft(text: str, **kw):  # type: ignore[no-untyped-def]
    from dondoc.catalog.files.ocrdraft import draft_from_string

    return draft_from_string(text, "T-DRAFT", _registry(), **kw)


# Damage as in the Hà Tiên scans: the organisation heading unreadable ("rv.T6 cHrIc rHr/c
# HrpN") after a funding part, "2." read as "2,", specks before bullets, a dash glued to the
# rest of a broken word ("-1Ung"), the recipients read as "Noi nhQn".
DAMAGED = """I. MUC TIEU
1. Nang cao nhan thuc ve chuyen doi so.
II. NHIEM VU, GIAI PHAP
1. Xay dung ha tang so
- Nang cap mang noi bo cac co quan.

III.KINH PHI THUC HIEN
- Kinh phi tu ngan sach nha nuoc va cac nguon hop phap khac.

 rv.T6 cHrIc rHr/c HrpN
1. Phdng Vin h6a vir Th6ng tin thirnh ph5

. - Tham muu UBND thanh pho trien khai Ke hoach nay.

. -.Huong dan cac don vi cap nhat du lieu so.

2, Phdng NQi vu thdnh ph6 theo doi, don doc thuc hien phong trao; cac co quan xay
-1Ung ke hoach gui Phong Noi vu.

Noi nhQn:
- UBND tinh;
- Luu: VT.
"""


def test_a_damaged_organisation_heading_after_funding_still_assigns_work() -> None:
    plan = _draft(DAMAGED, issuer="HT-UBND")
    by_section: dict[str, list] = {}
    for task in plan.tasks:
        by_section.setdefault(task.section, []).append(task)
    # Funding assigns nothing; the unreadable part after it is the organisation.
    assert sorted(by_section) == ["II.1", "IV.1", "IV.2"]
    assert [t.title for t in by_section["IV.1"]] == [
        "Tham muu UBND thanh pho trien khai Ke hoach nay.",
        "Huong dan cac don vi cap nhat du lieu so."]
    (second,) = by_section["IV.2"]
    # "-1Ung" goes on its sentence; the recipients are no bullets of item 2.
    assert second.title.endswith("cac co quan xay -1Ung ke hoach gui Phong Noi vu.")
    assert all("UBND tinh" not in t.title for t in plan.tasks)


def test_a_number_read_with_a_comma_only_when_it_is_the_next_one() -> None:
    from dondoc.catalog.files.ocrdraft import split_items

    items = split_items("I. NHIEM VU\n1. Lap ke hoach\nso luong la\n3, Tang cuong\n"
                        "2, Giao Phong Noi vu\n")
    assert [(i.section, i.head) for i in items] == [
        ("I", "NHIEM VU"), ("I.1", "Lap ke hoach"), ("I.2", "Giao Phong Noi vu")]
    assert items[1].lines == ["so luong la", "3, Tang cuong"]


def test_a_procedure_heading_assigns_work_inside_a_part_that_does_not() -> None:
    text = """I. MUC DICH, YEU CAU
1. Muc dich
Nang cao nhan thuc ve chuyen doi so.
II. THANH PHAN HO SO VA KINH PHI KHEN THUONG
1. Thanh phan ho so
a) Van ban de nghi khen thuong.
2. Trinh tu va thu tuc xet khen thuong
a) Phong Noi vu tong hop ho so, trinh UBND thanh pho.
"""
    plan = _draft(text, issuer="HT-UBND")
    assert [(t.section, t.lead[0].code if t.lead else None) for t in plan.tasks] == \
        [("II.2.a", "HT-NV")]


# ------------------------------------------------------------------ the header

BODY = "\nI. NHIEM VU\n1. Trien khai ke hoach.\n"


def test_header_behind_a_signature_stamp_names_the_standing_committee() -> None:
    # The stamp names the office that signed (Văn phòng Thành ủy), not the issuer; the
    # number sits below the stamp; the title names the body that resolved.
    text = ('"%, Van phong Thanh iy\n\\\\ vineroxs )28 1().2021 18:41:53\nWt +07:00\n'
            "THANH UY HAI PHONG PANG CONG SAN VIET NAM\n%\n"
            "S6 03-NQ/TU Hdi Phong, ngay 26 thang 10 nim 2021\nNGHI QUYET\n"
            "CUA BAN THUONG VU THANH UY\nvé Chuyén dbi s6 thanh phd Hai Phong\n" + BODY)
    plan = _draft(text)
    assert (plan.number, plan.issued_on, plan.issuer_code) == \
        ("03-NQ/TU", dt.date(2021, 10, 26), "HP-BTVTU")


def test_header_party_committee_read_badly_under_its_superior() -> None:
    text = ("DANG BO TfNH THANH HOA BANG CONG SAN VIT NAM\nTill U BIM SON\n"
            "* Bim So'n, ngày 30 tháng 12 nám 2021\nSo 58 -KHITU\nKE HOACH HANH BQNG\n"
            "Thirc hin Nghj quyts 06-NQ/TU\n" + BODY)
    plan = _draft(text)
    assert (plan.number, plan.issued_on, plan.issuer_code) == \
        ("58-KH/TU", dt.date(2021, 12, 30), "BS-TU")


def test_header_date_with_the_day_read_as_letters() -> None:
    # "ngày 18" read as "ngdylB": l is 1, B is 8.
    plan = _draft(" HdTiAn,ngdylB thdng 7 ndm2022\n\nKE HOACH\nChuy6n aal sii\n" + BODY)
    assert plan.issued_on == dt.date(2022, 7, 18)
    assert plan.issuer_code is None  # no top-left block, no closing sentence: nobody guessed


def test_without_a_header_the_closing_sentence_names_the_issuer() -> None:
    text = (BODY + "\nTr6n dAy li K6 hoach t6 chric thUc hiQn phong triro thi dua cta UBND "
            "thenh\nph6 HA Ti6n, dO nghi c6c co quan, don vi, dfa phuong t6 chric thuc hien.\n")
    plan = _draft(text)
    assert (plan.number, plan.issued_on, plan.issuer_code) == (None, None, "HT-UBND")


# ------------------------------------------------------------------ leads from the organisation part

def test_the_unit_given_the_plans_tasks_leads_those_that_name_nobody() -> None:
    text = """I. NHIEM VU, GIAI PHAP
1. Huy dong cac nguon luc
Uu tien bo tri ngan sach dia phuong de dau tu ha tang so.
2. Ban Tuyen giao Thi uy chu tri tuyen truyen ve chuyen doi so.
II. TO CHUC THUC HIEN
1. U ban nhân dan Thi xã can cr mic tiëu, thim vi, giái pháp dugc giao
trong Ké hoach nay xây dirng k hoach trien khai.
2. Van phông Thj üy chü trI, theo dôi, don dôc thirc hin Ké hoach.
"""
    plan = _draft(text, issuer="BS-TU")
    leads = {t.section: [r.code for r in t.lead] for t in plan.tasks}
    # The plan's own task with nobody named goes to UBND thị xã; a task naming its unit
    # keeps it; "Thj üy" ("Thị ủy", ị read as j) is still found.
    assert leads == {"I.1": ["BS-UBND"], "I.2": ["BS-BTG"], "II.1": ["BS-UBND"],
                     "II.2": ["BS-VPTU"]}


def test_a_sector_unit_given_its_own_tasks_leads_nothing_else() -> None:
    text = """I. NHIEM VU, GIAI PHAP
1. Xay dung co so du lieu dat dai.
II. TO CHUC THUC HIEN
1. Trung tam Y te thanh pho chu tri trien khai cac nhiem vu, giai phap ve chuyen doi so
cua nganh y te.
"""
    plan = _draft(text, issuer="HT-UBND")
    assert {t.section: [r.code for r in t.lead] for t in plan.tasks} == \
        {"I.1": [], "II.1": ["HT-TTYT"]}


def test_a_quarter_read_with_a_y_for_its_v() -> None:
    from dondoc.catalog.files.ocrdraft import find_deadline
    from dondoc.catalog.rules import deadline as dl

    # "hoàn thành trong quý IV năm 2022" as the Hà Tiên scan reads it.
    assert find_deadline(dl.fold("hoan thdnh trong quj lY ndtrn2022.")) == "quý IV/2022"
    assert find_deadline(dl.fold("quy y nam 2022")) is None  # no numeral left: no quarter
