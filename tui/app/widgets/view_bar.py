"""The row of view names with their counts: number keys or a click switch views.

One line of text rather than Textual's Tabs: no underline to animate, so a screenshot
is the same whenever it is taken, and nothing to relayout when a count changes width.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import Static


class ViewBar(Static):
    DEFAULT_CSS = """
    ViewBar { height: 1; background: $panel; padding: 0 1; }
    """

    class Selected(Message):
        def __init__(self, view: str) -> None:
            super().__init__()
            self.view = view

    def __init__(self, views: list[tuple[str, str]], active: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.views = views  # (view id, name)
        self.active = active
        self.counts: dict[str, int] = {}
        self._spans: list[tuple[int, int, str]] = []

    def on_mount(self) -> None:
        self._draw()

    def set_active(self, view: str) -> None:
        self.active = view
        self._draw()

    def set_counts(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self._draw()

    def _draw(self) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        self._spans = []
        for n, (view, name) in enumerate(self.views, start=1):
            label = f" {n} {name}"
            if view in self.counts:
                label += f" ({self.counts[view]:,})".replace(",", ".")
            label += " "
            start = text.cell_len
            if view == self.active:
                text.append(label, style="bold reverse")
            else:
                text.append(label, style="dim" if view not in self.counts else "")
            self._spans.append((start, text.cell_len, view))
            text.append(" ")
        self.update(text)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        for start, end, view in self._spans:
            if start <= offset.x < end:
                self.post_message(self.Selected(view))
                return
