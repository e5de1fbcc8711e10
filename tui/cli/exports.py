"""`dondoc export xlsx` and `dondoc export ics`: the catalog out to the files offices use."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dondoc.tui.cli.common import AsOfOpt, PlanOpt, UnitOpt, reader, task_filter

OutFile = Annotated[Path, typer.Option("-o", "--output", help="File to write.")]


def _check_target(path: Path) -> None:
    from dondoc.catalog.i18n import DondocError

    if path.is_dir():
        raise DondocError("export.is_folder", path=path)
    if not path.parent.is_dir():
        raise DondocError("export.no_folder", path=path)


def register(app: typer.Typer) -> None:
    """Add the `export` command group to the top-level app."""
    export_app = typer.Typer(help="Xuất tệp cho cơ quan (XLSX, iCalendar).", no_args_is_help=True)
    app.add_typer(export_app, name="export")

    @export_app.command("xlsx")
    def export_xlsx(output: OutFile, plan: PlanOpt = None, unit: UnitOpt = None,
                    as_of: AsOfOpt = None) -> None:
        """The tracking workbook: a sheet per plan, a summary by lead unit."""
        from dondoc.catalog.files.workbook import write_workbook
        from dondoc.catalog.i18n import nt, t
        from dondoc.catalog.store.exportrows import plan_infos, task_extras

        _check_target(output)
        rdr = reader()
        f = task_filter(rdr, as_of, plan, unit)
        items = list(rdr.items(f))
        counts = write_workbook(output, items, plan_infos(rdr), task_extras(rdr, plan), f.as_of)
        print(t("export.written", path=output, count=len(items), what=t("export.what.tasks"))
              + " " + nt("export.plans", len(counts) - 1))

    @export_app.command("ics")
    def export_ics(output: OutFile, unit: UnitOpt = None, plan: PlanOpt = None,
                   as_of: AsOfOpt = None) -> None:
        """Open tasks as all-day calendar events with a reminder alarm."""
        import datetime as dt

        from dondoc.catalog.files.ics import write_calendar
        from dondoc.catalog.i18n import t
        from dondoc.catalog.store.exportrows import plan_infos, task_extras

        _check_target(output)
        rdr = reader()
        f = task_filter(rdr, as_of, plan, unit)
        stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        n = write_calendar(output, rdr.items(f), plan_infos(rdr), task_extras(rdr, plan),
                           rdr.calendar, stamp)
        print(t("export.written", path=output, count=n, what=t("export.what.events")))
