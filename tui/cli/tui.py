"""`dondoc tui`: the coordinator's terminal UI (Textual, imported only when run)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from dondoc.catalog.i18n import set_lang
from dondoc.tui.cli.common import AsOfOpt, PlanOpt, UnitOpt, engine, reader, task_filter


def tui(as_of: AsOfOpt = None, plan: PlanOpt = None, unit: UnitOpt = None,
        lang: Annotated[Optional[str], typer.Option(
            "--lang", help="help.opt.lang")] = None,
        refresh: Annotated[float, typer.Option(
            "--refresh", min=0, help="help.opt.refresh")] = 3.0,
        ) -> None:
    """Overdue items, deadlines, units, targets, quarterly reviews and reminders, in a terminal."""
    if lang:
        set_lang(lang)
    # Bad dates, plans and units are refused here, before the screen takes the terminal.
    f = task_filter(reader(), as_of, plan, unit)
    from dondoc.catalog.store.engines import mask_url
    from dondoc.catalog.settings import database_url
    from dondoc.tui.app.app import DondocApp

    DondocApp(engine(), as_of=f.as_of, plan=f.plan, unit=f.unit,
              db_label=mask_url(database_url()), refresh_seconds=refresh).run()


def register(app: typer.Typer) -> None:
    app.command("tui", help="help.cmd.tui")(tui)
