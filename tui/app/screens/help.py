"""`?`: the keys of the current view, the colour legend and how filtering works."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from dondoc.catalog.i18n import t as tr


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", show=False),
    ]

    def __init__(self, view_name: str, keys: list[tuple[str, str]], as_of_text: str,
                 past: bool = False) -> None:
        super().__init__()
        self.past = past  # viewing another day than today: actions ask which day
        self.view_name = view_name
        self.keys = keys
        self.as_of_text = as_of_text

    def compose(self) -> ComposeResult:
        width = max((len(key) for key, _ in self.keys), default=0) + 2
        table = Text()
        for key, description in self.keys:
            table.append(key.ljust(width), style="bold")
            table.append(f"{description}\n")
        notes = Text("\n".join([tr("help.legend"), tr("help.filter"),
                                tr("help.actions_day" if self.past else "help.actions_date",
                                   day=self.as_of_text)]))
        with VerticalScroll(classes="dialog help"):
            yield Label(tr("help.title", view=self.view_name), classes="dialog-title")
            yield Static(table, id="help-keys")
            yield Static(notes, classes="dialog-text")
            yield Static(tr("help.close"), classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
