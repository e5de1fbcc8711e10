"""The language of one run of `dondoc`, chosen from its arguments before anything is printed."""

from __future__ import annotations

from typing import Sequence


def chosen_language(args: Sequence[str]) -> str:
    """--lang X or --lang=X anywhere before "--", else DONDOC_LANG, else Vietnamese."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    from dondoc.catalog.settings import settings
    return settings().lang
