"""`dondoc catalog import`: real DOCX/XLSX appendices in, a catalog file out."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.cli import SHIPPED_PLANS, dondoc
from tests.office_fixtures import (CLEAN_ROWS, EXPECTED_CLEAN, PROBLEM_ROWS, build_docx,
                                   build_xlsx)

ISSUE = ("--issuer", "HP-UBND", "--title", "Kế hoạch chuyển đổi số năm 2022",
         "--issued-on", "2022-03-24")


def run_import(src: Path, out: Path, home: Path, *extra: str):  # type: ignore[no-untyped-def]
    return dondoc("catalog", "import", str(src), "--code", "HP-TEST", *ISSUE, "--out", str(out),
                  "--json", *extra, home=home)


def tasks_of(path: Path) -> dict[str, dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {t["code"]: t for t in data["tasks"]}


def assert_clean(tasks: dict[str, dict]) -> None:
    assert set(tasks) == set(EXPECTED_CLEAN)
    for code, (section, lead, coordinators, deadline) in EXPECTED_CLEAN.items():
        task = tasks[code]
        assert (task["section"], task["lead"], task.get("coordinators", []),
                task["deadline"]) == (section, lead, coordinators, deadline), code
    # Two-paragraph cell joined into one line.
    assert tasks["NV-1"]["title"] == ("Nâng cấp mạng truyền số liệu chuyên dùng kết nối các "
                                      "sở, ngành")
    assert tasks["NV-1"]["deliverable"] == "Mạng WAN được nâng cấp"


@pytest.mark.parametrize("kind", ["docx", "docx-split", "xlsx"])
def test_clean_appendix_resolves_and_validates(kind: str, tmp_path: Path, home: Path) -> None:
    src = tmp_path / f"phu-luc.{kind.split('-')[0]}"
    if kind == "xlsx":
        build_xlsx(src, CLEAN_ROWS)
    else:
        build_docx(src, CLEAN_ROWS, split_table_at=7 if kind == "docx-split" else None)
    out = tmp_path / "out"
    result = run_import(src, out, home)
    assert result.code == 0, result.err
    report = result.json()
    assert report["tasks"] == 4
    assert report["unresolved_units"] == [] and report["unreadable_deadlines"] == []
    whys = sorted(s["why"] for s in report["skipped_rows"])
    assert "note" in whys and "header" in whys and "column_numbers" in whys
    written = out / "HP-TEST.yaml"
    assert_clean(tasks_of(written))
    assert "# CẦN XEM:" not in written.read_text(encoding="utf-8")

    # The real validate, over the written file and the shipped registries.
    folder = tmp_path / "catalog"
    folder.mkdir()
    shutil.copy(written, folder)
    for registry in SHIPPED_PLANS.glob("units-*.yaml"):
        shutil.copy(registry, folder)
    check = dondoc("catalog", "validate", str(folder), "--json", home=home)
    assert check.code == 0, check.err
    assert check.json()["tasks"] == 4


def test_problems_are_marked_and_exit_3(tmp_path: Path, home: Path) -> None:
    src = build_docx(tmp_path / "p.docx", PROBLEM_ROWS)
    out = tmp_path / "out"
    result = run_import(src, out, home)
    assert result.code == 3, result.err
    report = result.json()
    assert [(u["task"], u["field"], u["text"]) for u in report["unresolved_units"]] == \
        [("NV-1", "lead", "Cảng vụ Hàng hải Hải Phòng")]
    assert [(d["task"], d["text"]) for d in report["unreadable_deadlines"]] == \
        [("NV-1", "khi nào có kinh phí")]
    text = (out / "HP-TEST.yaml").read_text(encoding="utf-8")
    lead_line = next(ln for ln in text.splitlines() if "Cảng vụ Hàng hải Hải Phòng" in ln)
    assert lead_line.strip().startswith("lead:") and "# CẦN XEM:" in lead_line
    deadline_line = next(ln for ln in text.splitlines() if "khi nào có kinh phí" in ln)
    assert deadline_line.strip().startswith("# deadline:") and "CẦN XEM" in deadline_line
    # A cell naming two lead units gives a list.
    assert tasks_of(out / "HP-TEST.yaml")["NV-3"]["lead"] == ["HP-STTTT", "HP-SNV"]
    # The scan-damaged quarter ("Quý lV") is still a deadline.
    assert tasks_of(out / "HP-TEST.yaml")["NV-2"]["deadline"] == "Quý lV/2022"
    assert "cần người xem" in result.err


def test_province_of_the_issuer_decides(tmp_path: Path, home: Path) -> None:
    """«Sở Thông tin và Truyền thông» exists in three provinces."""
    src = build_docx(tmp_path / "a.docx", CLEAN_ROWS)
    out = tmp_path / "out"
    kg = dondoc("catalog", "import", str(src), "--code", "KG-TEST", "--out", str(out),
                "--issuer", "UBND tỉnh Kiên Giang", "--json", home=home)
    assert kg.code == 0, kg.err
    assert tasks_of(out / "KG-TEST.yaml")["NV-2"]["lead"] == "KG-STTTT"
    no_issuer = dondoc("catalog", "import", str(src), "--code", "X-TEST", "--out", str(out),
                       "--json", home=home)
    assert no_issuer.code == 3
    ambiguous = [u for u in no_issuer.json()["unresolved_units"] if u["task"] == "NV-2"
                 and u["field"] == "lead"]
    assert ambiguous[0]["candidates"] == ["HP-STTTT", "KG-STTTT", "TH-STTTT"]


def _pdf(path: Path) -> None:
    path.write_bytes(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")


def _zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("notes.txt", "không phải Office")


def _no_task_column(path: Path) -> None:
    from docx import Document
    doc = Document()
    table = doc.add_table(rows=2, cols=3)
    for c, text in enumerate(["STT", "Cơ quan chủ trì", "Thời gian hoàn thành"]):
        table.cell(0, c).text = text
    for c, text in enumerate(["1", "Sở Nội vụ", "Quý IV/2022"]):
        table.cell(1, c).text = text
    doc.save(str(path))


@pytest.mark.parametrize("name,make,vi,en", [
    ("ke-hoach.docx", _pdf, "tệp PDF", "PDF"),
    ("bang.xlsx", _zip, "không phải tài liệu Word", "not a Word document"),
    ("phu-luc.docx", _no_task_column, "không có cột nội dung nhiệm vụ", "no task column"),
])
def test_unreadable_files_exit_2_and_write_nothing(name, make, vi, en, tmp_path: Path,
                                                   home: Path) -> None:
    src = tmp_path / name
    make(src)
    out = tmp_path / "out"
    for lang, needle in (("vi", vi), ("en", en)):
        result = dondoc("--lang", lang, "catalog", "import", str(src), "--code", "HP-X",
                        "--out", str(out), home=home)
        assert result.code == 2
        lines = result.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"{src}: ") and needle in lines[0], lines
    assert not out.exists()
