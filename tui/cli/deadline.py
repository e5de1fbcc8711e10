"""`dondoc deadline parse`: Vietnamese deadline phrases read the way the domain reads them."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated, Optional

import typer

from dondoc.catalog.i18n import DondocError
from dondoc.tui.cli.common import BadInput, JsonOpt, parse_date
from dondoc.tui.cli.output import error_line, print_json


def deadline_parse(
    texts: Annotated[list[str], typer.Argument(help="help.arg.phrases")],
    between: Annotated[Optional[tuple[str, str]], typer.Option(
        "--between", help="help.opt.between")] = None,
    as_json: JsonOpt = False,
    anchor: Annotated[Optional[str], typer.Option("--from", help="help.opt.anchor")] = None,
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
                      f"{item['due'] or '-'}\t{item['rrule'] or '-'}" + _labelled_tail(item))
    if failed:
        raise BadInput


def _labelled_tail(item: dict[str, object]) -> str:
    """The occurrences, each with the report it asks for in a combined regime ("6 tháng,
    hằng năm" asks for two); without --between, the report of each month."""
    from dondoc.catalog.i18n import t
    from dondoc.catalog.rules.periods import KIND_MONTHS

    labels: dict[str, str] = item.get("labels") or {}  # type: ignore[assignment]

    def report(label: str) -> str:
        months = KIND_MONTHS.get(label)
        return t("deadline.report", kind=t(f"report_kind.{months}") if months else label)

    def tagged(occurrence: str) -> str:
        label = labels.get(str(dt.date.fromisoformat(occurrence).month))
        return f"{occurrence} ({report(label)})" if label else occurrence

    occurrences: list[str] = item.get("occurrences") or []  # type: ignore[assignment]
    if occurrences:
        return "\t" + ",".join(tagged(o) for o in occurrences)
    if labels:
        return "\t" + "; ".join(t("deadline.label_month", month=month, report=report(label))
                                for month, label in labels.items())
    return ""


def _anchored_parser(parse, anchor):  # type: ignore[no-untyped-def]
    """parse with the plan's date; the working-day calendar is loaded only when needed."""
    if anchor is None:
        return parse

    def add_working_days(day, n):  # type: ignore[no-untyped-def]
        from dondoc.catalog.rules.workdays import default_calendar
        return default_calendar().add_working_days(day, n)

    return lambda text: parse(text, anchor, add_working_days)


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="help.group.deadline", no_args_is_help=True)
    group.command("parse", help="help.cmd.deadline_parse")(deadline_parse)
    app.add_typer(group, name="deadline")
