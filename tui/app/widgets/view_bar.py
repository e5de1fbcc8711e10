"""The row of view names with their counts: number keys or a click switch views.

One line of text rather than Textual's Tabs: no underline to animate, so a screenshot
is the same whenever it is taken, and nothing to relayout when a count changes width.
"""

from __future__ import annotations

from rich.cells import cell_len
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

    def __init__(self, views: list[tuple[str, str, str]], active: str, *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.views = views  # (view id, name, short name)
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

    def on_resize(self) -> None:
        self._draw()

    def _labels(self, form: int) -> list[str]:
        """Every tab's label: 0 full names, 1 short names, 2 short names without counts
        except on the active tab, 3 numbers alone except the active tab's short name."""
        out = []
        for n, (view, name, short) in enumerate(self.views, start=1):
            active = view == self.active
            label = f" {n}"
            if form == 0 or form < 3 or active:
                label += f" {name if form == 0 else short}"
            if view in self.counts and (form < 2 or active):
                label += f" ({self.counts[view]:,})".replace(",", ".")
            out.append(label + " ")
        return out

    def _draw(self) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        self._spans = []
        # The widest form that fits: eight tabs must all stay reachable at 80 columns.
        room = self.content_size.width or 10_000
        labels = self._labels(3)
        for form in range(4):
            candidate = self._labels(form)
            if sum(cell_len(label) + 1 for label in candidate) - 1 <= room:
                labels = candidate
                break
        for (view, _name, _short), label in zip(self.views, labels):
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
