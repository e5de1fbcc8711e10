"""`dondoc plans|tasks|overdue`: read-only questions, answered from the domain alone.

Nothing here imports Prefect, Textual, Apprise, SQLAlchemy or pydantic on the way to an
answer: these are the commands people run all day, and they must answer at once.
"""

from __future__ import annotations

from typing import Annotated

import typer

from dondoc.catalog.i18n import t
from dondoc.tui.cli.common import AsOfOpt, JsonOpt, PlanOpt, UnitOpt, reader, task_filter
from dondoc.tui.cli.output import cell, print_json, print_task_table, stream_json_array

PLAN_COLUMNS = ("code", "title", "issuer", "issued_on", "tasks", "targets", "budget_vnd")


def plans(as_json: JsonOpt = False) -> None:
    """The plans in the catalog, with task, target and budget totals."""
    rows = reader().plans()
    if as_json:
        print_json(rows)
        return
    from rich.console import Console
    from rich.table import Table
    table = Table()
    for col in PLAN_COLUMNS:
        table.add_column(t(f"head.plans.{col}"), overflow="fold")
    for r in rows:
        table.add_row(cell(r["code"]), cell(r["title"], 200), cell(r["issuer"]), r["issued_on"] or "",
                      str(r["tasks"]), str(r["targets"]), f"{r['budget_vnd']:,}".replace(",", "."))
    Console().print(table)


def tasks(plan: PlanOpt = None, unit: UnitOpt = None, as_of: AsOfOpt = None,
          as_json: JsonOpt = False, unassigned: Annotated[bool, typer.Option(
              "--unassigned", help="help.opt.unassigned")] = False) -> None:
    """Every live task with its status on the as-of date."""
    rdr = reader()
    f = task_filter(rdr, as_of, plan, unit, unassigned)
    items = rdr.items(f)
    stream_json_array(items) if as_json else print_task_table(items)


def overdue(as_of: AsOfOpt = None, plan: PlanOpt = None, unit: UnitOpt = None,
            count: Annotated[bool, typer.Option("--count", help="help.opt.count")] = False,
            as_json: JsonOpt = False) -> None:
    """Tasks overdue on the as-of date, worst first."""
    rdr = reader()
    f = task_filter(rdr, as_of, plan, unit)
    if count:
        n = rdr.count_overdue(f)
        print_json({"count": n, "as_of": f.as_of.isoformat()}) if as_json else print(n)
        return
    # Items come oldest effective due first, which for overdue tasks is worst first.
    items = rdr.items(f, statuses=("overdue",))
    stream_json_array(items) if as_json else print_task_table(items)


def register(app: typer.Typer) -> None:
    app.command("plans", help="help.cmd.plans")(plans)
    app.command("tasks", help="help.cmd.tasks")(tasks)
    app.command("overdue", help="help.cmd.overdue")(overdue)
