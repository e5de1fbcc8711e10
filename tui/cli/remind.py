"""`dondoc remind`, `dondoc digest` and `dondoc deliveries`: reminders that reach the units.

    dondoc remind [--as-of DATE] [--dry-run] [--plan CODE] [--workers N] --json
    dondoc digest [--as-of DATE] [--dry-run] [--workers N] --json
    dondoc deliveries [--failed] [--plan CODE] [--limit N] --json

Contacts: an Apprise YAML file named by DONDOC_APPRISE_CONFIG (tags = unit codes; ``${VAR}``
references are read from the environment). Without it, every message goes to the outbox
($DONDOC_HOME/outbox, one JSON file per message). Apprise is imported only by the commands
that send; `deliveries` only reads the ledger.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any, Callable, Optional

import typer

from dondoc.catalog.i18n import DondocError, lang, nt, t
from dondoc.tui.cli.common import AsOfOpt, JsonOpt, PlanOpt, engine, parse_date
from dondoc.tui.cli.output import line, print_json, stream_json_array
from dondoc.tui.cli.progress import progress

DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="help.opt.dry_run")]
WorkersOpt = Annotated[int, typer.Option("--workers", help="help.opt.workers")]


def _check(plan: str | None, workers: int) -> None:
    if not 1 <= workers <= 256:
        raise DondocError("remind.bad_workers", value=workers)
    if plan:
        from dondoc.catalog.store.queries import Reader
        if not Reader(engine()).plan_exists(plan):
            raise DondocError("cli.no_plan", code=plan)


def _print(report: Any, as_json: bool) -> None:
    if as_json:
        print_json(report.as_json())
        return
    c = report.counts
    day = report.as_of.isoformat()
    if "letters" in c:
        _print_letters(report)
        return
    if report.dry_run:
        print(t("remind.summary_dry", as_of=day, would=c.get("would_send", 0),
                already=c.get("already_sent", 0)))
    else:
        print(t("remind.summary", as_of=day, sent=c.get("sent", 0), retry=c.get("retry", 0),
                failed=c.get("failed", 0), already=c.get("already_sent", 0)))
    _print_rows(report, lambda d: f"{d['rule']:<16}")


def _print_letters(report: Any) -> None:
    c = report.counts
    day = report.as_of.isoformat()
    if report.dry_run:
        print(t("remind.letters_dry", as_of=day, would=c.get("would_send", 0),
                items=c.get("would_cover", 0), already=c.get("already_sent", 0)))
    else:
        print(t("remind.letters", as_of=day, sent=c.get("sent", 0),
                items=c.get("covered_sent", 0), retry=c.get("retry", 0),
                failed=c.get("failed", 0), already=c.get("already_sent", 0)))
    if c.get("backlog"):
        print(nt("remind.backlog", c["backlog"]))
    _print_rows(report, lambda d: f"{d['items']:>4} ")


def _print_rows(report: Any, middle: Callable[[dict[str, Any]], str]) -> None:
    """Each delivery (or letter) on a line, its error below it, then the unrouted units."""
    for d in report.deliveries[:200]:
        print(f"  {d['status']:<10} {d['unit']:<16} {middle(d)} {line(d.get('subject'), 300)}")
        if d.get("error"):
            print(f"             {line(d['error'], 500)}")
    if len(report.deliveries) > 200:
        print("  " + t("cli.more_rows", n=len(report.deliveries) - 200))
    if report.unrouted:
        units = sorted(report.unrouted)
        print(nt("remind.unrouted", len(units), units=", ".join(units[:20])
                + (" …" if len(units) > 20 else "")))


def _exit_status(report: Any) -> None:
    """A run that could not finish says so in one line on stderr and exits 1."""
    if report.busy:
        c = report.counts
        sys.stderr.write(t("remind.db_busy", undone=c.get("left_undone", 0),
                           released=c.get("released", 0),
                           unrecorded=c.get("sent_unrecorded", 0)) + "\n")
        raise typer.Exit(1)
    c = report.counts
    attempted = c.get("sent", 0) + c.get("retry", 0) + c.get("failed", 0)
    if not report.dry_run and attempted and not c.get("sent", 0):
        # Every send failed: a scheduler or a person watching the exit status must see it.
        sys.stderr.write(t("remind.all_failed", n=attempted) + "\n")
        raise typer.Exit(1)


def remind(as_of: AsOfOpt = None, dry_run: DryRunOpt = False, plan: PlanOpt = None,
           workers: WorkersOpt = 16, as_json: JsonOpt = False,
           retry_failed: Annotated[bool, typer.Option(
               "--retry-failed", help="help.opt.retry_failed")] = False,
           backfill: Annotated[bool, typer.Option("--backfill", help="help.opt.backfill")] = False
           ) -> None:
    """Send the reminders due on the as-of day (before, on and after each deadline)."""
    day = parse_date(as_of)
    _check(plan, workers)
    if retry_failed and not dry_run:
        from dondoc.catalog.store.ledger import retry_failed as revive
        revive(engine(), plan)
    from dondoc.tasks.notify import load_targets
    from dondoc.tasks.remind import sweep

    targets = load_targets()
    from dondoc.catalog.settings import settings
    if settings().letters:
        from dondoc.tasks.letters import sweep_letters
        with progress(t("progress.remind"), quiet=dry_run) as bar:
            report = sweep_letters(engine(), day, targets, plan=plan, dry_run=dry_run,
                                   backfill=backfill, lang=lang(), workers=workers,
                                   progress=bar.advance, on_total=bar.set_total)
        _print(report, as_json)
        _exit_status(report)
        return
    with progress(t("progress.remind"), quiet=dry_run) as bar:
        report = sweep(engine(), day, targets, plan=plan, dry_run=dry_run, lang=lang(),
                       workers=workers, progress=bar.advance, on_total=bar.set_total)
    _print(report, as_json)
    _exit_status(report)


def digest(as_of: AsOfOpt = None, dry_run: DryRunOpt = False, workers: WorkersOpt = 16,
           as_json: JsonOpt = False) -> None:
    """Send each unit its weekly digest: its overdue and due-soon tasks (once per ISO week)."""
    day = parse_date(as_of)
    _check(None, workers)
    from dondoc.tasks.notify import load_targets
    from dondoc.tasks.remind import digest as run_digest

    targets = load_targets()
    from dondoc.catalog.settings import settings
    if settings().letters:
        # In letter mode the digest is a letter: the week's digest now, one letter per unit
        # and channel, under the digest's ledger key, so Monday's letter leaves it out.
        from dondoc.tasks.letters import sweep_letters
        with progress(t("progress.digest"), quiet=dry_run) as bar:
            report = sweep_letters(engine(), day, targets, dry_run=dry_run, lang=lang(),
                                   workers=workers, progress=bar.advance,
                                   on_total=bar.set_total, digest_only=True)
        _print(report, as_json)
        _exit_status(report)
        return
    with progress(t("progress.digest"), quiet=dry_run) as bar:
        report = run_digest(engine(), day, targets, dry_run=dry_run, lang=lang(),
                            workers=workers, progress=bar.advance, on_total=bar.set_total)
    _print(report, as_json)
    _exit_status(report)


def deliveries(failed: Annotated[bool, typer.Option(
                   "--failed", help="help.opt.failed")] = False,
               plan: PlanOpt = None,
               limit: Annotated[Optional[int], typer.Option("--limit", help="help.opt.limit")] = None,
               as_json: JsonOpt = False) -> None:
    """The reminder ledger, newest first: what was sent, when, to whom, and what failed."""
    from dondoc.catalog.store.ledger import rows

    if plan:
        _check(plan, 1)
    items = rows(engine(), failed_only=failed, plan=plan, limit=limit)
    if as_json:
        stream_json_array(items)
        return
    count = 0
    for r in items:
        count += 1
        print(f"{r['status']:<10} {r['attempts']:>2} {r['unit'] or '':<16} {r['rule']:<16} "
              f"{r['sent_at'] or r['next_attempt_at'] or '':<26} {line(r['subject'] or r['key'], 300)}")
        if r["error"]:
            print(f"{'':14}{line(r['error'], 500)}")
    if not count:
        print(t("cli.empty"))


def register(app: typer.Typer) -> None:
    app.command("remind", help="help.cmd.remind")(remind)
    app.command("digest", help="help.cmd.digest")(digest)
    app.command("deliveries", help="help.cmd.deliveries")(deliveries)
