"""Finding the task table ("Danh mục nhiệm vụ") in a grid and reading its rows.

Appendices differ in column order, header wording, diacritics, merged two-level headers
("Cơ quan thực hiện" over "Chủ trì" | "Phối hợp") and headers repeated on every page.
Columns are therefore recognised by the words of their folded header, rows by what
they hold: a section heading, a task, a repeated header, a column-number row, a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dondoc.catalog.files.office import Table
from dondoc.catalog.rules.deadline import fold

# Checked in this order: the first column kind whose words a header holds wins, so the
# specific ("mã nhiệm vụ") comes before the general ("nhiệm vụ").
COLUMN_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("stt", ("stt", "tt", "so tt", "so thu tu")),
    ("code", ("ma", "ma nhiem vu", "ma so")),
    ("section", ("muc",)),
    ("lead", ("chu tri",)),
    ("coordinators", ("phoi hop",)),
    ("deadline", ("thoi gian hoan thanh", "thoi han", "thoi gian thuc hien", "thoi gian",
                  "tien do hoan thanh")),
    ("deliverable", ("san pham", "ket qua")),
    ("title", ("noi dung", "nhiem vu", "ten nhiem vu", "ten de an", "ten du an", "cong viec")),
    ("note", ("ghi chu",)),
)
# Whole-header matches: "tt" must not fire on "thời gian thực hiện" nor "ma" on "mã hóa".
_EXACT = {"stt", "code", "section"}

_ROMAN = re.compile(r"^(?=[ivxlc]+$)m*(c[md]|d?c{0,3})(x[cl]|l?x{0,3})(i[xv]|v?i{0,3})$")
_SECTION_HEAD = re.compile(r"^\s*((?:[IVXLC]+|[A-Z]|\d+(?:\.\d+)*)[.)]?)\s+(.+)$")
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")
_FOOTNOTE = re.compile(r"^(?:\(?\*+\)?|(?:ghi chu|chu thich|luu y|nguon)\b)")


@dataclass
class RawTask:
    """One task row as written, before any unit or deadline is resolved."""

    row: int  # 1-based row in its table, for messages
    where: str
    stt: str
    section: str | None
    section_title: str | None
    title: str
    lead: str = ""
    coordinators: str = ""
    deadline: str = ""
    deliverable: str = ""
    code: str = ""
    note: str = ""


@dataclass
class Skipped:
    where: str
    row: int
    text: str
    why: str

    def as_json(self) -> dict[str, object]:
        return {"where": self.where, "row": self.row, "text": self.text, "why": self.why}


@dataclass
class TaskTable:
    tasks: list[RawTask] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    sections: list[tuple[str, str]] = field(default_factory=list)  # (number, heading)
    columns: dict[str, int] = field(default_factory=dict)  # the header's column kinds


def column_kind(header: str) -> str | None:
    h = fold(header).strip(" .:")
    for kind, words in COLUMN_WORDS:
        for w in words:
            if (h == w) if kind in _EXACT else re.search(rf"\b{w}\b", h):
                return kind
    return None


def _header_map(rows: list[list[str]]) -> dict[str, int]:
    """Column kinds of one or two header rows; the upper row names what the lower splits."""
    width = max(len(r) for r in rows)
    found: dict[str, int] = {}
    for col in range(width):
        parts: list[str] = []
        for r in rows:
            if col < len(r) and r[col] and r[col] not in parts:
                parts.append(r[col])
        # The lowest distinct header text is the most specific ("Chủ trì" under
        # "Cơ quan thực hiện"); fall back to the upper one.
        for text in reversed(parts):
            kind = column_kind(text)
            if kind and kind not in found:
                found[kind] = col
                break
    return found


def _is_header(row: list[str]) -> bool:
    # Header cells are short labels; a task's long text may hold "thời gian" too.
    kinds = {column_kind(c) for c in row if c and len(c.split()) <= 8}
    kinds.discard(None)
    return len(kinds) >= 2 and bool(kinds & {"title", "lead", "deadline"})


def find_header(table: Table) -> tuple[int, int, dict[str, int]] | None:
    """(first header row, rows it spans, column map) of the task header, if any."""
    for i, row in enumerate(table.rows):
        if not _is_header(row):
            continue
        span = 1
        nxt = table.rows[i + 1] if i + 1 < len(table.rows) else None
        if nxt is not None and any(column_kind(c) for c in nxt if c) and \
                not any(_COLUMN_NUMBER.match(c) for c in nxt if c):
            span = 2
        return i, span, _header_map(table.rows[i:i + span])
    return None


def _same_header(row: list[str], header: list[list[str]]) -> bool:
    return any(fold(" ".join(row)) == fold(" ".join(h)) for h in header) or \
        (_is_header(row) and not any(_COLUMN_NUMBER.match(c) for c in row if c))


def _section_number(stt: str, text: str) -> tuple[str, str] | None:
    """('I', 'CHÍNH QUYỀN SỐ') from a heading row's STT and text, else None."""
    s = stt.strip().rstrip(".)")
    if s and (_ROMAN.match(s.lower()) or re.fullmatch(r"[A-Z]|\d+(?:\.\d+)*", s)):
        title = text
        m = _SECTION_HEAD.match(text)
        if m and m.group(1).rstrip(".)") == s:
            title = m.group(2)
        return s, title
    m = _SECTION_HEAD.match(text)
    if m:
        return m.group(1).rstrip(".)"), m.group(2)
    return None


def read_task_table(tables: list[Table]) -> tuple[TaskTable, bool]:
    """The tasks of every table that has a task header; (result, found any header)."""
    out = TaskTable()
    found_any = False
    cols: dict[str, int] | None = None
    header_rows: list[list[str]] = []
    sections: list[str] = []  # the numbers of the open headings, outermost first
    for table in tables:
        head = find_header(table)
        start = 0
        if head is not None:
            i, span, cols = head
            header_rows = table.rows[i:i + span]
            out.columns = cols
            found_any = True
            start = i + span
        elif cols is None:
            continue  # a table before the appendix (signatures, recipients)
        # else: the table continues the previous page without a header of its own
        for r in range(start, len(table.rows)):
            _read_row(out, table, r, cols, header_rows, sections)
    return out, found_any


def _cell(row: list[str], cols: dict[str, int], kind: str, lines: bool = False) -> str:
    """A cell's text; on one line unless its lines are a list (units)."""
    i = cols.get(kind)
    text = row[i].strip() if i is not None and i < len(row) else ""
    return text if lines else " ".join(text.split())


def _read_row(out: TaskTable, table: Table, r: int, cols: dict[str, int],
              header_rows: list[list[str]], sections: list[str]) -> None:
    row = table.rows[r]
    where, number = table.where, r + 1
    filled = [c for c in row if c]
    if not filled:
        return
    text = " ".join(" ".join(c.split()) for c in dict.fromkeys(filled))
    if _same_header(row, header_rows):
        out.skipped.append(Skipped(where, number, text, "header"))
        return
    if all(_COLUMN_NUMBER.match(c) for c in filled):
        out.skipped.append(Skipped(where, number, text, "column_numbers"))
        return
    if "title" not in cols:
        return
    title = _cell(row, cols, "title")
    stt = _cell(row, cols, "stt")
    lead = _cell(row, cols, "lead", lines=True)
    coord = _cell(row, cols, "coordinators", lines=True)
    deadline, product = _cell(row, cols, "deadline"), _cell(row, cols, "deliverable")
    spans_row = len(set(filled)) == 1 and len(filled) > 1
    if spans_row or not (lead or coord or deadline or product):
        if _FOOTNOTE.match(fold(text)) or (spans_row and _FOOTNOTE.match(fold(filled[0]))):
            out.skipped.append(Skipped(where, number, text, "note"))
            return
        head = _section_number(stt if not spans_row else "",
                               title if not spans_row else " ".join(filled[0].split()))
        if head and (spans_row or head[1].isupper() or not stt.isdigit() or not head[0].isdigit()
                     or "." in head[0] or _looks_heading(stt, title)):
            _open_section(out, sections, head)
            return
        if spans_row:
            out.skipped.append(Skipped(where, number, text, "not_a_task"))
            return
    if not title:
        out.skipped.append(Skipped(where, number, text, "no_title"))
        return
    section = sections[-1] if sections else None
    out.tasks.append(RawTask(
        row=number, where=where, stt=stt, section=_cell(row, cols, "section") or section,
        section_title=dict(out.sections).get(section) if section else None, title=title,
        lead=lead, coordinators=coord, deadline=deadline, deliverable=product,
        code=_cell(row, cols, "code"), note=_cell(row, cols, "note")))


def _looks_heading(stt: str, title: str) -> bool:
    # "1 | Hạ tầng số" with no unit and no deadline: short, no verb-like length.
    return len(title.split()) <= 6 and not title.endswith(".")


def _open_section(out: TaskTable, sections: list[str], head: tuple[str, str]) -> None:
    number, heading = head
    if _ROMAN.match(number.lower()) or re.fullmatch(r"[A-Z]", number):
        sections.clear()
        sections.append(number)
    else:
        parent = sections[0] if sections and (_ROMAN.match(sections[0].lower())
                                              or re.fullmatch(r"[A-Z]", sections[0])) else None
        del sections[1 if parent else 0:]
        sections.append(f"{parent}.{number}" if parent else number)
    out.sections.append((sections[-1], heading))
