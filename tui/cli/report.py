"""`dondoc report submit`: a unit reports progress on a task, or a target's actual figure."""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Optional

import typer

from dondoc.catalog.i18n import DondocError, t
from dondoc.tui.cli.common import JsonOpt, engine, parse_date
from dondoc.tui.cli.output import print_json



def _one(rows: list[tuple[Any, ...]], what: str, ref: str, plan: str | None) -> tuple[Any, ...]:
    if len(rows) == 1:
        return rows[0]
    if not rows:
        raise DondocError("report.not_found", what=t(f"report.what.{what}"),
                          ref=ref if not plan else f"{plan}/{ref}")
    raise DondocError("report.ambiguous", what=t(f"report.what.{what}"), ref=ref,
                      plans=", ".join(sorted(str(r[1]) for r in rows)))


def _find(conn: Any, what: str, plan: str | None, ref: str) -> tuple[int, str, str]:
    """(id, plan code, code) of a live task or target named 'CODE' or 'PLAN/CODE'."""
    from dondoc.catalog.store.actions import find_live

    if plan is None and "/" in ref:
        plan, ref = ref.rsplit("/", 1)
    row = _one(find_live(conn, what, ref, plan), what, ref, plan)
    return int(row[0]), str(row[1]), str(row[2])


def resolve_task(plan: str | None, ref: str) -> tuple[int, str, str]:
    with engine().connect() as conn:
        return _find(conn, "task", plan, ref)


def submit(
    task: Annotated[Optional[str], typer.Option("--task", help="help.opt.report_task")] = None,
    target: Annotated[Optional[str], typer.Option("--target", help="help.opt.report_target")] = None,
    plan: Annotated[Optional[str], typer.Option("--plan", help="help.opt.report_plan")] = None,
    unit: Annotated[Optional[str], typer.Option("--unit", help="help.opt.report_unit")] = None,
    progress: Annotated[Optional[int], typer.Option("--progress", help="help.opt.progress")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="help.opt.note")] = None,
    difficulties: Annotated[Optional[str], typer.Option("--difficulties", help="help.opt.difficulties")] = None,
    proposals: Annotated[Optional[str], typer.Option("--proposals", help="help.opt.proposals")] = None,
    extension_to: Annotated[Optional[str], typer.Option("--extension-to", help="help.opt.extension_to")] = None,
    occurrence: Annotated[Optional[str], typer.Option("--occurrence", help="help.opt.occurrence")] = None,
    done: Annotated[bool, typer.Option("--done", help="help.opt.done")] = False,
    year: Annotated[Optional[int], typer.Option("--year", help="help.opt.year")] = None,
    value: Annotated[Optional[str], typer.Option("--value", help="help.opt.value")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a unit's progress report on a task, or a target's actual figure for a year."""
    if (task is None) == (target is None):
        raise DondocError("report.task_or_target")
    unit_code = None
    if unit:
        from dondoc.catalog.store.queries import Reader
        from dondoc.tui.cli.common import resolve_unit
        unit_code = resolve_unit(Reader(engine()), unit)
    result = (_submit_target(target, plan, year, value, note, unit_code) if target
              else _submit_task(task, plan, unit_code, progress, note, difficulties, proposals,
                                extension_to, occurrence, done))
    if as_json:
        print_json(result)
    else:
        print(_sentence(result))


def _sentence(result: dict[str, Any]) -> str:
    """What was recorded, said as a person would say it."""
    if "target" in result:
        return t("report.recorded_target", plan=result["plan"], target=result["target"],
                 year=result["year"], value=result["value"])
    parts = [t("report.recorded_task", plan=result["plan"], task=result["task"])]
    if result["progress"] is not None:
        parts.append(t("report.part.progress", progress=result["progress"]))
    if result["occurrence"]:
        parts.append(t("report.part.occurrence", day=result["occurrence"]))
    if result["done"]:
        parts.append(t("report.part.done"))
    if result["extension_requested_to"]:
        parts.append(t("report.part.extension", day=result["extension_requested_to"]))
    return parts[0] + (": " + "; ".join(parts[1:]) if len(parts) > 1 else "") + "."


def _submit_task(ref: str | None, plan: str | None, unit_code: str | None, progress: int | None,
                 note: str | None, difficulties: str | None, proposals: str | None,
                 extension_to: str | None, occurrence: str | None, done: bool) -> dict[str, Any]:
    from dondoc.catalog.store import actions
    from dondoc.catalog.store.queries import Filter, Reader

    assert ref is not None
    task_id, plan_code, code = resolve_task(plan, ref)
    eng = engine()
    occ: dt.date | None = parse_date(occurrence) if occurrence else None
    if occ is None:
        # A recurring duty's report answers the reporting unit's current occurrence (its
        # overdue one, else the next); the task's own when the unit is not known yet.
        for rec in Reader(eng).records(Filter(as_of=parse_date(None), plan=plan_code)):
            if rec.id == task_id:
                if rec.kind == "recurring":
                    mine = [a for a in rec.assignments if a.unit == unit_code] or [
                        a for a in rec.assignments if a.role == "lead"][:1]
                    due = mine[0].occurrence if mine and unit_code else rec.due
                    occ = dt.date.fromisoformat(due) if due else None
                break
    result = actions.report_unit(
        eng, task_id, unit_code=unit_code, progress=progress, done=done, note=note,
        occurrence=occ, difficulties=difficulties, proposals=proposals,
        extension_requested_to=parse_date(extension_to) if extension_to else None)
    return {"plan": plan_code, "task": code, "unit": result.after.get("unit", unit_code),
            "progress": _unit_progress(result.after),
            "occurrence": occ.isoformat() if occ else None, "done": done,
            "task_done": result.after.get("state") == "done",
            "extension_requested_to": extension_to, "audit_id": result.audit_id}


def _unit_progress(after: dict[str, Any]) -> Any:
    rows = after.get("assignment_rows")
    return rows[0]["progress"] if rows else after.get("progress")


def _submit_target(ref: str, plan: str | None, year: int | None, value: str | None,
                   note: str | None, unit_code: str | None) -> dict[str, Any]:
    from dondoc.catalog.store.actions import record_target_actual

    if year is None or value is None:
        raise DondocError("report.target_needs_year_value")
    number: float | None
    if not 1990 <= year <= 2100:
        raise DondocError("report.bad_year", value=year)
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = None
    if number is not None and not math.isfinite(number):
        # NaN and infinity are not figures; stored, they would poison every total.
        raise DondocError("report.bad_value", value=value)
    eng = engine()
    with eng.begin() as conn:
        tid, plan_code, code = _find(conn, "target", plan, ref)
        record_target_actual(conn, tid, plan_code, code, year, number, value, note, unit_code)
    return {"plan": plan_code, "target": code, "year": year, "value": number if number is not None else value}


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="help.group.report", no_args_is_help=True)
    group.command("submit", help="help.cmd.report_submit")(submit)
    app.add_typer(group, name="report")
