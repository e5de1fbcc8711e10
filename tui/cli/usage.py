"""A command-line usage error as one line in the chosen language.

Typer raises the exceptions of the click it bundles (typer._click), with English messages;
people get a sentence in their language naming what was wrong and where to look for help.
"""

from __future__ import annotations

import re
from typing import Any

from typer._click import exceptions as e

from dondoc.catalog.i18n import t

_NO_COMMAND = re.compile(r"No such command '(.+?)'\.(?: Did you mean '(.+?)'\?)?")
_EXTRA = re.compile(r"Got unexpected extra arguments? \((.+)\)")


class NeedsSubcommand(e.UsageError):
    """A group called without a subcommand. Typer's own NoArgsIsHelpError renders (and, with
    rich, prints) the whole help while it is being built; this one carries only the context."""


def _hint(param: Any, fallback: Any = None) -> str:
    raw = fallback if fallback is not None else (param.get_error_hint() if param else "")
    if isinstance(raw, (list, tuple)):
        raw = " / ".join(raw)
    return str(raw).replace("'", "")


def usage_error_line(exc: Any) -> str:
    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if ctx is not None else "dondoc"
    see = t("usage.see_help", command=where)
    if isinstance(exc, (NeedsSubcommand, e.NoArgsIsHelpError)):
        commands = sorted(getattr(ctx.command, "commands", {}) or {})
        if commands:
            return (ctx.get_usage() + "\n"
                    + t("usage.need_command", command=where, commands=", ".join(commands)) + see)
        return t("usage.need_args", command=where) + see
    if isinstance(exc, e.NoSuchOption):
        guess = ""
        if exc.possibilities:
            guess = t("usage.did_you_mean", options=", ".join(sorted(exc.possibilities)))
        return t("usage.no_option", option=exc.option_name, command=where) + guess + see
    if isinstance(exc, e.BadOptionUsage):
        key = "usage.option_no_value" if "does not take" in exc.message else "usage.option_needs_value"
        return t(key, option=exc.option_name) + see
    if isinstance(exc, e.MissingParameter):
        return t("usage.missing", param=_hint(exc.param, exc.param_hint)) + see
    if isinstance(exc, e.BadParameter):
        return t("usage.bad_value", param=_hint(exc.param, exc.param_hint)) + see
    if isinstance(exc, e.UsageError):
        message = exc.format_message()
        if found := _NO_COMMAND.match(message):
            guess = t("usage.did_you_mean", options=found.group(2)) if found.group(2) else ""
            return t("usage.no_command", name=found.group(1), command=where) + guess + see
        if found := _EXTRA.match(message):
            return t("usage.extra_args", args=found.group(1)) + see
        return t("usage.other", problem=message) + see
    return t("usage.other", problem=exc.format_message())
