"""`dondoc overdue|tasks|plans` with plain options, answered without typer.

These are the commands people run many times a day, where the answer is all start-up:
building the typer app (typer, its click, its pydantic adapters, every command module) costs
more than the query. When the arguments are exactly an optional `--lang X` followed by one
of these commands with its own options (each value given, none starting with "-"), the
command's function in dondoc.tui.cli.readpath is called directly, with the same exit codes
and error lines as dondoc.tui.cli.full.main. Anything else (--help, a usage error, an
unknown option, a repeated --lang) returns None and the full app answers, so its messages
stay its own. tests/test_fast_path.py compares both paths on a list of argument lists.
"""

from __future__ import annotations

import errno
import sys
from typing import Any, Callable, Sequence

# For each command: its options that take a value, its flags, and the function that answers.
_VALUE = {"--as-of": "as_of", "--plan": "plan", "--unit": "unit"}
_COMMANDS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "overdue": (_VALUE, {"--count": "count", "--json": "as_json"}),
    "tasks": (_VALUE, {"--json": "as_json", "--unassigned": "unassigned"}),
    "plans": ({}, {"--json": "as_json"}),
}


def plain(args: Sequence[str]) -> tuple[str | None, str, dict[str, Any]] | None:
    """(the --lang value, the command, its keyword arguments), or None for the full app."""
    lang = None
    i = 0
    if args[:1] == ["--lang"] and len(args) > 1:
        lang, i = args[1], 2
    elif args and args[0].startswith("--lang="):
        lang, i = args[0].split("=", 1)[1], 1
    if lang is not None and (not lang or lang.startswith("-")):
        return None
    if i >= len(args) or args[i] not in _COMMANDS:
        return None
    command = args[i]
    values, flags = _COMMANDS[command]
    kwargs: dict[str, Any] = {}
    rest = list(args[i + 1:])
    while rest:
        arg = rest.pop(0)
        name, eq, value = arg.partition("=")
        if name in values:
            if not eq:
                if not rest:
                    return None
                value = rest.pop(0)
            if not value or value.startswith("-"):
                return None
            kwargs[values[name]] = value  # click too keeps the last of a repeated option
        elif arg in flags:
            kwargs[flags[arg]] = True
        else:
            return None  # --help, an unknown option, an argument, "--", "--json=x"
    return lang, command, kwargs


def _runner(command: str) -> Callable[..., None]:
    from dondoc.tui.cli import readpath
    return {"overdue": readpath.run_overdue, "tasks": readpath.run_tasks,
            "plans": readpath.run_plans}[command]


class _Pacified:
    """Like click's PacifyFlushWrapper: a stream whose flush ignores a closed pipe."""

    def __init__(self, wrapped: Any) -> None:
        self.wrapped = wrapped

    def flush(self) -> None:
        try:
            self.wrapped.flush()
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)


def answer(args: Sequence[str]) -> int | None:
    """The exit status after answering args, or None when the full app must answer."""
    found = plain(args)
    if found is None:
        return None
    lang, command, kwargs = found
    from dondoc.catalog.i18n import DondocError, InputError, set_lang
    from dondoc.tui.cli.lang import chosen_language
    from dondoc.tui.cli.output import error_line
    from dondoc.tui.cli.readpath import BadInput

    set_lang(lang or chosen_language(args))
    try:
        _runner(command)(**kwargs)
    except BadInput:
        return 2
    except InputError as exc:
        error_line(exc.render())
        return 2
    except DondocError as exc:
        error_line(str(exc))
        return 2
    except KeyboardInterrupt:
        return 130
    except EOFError:
        sys.stderr.write("\n")
        sys.stderr.flush()
        return 130
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        sys.stdout = _Pacified(sys.stdout)  # type: ignore[assignment]
        sys.stderr = _Pacified(sys.stderr)  # type: ignore[assignment]
        return 1
    return 0
