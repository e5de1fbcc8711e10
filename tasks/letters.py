"""Letters: all that is due for a unit on a day, as one message per channel.

The sweep decides what is due (remind.decide), then groups it by recipient: a unit's
before-due reminders, overdue reminders and the escalations it receives as a supervisor
or plan coordinator go out together, grouped by plan, worst first. The ledger still keeps
one row per (task, unit, occurrence, rule, channel): a letter claims all its rows at once,
is sent once, and marks them all with the one outcome, so

- nothing is reminded twice: a row already sent (by an earlier letter, or an older
  per-task run) is left out of the letter, and a letter with nothing left is not sent;
- nothing is lost: a letter that fails leaves every row it covers to retry, and the next
  run sends them again, together (a letter is retried whole);
- two senders never send the same row: the claim is the ledger's, row by row; a sender
  sends only the rows it claimed.

The weekly digest (the unit's open assignments by status) rides in the letter of the day it
falls due, Monday, the day the digest deployment runs, under the digest's own ledger key
`-:unit:monday:digest-YYYY-Www:channel`: a digest the old `digest` command already sent
counts as sent, and a unit gets at most one letter per channel a day. `digest_only` sends
the week's digest now, as a letter of its own (what `dondoc digest` does).

A quiet start: what fell due before the sweep first saw a task (catalog/store/watch.py)
is backlog, counted and left unsent unless `backfill` is asked for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections import defaultdict
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from sqlalchemy.engine import Engine

from dondoc.catalog.rules import policy as pol
from dondoc.catalog.rules.recipients import PLAN_COORDINATOR, SUPERVISOR
from dondoc.catalog.rules.workdays import WorkCalendar, default_calendar
from dondoc.catalog.store import ledger, reminder_scan, watch
from dondoc.tasks.notify import Endpoint, Targets, send
from dondoc.tasks.remind import (DEFAULT_WORKERS, MARK_WAIT_S, Decision, Report, Scope,
                                 _journal_replay, _journal_write, _log, decide, digest_views)
from dondoc.tasks.render import (DigestView, LetterLine, LetterView, Message, PlanSection,
                                 render_letter)

MARK_EVERY = 32


@dataclass(frozen=True, slots=True)
class Item:
    """One (task, occurrence, rule) for one unit: one ledger row per channel."""

    base: str  # the ledger key without its channel
    task_id: int
    unit: str
    occurrence: dt.date
    rule: str
    fire_on: dt.date
    line: LetterLine | None  # None for the weekly digest's row
    digest: DigestView | None = None


@dataclass(slots=True)
class Letter:
    unit: str
    channel: str
    endpoint: Endpoint
    items: list[Item]
    separate: str | None  # a task code when plan policy asks for a message per task

    def wants(self) -> list[ledger.Want]:
        return [ledger.Want(f"{i.base}:{self.channel}", i.task_id, i.unit, i.occurrence,
                            i.rule, self.channel) for i in self.items]


def _separate(row: pol.TaskFacts, plan_policies: dict[str, Any]) -> bool:
    """Plan policy `reminders: {separate: [NV01, ...]}` keeps named tasks in letters of
    their own (a task a leader follows personally, say)."""
    raw = plan_policies.get(row.plan) or {}
    named = raw.get("separate") if isinstance(raw, dict) else None
    return bool(named) and row.code in named


def _line(decision: Decision, row: pol.TaskFacts, due: pol.Due, role: str,
          texts: dict[int, tuple[Any, ...]], cal: WorkCalendar) -> LetterLine:
    as_of = decision.as_of
    directory = decision.directory
    title, _section, deadline_text, inferred = texts[row.id]
    overdue = as_of > due.effective_due
    escalation = role in (SUPERVISOR, PLAN_COORDINATOR)
    kind = ("escalation" if escalation else "overdue" if overdue
            else "cutoff" if due.rule == "cutoff" else "before")
    return LetterLine(
        plan=row.plan, task=row.code, title=title, role=role, kind=kind, rule=due.rule,
        deadline_text=None if inferred else deadline_text,
        due=due.due if row.kind == "recurring" else (row.due or due.due),
        effective_due=due.effective_due,
        # One count of lateness everywhere: calendar days, as `dondoc overdue` counts.
        days_late=(as_of - due.effective_due).days if overdue else 0,
        # Before the deadline the policy counts in working days, and the letter says so.
        working_days_left=0 if overdue else cal.working_days_between(as_of, due.effective_due),
        escalate_after=row.policy.escalate_after,
        lead_name=directory.name(directory.current(row.lead)) if row.lead else "",
        report_label=due.label)


def digest_due(as_of: dt.date) -> bool:
    """The digest falls due on Monday, the day the digest deployment runs; a sweep on a
    later day of the week does not add it (`dondoc digest` sends it on any day)."""
    return as_of.weekday() == 0


def digest_items(engine: Engine, as_of: dt.date, cal: WorkCalendar | None = None,
                 scope: Scope | None = None) -> dict[str, Item]:
    """One digest row per unit with open assignments, for the ISO week of as_of."""
    views, _ = digest_views(engine, as_of, None, cal, scope)
    rule, monday = pol.iso_week_rule(as_of)
    return {unit: Item(ledger.make_key(None, unit, monday, rule, "x")[:-2], None, unit, monday,
                       rule, monday, None, view)
            for unit, view in views.items()}


def collect(engine: Engine, decision: Decision, *, backfill: bool, record: bool,
            cal: WorkCalendar | None = None, digest: bool | None = None,
            reminders: bool = True) -> tuple[dict[tuple[str, str | None], list[Item]],
                                             int, dict[str, Any]]:
    """The items of each (unit, separate task) and the number of backlog items left out.

    digest: add the week's digest rows (None: when the digest falls due on as_of and the
    sweep covers every plan; a digest of one plan's tasks would be ledgered as the unit's
    whole digest for the week). reminders=False leaves the reminders out."""
    cal = cal or default_calendar()
    if digest is None:
        digest = decision.plan is None and digest_due(decision.as_of)
    texts, plan_titles = reminder_scan.task_texts(engine, decision.tasks)
    seen = watch.first_seen(engine, decision.tasks.keys(), decision.as_of, record)
    with engine.connect() as conn:
        plan_policies = {code: reminder_scan_json(p)
                         for code, p in reminder_scan.plan_policies(conn)}
        sent_bases = {k.rsplit(":", 1)[0] for k in ledger.sent_keys(conn, decision.kept)}
    groups: dict[tuple[str, str | None], list[Item]] = defaultdict(list)
    backlog = 0
    for row, due, recipients in decision.items if reminders else ():
        late = due.fire_on < seen[row.id]
        separate = row.code if _separate(row, plan_policies) else None
        for r in recipients:
            base = ledger.make_key(row.id, r.unit, due.occurrence, due.rule, "x")[:-2]
            if late and not backfill:
                if base not in sent_bases:
                    backlog += 1
                continue
            groups[(r.unit, separate)].append(Item(
                base, row.id, r.unit, due.occurrence, due.rule, due.fire_on,
                _line(decision, row, due, r.role, texts, cal)))
    if digest:
        scope = None if decision.kept is None else Scope(units=decision.kept)
        for unit, item in digest_items(engine, decision.as_of, cal, scope).items():
            groups[(unit, None)].append(item)
    return groups, backlog, {"plan_titles": plan_titles}


def reminder_scan_json(value: Any) -> Any:
    import orjson

    if value is None or isinstance(value, (dict, list)):
        return value
    return orjson.loads(value)


def letter_key(unit: str, as_of: dt.date, channel: str, items: list[Item]) -> str:
    """The letter's own id: the same rows on the same day give the same id (a retried
    letter overwrites its outbox file rather than adding one)."""
    digest = hashlib.sha1("\n".join(sorted(i.base for i in items)).encode()).hexdigest()[:10]
    return f"letter:{unit}:{as_of.isoformat()}:{channel}:{digest}"


def _view(decision: Decision, unit: str, items: list[Item], key: str,
          plan_titles: dict[str, str]) -> LetterView:
    directory = decision.directory
    by_plan: dict[str, list[LetterLine]] = defaultdict(list)
    digest: DigestView | None = None
    for i in items:
        if i.line is not None:
            by_plan[i.line.plan].append(i.line)
        else:
            digest = i.digest
    sections = []
    for plan, lines in by_plan.items():
        lines.sort(key=LetterLine.severity)
        office = decision.coordinators.get(plan)
        office = directory.current(office) if office else None
        sections.append(PlanSection(plan, plan_titles.get(plan, plan),
                                    directory.name(office) if office else "",
                                    directory.contact(office) if office else "", lines))
    sections.sort(key=lambda s: (s.lines[0].severity(), s.plan))
    return LetterView(key=key, unit=unit, unit_name=directory.name(unit),
                      as_of=decision.as_of, sections=sections, digest=digest)


def _attachments(view: LetterView) -> Callable[[Path], list[Path]] | None:
    if not view.sections:
        return None  # a digest-only letter: no reminders to list in a workbook or calendar

    def write(folder: Path) -> list[Path]:
        from dondoc.catalog.files.ics import write_calendar
        from dondoc.catalog.files.workbook import write_workbook
        from dondoc.catalog.store.exportrows import PlanInfo

        rows = [{"plan": s.plan, "task": ln.task, "section": None, "title": ln.title,
                 "lead": ln.lead_name, "coordinators": [], "deadline_text": ln.deadline_text,
                 "effective_due": ln.effective_due.isoformat(),
                 "status": "overdue" if ln.days_late else "due_soon",
                 "days_overdue": ln.days_late}
                for s in view.sections for ln in s.lines]
        plans = {s.plan: PlanInfo(s.plan, s.plan_title, None, None, None) for s in view.sections}
        day = view.as_of.strftime("%Y%m%d")
        xlsx = folder / f"nhiem-vu-{view.unit}-{day}.xlsx"
        write_workbook(xlsx, rows, plans, {}, view.as_of)
        ics = folder / f"han-nhiem-vu-{view.unit}-{day}.ics"
        write_calendar(ics, rows, plans, {}, default_calendar(),
                       dt.datetime.now(dt.timezone.utc))
        return [xlsx, ics]

    return write


def letters(groups: dict[tuple[str, str | None], list[Item]], targets: Targets,
            report: Report) -> list[Letter]:
    out: list[Letter] = []
    for (unit, separate), items in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        endpoints, routed = targets.route([unit])
        if targets.source and not routed:
            report.unrouted.add(unit)
        for endpoint in endpoints:
            out.append(Letter(unit, endpoint.channel, endpoint, items, separate))
    return out


def send_letters(engine: Engine, decision: Decision, todo: list[Letter], report: Report,
                 targets: Targets, lang: str, plan_titles: dict[str, str], *,
                 workers: int = DEFAULT_WORKERS, settings: ledger.Settings | None = None,
                 progress: Callable[[int], None] | None = None) -> None:
    """Claim each letter's rows, send the letter with the rows it holds, mark them all."""
    settings = settings or ledger.Settings.from_env()
    counts = report.counts
    if not report.dry_run:
        try:
            _journal_replay(engine, settings)
        except ledger.LedgerBusy as exc:
            report.busy = str(exc)
            counts["left_undone"] += len(todo)
            return
    now = ledger.utcnow()
    with engine.connect() as conn:
        sent = ledger.sent_keys(conn, decision.kept)
        open_ = ledger.open_states(conn, decision.kept)
    ready: list[Letter] = []
    for letter in todo:
        keep = []
        for item in letter.items:
            if ledger.admit(f"{item.base}:{letter.channel}", sent, open_, now, settings, counts):
                keep.append(item)
        if keep:
            letter.items = keep
            ready.append(letter)

    def render(letter: Letter, items: list[Item]) -> Message:
        key = letter_key(letter.unit, decision.as_of, letter.channel, items)
        view = _view(decision, letter.unit, items, key, plan_titles)
        return render_letter(view, lang, _attachments(view))

    if report.dry_run:
        counts["would_send"] = len(ready)
        counts["would_cover"] = sum(len(letter.items) for letter in ready)
        for letter in ready:
            report.deliveries.append({**_info(letter, letter.items),
                                      "subject": render(letter, letter.items).subject,
                                      "status": "would_send"})
        return
    _pump(engine, ready, report, targets, settings, workers, render, progress)


def _info(letter: Letter, items: list[Item]) -> dict[str, Any]:
    return {"unit": letter.unit, "channel": letter.channel, "endpoint": letter.endpoint.label,
            "items": len(items), "keys": [f"{i.base}:{letter.channel}" for i in items],
            "tasks": sorted({f"{i.line.plan}/{i.line.task}" for i in items if i.line}),
            "digest": any(i.digest is not None for i in items),
            "rules": sorted({i.rule for i in items}),
            "fired": min(i.fire_on for i in items).isoformat()}


def _pump(engine: Engine, queue: list[Letter], report: Report, targets: Targets,
          settings: ledger.Settings, workers: int,
          render: Callable[[Letter, list[Item]], Message],
          progress: Callable[[int], None] | None) -> None:
    log = _log()
    sender = ledger.sender_id()
    counts = report.counts
    queue = list(reversed(queue))
    # per letter in flight: the claims it holds, its items and its message
    in_flight: dict[Future[Any], tuple[Letter, list[ledger.Claim], list[Item], Message]] = {}
    finished: list[tuple[Letter, list[ledger.Claim], list[Item], Message, Any]] = []
    last_mark = time.monotonic()

    def flush() -> None:
        nonlocal last_mark
        outcomes = [ledger.Outcome(c, result.ok, letter.endpoint.label, result.error, result.ms,
                                   message.subject)
                    for letter, claims, _, message, result in finished for c in claims]
        statuses = ledger.mark(engine, outcomes, sender, settings)
        for letter, claims, items, message, result in finished:
            status = statuses[claims[0].key]
            counts[status] += 1
            counts[f"covered_{status}"] += len(claims)
            report.deliveries.append({**_info(letter, items), "key": message.key,
                                      "subject": message.subject, "status": status,
                                      "attempts": max(c.attempts for c in claims),
                                      "error": result.error})
            if status == ledger.SENT:
                log.info("sent %s (%d reminders) via %s", message.key, len(claims),
                         letter.endpoint.label)
            else:
                log.warning("%s %s via %s: %s", status, message.key, letter.endpoint.label,
                            result.error)
        if progress:
            progress(len(finished))
        finished.clear()
        last_mark = time.monotonic()

    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="dondoc-letter") as pool:
        try:
            while queue or in_flight:
                room = max(0, workers - len(in_flight))
                # Claim in batches of half the pool: a claim is a transaction, and one per
                # letter as each send finishes would cap the rate at the database's.
                if queue and (room >= max(1, workers // 2) or not in_flight):
                    batch = [queue.pop() for _ in range(min(room, len(queue)))]
                    wants = [w for letter in batch for w in letter.wants()]
                    try:
                        claims = ledger.claim(engine, wants, sender, settings)
                    except ledger.LedgerBusy:
                        queue.extend(reversed(batch))
                        raise
                    held = {c.key: c for c in claims}
                    counts["lost_race"] += len(wants) - len(claims)
                    for letter in batch:
                        mine = [(i, held[f"{i.base}:{letter.channel}"]) for i in letter.items
                                if f"{i.base}:{letter.channel}" in held]
                        if not mine:
                            continue
                        items = [i for i, _ in mine]
                        message = render(letter, items)
                        fut = pool.submit(send, letter.endpoint, message, targets)
                        in_flight[fut] = (letter, [c for _, c in mine], items, message)
                if not in_flight:
                    continue
                done, _ = wait(list(in_flight), timeout=MARK_WAIT_S, return_when=FIRST_COMPLETED)
                for fut in done:
                    letter, claims, items, message = in_flight.pop(fut)
                    finished.append((letter, claims, items, message, fut.result()))
                if finished and (len(finished) >= MARK_EVERY or not queue
                                 or time.monotonic() - last_mark >= MARK_WAIT_S):
                    flush()
            if finished:
                flush()
        except ledger.LedgerBusy as exc:
            # Let what is in flight finish and record it; if the ledger stays locked, the
            # letters that went out are journaled (recorded by the next run before it
            # claims anything) and the rest given back, as the per-task sweep does.
            report.busy = str(exc)
            for fut in list(in_flight):
                letter, claims, items, message = in_flight.pop(fut)
                finished.append((letter, claims, items, message, fut.result()))
            try:
                if finished:
                    flush()
            except ledger.LedgerBusy:
                ok = [ledger.Outcome(c, True, letter.endpoint.label, None, result.ms,
                                     message.subject)
                      for letter, claims, _, message, result in finished if result.ok
                      for c in claims]
                failed = [c for _, claims, _, _, result in finished if not result.ok
                          for c in claims]
                released = ledger.release(engine, failed, sender)
                _journal_write(ok, sender)
                counts["sent_unrecorded"] += len(ok)
                counts["released"] += released
            counts["left_undone"] += len(queue)


def sweep_letters(engine: Engine, as_of: dt.date, targets: Targets, *, plan: str | None = None,
                  dry_run: bool = False, backfill: bool = False, lang: str = "vi",
                  workers: int = DEFAULT_WORKERS, settings: ledger.Settings | None = None,
                  progress: Callable[[int], None] | None = None,
                  on_total: Callable[[int], None] | None = None,
                  digest_only: bool = False, province: str | None = None,
                  units: frozenset[str] | None = None) -> Report:
    """One run for as_of: what is due, one letter per unit and channel, through the ledger.

    digest_only: the week's digest now, whatever the weekday, and no reminders.
    province: the letters of that province's units only (reminder_scan.NO_PROVINCE: of the
    units without one); units: the letters of those units only (a follow-up run's). Each
    unit's letter is put together whole by the one sweep that keeps the unit."""
    started = time.perf_counter()
    scope = Scope(province=province, units=units)
    decision = decide(engine, as_of, plan, scope=None if scope.everything else scope)
    groups, backlog, extra = collect(engine, decision, backfill=backfill,
                                     record=not dry_run and not digest_only,
                                     digest=True if digest_only else None,
                                     reminders=not digest_only)
    report = Report(as_of, dry_run, plan, targets.source)
    report.counts["tasks_scanned"] = decision.scanned
    report.counts["due"] = sum(len(v) for v in groups.values())
    report.counts["backlog"] = backlog
    todo = letters(groups, targets, report)
    report.counts["letters"] = len(todo)
    if on_total:
        on_total(len(todo))
    send_letters(engine, decision, todo, report, targets, lang, extra["plan_titles"],
                 workers=workers, settings=settings, progress=progress)
    report.seconds = time.perf_counter() - started
    return report


def task_units(engine: Engine, as_of: dt.date, plan: str, task: str) -> frozenset[str]:
    """The units something of one task is due to on as_of (lead, coordinators, escalation):
    the letters a follow-up run of that task sends."""
    decision = decide(engine, as_of, plan)
    return frozenset(r.unit for row, _due, recipients in decision.items if row.code == task
                     for r in recipients)
