"""`dondoc up`: the main job on the embedded default.

With nothing configured it starts a local Prefect server on 127.0.0.1 (SQLite under
DONDOC_HOME), loads the catalog, syncs every plan task to its schedule, applies the
standing deployments of prefect.yaml, starts a process worker, runs a catch-up sweep at
once, and says where to look. Ctrl-C stops what it started; running it again picks up
where it was (the server's database and dondoc's stay under DONDOC_HOME).
"""

from __future__ import annotations

import signal
import time
from typing import Annotated

import typer

from dondoc.catalog.settings import database_url, dondoc_home, shipped_plans_dir, today
from dondoc.catalog.i18n import nt, t
from dondoc.tui.cli.common import engine
from dondoc.tui.cli.output import changes_line, error_line


def _say(text: str) -> None:
    print(text, flush=True)


def up(no_worker: Annotated[bool, typer.Option("--no-worker", help="help.opt.no_worker")] = False,
       exit_after_sweep: Annotated[bool, typer.Option(
           "--exit-after-sweep", help="help.opt.exit_after_sweep")] = False) -> None:
    """Start everything on this machine and keep it running until Ctrl-C."""
    import asyncio

    from dondoc.catalog.store.engines import mask_url
    from dondoc.catalog.store.loader import load_catalog, read_for_load
    from dondoc.catalog.store.queries import Filter, Reader
    from dondoc.catalog.settings import prefect_api_url
    from dondoc.tui.cli.sync import use_prefect_env
    from dondoc.flows.runtime import LocalStack, healthy
    from dondoc.tui.app.i18n import fmt_date

    external = _external_prefect()
    use_prefect_env()
    stack = LocalStack()
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        if stopping:
            return  # already on the way out: a second Ctrl-C must not cut the clean-up short
        stopping = True
        raise KeyboardInterrupt

    # Both, explicitly: started in the background by a shell, SIGINT arrives ignored and
    # Python then installs no handler of its own, so Ctrl-C (kill -INT) would do nothing.
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        eng = engine()
        cat = read_for_load(eng, shipped_plans_dir())
        if cat.errors:
            for err in cat.errors:
                error_line(err.render())
            raise SystemExit(2)
        loaded = load_catalog(eng, cat)
        _say(t("up.database", url=mask_url(database_url())))
        _say(t("up.catalog", changes=changes_line(loaded.as_json())))

        started = stack.start_server() if not external else False
        if not healthy():
            raise SystemExit(t("up.no_prefect", url=prefect_api_url()))
        _say(t("up.server_started" if started else "up.server_used", url=prefect_api_url()))

        _say(t("up.serve", url=stack.start_serve()))
        sweep_run = asyncio.run(_deploy_and_kick(eng))
        if not no_worker:
            from dondoc.flows.deployments import WORK_POOL
            stack.start_worker(WORK_POOL)
        day = today()
        overdue = Reader(eng).count_overdue(Filter(as_of=day))
        ui = prefect_api_url().removesuffix("/api")
        _say(nt("up.overdue_today", overdue, day=fmt_date(day)))
        _say(t("up.where", ui=ui, outbox=dondoc_home() / "outbox",
               reports=dondoc_home() / "reports"))
        while not stopping:
            state = asyncio.run(_run_state(sweep_run))
            if exit_after_sweep and state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
                _say(t("up.sweep_done", state=state))
                if state != "COMPLETED":
                    raise SystemExit(1)
                break
            time.sleep(2)
    except KeyboardInterrupt:
        _say(t("up.stopping"))
    finally:
        stopping = True
        stack.stop()


def _external_prefect() -> bool:
    """A Prefect server the user pointed at: use it, start none."""
    from dondoc.catalog.settings import settings
    return settings().external_prefect


async def _deploy_and_kick(eng) -> str:  # type: ignore[no-untyped-def]
    """Sync plan schedules and standing deployments; start a catch-up sweep now."""
    from prefect.client.orchestration import get_client

    from dondoc.catalog.settings import prefect_api_url
    from dondoc.flows.deployments import SyncRecord, sync, wanted_state
    from dondoc.flows.deployments import apply_standing

    synced = await sync(wanted_state(eng, today()), record=SyncRecord(eng, prefect_api_url()))
    _say(t("sync.summary", **synced.as_json()))
    async with get_client() as client:
        await apply_standing(client)
        dep = await client.read_deployment_by_name("catch-up-sweep/sweep")
        run = await client.create_flow_run_from_deployment(dep.id, name="quét bù khi khởi động")
    return str(run.id)


async def _run_state(run_id: str) -> str | None:
    from uuid import UUID

    from prefect.client.orchestration import get_client
    async with get_client() as client:
        run = await client.read_flow_run(UUID(run_id))
        return run.state.type.value if run.state else None


def register(app: typer.Typer) -> None:
    app.command("up", help="help.cmd.up")(up)
