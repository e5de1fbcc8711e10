"""A list that renders only the rows on screen (Textual's Line API), like Toolong's log view.

DataTable builds and measures every row it holds; with 100k tasks that is seconds and
hundreds of megabytes. Here the rows stay the caller's objects, a filter is a list of
indices, and render_line formats just the lines in view (cached per row and width), so
a list of 100k rows costs about what a list of 100 does.
"""

from __future__ import annotations

import textwrap
import time
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Literal, Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from dondoc.catalog.safety import printable
from dondoc.tui.app.i18n import fold, has_marks, localize_bindings, nfc_lower


def _narrows(old: tuple[str, ...], new: tuple[str, ...]) -> bool:
    """Whether every row matching `new` also matches `old` (each old word lives in a new one)."""
    return bool(old) and all(any(o in n for n in new) for o in old)


@dataclass(frozen=True)
class Column:
    title: str
    width: int = 0  # cells; 0 = the flexible column that takes what is left
    align: Literal["left", "right"] = "left"
    drop: int = 0  # when the list is narrow, columns with the highest drop go first
    min_width: int = 16  # for the flexible column
    toned: bool = False  # drawn in the row's tone colour (overdue, due soon, done)
    keep_tail: str = ""  # text from its last occurrence on stays when cut ("Sở X… +14")


class RowList(ScrollView, can_focus=True):
    """Rows of any objects with a `hay` (folded search text) and a `key` (identity)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "row-list--header", "row-list--cursor", "row-list--cursor-blur", "row-list--overdue",
        "row-list--due-soon", "row-list--done", "row-list--muted", "row-list--empty",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "key.move", show=False),
        Binding("down,j", "cursor(1)", "key.move", show=False),
        Binding("pageup", "page(-1)", "key.page", show=False),
        Binding("pagedown", "page(1)", "key.page", show=False),
        Binding("home", "ends(0)", "key.ends", show=False),
        Binding("end", "ends(1)", "key.ends", show=False),
        Binding("enter", "select", "key.open_unit", show=False),
    ]
    DEFAULT_CSS = """
    RowList { overflow-x: hidden; overflow-y: auto; height: 1fr; }
    RowList > .row-list--header { text-style: bold; background: $panel; }
    RowList > .row-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
    RowList > .row-list--cursor-blur { background: $block-cursor-blurred-background; }
    RowList > .row-list--overdue { color: $text-error; text-style: bold; }
    RowList > .row-list--due-soon { color: $text-warning; }
    RowList > .row-list--done { color: $text-success; }
    RowList > .row-list--muted { color: $text-muted; }
    RowList > .row-list--empty { color: $text-muted; text-style: italic; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        def __init__(self, row_list: RowList, row: Any | None) -> None:
            super().__init__()
            self.row_list = row_list
            self.row = row

        @property
        def control(self) -> RowList:
            return self.row_list

    class Selected(Message):
        def __init__(self, row_list: RowList, row: Any) -> None:
            super().__init__()
            self.row_list = row_list
            self.row = row

        @property
        def control(self) -> RowList:
            return self.row_list

    def __init__(self, columns: Sequence[Column], cells: Callable[[Any], Sequence[str]],
                 tone: Callable[[Any], str] = lambda row: "", *, empty_text: str = "",
                 name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        localize_bindings(self)
        self.columns = list(columns)
        self._cells = cells
        self._tone = tone
        self.empty_text = empty_text
        self.no_match_text = ""
        self._rows: Sequence[Any] = ()
        self._hay: list[str] = []
        self._exact: list[str] | None = None  # the rows' shown text, built when first needed
        self._visible: list[int] | None = None  # None: every row, in order
        self._words: tuple[str, ...] = ()
        self._scope: Callable[[Any], bool] | None = None
        self._generation = 0
        self._line_cache: LRUCache[tuple[Any, ...], Strip] = LRUCache(2048)
        self._base_style: Style | None = None
        self._layout_cache: dict[int, list[tuple[int, int]]] = {}
        self._last_row_key: Any = object()
        self.loaded = False
        self.painted_at: float | None = None  # when rows were first drawn (for bench/tui.py)

    # ------------------------------------------------------------------ data

    @property
    def total_count(self) -> int:
        return len(self._rows)

    @property
    def visible_count(self) -> int:
        return len(self._rows) if self._visible is None else len(self._visible)

    @property
    def rows(self) -> Sequence[Any]:
        return self._rows

    def row_at(self, index: int) -> Any | None:
        if not 0 <= index < self.visible_count:
            return None
        return self._rows[index if self._visible is None else self._visible[index]]

    @property
    def current_row(self) -> Any | None:
        return self.row_at(self.cursor)

    def visible_rows(self) -> list[Any]:
        return [self.row_at(i) for i in range(self.visible_count)]

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Replace the rows, keeping the filter and, where it is still there, the cursor row."""
        current = self.current_row
        keep = getattr(current, "key", None) if current is not None else None
        self._rows = rows
        self._hay = [row.hay for row in rows]
        self._exact = None
        self.loaded = True
        self._refilter()
        if keep is not None:
            for index in range(self.visible_count):
                if getattr(self.row_at(index), "key", None) == keep:
                    self.cursor = index
                    return
        self.cursor = min(self.cursor, max(self.visible_count - 1, 0))

    def set_filter(self, words: Sequence[str], scope: Callable[[Any], bool] | None = None,
                   no_match_text: str = "") -> None:
        """Show only rows holding every word (and that scope accepts). A word typed without
        diacritics matches with or without them ("hop" finds "họp" and "hợp"); a word typed
        with them must match them exactly, in any case ("họp" finds "Họp", not "hợp")."""
        words_t = tuple(nfc_lower(w) for w in words if w)
        self.no_match_text = no_match_text
        if words_t == self._words and scope is self._scope:
            return
        # Typing on narrows the filter: search only the rows that matched before.
        narrowing = (scope is self._scope and self._visible is not None
                     and _narrows(self._words, words_t))
        self._words, self._scope = words_t, scope
        self._refilter(self._visible if narrowing else None)
        self.cursor = 0

    def _refilter(self, among: list[int] | None = None) -> None:
        words, scope, hay = self._words, self._scope, self._hay
        if not words and scope is None:
            self._visible = None
        else:
            candidates: Any = range(len(hay)) if among is None else among
            if scope is not None:
                rows = self._rows
                candidates = [i for i in candidates if scope(rows[i])]
            # One pass per word over what is left: cheaper than all() per row.
            for word in sorted(words, key=len, reverse=True):
                if has_marks(word):
                    exact = self._exact_text()
                    candidates = [i for i in candidates if word in exact[i]]
                else:
                    folded = fold(word)
                    candidates = [i for i in candidates if folded in hay[i]]
            self._visible = list(candidates)
        self._generation += 1
        self._line_cache.clear()
        self._update_virtual_size()
        self.refresh()

    def _exact_text(self) -> list[str]:
        """Each row's cells as shown, lower case: what a word with diacritics must be in.
        Built on the first such word only: most people type without accents."""
        if self._exact is None:
            cells = self._cells
            self._exact = [nfc_lower(" ".join(cells(row))) for row in self._rows]
        return self._exact

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.size.width, self.visible_count + 1)

    # ------------------------------------------------------------------ cursor

    def watch_cursor(self, old: int, new: int) -> None:
        count = self.visible_count
        if count and not 0 <= new < count:
            self.cursor = max(0, min(new, count - 1))
            return
        self._scroll_cursor_into_view()
        self.refresh()
        row = self.current_row
        key = getattr(row, "key", None)
        if key != self._last_row_key or row is None:
            self._last_row_key = key
            self.post_message(self.Highlighted(self, row))

    def _scroll_cursor_into_view(self) -> None:
        body = max(self.scrollable_content_region.height - 1, 1)
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + body:
            self.scroll_to(y=self.cursor - body + 1, animate=False, immediate=True)

    def action_cursor(self, step: int) -> None:
        if self.visible_count:
            self.cursor = max(0, min(self.cursor + step, self.visible_count - 1))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(self.scrollable_content_region.height - 2, 1))

    def action_ends(self, end: int) -> None:
        if self.visible_count:
            self.cursor = self.visible_count - 1 if end else 0

    def action_select(self) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(self.Selected(self, row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        index = round(self.scroll_y) + offset.y - 1
        if 0 <= index < self.visible_count:
            self.cursor = index
            if event.chain >= 2:
                self.action_select()

    # ------------------------------------------------------------------ drawing

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._line_cache.clear()

    def on_focus(self) -> None:
        self._line_cache.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._line_cache.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._line_cache.clear()
        self._base_style = None

    def _layout(self, width: int) -> list[tuple[int, int]]:
        """(column index, width) of the columns that fit, in order."""
        cached = self._layout_cache.get(width)
        if cached is not None:
            return cached
        chosen = list(range(len(self.columns)))
        flex = next((i for i, c in enumerate(self.columns) if c.width == 0), None)

        def rest(cols: list[int]) -> int:
            fixed = sum(self.columns[i].width for i in cols)
            return width - fixed - (len(cols) - 1) - 1

        droppable = sorted((i for i in chosen if self.columns[i].drop > 0),
                           key=lambda i: -self.columns[i].drop)
        min_flex = self.columns[flex].min_width if flex is not None else 0
        while droppable and rest(chosen) < min_flex:
            chosen.remove(droppable.pop(0))
        layout = [(i, self.columns[i].width if i != flex else max(rest(chosen), 1))
                  for i in chosen]
        self._layout_cache[width] = layout
        return layout

    def _line(self, texts: Sequence[str], styles: Sequence[Style], width: int) -> Strip:
        segments: list[Segment] = [Segment(" ", styles[-1])]
        for (index, col_width), text, style in zip(self._layout(width), texts, styles):
            column = self.columns[index]
            text = text.replace("\n", " ")
            if column.align == "right" and cell_len(text) < col_width:
                cell = " " * (col_width - cell_len(text)) + text
            else:
                cell = set_cell_size(text, col_width)
                if cell_len(text) > col_width and col_width > 1:
                    tail = ""
                    if column.keep_tail and column.keep_tail in text:
                        tail = text[text.rindex(column.keep_tail):]
                        if cell_len(tail) + 2 > col_width:
                            tail = ""
                    head = col_width - 1 - cell_len(tail)
                    cell = set_cell_size(text, head) + "…" + tail
            segments.append(Segment(cell, style))
            segments.append(Segment(" ", styles[-1]))
        return Strip(segments).adjust_cell_length(width, styles[-1])

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width or self.size.width
        base = self._base_style
        if base is None:  # rich_style walks the DOM: once per style change, not per line
            base = self._base_style = self.rich_style
        if y == 0:
            key = ("header", width, self._generation)
            strip = self._line_cache.get(key)
            if strip is None:
                style = base + self.get_component_rich_style("row-list--header")
                titles = [self.columns[i].title for i, _ in self._layout(width)]
                strip = self._line(titles, [style] * len(titles) + [style], width)
                self._line_cache[key] = strip
            return strip
        if not self.visible_count:
            return self._empty_line(y - 1, width, base)
        index = round(self.scroll_y) + y - 1
        row = self.row_at(index)
        if row is None:
            return Strip.blank(width, base)
        if self.painted_at is None:
            self.painted_at = time.perf_counter()
        selected = index == self.cursor
        key = (index, width, selected, self._generation)
        strip = self._line_cache.get(key)
        if strip is None:
            strip = self._row_strip(row, width, selected, base)
            self._line_cache[key] = strip
        return strip

    def _row_strip(self, row: Any, width: int, selected: bool, base: Style) -> Strip:
        tone = self._tone(row)
        line_style = base
        if selected:
            line_style = base + self.get_component_rich_style(
                "row-list--cursor" if self.has_focus else "row-list--cursor-blur")
        tone_style = (self.get_component_rich_style(f"row-list--{tone.replace('_', '-')}")
                      if tone else None)
        # Catalog text may hold terminal escapes written before the loader refused them.
        cells = [printable(c, 500) for c in self._cells(row)]
        layout = self._layout(width)
        texts, styles = [], []
        for index, _ in layout:
            texts.append(cells[index])
            style = line_style
            if tone_style is not None and (self.columns[index].toned or tone == "muted"):
                # On the cursor line the cursor colours win; the toned cells stay bold.
                style = line_style + (Style(bold=True) if selected else tone_style)
            styles.append(style)
        styles.append(line_style)
        return self._line(texts, styles, width)

    def _empty_line(self, y: int, width: int, base: Style) -> Strip:
        text = self.no_match_text if self._rows else (self.empty_text if self.loaded else "")
        lines = [part for para in text.split("\n")
                 for part in (textwrap.wrap(para, max(width - 4, 10)) or [""])]
        index = y - 1
        if not 0 <= index < len(lines):
            return Strip.blank(width, base)
        style = base + self.get_component_rich_style("row-list--empty")
        return Strip([Segment("  " + lines[index], style)]).adjust_cell_length(width, base)
