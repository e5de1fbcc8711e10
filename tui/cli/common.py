"""What every command module shares: option types, date and engine helpers.

Command modules import heavy libraries (Prefect, Textual, Apprise) inside their command
functions only, so that registering them costs nothing at start-up. Help texts are message
keys ("help.json"); the app builder puts them in the chosen language.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer


JsonOpt = Annotated[bool, typer.Option("--json", help="help.opt.json")]
AsOfOpt = Annotated[Optional[str], typer.Option("--as-of", help="help.opt.as_of")]
PlanOpt = Annotated[Optional[str], typer.Option("--plan", help="help.opt.plan")]
UnitOpt = Annotated[Optional[str], typer.Option("--unit", help="help.opt.unit")]


# Typer-free, so that dondoc.tui.cli.fast can use them without importing typer.
from dondoc.tui.cli.readpath import (BadInput, engine, parse_date, reader,  # noqa: E402,F401
                                     resolve_unit, task_filter)
