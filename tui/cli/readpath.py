"""What the read commands do, with no typer: dates and filters from options, and the answers
of `dondoc plans|tasks|overdue`.

dondoc.tui.cli.queries registers these as typer commands; dondoc.tui.cli.fast calls them
directly when the arguments are plain, so the everyday commands skip building the app.
"""

from __future__ import annotations

import datetime as dt
import sys

from dondoc.catalog.i18n import DondocError, t
from dondoc.catalog.settings import today

PLAN_COLUMNS = ("code", "title", "issuer", "issued_on", "tasks", "targets", "budget_vnd")


class BadInput(Exception):
    """Already reported on stderr; exit with status 2."""


def parse_date(value: str | None) -> dt.date:
    """A dd/mm/yyyy or yyyy-mm-dd option, or today in Vietnam when absent; a day read from
    something ambiguous (3/4) is said on stderr."""
    from dondoc.catalog.rules.dates import EARLIEST, LATEST, parse_user_date

    if value is None:
        return today()
    try:
        # Only a day without its year (3/4) needs today's, and today costs a time zone.
        day, note = parse_user_date(value)
    except DondocError:
        day, note = parse_user_date(value, today())
    if note:
        # As click.echo(note, err=True) writes it.
        sys.stderr.write(f"{note}\n")
        sys.stderr.flush()
    if not EARLIEST <= day <= LATEST:
        raise DondocError("cli.date_range", value=value, first=EARLIEST.isoformat(),
                          last=LATEST.isoformat())
    return day


def engine():  # type: ignore[no-untyped-def]
    """The database engine, migrated to the newest schema."""
    from dondoc.catalog.store.engines import engine_for
    from dondoc.catalog.settings import database_url
    return engine_for(database_url())


def reader():  # type: ignore[no-untyped-def]
    """The catalog's questions; on a current SQLite database without SQLAlchemy at all."""
    from dondoc.catalog.store.sqlite_read import read_engine
    from dondoc.catalog.store.queries import Reader
    from dondoc.catalog.settings import database_url
    return Reader(read_engine(database_url()) or engine())


def resolve_unit(rdr, ref: str) -> str:  # type: ignore[no-untyped-def]
    """A unit code from --unit, refusing unknown and ambiguous names."""
    found = rdr.find_unit(ref)
    if found is None:
        raise DondocError("cli.no_unit", ref=ref)
    if isinstance(found, list):
        raise DondocError("cli.ambiguous_unit", ref=ref, units=", ".join(sorted(found)))
    return found


def task_filter(rdr, as_of: str | None, plan: str | None, unit: str | None,  # type: ignore[no-untyped-def]
                unassigned: bool = False):
    """A query Filter from command options, refusing unknown plans and units."""
    from dondoc.catalog.store.queries import Filter

    day = parse_date(as_of)
    unit_code = None
    if plan and not rdr.plan_exists(plan):
        raise DondocError("cli.no_plan", code=plan)
    if unit:
        unit_code = resolve_unit(rdr, unit)
    return Filter(as_of=day, plan=plan, unit=unit_code, unassigned=unassigned)


def run_plans(as_json: bool = False) -> None:
    from dondoc.tui.cli.output import cell, print_json

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


def run_tasks(plan: str | None = None, unit: str | None = None, as_of: str | None = None,
              as_json: bool = False, unassigned: bool = False) -> None:
    from dondoc.tui.cli.output import print_task_table, stream_json_documents

    rdr = reader()
    f = task_filter(rdr, as_of, plan, unit, unassigned)
    if as_json:
        stream_json_documents(rdr.json_items(f))
        return
    print_task_table(rdr.items(f))


def run_overdue(as_of: str | None = None, plan: str | None = None, unit: str | None = None,
                count: bool = False, as_json: bool = False) -> None:
    rdr = reader()
    f = task_filter(rdr, as_of, plan, unit)
    if count:
        n = rdr.count_overdue(f)
        if as_json:
            from dondoc.tui.cli.output import print_json
            print_json({"count": n, "as_of": f.as_of.isoformat()})
        else:
            print(n)
        return
    from dondoc.tui.cli.output import print_task_table, stream_json_documents

    # Items come oldest effective due first, which for overdue tasks is worst first.
    if as_json:
        stream_json_documents(rdr.json_items(f, statuses=("overdue",)))
        return
    print_task_table(rdr.items(f, statuses=("overdue",)))
