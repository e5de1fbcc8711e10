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


@flow(name="quarterly-review", flow_run_name="sơ kết {plan} {quarter}")
def quarterly_review(plan: str, quarter: str) -> dict[str, Any]:
    """Compute, store, write (Markdown and XLSX) and send one plan's quarterly review."""
    logger = get_run_logger()
    result = compute(plan, quarter)
    report = write(result)
    run_id = str(flow_run.id) if flow_run.id else None
    store(result, report, run_id)
    sent = send(result, report)
    logger.info("Sơ kết %s %s: %s; báo cáo %s; gửi: %s", plan, quarter, result.totals, report, sent)
    return {"plan": plan, "quarter": quarter, "totals": result.totals, "report": report}


@flow(name="quarterly-review-all", flow_run_name="sơ kết quý (tất cả kế hoạch)")
def quarterly_review_all(as_of: str | None = None, force: bool = False) -> list[dict[str, Any]]:
    """Review every plan for the quarter just ended, on the first working day after it."""
    from dondoc.catalog.rules.periods import previous_quarter, quarter_bounds
    from dondoc.catalog.store.engines import engine_for
    from dondoc.catalog.store.plans import plan_codes
    from dondoc.catalog.settings import today
    from dondoc.catalog.rules.workdays import default_calendar

    day = dt.date.fromisoformat(as_of) if as_of else today()
    period = previous_quarter(day)
    year, q = int(period[:4]), int(period[-1])
    first_working = default_calendar().effective_due(quarter_bounds(year, q)[1] + dt.timedelta(days=1))
    if day != first_working and not force:
        get_run_logger().info("%s is not the first working day after %s (%s): nothing to do",
                              day, period, first_working)
        return []
    return [quarterly_review(plan, period) for plan in plan_codes(engine_for())]
