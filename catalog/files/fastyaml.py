"""Catalog YAML from bytes already read: the streaming load hashes a file's bytes first
and parses them only when the hash says the file changed, so it never reads a file twice.

The documents and errors are those of `yamlio.read_yaml` (same loader, same messages).
"""

from __future__ import annotations

from typing import Any

import yaml

from dondoc.catalog.i18n import InputError
from dondoc.catalog.files.yamlio import DuplicateKey, _LineLoader


def parse_yaml_bytes(raw: bytes, label: str) -> Any:
    """Parse one file's bytes; raise InputError naming file and line for unreadable input."""
    from dondoc.catalog.files.schema import MAX_FILE_BYTES

    if len(raw) > MAX_FILE_BYTES:
        raise InputError(label, None, "file.too_big", size=len(raw) // (1024 * 1024),
                         limit=MAX_FILE_BYTES // (1024 * 1024))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(label, line, "file.not_utf8", byte=f"0x{raw[exc.start]:02x}") from None
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 (a safe loader subclass)
    except DuplicateKey as exc:
        raise InputError(label, exc.line, "file.bad_yaml",
                         problem=f"duplicate key «{exc.key}»") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(label, line, "file.bad_yaml", problem=exc.problem or str(exc)) from None
    except yaml.YAMLError as exc:
        raise InputError(label, None, "file.bad_yaml", problem=str(exc)) from None
