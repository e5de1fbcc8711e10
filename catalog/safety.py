"""Text that leaves dondoc (terminal, logs, ledger): no secrets, no terminal escapes, bounded.

Pure functions with no third-party imports, so that every layer (store, tasks, CLI, TUI)
can use them on the fast path.
"""

from __future__ import annotations

import re
from pathlib import Path

# Schemas whose host is an address, not a token: showing it helps and leaks nothing.
HOST_IS_ADDRESS = frozenset({
    "http", "https", "mailto", "mailtos", "json", "jsons", "form", "forms", "xml", "xmls",
    "ntfy", "ntfys", "gotify", "gotifys", "matrix", "matrixs", "mmost", "mmosts",
})
_URL = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]{0,30})://([^\s'\"<>()\[\],]*)")
# urllib3 and requests name the request path ("with url: /bot<token>/sendMessage"); a token
# written in a URL path (Telegram, Discord, a json:// hook) would ride along.
_WITH_URL = re.compile(r"(with url: )\S+")


def url_label(url: str) -> str:
    """schema://host[:port] for address schemas, schema://… otherwise: never a credential."""
    schema, sep, rest = url.partition("://")
    if not sep:
        return "?"
    schema = schema.lower()
    if schema not in HOST_IS_ADDRESS:
        return f"{schema}://…"
    netloc = re.split(r"[/?#]", rest, maxsplit=1)[0].rpartition("@")[2]
    host = re.sub(r"[^A-Za-z0-9.\-:\[\]*]", "", netloc)  # '*': a mask stays a mask
    return f"{schema}://{host}"


def scrub_urls(text: str | None) -> str | None:
    """Every URL in text reduced to its label, every request path dropped."""
    if not text:
        return text
    text = _URL.sub(lambda m: url_label(m.group(0)), text)
    return _WITH_URL.sub(r"\1…", text)


# C0 controls except tab and newline, DEL, and C1 controls (CSI/OSC introducers in 8-bit form).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_ONELINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def first_control(text: str) -> str | None:
    """The first control character that text may not hold, or None."""
    found = _CONTROL.search(text)
    return found.group(0) if found else None


def _escape(match: re.Match[str]) -> str:
    ch = match.group(0)
    return {"\n": "\\n", "\t": "\\t"}.get(ch, f"\\x{ord(ch):02x}")


def printable(value: object, limit: int | None = None, oneline: bool = True) -> str:
    """value as text safe for a terminal: control characters shown as \\xNN, cut at limit."""
    text = "" if value is None else str(value)
    if limit is not None and len(text) > limit:
        text = text[:max(limit - 1, 0)] + "…"
    pattern = _CONTROL_ONELINE if oneline else _CONTROL
    return pattern.sub(_escape, text)


# Plan codes name files (reports, exports): letters, digits and single . _ - between them.
PLAN_CODE_CHARS = "A-Z a-z 0-9 . _ -"
_PLAN_CODE = re.compile(r"[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def plan_code_ok(code: str) -> bool:
    return len(code) <= 64 and _PLAN_CODE.fullmatch(code) is not None


def safe_name(text: str, limit: int = 120) -> str:
    """A file name part from any text: no separator, no leading dot, never '..'."""
    name = _UNSAFE_NAME.sub("_", text).replace("..", "_").lstrip(".")[:limit]
    return name or "_"


def path_under(folder: Path, *parts: str) -> Path:
    """folder / a name built from parts, each sanitised; refuses anything resolving outside."""
    path = folder / "-".join(safe_name(p) for p in parts)
    if path.resolve().parent != folder.resolve():
        raise ValueError(f"unsafe file name {path.name!r}")
    return path
