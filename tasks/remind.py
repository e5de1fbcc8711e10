"""The reminder sweep: decide -> claim -> render -> send -> mark.

Plain functions (no Prefect here) so that a flow can wrap them: `decide` reads the
catalog and answers what is due on a day; `sweep` and `digest` route what is due to the
units' endpoints and deliver it through the ledger (tasks/ledger.py), so that running
twice sends nothing new, two senders never send the same message, and a sender killed
mid-way loses nothing (its claims become re-claimable after the claim timeout).

In flight at any moment: at most `workers` sends plus one batch of finished sends not yet
marked; only those can be sent twice after a crash, and the ledger shows them as pending.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Callable

import orjson
from sqlalchemy.engine import Engine

from dondoc.catalog.rules import policy as pol
from dondoc.catalog.rules.deadline import labels_from_json
from dondoc.catalog.rules.recipients import Directory, Recipient, escalation_track, unit_track
from dondoc.catalog.settings import dondoc_home
from dondoc.catalog.rules.workdays import WorkCalendar, default_calendar
from dondoc.catalog.store import ledger, reminder_scan
from dondoc.tasks.notify import Endpoint, Targets, send
from dondoc.tasks.render import (DigestItem, DigestView, Message, ReminderView, render_digest,
                          render_reminder)

DEFAULT_WORKERS = 16
MARK_EVERY = 32  # finished sends written to the ledger together
MARK_WAIT_S = 0.2


# ------------------------------------------------------------------------ reading the catalog


def _date(value: Any, cache: dict[Any, dt.date | None]) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    found = cache.get(value)
    if found is None:
        found = cache[value] = dt.date.fromisoformat(value[:10])
    return found


def _json(value: Any) -> Any:
    if value is None or isinstance(value, (dict, list)):
        return value
    return orjson.loads(value)


@dataclass
class Decision:
    """What is due on as_of: each (task, occurrence, rule) and the units it goes to."""

    as_of: dt.date
    plan: str | None
    tasks: dict[int, pol.TaskFacts]
    directory: Directory
    coordinators: dict[str, str | None]  # plan code -> coordinator unit
    # (task, what is due, to whom): one entry per task and rule, its units in a list
    items: list[tuple[pol.TaskFacts, pol.Due, list[Recipient]]] = field(default_factory=list)
    scanned: int = 0  # live tasks looked at
    kept: frozenset[str] | None = None  # the recipients a partial sweep keeps (None: all)

    @property
    def assignments(self) -> int:
        return sum(len(units) for _, _, units in self.items)


def _reach(conn: Any, plan_policies: dict[str, Any], key: str) -> int:
    """The largest value of a policy setting in use (before: its largest offset)."""
    values = [pol.DEFAULT_POLICY]
    for p in plan_policies.values():
        values.append(pol.resolve(p, None))
    for raw in reminder_scan.task_policies_in_use(conn):
        for p in plan_policies.values() or [None]:
            values.append(pol.resolve(p, _json(raw)))
    if key == "before":
        return max(v.reach for v in values)
    return max(getattr(v, key) for v in values)


@dataclass(frozen=True)
class Scope:
    """Part of a sweep: the recipients of one province, or a few units (a task's).

    Partial sweeps split the work by recipient: a unit's letter is put together by the one
    sweep that keeps it, so the sweeps of every province add up to the whole sweep and a
    unit still gets one letter a day per channel."""

    province: str | None = None  # reminder_scan.NO_PROVINCE: the units without one
    units: frozenset[str] | None = None

    @property
    def everything(self) -> bool:
        return self.province is None and self.units is None


def _scope_reach(conn: Any, scope: Scope, directory: Directory,
                 coordinators: dict[str, str | None]
                 ) -> tuple[frozenset[str], reminder_scan.Reach | None]:
    """The units scope keeps, and the tasks that may reach them: tasks of units that are
    (or merged into) a kept unit, of leads a kept unit supervises, of plans it coordinates."""
    provinces = reminder_scan.unit_provinces(conn)
    if scope.province is not None:
        keep = frozenset(c for c, p in provinces.items() if p == scope.province)
    else:
        keep = frozenset(scope.units or ())
    current, supervisor = directory.current, directory.supervisor
    extra = tuple(sorted(
        c for c in directory.units
        if (scope.province is None or provinces.get(c) != scope.province)
        and (current(c) in keep or supervisor(current(c)) in keep)))
    plans = tuple(sorted(p for p, c in coordinators.items() if c and current(c) in keep))
    reach = reminder_scan.Reach(scope.province, extra, plans)
    # Too many names for one statement: read every task, keep only the recipients.
    return keep, reach if reminder_scan.reach_fits(reach) else None


class Scan:
    """The live tasks that can have something due by the horizon, as raw rows.

    TaskFacts objects are built only for the tasks that turn out to matter: at a million
    assignments, most of the time is in touching each row once.
    """

    def __init__(self, engine: Engine, as_of: dt.date, plan: str | None, cal: WorkCalendar,
                 reach_key: str, scope: Scope | None = None) -> None:
        self.dates: dict[Any, dt.date | None] = {}
        self._policies: dict[tuple[str, Any], pol.Policy] = {}
        # The recipients this sweep keeps (None: every one), and the tasks it reads for them.
        self.keep: frozenset[str] | None = None
        with engine.connect() as conn:
            self.directory = reminder_scan.load_directory(conn, as_of)
            self.coordinators = reminder_scan.plan_coordinators(conn)
            self.plan_policies = {code: _json(p) for code, p in reminder_scan.plan_policies(conn)}
            task_reach = None
            if scope is not None and not scope.everything:
                self.keep, task_reach = _scope_reach(conn, scope, self.directory,
                                                     self.coordinators)
            reach = _reach(conn, self.plan_policies, reach_key)
            horizon = cal.add_working_days(as_of, reach)
            self.rows = reminder_scan.live_task_rows(conn, as_of, horizon, plan, task_reach)
            earliest = _date(reminder_scan.earliest_effective_due(conn), self.dates)
            recurring = [r[0] for r in self.rows if r[3] == "recurring"]
            # Each unit is reminded on its own share: the live assignments, done ones aside.
            self.shares = reminder_scan.shares(conn, plan, task_reach,
                                               [r[0] for r in self.rows])
            by_unit: dict[tuple[int, dt.date], set[str | None]] = defaultdict(set)
            for tid, occ, unit in reminder_scan.answered_occurrences(conn, recurring):
                by_unit[(tid, _date(occ, self.dates))].add(unit)  # type: ignore[index]
            self.unit_answered = by_unit
            # An occurrence is answered when every lead unit (or the coordinator) closed it.
            self.answered: dict[int, set[dt.date]] = defaultdict(set)
            for (tid, occ), units in by_unit.items():
                leads = [u for u, role, _ in self.shares.get(tid, ()) if role == "lead"]
                if None in units or not leads or all(u in units for u in leads):
                    self.answered[tid].add(occ)
        lo = min(earliest or as_of, as_of) - dt.timedelta(days=400)
        self.index = pol.WorkdayIndex(cal, lo, max(horizon, as_of) + dt.timedelta(days=400))

    def policy(self, plan_code: str, raw: Any) -> pol.Policy:
        key = (plan_code, raw if not isinstance(raw, dict)
               else orjson.dumps(raw, option=orjson.OPT_SORT_KEYS))
        found = self._policies.get(key)
        if found is None:
            found = self._policies[key] = pol.resolve(self.plan_policies.get(plan_code), _json(raw))
        return found

    def date(self, value: Any) -> dt.date | None:
        return _date(value, self.dates)

    def task_row(self, raw: tuple[Any, ...], policy: pol.Policy) -> pol.TaskFacts:
        (tid, plan_code, code, kind, category, eff, due, rrule, rstart, runtil, _p, lead,
         coords, labels) = raw
        if kind == "recurring":
            rrule_fields = (rrule, self.date(rstart), self.date(runtil))
        else:
            rrule_fields = (None, None, None)
            labels = None
        # Positional: at a million tasks, keyword arguments cost a second.
        return pol.TaskFacts(tid, kind, self.date(eff), "open", None, None, category,
                             *rrule_fields, policy, plan_code, code, self.date(due), lead,
                             tuple(_json(coords) or ()),
                             labels_from_json(labels))


def share_track(scan: Scan, row: pol.TaskFacts, occurrence: dt.date | None,
                directory: Directory) -> list[Recipient]:
    """The units still owing their share of the task: leads first, then coordinators;
    a share done, or a recurring occurrence the unit closed, is not reminded."""
    closed = scan.unit_answered.get((row.id, occurrence), ()) if occurrence else ()
    open_ = [(u, role) for u, role, status in scan.shares[row.id]
             if status != "done" and u not in closed]
    leads = [u for u, role in open_ if role == "lead"]
    out: list[Recipient] = []
    for lead in leads:
        out.extend(unit_track(lead, (), directory))
    seen = {r.unit for r in out}
    out.extend(r for r in unit_track(None, [u for u, role in open_ if role != "lead"], directory)
               if r.unit not in seen)
    return out


def decide(engine: Engine, as_of: dt.date, plan: str | None = None,
           cal: WorkCalendar | None = None, scope: Scope | None = None) -> Decision:
    """Every (task, occurrence, rule, unit) due on as_of under each task's policy; with a
    scope, only its recipients."""
    cal = cal or default_calendar()
    scan = Scan(engine, as_of, plan, cal, "before", scope)
    keep = scan.keep
    directory, coordinators = scan.directory, scan.coordinators
    tasks: dict[int, pol.TaskFacts] = {}
    decision = Decision(as_of, plan, tasks, directory, coordinators, scanned=len(scan.rows),
                        kept=keep)
    memo = pol.Memo(as_of, scan.index)
    items = decision.items
    append = items.append
    dates = scan.dates
    current = memo.current
    unit_track_ = unit_track
    shared: dict[tuple[pol.Policy, dt.date], list[pol.Due]] = {}
    for raw in scan.rows:
        policy = scan.policy(raw[1], raw[10])
        if raw[3] == "recurring":
            row = scan.task_row(raw, policy)
            dues = pol.due_for_task(row, as_of, scan.index, scan.answered.get(row.id, ()))
            if not dues:
                continue
        else:
            eff = dates.get(raw[5]) or scan.date(raw[5])
            if eff is None:
                continue
            dues = shared.get((policy, eff))  # type: ignore[assignment]
            if dues is None:
                dues = shared[(policy, eff)] = [
                    pol.Due(eff, eff, eff, f.track, f.rule, f.fire_on)
                    for f in current(policy, eff, None)]
            if not dues:
                continue
            row = scan.task_row(raw, policy)
        if keep is None:
            tasks[row.id] = row
        for due in dues:
            if due.track == pol.UNIT_TRACK:
                units = (share_track(scan, row, due.occurrence, directory)
                         if row.id in scan.shares else
                         unit_track_(row.lead, row.coordinators, directory))
            else:
                units = escalation_track(row.lead, coordinators.get(row.plan), directory)
            if keep is not None:
                units = [r for r in units if r.unit in keep]
                if not units:
                    continue
                tasks[row.id] = row
            append((row, due, units))
    return decision


# ------------------------------------------------------------------------ delivering


@dataclass(slots=True)
class Job:
    want: ledger.Want
    endpoint: Endpoint
    render: Callable[[], Message]
    info: dict[str, Any]


@dataclass
class Report:
    as_of: dt.date
    dry_run: bool
    plan: str | None
    config: str | None
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    unrouted: set[str] = field(default_factory=set)
    seconds: float = 0.0
    busy: str | None = None  # the database stayed locked: the run stopped early (counts say)

    def as_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "dry_run": self.dry_run, "plan": self.plan,
                "config": self.config, "counts": dict(sorted(self.counts.items())),
                "unrouted": sorted(self.unrouted), "seconds": round(self.seconds, 3),
                "busy": self.busy,
                "deliveries": self.deliveries}


def _log() -> logging.Logger:
    log = logging.getLogger("dondoc.remind")
    if not log.handlers:
        folder = dondoc_home() / "logs"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handler: logging.Handler = logging.FileHandler(folder / "remind.log", encoding="utf-8")
        except OSError:
            handler = logging.NullHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    return log


def deliver(engine: Engine, jobs: list[Job], report: Report, targets: Targets, *,
            scope: Callable[[str], bool], workers: int = DEFAULT_WORKERS,
            settings: ledger.Settings | None = None,
            progress: Callable[[int], None] | None = None,
            units: frozenset[str] | None = None) -> Report:
    """Claim, send and mark each job that the ledger says is still to be sent; units: the
    only units the jobs go to (a partial sweep reads only their ledger rows)."""
    settings = settings or ledger.Settings.from_env()
    if not report.dry_run:
        try:
            _journal_replay(engine, settings)
        except ledger.LedgerBusy as exc:
            report.busy = str(exc)
            report.counts["left_undone"] += len(jobs)
            return report
    now = ledger.utcnow()
    with engine.connect() as conn:
        sent = ledger.sent_keys(conn, units)
        open_ = ledger.open_states(conn, units)
    todo: list[Job] = []
    wanted: set[str] = set()
    counts = report.counts
    for job in jobs:
        key = job.want.key
        wanted.add(key)
        if ledger.admit(key, sent, open_, now, settings, counts):
            todo.append(job)
    stale_retries = [k for k, s in open_.items()
                     if s.status == ledger.RETRY and k not in wanted and scope(k)]
    if report.dry_run:
        counts["would_supersede"] = len(stale_retries)
        for job in todo:
            message = job.render()
            report.deliveries.append({**job.info, "subject": message.subject,
                                      "status": "would_send"})
        counts["would_send"] = len(todo)
        return report
    try:
        if stale_retries:
            counts["superseded"] = ledger.supersede(engine, stale_retries)
        _send_all(engine, todo, report, targets, settings, workers, progress)
    except ledger.LedgerBusy as exc:
        report.busy = str(exc)
    return report


def _send_all(engine: Engine, todo: list[Job], report: Report, targets: Targets,
              settings: ledger.Settings, workers: int,
              progress: Callable[[int], None] | None) -> None:
    log = _log()
    sender = ledger.sender_id()
    counts = report.counts
    queue = list(reversed(todo))
    by_key: dict[str, Job] = {}
    finished: list[ledger.Outcome] = []
    last_mark = time.monotonic()
    in_flight: dict[Future[Any], tuple[ledger.Claim, Message]] = {}

    def flush() -> None:
        nonlocal last_mark
        statuses = ledger.mark(engine, finished, sender, settings)
        for o in finished:
            job = by_key[o.claim.key]
            status = statuses[o.claim.key]
            counts[status] += 1
            report.deliveries.append({**job.info, "subject": o.subject, "status": status,
                                      "attempts": o.claim.attempts, "error": o.error})
            if status == ledger.SENT:
                log.info("sent %s via %s", o.claim.key, job.endpoint.label)
            else:
                log.warning("%s %s via %s: %s", status, o.claim.key, job.endpoint.label, o.error)
        if progress:
            progress(len(finished))
        finished.clear()
        last_mark = time.monotonic()

    try:
        _pump(engine, queue, by_key, finished, in_flight, counts, sender, settings, workers,
              targets, flush, lambda: last_mark)
    except ledger.LedgerBusy:
        # Let what is in flight finish, then record what can be recorded and give back the
        # rest, so that nothing stays claimed (and later sent twice) by a sender that left.
        for fut in list(in_flight):
            c, message = in_flight.pop(fut)
            result = fut.result()
            finished.append(ledger.Outcome(c, result.ok, by_key[c.key].endpoint.label,
                                           result.error, result.ms, message.subject))
        try:
            if finished:
                flush()
        except ledger.LedgerBusy:
            unsent = [o.claim for o in finished if not o.ok]
            sent = [o for o in finished if o.ok]
            released = ledger.release(engine, unsent, sender)
            counts["sent_unrecorded"] += len(sent)
            _journal_write(sent, sender)
            for o in sent:
                log.warning("sent %s but could not record it: the database is locked",
                            o.claim.key)
            counts["released"] += released
        counts["left_undone"] += len(queue)
        raise


# Sends that went out while the ledger was locked: recorded by the next run before it
# claims anything, so they are not sent again when their claims go stale.
JOURNAL = "unrecorded-sends.jsonl"


def _journal_write(sent: list[ledger.Outcome], sender: str) -> None:
    path = dondoc_home() / JOURNAL
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as f:
        for o in sent:
            f.write(orjson.dumps({"id": o.claim.id, "key": o.claim.key, "sender": sender,
                                  "attempts": o.claim.attempts, "endpoint": o.endpoint,
                                  "ms": o.ms, "subject": o.subject}) + b"\n")


def _journal_replay(engine: Engine, settings: ledger.Settings) -> None:
    path = dondoc_home() / JOURNAL
    if not path.exists():
        return
    by_sender: dict[str, list[ledger.Outcome]] = defaultdict(list)
    for raw in path.read_bytes().splitlines():
        try:
            e = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue  # a line cut by a crash: that send is re-tried, at worst sent twice
        by_sender[e["sender"]].append(ledger.Outcome(
            ledger.Claim(e["id"], e["key"], e["attempts"], None), True, e["endpoint"], None,
            e["ms"], e["subject"]))
    for sender, outcomes in by_sender.items():
        ledger.mark(engine, outcomes, sender, settings)
    path.unlink()


def _pump(engine: Engine, queue: list[Job], by_key: dict[str, Job],
          finished: list[ledger.Outcome],
          in_flight: dict[Future[Any], tuple[ledger.Claim, Message]], counts: dict[str, int],
          sender: str, settings: ledger.Settings, workers: int, targets: Targets,
          flush: Callable[[], None], last_mark: Callable[[], float]) -> None:
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="dondoc-send") as pool:
        while queue or in_flight:
            # Claim only what the pool can start now: a crash then strands few claims.
            room = max(0, workers - len(in_flight))
            if queue and room:
                batch = [queue.pop() for _ in range(min(room, len(queue)))]
                for job in batch:
                    by_key[job.want.key] = job
                try:
                    claims = ledger.claim(engine, [j.want for j in batch], sender, settings)
                except ledger.LedgerBusy:
                    queue.extend(reversed(batch))  # not claimed: still to do
                    raise
                counts["lost_race"] += len(batch) - len(claims)
                for c in claims:
                    job = by_key[c.key]
                    message = job.render()
                    fut = pool.submit(send, job.endpoint, message, targets)
                    in_flight[fut] = (c, message)
                if not claims and not in_flight:
                    continue
            if not in_flight:
                continue
            done, _ = wait(list(in_flight), timeout=MARK_WAIT_S, return_when=FIRST_COMPLETED)
            for fut in done:
                c, message = in_flight.pop(fut)
                result = fut.result()
                finished.append(ledger.Outcome(c, result.ok, by_key[c.key].endpoint.label,
                                               result.error, result.ms, message.subject))
            if finished and (len(finished) >= MARK_EVERY or not queue
                             or time.monotonic() - last_mark() >= MARK_WAIT_S):
                flush()
        if finished:
            flush()


# ------------------------------------------------------------------------ reminders


def reminder_jobs(engine: Engine, decision: Decision, targets: Targets, lang: str,
                  cal: WorkCalendar | None = None) -> tuple[list[Job], set[str]]:
    cal = cal or default_calendar()
    as_of = decision.as_of
    texts, plan_titles = reminder_scan.task_texts(engine, decision.tasks)
    directory = decision.directory
    jobs: list[Job] = []
    unrouted: set[str] = set()
    for row, due, recipient in ((r, d, u) for r, d, units in decision.items for u in units):
        if targets.source and not targets.routed(recipient.unit):
            unrouted.add(recipient.unit)
        for endpoint in targets.for_unit(recipient.unit):
            key = ledger.make_key(row.id, recipient.unit, due.occurrence, due.rule,
                                  endpoint.channel)
            want = ledger.Want(key, row.id, recipient.unit, due.occurrence, due.rule,
                               endpoint.channel)

            def render(due: pol.Due = due, recipient: Recipient = recipient, row: pol.TaskFacts = row,
                       key: str = key) -> Message:
                title, section, deadline_text, inferred = texts[row.id]
                overdue = as_of > due.effective_due
                days = (cal.working_days_between(due.effective_due, as_of) if overdue
                        else cal.working_days_between(as_of, due.effective_due))
                view = ReminderView(
                    key=key, unit=recipient.unit, unit_name=directory.name(recipient.unit),
                    role=recipient.role, rule=due.rule, as_of=as_of, plan=row.plan,
                    plan_title=plan_titles.get(row.plan, row.plan), task=row.code,
                    task_title=title, section=section, deadline_text=deadline_text,
                    due=due.due if row.kind == "recurring" else (row.due or due.due),
                    effective_due=due.effective_due, working_days=days,
                    overdue=overdue, lead_name=directory.name(directory.current(row.lead))
                    if row.lead else "",
                    coordinator_names=tuple(directory.name(directory.current(c))
                                            for c in row.coordinators),
                    recurring=row.kind == "recurring", inferred=bool(inferred),
                    data_window=due.data_window, report_label=due.label)
                return render_reminder(view, lang)

            info = {"key": key, "plan": row.plan, "task": row.code, "unit": recipient.unit,
                    "role": recipient.role, "rule": due.rule,
                    "occurrence": due.occurrence.isoformat(), "channel": endpoint.channel,
                    "endpoint": endpoint.label}
            jobs.append(Job(want, endpoint, render, info))
    return jobs, unrouted


def sweep(engine: Engine, as_of: dt.date, targets: Targets, *, plan: str | None = None,
          task: str | None = None, dry_run: bool = False, lang: str = "vi", workers: int = DEFAULT_WORKERS,
          settings: ledger.Settings | None = None,
          progress: Callable[[int], None] | None = None,
          on_total: Callable[[int], None] | None = None,
          province: str | None = None) -> Report:
    """One reminder run for as_of: what is due, through the ledger, to the endpoints.

    With plan and task (a task code), only that task's reminders: the follow-up flow of one
    task runs this. With a province, only the reminders to that province's units.
    """
    started = time.perf_counter()
    decision = decide(engine, as_of, plan, scope=Scope(province=province) if province else None)
    jobs, unrouted = reminder_jobs(engine, decision, targets, lang)
    plan_tasks = reminder_scan.plan_task_ids(engine, plan, task) if plan else None
    if task is not None and plan_tasks is not None:
        jobs = [j for j in jobs if str(j.want.task_id) in plan_tasks]
    report = Report(as_of, dry_run, plan, targets.source)
    report.unrouted = unrouted
    report.counts["due"] = len(jobs)
    report.counts["tasks_scanned"] = decision.scanned
    kept = decision.kept
    if on_total:
        on_total(len(jobs))

    def scope(key: str) -> bool:
        task, unit = key.split(":", 2)[:2]
        return (task != "-" and (plan_tasks is None or task in plan_tasks)
                and (kept is None or unit in kept))

    deliver(engine, jobs, report, targets, scope=scope, workers=workers, settings=settings,
            progress=progress, units=kept)
    report.seconds = time.perf_counter() - started
    return report


# ------------------------------------------------------------------------ weekly digest


def digest_views(engine: Engine, as_of: dt.date, plan: str | None = None,
                 cal: WorkCalendar | None = None,
                 scope: Scope | None = None) -> tuple[dict[str, DigestView], Directory]:
    """One view per unit with something to say: its overdue and due-soon tasks; with a
    scope, the views of its units only."""
    cal = cal or default_calendar()
    scan = Scan(engine, as_of, plan, cal, "due_soon_window", scope)
    directory, coordinators, answered, index = (scan.directory, scan.coordinators, scan.answered,
                                                scan.index)
    tasks = {raw[0]: scan.task_row(raw, scan.policy(raw[1], raw[10])) for raw in scan.rows}
    rule, monday = pol.iso_week_rule(as_of)
    week = rule.removeprefix("digest-")
    texts, _titles = reminder_scan.task_texts(engine, tasks)
    views: dict[str, DigestView] = {}

    def view(unit: str) -> DigestView:
        found = views.get(unit)
        if found is None:
            found = views[unit] = DigestView("", unit, directory.name(unit), as_of, week)
        return found

    for row in tasks.values():
        if row.policy.digest == "none":
            continue
        standings = pol.standing(row, as_of, index, answered.get(row.id, ()))
        if not standings:
            continue
        title = texts[row.id][0]
        for s in standings:
            for r in unit_track(row.lead, row.coordinators, directory):
                item = DigestItem(row.plan, row.code, title, s.effective_due, s.working_days,
                                  r.role)
                (view(r.unit).overdue if s.status == "overdue" else view(r.unit).due_soon).append(item)
            if s.status == "overdue" and s.working_days >= max(row.policy.escalate_after, 1):
                lead_name = directory.name(directory.current(row.lead)) if row.lead else ""
                for r in escalation_track(row.lead, coordinators.get(row.plan), directory):
                    view(r.unit).escalated.append(DigestItem(
                        row.plan, row.code, title, s.effective_due, s.working_days, r.role,
                        lead_name))
    if scan.keep is not None:
        views = {u: v for u, v in views.items() if u in scan.keep}
    for v in views.values():
        v.overdue.sort(key=lambda i: (-i.working_days, i.plan, i.task))
        v.due_soon.sort(key=lambda i: (i.working_days, i.plan, i.task))
        v.escalated.sort(key=lambda i: (-i.working_days, i.plan, i.task))
    return views, directory


def digest(engine: Engine, as_of: dt.date, targets: Targets, *, plan: str | None = None,
           dry_run: bool = False, lang: str = "vi", workers: int = DEFAULT_WORKERS,
           settings: ledger.Settings | None = None,
           progress: Callable[[int], None] | None = None,
           on_total: Callable[[int], None] | None = None) -> Report:
    """The weekly digest: one message per unit, ledgered under rule digest-YYYY-Www."""
    started = time.perf_counter()
    views, _ = digest_views(engine, as_of, plan)
    rule, monday = pol.iso_week_rule(as_of)
    report = Report(as_of, dry_run, plan, targets.source)
    jobs: list[Job] = []
    for unit in sorted(views):
        v = views[unit]
        if targets.source and not targets.routed(unit):
            report.unrouted.add(unit)
        for endpoint in targets.for_unit(unit):
            key = ledger.make_key(None, unit, monday, rule, endpoint.channel)

            def render(v: DigestView = v, key: str = key) -> Message:
                v.key = key
                return render_digest(v, lang)

            info = {"key": key, "plan": plan, "task": None, "unit": unit, "role": "digest",
                    "rule": rule, "occurrence": monday.isoformat(), "channel": endpoint.channel,
                    "endpoint": endpoint.label, "overdue": len(v.overdue),
                    "due_soon": len(v.due_soon), "escalated": len(v.escalated)}
            jobs.append(Job(ledger.Want(key, None, unit, monday, rule, endpoint.channel),
                            endpoint, render, info))
    report.counts["due"] = len(jobs)
    if on_total:
        on_total(len(jobs))
    deliver(engine, jobs, report, targets, scope=lambda k: k.startswith("-:"), workers=workers,
            settings=settings, progress=progress)
    report.seconds = time.perf_counter() - started
    return report
