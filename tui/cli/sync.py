"""`dondoc sync`: the catalog's plans and tasks as Prefect deployments and schedules."""

from __future__ import annotations

import os
from typing import Optional

import typer

from dondoc.catalog.i18n import t
from dondoc.tui.cli.common import JsonOpt, PlanOpt, engine, parse_date
from dondoc.tui.cli.output import error_line, print_json
from dondoc.tui.cli.progress import progress


def use_prefect_env() -> None:
    """Point the Prefect client at dondoc's server before prefect is imported."""
    from dondoc.catalog.settings import prefect_env
    for key, value in prefect_env().items():
        os.environ.setdefault(key, value)


def sync(plan: PlanOpt = None, as_json: JsonOpt = False,
         as_of: Optional[str] = typer.Option(None, "--as-of", help="help.opt.sync_as_of"),
         full: bool = typer.Option(False, "--full", help="help.opt.full"),
         concurrency: Optional[int] = typer.Option(
             None, "--concurrency", min=1, help="help.opt.sync_concurrency")) -> None:
    """Write only what changed: a deployment per plan, a schedule per task."""
    import asyncio

    use_prefect_env()
    from dondoc.catalog.settings import prefect_api_url
    from dondoc.flows.deployments import SyncError, SyncRecord, wanted_state
    from dondoc.flows.deployments import sync as run_sync

    eng = engine()
    wanted = wanted_state(eng, parse_date(as_of), plan=plan)
    record = SyncRecord(eng, prefect_api_url())
    total = sum(len(d.schedules) for d in wanted)
    try:
        with progress(t("progress.sync"), total, quiet=as_json) as bar:
            summary = asyncio.run(run_sync(wanted, progress=bar.advance, record=record,
                                           full=full, concurrency=concurrency))
    except SyncError as exc:
        # The plans written before the error are remembered; the next sync resumes there.
        error_line(str(exc))
        raise typer.Exit(1) from None
    result = summary.as_json()
    if as_json:
        print_json(result)
        return
    print(t("sync.summary", **result))


def register(app: typer.Typer) -> None:
    app.command("sync", help="help.cmd.sync")(sync)
