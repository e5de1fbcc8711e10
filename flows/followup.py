"""The follow-up flow of one plan task: each task's schedule runs it at its reminder instants.

A run works out what is due for its task now and hands it to the reminder machinery,
which claims each delivery in the ledger before sending: running it twice, or late, or
alongside the daily sweep, sends nothing twice.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger


@flow(name="follow-up", flow_run_name="{task} · {deadline}", log_prints=False)
def follow_up(plan: str, task: str, lead: str | None = None, deadline: str | None = None,
              as_of: str | None = None) -> dict[str, Any]:
    """Send the reminders that are due for one task (lead, coordinators, escalation)."""
    from dondoc.tasks.flow_steps import remind_one_task

    logger = get_run_logger()
    result = remind_one_task(plan, task, as_of)
    logger.info("%s/%s: %s", plan, task, result)
    return result
