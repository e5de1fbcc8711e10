"""How the terminal UI writes dates and applies the chosen language to key bindings.

The words themselves are in the catalogues of dondoc.catalog.i18n (vi.po, en.po).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from dondoc.catalog.i18n import has, t
from dondoc.catalog.text import fold, fold_keep  # noqa: F401  (the TUI's filter helpers)

STATUS_GLYPH = {"overdue": "✗", "due_soon": "!", "done": "✓", "not_due": "·", "no_deadline": "–"}


def nfc_lower(text: str) -> str:
    """What a query typed with accents is compared with: same letters, same marks."""
    return unicodedata.normalize("NFC", text).lower()


def has_marks(word: str) -> bool:
    """A word typed with Vietnamese diacritics (or đ): then they must match exactly."""
    return fold(word) != nfc_lower(word)


def fmt_date(value: dt.date | str | None) -> str:
    """A date as people here write it: 01/03/2023 (ISO in English)."""
    if value is None or value == "":
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return day.strftime(t("format.date"))


def fmt_datetime(value: dt.datetime | str | None) -> str:
    if value is None or value == "":
        return ""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)  # the models store UTC
    moment = moment.astimezone(dt.timezone(dt.timedelta(hours=7)))  # Asia/Ho_Chi_Minh
    return moment.strftime(t("format.datetime"))


def parse_user_date(text: str) -> dt.date:
    """dd/mm/yyyy, d/m/yyyy or YYYY-MM-DD; ValueError otherwise."""
    from dondoc.catalog.i18n import DondocError
    from dondoc.catalog.rules.dates import parse_user_date as parse_date

    try:
        return parse_date(text)[0]
    except DondocError as exc:
        raise ValueError(str(exc)) from None


def localize_bindings(node: Any) -> None:
    """Replace a Textual node's binding descriptions and tooltips (written as text keys) by
    the words of the chosen language. Done per instance, after __init__, because the
    language is chosen at run time and BINDINGS are class attributes."""
    import dataclasses

    from textual.binding import Binding, BindingsMap

    keys: dict[str, list[Binding]] = {}
    for key, binding in node._bindings:
        description = t(binding.description) if has(binding.description) else binding.description
        tooltip = t(binding.tooltip) if binding.tooltip and has(binding.tooltip) else binding.tooltip
        keys.setdefault(key, []).append(
            dataclasses.replace(binding, description=description, tooltip=tooltip))
    node._bindings = BindingsMap.from_keys(keys)
