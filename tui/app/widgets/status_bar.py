"""The top line (title, as-of day, database) and the bottom line (counts, rows, scope)."""

from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual.widgets import Static

from dondoc.catalog.i18n import t as tr


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def show_status(self, counts: Counter[str] | None, shown: int, total: int,
                    scope: list[str], loading: bool) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        if counts is not None:
            n = {k: counts.get(k, 0) for k in ("overdue", "due_soon", "done")}
            line = tr("status.counts", overdue=n["overdue"], due_soon=n["due_soon"],
                      done=n["done"], total=sum(counts.values()))
            parts = line.split(" · ")
            styles = ["bold red" if n["overdue"] else "", "yellow" if n["due_soon"] else "",
                      "green" if n["done"] else "", ""]
            for i, (part, style) in enumerate(zip(parts, styles)):
                if i:
                    text.append(" · ")
                text.append(part, style=style)
            text.append(" │ ")
        text.append(tr("status.rows", shown=shown, total=total))
        for item in scope:
            text.append(" │ ")
            text.append(item, style="bold")
        if loading:
            text.append(" │ " + tr("status.loading"), style="italic")
        self.update(text)


class TitleBar(Static):
    DEFAULT_CSS = """
    TitleBar { height: 1; background: $primary-muted; color: $text; padding: 0 1; }
    """

    def show_title(self, title: str, as_of: str, database: str) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(title, style="bold")
        text.append(" │ " + tr("status.as_of", day=as_of), style="bold")
        text.append(" │ " + tr("status.db", url=database))
        self.update(text)
