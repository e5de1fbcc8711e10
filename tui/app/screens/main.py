"""The coordinator's screen: view tabs, filter bar, the lists, the detail pane, status.

The screen owns what is shown and the keys; the app owns the data and every database
call (thread workers), so this module never touches the database.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Footer, Input

from dondoc.catalog.i18n import has
from dondoc.catalog.i18n import t as tr
from dondoc.tui.app.i18n import fmt_date, localize_bindings
from dondoc.catalog.store.readmodel import RequestRow, Snapshot, TaskDetail, TaskRow, UnitRow
from dondoc.tui.app.screens.forms import (AssignInput, AssignScreen, ConfirmScreen, DayScreen,
                                          ExtensionInput, ExtensionScreen, ProgressInput,
                                          ProgressScreen, RefuseInput, RefuseScreen, SnoozeInput,
                                          SnoozeScreen)
from dondoc.tui.app.screens.help import HelpScreen
from dondoc.tui.app.widgets.detail import DetailPane
from dondoc.tui.app.widgets.row_list import RowList
from dondoc.tui.app.widgets.status_bar import StatusBar, TitleBar
from dondoc.tui.app.widgets.view_bar import ViewBar
from dondoc.tui.app.widgets.views import (DELIVERY_GLYPH, REVIEW_GLYPH, TASK_VIEWS, VIEWS,
                                          make_list, request_asked)

if TYPE_CHECKING:
    from dondoc.tui.app.host import MainHost

TASK_ACTIONS = ("done", "progress", "extend", "snooze", "assign")
REQUEST_ACTIONS = ("accept_request", "refuse_request")
DETAIL_DELAY = 0.12  # seconds the cursor rests before the detail pane loads
# Below this size the lists need the room: the detail pane starts hidden (`i` shows it).
DETAIL_MIN_WIDTH, DETAIL_MIN_HEIGHT = 100, 30


class FilterBar(Input):
    """One line under the tabs, always there so that `/` costs no relayout."""

    DEFAULT_CSS = """
    FilterBar, FilterBar:focus { height: 1; border: none; padding: 0 1; background: $boost; }
    FilterBar:focus { background: $surface-lighten-1; }
    """


def _view_bindings() -> list[BindingType]:
    return [Binding(str(n), f"view('{view}')", f"view.{view}", show=False, id=f"view-{view}")
            for n, view in enumerate(VIEWS, start=1)]


class MainScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        *_view_bindings(),
        Binding("tab", "next_view", "key.next_view", show=False, id="next-view"),
        Binding("shift+tab", "prev_view", "key.prev_view", show=False, id="prev-view"),
        Binding("slash", "filter", "key.filter", key_display="/", tooltip="key.filter.tip",
                id="filter"),
        Binding("escape", "clear_filter", "key.clear", show=False, id="clear-filter"),
        Binding("d", "done", "key.done", tooltip="key.done.tip", id="mark-done"),
        Binding("p", "progress", "key.progress", tooltip="key.progress.tip", id="progress"),
        Binding("e", "extend", "key.extend", tooltip="key.extend.tip", id="extend"),
        Binding("s", "snooze", "key.snooze", tooltip="key.snooze.tip", id="snooze"),
        Binding("a", "assign", "key.assign", tooltip="key.assign.tip", id="assign"),
        Binding("c", "accept_request", "key.accept", tooltip="key.accept.tip",
                id="accept-request"),
        Binding("x", "refuse_request", "key.refuse", tooltip="key.refuse.tip",
                id="refuse-request"),
        Binding("u", "undo", "key.undo", tooltip="key.undo.tip", id="undo"),
        Binding("i", "toggle_detail", "key.detail", tooltip="key.detail.tip", show=False,
                id="toggle-detail"),
        Binding("r", "refresh", "key.refresh", show=False, id="refresh"),
        Binding("question_mark", "help", "key.help", key_display="?", id="help"),
        Binding("q", "app.quit", "key.quit", id="quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        localize_bindings(self)
        self.view = "overdue"
        self.snapshot: Snapshot | None = None
        self.detail: TaskDetail | None = None
        self.unit_scope: tuple[str, str] | None = None  # (code, name) from the units view
        self.unit_tasks: frozenset[int] = frozenset()  # the tasks of that unit
        self.detail_wanted: bool | None = None  # the person's choice (`i`); None: by size
        self._keys_shown: tuple[bool, bool] = (False, False)  # task keys, request keys
        self._detail_timer: Timer | None = None
        self.detail_pending = False  # a detail load waits for the cursor to rest

    @property
    def dondoc(self) -> MainHost:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield TitleBar(id="title")
        yield ViewBar([(v, tr(f"view.{v}"), tr(f"view.{v}.short")) for v in VIEWS], self.view,
                      id="tabs")
        yield FilterBar(placeholder=tr("filter.placeholder"), id="filter")
        with ContentSwitcher(initial="list-overdue", id="views"):
            for view in VIEWS:
                yield make_list(view)
        yield DetailPane(id="detail")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self._fit_detail()
        self.current_list.focus()
        self.query_one("#title", TitleBar).show_title(
            tr("app.title"), fmt_date(self.dondoc.as_of), self.dondoc.db_label)
        self.update_status()

    # ------------------------------------------------------------------ lookups

    def list_for(self, view: str) -> RowList:
        return self.query_one(f"#list-{view}", RowList)

    @property
    def current_list(self) -> RowList:
        return self.list_for(self.view)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one("#filter", FilterBar)

    def current_task(self) -> TaskRow | None:
        row = self.current_list.current_row
        return row if isinstance(row, TaskRow) else None

    def current_request(self) -> RequestRow | None:
        row = self.current_list.current_row
        return row if self.view == "requests" and isinstance(row, RequestRow) else None

    # ------------------------------------------------------------------ views

    def action_view(self, view: str) -> None:
        if view not in VIEWS:
            return
        self.view = view
        self.query_one("#views", ContentSwitcher).current = f"list-{view}"
        self.query_one("#tabs", ViewBar).set_active(view)
        self.apply_filter()
        if not self.filter_bar.has_focus:
            self.current_list.focus()
        self.show_detail(self.current_list.current_row)
        self._refresh_task_keys()
        self.update_status()

    def on_view_bar_selected(self, event: ViewBar.Selected) -> None:
        self.action_view(event.view)

    def action_next_view(self) -> None:
        self.action_view(VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)])

    def action_prev_view(self) -> None:
        self.action_view(VIEWS[(VIEWS.index(self.view) - 1) % len(VIEWS)])

    # ------------------------------------------------------------------ filter

    def action_filter(self) -> None:
        self.filter_bar.focus()

    def action_clear_filter(self) -> None:
        bar = self.filter_bar
        if not bar.value and self.unit_scope is None and not bar.has_focus:
            return
        bar.value = ""
        self.unit_scope = None
        self.apply_filter()
        self.current_list.focus()
        self.update_status()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input is self.filter_bar:
            self.apply_filter()
            self.update_status()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input is self.filter_bar:
            self.current_list.focus()

    def apply_filter(self) -> None:
        text = self.filter_bar.value
        scope = None
        if self.unit_scope is not None and self.view in TASK_VIEWS:
            ids = self.unit_tasks

            def scope(row: TaskRow) -> bool:
                return row.id in ids
        self.current_list.set_filter(text.split(), scope,
                                     no_match_text=tr("empty.filtered", query=text))

    # ------------------------------------------------------------------ data

    def show_snapshot(self, snap: Snapshot) -> None:
        self.snapshot = snap
        day = fmt_date(snap.as_of)
        empties = {
            "overdue": tr("empty.overdue", day=day),
            "due_soon": tr("empty.due_soon", days=snap.window, day=day),
            "units": tr("empty.units"), "targets": tr("empty.targets"),
            "reviews": tr("empty.reviews"), "reminders": tr("empty.reminders"),
            "all": tr("empty.all"), "unassigned": tr("empty.unassigned"),
            "requests": tr("empty.requests"),
        }
        rows: dict[str, list[Any]] = {
            "overdue": snap.overdue, "due_soon": snap.due_soon, "units": snap.units,
            "targets": snap.targets, "reviews": snap.reviews, "reminders": snap.deliveries,
            "all": snap.tasks, "unassigned": snap.unassigned, "requests": snap.requests,
        }
        for view in VIEWS:
            row_list = self.list_for(view)
            if not snap.has_plans:
                row_list.empty_text = tr("empty.no_plans")
            elif snap.complete or view == "overdue":
                row_list.empty_text = empties[view]
            if snap.complete or view == "overdue":
                row_list.set_rows(rows[view])
        self.apply_filter()
        self._update_tabs()
        self.show_detail(self.current_list.current_row)
        self._refresh_task_keys()
        self.update_status()

    def _update_tabs(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        counts: dict[str, int] = {}
        if snap.complete:
            counts.update(overdue=len(snap.overdue), due_soon=len(snap.due_soon),
                          units=len(snap.units), targets=len(snap.targets),
                          reviews=len(snap.reviews), reminders=sum(snap.delivery_counts.values()),
                          all=len(snap.tasks), unassigned=len(snap.unassigned),
                          requests=len(snap.requests))
        self.query_one("#tabs", ViewBar).set_counts(counts)

    def update_status(self) -> None:
        snap = self.snapshot
        row_list = self.current_list
        scope = []
        if self.dondoc.scope_plan:
            scope.append(tr("status.plan", plan=self.dondoc.scope_plan))
        if self.unit_scope is not None:
            scope.append(tr("status.unit", unit=self.unit_scope[1]))
        elif self.dondoc.scope_unit:
            scope.append(tr("status.unit", unit=self.dondoc.scope_unit))
        if snap is not None and snap.complete and self.view in ("reminders", "reviews"):
            scope.insert(0, self._view_summary(snap))
        counts = snap.counts if snap is not None and snap.complete else None
        self.query_one("#status", StatusBar).show_status(
            counts, row_list.visible_count, row_list.total_count, scope,
            snap is None or not snap.complete)

    def _view_summary(self, snap: Snapshot) -> str:
        """Sent, failed, pending in the ledger; or reviews by state."""
        if self.view == "reminders":
            counts = snap.delivery_counts
            glyphs = DELIVERY_GLYPH
            table = "delivery"
        else:
            counts = Counter(r.shown for r in snap.reviews)
            glyphs = REVIEW_GLYPH
            table = "review"
        parts = []
        for status, n in sorted(counts.items(), key=lambda kv: -kv[1]):
            word = tr(f"{table}.{status}") if has(f"{table}.{status}") else status
            parts.append(f"{glyphs.get(status, '·')} {n} {word.lower()}")
        return " · ".join(parts) if parts else "0"

    # ------------------------------------------------------------------ detail

    def on_resize(self, event: object) -> None:
        self._fit_detail()

    def _fit_detail(self) -> None:
        """Hide the detail pane on a small terminal (80x24 would show four rows), unless the
        person asked for it with `i`."""
        roomy = self.size.width >= DETAIL_MIN_WIDTH and self.size.height >= DETAIL_MIN_HEIGHT
        shown = roomy if self.detail_wanted is None else self.detail_wanted
        self.query_one("#detail", DetailPane).display = shown

    def action_toggle_detail(self) -> None:
        pane = self.query_one("#detail", DetailPane)
        self.detail_wanted = not pane.display
        self._fit_detail()

    def on_row_list_highlighted(self, event: RowList.Highlighted) -> None:
        if event.row_list is self.current_list:
            self.show_detail(event.row)
            self._refresh_task_keys()
            self.update_status()

    def _refresh_task_keys(self) -> None:
        """Redraw the footer only when the task or request keys come or go: it costs a
        recompose."""
        shown = (self.view in TASK_VIEWS and self.current_task() is not None,
                 self.current_request() is not None)
        if shown != self._keys_shown:
            self._keys_shown = shown
            self.refresh_bindings()

    def show_detail(self, row: Any) -> None:
        pane = self.query_one("#detail", DetailPane)
        if isinstance(row, TaskRow):
            if self.detail is not None and self.detail.id == row.id:
                pane.show_task(self.detail, row)
            # Load when the cursor rests: typing a filter or holding a key moves it many
            # times a second, and each load would compete with drawing.
            if self._detail_timer is not None:
                self._detail_timer.stop()
            self.detail_pending = True
            self._detail_timer = self.set_timer(DETAIL_DELAY, partial(self._load_detail, row))
        else:
            self.detail = None
            pane.show_row(row)

    def _load_detail(self, row: TaskRow) -> None:
        self._detail_timer = None
        self.detail_pending = False
        self.dondoc.load_detail(row)

    def show_task_detail(self, task_id: int, detail: TaskDetail | None) -> None:
        row = self.current_task()
        if row is None or row.id != task_id or detail is None:
            return
        self.detail = detail
        self.query_one("#detail", DetailPane).show_task(detail, row)

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        if isinstance(event.row, UnitRow) and event.row.code is not None:
            self.scope_unit(event.row.code, event.row.name)

    def scope_unit(self, code: str | None, name: str = "") -> None:
        """Show the tasks a unit leads or helps with, through a group too (None: every
        unit). Its tasks are read in a worker; show_unit_tasks follows."""
        if code is None:
            self.unit_scope = None
            self.unit_tasks = frozenset()
            self.apply_filter()
            self.update_status()
            return
        self.dondoc.load_unit_tasks(code, name)

    def show_unit_tasks(self, code: str, name: str, task_ids: frozenset[int]) -> None:
        self.unit_scope = (code, name)
        self.unit_tasks = task_ids
        self.action_view("all")
        self.apply_filter()
        self.update_status()

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in TASK_ACTIONS:
            return self.view in TASK_VIEWS and self.current_task() is not None
        if action in REQUEST_ACTIONS:
            return self.current_request() is not None
        return True

    def _label(self, row: TaskRow) -> str:
        return f"{row.plan}/{row.code}"

    def _subtitle(self, row: TaskRow) -> str:
        title = row.title if len(row.title) <= 160 else row.title[:159] + "…"
        return f"{self._label(row)} — {title}"

    def on_day(self, action: str, row: TaskRow, then: Any) -> None:
        """Call then(day) with the day to record an action on: the as-of day is today's
        date in normal use; viewing another day, ask which one (today first)."""
        as_of, today = self.dondoc.as_of, self.dondoc.today()
        if as_of == today:
            then(today)
            return
        question = tr("form.day.question", as_of=fmt_date(as_of), today=fmt_date(today),
                      action=tr(f"action.task.{action}"), task=self._label(row))

        def chosen(day: object) -> None:
            if isinstance(day, dt.date):
                then(day)

        self.app.push_screen(DayScreen(question, today, as_of), chosen)

    def action_done(self) -> None:
        row = self.current_task()
        if row is None:
            return
        as_of = self.dondoc.as_of
        if row.kind == "recurring" and row.due:
            question = tr("form.done.period", period=fmt_date(row.due), task=self._label(row))
            occurrence: dt.date | None = dt.date.fromisoformat(row.due)
        else:
            question = tr("form.done.question", task=self._label(row), day=fmt_date(as_of))
            occurrence = None
        question += f"\n\n{row.title}"

        def answered(yes: bool | None) -> None:
            if yes:
                self.on_day("done", row, lambda day: self.dondoc.do_mark_done(row, occurrence, day))

        self.app.push_screen(ConfirmScreen(tr("form.done.title"), question), answered)

    def action_progress(self) -> None:
        row = self.current_task()
        if row is None:
            return
        current = self.detail.progress if self.detail and self.detail.id == row.id else 0

        def entered(value: object) -> None:
            if isinstance(value, ProgressInput):
                self.dondoc.do_record_progress(row, value)

        self.app.push_screen(ProgressScreen(self._subtitle(row), current), entered)

    def action_extend(self) -> None:
        row = self.current_task()
        if row is None:
            return
        detail = self.detail if self.detail and self.detail.id == row.id else None
        current = (detail.extended_due or detail.deadline_due) if detail else (
            dt.date.fromisoformat(row.due) if row.due else None)

        def entered(value: object) -> None:
            if isinstance(value, ExtensionInput):
                self.dondoc.do_record_extension(row, value)

        self.app.push_screen(ExtensionScreen(self._subtitle(row), current), entered)

    def action_snooze(self) -> None:
        row = self.current_task()
        if row is None:
            return
        detail = self.detail if self.detail and self.detail.id == row.id else None

        def entered(value: object) -> None:
            if isinstance(value, SnoozeInput):
                self.on_day("snooze", row, lambda day: self.dondoc.do_snooze(row, value, day))

        self.app.push_screen(SnoozeScreen(self._subtitle(row),
                                          detail.snoozed_until if detail else None,
                                          self.dondoc.as_of), entered)

    def action_assign(self) -> None:
        row = self.current_task()
        snap = self.snapshot
        if row is None or snap is None:
            return
        def entered(value: object) -> None:
            if isinstance(value, AssignInput):
                self.dondoc.do_assign(row, value)

        # assign() replaces the app's own assignment of the task as a whole; the detail
        # pane shows what the task has, the catalog's part of which stays whatever is chosen.
        self.app.push_screen(AssignScreen(self._subtitle(row), snap.registry), entered)

    def _request_text(self, row: RequestRow) -> str:
        text = (f"#{row.id} · {row.plan}/{row.task} · {row.unit_name}\n{request_asked(row)}")
        if row.reason:
            text += f" — {row.reason}"
        title = row.title if len(row.title) <= 160 else row.title[:159] + "…"
        return f"{text}\n\n{title}"

    def action_accept_request(self) -> None:
        row = self.current_request()
        if row is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dondoc.do_decide_request(row, accept=True)

        question = f"{tr('form.accept.question')}\n\n{self._request_text(row)}"
        self.app.push_screen(ConfirmScreen(tr("form.accept.title"), question), answered)

    def action_refuse_request(self) -> None:
        row = self.current_request()
        if row is None:
            return

        def entered(value: object) -> None:
            if isinstance(value, RefuseInput):
                self.dondoc.do_decide_request(row, accept=False, reason=value.reason)

        self.app.push_screen(RefuseScreen(self._request_text(row)), entered)

    def action_undo(self) -> None:
        self.dondoc.preview_undo()

    def confirm_undo(self, action: str, task_key: str, at: str) -> None:
        question = tr("form.undo.question", action=tr(f"action.{action}"), task=task_key, at=at)

        def answered(yes: bool | None) -> None:
            if yes:
                self.dondoc.do_undo()

        self.app.push_screen(ConfirmScreen(tr("form.undo.title"), question), answered)

    def action_refresh(self) -> None:
        self.dondoc.reload()

    def action_help(self) -> None:
        keys: list[tuple[str, str]] = []
        seen: set[str] = set()
        for key, active in self.active_bindings.items():
            binding = active.binding
            if active.node is not self or not active.enabled or not binding.description:
                continue
            if binding.action in ("next_view", "prev_view", "screen.copy_text"):
                continue  # views are on the first line; copying is Textual's own
            if binding.action.startswith("view("):
                continue
            shown = binding.key_display or self.app.get_key_display(binding)
            if binding.description in seen:
                continue
            seen.add(binding.description)
            keys.append((shown, binding.description))
        keys.insert(0, (f"1–{len(VIEWS)}, tab", " · ".join(
            f"{n} {tr(f'view.{v}')}" for n, v in enumerate(VIEWS, start=1))))
        keys.append(("↑ ↓ PgUp PgDn Home End", f"{tr('key.move')}, {tr('key.page')}"))
        if self.view == "units":
            keys.append(("Enter", tr("key.open_unit")))
        keys.append(("i", tr("key.detail.tip")))
        keys.append(("ctrl+p", tr("key.palette")))
        self.app.push_screen(HelpScreen(tr(f"view.{self.view}"), keys,
                                        fmt_date(self.dondoc.as_of),
                                        self.dondoc.as_of != self.dondoc.today()))
