"""The `dondoc` command line, composed in one place: the whole typer app.

`dondoc.tui.cli.main` answers the everyday read commands without building it
(dondoc.tui.cli.fast) and comes here for everything else.

Read-only commands import only the domain (catalog/), never Prefect, Textual or Apprise,
so that `dondoc overdue` answers at once. The language is chosen from the arguments before
the app is built, so that help, errors and results all speak it. Errors go to stderr, one
line each; bad input and usage errors exit with status 2 and change nothing.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any, Optional, Sequence

import typer

from dondoc.catalog.i18n import DondocError, InputError, has, set_lang, t
from dondoc.tui.cli import (assign, catalog, deadline, exports, queries, remind, report, review,
                            serve, sync, tui, up)
from dondoc.tui.cli.common import BadInput
from dondoc.tui.cli.output import error_line
from dondoc.tui.cli.usage import NeedsSubcommand, usage_error_line
from dondoc.tui.cli.lang import chosen_language

PROG = "dondoc"


def _root(lang: Annotated[Optional[str], typer.Option("--lang", help="help.opt.lang")] = None,
          ) -> None:
    if lang:
        set_lang(lang)


def build_app() -> typer.Typer:
    """Every command group, registered in the order `dondoc --help` lists them."""
    app = typer.Typer(help="help.app", no_args_is_help=True, pretty_exceptions_enable=False,
                      add_completion=False)
    app.callback()(_root)
    queries.register(app)
    deadline.register(app)
    catalog.register(app)
    exports.register(app)
    remind.register(app)
    report.register(app)
    assign.register(app)
    review.register(app)
    sync.register(app)
    up.register(app)
    serve.register(app)
    tui.register(app)
    return app


def build_command() -> Any:
    """The click command tree of the app, its help texts in the chosen language."""
    command = typer.main.get_command(build_app())
    _localize(command)
    return command


def _localize(command: Any) -> None:
    # Typer builds fresh click objects on every get_command, so changing them is safe.
    for attr in ("help", "short_help"):
        value = getattr(command, attr, None)
        if value and has(value):
            setattr(command, attr, t(value))
    for param in command.params:
        if getattr(param, "help", None) and has(param.help):
            param.help = t(param.help)
    _localize_behaviour(command)
    for sub in getattr(command, "commands", {}).values():
        _localize(sub)


def _localize_behaviour(command: Any) -> None:
    """--help's own line, the usage line, typer's panel titles, and a short usage error for a
    group called without a subcommand."""
    # Instance attributes: these click objects live for one run of the command.
    original_option, original_help, original_parse = (
        command.get_help_option, command.format_help, command.parse_args)

    def get_help_option(ctx: Any) -> Any:
        option = original_option(ctx)
        if option is not None:
            option.help = t("help.opt.help")
        return option

    def format_usage(ctx: Any, formatter: Any) -> None:
        pieces = command.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=t("help.usage") + " ")

    def format_help(ctx: Any, formatter: Any) -> None:
        from typer import rich_utils  # imported by typer only when help is shown

        rich_utils.OPTIONS_PANEL_TITLE = t("help.panel.options")
        rich_utils.COMMANDS_PANEL_TITLE = t("help.panel.commands")
        rich_utils.ARGUMENTS_PANEL_TITLE = t("help.panel.arguments")
        rich_utils.DEFAULT_STRING = t("help.default")
        rich_utils.REQUIRED_LONG_STRING = t("help.required")
        original_help(ctx, formatter)

    def parse_args(ctx: Any, args: list[str]) -> Any:
        if not args and getattr(command, "no_args_is_help", False) and not ctx.resilient_parsing:
            raise NeedsSubcommand("", ctx)
        return original_parse(ctx, args)

    command.get_help_option = get_help_option
    command.format_usage = format_usage
    command.format_help = format_help
    command.parse_args = parse_args


def main(argv: Sequence[str] | None = None) -> None:
    """The full app: every command, --help, and every usage error."""
    args = list(sys.argv[1:] if argv is None else argv)
    set_lang(chosen_language(args))
    from typer._click import exceptions as click_errors  # the click bundled with typer

    try:
        code = build_command().main(args=args, prog_name=PROG, standalone_mode=False)
    except BadInput:
        sys.exit(2)
    except InputError as exc:
        error_line(exc.render())
        sys.exit(2)
    except DondocError as exc:
        error_line(str(exc))
        sys.exit(2)
    except typer.Abort:
        sys.exit(130)
    except click_errors.ClickException as exc:
        error_line(usage_error_line(exc))
        sys.exit(2 if isinstance(exc, click_errors.UsageError) else exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)

