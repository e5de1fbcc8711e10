"""`dondoc plans|tasks|overdue`: read-only questions, answered from the domain alone.

Nothing here imports Prefect, Textual, Apprise, SQLAlchemy or pydantic on the way to an
answer: these are the commands people run all day, and they must answer at once. The work
itself is in dondoc.tui.cli.readpath, which dondoc.tui.cli.fast calls without typer.
"""

from __future__ import annotations

from typing import Annotated

import typer

from dondoc.tui.cli.common import AsOfOpt, JsonOpt, PlanOpt, UnitOpt
from dondoc.tui.cli.readpath import PLAN_COLUMNS, run_overdue, run_plans, run_tasks  # noqa: F401


def plans(as_json: JsonOpt = False) -> None:
    """The plans in the catalog, with task, target and budget totals."""
    run_plans(as_json)


def tasks(plan: PlanOpt = None, unit: UnitOpt = None, as_of: AsOfOpt = None,
          as_json: JsonOpt = False, unassigned: Annotated[bool, typer.Option(
              "--unassigned", help="help.opt.unassigned")] = False) -> None:
    """Every live task with its status on the as-of date."""
    run_tasks(plan, unit, as_of, as_json, unassigned)


def overdue(as_of: AsOfOpt = None, plan: PlanOpt = None, unit: UnitOpt = None,
            count: Annotated[bool, typer.Option("--count", help="help.opt.count")] = False,
            as_json: JsonOpt = False) -> None:
    """Tasks overdue on the as-of date, worst first."""
    run_overdue(as_of, plan, unit, count, as_json)


def register(app: typer.Typer) -> None:
    app.command("plans", help="help.cmd.plans")(plans)
    app.command("tasks", help="help.cmd.tasks")(tasks)
    app.command("overdue", help="help.cmd.overdue")(overdue)
