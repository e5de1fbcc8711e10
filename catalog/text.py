"""Text folding for search: what a filter compares, shared by the read model and the TUI."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case ASCII without Vietnamese diacritics: what the filter compares.

    (NFD then dropping the combining marks is three times faster than a translate table,
    which matters when 100k rows are folded.)"""
    return unicodedata.normalize("NFD", text.lower().replace("đ", "d")).encode(
        "ascii", "ignore").decode()


def fold_keep(text: str) -> str:
    """Like fold, but one character for one, keeping what has no ASCII base ("—", "«")."""
    out = []
    for char in text.lower():
        base = "d" if char == "đ" else unicodedata.normalize("NFD", char)[0]
        out.append(base if base.isascii() else char)
    return "".join(out)
