"""A draft plan file from tasks read out of a document, with what a person must check.

Both `dondoc catalog import` (DOCX/XLSX tables) and `dondoc catalog draft` (OCR text)
end here: unit names are resolved through the registry (the issuer's province first),
deadlines through the deadline language, and whatever could not be resolved is written
beside its field as a `# CẦN XEM:` comment and listed in the report. A draft whose units
all resolved is a valid catalog file: an unreadable deadline is left commented out so
the task falls back to the plan's horizon until someone reads it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dondoc.catalog.files.schema import UnitsFile
from dondoc.catalog.files.yamlio import read_yaml
from dondoc.catalog.i18n import DondocError, InputError, catalogue
from dondoc.catalog.rules import deadline as dl
from dondoc.catalog.rules.units import UnitEntry, UnitIndex, norm

REVIEW = "CẦN XEM"
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
_SPLIT = re.compile(r"\s*(?:\n|;|\s-\s(?=[A-ZĐÂĂÊÔƠƯ])|^-\s*)\s*")
_BULLET = re.compile(r"^[-–•+*]\s*")


def vi(key: str, **kw: Any) -> str:
    """Comments in a plan file are for the Vietnamese officials who keep it."""
    return unicodedata.normalize("NFC", catalogue("vi").singular[key].format(**kw))


# ------------------------------------------------------------------- the unit registry


@dataclass
class Registry:
    index: UnitIndex
    folded: dict[str, list[str]]

    def province_of(self, code: str | None) -> str | None:
        return self.index.units[code].province if code in self.index.units else None

    def resolve(self, ref: str, province: str | None) -> str | list[str] | None:
        """A code; the candidates when ambiguous; None when unknown.

        After the registry's own matching, a reference written without diacritics
        ("So Tai chinh") is matched on its folded form, still the issuer's province first.
        """
        found = self.index.resolve(ref, province)
        if found is not None:
            return found
        codes = self.folded.get(dl.fold(norm(ref)))
        if not codes:
            return None
        if len(codes) == 1:
            return codes[0]
        local = [c for c in codes if self.index.units[c].province == province]
        return local[0] if len(local) == 1 else sorted(codes)


def load_registry(path: Path) -> Registry:
    """Every unit registry (a file with `units:`) in a folder or one file."""
    files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")) \
        if path.is_dir() else [path]
    index = UnitIndex()
    for file in files:
        data = read_yaml(file)
        if not (isinstance(data, dict) and "units" in data):
            continue
        try:
            parsed = UnitsFile.model_validate(data)
        except Exception:
            raise InputError(str(file), None, "import.bad_registry") from None
        for spec in parsed.units:
            index.add(UnitEntry(spec.code, spec.name, spec.province, str(file)), spec.aliases)
    folded: dict[str, list[str]] = {}
    for key, codes in index._by_key.items():
        bucket = folded.setdefault(dl.fold(key), [])
        bucket.extend(c for c in codes if c not in bucket)
    return Registry(index, folded)


# ------------------------------------------------------------------- the draft


@dataclass
class UnitRef:
    text: str
    code: str | None = None
    candidates: list[str] = field(default_factory=list)

    @property
    def value(self) -> str:
        return self.code or self.text


@dataclass
class DraftTask:
    code: str
    title: str
    section: str | None = None
    section_title: str | None = None
    lead: list[UnitRef] = field(default_factory=list)
    coordinators: list[UnitRef] = field(default_factory=list)
    deadline: str | None = None
    deadline_ok: bool = True
    deadline_problem: str | None = None
    deliverable: str | None = None
    category: str = "task"
    note: str | None = None


@dataclass
class DraftTarget:
    code: str
    indicator: str
    values: dict[int, float | int]
    unit_of_measure: str | None = None
    section: str | None = None


@dataclass
class DraftPlan:
    code: str
    title: str | None
    issuer: str | None
    issued_on: dt.date | None
    number: str | None = None
    source: str | None = None
    tasks: list[DraftTask] = field(default_factory=list)
    targets: list[DraftTarget] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    issuer_code: str | None = None
    issuer_candidates: list[str] = field(default_factory=list)
    horizon_text: str | None = None  # the document's own, when it names one

    # ------------------------------------------------------------ resolving

    def resolve(self, registry: Registry) -> None:
        if self.issuer:
            found = registry.resolve(self.issuer, None)
            if isinstance(found, str):
                self.issuer_code = found
            elif isinstance(found, list):
                self.issuer_candidates = found
        province = registry.province_of(self.issuer_code)
        for task in self.tasks:
            for ref in (*task.lead, *task.coordinators):
                found = registry.resolve(ref.text, province)
                if isinstance(found, str):
                    ref.code = found
                elif isinstance(found, list):
                    ref.candidates = found
            # One body named twice in a cell ("Sở TT&TT; Sở Thông tin và Truyền thông").
            task.lead = _unique(task.lead)
            lead_codes = {r.code for r in task.lead if r.code}
            task.coordinators = [r for r in _unique(task.coordinators)
                                 if not (r.code and r.code in lead_codes)]
            if task.deadline:
                try:
                    dl.parse(task.deadline)
                except DondocError as exc:
                    task.deadline_ok = False
                    task.deadline_problem = str(exc)

    def report(self) -> dict[str, Any]:
        unresolved = []
        if self.issuer_code is None:
            unresolved.append({"task": None, "field": "issuer", "text": self.issuer or "",
                               "candidates": self.issuer_candidates})
        for task in self.tasks:
            for fieldname, refs in (("lead", task.lead), ("coordinators", task.coordinators)):
                unresolved += [{"task": task.code, "field": fieldname, "text": r.text,
                                "candidates": r.candidates} for r in refs if r.code is None]
        return {
            "tasks": len(self.tasks),
            "unresolved_units": unresolved,
            "unreadable_deadlines": [{"task": t.code, "text": t.deadline,
                                      "problem": t.deadline_problem}
                                     for t in self.tasks if not t.deadline_ok],
            "skipped_rows": self.skipped,
        }

    @property
    def needs_review(self) -> bool:
        rep = self.report()
        return bool(rep["unresolved_units"] or rep["unreadable_deadlines"])

    def horizon(self) -> str:
        """The document's own horizon; else the latest year any deadline reaches; else the
        year named in the title or issued."""
        if self.horizon_text:
            return self.horizon_text
        years: list[int] = []
        for task in self.tasks:
            if task.deadline and task.deadline_ok:
                d = dl.parse(task.deadline)
                if d.due:
                    years.append(d.due.year)
        if not years and self.title:
            years = [int(y) for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", self.title)]
        if not years and self.issued_on:
            years = [self.issued_on.year]
        return f"Năm {max(years) if years else dt.date.today().year}"

    # ------------------------------------------------------------ writing

    def to_yaml(self) -> str:
        out: list[str] = []
        head = self.title or self.code
        out.append(f"# {head}")
        out.append("# Bản nháp do `dondoc` tạo từ văn bản nguồn; kiểm tra các dòng «CẦN XEM».")
        out.append("plan:")
        out.append(f"  code: {_scalar(self.code)}")
        if self.title:
            out.append(f"  title: {_scalar(self.title)}")
        else:
            out.append(f"  title: {_scalar('Kế hoạch ' + self.code)}  # {REVIEW}: "
                       + vi("import.review_title"))
        if self.number:
            out.append(f"  number: {_scalar(self.number)}")
        issuer = self.issuer_code or self.issuer or "?"
        note = ""
        if self.issuer_code is None:
            note = f"  # {REVIEW}: " + (vi("import.review_ambiguous", text=self.issuer,
                                              units=", ".join(self.issuer_candidates))
                                       if self.issuer_candidates else
                                       vi("import.review_unit", text=self.issuer or "?"))
        out.append(f"  issuer: {_scalar(issuer)}{note}")
        if self.issued_on:
            out.append(f"  issued_on: {self.issued_on.isoformat()}")
        out.append(f"  horizon: {_scalar(self.horizon())}")
        if self.source:
            out.append(f"  source: {_scalar(self.source)}")
        out.append("tasks:" if self.tasks else "tasks: []")
        section = object()
        for task in self.tasks:
            if task.section != section and task.section:
                heading = f"{task.section} {task.section_title or ''}".strip()
                out.append(f"  # {'-' * 60} {heading}")
            section = task.section
            out.extend(_task_lines(task))
        if self.targets:
            out.append("targets:")
            for target in self.targets:
                out.append(f"  - code: {_scalar(target.code)}")
                if target.section:
                    out.append(f"    section: {_scalar(target.section)}")
                out.append(f"    indicator: {_scalar(target.indicator)}")
                if target.unit_of_measure:
                    out.append(f"    unit_of_measure: {_scalar(target.unit_of_measure)}")
                values = ", ".join(f"{y}: {v}" for y, v in sorted(target.values.items()))
                out.append(f"    values: {{{values}}}")
        return "\n".join(out) + "\n"


def _unique(refs: list[UnitRef]) -> list[UnitRef]:
    seen: set[str] = set()
    out = []
    for ref in refs:
        key = ref.code or norm(ref.text)
        if key not in seen:
            seen.add(key)
            out.append(ref)
    return out


def _unit_comment(ref: UnitRef) -> str:
    if ref.candidates:
        return vi("import.review_ambiguous", text=ref.text, units=", ".join(ref.candidates))
    return vi("import.review_unit", text=ref.text)


def _task_lines(task: DraftTask) -> list[str]:
    lines = [f"  - code: {_scalar(task.code)}"]
    if task.section:
        lines.append(f"    section: {_scalar(task.section)}")
    lines.append(f"    title: {_scalar(task.title)}")
    if task.category != "task":
        lines.append(f"    category: {task.category}")
    if len(task.lead) == 1:
        ref = task.lead[0]
        note = "" if ref.code else f"  # {REVIEW}: {_unit_comment(ref)}"
        lines.append(f"    lead: {_scalar(ref.value)}{note}")
    elif task.lead:
        lines.append("    lead:")
        for ref in task.lead:
            note = "" if ref.code else f"  # {REVIEW}: {_unit_comment(ref)}"
            lines.append(f"      - {_scalar(ref.value)}{note}")
    if task.coordinators:
        lines.append("    coordinators:")
        for ref in task.coordinators:
            note = "" if ref.code else f"  # {REVIEW}: {_unit_comment(ref)}"
            lines.append(f"      - {_scalar(ref.value)}{note}")
    if task.deadline and task.deadline_ok:
        lines.append(f"    deadline: {_scalar(task.deadline)}")
    elif task.deadline:
        # Left out so the file stays valid (the horizon applies) until a person reads it.
        lines.append(f"    # deadline: {_scalar(task.deadline)}  # {REVIEW}: "
                     + vi("import.review_deadline", problem=task.deadline_problem or ""))
    if task.deliverable:
        lines.append(f"    deliverable: {_scalar(task.deliverable)}")
    if task.note:
        lines.append(f"    note: {_scalar(task.note)}")
    return lines


def _scalar(value: str) -> str:
    """One YAML scalar on one line, quoted only when YAML needs it."""
    text = yaml.safe_dump(value, allow_unicode=True, width=1 << 20, default_flow_style=True)
    if text.endswith("\n...\n"):  # the end-of-document marker of a lone plain scalar
        text = text[:-5]
    return text.strip()


# ------------------------------------------------------------------- cells to references


def split_units(cell: str, registry: Registry, province: str | None) -> list[UnitRef]:
    """The units a cell names: one a line or between semicolons; commas split only
    when every piece is a known unit ("Các sở, ban, ngành" stays one collective name)."""
    refs: list[UnitRef] = []
    for part in _SPLIT.split(cell or ""):
        part = _BULLET.sub("", part).strip(" .;,")
        if not part:
            continue
        if registry.resolve(part, province) is None and "," in part:
            pieces = [p.strip(" .") for p in re.split(r",|\svà\s(?=(?:UBND|Sở|Ban|Phòng|Văn phòng|Trung tâm|Đài|Công an|Bộ chỉ huy))", part) if p.strip(" .")]
            if len(pieces) > 1 and all(isinstance(registry.resolve(p, province), str)
                                       for p in pieces):
                refs.extend(UnitRef(p) for p in pieces)
                continue
        refs.append(UnitRef(part))
    return refs


def ascii_code(text: str) -> str:
    """A catalog code from STT or section text: ASCII letters, digits, dots and dashes."""
    s = dl.fold(text).replace(" ", "")
    s = re.sub(r"[^A-Za-z0-9._-]", "", s)
    return s.strip(".-")


def write_draft(plan: DraftPlan, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{plan.code}.yaml"
    tmp = target.with_suffix(".yaml.tmp")
    tmp.write_text(plan.to_yaml(), encoding="utf-8")
    tmp.replace(target)  # never a half-written file beside the others
    return target
