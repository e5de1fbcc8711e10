"""Prefect tasks the flows run: thin wrappers, with retries where they talk to the outside.

The work itself is in plain functions (tasks/remind.py, tasks/review_report.py) that the
command line calls too; a retry is safe because every send goes through the ledger.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from prefect import task


def _day(as_of: str | None) -> dt.date:
    from dondoc.catalog.settings import today
    return dt.date.fromisoformat(as_of) if as_of else today()


def _summary(report: Any) -> dict[str, Any]:
    # Counts only: the flow's result is stored by Prefect and must carry no address.
    return {"as_of": report.as_of.isoformat(), "counts": dict(report.counts),
            "unrouted": sorted(report.unrouted)}


@task(name="remind-task", retries=2, retry_delay_seconds=[30, 120])
def remind_one_task(plan: str, task_code: str, as_of: str | None = None) -> dict[str, Any]:
    """What is due for one task now, sent to its units (lead, phối hợp, escalation).

    In letter mode (the default) a unit gets one letter a day holding everything due for it,
    so a task's run sends the day's letters of the task's units (and no other unit's): the
    first run of the day that reaches a unit sends its letter, and the ledger makes every
    later run that day send nothing more to it.
    """
    from dondoc.catalog.settings import settings
    from dondoc.catalog.store.engines import engine_for
    from dondoc.tasks.notify import load_targets
    from dondoc.tasks.remind import Report, sweep

    engine, day = engine_for(), _day(as_of)
    if settings().letters:
        from dondoc.tasks.letters import sweep_letters, task_units
        units = task_units(engine, day, plan, task_code)
        if not units:
            return _summary(Report(day, False, plan, None))
        return _summary(sweep_letters(engine, day, load_targets(), units=units))
    return _summary(sweep(engine, day, load_targets(), plan=plan, task=task_code))


@task(name="sweep-all", retries=2, retry_delay_seconds=[60, 300])
def sweep_all(as_of: str | None = None, province: str | None = None) -> dict[str, Any]:
    """Every task: whatever is due and not yet in the ledger (what a lagging scheduler missed);
    with a province, what is due to that province's units."""
    from dondoc.catalog.store.engines import engine_for
    from dondoc.catalog.settings import settings
    from dondoc.tasks.notify import load_targets
    from dondoc.tasks.remind import sweep

    if settings().letters:
        from dondoc.tasks.letters import sweep_letters
        return _summary(sweep_letters(engine_for(), _day(as_of), load_targets(),
                                      province=province))
    return _summary(sweep(engine_for(), _day(as_of), load_targets(), province=province))


@task(name="list-provinces")
def list_provinces(children: int = 0) -> list[list[str]]:
    """The provinces a parent sweep maps over, the heaviest first (NO_PROVINCE included):
    one list per child run, one province each, or (children > 0) the provinces dealt into
    that many children of about equal weight (live assignments)."""
    from dondoc.catalog.store.engines import engine_for
    from dondoc.catalog.store.reminder_scan import province_weights

    with engine_for().connect() as conn:
        weights = province_weights(conn)
    if children <= 0 or children >= len(weights):
        return [[p] for p, _n in weights]
    # Heaviest first, each to the lightest child so far.
    bins: list[tuple[int, list[str]]] = [(0, []) for _ in range(children)]
    for province, n in weights:
        i = min(range(children), key=lambda k: bins[k][0])
        bins[i] = (bins[i][0] + n, bins[i][1] + [province])
    return [names for _w, names in sorted(bins, key=lambda b: -b[0]) if names]


@task(name="digest-all", retries=2, retry_delay_seconds=[60, 300])
def digest_all(as_of: str | None = None) -> dict[str, Any]:
    """The weekly digest. In letter mode it is part of Monday's letter, so the digest run is
    the day's letter sweep: whichever of it and the daily sweep runs first sends the letter,
    and the ledger makes the other send nothing more."""
    from dondoc.catalog.settings import settings
    from dondoc.catalog.store.engines import engine_for
    from dondoc.tasks.notify import load_targets
    from dondoc.tasks.remind import digest

    if settings().letters:
        from dondoc.tasks.letters import sweep_letters
        return _summary(sweep_letters(engine_for(), _day(as_of), load_targets()))
    return _summary(digest(engine_for(), _day(as_of), load_targets()))


def send_review_report(result: Any, report_path: str, rule_prefix: str = "review") -> dict[str, Any]:
    """A review or periodic report to the plan's coordinator and issuer, through the ledger."""
    from dondoc.catalog.store import ledger
    from dondoc.catalog.store.engines import engine_for
    from dondoc.catalog.store.plans import plan_contacts
    from dondoc.tasks.notify import load_targets
    from dondoc.tasks.remind import Job, Report, deliver
    from dondoc.tasks.render import Message

    engine = engine_for()
    units = plan_contacts(engine, result.plan)
    targets = load_targets()
    md = Path(report_path)
    from dondoc.catalog.i18n import t

    body = md.read_text(encoding="utf-8") + "\n" + t("review.mail_workbook",
                                                     path=md.with_suffix(".xlsx")) + "\n"
    totals = result.totals
    subject = t("review.mail_subject", heading=result.heading, plan=result.plan,
                overdue=totals["overdue"], late=totals["late"], done=totals["done"],
                total=sum(totals.values()))
    rule = f"{rule_prefix}-{result.period}"
    report = Report(result.end, False, result.plan, targets.source)
    jobs = []
    for unit in units:
        for endpoint in targets.for_unit(unit):
            key = ledger.make_key(None, unit, result.end, rule, endpoint.channel)

            def render(key: str = key, unit: str = unit) -> Message:
                return Message(key=key, unit=unit, subject=subject, body=body)

            jobs.append(Job(ledger.Want(key, None, unit, result.end, rule, endpoint.channel),
                            endpoint, render, {"key": key, "plan": result.plan, "unit": unit,
                                               "rule": rule, "channel": endpoint.channel}))
    keys = {j.want.key for j in jobs}
    deliver(engine, jobs, report, targets, scope=lambda k: k in keys)
    return _summary(report)
