"""`dondoc tui`: the coordinator's terminal.

The app owns the data and every database call. Each call runs in a thread worker that
posts a typed message back (tui/screens/messages.py), so the screen never waits on the
database; all workers are started here, so one handler (on_worker_state_changed) reports
every worker error. A cheap change marker is polled every few seconds and the views are
reloaded when it moves (another coordinator, the reminder sender, a catalog load).
"""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path
from typing import Any, Callable, ClassVar

from sqlalchemy.engine import Engine
from textual import work
from textual.app import App
from textual.worker import Worker, WorkerState, get_current_worker

from dondoc.catalog.store import actions, answers
from dondoc.catalog.store.engines import mask_url
from dondoc.catalog.i18n import DondocError
from dondoc.catalog.store.queries import Filter
from dondoc.catalog.rules.workdays import WorkCalendar, default_calendar
from dondoc.catalog.i18n import t as tr
from dondoc.tui.app.i18n import fmt_date, fmt_datetime
from dondoc.catalog.store import readmodel as data
from dondoc.catalog.store import assignments
from dondoc.tui.app.screens.forms import AssignInput, ExtensionInput, ProgressInput, SnoozeInput
from dondoc.tui.app.screens.main import MainScreen
from dondoc.tui.app.screens.messages import (ActionDone, DataLoaded, DetailLoaded, MarkerChecked,
                                             RequestDecided, UndoCandidate, UndoPreview,
                                             UnitTasksLoaded)
from dondoc.tui.app.screens.palette import DondocCommands
from dondoc.tui.app.widgets.views import TASK_VIEWS, VIEWS

HERE = Path(__file__).parent


class DondocApp(App[None]):
    CSS_PATH = HERE / "app.tcss"
    COMMANDS: ClassVar[set[Any]] = App.COMMANDS | {DondocCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, engine: Engine, *, as_of: dt.date, plan: str | None = None,
                 unit: str | None = None, db_label: str | None = None,
                 refresh_seconds: float = 3.0, actor: str | None = None,
                 calendar: WorkCalendar | None = None) -> None:
        super().__init__()
        self.engine = engine
        self.as_of = as_of
        self.scope_plan = plan
        self.scope_unit = unit  # a unit code, applied in the query
        self.db_label = db_label or mask_url(engine.url.render_as_string(hide_password=False))
        self.refresh_seconds = refresh_seconds
        self.actor = actor or actions.default_actor()
        self.calendar = calendar or default_calendar()
        self.marker: tuple[Any, ...] | None = None
        self.title = tr("app.title")
        self.loads = 0  # complete loads shown so far (tests wait on it)
        self._load_seq = 0
        self._shown: tuple[int, bool] = (0, False)

    def get_default_screen(self) -> MainScreen:
        return MainScreen()

    @property
    def main(self) -> MainScreen:
        screen = self.screen_stack[0]  # the default screen stays at the bottom
        assert isinstance(screen, MainScreen)
        return screen

    def on_mount(self) -> None:
        self.load(first=True)
        if self.refresh_seconds > 0:
            self.set_interval(self.refresh_seconds, self.check_changes)

    def query_filter(self) -> Filter:
        return Filter(as_of=self.as_of, plan=self.scope_plan, unit=self.scope_unit)

    # ------------------------------------------------------------------ workers

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load(self, first: bool = False) -> None:
        worker = get_current_worker()
        self._load_seq += 1
        seq = self._load_seq
        f = self.query_filter()
        if first:
            # The first view alone, at once; everything else follows.
            quick = data.load_overdue(self.engine, f)
            if not worker.is_cancelled:
                self.post_message(DataLoaded(quick, None, seq))
        marker = data.change_marker(self.engine)
        snapshot = data.load_snapshot(self.engine, f, self.calendar, no_lead=tr("cell.no_lead"))
        # 100k rows are millions of long-lived objects: keep them out of the cyclic GC's
        # full passes, which would otherwise stall a keystroke now and then. (They hold no
        # cycles; refcounting still frees them when the next snapshot replaces them.)
        gc.freeze()
        if not worker.is_cancelled:
            self.post_message(DataLoaded(snapshot, marker, seq))

    def reload(self) -> None:
        self.load()

    def today(self) -> dt.date:
        """Today in Vietnam: what an action is recorded on unless the person picks the
        as-of day."""
        return actions.today()

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_detail(self, row: data.TaskRow) -> None:
        detail = data.load_detail(self.engine, row.id)
        # Each unit's share, for this one task: the lists never hold them.
        if detail is not None and not get_current_worker().is_cancelled:
            detail.assignments = data.load_assignments(self.engine, row, self.as_of,
                                                       self.calendar)
        if not get_current_worker().is_cancelled:
            self.post_message(DetailLoaded(row.id, detail))

    @work(thread=True, exclusive=True, group="unit", exit_on_error=False)
    def load_unit_tasks(self, code: str, name: str) -> None:
        self.post_message(UnitTasksLoaded(code, name, data.unit_task_ids(self.engine, code)))

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def check_changes(self) -> None:
        if self.marker is None:
            return  # the first load is still running
        self.post_message(MarkerChecked(data.change_marker(self.engine)))

    @work(thread=True, group="action", exit_on_error=False)
    def perform_action(self, perform: Callable[[], actions.ActionResult],
                   describe: Callable[[actions.ActionResult], str]) -> None:
        result = perform()
        self.post_message(ActionDone(result, describe(result)))

    @work(thread=True, group="action", exit_on_error=False)
    def decide_request(self, request_id: int, accept: bool, reason: str | None) -> None:
        # The same store call as `dondoc requests accept|refuse`: one transaction, audited
        # under this coordinator's name; the unit's page then shows the decision.
        result = answers.decide(self.engine, request_id, accept=accept, reason=reason,
                                actor=self.actor)
        key = "requests.accepted" if accept else "requests.refused"
        self.post_message(RequestDecided(result, tr(key, **result)))

    @work(thread=True, group="action", exit_on_error=False)
    def preview_undo(self) -> None:
        entry = actions.last_undoable(self.engine, self.actor)
        self.post_message(UndoPreview(
            None if entry is None else UndoCandidate(entry.action, entry.entity_key, entry.at)))

    # ------------------------------------------------------------------ actions

    def do_mark_done(self, row: data.TaskRow, occurrence: dt.date | None,
                     day: dt.date | None = None) -> None:
        on = day or self.as_of
        self.perform_action(
            lambda: actions.mark_done(self.engine, row.id, on=on, occurrence=occurrence,
                                      actor=self.actor),
            lambda r: tr("done.task.done", task=r.task_key))

    def do_record_progress(self, row: data.TaskRow, value: ProgressInput) -> None:
        occurrence = (dt.date.fromisoformat(row.due)
                      if row.kind == "recurring" and row.due else None)
        self.perform_action(
            lambda: actions.record_progress(self.engine, row.id, progress=value.progress,
                                            note=value.note, occurrence=occurrence,
                                            actor=self.actor),
            lambda r: tr("done.task.progress", task=r.task_key))

    def do_record_extension(self, row: data.TaskRow, value: ExtensionInput) -> None:
        self.perform_action(
            lambda: actions.record_extension(self.engine, row.id, new_due=value.new_due,
                                             reason=value.reason, approved_by=value.approved_by,
                                             actor=self.actor, calendar=self.calendar),
            lambda r: tr("done.task.extension", task=r.task_key,
                         due=fmt_date(r.after.get("effective_due"))))

    def do_snooze(self, row: data.TaskRow, value: SnoozeInput, day: dt.date | None = None) -> None:
        on = day or self.as_of
        self.perform_action(
            lambda: actions.snooze(self.engine, row.id, value.until, on=on,
                                   actor=self.actor),
            lambda r: (tr("done.task.snooze", task=r.task_key, until=fmt_date(value.until))
                       if value.until else tr("done.task.unsnooze", task=r.task_key)))

    def do_assign(self, row: data.TaskRow, value: AssignInput) -> None:
        def perform() -> actions.ActionResult:
            result = assignments.assign(self.engine, row.plan, row.code, list(value.leads),
                                        list(value.coordinators), value.note, self.actor)
            return actions.ActionResult("task.assign", row.id, result.task_key, result.audit_id,
                                        {"assignments": result.before},
                                        {"assignments": result.after})

        self.perform_action(perform, lambda r: tr("done.task.assign", task=r.task_key))

    def do_decide_request(self, row: data.RequestRow, *, accept: bool,
                          reason: str | None = None) -> None:
        self.decide_request(row.id, accept, reason)

    def do_undo(self) -> None:
        self.perform_action(
            lambda: actions.undo_last(self.engine, actor=self.actor),
            lambda r: tr("done.task.undo", task=r.task_key,
                         action=tr(f"action.{r.undone_action}")))

    # ------------------------------------------------------------------ messages

    def on_data_loaded(self, message: DataLoaded) -> None:
        if not self.main.is_mounted:  # a fast database can answer before the screen is up
            self.call_after_refresh(self.on_data_loaded, message)
            return
        # Loads can overlap (a refresh while the first one runs): never show an older one.
        complete = message.snapshot.complete
        if (message.seq, complete) < self._shown:
            return
        self._shown = (message.seq, complete)
        if message.marker is not None:
            self.marker = message.marker
        self.main.show_snapshot(message.snapshot)
        if message.snapshot.complete:
            self.loads += 1

    def on_unit_tasks_loaded(self, message: UnitTasksLoaded) -> None:
        self.main.show_unit_tasks(message.code, message.name, message.task_ids)

    def on_detail_loaded(self, message: DetailLoaded) -> None:
        self.main.show_task_detail(message.task_id, message.detail)

    def on_action_done(self, message: ActionDone) -> None:
        self.notify(message.summary, timeout=4)
        self.reload()

    def on_request_decided(self, message: RequestDecided) -> None:
        self.notify(message.summary, timeout=4)
        self.reload()

    def on_undo_preview(self, message: UndoPreview) -> None:
        candidate = message.candidate
        if candidate is None:
            self.notify(str(DondocError("action.nothing_to_undo")), severity="warning")
            return
        self.main.confirm_undo(candidate.action, candidate.task_key, fmt_datetime(candidate.at))

    def on_marker_checked(self, message: MarkerChecked) -> None:
        if message.marker != self.marker:
            self.marker = message.marker
            self.reload()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker errors surface: a person's mistake in their words, anything
        else as one line (URLs masked), and the app keeps running."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, DondocError):
            text = str(error)
        else:
            problem = str(error).strip().splitlines()[0] if str(error).strip() else ""
            text = tr("error.unexpected", problem=data.sanitize(
                f"{type(error).__name__}: {problem}"))
            self.log.error(text)
        self.notify(text, title=tr("error.title"), severity="error", timeout=8)

    # ------------------------------------------------------------------ palette

    def palette_commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        main = self.main
        out: list[tuple[str, str, Callable[[], object]]] = []
        for n, view in enumerate(VIEWS, start=1):
            out.append((tr("cmd.view", view=tr(f"view.{view}")), f"{n}",
                        lambda v=view: main.action_view(v)))
        if main.current_task() is not None and main.view in TASK_VIEWS:
            for action, key in (("done", "d"), ("progress", "p"), ("extend", "e"),
                                ("snooze", "s"), ("assign", "a")):
                label = {"done": "key.done", "progress": "key.progress", "extend": "key.extend",
                         "snooze": "key.snooze", "assign": "key.assign"}[action]
                out.append((tr(label), key, getattr(main, f"action_{action}")))
        request = main.current_request()
        if request is not None:
            what = {"id": request.id, "task": f"{request.plan}/{request.task}",
                    "unit": request.unit_name}
            out.append((tr("cmd.request.accept", **what), "c", main.action_accept_request))
            out.append((tr("cmd.request.refuse", **what), "x", main.action_refuse_request))
        out.append((tr("key.undo"), "u", main.action_undo))
        out.append((tr("key.detail.tip"), "i", main.action_toggle_detail))
        out.append((tr("key.filter"), "/", main.action_filter))
        out.append((tr("key.refresh"), "r", self.reload))
        out.append((tr("key.help"), "?", main.action_help))
        snap = main.snapshot
        if snap is not None:
            plans, units = data.plan_and_units(snap)
            if self.scope_plan:
                out.append((tr("cmd.all_plans"), "", lambda: self.set_plan(None)))
            for code, title in plans:
                out.append((tr("cmd.plan", plan=code), title, lambda c=code: self.set_plan(c)))
            if main.unit_scope is not None:
                out.append((tr("cmd.all_units"), "Esc", lambda: main.scope_unit(None)))
            for code, name in units:
                out.append((tr("cmd.unit", unit=name), code,
                            lambda c=code, n=name: main.scope_unit(c, n)))
        return out

    def set_plan(self, plan: str | None) -> None:
        self.scope_plan = plan
        self.main.update_status()
        self.reload()
