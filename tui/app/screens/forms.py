"""Dialogs for the coordinator's actions: confirm, progress, extension, snooze, the
day to record on, and the unit picker that assigns a task.

Each returns what the person entered (or None/False when cancelled); the app then runs
the action in a worker. Input is checked here first so a typo is shown in the dialog,
next to the field, instead of as an error after the fact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from dondoc.catalog.i18n import t
from dondoc.catalog.i18n import t as tr
from dondoc.catalog.store.readmodel import RegistryUnit
from dondoc.tui.app.i18n import fmt_date, fold, has_marks, nfc_lower, parse_user_date


class ConfirmScreen(ModalScreen[bool]):
    """Yes or no before anything that cannot simply be taken back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", show=False),
        Binding("n,escape", "answer(False)", show=False),
    ]

    def __init__(self, title: str, question: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.question, classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{tr('form.yes')} (y)", id="yes", variant="primary")
                yield Button(f"{tr('form.no')} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class _Form(ModalScreen[object]):
    """Labelled inputs, an error line, Save and Cancel; Enter in the last field saves."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]

    fields: tuple[tuple[str, str, str], ...] = ()  # (id, label key, initial value)

    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__()
        self.title_text = title
        self.subtitle = subtitle

    def initial(self) -> dict[str, str]:
        return {}

    def compose(self) -> ComposeResult:
        values = self.initial()
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.subtitle, classes="dialog-text")
            for field_id, label_key, _ in self.fields:
                yield Label(tr(label_key), classes="field-label")
                yield Input(values.get(field_id, ""), id=field_id)
            yield Static("", id="form-error", classes="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr("form.save"), id="save", variant="primary")
                yield Button(tr("form.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    def error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(f"✗ {message}")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
        else:
            self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def submit(self) -> None:
        result = self.collect()
        if result is not None:
            self.dismiss(result)

    def collect(self) -> object | None:
        """The form's checked values, or None after showing what is wrong.

        Every form overrides this (Textual's screen metaclass does not mix with ABCMeta).
        """
        raise NotImplementedError(type(self).__name__)

    def date_field(self, field_id: str, required: bool) -> tuple[bool, dt.date | None]:
        text = self.value(field_id)
        if not text:
            if required:
                self.error(tr("form.need_date"))
                return False, None
            return True, None
        try:
            return True, parse_user_date(text)
        except ValueError:
            self.error(tr("form.bad_date", value=text))
            return False, None


@dataclass(frozen=True)
class ProgressInput:
    progress: int | None
    note: str | None


class ProgressScreen(_Form):
    fields = (("percent", "form.progress.percent", ""), ("note", "form.progress.note", ""))

    def __init__(self, subtitle: str, current: int) -> None:
        super().__init__(tr("form.progress.title"), subtitle)
        self.current = current

    def initial(self) -> dict[str, str]:
        return {"percent": str(self.current)}

    def collect(self) -> ProgressInput | None:
        text, note = self.value("percent"), self.value("note") or None
        progress = None
        if text:
            try:
                progress = int(text.rstrip("%").strip())
            except ValueError:
                progress = -1
            if not 0 <= progress <= 100:
                self.error(tr("form.bad_percent"))
                return None
        if progress == self.current and note is None:
            progress = None
        if progress is None and note is None:
            self.error(tr("form.need_something"))
            return None
        return ProgressInput(progress, note)


@dataclass(frozen=True)
class ExtensionInput:
    new_due: dt.date
    reason: str | None
    approved_by: str | None


class ExtensionScreen(_Form):
    fields = (("new_due", "form.extension.new_due", ""), ("reason", "form.extension.reason", ""),
              ("approved_by", "form.extension.approved_by", ""))

    def __init__(self, subtitle: str, current_due: dt.date | None) -> None:
        current = tr("form.extension.current", due=fmt_date(current_due) or "—")
        super().__init__(tr("form.extension.title"), f"{subtitle}\n{current}")
        self.current_due = current_due

    def collect(self) -> ExtensionInput | None:
        ok, new_due = self.date_field("new_due", required=True)
        if not ok or new_due is None:
            return None
        if self.current_due is not None and new_due <= self.current_due:
            self.error(t("action.extension_not_later", new=new_due.strftime("%d/%m/%Y"),
                         current=self.current_due.strftime("%d/%m/%Y")))
            return None
        return ExtensionInput(new_due, self.value("reason") or None,
                              self.value("approved_by") or None)


@dataclass(frozen=True)
class SnoozeInput:
    until: dt.date | None


class SnoozeScreen(_Form):
    fields = (("until", "form.snooze.until", ""),)

    def __init__(self, subtitle: str, current: dt.date | None, as_of: dt.date) -> None:
        super().__init__(tr("form.snooze.title"), subtitle)
        self.current = current
        self.as_of = as_of

    def initial(self) -> dict[str, str]:
        return {"until": self.current.strftime("%d/%m/%Y") if self.current else ""}

    def collect(self) -> SnoozeInput | None:
        ok, until = self.date_field("until", required=False)
        if not ok:
            return None
        if until is not None and until < self.as_of:
            self.error(t("action.snooze_past", until=until.strftime("%d/%m/%Y")))
            return None
        return SnoozeInput(until)


@dataclass(frozen=True)
class RefuseInput:
    reason: str


class RefuseScreen(_Form):
    """Why a unit's request is refused: the unit reads it on its page, so it is required."""

    fields = (("reason", "form.refuse.reason", ""),)

    def __init__(self, subtitle: str) -> None:
        super().__init__(tr("form.refuse.title"), subtitle)

    def collect(self) -> RefuseInput | None:
        reason = self.value("reason")
        if not reason:
            self.error(t("requests.refuse_needs_reason"))
            return None
        return RefuseInput(reason)


class DayScreen(ModalScreen["dt.date | None"]):
    """Which day an action is recorded on, when the screen shows a past (or future) day:
    both dates on the buttons, today first and focused (Enter takes it)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]

    def __init__(self, question: str, today: dt.date, as_of: dt.date) -> None:
        super().__init__()
        self.question = question
        self.today = today
        self.as_of = as_of

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(tr("form.day.title"), classes="dialog-title")
            yield Static(self.question, classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr("form.day.today", day=fmt_date(self.today)), id="today",
                             variant="primary")
                yield Button(tr("form.day.as_of", day=fmt_date(self.as_of)), id="as-of")
                yield Button(tr("form.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#today", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        chosen = {"today": self.today, "as-of": self.as_of}.get(event.button.id or "")
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class AssignInput:
    leads: tuple[str, ...]  # unit codes (a group's code stands for its members)
    coordinators: tuple[str, ...]
    note: str | None


class AssignScreen(ModalScreen[object]):
    """The unit picker: type to search the registry (accents optional), Enter or `l` marks
    a lead, `c` a coordinator (again: unmarks), then a note and Save."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", show=False),
        Binding("ctrl+s", "save", show=False),
    ]
    MAX_SHOWN = 200  # thousands of units: the best matches are enough

    def __init__(self, subtitle: str, units: list[RegistryUnit],
                 leads: tuple[str, ...] = (), coordinators: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.subtitle = subtitle
        self.units = units
        self.by_code = {u.code: u for u in units}
        self.leads: list[str] = list(leads)
        self.coordinators: list[str] = [c for c in coordinators if c not in leads]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog assign"):
            yield Label(tr("form.assign.title"), classes="dialog-title")
            yield Static(self.subtitle, classes="dialog-text")
            yield Label(tr("form.assign.search"), classes="field-label")
            yield Input(id="unit-search")
            yield _UnitOptions(id="unit-options")
            yield Static(tr("form.assign.hint"), classes="dialog-hint")
            yield Static("", id="assign-chosen")
            yield Label(tr("form.assign.note"), classes="field-label")
            yield Input(id="assign-note")
            yield Static("", id="form-error", classes="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr("form.save"), id="save", variant="primary")
                yield Button(tr("form.cancel"), id="cancel")

    def on_mount(self) -> None:
        self._fill("")
        self._show_chosen()
        self.query_one("#unit-search", Input).focus()

    def matches(self, query: str) -> list[RegistryUnit]:
        """Units whose code, name or alias holds every word; accents are optional, and
        when typed they must match (the same rule as the filter bar)."""
        words = [w for w in query.split() if w]
        out = []
        for unit in self.units:
            exact = None
            for word in words:
                if has_marks(word):
                    if exact is None:
                        exact = nfc_lower(" ".join((unit.code, unit.name, *unit.aliases)))
                    if nfc_lower(word) not in exact:
                        break
                elif fold(word) not in unit.hay:
                    break
            else:
                out.append(unit)
        return out

    def _fill(self, query: str) -> None:
        options = self.query_one("#unit-options", _UnitOptions)
        options.clear_options()
        found = self.matches(query)[:self.MAX_SHOWN]
        options.add_options([Option(self._prompt(u), id=u.code) for u in found])
        if found:
            options.highlighted = 0

    def _prompt(self, unit: RegistryUnit) -> str:
        mark = "[C] " if unit.code in self.leads else "[P] " if unit.code in self.coordinators \
            else "    "
        extra = f" ({tr('form.assign.group', n=len(unit.members))})" if unit.is_group else ""
        return f"{mark}{unit.name}{extra} · {unit.code}"

    def _show_chosen(self) -> None:
        def names(codes: list[str]) -> str:
            return "; ".join(self.by_code[c].name if c in self.by_code else c for c in codes) \
                or tr("form.assign.none")
        self.query_one("#assign-chosen", Static).update(
            f"{tr('form.assign.leads', units=names(self.leads))}\n"
            f"{tr('form.assign.coordinators', units=names(self.coordinators))}")

    def toggle(self, role: str) -> None:
        options = self.query_one("#unit-options", _UnitOptions)
        index = options.highlighted
        if index is None:
            return
        code = options.get_option_at_index(index).id
        if code is None:
            return
        mine, other = (self.leads, self.coordinators) if role == "lead" else \
            (self.coordinators, self.leads)
        if code in mine:
            mine.remove(code)
        else:
            mine.append(code)
            if code in other:
                other.remove(code)
        unit = self.by_code[code]
        options.replace_option_prompt_at_index(index, self._prompt(unit))
        self._show_chosen()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "unit-search":
            self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "unit-search":
            self.toggle("lead")
        else:
            self.action_save()

    def on_key(self, event: events.Key) -> None:
        # Up and down move in the list while the search field keeps the typing.
        if self.focused is self.query_one("#unit-search", Input) and event.key in ("up", "down"):
            options = self.query_one("#unit-options", _UnitOptions)
            options.action_cursor_down() if event.key == "down" else options.action_cursor_up()
            event.stop()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        if not self.leads and not self.coordinators:
            self.query_one("#form-error", Static).update(f"✗ {tr('form.assign.need_lead')}")
            return
        note = self.query_one("#assign-note", Input).value.strip() or None
        self.dismiss(AssignInput(tuple(self.leads), tuple(self.coordinators), note))


class _UnitOptions(OptionList):
    """The picker's list: `l`/Enter marks a lead, `c` a coordinator."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "mark('lead')", show=False),
        Binding("c", "mark('coordinator')", show=False),
    ]
    DEFAULT_CSS = "_UnitOptions { height: 10; }"

    def action_mark(self, role: str) -> None:
        screen = self.screen
        if isinstance(screen, AssignScreen):
            screen.toggle(role)

    def action_select(self) -> None:
        self.action_mark("lead")
