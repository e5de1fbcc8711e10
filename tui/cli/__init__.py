"""The `dondoc` command line.

Read-only commands import only the domain (catalog/), never Prefect, Textual or Apprise,
so that `dondoc overdue` answers at once. `overdue`, `tasks` and `plans` with their plain
options are answered by dondoc.tui.cli.fast without importing typer or building the app;
anything else (help, usage errors, every other command) goes to the full typer app in
dondoc.tui.cli.full, so messages and exit codes are the app's own. The language is chosen
from the arguments before anything is printed, so that help, errors and results all speak it.
"""

from __future__ import annotations

import sys
from typing import Any, Sequence

from dondoc.tui.cli.lang import chosen_language  # noqa: F401  (imported from here before)

PROG = "dondoc"


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    from dondoc.tui.cli.fast import answer

    code = answer(args)
    if code is not None:
        sys.exit(code)
    from dondoc.tui.cli.full import main as full_main

    full_main(args)


def __getattr__(name: str) -> Any:
    # build_app, build_command and the rest live with the typer app, built only when asked.
    if name in ("build_app", "build_command"):
        from dondoc.tui.cli import full
        return getattr(full, name)
    raise AttributeError(name)


if __name__ == "__main__":
    main()
