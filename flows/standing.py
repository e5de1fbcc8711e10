"""The standing flows: daily catalog sync, daily catch-up sweep, weekly digest.

They are thin: each calls one step in tasks/ and logs what it did.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task


@task(name="load-catalog")
def load_catalog_step() -> dict[str, Any]:
    from dondoc.catalog.store.engines import engine_for
    from dondoc.catalog.store.streamload import load_path
    from dondoc.catalog.settings import settings, shipped_plans_dir

    # Streamed like `dondoc catalog load`: unchanged files are skipped unread, so the daily
    # sync of a national catalog costs seconds when nothing changed.
    outcome = load_path(engine_for(), settings().catalog or shipped_plans_dir())
    if outcome.errors:
        raise ValueError("\n".join(e.render() for e in outcome.errors))
    return outcome.summary.as_json()


@task(name="sync-schedules", retries=2, retry_delay_seconds=[10, 60])
async def sync_step() -> dict[str, int]:
    from dondoc.catalog.store.engines import engine_for
    from dondoc.catalog.settings import prefect_api_url, today
    from dondoc.flows.deployments import SyncRecord, sync, wanted_state

    engine = engine_for()
    return (await sync(wanted_state(engine, today()),
                       record=SyncRecord(engine, prefect_api_url()))).as_json()


@flow(name="sync-catalog", flow_run_name="đồng bộ danh mục")
async def sync_catalog() -> dict[str, Any]:
    """Load the catalog files, then bring Prefect's schedules in line (only what changed)."""
    loaded = load_catalog_step()
    synced = await sync_step()
    get_run_logger().info("loaded %s; synced %s", loaded, synced)
    return {"loaded": loaded, "synced": synced}


@flow(name="catch-up-sweep", flow_run_name="quét bù")
def catch_up_sweep(as_of: str | None = None) -> dict[str, Any]:
    """Send whatever is due and not yet in the ledger, for every task (the scheduler may lag)."""
    from dondoc.tasks.flow_steps import sweep_all

    result = sweep_all(as_of)
    get_run_logger().info("sweep: %s", result)
    return result


@flow(name="weekly-digest", flow_run_name="bản tin tuần")
def weekly_digest(as_of: str | None = None) -> dict[str, Any]:
    """One message per unit: its overdue and due-soon tasks."""
    from dondoc.tasks.flow_steps import digest_all

    result = digest_all(as_of)
    get_run_logger().info("digest: %s", result)
    return result
