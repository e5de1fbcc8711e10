"""Syncing the catalog to Prefect: one deployment per plan, one schedule per task.

Only what changed is written. Every write to a deployment, even to one of its schedules,
makes Prefect delete that deployment's future runs and re-create them on the next
scheduler pass, so an unchanged catalog must cost zero writes. The comparison is made
against what the server holds (read back each sync), not against a local memory of past
syncs, so a server rebuilt from nothing is simply filled again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from sqlalchemy.engine import Engine

from dondoc.catalog.store.prefect_sync import SyncRecord, plan_rows, timing_rows
from dondoc.catalog.store.queries import _d
from dondoc.catalog.rules.schedule import (TIMEZONE, TaskTiming, effective_policy, rdate_rule,
                              reminder_dates, window_for)
from dondoc.catalog.rules.workdays import WorkCalendar, default_calendar

FLOW_NAME = "follow-up"
WORK_POOL = "dondoc"
ENTRYPOINT = "dondoc.flows.followup.follow_up"


@dataclass(frozen=True)
class WantedSchedule:
    slug: str
    rrule: str | None
    parameters: dict[str, Any]
    active: bool


@dataclass
class WantedDeployment:
    plan: str
    description: str
    tags: list[str]
    schedules: dict[str, WantedSchedule] = field(default_factory=dict)

    def content_hash(self) -> str:
        import hashlib

        import orjson
        body = {"description": self.description, "tags": self.tags, "pool": WORK_POOL,
                "entrypoint": ENTRYPOINT,
                "schedules": [_wanted_key(self.schedules[k]) for k in sorted(self.schedules)]}
        return hashlib.sha1(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


@dataclass
class SyncSummary:
    counts: Counter[str] = field(default_factory=Counter)
    writes: int = 0

    def as_json(self) -> dict[str, int]:
        return {**{k: self.counts.get(k, 0) for k in (
            "deployments_created", "deployments_updated", "deployments_unchanged",
            "created", "updated", "deactivated", "unchanged")}, "writes": self.writes}


def wanted_state(engine: Engine, today: dt.date, calendar: WorkCalendar | None = None,
                 plan: str | None = None) -> list[WantedDeployment]:
    """What Prefect should hold for every plan in the catalog, as of today."""
    calendar = calendar or default_calendar()
    window = window_for(today)
    with engine.connect() as conn:
        plans = plan_rows(conn, plan)
        out = []
        for code, title, issuer, plan_policy in plans:
            dep = WantedDeployment(
                plan=code, description=title,
                tags=sorted({"dondoc", f"plan:{code}", f"issuer:{issuer or 'none'}"}))
            rows = timing_rows(conn, code)
            for (task, state, lead, text, kind, eff, rrule, rstart, runtil, task_policy) in rows:
                timing = TaskTiming(kind, _d(eff), rrule, _d(rstart), _d(runtil))
                policy = effective_policy(_policy(plan_policy), _policy(task_policy))
                rule = rdate_rule(reminder_dates(timing, policy, calendar, window), today)
                dep.schedules[task] = WantedSchedule(
                    slug=task, rrule=rule,
                    parameters={"plan": code, "task": task, "lead": lead, "deadline": text},
                    active=state == "open" and rule is not None)
            out.append(dep)
    return out


def _policy(value: Any) -> dict[str, Any] | None:
    if not value:
        return None
    if isinstance(value, (str, bytes)):
        import orjson
        return orjson.loads(value)
    return dict(value)


def _server_schedule_key(s: Any) -> tuple[Any, ...]:
    return (getattr(s.schedule, "rrule", None), getattr(s.schedule, "timezone", None),
            s.parameters or {}, bool(s.active))


def _wanted_key(w: WantedSchedule) -> tuple[Any, ...]:
    return (w.rrule, TIMEZONE, w.parameters, w.active)


async def _still_there(client: Any, ids: list[str]) -> bool:
    """Whether every recorded deployment still exists: a count, no schedules read back.

    The client has no method for the server's /deployments/count route; its own request
    helper (which every client method uses) calls it.
    """
    if not ids:
        return True
    response = await client.request("POST", "/deployments/count",
                                    json={"deployments": {"id": {"any_": ids}}})
    return int(response.json()) == len(ids)


async def sync(wanted: list[WantedDeployment], progress: Callable[[int], None] | None = None,
               work_pool: str = WORK_POOL, record: SyncRecord | None = None,
               full: bool = False) -> SyncSummary:
    """Bring the Prefect server in line with wanted, writing only what differs.

    With a record, a plan whose content hash matches what was last written, and whose
    deployment still exists, is not read back at all; full=True compares everything with
    the server regardless.
    """
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import DeploymentScheduleCreate, DeploymentUpdate
    from prefect.client.schemas.schedules import RRuleSchedule
    from prefect.exceptions import ObjectNotFound

    from dondoc.flows.followup import follow_up

    summary = SyncSummary()
    schema = _parameter_schema(follow_up)

    def create(w: WantedSchedule) -> Any:
        return DeploymentScheduleCreate(
            schedule=RRuleSchedule(rrule=w.rrule, timezone=TIMEZONE), active=w.active,
            slug=w.slug, parameters=w.parameters)

    async with get_client() as client:
        await ensure_work_pool(client, work_pool)
        flow_id = await client.create_flow_from_name(FLOW_NAME)
        hashes = {dep.plan: dep.content_hash() for dep in wanted}
        remembered = [] if (record is None or full) else [
            dep for dep in wanted if record.rows.get(dep.plan, ("", ""))[1] == hashes[dep.plan]]
        if remembered and await _still_there(client, [record.rows[d.plan][0] for d in remembered]):
            skip = {d.plan for d in remembered}
            for dep in remembered:
                summary.counts["deployments_unchanged"] += 1
                # Counted as the full comparison would: schedules that exist on the server.
                summary.counts["unchanged"] += sum(1 for w in dep.schedules.values()
                                                   if w.active and w.rrule)
                if progress:
                    progress(len(dep.schedules))
        else:
            skip = set()
        for dep in wanted:
            if dep.plan in skip:
                continue
            try:
                current = await client.read_deployment_by_name(f"{FLOW_NAME}/{dep.plan}")
            except ObjectNotFound:
                current = None
            if current is None:
                schedules = [create(w) for w in dep.schedules.values() if w.active and w.rrule]
                new_id = await client.create_deployment(
                    flow_id=flow_id, name=dep.plan, description=dep.description, tags=dep.tags,
                    schedules=schedules, work_pool_name=work_pool, entrypoint=ENTRYPOINT,
                    parameter_openapi_schema=schema,
                    enforce_parameter_schema=False)
                summary.writes += 1
                if record is not None:
                    record.save(dep.plan, str(new_id), hashes[dep.plan])
                summary.counts["deployments_created"] += 1
                summary.counts["created"] += len(schedules)
                if progress:
                    progress(len(dep.schedules))
                continue

            if sorted(current.tags or []) != dep.tags or current.description != dep.description \
                    or current.entrypoint != ENTRYPOINT or current.work_pool_name != work_pool:
                await client.update_deployment(current.id, DeploymentUpdate(
                    tags=dep.tags, description=dep.description, entrypoint=ENTRYPOINT,
                    work_pool_name=work_pool))
                summary.writes += 1
                summary.counts["deployments_updated"] += 1
            else:
                summary.counts["deployments_unchanged"] += 1

            on_server = {s.slug: s for s in current.schedules or [] if s.slug}
            to_create = []
            for slug, w in dep.schedules.items():
                have = on_server.get(slug)
                if have is None:
                    if w.active and w.rrule:
                        to_create.append(create(w))
                    continue
                if _server_schedule_key(have) == _wanted_key(w):
                    summary.counts["unchanged"] += 1
                    continue
                if not w.active or not w.rrule:
                    if have.active:
                        await client.update_deployment_schedule(current.id, have.id, active=False)
                        summary.writes += 1
                        summary.counts["deactivated"] += 1
                    else:
                        summary.counts["unchanged"] += 1
                    continue
                await client.update_deployment_schedule(
                    current.id, have.id, active=True,
                    schedule=RRuleSchedule(rrule=w.rrule, timezone=TIMEZONE),
                    parameters=w.parameters)
                summary.writes += 1
                summary.counts["updated"] += 1
            # A task gone from the catalog altogether (its plan was edited by hand, say).
            for slug, have in on_server.items():
                if slug not in dep.schedules and have.active:
                    await client.update_deployment_schedule(current.id, have.id, active=False)
                    summary.writes += 1
                    summary.counts["deactivated"] += 1
            if to_create:
                await client.create_deployment_schedules(current.id, to_create)
                summary.writes += 1
                summary.counts["created"] += len(to_create)
            if record is not None:
                record.save(dep.plan, str(current.id), hashes[dep.plan])
            if progress:
                progress(len(dep.schedules))
    return summary


async def ensure_work_pool(client: Any, name: str) -> None:
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound

    try:
        await client.read_work_pool(name)
    except ObjectNotFound:
        await client.create_work_pool(WorkPoolCreate(name=name, type="process"))


def _parameter_schema(flow: Any) -> dict[str, Any]:
    from prefect.utilities.callables import parameter_schema
    return parameter_schema(flow).model_dump_for_openapi()


# ---------------------------------------------------------------- standing deployments
# The standing deployments, as prefect.yaml states them for `prefect deploy --all`; `dondoc up`
# applies these through the client (an installed dondoc has no prefect.yaml beside it), and a
# test keeps the two the same.
STANDING: list[dict[str, Any]] = [{'name': 'sync',
  'entrypoint': 'dondoc.flows.standing.sync_catalog',
  'description': 'Nạp danh mục kế hoạch và đồng bộ lịch nhắc việc (load the catalog, sync '
                 'schedules)',
  'tags': ['dondoc', 'standing'],
  'work_pool': {'name': 'dondoc'},
  'schedules': [{'cron': '0 6 * * *', 'timezone': 'Asia/Ho_Chi_Minh'}]},
 {'name': 'sweep',
  'entrypoint': 'dondoc.flows.standing.catch_up_sweep',
  'description': 'Quét bù hằng ngày, gửi những nhắc việc bị lỡ (daily catch-up sweep)',
  'tags': ['dondoc', 'standing'],
  'work_pool': {'name': 'dondoc'},
  'schedules': [{'cron': '30 7 * * *', 'timezone': 'Asia/Ho_Chi_Minh'}]},
 {'name': 'sweep-province',
  'entrypoint': 'dondoc.flows.standing.sweep_province',
  'description': 'Quét bù một tỉnh, chạy từ lần quét bù hằng ngày (one province of the daily '
                 'sweep)',
  'tags': ['dondoc', 'standing'],
  'work_pool': {'name': 'dondoc'}},
 {'name': 'digest',
  'entrypoint': 'dondoc.flows.standing.weekly_digest',
  'description': 'Bản tin tuần cho từng đơn vị (weekly digest per unit)',
  'tags': ['dondoc', 'standing'],
  'work_pool': {'name': 'dondoc'},
  'schedules': [{'cron': '45 7 * * 1', 'timezone': 'Asia/Ho_Chi_Minh'}]},
 {'name': 'periodic-report',
  'entrypoint': 'dondoc.flows.report.periodic_report',
  'description': 'Báo cáo định kỳ theo Nghị định 09/2019 (monthly, quarterly, 6-month, yearly)',
  'tags': ['dondoc', 'standing', 'report'],
  'work_pool': {'name': 'dondoc'},
  'schedules': [{'cron': '0 8 15 * *', 'timezone': 'Asia/Ho_Chi_Minh'}]},
 {'name': 'quarterly-review-all',
  'entrypoint': 'dondoc.flows.review.quarterly_review_all',
  'description': 'Sơ kết quý mọi kế hoạch vào ngày làm việc đầu tiên sau khi hết quý',
  'tags': ['dondoc', 'standing', 'review'],
  'work_pool': {'name': 'dondoc'},
  'schedules': [{'cron': '0 8 1-10 1,4,7,10 *', 'timezone': 'Asia/Ho_Chi_Minh'}]},
 {'name': 'quarterly-review',
  'entrypoint': 'dondoc.flows.review.quarterly_review',
  'description': 'Sơ kết quý một kế hoạch (scheduled by `dondoc review schedule`)',
  'tags': ['dondoc', 'review'],
  'work_pool': {'name': 'dondoc'}}]



def standing_deployments() -> list[dict[str, Any]]:
    return [dict(d) for d in STANDING]


def _flow_of(entrypoint: str) -> Any:
    """The flow object behind a module-path entrypoint ('dondoc.flows.standing.sync_catalog')."""
    import importlib

    module, _, func = entrypoint.rpartition(".")
    return getattr(importlib.import_module(module), func)


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


async def _create(client: Any, spec: dict[str, Any], flow: Any, pool: str,
                  schedules: list[Any]) -> None:
    from prefect.client.schemas.actions import DeploymentScheduleCreate

    flow_id = await client.create_flow_from_name(flow.name)
    await client.create_deployment(
        flow_id=flow_id, name=spec["name"], description=spec.get("description"),
        tags=sorted(spec.get("tags") or []), work_pool_name=pool, entrypoint=spec["entrypoint"],
        parameters=spec.get("parameters") or {},
        parameter_openapi_schema=_parameter_schema(flow),
        schedules=[DeploymentScheduleCreate(schedule=s, active=True) for s in schedules])


async def ensure_standing(client: Any, name: str) -> Any:
    """One standing deployment (by its STANDING name), created if the server lacks it."""
    from prefect.exceptions import ObjectNotFound

    spec = next(s for s in standing_deployments() if s["name"] == name)
    flow = _flow_of(spec["entrypoint"])
    full = f"{flow.name}/{name}"
    try:
        return await client.read_deployment_by_name(full)
    except ObjectNotFound:
        pass
    pool = (spec.get("work_pool") or {}).get("name", "dondoc")
    await ensure_work_pool(client, pool)
    await _create(client, spec, flow, pool, [_schedule(s) for s in spec.get("schedules") or []])
    return await client.read_deployment_by_name(full)


async def apply_standing(client: Any) -> dict[str, int]:
    """Create or update the standing deployments; return how many were created/updated."""
    from prefect.client.schemas.actions import DeploymentScheduleCreate, DeploymentUpdate
    from prefect.exceptions import ObjectNotFound

    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for spec in standing_deployments():
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
            await _create(client, spec, flow, pool, schedules)
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
            entrypoint=spec["entrypoint"]))
        if not same_schedules:
            for s in current.schedules or []:
                await client.delete_deployment_schedule(current.id, s.id)
            if schedules:
                await client.create_deployment_schedules(
                    current.id, [DeploymentScheduleCreate(schedule=s, active=True)
                                 for s in schedules])
        counts["updated"] += 1
    return counts
