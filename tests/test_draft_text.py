"""`dondoc catalog draft`: a plan file from the OCR text of a scan (damaged diacritics)."""

from __future__ import annotations

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
