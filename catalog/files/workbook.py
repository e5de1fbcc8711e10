"""The tracking workbook an office sends upward: one sheet per plan, one summary by unit.

Headers and sheet names are Vietnamese with all their diacritics (NFC): the file goes to
people, not scripts. Its task sheets are also a task table `dondoc catalog import` reads
back (code, section, task, lead, coordinators, deadline as written, deliverable).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterable

from dondoc.catalog.store.exportrows import PlanInfo, TaskExtra

STATUS_WORDS = {
    "overdue": ("Quá hạn", "F8CBAD"),
    "due_soon": ("Sắp đến hạn", "FFE699"),
    "not_due": ("Chưa đến hạn", "DDEBF7"),
    "done": ("Hoàn thành", "C6EFCE"),
    "no_deadline": ("Chưa có hạn", "EDEDED"),
}
COLUMNS: tuple[tuple[str, int], ...] = (
    ("STT", 6), ("Mã nhiệm vụ", 14), ("Mục", 9), ("Nội dung nhiệm vụ", 60),
    ("Cơ quan chủ trì", 28), ("Cơ quan phối hợp", 30), ("Thời hạn (theo văn bản)", 20),
    ("Hạn thực tế", 13), ("Trạng thái", 15), ("Tiến độ (%)", 10), ("Số ngày quá hạn", 11),
    ("Sản phẩm", 28),
)
SUMMARY_TITLE = "Tổng hợp theo đơn vị"
SUMMARY_COLUMNS: tuple[tuple[str, int], ...] = (
    ("STT", 6), ("Đơn vị chủ trì", 45), ("Tổng số", 10), ("Hoàn thành đúng hạn", 14),
    ("Hoàn thành quá hạn", 14), ("Quá hạn chưa hoàn thành", 15), ("Trong hạn", 12),
)
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def vn(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def sheet_name(code: str, taken: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("-", code)[:31] or "KH"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def outcome(item: dict[str, Any], extra: TaskExtra | None) -> str:
    """on_time, late, overdue or in_time: the summary's four columns."""
    if item["status"] == "done":
        eff = item["effective_due"]
        done = extra.completed_on if extra else None
        if done and eff and done > dt.date.fromisoformat(eff):
            return "late"
        return "on_time"
    return "overdue" if item["status"] == "overdue" else "in_time"


def write_workbook(path: Path, items: Iterable[dict[str, Any]], plans: dict[str, PlanInfo],
                   extras: dict[tuple[str, str], TaskExtra], as_of: dt.date) -> dict[str, int]:
    """Write the workbook; return how many tasks each sheet holds."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    by_plan: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        by_plan[item["plan"]].append(item)
    for rows in by_plan.values():
        rows.sort(key=_document_order)

    bold = Font(bold=True)
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="D9E1F2")
    wrap = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def setup(ws, columns, title: str, header_row: int) -> None:  # type: ignore[no-untyped-def]
        ws.cell(row=1, column=1, value=vn(title)).font = Font(bold=True, size=13)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
        ws.cell(row=2, column=1, value=vn(f"Tình hình đến ngày {as_of:%d/%m/%Y}")).font = \
            Font(italic=True)
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(columns))
        for c, (label, width) in enumerate(columns, 1):
            cell = ws.cell(row=header_row, column=c, value=vn(label))
            cell.font, cell.fill, cell.alignment, cell.border = bold, head_fill, centre, box
            ws.column_dimensions[get_column_letter(c)].width = width
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = f"{header_row}:{header_row}"  # the header on every printed page
        ws.print_options.horizontalCentered = True

    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    counts: dict[str, int] = {}
    summary: dict[str, Counter[str]] = defaultdict(Counter)
    header_row = 4
    for plan_code in sorted(by_plan):
        info = plans.get(plan_code)
        ws = wb.create_sheet(sheet_name(plan_code, taken))
        setup(ws, COLUMNS, info.title if info else plan_code, header_row)
        for n, item in enumerate(by_plan[plan_code], 1):
            extra = extras.get((plan_code, item["task"]))
            words, colour = STATUS_WORDS[item["status"]]
            written = None if extra and extra.deadline_inferred else item["deadline_text"]
            values = [
                n, item["task"], item["section"], item["title"], item["lead"],
                "\n".join(item["coordinators"]) or None, written,
                dt.date.fromisoformat(item["effective_due"]) if item["effective_due"] else None,
                vn(words), extra.progress if extra else None,
                item["days_overdue"] or None, extra.deliverable if extra else None,
            ]
            r = header_row + n
            for c, value in enumerate(values, 1):
                cell = ws.cell(row=r, column=c, value=value)
                cell.alignment, cell.border = wrap, box
            ws.cell(row=r, column=8).number_format = "DD/MM/YYYY"
            ws.cell(row=r, column=9).fill = PatternFill("solid", fgColor=colour)
            summary[item["lead"] or vn("(chưa giao đơn vị chủ trì)")][outcome(item, extra)] += 1
        last = header_row + len(by_plan[plan_code])
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(COLUMNS))}{last}"
        counts[ws.title] = len(by_plan[plan_code])

    ws = wb.create_sheet(SUMMARY_TITLE, 0)
    setup(ws, SUMMARY_COLUMNS, "Tổng hợp tình hình thực hiện nhiệm vụ theo đơn vị chủ trì",
          header_row)
    for n, unit in enumerate(sorted(summary), 1):
        c = summary[unit]
        values = [n, unit, sum(c.values()), c["on_time"], c["late"], c["overdue"], c["in_time"]]
        for col, value in enumerate(values, 1):
            cell = ws.cell(row=header_row + n, column=col, value=value)
            cell.alignment, cell.border = wrap, box
    last = header_row + max(len(summary), 1)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(SUMMARY_COLUMNS))}{last}"
    counts[ws.title] = len(summary)
    wb.save(str(path))
    return counts


def _document_order(item: dict[str, Any]) -> tuple[Any, ...]:
    """Sections and codes as the plan lists them: II.10 after II.9, not after II.1."""
    def key(text: str | None) -> tuple[Any, ...]:
        return tuple((0, int(p), "") if p.isdigit() else (1, 0, p)
                     for p in re.split(r"[.\-/ ]+", text or "") if p)
    return key(item["section"]), key(item["task"])
