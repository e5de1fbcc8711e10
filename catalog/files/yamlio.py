"""Reading catalog YAML so that every value still knows the line it came from.

Errors must name the file, the line and the field, so mappings are built as LineDicts
that remember their own line and the line of each key.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import yaml

from dondoc.catalog.i18n import InputError

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):  # type: ignore[type-arg]
    line: int = 0
    key_lines: dict[Any, int]


class DuplicateKey(Exception):
    def __init__(self, key: Any, line: int) -> None:
        self.key, self.line = key, line


class _LineLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    def construct_line_map(self, node: yaml.MappingNode):  # type: ignore[no-untyped-def]
        data = LineDict()
        data.line = node.start_mark.line + 1
        data.key_lines = {}
        yield data
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in data:
                raise DuplicateKey(key, key_node.start_mark.line + 1)
            data.key_lines[key] = key_node.start_mark.line + 1
            data[key] = self.construct_object(value_node, deep=True)

    def construct_nfc_str(self, node: yaml.ScalarNode) -> str:
        # People's text is stored in NFC whatever their editor wrote.
        return unicodedata.normalize("NFC", self.construct_scalar(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_line_map)
_LineLoader.add_constructor("tag:yaml.org,2002:str", _LineLoader.construct_nfc_str)


def read_yaml(path: Path, label: str | None = None) -> Any:
    """Parse one file; raise InputError naming file and line for unreadable input."""
    label = label or str(path)
    from dondoc.catalog.files.schema import MAX_FILE_BYTES

    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(label, None, "file.too_big", size=size // (1024 * 1024),
                             limit=MAX_FILE_BYTES // (1024 * 1024))
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(label, None, "file.missing") from None
    except IsADirectoryError:
        raise InputError(label, None, "file.missing") from None
    return parse_yaml_bytes(raw, label)


def parse_yaml_bytes(raw: bytes, label: str) -> Any:
    """Parse one file's bytes; raise InputError naming file and line for unreadable input.

    The streaming load hashes a file's bytes first and parses them only when the hash says
    the file changed, so it hands the bytes here rather than reading the file twice."""
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


def line_of(data: Any, loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest node along loc that we know a line for."""
    line = getattr(data, "line", None)
    node = data
    for part in loc:
        if isinstance(node, LineDict):
            line = node.key_lines.get(part, line)
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            line = getattr(node, "line", line)
        else:
            break
    return line
