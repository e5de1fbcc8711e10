"""A gettext .po file read into a dictionary, with the standard library only.

Every command looks words up, so this sits on the start-up path of `dondoc overdue`: one
pass over the lines, no regular expressions, and no import of the gettext module unless a
catalogue uses a plural rule other than the two we ship.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


@dataclass(frozen=True, slots=True)
class Catalogue:
    singular: dict[str, str]
    plural: dict[str, tuple[str, ...]]
    plural_index: Callable[[int], int]


def _unquote(text: str) -> str:
    body = text.strip()[1:-1]
    if "\\" not in body:
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _plural_rule(header: str) -> Callable[[int], int]:
    forms = ""
    for line in header.split("\n"):
        if line.lower().startswith("plural-forms:"):
            forms = line.split(":", 1)[1]
    settings = dict(part.strip().split("=", 1) for part in forms.split(";") if "=" in part)
    rule = settings.get("plural", "0").replace(" ", "")
    if settings.get("nplurals", "1").strip() == "1" or rule == "0":
        return lambda n: 0
    if rule in ("(n!=1)", "n!=1"):
        return lambda n: int(n != 1)
    from gettext import c2py  # other languages' rules, should one ever be added
    return c2py(settings["plural"])


def parse(path: Path) -> Catalogue:
    """Entries of one .po file: msgid -> msgstr, and msgid -> plural forms."""
    singular: dict[str, str] = {}
    plural: dict[str, tuple[str, ...]] = {}
    msgid: str | None = None
    forms: dict[int, str] = {}
    field = ""  # which string a continuation line extends
    header = ""

    def finish() -> None:
        nonlocal msgid, header
        if msgid is None:
            return
        if msgid == "":
            header = forms.get(-1, "")
        elif -1 in forms:
            singular[msgid] = forms[-1]
        elif forms:
            plural[msgid] = tuple(forms[i] for i in sorted(forms))
        msgid = None
        forms.clear()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line[0] == "#":
            continue
        if line[0] == '"':
            text = _unquote(line)
            if field == "msgid":
                msgid = (msgid or "") + text
            elif field == "msgstr":
                forms[-1] += text
            elif field.startswith("msgstr["):
                forms[int(field[7:-1])] += text
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgid":
            finish()
            msgid, field = _unquote(rest), "msgid"
        elif keyword == "msgid_plural":
            field = "msgid_plural"
        elif keyword == "msgstr":
            forms[-1], field = _unquote(rest), "msgstr"
        elif keyword.startswith("msgstr["):
            forms[int(keyword[7:-1])], field = _unquote(rest), keyword
    finish()
    return Catalogue(singular, plural, _plural_rule(header))
