"""The standing deployments of prefect.yaml, applied through the client.

`prefect deploy --all` does the same from a clean clone; `dondoc up` applies the file itself
so that nothing needs installing or answering, and compares before it writes (a write to a
deployment re-creates its future runs).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tasks.deployments import CODE_ROOT, ensure_work_pool

PREFECT_YAML = CODE_ROOT / "prefect.yaml"


def standing_deployments(path: Path = PREFECT_YAML) -> list[dict[str, Any]]:
    return list((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("deployments") or [])


def _flow_of(entrypoint: str) -> Any:
    """The flow object behind 'flows/file.py:function', imported as a module."""
    import importlib

    file, func = entrypoint.split(":")
    module = importlib.import_module(file.removesuffix(".py").replace("/", "."))
    return getattr(module, func)


def _schedule(spec: dict[str, Any]) -> Any:
    from prefect.client.schemas.schedules import CronSchedule, IntervalSchedule, RRuleSchedule

    tz = spec.get("timezone", "Asia/Ho_Chi_Minh")
    if "cron" in spec:
        return CronSchedule(cron=spec["cron"], timezone=tz)
    if "rrule" in spec:
        return RRuleSchedule(rrule=spec["rrule"], timezone=tz)
    return IntervalSchedule(interval=spec["interval"], timezone=tz)


def _key(schedule: Any, active: bool) -> tuple[Any, ...]:
    return (type(schedule).__name__, getattr(schedule, "cron", None),
            getattr(schedule, "rrule", None), getattr(schedule, "timezone", None), active)


async def apply_standing(client: Any, path: Path = PREFECT_YAML) -> dict[str, int]:
    """Create or update the standing deployments; return how many were created/updated."""
    from prefect.client.schemas.actions import DeploymentScheduleCreate, DeploymentUpdate
    from prefect.exceptions import ObjectNotFound
    from prefect.utilities.callables import parameter_schema

    counts = {"created": 0, "updated": 0, "unchanged": 0}
    pull_steps = [{"prefect.deployments.steps.set_working_directory":
                   {"directory": str(CODE_ROOT)}}]
    for spec in standing_deployments(path):
        flow = _flow_of(spec["entrypoint"])
        pool = (spec.get("work_pool") or {}).get("name", "dondoc")
        await ensure_work_pool(client, pool)
        schedules = [_schedule(s) for s in spec.get("schedules") or []]
        name = f"{flow.name}/{spec['name']}"
        try:
            current = await client.read_deployment_by_name(name)
        except ObjectNotFound:
            current = None
        tags = sorted(spec.get("tags") or [])
        if current is None:
            flow_id = await client.create_flow_from_name(flow.name)
            await client.create_deployment(
                flow_id=flow_id, name=spec["name"], description=spec.get("description"),
                tags=tags, work_pool_name=pool, entrypoint=spec["entrypoint"],
                pull_steps=pull_steps, parameters=spec.get("parameters") or {},
                parameter_openapi_schema=parameter_schema(flow).model_dump_for_openapi(),
                schedules=[DeploymentScheduleCreate(schedule=s, active=True) for s in schedules])
            counts["created"] += 1
            continue
        same_schedules = sorted(_key(s.schedule, s.active) for s in current.schedules or []) == \
            sorted(_key(s, True) for s in schedules)
        same_fields = (sorted(current.tags or []) == tags
                       and current.description == spec.get("description")
                       and current.entrypoint == spec["entrypoint"]
                       and current.work_pool_name == pool)
        if same_schedules and same_fields:
            counts["unchanged"] += 1
            continue
        await client.update_deployment(current.id, DeploymentUpdate(
            description=spec.get("description"), tags=tags, work_pool_name=pool,
            entrypoint=spec["entrypoint"], pull_steps=pull_steps))
        if not same_schedules:
            for s in current.schedules or []:
                await client.delete_deployment_schedule(current.id, s.id)
            if schedules:
                await client.create_deployment_schedules(
                    current.id, [DeploymentScheduleCreate(schedule=s, active=True)
                                 for s in schedules])
        counts["updated"] += 1
    return counts
