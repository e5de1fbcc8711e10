"""`dondoc catalog import`: a DOCX or XLSX task table to a draft plan file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dondoc.catalog.files.draft import (CODE_RE, DraftPlan, DraftTask, Registry, ascii_code,
                                        split_units)
from dondoc.catalog.files.office import read_tables
from dondoc.catalog.files.tasktable import RawTask, read_task_table
from dondoc.catalog.i18n import InputError


def import_tables(path: Path, code: str, registry: Registry, *, issuer: str | None = None,
                  title: str | None = None, issued_on: dt.date | None = None) -> DraftPlan:
    """Read the file's task table into a resolved draft; InputError if it holds none."""
    label = str(path)
    if not CODE_RE.match(code):
        raise InputError(label, None, "import.bad_code", code=code)
    tables = read_tables(path)
    if not tables:
        raise InputError(label, None, "import.no_table")
    table, found = read_task_table(tables)
    if not found:
        raise InputError(label, None, "import.no_header")
    if "title" not in table.columns:
        raise InputError(label, None, "import.no_task_column")
    if not table.tasks:
        raise InputError(label, None, "import.no_tasks")
    plan = DraftPlan(code=code, title=title, issuer=issuer, issued_on=issued_on,
                     source=path.name)
    plan.skipped = [s.as_json() for s in table.skipped]
    province = None
    if issuer:
        found_issuer = registry.resolve(issuer, None)
        province = registry.province_of(found_issuer) if isinstance(found_issuer, str) else None
    codes: set[str] = set()
    for n, raw in enumerate(table.tasks, 1):
        task_code = _task_code(raw, n, codes)
        codes.add(task_code)
        plan.tasks.append(DraftTask(
            code=task_code, title=raw.title, section=raw.section,
            section_title=raw.section_title,
            lead=split_units(raw.lead, registry, province),
            coordinators=split_units(raw.coordinators, registry, province),
            deadline=raw.deadline or None, deliverable=raw.deliverable or None,
            note=raw.note or None))
    plan.resolve(registry)
    return plan


def _task_code(raw: RawTask, n: int, taken: set[str]) -> str:
    """The table's own code if it has one, else its STT, made unique by its section."""
    if raw.code and CODE_RE.match(raw.code) and raw.code not in taken:
        return raw.code
    stt = ascii_code(raw.stt)
    candidates = []
    if stt:
        candidates.append(f"NV-{stt}")
        if raw.section:
            candidates.append(f"NV-{ascii_code(raw.section)}.{stt}")
    candidates.append(f"NV-{n:03d}")
    for c in candidates:
        if CODE_RE.match(c) and c not in taken:
            return c
    return f"NV-{n:03d}-{len(taken)}"
