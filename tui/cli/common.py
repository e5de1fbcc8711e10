"""What every command module shares: option types, date and engine helpers.

Command modules import heavy libraries (Prefect, Textual, Apprise) inside their command
functions only, so that registering them costs nothing at start-up. Help texts are message
keys ("help.json"); the app builder puts them in the chosen language.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Optional

import typer

from dondoc.catalog.i18n import DondocError
from dondoc.catalog.settings import today

JsonOpt = Annotated[bool, typer.Option("--json", help="help.opt.json")]
AsOfOpt = Annotated[Optional[str], typer.Option("--as-of", help="help.opt.as_of")]
PlanOpt = Annotated[Optional[str], typer.Option("--plan", help="help.opt.plan")]
UnitOpt = Annotated[Optional[str], typer.Option("--unit", help="help.opt.unit")]


class BadInput(Exception):
    """Already reported on stderr; exit with status 2."""


def parse_date(value: str | None) -> dt.date:
    """A dd/mm/yyyy or yyyy-mm-dd option, or today in Vietnam when absent; a day read from
    something ambiguous (3/4) is said on stderr."""
    from dondoc.catalog.rules.dates import parse_user_date

    if value is None:
        return today()
    day, note = parse_user_date(value, today())
    if note:
        typer.echo(note, err=True)
    from dondoc.catalog.files.schema import EARLIEST, LATEST

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
