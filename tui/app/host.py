"""What the screens ask of the app, as Protocols: the app imports the screens, so the
screens name the app only through these (no import circle)."""

from __future__ import annotations

import datetime as dt
from typing import Callable, Protocol

from dondoc.catalog.store.readmodel import TaskRow
from dondoc.tui.app.screens.forms import ExtensionInput, ProgressInput, SnoozeInput


class PaletteHost(Protocol):
    def palette_commands(self) -> list[tuple[str, str, Callable[[], object]]]: ...


class MainHost(Protocol):
    as_of: dt.date
    db_label: str
    scope_plan: str | None
    scope_unit: str | None

    def load_detail(self, task_id: int) -> None: ...
    def reload(self) -> None: ...
    def preview_undo(self) -> None: ...
    def do_undo(self) -> None: ...
    def do_mark_done(self, row: TaskRow, occurrence: dt.date | None) -> None: ...
    def do_record_progress(self, row: TaskRow, value: ProgressInput) -> None: ...
    def do_record_extension(self, row: TaskRow, value: ExtensionInput) -> None: ...
    def do_snooze(self, row: TaskRow, value: SnoozeInput) -> None: ...
