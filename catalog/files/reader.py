"""Reading and checking catalog files into rows ready for the store.

Nothing here touches the database: `dondoc catalog validate` runs this alone, and the
loader writes what it returns only when it returned no error at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import orjson
from pydantic import ValidationError

from dondoc.catalog.rules import deadline as dl
from dondoc.catalog.i18n import DondocError, InputError, lang, t, type_phrase
from dondoc.catalog.files.schema import PlanFile, TaskSpec, UnitsFile
from dondoc.catalog.rules.units import UnitEntry, UnitIndex
from dondoc.catalog.rules.workdays import WorkCalendar, default_calendar
from dondoc.catalog.files.yamlio import LineDict, line_of, read_yaml

# What a plan file's bytes produce depends on this code as well as on the bytes: bump it
# whenever a parsing rule or the shape of a row changes, so that the streaming load stops
# skipping files it recorded as unchanged and reads them all again.
READER_VERSION = 1

# Columns a catalog file decides; everything else on a task (progress reported since,
# extensions, snoozes) belongs to the running system and survives a reload.
TASK_FILE_COLUMNS = (
    "section", "title", "category", "lead_code", "leads", "coordinators", "deadline_text",
    "deadline_inferred", "deadline_kind", "deadline_start", "deadline_due", "rrule",
    "rrule_start", "rrule_until", "deadline_labels", "deliverable", "budget_vnd", "funding_source", "stage",
    "policy", "note", "declared_state", "declared_completed_on", "declared_progress",
)
# Where a row stands in its file is not what it says: moving it is not a change.
UNHASHED = ("source_line", "file_path")
# Columns added after rows were first hashed count only when set: a task without them keeps
# the hash it had, so an upgrade does not rewrite (and audit) every task of every plan.
HASHED_WHEN_SET = ("deadline_labels",)
# A plan's first recurring occurrence is at least this long after it is issued, so that a
# yearly report is not due the day after a plan signed on 30 December.
FIRST_OCCURRENCE_GRACE = dt.timedelta(days=30)


def content_hash(row: dict[str, Any]) -> str:
    content = {k: v for k, v in row.items()
               if k not in UNHASHED and not (k in HASHED_WHEN_SET and v is None)}
    return hashlib.sha1(orjson.dumps(content, option=orjson.OPT_SORT_KEYS, default=str)).hexdigest()


@dataclass
class PlanBundle:
    plan: dict[str, Any]
    tasks: list[dict[str, Any]]
    targets: list[dict[str, Any]]
    file: str


@dataclass
class Catalog:
    units: list[dict[str, Any]] = field(default_factory=list)
    plans: list[PlanBundle] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)

    @property
    def task_count(self) -> int:
        return sum(len(p.tasks) for p in self.plans)

    @property
    def target_count(self) -> int:
        return sum(len(p.targets) for p in self.plans)


def catalog_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    return [path]


def catalog_files_or_error(path: Path) -> tuple[list[Path], InputError | None]:
    """The catalog files at path, or the error saying there are none to read."""
    if not path.exists():
        return [], InputError(str(path), None, "file.missing")
    files = catalog_files(path)
    return files, (None if files else InputError(str(path), None, "file.empty_dir"))


def _pydantic_errors(exc: ValidationError, data: Any, label: str) -> list[InputError]:
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        line = line_of(data, loc)
        fieldname = ".".join(str(p) for p in loc if not isinstance(p, int)) or "?"
        if err["type"] == "missing":
            out.append(InputError(label, line, "field.missing", field=fieldname))
        elif err["type"] == "extra_forbidden":
            out.append(InputError(label, line, "field.extra", field=fieldname))
        elif err["type"] in ("string_too_long", "too_long"):
            limit = (err.get("ctx") or {}).get("max_length", "?")
            key = "field.too_long" if err["type"] == "string_too_long" else "field.too_many"
            out.append(InputError(label, line, key, field=fieldname, limit=limit))
        elif err["type"] == "date_range":
            ctx = err.get("ctx") or {}
            out.append(InputError(label, line, "field.date_range", field=fieldname,
                                  first=ctx.get("first"), last=ctx.get("last")))
        elif err["type"] == "plan_code":
            out.append(InputError(label, line, "field.plan_code", field=fieldname,
                                  chars=(err.get("ctx") or {}).get("chars", "?")))
        elif err["type"] == "control_char":
            out.append(InputError(label, line, "field.control_char", field=fieldname,
                                  code=(err.get("ctx") or {}).get("code", "?")))
        else:
            vi, en = type_phrase(err["type"], err["msg"])
            out.append(InputError(label, line, "field.type", field=fieldname, expected=vi,
                                  expected_en=en))
    return out


def _field_line(data: Any, *loc: Any) -> int | None:
    return line_of(data, loc)


def read_catalog(path: Path, known_units: list[dict[str, Any]] | None = None,
                 calendar: WorkCalendar | None = None,
                 progress: Callable[[int], None] | None = None) -> Catalog:
    """Read every file under path; collect every error rather than stop at the first."""
    calendar = calendar or default_calendar()
    cat = Catalog()
    label_root = path
    files, missing = catalog_files_or_error(path)
    if missing:
        cat.errors.append(missing)
        return cat

    unit_docs: list[tuple[str, Any, UnitsFile]] = []
    plan_docs: list[tuple[str, Any, PlanFile]] = []
    for file in files:
        label = str(file if file.is_absolute() or label_root.is_absolute() else file)
        try:
            data = read_yaml(file, label)
        except InputError as exc:
            cat.errors.append(exc)
            continue
        if isinstance(data, dict) and "units" in data:
            model: type[UnitsFile] | type[PlanFile] = UnitsFile
        elif isinstance(data, dict) and "plan" in data:
            model = PlanFile
        else:
            cat.errors.append(InputError(label, getattr(data, "line", 1) or 1, "file.not_catalog"))
            continue
        try:
            parsed = model.model_validate(data)
        except ValidationError as exc:
            cat.errors.extend(_pydantic_errors(exc, data, label))
            continue
        if isinstance(parsed, UnitsFile):
            unit_docs.append((label, data, parsed))
        else:
            plan_docs.append((label, data, parsed))
        if progress:
            progress(1)

    index = _build_unit_index(cat, unit_docs, known_units or [])
    seen_plans: dict[str, str] = {}
    for label, data, parsed in plan_docs:
        where = f"{label}:{_field_line(data, 'plan', 'code')}"
        if parsed.plan.code in seen_plans:
            cat.errors.append(InputError(label, _field_line(data, "plan", "code"), "field.dup_plan",
                                         code=parsed.plan.code, first=seen_plans[parsed.plan.code]))
            continue
        seen_plans[parsed.plan.code] = where
        bundle = _read_plan(cat, label, data, parsed, index, calendar)
        if bundle:
            cat.plans.append(bundle)
    return cat


def _build_unit_index(cat: Catalog, unit_docs: list[tuple[str, Any, UnitsFile]],
                      known_units: list[dict[str, Any]]) -> UnitIndex:
    index = UnitIndex()
    file_codes: set[str] = set()
    for row in known_units:
        index.add(UnitEntry(row["code"], row["name"], row.get("province"), "database"),
                  row.get("aliases") or [])
    first_seen: dict[str, str] = {}
    for label, data, parsed in unit_docs:
        for i, spec in enumerate(parsed.units):
            line = _field_line(data, "units", i, "code")
            if spec.code in first_seen:
                cat.errors.append(InputError(label, line, "field.dup_unit", code=spec.code,
                                             first=first_seen[spec.code]))
                continue
            first_seen[spec.code] = f"{label}:{line}"
            file_codes.add(spec.code)
            index.add(UnitEntry(spec.code, spec.name, spec.province, f"{label}:{line}"),
                      spec.aliases)
    for key, codes in index.ambiguous_within_province():
        if not set(codes) & file_codes:
            continue  # the database's own business, not this load's
        entry = index.units[codes[-1]]
        file, _, line = entry.origin.rpartition(":")
        cat.errors.append(InputError(file or entry.origin, int(line) if line.isdigit() else None,
                                     "field.ambiguous_alias", alias=key, units=", ".join(codes)))

    parent_lines: dict[str, tuple[str, int | None]] = {}
    for label, data, parsed in unit_docs:
        for i, spec in enumerate(parsed.units):
            refs = {}
            for fieldname in ("parent", "successor"):
                ref = getattr(spec, fieldname)
                if ref is None:
                    refs[fieldname] = None
                    continue
                code = _resolve(cat, index, ref, spec.province, label,
                                _field_line(data, "units", i, fieldname), fieldname)
                refs[fieldname] = code
            members = _members(cat, index, spec, label, data, i)
            row = {
                "code": spec.code, "name": spec.name, "short_name": spec.short_name,
                "kind": spec.kind, "parent_code": refs["parent"], "aliases": spec.aliases or None,
                "province": spec.province, "valid_from": spec.valid_from,
                "valid_to": spec.valid_to, "successor_code": refs["successor"], "note": spec.note,
                "members": members, "contact": spec.contact,
            }
            # A unit without a contact hashes as before the field existed: no spurious update.
            row["content_hash"] = content_hash(
                {k: v for k, v in row.items() if not (k == "contact" and v is None)})
            cat.units.append(row)
            parent_lines[spec.code] = (label, _field_line(data, "units", i, "parent"))
    _refuse_parent_cycles(cat, known_units, parent_lines)
    _refuse_member_cycles(cat, unit_docs)
    return index


def _members(cat: Catalog, index: UnitIndex, spec: Any, label: str, data: Any,
             i: int) -> list[str] | None:
    """A group's members as codes; only a group (kind `nhom`) may have them."""
    if not spec.members:
        return None
    if spec.kind != "nhom":
        cat.errors.append(InputError(label, _field_line(data, "units", i, "members"),
                                     "field.members_not_group", code=spec.code))
        return None
    codes: list[str] = []
    for j, ref in enumerate(spec.members):
        code = _resolve(cat, index, ref, spec.province, label,
                        _field_line(data, "units", i, "members", j), "members")
        if code == spec.code:
            cat.errors.append(InputError(label, _field_line(data, "units", i, "members", j),
                                         "field.member_cycle", chain=f"{code} → {code}"))
        elif code and code not in codes:
            codes.append(code)
    return codes


def _refuse_member_cycles(cat: Catalog, unit_docs: list[tuple[str, Any, UnitsFile]]) -> None:
    """A group may contain groups, never itself through them: expanding would not end."""
    members = {u["code"]: u["members"] or [] for u in cat.units}
    where = {spec.code: (label, _field_line(data, "units", i, "members"))
             for label, data, parsed in unit_docs for i, spec in enumerate(parsed.units)}
    reported: set[frozenset[str]] = set()

    def walk(code: str, path: list[str]) -> None:
        for member in members.get(code, []):
            if member in path:
                cycle = path[path.index(member):] + [member]
                if frozenset(cycle) not in reported and len(cycle) > 2:
                    reported.add(frozenset(cycle))
                    label, line = where[cycle[0]]
                    cat.errors.append(InputError(label, line, "field.member_cycle",
                                                 chain=" → ".join(cycle)))
                continue
            walk(member, path + [member])

    for code in members:
        walk(code, [code])


def _refuse_parent_cycles(cat: Catalog, known_units: list[dict[str, Any]],
                          where: dict[str, tuple[str, int | None]]) -> None:
    """A unit may not be its own ancestor: escalation walks up the parents and would loop."""
    parent = {r["code"]: r.get("parent_code") for r in known_units}
    parent.update({r["code"]: r["parent_code"] for r in cat.units})
    reported: set[str] = set()
    for code in where:
        seen = [code]
        node = parent.get(code)
        while node is not None and node not in seen and len(seen) <= len(parent):
            seen.append(node)
            node = parent.get(node)
        if node != code or code in reported:
            continue
        reported.update(seen)
        label, line = where[code]
        cat.errors.append(InputError(label, line, "field.parent_cycle",
                                     cycle=" → ".join([*seen, code])))


def _resolve(cat: Catalog, index: UnitIndex, ref: str, province: str | None, label: str,
             line: int | None, fieldname: str) -> str | None:
    # Remembered per index (built whole before any plan is read): every task names its
    # units again, and a province's plans name the same few dozen.
    memo = index.__dict__.setdefault("_resolved", {})
    key = (ref, province, len(index.units))
    found = memo.get(key, memo)
    if found is memo:
        found = memo[key] = index.resolve(ref, province)
    if isinstance(found, str):
        return found
    if found is None:
        cat.errors.append(InputError(label, line, "field.unknown_unit", field=fieldname, ref=ref))
    else:
        cat.errors.append(InputError(label, line, "field.ambiguous_alias", alias=ref,
                                     units=", ".join(found)))
    return None


@lru_cache(maxsize=200_000)
def _parse_deadline(text: str, anchor: dt.date | None,
                    calendar: WorkCalendar | None) -> dl.Deadline | DondocError:
    """dl.parse, remembered: a national catalog says "Quý II/2025" thousands of times, and
    parsing was a fifth of reading it. A phrase's meaning depends only on these three."""
    try:
        return dl.parse(text, anchor, calendar.add_working_days if calendar else None)
    except DondocError as exc:
        return exc


def _deadline(cat: Catalog, text: str, label: str, line: int | None,
              fieldname: str, anchor: dt.date | None = None,
              calendar: WorkCalendar | None = None) -> dl.Deadline | None:
    found = _parse_deadline(text, anchor, calendar)
    if isinstance(found, DondocError):
        cat.errors.append(InputError(label, line, "field.deadline", field=fieldname,
                                     problem=str(found)))
        return None
    return found


def _unreadable(text: str, anchor: dt.date | None, calendar: WorkCalendar) -> bool:
    return isinstance(_parse_deadline(text, anchor, calendar), DondocError)


def _policy(spec: Any) -> dict[str, Any] | None:
    if spec is None:
        return None
    return {k: v for k, v in spec.model_dump().items() if v is not None} or None


def _read_plan(cat: Catalog, label: str, data: LineDict, parsed: PlanFile, index: UnitIndex,
               calendar: WorkCalendar) -> PlanBundle | None:
    errors_before = len(cat.errors)
    p = parsed.plan
    issuer = _resolve(cat, index, p.issuer, None, label, _field_line(data, "plan", "issuer"),
                      "plan.issuer")
    province = index.units[issuer].province if issuer else None

    def unit(ref: str | None, *loc: Any, fieldname: str) -> str | None:
        if ref is None:
            return None
        return _resolve(cat, index, ref, province, label, _field_line(data, *loc), fieldname)

    coordinator = unit(p.coordinator, "plan", "coordinator", fieldname="plan.coordinator")
    horizon = _deadline(cat, p.horizon, label, _field_line(data, "plan", "horizon"), "plan.horizon")
    if horizon and horizon.due is None:
        cat.errors.append(InputError(label, _field_line(data, "plan", "horizon"), "field.deadline",
                                     field="plan.horizon",
                                     problem=t("deadline.unknown", text=p.horizon)))
        horizon = None
    plan_row = {
        "code": p.code, "title": p.title, "number": p.number, "kind": p.kind,
        "issuer_code": issuer, "issued_on": p.issued_on, "implements": p.implements or None,
        "horizon_text": p.horizon,
        "horizon_start": (horizon.start or p.issued_on) if horizon else None,
        "horizon_end": horizon.due if horizon else None,
        "coordinator_code": coordinator, "source": p.source, "notes": p.notes or None,
        "policy": _policy(p.reminders), "file_path": label,
    }
    plan_row["content_hash"] = content_hash(plan_row)

    tasks: list[dict[str, Any]] = []
    first_line: dict[str, int | None] = {}
    for i, spec in enumerate(parsed.tasks):
        line = _field_line(data, "tasks", i)
        if spec.code in first_line:
            cat.errors.append(InputError(label, _field_line(data, "tasks", i, "code"),
                                         "field.dup_task", code=spec.code,
                                         first=first_line[spec.code]))
            continue
        first_line[spec.code] = line
        row = _task_row(cat, label, data, i, spec, horizon, plan_row, unit, calendar)
        if row:
            row["content_hash"] = content_hash({k: row.get(k) for k in TASK_FILE_COLUMNS})
            row["source_line"] = line
            tasks.append(row)

    targets: list[dict[str, Any]] = []
    first_target: dict[str, int | None] = {}
    for i, spec in enumerate(parsed.targets):
        line = _field_line(data, "targets", i)
        if spec.code in first_target:
            cat.errors.append(InputError(label, _field_line(data, "targets", i, "code"),
                                         "field.dup_target", code=spec.code,
                                         first=first_target[spec.code]))
            continue
        first_target[spec.code] = line
        row = {
            "code": spec.code, "section": spec.section, "area": spec.area,
            "indicator": spec.indicator, "unit_of_measure": spec.unit_of_measure,
            "owner_code": unit(spec.owner, "targets", i, "owner", fieldname="owner"),
            "values": {str(k): v for k, v in sorted(spec.values.items())} or None,
            "note": spec.note, "source_line": line,
        }
        row["content_hash"] = content_hash(row)
        targets.append(row)

    if len(cat.errors) > errors_before:
        return None
    return PlanBundle(plan_row, tasks, targets, label)


def _first_occurrence_from(plan_row: dict[str, Any]) -> dt.date | None:
    if plan_row["issued_on"]:
        return plan_row["issued_on"] + FIRST_OCCURRENCE_GRACE
    return plan_row["horizon_start"]


def _recurrence_start(plan_row: dict[str, Any], parsed: dl.Deadline) -> dt.date | None:
    # "từ năm 2024 trở đi" in a plan of 2022 starts in 2024, not at the plan's first grace.
    first = _first_occurrence_from(plan_row)
    if parsed.start and (first is None or parsed.start > first):
        return parsed.start
    return first


def _task_row(cat: Catalog, label: str, data: LineDict, i: int, spec: TaskSpec,
              horizon: dl.Deadline | None, plan_row: dict[str, Any],
              unit: Callable[..., str | None], calendar: WorkCalendar) -> dict[str, Any] | None:
    leads: list[str] = []
    lead_refs = spec.lead if isinstance(spec.lead, list) else [spec.lead] if spec.lead else []
    for j, ref in enumerate(lead_refs):
        loc = ("tasks", i, "lead", j) if isinstance(spec.lead, list) else ("tasks", i, "lead")
        code = unit(ref, *loc, fieldname="lead")
        if code and code not in leads:
            leads.append(code)
    lead = leads[0] if leads else None
    coordinators = []
    for j, ref in enumerate(spec.coordinators):
        code = unit(ref, "tasks", i, "coordinators", j, fieldname="coordinators")
        if code and code not in leads and code not in coordinators:
            coordinators.append(code)
    inferred = spec.deadline_inferred
    if spec.deadline is None:
        parsed = horizon
        text = plan_row["horizon_text"]
        inferred = True
    elif inferred and _unreadable(spec.deadline, plan_row["issued_on"], calendar):
        # Marked deadline_inferred: the document's words are kept for people to read, and
        # the plan's horizon stands in until someone rewrites them in the grammar.
        parsed = horizon
        text = spec.deadline
    else:
        parsed = _deadline(cat, spec.deadline, label, _field_line(data, "tasks", i, "deadline"),
                           "deadline", plan_row["issued_on"], calendar)
        text = spec.deadline
    if parsed is None:
        return None
    recurring = parsed.kind == "recurring"
    return {
        "code": spec.code, "section": spec.section, "title": spec.title,
        "category": spec.category, "lead_code": lead, "leads": leads or None,
        "coordinators": coordinators or None,
        "deadline_text": text, "deadline_inferred": inferred, "deadline_kind": parsed.kind,
        "deadline_start": parsed.start, "deadline_due": parsed.due, "rrule": parsed.rrule,
        "rrule_start": _recurrence_start(plan_row, parsed) if recurring else None,
        # An explicit end ("hằng năm đến năm 2025") wins; otherwise the plan's horizon.
        "rrule_until": (parsed.until or plan_row["horizon_end"]) if recurring else None,
        "deadline_labels": dl.labels_json(parsed.labels) if recurring else None,
        "deliverable": spec.deliverable, "budget_vnd": spec.budget_vnd,
        "funding_source": spec.funding, "stage": spec.stage, "policy": _policy(spec.reminders),
        "note": spec.note, "declared_state": spec.status,
        "declared_completed_on": spec.completed_on, "declared_progress": spec.progress,
        "nominal_effective_due": calendar.effective_due(parsed.due) if parsed.due else None,
        # Where the file names the lead: a disagreement with the app is reported there.
        "lead_line": _field_line(data, "tasks", i, "lead") or _field_line(data, "tasks", i),
    }


# ------------------------------------------------------------------------ streaming

# A unit registry starts with `units:` at the left margin; a plan file with `plan:`.
_REGISTRY_KEY = re.compile(rb"^units[ \t]*:", re.MULTILINE)


def looks_like_registry(raw: bytes) -> bool:
    """Whether a file must be read in the registry pass: registries, and anything that does
    not look like a plan file (read_catalog's own classification then reports it)."""
    return bool(_REGISTRY_KEY.search(raw)) or not re.search(rb"^plan[ \t]*:", raw, re.MULTILINE)


class StreamReader:
    """The reader of `read_catalog`, one plan file at a time, for loads that must not hold a
    national catalog in memory: the registries first (every plan resolves its units
    against them), then each plan file on its own, its rows handed back and forgotten.

    Errors collect in `errors` in the same words as read_catalog's."""

    def __init__(self, known_units: list[dict[str, Any]] | None = None,
                 calendar: WorkCalendar | None = None) -> None:
        self.calendar = calendar or default_calendar()
        self.known_units = known_units or []
        self.cat = Catalog()
        self.index = UnitIndex()
        self._seen_plans: dict[str, str] = {}

    @property
    def errors(self) -> list[InputError]:
        return self.cat.errors

    @property
    def units(self) -> list[dict[str, Any]]:
        return self.cat.units

    def read_registries(self, files: list[tuple[str, bytes]]) -> None:
        """Parse the registries (label, bytes) and build the unit index."""
        from dondoc.catalog.files.yamlio import parse_yaml_bytes

        unit_docs: list[tuple[str, Any, UnitsFile]] = []
        for label, raw in files:
            try:
                data = parse_yaml_bytes(raw, label)
            except InputError as exc:
                self.cat.errors.append(exc)
                continue
            if not (isinstance(data, dict) and "units" in data):
                self.cat.errors.append(InputError(label, getattr(data, "line", 1) or 1,
                                                  "file.not_catalog"))
                continue
            try:
                unit_docs.append((label, data, UnitsFile.model_validate(data)))
            except ValidationError as exc:
                self.cat.errors.extend(_pydantic_errors(exc, data, label))
        self.index = _build_unit_index(self.cat, unit_docs, self.known_units)

    def index_fingerprint(self) -> str:
        """What plan files' unit references resolve against: code, name, province, aliases
        of every unit the index holds, however it got them (database or registry)."""
        digest = hashlib.sha256()
        by_key: dict[str, list[str]] = {}
        for key, codes in self.index._by_key.items():  # noqa: SLF001 (same package)
            for code in codes:
                by_key.setdefault(code, []).append(key)
        for code in sorted(self.index.units):
            entry = self.index.units[code]
            digest.update(orjson.dumps([code, entry.name, entry.province,
                                        sorted(by_key.get(code, []))]))
        return digest.hexdigest()

    def claim_plan_code(self, code: str, label: str, line: int | None = None) -> bool:
        """Note that `label` holds plan `code`; False (and an error) if a file before it did."""
        if code in self._seen_plans:
            self.cat.errors.append(InputError(label, line, "field.dup_plan", code=code,
                                              first=self._seen_plans[code]))
            return False
        self._seen_plans[code] = f"{label}:{line}" if line else label
        return True

    def read_plan(self, label: str, raw: bytes) -> PlanBundle | None:
        """Parse and check one plan file; None when it has errors (now in `errors`)."""
        from dondoc.catalog.files.yamlio import parse_yaml_bytes

        try:
            data = parse_yaml_bytes(raw, label)
        except InputError as exc:
            self.cat.errors.append(exc)
            return None
        if not (isinstance(data, dict) and "plan" in data and "units" not in data):
            self.cat.errors.append(InputError(label, getattr(data, "line", 1) or 1,
                                              "file.not_catalog"))
            return None
        try:
            parsed = PlanFile.model_validate(data)
        except ValidationError as exc:
            self.cat.errors.extend(_pydantic_errors(exc, data, label))
            return None
        if not self.claim_plan_code(parsed.plan.code, label, _field_line(data, "plan", "code")):
            return None
        return _read_plan(self.cat, label, data, parsed, self.index, self.calendar)
