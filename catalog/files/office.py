"""Office files (DOCX, XLSX) read as plain grids of cell text.

Plans arrive as Word appendices and Excel sheets. Each table becomes a list of rows of
strings, merged cells repeated into every position they cover, so that the task-table
reader never has to know which program wrote the file. python-docx and openpyxl are
imported here, inside the functions, so the fast commands never pay for them.
"""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from dondoc.catalog.i18n import InputError

Grid = list[list[str]]


@dataclass
class Table:
    """One table of a document: where it came from (for messages) and its cells."""

    where: str  # "bảng 2" / "sheet Phụ lục"
    rows: Grid


def clean(text: str | None) -> str:
    """NFC text, spaces collapsed, one line per paragraph of the cell.

    Lines are kept because a unit cell lists one unit a line; the task-table reader
    joins them again where a line break means nothing (a long task text).
    """
    if text is None:
        return ""
    s = unicodedata.normalize("NFC", str(text)).replace("\xa0", " ").replace("\v", "\n")
    return "\n".join(line for line in (" ".join(part.split()) for part in s.splitlines()) if line)


def sniff(path: Path) -> str:
    """'docx' or 'xlsx' from the bytes, not the name: a renamed PDF must be caught."""
    label = str(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except (FileNotFoundError, IsADirectoryError):
        raise InputError(label, None, "import.missing") from None
    if head.startswith(b"%PDF"):
        raise InputError(label, None, "import.pdf")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(label, None, "import.old_office")
    if not head.startswith(b"PK"):
        raise InputError(label, None, "import.not_office")
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile:
        raise InputError(label, None, "import.not_office") from None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise InputError(label, None, "import.zip_not_office")


def read_tables(path: Path) -> list[Table]:
    """Every table of the file, in document order."""
    kind = sniff(path)
    try:
        return _docx_tables(path) if kind == "docx" else _xlsx_tables(path)
    except InputError:
        raise
    except Exception as exc:  # a damaged part inside a well-formed zip
        raise InputError(str(path), None, "import.damaged", problem=type(exc).__name__) from None


def _docx_tables(path: Path) -> list[Table]:
    from docx import Document

    doc = Document(str(path))
    out = []
    for n, table in enumerate(doc.tables, 1):
        # Table._cells repeats a horizontally merged cell over its span and hands a
        # vertically continued cell the text of the one it continues.
        cells = table._cells
        width = len(table.columns)
        if not width:
            continue
        grid = [[clean(c.text) for c in cells[i:i + width]] for i in range(0, len(cells), width)]
        out.append(Table(f"bảng {n}", grid))
    return out


def _xlsx_tables(path: Path) -> list[Table]:
    from openpyxl import load_workbook

    wb = load_workbook(str(path), data_only=True)
    out = []
    for ws in wb.worksheets:
        grid = [[_xlsx_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        for rng in ws.merged_cells.ranges:
            value = grid[rng.min_row - 1][rng.min_col - 1] if rng.min_row <= len(grid) else ""
            for r in range(rng.min_row - 1, min(rng.max_row, len(grid))):
                for c in range(rng.min_col - 1, min(rng.max_col, len(grid[r]))):
                    grid[r][c] = value
        out.append(Table(f"sheet {ws.title}", grid))
    return out


def _xlsx_text(value: object) -> str:
    import datetime as dt

    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return f"{value.day:02d}/{value.month:02d}/{value.year}"  # as an office writes it
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(value if value is None else str(value))
