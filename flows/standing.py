"""The standing flows: daily catalog sync, daily catch-up sweep (a parent over one child run
per province), weekly digest.

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


# The per-province child of the daily sweep, as "flow name/deployment name".
SWEEP_PROVINCE = "sweep-province/sweep-province"


@flow(name="sweep-province", flow_run_name="quét bù {province}")
def sweep_province(province: str, as_of: str | None = None,
                   also: list[str] | None = None) -> Any:
    """The daily sweep of one province's units (and of the provinces in `also`, when the
    parent deals several provinces to one child): their letters, whole (a unit's letter is
    put together by the one child that keeps the unit)."""
    import orjson

    from prefect.states import Completed

    from dondoc.tasks.flow_steps import sweep_all

    counts: dict[str, int] = {}
    unrouted: set[str] = set()
    for name in [province, *(also or [])]:
        one = sweep_all(as_of, name)
        _add(counts, one["counts"])
        unrouted.update(one["unrouted"])
    result = {"as_of": as_of, "counts": counts, "unrouted": sorted(unrouted)}
    get_run_logger().info("sweep %s: %s", [province, *(also or [])], result)
    # The counts ride in the state's message: the parent reads them from the API, whatever
    # machine ran this child and wherever (if anywhere) results are stored.
    return Completed(message=orjson.dumps(result).decode(), data=result)


@task(name="start-province-sweep", retries=2, retry_delay_seconds=[5, 30])
def start_province(provinces: list[str], as_of: str, parent: str) -> str:
    """Create the child run of these provinces (a subflow of this task in the UI); its id."""
    from prefect.deployments import run_deployment

    province, also = provinces[0], provinces[1:]
    label = province if not also else f"{province} +{len(also)}"
    run = run_deployment(SWEEP_PROVINCE, parameters={"province": province, "as_of": as_of,
                                                     "also": also},
                         timeout=0, as_subflow=True,
                         flow_run_name=f"quét bù {label} {as_of}",
                         # A retried task, or the parent re-run, finds the child it made.
                         idempotency_key=f"sweep:{parent}:{'|'.join(provinces)}")
    return str(run.id)


@task(name="wait-province-sweeps")
def wait_children(runs: dict[str, str], timeout_s: float, poll_s: float = 2.0
                  ) -> dict[str, tuple[str, str | None]]:
    """Each province's final state type and message, once every child has finished (a
    child not final by timeout_s is reported as it stands)."""
    import time
    from uuid import UUID

    from prefect.client.orchestration import get_client

    out: dict[str, tuple[str, str | None]] = {}
    pending = dict(runs)
    deadline = time.monotonic() + timeout_s
    with get_client(sync_client=True) as client:
        while pending:
            for province, run_id in list(pending.items()):
                state = client.read_flow_run(UUID(run_id)).state
                if state is not None and (state.is_final() or time.monotonic() >= deadline):
                    out[province] = (state.type.value, state.message)
                    del pending[province]
            if pending:
                if time.monotonic() >= deadline:
                    out.update({p: ("PENDING", None) for p in pending})
                    break
                time.sleep(poll_s)
    return out


def _add(total: dict[str, int], counts: dict[str, int]) -> None:
    for key, value in counts.items():
        total[key] = total.get(key, 0) + int(value)


def _spread_possible() -> bool:
    """Whether the per-province deployment exists (a parent run outside `dondoc up` or a
    deployed pool sweeps in its own process instead)."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    try:
        with get_client(sync_client=True) as client:
            client.read_deployment_by_name(SWEEP_PROVINCE)
        return True
    except ObjectNotFound:
        return False


@flow(name="catch-up-sweep", flow_run_name="quét bù")
def catch_up_sweep(as_of: str | None = None, spread: bool = True,
                   timeout_s: float = 6 * 3600, children: int = 0) -> Any:
    """Send whatever is due and not yet in the ledger, for every task (the scheduler may lag).

    Spread by province: one child run of the `sweep-province` deployment per province, so
    that the pool's workers share them; this run waits for all and adds up their counts. A
    province that fails is reported by name and fails this run, after every other province
    has had its sweep. Without the deployment (or spread=False), one sweep in this process.
    children > 0 deals the provinces into that many child runs of about equal weight: each
    child run is a process of its own, whose start-up costs seconds of CPU."""
    import orjson

    from prefect.runtime import flow_run
    from prefect.states import Completed, Failed

    from dondoc.catalog.settings import today
    from dondoc.tasks.flow_steps import list_provinces, sweep_all

    logger = get_run_logger()
    day = as_of or today().isoformat()  # one day for every child, even across midnight
    if not spread or not _spread_possible():
        result = sweep_all(day)
        logger.info("sweep: %s", result)
        return Completed(message=orjson.dumps({"counts": result["counts"]}).decode(),
                         data=result)
    shares = list_provinces(children)
    provinces = [p for share in shares for p in share]
    parent = str(flow_run.id or "")
    started = start_province.map(shares, as_of=day, parent=parent)
    runs: dict[str, str] = {}
    failures: dict[str, str] = {}
    for share, future in zip(shares, started):
        name = ", ".join(share)
        future.wait()
        if future.state.is_completed():
            runs[name] = future.result()
        else:
            failures[name] = f"not started: {future.state.message}"
    finals = wait_children(runs, timeout_s)
    counts: dict[str, int] = {}
    unrouted: set[str] = set()
    for province, (state_type, message) in finals.items():
        if state_type == "COMPLETED" and message:
            try:
                child = orjson.loads(message)
                _add(counts, child.get("counts") or {})
                unrouted.update(child.get("unrouted") or ())
                continue
            except (orjson.JSONDecodeError, AttributeError):
                pass
        if state_type != "COMPLETED":
            failures[province] = f"{state_type}: {message or ''}".strip()
    result = {"as_of": day, "provinces": len(provinces), "children": len(shares),
              "counts": counts,
              "unrouted": sorted(unrouted), "failed": dict(sorted(failures.items()))}
    logger.info("sweep of %d provinces: %s", len(provinces), result)
    if failures:
        logger.error("sweep failed in %d provinces: %s", len(failures), failures)
        return Failed(message=orjson.dumps(result).decode(), data=result)
    return Completed(message=orjson.dumps({"counts": counts}).decode(), data=result)


@flow(name="weekly-digest", flow_run_name="bản tin tuần")
def weekly_digest(as_of: str | None = None) -> dict[str, Any]:
    """One message per unit: its overdue and due-soon tasks."""
    from dondoc.tasks.flow_steps import digest_all

    result = digest_all(as_of)
    get_run_logger().info("digest: %s", result)
    return result
