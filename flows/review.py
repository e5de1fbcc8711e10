"""The quarterly review flow: for a plan and a quarter, where each unit and task stands.

Scheduled by an administrator (`dondoc review schedule`), or by the standing quarterly
deployment, which runs daily early in each quarter and acts only on the first working day
after the quarter ended (no RRULE can say "first working day").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.runtime import flow_run


@task(name="compute-review")
def compute(plan: str, period: str) -> Any:
    from dondoc.catalog.store.engines import engine_for
    from dondoc.catalog.store.reviews import compute_review
    return compute_review(engine_for(), plan, period)


@task(name="write-review-report")
def write(result: Any) -> str:
    from dondoc.tasks.review_report import write_report
    md, _xlsx = write_report(result)
    return str(md)


@task(name="store-review")
def store(result: Any, report: str, run_id: str | None) -> None:
    from pathlib import Path

    from dondoc.catalog.store.engines import engine_for
    from dondoc.catalog.store.reviews import store_review
    store_review(engine_for(), result, Path(report), flow_run_id=run_id)


@task(name="send-review", retries=3, retry_delay_seconds=[10, 60, 300])
def send(result: Any, report: str) -> Any:
    from dondoc.tasks.flow_steps import send_review_report
    return send_review_report(result, report)


def _review(plan: str, quarter: str) -> dict[str, Any]:
    """Compute, write, store and send one plan's review: each step a task of its own."""
    logger = get_run_logger()
    result = compute(plan, quarter)
    report = write(result)
    run_id = str(flow_run.id) if flow_run.id else None
    store(result, report, run_id)
    sent = send(result, report)
    logger.info("Sơ kết %s %s: %s; báo cáo %s; gửi: %s", plan, quarter, result.totals, report, sent)
    return {"plan": plan, "quarter": quarter, "totals": result.totals, "report": report}


@flow(name="quarterly-review", flow_run_name="sơ kết {plan} {quarter}")
def quarterly_review(plan: str, quarter: str) -> dict[str, Any]:
    """Compute, store, write (Markdown and XLSX) and send one plan's quarterly review."""
    return _review(plan, quarter)


@task(name="review-plan", task_run_name="sơ kết {plan} {quarter}")
def review_plan(plan: str, quarter: str) -> dict[str, Any]:
    """One plan's review inside the all-plans run: mapped over the plans, so that the task
    runner reviews several at once and one plan's failure stops no other."""
    return _review(plan, quarter)


@flow(name="quarterly-review-all", flow_run_name="sơ kết quý (tất cả kế hoạch)")
def quarterly_review_all(as_of: str | None = None, force: bool = False) -> Any:
    """Review every plan for the quarter just ended, on the first working day after it.

    The plans' reviews are mapped tasks; a plan whose review fails is named in the result
    and fails this run, after every other plan has had its review."""
    import orjson

    from prefect.states import Completed, Failed

    from dondoc.catalog.rules.periods import previous_quarter, quarter_bounds
    from dondoc.catalog.store.engines import engine_for
    from dondoc.catalog.store.plans import plan_codes
    from dondoc.catalog.settings import today
    from dondoc.catalog.rules.workdays import default_calendar

    day = dt.date.fromisoformat(as_of) if as_of else today()
    period = previous_quarter(day)
    year, q = int(period[:4]), int(period[-1])
    first_working = default_calendar().effective_due(quarter_bounds(year, q)[1] + dt.timedelta(days=1))
    logger = get_run_logger()
    if day != first_working and not force:
        logger.info("%s is not the first working day after %s (%s): nothing to do",
                    day, period, first_working)
        return []
    plans = list(plan_codes(engine_for()))
    futures = review_plan.map(plans, quarter=period)
    done: list[dict[str, Any]] = []
    failed: dict[str, str] = {}
    for plan, future in zip(plans, futures):
        future.wait()
        if future.state.is_completed():
            done.append(future.result())
        else:
            failed[plan] = f"{future.state.type.value}: {future.state.message or ''}".strip()
    if failed:
        logger.error("Sơ kết %s: %d kế hoạch lỗi: %s", period, len(failed), failed)
        return Failed(message=orjson.dumps({"period": period, "failed": failed}).decode(),
                      data=done)
    return Completed(message=f"{len(done)} plans reviewed", data=done)
