"""`dondoc assign PLAN TASK --lead UNIT ...`: give a task its lead and coordinating units.

The store's assign() does the work (groups stand for their members, audited, reversed by
the store's undo_last, the TUI's undo); this module turns options into a call and an answer.
"""

from __future__ import annotations

from typing import Annotated, Any, Optional

import typer

from dondoc.catalog.i18n import DondocError, t
from dondoc.tui.cli.common import JsonOpt, engine
from dondoc.tui.cli.output import line, print_json


def assign_command(
    plan: Annotated[str, typer.Argument(help="help.arg.plan_code")],
    task: Annotated[str, typer.Argument(help="help.arg.task_code")],
    lead: Annotated[Optional[list[str]], typer.Option("--lead", help="help.opt.assign_lead")] = None,
    coordinator: Annotated[Optional[list[str]], typer.Option(
        "--coordinator", help="help.opt.assign_coordinator")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="help.opt.assign_note")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Assign a task to lead and coordinating units (the app's own assignment)."""
    from dondoc.catalog.store.assignments import assign

    leads, coordinators = list(lead or []), list(coordinator or [])
    if not leads and not coordinators:
        raise DondocError("assign.needs_unit")
    result = assign(engine(), plan, task, leads, coordinators, note=note)
    if as_json:
        print_json({"plan": plan, "task": task, "audit_id": result.audit_id,
                    "assignments": [_row(r) for r in result.after]})
        return
    names = _unit_names([r["unit_code"] for r in result.after])
    by_role = {role: ", ".join(names.get(r["unit_code"], r["unit_code"])
                               for r in result.after if r["role"] == role) or t("assign.nobody")
               for role in ("lead", "coordinator")}
    print(line(t("assign.done", task=result.task_key, leads=by_role["lead"],
                 coordinators=by_role["coordinator"])))


def _row(r: dict[str, Any]) -> dict[str, Any]:
    return {"unit": r["unit_code"], "role": r["role"], "via_group": r["via_group"],
            "note": r["note"]}


def _unit_names(codes: list[str]) -> dict[str, str]:
    from dondoc.catalog.store.queries import Reader

    eng = engine()
    with eng.connect() as conn:
        return Reader(eng).unit_names(conn) if codes else {}


def register(app: typer.Typer) -> None:
    app.command("assign", help="help.cmd.assign")(assign_command)
