"""Printing results: JSON for scripts (streamed, so a million rows fit), tables for people."""

from __future__ import annotations

import sys
from typing import Any, Iterable

import orjson

from dondoc.catalog.i18n import has, status_label, t
from dondoc.catalog.safety import printable

_OPTS = orjson.OPT_NON_STR_KEYS


def print_json(value: Any) -> None:
    sys.stdout.buffer.write(orjson.dumps(value, option=_OPTS | orjson.OPT_INDENT_2) + b"\n")
    sys.stdout.flush()


def stream_json_array(items: Iterable[Any], batch: int = 2048) -> int:
    """Write a JSON array a batch at a time; return how many elements were written."""
    out = sys.stdout.buffer
    count = 0
    chunk: list[Any] = []

    def flush() -> None:
        # One dumps call per batch; its brackets are replaced by the array's own.
        body = orjson.dumps(chunk, option=_OPTS)[1:-1]
        out.write((b"[\n" if count == len(chunk) else b",\n") + body)
        chunk.clear()

    for item in items:
        chunk.append(item)
        count += 1
        if len(chunk) >= batch:
            flush()
    if chunk:
        flush()
    out.write(b"\n]\n" if count else b"[]\n")
    out.flush()
    return count


def stream_json_documents(documents: Iterable[bytes], batch: int = 2048) -> int:
    """Write a JSON array of documents already encoded, laid out byte for byte as
    stream_json_array lays out the same values; return how many were written."""
    out = sys.stdout.buffer
    count = 0
    chunk: list[bytes] = []
    append = chunk.append
    for doc in documents:
        append(doc)
        if len(chunk) >= batch:
            out.write((b",\n" if count else b"[\n") + b",".join(chunk))
            count += len(chunk)
            chunk.clear()
    if chunk:
        out.write((b",\n" if count else b"[\n") + b",".join(chunk))
        count += len(chunk)
    out.write(b"\n]\n" if count else b"[]\n")
    out.flush()
    return count


def changes_line(summary: dict[str, dict[str, int]]) -> str:
    """A load summary ({"tasks": {"created": 8}}) in words: "nhiệm vụ: tạo 8; …"."""
    def word(key: str, fallback: str) -> str:
        return t(key) if has(key) else fallback

    return "; ".join(
        word(f"load.entity.{entity}", entity) + ": " + ", ".join(
            t("load.item", n=n, action=word(f"load.action.{action}", action))
            for action, n in actions.items())
        for entity, actions in summary.items())


def error_line(text: str) -> None:
    sys.stderr.write(text.rstrip("\n") + "\n")


STATUS_STYLE = {
    "overdue": ("bold red", "✗"),
    "due_soon": ("yellow", "!"),
    "not_due": ("", "·"),
    "done": ("green", "✓"),
    "no_deadline": ("dim", "–"),
}

def cell(value: Any, limit: int | None = None) -> str:
    """A value for a rich table: terminal escapes shown as \\xNN, rich markup inert."""
    from rich.markup import escape

    return escape(printable(value, limit))


def line(value: Any, limit: int | None = None) -> str:
    """A value for a plain print: terminal escapes shown as \\xNN, on one line."""
    return printable(value, limit)


def lead_cell(item: dict[str, Any]) -> str:
    """The lead column: the lead's name and, where several units lead, how many are done."""
    text = cell(item["lead"], 100)
    leads = [a for a in item.get("assignments") or () if a["role"] == "lead"]
    if len(leads) > 1:
        done = sum(1 for a in leads if a["status"] == "done")
        text += "\n" + cell(t("units.done_of", done=done, total=len(leads)))
    return text


def print_task_table(items: Iterable[dict[str, Any]], limit: int = 500) -> int:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False, expand=False)
    for key in ("plan", "task", "title", "lead", "deadline_text", "effective_due", "status",
                "days_overdue"):
        table.add_column(t(f"head.{key}"), overflow="fold",
                         max_width=50 if key == "title" else None)
    count = 0
    for item in items:
        count += 1
        if count > limit:
            continue
        style, glyph = STATUS_STYLE[item["status"]]
        status = f"[{style}]{glyph} {status_label(item['status'])}[/]" if style else \
            f"{glyph} {status_label(item['status'])}"
        table.add_row(*(cell(item[k], 200 if k == "title" else 100)
                        for k in ("plan", "task", "title")),
                      lead_cell(item),
                      *(cell(item[k], 100) for k in ("deadline_text", "effective_due")),
                      status, str(item["days_overdue"] or ""))
    console = Console()
    console.print(table)
    if count > limit:
        more = count - limit
        console.print(t("cli.more_rows", n=more))
    return count
