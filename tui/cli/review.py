"""`dondoc review schedule|status`: administrators schedule quarterly reviews."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Optional

import typer

from dondoc.catalog.i18n import DondocError, has, t
from dondoc.tui.cli.common import JsonOpt, PlanOpt, engine
from dondoc.tui.cli.output import print_json


REVIEW_DEPLOYMENT = "quarterly-review"
# A scheduled review that has not started this long after its time was missed.
MISSED_AFTER = dt.timedelta(hours=1)


def _parse_at(value: str) -> dt.datetime:
    """'2025-10-06 08:00' in Vietnam time, as an aware datetime."""
    import pendulum
    from dondoc.catalog.rules.dates import parse_user_date
    try:
        # The date part as users type it (06/10/2025 or 2025-10-06), the time as HH:MM.
        day_text, _, clock = value.strip().partition(" ")
        try:
            value = f"{parse_user_date(day_text)[0].isoformat()} {clock}".strip()
        except DondocError:
            pass  # not a bare date part: pendulum reads the rest (2025-10-06T08:00)
        return pendulum.parse(value, tz="Asia/Ho_Chi_Minh", strict=False)
    except Exception:
        raise DondocError("review.bad_time", value=value) from None


async def ensure_review_deployment(client: Any) -> Any:
    """The deployment that review runs belong to (created on first use, as prefect.yaml has it)."""
    from dondoc.flows.deployments import ensure_standing

    return await ensure_standing(client, REVIEW_DEPLOYMENT)


def _check_prefect() -> None:
    from dondoc.catalog.settings import prefect_api_url
    from dondoc.tui.cli.sync import use_prefect_env
    from dondoc.flows.runtime import healthy

    use_prefect_env()
    if not healthy(prefect_api_url()):
        raise DondocError("prefect.unreachable", url=prefect_api_url())


def schedule(plan: Annotated[str, typer.Option("--plan", help="help.opt.plan")],
             quarter: Annotated[str, typer.Option("--quarter", help="help.opt.quarter")],
             at: Annotated[str, typer.Option("--at", help="help.opt.at")],
             as_json: JsonOpt = False) -> None:
    """Schedule a plan's quarterly review as a flow run; scheduling it twice gives one run."""
    import asyncio

    from dondoc.catalog.store.queries import Reader
    from dondoc.catalog.rules.periods import parse_quarter
    from dondoc.catalog.store.reviews import record_scheduled

    year, q = parse_quarter(quarter)
    period = f"{year}Q{q}"
    when = _parse_at(at)
    if not Reader(engine()).plan_exists(plan):
        raise DondocError("cli.no_plan", code=plan)
    _check_prefect()

    async def run() -> Any:
        from prefect.client.orchestration import get_client
        from prefect.states import Scheduled

        async with get_client() as client:
            dep = await ensure_review_deployment(client)
            return await client.create_flow_run_from_deployment(
                dep.id, parameters={"plan": plan, "quarter": period},
                name=f"sơ kết {plan} {period}",
                state=Scheduled(scheduled_time=when), tags=["dondoc", "review", f"plan:{plan}"],
                idempotency_key=f"review:{plan}:{period}")

    flow_run = asyncio.run(run())
    record_scheduled(engine(), plan, period, when, str(flow_run.id))
    scheduled = flow_run.expected_start_time or when
    result = {"plan": plan, "quarter": period, "flow_run_id": str(flow_run.id),
              "flow_run_name": flow_run.name,
              "scheduled_at": scheduled.astimezone(dt.timezone(dt.timedelta(hours=7))).isoformat()}
    if as_json:
        print_json(result)
    else:
        print(t("review.scheduled_line", period=period, plan=plan, at=result["scheduled_at"],
                run=flow_run.name))


def status(plan: PlanOpt = None, as_json: JsonOpt = False) -> None:
    """Each review: scheduled, running, done, missed or failed, with its numbers."""
    if plan:
        from dondoc.catalog.store.queries import Reader
        if not Reader(engine()).plan_exists(plan):
            raise DondocError("cli.no_plan", code=plan)
    rows = review_rows(plan)
    if as_json:
        print_json(rows)
        return
    if not rows:
        print(t("review.none"))
    for r in rows:
        totals = r.get("totals") or {}
        status = t(f"review.{r['status']}") if has(f"review.{r['status']}") else r["status"]
        print(f"{r['plan']} {r['quarter']}: {status} {r['scheduled_at'] or ''} "
              + " ".join(f"{t(f'fig.{k}') if has(f'fig.{k}') else k}={v}"
                         for k, v in totals.items()))


def review_rows(plan: Optional[str] = None) -> list[dict[str, Any]]:
    """Reviews from the database, their state brought up to date from Prefect if it answers."""
    from dondoc.catalog.store.reviews import review_records

    rows = review_records(engine(), plan)
    states = _flow_run_states([r["flow_run_id"] for r in rows if r["flow_run_id"]])
    now = dt.datetime.now(dt.timezone.utc)
    out = []
    for r in rows:
        state = states.get(r["flow_run_id"] or "")
        scheduled = r["scheduled_at"]
        if scheduled is not None and scheduled.tzinfo is None:
            scheduled = scheduled.replace(tzinfo=dt.timezone.utc)
        status = r["status"]
        if status != "done" and state:
            status = {"COMPLETED": "done", "RUNNING": "running", "PENDING": "running",
                      "FAILED": "failed", "CRASHED": "failed", "CANCELLED": "cancelled",
                      "CANCELLING": "cancelled"}.get(state, status)
        if status == "scheduled" and scheduled and now - scheduled > MISSED_AFTER:
            status = "missed"
        summary = r["summary"] or {}
        out.append({"plan": r["plan_code"], "quarter": r["period"], "status": status,
                    "scheduled_at": scheduled.isoformat() if scheduled else None,
                    "flow_run_id": r["flow_run_id"], "report": r["report_path"],
                    "totals": summary.get("totals"),
                    "reports_received": summary.get("reports_received")})
    return out


def _flow_run_states(ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    from dondoc.catalog.settings import prefect_api_url
    from dondoc.tui.cli.sync import use_prefect_env
    from dondoc.flows.runtime import healthy

    use_prefect_env()
    if not healthy(prefect_api_url(), timeout=1.0):
        return {}
    import asyncio
    from uuid import UUID

    async def run() -> dict[str, str]:
        from prefect.client.orchestration import get_client
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
        async with get_client() as client:
            runs = await client.read_flow_runs(flow_run_filter=FlowRunFilter(
                id=FlowRunFilterId(any_=[UUID(i) for i in ids])))
            return {str(r.id): r.state.type.value for r in runs if r.state}

    return asyncio.run(run())


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="help.group.review", no_args_is_help=True)
    group.command("schedule", help="help.cmd.review_schedule")(schedule)
    group.command("status", help="help.cmd.review_status")(status)
    app.add_typer(group, name="review")
