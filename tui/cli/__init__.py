"""The `dondoc` command line.

Read-only commands import only the domain (catalog/), never Prefect, Textual or Apprise,
so that `dondoc overdue` answers at once. Errors go to stderr, one line each; bad input
exits with status 2 and changes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from dondoc.catalog.i18n import DondocError, InputError, t
from dondoc.catalog.settings import shipped_plans_dir
from dondoc.tui.cli.common import (AsOfOpt, BadInput, JsonOpt, PlanOpt, UnitOpt, app, engine, parse_date,
                        reader, task_filter)
from dondoc.tui.cli.output import (cell, error_line, print_json, print_task_table,
                                   stream_json_array)

deadline_app = typer.Typer(help="Thời hạn (deadline language).", no_args_is_help=True)
catalog_app = typer.Typer(help="Danh mục kế hoạch (the plan catalog).", no_args_is_help=True)
app.add_typer(deadline_app, name="deadline")
app.add_typer(catalog_app, name="catalog")


# ------------------------------------------------------------------------- deadline


@deadline_app.command("parse")
def deadline_parse(
    texts: Annotated[list[str], typer.Argument(help="Phrases, or - to read one a line from stdin.")],
    between: Annotated[Optional[tuple[str, str]], typer.Option(
        "--between", help="START END: list the occurrences inside this window.")] = None,
    as_json: JsonOpt = False,
    anchor: Annotated[Optional[str], typer.Option(
        "--from", help="The plan's date, for relative deadlines (trong vòng 30 ngày kể từ ...).")] = None,
) -> None:
    """Parse Vietnamese deadline phrases ("Quý IV/2022", "hằng năm", ...)."""
    from dondoc.catalog.rules.deadline import parse as parse_phrase

    parse = _anchored_parser(parse_phrase, parse_date(anchor) if anchor else None)
    window = (parse_date(between[0]), parse_date(between[1])) if between else None
    from_stdin = texts == ["-"]
    phrases = [ln.strip() for ln in sys.stdin.read().splitlines() if ln.strip()] \
        if from_stdin else texts
    results: list[dict[str, object]] = []
    failed = False
    for phrase in phrases:
        try:
            d = parse(phrase)
        except DondocError as exc:
            failed = True
            error_line(f"«{phrase}»: {exc}")
            results.append({"text": phrase, "error": str(exc)})
            continue
        item = d.as_json()
        item["occurrences"] = ([o.isoformat() for o in d.occurrences(*window, dtstart=window[0])]
                               if window else None)
        results.append(item)
    single = len(phrases) == 1 and not from_stdin
    if as_json:
        if not (single and failed):
            print_json(results[0] if single else results)
    else:
        for item in results:
            if "error" not in item:
                print(f"{item['text']}\t{item['kind']}\t{item['start'] or '-'}\t"
                      f"{item['due'] or '-'}\t{item['rrule'] or '-'}"
                      + (f"\t{','.join(item['occurrences'])}" if item.get("occurrences") else ""))
    if failed:
        raise BadInput


def _anchored_parser(parse, anchor):  # type: ignore[no-untyped-def]
    """parse with the plan's date; the working-day calendar is loaded only when needed."""
    if anchor is None:
        return parse

    def add_working_days(day, n):  # type: ignore[no-untyped-def]
        from dondoc.catalog.rules.workdays import default_calendar
        return default_calendar().add_working_days(day, n)

    return lambda text: parse(text, anchor, add_working_days)


# ------------------------------------------------------------------------- catalog


def _read(path: Path, with_db: bool):  # type: ignore[no-untyped-def]
    from dondoc.catalog.store.loader import read_for_load
    from dondoc.catalog.files.reader import read_catalog

    cat = read_for_load(engine(), path) if with_db else read_catalog(path)
    if cat.errors:
        for err in cat.errors:
            error_line(err.render())
        raise BadInput
    return cat


@catalog_app.command("validate")
def catalog_validate(path: Annotated[Optional[Path], typer.Argument()] = None,
                     as_json: JsonOpt = False) -> None:
    """Check plan files and unit registries: exit 0, or 2 with file:line: message lines."""
    cat = _read(path or shipped_plans_dir(), with_db=False)
    _warn_app_assignments(cat)
    counts = {"plans": len(cat.plans), "tasks": cat.task_count, "targets": cat.target_count,
              "units": len(cat.units)}
    if as_json:
        print_json({"valid": True, **counts})
    else:
        print(t("cli.valid", **counts))


def _warn_app_assignments(cat) -> None:  # type: ignore[no-untyped-def]
    """Warn where a file names a lead for a task the app assigned (the file wins on load).

    Only against a database that exists already: validating must not create one."""
    from dondoc.catalog.settings import database_url
    from dondoc.catalog.store.assignments import lead_disagreements

    url = database_url()
    if url.startswith("sqlite") and not Path(url.split("///", 1)[-1]).exists():
        return
    try:
        warnings = lead_disagreements(engine(), cat)
    except DondocError:  # no database to compare with: the files alone are valid
        return
    for warning in warnings:
        error_line(warning.render())


@catalog_app.command("load")
def catalog_load(path: Annotated[Optional[Path], typer.Argument()] = None,
                 as_json: JsonOpt = False) -> None:
    """Load plan files into the database: all or nothing; loading twice changes nothing."""
    from dondoc.catalog.store.loader import load_catalog

    cat = _read(path or shipped_plans_dir(), with_db=True)
    total = cat.task_count + cat.target_count + len(cat.plans)
    with _progress(total, "Nạp danh mục" if not as_json else "") as advance:
        summary = load_catalog(engine(), cat, progress=advance)
    if as_json:
        print_json({"changed": summary.changed, **summary.as_json()})
        return
    if not summary.changed:
        print(t("cli.unchanged"))
    parts = [f"{entity}: " + ", ".join(f"{n} {action}" for action, n in actions.items())
             for entity, actions in summary.as_json().items()]
    print(t("cli.loaded", summary="; ".join(parts)))


class _progress:
    """A rich progress bar on a terminal for long work; silent otherwise."""

    def __init__(self, total: int, label: str) -> None:
        self.total, self.label, self.bar = total, label, None

    def __enter__(self):  # type: ignore[no-untyped-def]
        if self.label and sys.stderr.isatty() and self.total > 2000:
            from rich.console import Console
            from rich.progress import Progress
            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            task = self.bar.add_task(self.label, total=self.total)
            return lambda n: self.bar.advance(task, n)
        return None

    def __exit__(self, *exc: object) -> None:
        if self.bar:
            self.bar.stop()


# ------------------------------------------------------------------------- queries


@app.command("plans")
def plans(as_json: JsonOpt = False) -> None:
    """The plans in the catalog, with task, target and budget totals."""
    rows = reader().plans()
    if as_json:
        print_json(rows)
        return
    from rich.console import Console
    from rich.table import Table
    table = Table()
    for col in ("code", "title", "issuer", "issued_on", "tasks", "targets", "budget_vnd"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(cell(r["code"]), cell(r["title"], 200), cell(r["issuer"]), r["issued_on"] or "",
                      str(r["tasks"]), str(r["targets"]), f"{r['budget_vnd']:,}".replace(",", "."))
    Console().print(table)


@app.command("tasks")
def tasks(plan: PlanOpt = None, unit: UnitOpt = None, as_of: AsOfOpt = None,
          as_json: JsonOpt = False, unassigned: Annotated[bool, typer.Option(
              "--unassigned", help="Only tasks nobody leads (chưa giao).")] = False) -> None:
    """Every live task with its status on the as-of date."""
    rdr = reader()
    f = task_filter(rdr, as_of, plan, unit, unassigned)
    items = rdr.items(f)
    stream_json_array(items) if as_json else print_task_table(items)


@app.command("overdue")
def overdue(as_of: AsOfOpt = None, plan: PlanOpt = None, unit: UnitOpt = None,
            count: Annotated[bool, typer.Option("--count", help="Only how many.")] = False,
            as_json: JsonOpt = False) -> None:
    """Tasks overdue on the as-of date, worst first."""
    rdr = reader()
    f = task_filter(rdr, as_of, plan, unit)
    if count:
        n = rdr.count_overdue(f)
        print_json({"count": n, "as_of": f.as_of.isoformat()}) if as_json else print(n)
        return
    # Items come oldest effective due first, which for overdue tasks is worst first.
    items = rdr.items(f, statuses=("overdue",))
    stream_json_array(items) if as_json else print_task_table(items)


# Each feature registers its commands from its own module.
from dondoc.tui.cli import up as cmd_up  # noqa: E402,F401
from dondoc.tui.cli import tui as cmd_tui  # noqa: E402,F401
from dondoc.tui.cli import remind as cmd_remind  # noqa: E402,F401
from dondoc.tui.cli import sync as cmd_sync  # noqa: E402,F401
from dondoc.tui.cli import review as cmd_review  # noqa: E402,F401
from dondoc.tui.cli import report as cmd_report  # noqa: E402,F401
from dondoc.tui.cli import imports as cmd_imports  # noqa: E402
cmd_imports.register(catalog_app)
from dondoc.tui.cli import exports as cmd_exports  # noqa: E402
cmd_exports.register(app)
from dondoc.tui.cli import assign as cmd_assign  # noqa: E402
cmd_assign.register(app)

def main() -> None:
    try:
        # Without standalone mode click returns a typer.Exit's code instead of exiting.
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except BadInput:
        sys.exit(2)
    except InputError as exc:
        error_line(exc.render())
        sys.exit(2)
    except DondocError as exc:
        error_line(str(exc))
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(130)
    except Exception as exc:  # click's usage errors carry their own exit code
        import click
        from typer import _click as vendored  # typer ships its own copy of click

        if isinstance(exc, (click.BadParameter, vendored.exceptions.BadParameter)):
            error_line(t("cli.bad_value", option=exc.param_hint if isinstance(
                exc.param_hint, str) else getattr(exc.param, "opts", ["?"])[0],
                problem=exc.message))
            sys.exit(2)
        if isinstance(exc, (click.ClickException, vendored.exceptions.ClickException)):
            exc.show()
            sys.exit(exc.exit_code)
        raise


if __name__ == "__main__":
    main()
