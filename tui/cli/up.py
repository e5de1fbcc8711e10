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
from dondoc.tui.cli.common import app, engine
from dondoc.tui.cli.output import error_line


def _say(vi: str, en: str) -> None:
    from dondoc.catalog.i18n import lang
    print(en if lang() == "en" else vi, flush=True)


@app.command("up")
def up(no_worker: Annotated[bool, typer.Option("--no-worker", help="Do not start a worker.")] = False,
       exit_after_sweep: Annotated[bool, typer.Option(
           "--exit-after-sweep", help="Stop once the first sweep has finished (for scripts).")] = False) -> None:
    """Start everything on this machine and keep it running until Ctrl-C."""
    import asyncio

    from dondoc.catalog.store.engines import mask_url
    from dondoc.catalog.store.loader import load_catalog, read_for_load
    from dondoc.catalog.store.queries import Filter, Reader
    from dondoc.catalog.settings import prefect_api_url
    from dondoc.tui.cli.sync import use_prefect_env
    from dondoc.flows.runtime import LocalStack, healthy

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
        _say(f"Cơ sở dữ liệu: {mask_url(database_url())}", f"Database: {mask_url(database_url())}")
        _say("Danh mục: " + _changes(loaded.as_json()), "Catalog: " + _changes(loaded.as_json()))

        started = stack.start_server() if not external else False
        if not healthy():
            raise SystemExit(f"Prefect: {prefect_api_url()} không trả lời / does not answer")
        _say(("Đã khởi động" if started else "Dùng") + f" máy chủ Prefect: {prefect_api_url()}",
             ("Started" if started else "Using") + f" Prefect server: {prefect_api_url()}")

        sweep_run = asyncio.run(_deploy_and_kick(eng))
        if not no_worker:
            from dondoc.flows.deployments import WORK_POOL
            stack.start_worker(WORK_POOL)
        day = today()
        overdue = Reader(eng).count_overdue(Filter(as_of=day))
        ui = prefect_api_url().removesuffix("/api")
        _say(f"Quá hạn hôm nay ({day.strftime('%d/%m/%Y')}): {overdue} nhiệm vụ",
             f"Overdue today ({day.isoformat()}): {overdue} tasks")
        _say(f"Giao diện Prefect: {ui}\nHộp thư đi (outbox): {dondoc_home() / 'outbox'}\n"
             f"Báo cáo sơ kết: {dondoc_home() / 'reports'}\n"
             "Màn hình điều phối: dondoc tui · Dừng: Ctrl-C",
             f"Prefect UI: {ui}\nOutbox: {dondoc_home() / 'outbox'}\n"
             f"Review reports: {dondoc_home() / 'reports'}\n"
             "Coordinator screen: dondoc tui · Stop: Ctrl-C")
        while not stopping:
            state = asyncio.run(_run_state(sweep_run))
            if exit_after_sweep and state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
                _say(f"Quét bù xong: {state}", f"Sweep finished: {state}")
                if state != "COMPLETED":
                    raise SystemExit(1)
                break
            time.sleep(2)
    except KeyboardInterrupt:
        _say("Đang dừng…", "Stopping…")
    finally:
        stopping = True
        stack.stop()


def _external_prefect() -> bool:
    """A Prefect server the user pointed at: use it, start none."""
    from dondoc.catalog.settings import settings
    return settings().external_prefect


def _changes(summary: dict[str, dict[str, int]]) -> str:
    return "; ".join(f"{k}: " + ", ".join(f"{n} {a}" for a, n in v.items())
                     for k, v in summary.items())


async def _deploy_and_kick(eng) -> str:  # type: ignore[no-untyped-def]
    """Sync plan schedules and standing deployments; start a catch-up sweep now."""
    from prefect.client.orchestration import get_client

    from dondoc.catalog.settings import prefect_api_url
    from dondoc.flows.deployments import SyncRecord, sync, wanted_state
    from dondoc.flows.deployments import apply_standing

    synced = await sync(wanted_state(eng, today()), record=SyncRecord(eng, prefect_api_url()))
    _say("Lịch nhắc việc: " + ", ".join(f"{k} {v}" for k, v in synced.as_json().items()),
         "Reminder schedules: " + ", ".join(f"{k} {v}" for k, v in synced.as_json().items()))
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
