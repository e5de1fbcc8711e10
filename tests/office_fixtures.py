"""Appendices built the way offices write them: merged headers, section rows, headers
repeated on the next page, a unit written three ways, a deadline without diacritics."""

from __future__ import annotations

from pathlib import Path

HEADER_TOP = ["STT", "Nội dung nhiệm vụ", "Cơ quan thực hiện", "", "Thời gian hoàn thành",
              "Sản phẩm"]
HEADER_LOW = ["", "", "Chủ trì", "Phối hợp", "", ""]

# (STT, task, lead, coordinators, deadline, product); a 1-tuple is a row merged across.
CLEAN_ROWS: list[tuple[str, ...]] = [
    ("(1)", "(2)", "(3)", "(4)", "(5)", "(6)"),
    ("I. CHÍNH QUYỀN SỐ",),
    ("1", "Hạ tầng số", "", "", "", ""),
    ("1", "Nâng cấp mạng truyền số liệu chuyên dùng\nkết nối các sở, ngành",
     "Sở TT&TT", "Sở Tài chính\nSở KH&ĐT", "Quý IV/2022", "Mạng WAN được nâng cấp"),
    ("2", "Xây dựng kho dữ liệu dùng chung của thành phố",
     "Sở Thông tin và Truyền thông", "HP-STC", "truoc ngay 30/6/2022", "Kho dữ liệu"),
    ("", "", "", "", "", ""),
    ("REPEAT",),  # the header again, at the top of the next page
    ("2", "Dữ liệu số", "", "", "", ""),
    ("3", "Số hóa hồ sơ thủ tục hành chính", "HP-STTTT", "", "trong tháng 9/2022", ""),
    ("II. KINH TẾ SỐ",),
    ("4", "Hỗ trợ doanh nghiệp nhỏ và vừa chuyển đổi số", "Sở KH&ĐT",
     "Sở Tài chính; Sở TT&TT", "Năm 2022", "Báo cáo kết quả hỗ trợ"),
    ("Ghi chú: (*) các nhiệm vụ trọng tâm của năm 2022.",),
]

EXPECTED_CLEAN = {
    # code: (section, lead, coordinators, deadline)
    "NV-1": ("I.1", "HP-STTTT", ["HP-STC", "HP-SKHDT"], "Quý IV/2022"),
    "NV-2": ("I.1", "HP-STTTT", ["HP-STC"], "truoc ngay 30/6/2022"),
    "NV-3": ("I.2", "HP-STTTT", [], "trong tháng 9/2022"),
    "NV-4": ("II", "HP-SKHDT", ["HP-STC", "HP-STTTT"], "Năm 2022"),
}

PROBLEM_ROWS: list[tuple[str, ...]] = [
    ("I. CHÍNH QUYỀN SỐ",),
    ("1", "Triển khai nền tảng tích hợp dữ liệu", "Cảng vụ Hàng hải Hải Phòng",
     "Sở TT&TT", "khi nào có kinh phí", ""),
    ("2", "Tập huấn kỹ năng số cho cán bộ", "Sở Nội vụ", "", "Quý lV/2022", ""),
    ("3", "Rà soát quy trình nội bộ", "Sở TT&TT\nSở Nội vụ", "", "Năm 2022", ""),
]


def _merge_row(table, r: int) -> None:  # type: ignore[no-untyped-def]
    row = table.rows[r]
    row.cells[0].merge(row.cells[len(row.cells) - 1])


def build_docx(path: Path, rows: list[tuple[str, ...]], split_table_at: int | None = None) -> Path:
    """A Word appendix: a recipients table first (not the task table), then the tasks.

    With split_table_at, the rows from there on go into a second table that continues the
    first one without a header, the way a table broken by a section break looks.
    """
    from docx import Document
    from docx.enum.section import WD_ORIENT

    doc = Document()
    doc.sections[0].orientation = WD_ORIENT.LANDSCAPE
    doc.add_paragraph("ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG")
    sign = doc.add_table(rows=2, cols=2)
    sign.cell(0, 0).text = "Nơi nhận:"
    sign.cell(0, 1).text = "KT. CHỦ TỊCH"
    sign.cell(1, 0).text = "- Như trên;"
    sign.cell(1, 1).text = "PHÓ CHỦ TỊCH"
    doc.add_paragraph("Phụ lục")
    doc.add_paragraph("DANH MỤC NHIỆM VỤ CHUYỂN ĐỔI SỐ NĂM 2022")
    first = rows[:split_table_at] if split_table_at else rows
    rest = rows[split_table_at:] if split_table_at else []
    table = doc.add_table(rows=2, cols=6)
    table.style = "Table Grid"
    for c, text in enumerate(HEADER_TOP):
        table.cell(0, c).text = text
    for c, text in enumerate(HEADER_LOW):
        if text:
            table.cell(1, c).text = text
    # Merged header: STT, task, deadline and product span two rows; "Cơ quan thực hiện"
    # spans the two unit columns.
    for c in (0, 1, 4, 5):
        keep = table.cell(0, c).text
        merged = table.cell(0, c).merge(table.cell(1, c))
        merged.text = keep
    top = table.cell(0, 2).merge(table.cell(0, 3))
    top.text = "Cơ quan thực hiện"
    _fill(table, first)
    if rest:
        doc.add_paragraph("")
        more = doc.add_table(rows=0, cols=6)
        more.style = "Table Grid"
        _fill(more, rest)
    doc.save(str(path))
    return path


def _fill(table, rows: list[tuple[str, ...]]) -> None:  # type: ignore[no-untyped-def]
    for values in rows:
        if values == ("REPEAT",):
            cells = table.add_row().cells
            for c, text in enumerate(HEADER_TOP):
                cells[c].text = text or "Cơ quan thực hiện"
            low = table.add_row().cells
            for c, text in enumerate(HEADER_LOW):
                low[c].text = text or HEADER_TOP[c] or ""
            continue
        cells = table.add_row().cells
        if len(values) == 1:
            merged = cells[0].merge(cells[-1])
            merged.text = values[0]
            continue
        for c, text in enumerate(values):
            lines = text.split("\n")
            cells[c].text = lines[0]
            for more in lines[1:]:
                cells[c].add_paragraph(more)


# A spreadsheet appendix: other column order, headers without diacritics, one header row.
XLSX_HEADER = ["TT", "Thoi gian hoan thanh", "Noi dung nhiem vu", "Co quan phoi hop",
               "Co quan chu tri", "San pham"]
_XLSX_ORDER = (0, 4, 1, 3, 2, 5)  # XLSX column -> index in a (STT, task, lead, coord, due, product) row


def build_xlsx(path: Path, rows: list[tuple[str, ...]]) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    wb = Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    ws.append(["PHỤ LỤC: DANH MỤC NHIỆM VỤ"])
    ws.merge_cells("A1:F1")
    ws.append(XLSX_HEADER)
    for values in rows:
        if values == ("REPEAT",):
            ws.append(XLSX_HEADER)
            continue
        if len(values) == 1:
            ws.append([values[0]])
            r = ws.max_row
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
            continue
        ws.append([values[i] for i in _XLSX_ORDER])
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(wrap_text=True)
    wb.save(str(path))
    return path
