"""`dondoc sync`: the catalog's plans and tasks as Prefect deployments and schedules."""

from __future__ import annotations

import os
import sys
from typing import Optional

import typer

from dondoc.tui.cli.common import JsonOpt, PlanOpt, app, engine, parse_date
from dondoc.tui.cli.output import print_json


def use_prefect_env() -> None:
    """Point the Prefect client at dondoc's server before prefect is imported."""
    from dondoc.catalog.settings import prefect_env
    for key, value in prefect_env().items():
        os.environ.setdefault(key, value)


@app.command("sync")
def sync(plan: PlanOpt = None, as_json: JsonOpt = False,
         as_of: Optional[str] = typer.Option(None, "--as-of", help="Compute the schedules as of this day."),
         full: bool = typer.Option(False, "--full", help="Compare every plan with the server, not with the last sync.")) -> None:
    """Write only what changed: a deployment per plan, a schedule per task."""
    import asyncio

    use_prefect_env()
    from dondoc.catalog.i18n import lang
    from dondoc.catalog.settings import prefect_api_url
    from dondoc.flows.deployments import SyncRecord, wanted_state
    from dondoc.flows.deployments import sync as run_sync

    eng = engine()
    wanted = wanted_state(eng, parse_date(as_of), plan=plan)
    record = SyncRecord(eng, prefect_api_url())
    total = sum(len(d.schedules) for d in wanted)
    advance = None
    bar = None
    if sys.stderr.isatty() and not as_json:
        from rich.console import Console
        from rich.progress import Progress
        bar = Progress(console=Console(stderr=True), transient=True)
        bar.start()
        handle = bar.add_task("Đồng bộ lịch" if lang() != "en" else "Syncing schedules", total=total)
        advance = lambda n: bar.advance(handle, n)  # noqa: E731
    try:
        summary = asyncio.run(run_sync(wanted, progress=advance, record=record, full=full))
    finally:
        if bar:
            bar.stop()
    result = summary.as_json()
    if as_json:
        print_json(result)
        return
    en = lang() == "en"
    print(("Deployments: {deployments_created} created, {deployments_updated} updated, "
           "{deployments_unchanged} unchanged. Schedules: {created} created, {updated} updated, "
           "{deactivated} deactivated, {unchanged} unchanged. Writes: {writes}." if en else
           "Triển khai (deployment): tạo {deployments_created}, cập nhật {deployments_updated}, "
           "giữ nguyên {deployments_unchanged}. Lịch: tạo {created}, cập nhật {updated}, "
           "tắt {deactivated}, giữ nguyên {unchanged}. Số lần ghi: {writes}.").format(**result))
