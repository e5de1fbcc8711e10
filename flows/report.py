"""The periodic report flow (báo cáo định kỳ): each plan's standing for a reporting period.

Periods and data windows follow Decree 09/2019/NĐ-CP, art. 12: the data run from the 15th
of the previous period's last month to the 14th of the period's last month, so the standing
deployment runs on the 15th, for the month (and quarter, half-year, year) that just closed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import flow, get_run_logger, task

from dondoc.catalog.rules.periods import periods_closing


@task(name="compute-periodic-report")
def compute(plan: str, period: str) -> Any:
    from dondoc.catalog.store.engines import engine_for
    from dondoc.catalog.store.reviews import compute_periodic
    return compute_periodic(engine_for(), plan, period)


@task(name="write-periodic-report")
def write(result: Any) -> str:
    from dondoc.tasks.review_report import write_report
    md, _xlsx = write_report(result, prefix="bao-cao")
    return str(md)


@task(name="send-periodic-report", retries=3, retry_delay_seconds=[10, 60, 300])
def send(result: Any, report: str) -> Any:
    from dondoc.tasks.flow_steps import send_review_report
    return send_review_report(result, report, rule_prefix="report")


@flow(name="periodic-report", flow_run_name="báo cáo định kỳ")
def periodic_report(plan: str | None = None, period: str | None = None,
                    as_of: str | None = None) -> list[dict[str, Any]]:
    """Write and send each plan's periodic report for period (default: what closed yesterday)."""
    from dondoc.catalog.settings import today
    from dondoc.catalog.store.engines import engine_for
    from dondoc.catalog.store.plans import plan_codes

    day = dt.date.fromisoformat(as_of) if as_of else today()
    periods = [period] if period else periods_closing(day)
    plans = [plan] if plan else plan_codes(engine_for())
    out = []
    for p in plans:
        for per in periods:
            result = compute(p, per)
            report = write(result)
            sent = send(result, report)
            out.append({"plan": p, "period": per, "totals": result.totals, "report": report,
                        "sent": sent})
    get_run_logger().info("periodic reports: %s", [(o["plan"], o["period"]) for o in out])
    return out
