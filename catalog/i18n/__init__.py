"""User-facing language: Vietnamese first, English on request.

Every word shown to people lives in the gettext catalogues vi.po and en.po next to this
file, looked up by key, so that an error raised deep in the domain can be shown in whichever
language the person chose (``DONDOC_LANG=en`` or ``--lang en``). A catalogue is read once,
on the first lookup in its language.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from dondoc.catalog.i18n.po import Catalogue, parse

LANGUAGES = ("vi", "en")
_HERE = Path(__file__).resolve().parent
_lang: str | None = None
_catalogues: dict[str, Catalogue] = {}


def normalize_lang(value: str) -> str:
    return "en" if value.strip().lower().startswith("en") else "vi"


def lang() -> str:
    global _lang
    if _lang is None:
        from dondoc.catalog.settings import settings
        _lang = settings().lang
    return _lang


def set_lang(value: str | None) -> None:
    global _lang
    _lang = None if value is None else normalize_lang(value)


def catalogue(language: str | None = None) -> Catalogue:
    code = language or lang()
    found = _catalogues.get(code)
    if found is None:
        found = _catalogues[code] = parse(_HERE / f"{code}.po")
    return found


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def has(key: str) -> bool:
    return key in catalogue().singular


def t(key: str, **kw: Any) -> str:
    """The text for key in the chosen language, its {placeholders} filled from kw."""
    text = catalogue().singular.get(key)
    if text is None:
        text = catalogue("vi").singular.get(key, key)  # a missing English word shows Vietnamese
    return nfc(text.format(**kw) if kw else text)


def nt(key: str, n: int, **kw: Any) -> str:
    """ngettext: the form of key that agrees with n ("1 day", "2 days"); {n} is n."""
    cat = catalogue()
    forms = cat.plural.get(key)
    if forms is None:
        cat = catalogue("vi")
        forms = cat.plural[key]
    index = min(cat.plural_index(n), len(forms) - 1)
    return nfc(forms[index].format(n=n, **kw))


def status_label(code: str) -> str:
    return t(f"status_label.{code}")


def type_phrase(error_type: str, fallback: str) -> tuple[str, str]:
    """(Vietnamese, English) phrase for a pydantic error type; the fallback in both when unknown."""
    key = f"type.{error_type}"
    if key not in catalogue("vi").singular:
        return fallback, fallback
    return (nfc(catalogue("vi").singular[key]),
            nfc(catalogue("en").singular.get(key, catalogue("vi").singular[key])))


class DondocError(Exception):
    """An error a person caused and can fix; its text is already in their language."""

    def __init__(self, key: str, **kw: Any) -> None:
        self.key = key
        self.kw = kw
        super().__init__(t(key, **kw))


class InputError(DondocError):
    """Bad input located in a file: rendered as ``file:line: message``."""

    def __init__(self, file: str, line: int | None, key: str, **kw: Any) -> None:
        self.file = file
        self.line = line
        super().__init__(key, **kw)

    def render(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.args[0]}"
