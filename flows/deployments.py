"""Syncing the catalog to Prefect: one deployment per plan, one schedule per task.

Only what changed is written. Every write to a deployment, even to one of its schedules,
makes Prefect delete that deployment's future runs and re-create them on the next
scheduler pass, so an unchanged catalog must cost zero writes. The comparison is made
against what the server holds (read back each sync), not against a local memory of past
syncs, so a server rebuilt from nothing is simply filled again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable, TypeVar

from sqlalchemy.engine import Engine

from dondoc.catalog.rules.policy import Policy
from dondoc.catalog.store.prefect_sync import SyncRecord, all_timing_rows, plan_rows
from dondoc.catalog.store.queries import _d
from dondoc.catalog.rules.schedule import (TIMEZONE, TaskTiming, effective_policy, rdate_rule,
                              reminder_dates, window_for)
from dondoc.catalog.rules.workdays import WorkCalendar, default_calendar

FLOW_NAME = "follow-up"
WORK_POOL = "dondoc"
ENTRYPOINT = "dondoc.flows.followup.follow_up"
T = TypeVar("T")


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
    # The issuer's province: plans of one province are synced by one client, in order.
    province: str | None = None

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

    def add(self, other: SyncSummary) -> None:
        self.counts.update(other.counts)
        self.writes += other.writes


class SyncError(RuntimeError):
    """A plan could not be written after the retries; names the plan, never the API URL."""

    def __init__(self, plan: str | None, status: int | None, attempts: int) -> None:
        from dondoc.catalog.i18n import t

        self.plan, self.status, self.attempts = plan, status, attempts
        super().__init__(t("sync.error.plan", plan=plan or "-",
                           status=status if status is not None else t("sync.error.no_answer"),
                           attempts=attempts))


def wanted_state(engine: Engine, today: dt.date, calendar: WorkCalendar | None = None,
                 plan: str | None = None) -> list[WantedDeployment]:
    """What Prefect should hold for every plan in the catalog, as of today.

    Tasks share their timing far more often than not (the same quarter's end, the same
    policy), so each distinct (timing, policy) is worked out once: at 100k tasks this is
    most of the cost of a resync that then writes nothing.
    """
    calendar = calendar or default_calendar()
    window = window_for(today)
    # Keyed by the stored values themselves: building a TaskTiming per task (a frozen
    # dataclass) would cost more than the look-up saves.
    rules: dict[tuple[Any, ...], str | None] = {}
    policies: dict[tuple[Any, Any], Policy] = {}
    with engine.connect() as conn:
        plans = plan_rows(conn, plan)
        by_plan = all_timing_rows(conn, plan)
    out = []
    for code, title, issuer, plan_policy, province in plans:
        dep = WantedDeployment(
            plan=code, description=title, province=province,
            tags=sorted({"dondoc", f"plan:{code}", f"issuer:{issuer or 'none'}"}))
        plan_key = _policy_key(plan_policy)
        for (task, state, lead, text, kind, eff, rrule, rstart, runtil,
             task_policy) in by_plan.get(code, ()):
            key = (kind, eff, rrule, rstart, runtil, plan_key, _policy_key(task_policy))
            if key in rules:
                rule = rules[key]
            else:
                pkey = key[-2:]
                policy = policies.get(pkey)
                if policy is None:
                    policy = policies[pkey] = effective_policy(_policy(plan_policy),
                                                               _policy(task_policy))
                timing = TaskTiming(kind, _d(eff), rrule, _d(rstart), _d(runtil))
                rule = rules[key] = rdate_rule(
                    reminder_dates(timing, policy, calendar, window), today)
            dep.schedules[task] = WantedSchedule(
                slug=task, rrule=rule,
                parameters={"plan": code, "task": task, "lead": lead, "deadline": text},
                active=state == "open" and rule is not None)
        out.append(dep)
    return out


def _policy_key(value: Any) -> Any:
    """A hashable stand-in for a stored policy (JSON text, or a dict from PostgreSQL)."""
    if not value:
        return None
    if isinstance(value, (str, bytes)):
        return value
    import orjson
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


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


# ---------------------------------------------------------------- retries
# The pinned Prefect client retries each request by itself on 408, 429, 502 and 503 (and on
# dropped connections), honouring Retry-After, up to PREFECT_CLIENT_MAX_RETRIES (5) times
# with 2**n s waits; it does not retry 500 or 504. dondoc retries a whole plan instead: the
# plan is read back and only the difference written, so a retry is safe even after a write
# that reached the server but whose answer was lost (a request-level retry of "create these
# schedules" is not). The client's own retries are switched off during a sync so that the
# two never multiply.
SYNC_RETRIES = 5            # retries of one plan after its first attempt
SYNC_BACKOFF = 0.5          # seconds before the first retry; doubles each time
SYNC_BACKOFF_CAP = 30.0     # the longest wait between two attempts (Retry-After may ask more)
RETRY_AFTER_CAP = 120.0     # a server asking for longer than this is not waited for


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = SYNC_RETRIES
    backoff: float = SYNC_BACKOFF
    cap: float = SYNC_BACKOFF_CAP


def _retryable(exc: BaseException) -> tuple[bool, int | None, float | None]:
    """(whether to try again, the HTTP status if any, the server's Retry-After in s)."""
    import httpx

    if isinstance(exc, httpx.HTTPStatusError):
        status = exc.response.status_code
        if status == 429 or status >= 500:
            return True, status, _retry_after(exc.response.headers.get("Retry-After"))
        return False, status, None
    if isinstance(exc, httpx.TransportError):  # timeouts, resets, refused connections
        return True, None, None
    return False, None, None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())


def backoff_delay(attempt: int, policy: RetryPolicy, retry_after: float | None,
                  rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait before retry number attempt (1, 2, ...): exponential with jitter
    ("equal jitter": half fixed, half random, so that province tasks hit by the same
    overload do not come back together); never less than the server's Retry-After."""
    base = min(policy.cap, policy.backoff * 2 ** (attempt - 1))
    delay = base / 2 + rand() * base / 2
    if retry_after is not None:
        delay = max(delay, min(retry_after, RETRY_AFTER_CAP) * (1 + 0.1 * rand()))
    return delay


async def _with_retries(step: Callable[[], Awaitable[T]], plan: str | None,
                        policy: RetryPolicy, retried: Counter[str]) -> T:
    attempt = 0
    while True:
        try:
            return await step()
        except Exception as exc:  # noqa: BLE001 - sorted by _retryable, re-raised otherwise
            again, status, after = _retryable(exc)
            if not again:
                raise
            attempt += 1
            if attempt > policy.retries:
                raise SyncError(plan, status, attempt) from None
            retried[str(status) if status is not None else "transport"] += 1
            await asyncio.sleep(backoff_delay(attempt, policy, after))


# ---------------------------------------------------------------- the sync
def province_groups(wanted: list[WantedDeployment]) -> list[list[WantedDeployment]]:
    """The plans by their issuer's province (plans without one form one group), the
    biggest groups first so that the last province to finish is a small one."""
    groups: dict[str | None, list[WantedDeployment]] = {}
    for dep in wanted:
        groups.setdefault(dep.province, []).append(dep)
    return sorted(groups.values(), key=lambda g: (-sum(len(d.schedules) for d in g),
                                                  g[0].plan))


@dataclass
class _Run:
    """What every province task of one sync shares."""

    flow_id: Any
    work_pool: str
    record: SyncRecord | None
    hashes: dict[str, str]
    progress: Callable[[int], None] | None
    retry: RetryPolicy
    summary: SyncSummary = field(default_factory=SyncSummary)
    retried: Counter[str] = field(default_factory=Counter)
    failed: list[BaseException] = field(default_factory=list)
    _schema: dict[str, Any] | None = None

    @property
    def schema(self) -> dict[str, Any]:
        """The follow-up flow's parameter schema, built on the first create: importing the
        flow costs a resync that writes nothing about 0.3 s of CPU."""
        if self._schema is None:
            from dondoc.flows.followup import follow_up
            self._schema = _parameter_schema(follow_up)
        return self._schema


async def sync(wanted: list[WantedDeployment], progress: Callable[[int], None] | None = None,
               work_pool: str = WORK_POOL, record: SyncRecord | None = None,
               full: bool = False, concurrency: int | None = None,
               retry: RetryPolicy | None = None,
               retried: Counter[str] | None = None) -> SyncSummary:
    """Bring the Prefect server in line with wanted, writing only what differs.

    With a record, a plan whose content hash matches what was last written, and whose
    deployment still exists, is not read back at all; full=True compares everything with
    the server regardless. Provinces are synced side by side, at most concurrency at once
    (DONDOC_SYNC_CONCURRENCY), each by a client of its own and its plans one after
    another. A plan that still fails after the retries stops the sync with a SyncError
    naming it, once the plans already under way have finished. retried, if given, counts
    the retries by HTTP status.
    """
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_CLIENT_MAX_RETRIES, temporary_settings

    from dondoc.catalog.settings import settings

    if concurrency is None:
        concurrency = settings().sync_concurrency
    retry = retry or RetryPolicy()
    run_retried = retried if retried is not None else Counter()
    with temporary_settings({PREFECT_CLIENT_MAX_RETRIES: 0}):
        async with get_client() as client:
            async def setup() -> Any:
                await ensure_work_pool(client, work_pool)
                return await client.create_flow_from_name(FLOW_NAME)

            flow_id = await _with_retries(setup, None, retry, run_retried)
            run = _Run(flow_id=flow_id, work_pool=work_pool, record=record, progress=progress, retry=retry,
                       hashes={dep.plan: dep.content_hash() for dep in wanted},
                       retried=run_retried)
            remembered = [] if (record is None or full) else [
                dep for dep in wanted
                if record.rows.get(dep.plan, ("", ""))[1] == run.hashes[dep.plan]]
            ids = [record.rows[d.plan][0] for d in remembered] if record else []
            if remembered and await _with_retries(lambda: _still_there(client, ids), None,
                                                  retry, run_retried):
                skip = {d.plan for d in remembered}
                for dep in remembered:
                    run.summary.counts["deployments_unchanged"] += 1
                    # Counted as the full comparison would: schedules that exist on the server.
                    run.summary.counts["unchanged"] += sum(1 for w in dep.schedules.values()
                                                           if w.active and w.rrule)
                    if progress:
                        progress(len(dep.schedules))
            else:
                skip = set()
        todo = [dep for dep in wanted if dep.plan not in skip]
        if todo:
            gate = asyncio.Semaphore(max(1, concurrency))
            await asyncio.gather(*(_sync_province(run, group, gate)
                                   for group in province_groups(todo)))
    if run.failed:
        raise run.failed[0]
    return run.summary


async def _sync_province(run: _Run, group: list[WantedDeployment],
                         gate: asyncio.Semaphore) -> None:
    from prefect.client.orchestration import get_client

    async with gate:
        if run.failed:
            return
        async with get_client() as client:
            try:
                known = await _with_retries(lambda: _read_existing(client, group), group[0].plan,
                                            run.retry, run.retried)
            except Exception as exc:  # noqa: BLE001 - SyncError, or not retryable
                run.failed.append(_named(exc, group[0].plan))
                return
            for dep in group:
                if run.failed:
                    return
                # The group's read serves the first attempt; a retry reads the plan afresh.
                read = iter([known.get(dep.plan)])

                def attempt(dep: WantedDeployment = dep, read: Any = read) -> Awaitable[Any]:
                    return _sync_plan(client, run, dep, next(read, _UNREAD))

                try:
                    part = await _with_retries(attempt, dep.plan, run.retry, run.retried)
                except Exception as exc:  # noqa: BLE001 - SyncError, or not retryable
                    run.failed.append(_named(exc, dep.plan))
                    return
                # Counted once the plan is through, so that a retried plan counts once.
                run.summary.add(part)
                if run.record is not None:
                    # One writer at a time (SyncRecord holds a lock: SQLite has one writer);
                    # in a thread, so the other provinces' requests go on meanwhile.
                    await asyncio.to_thread(run.record.save, dep.plan, part.deployment_id,
                                            run.hashes[dep.plan])
                if run.progress:
                    run.progress(len(dep.schedules))


async def _read_existing(client: Any, group: list[WantedDeployment]) -> dict[str, Any]:
    """The group's deployments that the server already has, in one read per 200 plans
    (Prefect's page size) rather than one per plan: on a first sync, none."""
    from prefect.client.schemas.filters import (DeploymentFilter, DeploymentFilterName,
                                                FlowFilter, FlowFilterName)

    found: dict[str, Any] = {}
    names = [dep.plan for dep in group]
    for i in range(0, len(names), 200):
        chunk = names[i:i + 200]
        for d in await client.read_deployments(
                flow_filter=FlowFilter(name=FlowFilterName(any_=[FLOW_NAME])),
                deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=chunk)),
                limit=len(chunk)):
            found[d.name] = d
    return found


def _named(exc: BaseException, plan: str) -> BaseException:
    import httpx

    if isinstance(exc, SyncError):
        return exc
    if isinstance(exc, httpx.HTTPStatusError):
        return SyncError(plan, exc.response.status_code, 1)
    return exc


@dataclass
class _PlanResult(SyncSummary):
    deployment_id: str = ""


_UNREAD = object()


async def _sync_plan(client: Any, run: _Run, dep: WantedDeployment,
                     current: Any = _UNREAD) -> _PlanResult:
    """One plan: created whole if the server lacks it, else only its differences written.
    current is the server's deployment (None: it has none) if just read, else it is read
    here. Returns its counts; nothing is counted or remembered here, so a retry starts
    clean."""
    from prefect.client.schemas.actions import DeploymentUpdate
    from prefect.client.schemas.schedules import RRuleSchedule
    from prefect.exceptions import ObjectNotFound

    out = _PlanResult()
    if current is _UNREAD:
        try:
            current = await client.read_deployment_by_name(f"{FLOW_NAME}/{dep.plan}")
        except ObjectNotFound:
            current = None
    if current is None:
        schedules = [_schedule_create(w) for w in dep.schedules.values() if w.active and w.rrule]
        new_id = await client.create_deployment(
            flow_id=run.flow_id, name=dep.plan, description=dep.description, tags=dep.tags,
            schedules=schedules, work_pool_name=run.work_pool, entrypoint=ENTRYPOINT,
            parameter_openapi_schema=run.schema, enforce_parameter_schema=False)
        out.writes += 1
        out.deployment_id = str(new_id)
        out.counts["deployments_created"] += 1
        out.counts["created"] += len(schedules)
        return out

    out.deployment_id = str(current.id)
    if sorted(current.tags or []) != dep.tags or current.description != dep.description \
            or current.entrypoint != ENTRYPOINT or current.work_pool_name != run.work_pool:
        await client.update_deployment(current.id, DeploymentUpdate(
            tags=dep.tags, description=dep.description, entrypoint=ENTRYPOINT,
            work_pool_name=run.work_pool))
        out.writes += 1
        out.counts["deployments_updated"] += 1
    else:
        out.counts["deployments_unchanged"] += 1

    on_server = {s.slug: s for s in current.schedules or [] if s.slug}
    to_create = []
    for slug, w in dep.schedules.items():
        have = on_server.get(slug)
        if have is None:
            if w.active and w.rrule:
                to_create.append(_schedule_create(w))
            continue
        if _server_schedule_key(have) == _wanted_key(w):
            out.counts["unchanged"] += 1
            continue
        if not w.active or not w.rrule:
            if have.active:
                await client.update_deployment_schedule(current.id, have.id, active=False)
                out.writes += 1
                out.counts["deactivated"] += 1
            else:
                out.counts["unchanged"] += 1
            continue
        await client.update_deployment_schedule(
            current.id, have.id, active=True,
            schedule=RRuleSchedule(rrule=w.rrule, timezone=TIMEZONE), parameters=w.parameters)
        out.writes += 1
        out.counts["updated"] += 1
    # A task gone from the catalog altogether (its plan was edited by hand, say).
    for slug, have in on_server.items():
        if slug not in dep.schedules and have.active:
            await client.update_deployment_schedule(current.id, have.id, active=False)
            out.writes += 1
            out.counts["deactivated"] += 1
    if to_create:
        await client.create_deployment_schedules(current.id, to_create)
        out.writes += 1
        out.counts["created"] += len(to_create)
    return out


def _schedule_create(w: WantedSchedule) -> Any:
    from prefect.client.schemas.actions import DeploymentScheduleCreate
    from prefect.client.schemas.schedules import RRuleSchedule

    return DeploymentScheduleCreate(
        schedule=RRuleSchedule(rrule=w.rrule, timezone=TIMEZONE), active=w.active,
        slug=w.slug, parameters=w.parameters)


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
