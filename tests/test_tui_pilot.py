"""The coordinator's terminal driven by its keys (Textual's Pilot) on a real database:
what a person sees, what they change, and what the database holds afterwards."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlmodel import Session

from dondoc.catalog.store.engines import engine_for
from dondoc.catalog.i18n import set_lang
from dondoc.catalog.store.models import AuditEntry, Extension, ProgressReport, Task
from dondoc.catalog.store.queries import Filter, Reader
from tests.cli import FIXTURES, dondoc
from tests.tui_support import add_ledger_and_reviews, copy_seed, make_app, settle

AS_OF = dt.date(2023, 3, 1)
pytestmark = pytest.mark.asyncio


@pytest.fixture
def seed_url(seed_home: Path, tmp_path: Path) -> str:
    return copy_seed(seed_home, tmp_path / "db")


@pytest.fixture(autouse=True)
def vietnamese():  # type: ignore[no-untyped-def]
    set_lang("vi")
    yield
    set_lang(None)


def task_row(url: str, plan: str, code: str) -> Task:
    with Session(engine_for(url)) as s:
        row = s.exec(select(Task).where(Task.plan_code == plan, Task.code == code)).scalar_one()
        s.expunge(row)
        return row


def overdue_count(url: str, as_of: dt.date = AS_OF) -> int:
    return Reader(engine_for(url)).count_overdue(Filter(as_of=as_of))


def row_text(row_list, y: int) -> str:  # type: ignore[no-untyped-def]
    return row_list.render_line(y).text


async def on_as_of_day(pilot) -> None:  # type: ignore[no-untyped-def]
    """Viewing 01/03/2023 (not today), an action asks which day to record: the as-of day
    (the second button), so that the dates below stay those of the seed's day."""
    await pilot.pause()
    assert type(pilot.app.screen).__name__ == "DayScreen"
    await pilot.press("tab", "enter")


async def type_text(pilot, value: str) -> None:  # type: ignore[no-untyped-def]
    for char in value:
        await pilot.press("space" if char == " " else char)


async def test_opens_on_overdue_worst_first(seed_url: str) -> None:
    app = make_app(seed_url)
    async with app.run_test(size=(150, 42)) as pilot:
        await settle(pilot)
        main = app.main
        overdue = main.list_for("overdue")
        assert main.view == "overdue"
        assert overdue.visible_count == overdue_count(seed_url) == 65
        days = [row.days for row in overdue.visible_rows()]
        assert days == sorted(days, reverse=True) and days[0] > days[-1]
        # The header line and the first row, as drawn.
        assert "Quá hạn" in row_text(overdue, 0) and "Hạn thực tế" in row_text(overdue, 0)
        assert row_text(overdue, 1).lstrip().startswith(f"✗ {days[0]} ngày")
        status = str(main.query_one("#status").render())
        assert "✗ 65 quá hạn" in status and "281 nhiệm vụ" in status
        title = str(main.query_one("#title").render())
        assert "01/03/2023" in title and "sqlite:///" in title
        # The detail pane shows the selected task.
        detail = str(main.query_one("#detail-body").render())
        first = overdue.current_row
        assert first.code in detail and "Hạn thực tế: " in detail and "Chủ trì:" in detail


async def test_filter_and_clear(seed_url: str) -> None:
    app = make_app(seed_url)
    async with app.run_test(size=(150, 42)) as pilot:
        await settle(pilot)
        overdue = app.main.list_for("overdue")
        await pilot.press("slash")
        assert app.main.filter_bar.has_focus
        await type_text(pilot, "bim son")  # without accents: matches «Bỉm Sơn»
        rows = overdue.visible_rows()
        assert 0 < len(rows) < 65
        assert all(r.plan == "BS-58-KH-TU" or "bim son" in r.hay for r in rows)
        await pilot.press("enter")
        assert overdue.has_focus and overdue.visible_count == len(rows)
        # Switching view keeps the filter.
        await pilot.press("7")
        assert 0 < app.main.list_for("all").visible_count < 281
        await pilot.press("1", "slash")
        await type_text(pilot, "zzzz")
        assert overdue.visible_count == 0
        # Focusing the bar again selects its text: typing replaces the filter.
        assert "Không có dòng nào khớp «zzzz»" in row_text(overdue, 2)
        await pilot.press("escape")
        assert overdue.visible_count == 65 and app.main.filter_bar.value == ""


async def test_views_by_number_keys_and_tab(seed_url: str) -> None:
    add_ledger_and_reviews(seed_url)
    app = make_app(seed_url)
    async with app.run_test(size=(150, 42)) as pilot:
        await settle(pilot)
        main = app.main
        expected = {"2": ("due_soon", 0), "3": ("units", None), "4": ("targets", 103),
                    "5": ("reviews", 3), "6": ("reminders", 3), "7": ("all", 281),
                    # `dondoc tasks --unassigned`: 153 tasks nobody leads.
                    "8": ("unassigned", 153),
                    # No unit has sent a request through its link yet.
                    "9": ("requests", 0)}
        for key, (view, count) in expected.items():
            await pilot.press(key)
            assert main.view == view
            assert main.query_one("#views").current == f"list-{view}"
            if count is not None:
                assert main.list_for(view).total_count == count
        await pilot.press("tab")
        assert main.view == "overdue"
        await pilot.press("shift+tab", "shift+tab", "shift+tab", "shift+tab")
        assert main.view == "reminders"
        # The failed reminder's secrets never reach the screen.
        lines = "\n".join(row_text(main.list_for("reminders"), y) for y in range(5))
        assert "✗ Lỗi" in lines and "✓ Đã gửi" in lines
        for y in range(1, 4):
            main.list_for("reminders").cursor = y - 1
            await settle(pilot)
            detail = str(main.query_one("#detail-body").render())
            assert "SECRETTOKEN" not in detail and "hunter2" not in detail
        assert "SECRETTOKEN" not in lines and "hunter2" not in lines
        await pilot.press("5")
        reviews = "\n".join(row_text(main.list_for("reviews"), y) for y in range(4))
        assert "✓ Đã xong" in reviews and "✗ Quá lịch" in reviews and "quá hạn 33" in reviews
        await pilot.press("3")
        units = main.list_for("units").visible_rows()
        assert [u.overdue for u in units] == sorted((u.overdue for u in units), reverse=True)
        # Departments, not groups: each unit's share of tasks as `dondoc tasks --json` lists
        # the assignments (1,233 shares among 110 units; a group's task counts for each
        # member), the worst first.
        assert (len(units), sum(u.tasks for u in units)) == (110, 1233)
        assert (units[0].code, units[0].tasks, units[0].overdue) == ("HP-STTTT", 19, 17)
        groups = {u.code for u in main.snapshot.registry if u.is_group}
        assert "HP-SBN" in groups and not groups & {u.code for u in units}


async def test_mark_done_then_undo(seed_url: str) -> None:
    app = make_app(seed_url)
    async with app.run_test(size=(150, 42)) as pilot:
        await settle(pilot)
        overdue = app.main.list_for("overdue")
        row = overdue.current_row
        await pilot.press("d")
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("n")  # asked first: saying no changes nothing
        await settle(pilot)
        assert task_row(seed_url, row.plan, row.code).state == "open"
        await pilot.press("d", "y")
        await on_as_of_day(pilot)
        await settle(pilot)
        done = task_row(seed_url, row.plan, row.code)
        assert (done.state, done.completed_on, done.progress) == ("done", AS_OF, 100)
        assert overdue.visible_count == 64
        assert row.key not in {r.key for r in overdue.visible_rows()}
        with Session(engine_for(seed_url)) as s:
            entry = s.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).scalars().first()
            assert (entry.action, entry.actor, entry.entity_key) == (
                "task.done", "tester", f"{row.plan}/{row.code}")
            assert entry.before["state"] == "open" and entry.after["state"] == "done"
        await pilot.press("u")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("y")
        await settle(pilot)
        assert task_row(seed_url, row.plan, row.code).state == "open"
        assert overdue.visible_count == 65


async def test_record_progress_with_note(seed_url: str) -> None:
    app = make_app(seed_url)
    async with app.run_test(size=(150, 42)) as pilot:
        await settle(pilot)
        await pilot.press("down")
        row = app.main.current_task()
        await settle(pilot)
        await pilot.press("p")
        assert type(app.screen).__name__ == "ProgressScreen"
        await pilot.press("backspace")
        await type_text(pilot, "1x0")
        await pilot.press("enter")
        await type_text(pilot, "Đã trình dự thảo")
        await pilot.press("enter")
        # 1x0 is no percentage: the form says so and stays open.
        assert type(app.screen).__name__ == "ProgressScreen"
        assert "từ 0 đến 100" in str(app.screen.query_one("#form-error").render())
        app.screen.query_one("#percent").value = ""
        app.screen.query_one("#percent").focus()
        await type_text(pilot, "40")
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "MainScreen"
        assert task_row(seed_url, row.plan, row.code).progress == 40
        with Session(engine_for(seed_url)) as s:
            report = s.exec(select(ProgressReport).where(ProgressReport.task_id == row.id)
                            ).scalars().one()
            assert (report.progress, report.note) == (40, "Đã trình dự thảo")
        detail = str(app.main.query_one("#detail-body").render())
        assert "Tiến độ: 40%" in detail and "Đã trình dự thảo" in detail


async def test_record_extension(seed_url: str) -> None:
    app = make_app(seed_url)
    async with app.run_test(size=(150, 42)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "DA01")
        await pilot.press("enter")
        row = app.main.current_task()
        assert row.code == "DA01"
        await settle(pilot)
        await pilot.press("e")
        await type_text(pilot, "31/02/2023")
        await pilot.press("enter", "enter", "enter")
        assert "31/02/2023" in str(app.screen.query_one("#form-error").render())
        app.screen.query_one("#new_due").value = ""
        app.screen.query_one("#new_due").focus()
        await type_text(pilot, "11/03/2023")  # a Saturday: due on Monday 13/03
        await pilot.press("enter")
        await type_text(pilot, "Chờ bố trí kinh phí")
        await pilot.press("enter")
        await type_text(pilot, "Chủ tịch UBND thị xã")
        await pilot.press("enter")
        await settle(pilot)
        task = task_row(seed_url, "BS-58-KH-TU", "DA01")
        assert (task.extended_due, task.effective_due) == (dt.date(2023, 3, 11),
                                                           dt.date(2023, 3, 13))
        with Session(engine_for(seed_url)) as s:
            ext = s.exec(select(Extension).where(Extension.task_id == row.id)).scalars().one()
            assert (ext.reason, ext.approved_by) == ("Chờ bố trí kinh phí", "Chủ tịch UBND thị xã")
        # No longer overdue: due soon instead, and the filter still applies.
        assert app.main.list_for("overdue").visible_count == 0
        await pilot.press("2")
        await settle(pilot)  # the detail pane loads the newly selected row in a worker
        assert [r.code for r in app.main.list_for("due_soon").visible_rows()] == ["DA01"]
        detail = str(app.main.query_one("#detail-body").render())
        assert "Hạn gia hạn: 11/03/2023" in detail and "Chờ bố trí kinh phí" in detail


async def test_snooze_and_undo_it(seed_url: str) -> None:
    app = make_app(seed_url)
    async with app.run_test(size=(150, 42)) as pilot:
        await settle(pilot)
        row = app.main.current_task()
        await pilot.press("s")
        await type_text(pilot, "2023-03-20")
        await pilot.press("enter")
        await on_as_of_day(pilot)
        await settle(pilot)
        assert task_row(seed_url, row.plan, row.code).snoozed_until == dt.date(2023, 3, 20)
        assert "Hoãn nhắc đến: 20/03/2023" in str(app.main.query_one("#detail-body").render())
        await pilot.press("u", "y")
        await settle(pilot)
        assert task_row(seed_url, row.plan, row.code).snoozed_until is None


async def test_error_from_a_worker_is_shown_and_app_survives(seed_url: str) -> None:
    app = make_app(seed_url)
    async with app.run_test(size=(150, 42)) as pilot:
        await settle(pilot)
        row = app.main.current_task()
        # Meanwhile the plan drops the task (another person reloads the catalog).
        with engine_for(seed_url).begin() as conn:
            conn.execute(text("update task set state = 'withdrawn' where id = :id"),
                         {"id": row.id})
        await pilot.press("d", "y", "enter")  # recorded today: the task is gone either way
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("đã bị rút khỏi kế hoạch" in m for m in messages), messages
        await pilot.press("u")
        await settle(pilot)
        assert any("không có thao tác nào để hoàn tác" in n.message for n in app._notifications)
        assert app.is_running


async def test_refreshes_when_the_database_changes(seed_url: str) -> None:
    from dondoc.catalog.store import actions

    app = make_app(seed_url)
    async with app.run_test(size=(150, 42)) as pilot:
        await settle(pilot)
        row = app.main.current_task()
        loads = app.loads
        app.check_changes()
        await settle(pilot)
        assert app.loads == loads  # nothing changed: no reload
        # Another coordinator marks a task done from elsewhere.
        actions.mark_done(engine_for(seed_url), row.id, on=AS_OF, actor="someone-else")
        app.check_changes()
        await settle(pilot)
        assert app.loads == loads + 1
        assert app.main.list_for("overdue").visible_count == 64


async def test_unit_drill_down_and_help(seed_url: str) -> None:
    app = make_app(seed_url)
    async with app.run_test(size=(150, 42)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        units = app.main.list_for("units")
        while units.current_row.code is None:
            await pilot.press("down")
        unit = units.current_row
        await pilot.press("?")
        keys = str(app.screen.query_one("#help-keys").render())
        assert "Enter" in keys and "Hoàn thành" not in keys  # no task actions on units
        await pilot.press("escape", "enter")
        await settle(pilot)
        main = app.main
        assert main.view == "all"
        rows = main.list_for("all").visible_rows()
        # Its tasks, those it holds through a group included: what `dondoc tasks --unit`
        # lists (HP-STTTT: 19, most of them given to "các sở, ban, ngành").
        expected = {r.id for r in Reader(engine_for(seed_url)).records(
            Filter(as_of=AS_OF, unit=unit.code))}
        assert {r.id for r in rows} == expected and len(rows) == unit.tasks
        assert any(unit.code not in r.units for r in rows)  # held through a group only
        assert unit.name in str(main.query_one("#status").render())
        await pilot.press("?")
        keys = str(app.screen.query_one("#help-keys").render())
        assert "Hoàn thành" in keys and "Gia hạn" in keys and "Hoàn tác" in keys
        await pilot.press("escape", "escape")
        assert main.list_for("all").visible_count == 281


async def palette_shows(pilot, first: str) -> None:  # type: ignore[no-untyped-def]
    """Wait until the palette's search (an asyncio task, not a worker) lists `first` first."""
    from textual.widgets import OptionList

    for _ in range(500):
        await pilot.pause()
        options = pilot.app.screen.query_one(OptionList)
        if options.option_count and str(options.get_option_at_index(0).prompt).startswith(first):
            return
    raise AssertionError(f"the palette never offered {first!r}")


async def test_command_palette_switches_view_and_plan(seed_url: str) -> None:
    app = make_app(seed_url)
    async with app.run_test(size=(150, 42)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "Xem Nhac viec")  # typed without accents
        await palette_shows(pilot, "Xem Nhắc việc")
        await pilot.press("enter")
        await settle(pilot)
        assert app.main.view == "reminders"
        await pilot.press("ctrl+p")
        await type_text(pilot, "Chi xem ke hoach HP-03")
        await palette_shows(pilot, "Chỉ xem kế hoạch HP-03-NQ-TU")
        await pilot.press("enter")
        await settle(pilot)
        assert app.scope_plan == "HP-03-NQ-TU"
        assert {r.plan for r in app.main.list_for("all").rows} == {"HP-03-NQ-TU"}


async def test_empty_database_says_what_to_do(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    app = make_app(url)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        overdue = app.main.list_for("overdue")
        assert overdue.visible_count == 0
        shown = "\n".join(row_text(overdue, y) for y in range(1, 5))
        assert "Cơ sở dữ liệu chưa có kế hoạch nào" in shown, (overdue.loaded, overdue.empty_text, overdue.size, app.loads, shown)
        assert "dondoc catalog load" in shown and "dondoc up" in shown
        await pilot.press("5")
        assert "Cơ sở dữ liệu chưa có kế hoạch nào" in row_text(app.main.list_for("reviews"), 2)
        await pilot.press("d")  # nothing selected: no action, no crash
        assert type(app.screen).__name__ == "MainScreen"


async def test_english(seed_url: str) -> None:
    set_lang("en")
    add_ledger_and_reviews(seed_url)
    app = make_app(seed_url)
    async with app.run_test(size=(150, 42)) as pilot:
        await settle(pilot)
        main = app.main
        assert "Overdue" in row_text(main.list_for("overdue"), 0)
        assert "✗ 301 d" in row_text(main.list_for("overdue"), 1)
        assert "65 overdue" in str(main.query_one("#status").render())
        assert "As of 2023-03-01" in str(main.query_one("#title").render())
        await pilot.press("6")
        assert "✓ Sent" in row_text(main.list_for("reminders"), 3)


@pytest.mark.postgres
async def test_mark_done_on_postgres(pg_url: str, tmp_path: Path) -> None:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=tmp_path,
                  db_url=pg_url).code == 0
    app = make_app(pg_url, as_of=dt.date(2022, 7, 1))
    async with app.run_test(size=(150, 42)) as pilot:
        await settle(pilot)
        overdue = app.main.list_for("overdue")
        assert [r.code for r in overdue.visible_rows()] == ["NV01", "BC01", "NV02", "SK01"]
        await pilot.press("d", "y")
        await on_as_of_day(pilot)
        await settle(pilot)
        assert [r.code for r in overdue.visible_rows()] == ["BC01", "NV02", "SK01"]
        with Session(engine_for(pg_url)) as s:
            state = s.exec(select(Task.state).where(Task.code == "NV01")).scalar_one()
            n = s.exec(select(func.count()).select_from(AuditEntry)
                       .where(AuditEntry.action == "task.done")).scalar_one()
        assert (state, n) == ("done", 1)
        # The recurring report: "done" answers this period only.
        await pilot.press("d")
        assert "kỳ 30/06/2022" in str(app.screen.query_one(".dialog-text").render())
        await pilot.press("y")
        await on_as_of_day(pilot)
        await settle(pilot)
        assert [r.code for r in overdue.visible_rows()] == ["NV02", "SK01"]


async def test_filter_folds_only_a_query_without_accents(seed_url: str) -> None:
    app = make_app(seed_url)
    async with app.run_test(size=(150, 42)) as pilot:
        await settle(pilot)
        await pilot.press("7", "slash")
        all_list = app.main.list_for("all")

        def shown() -> list[str]:
            return [" ".join(all_list._cells(r)).lower() for r in all_list.visible_rows()]

        await type_text(pilot, "hop")  # no accents: họp, hợp, hộp all match
        folded = shown()
        assert any("hợp" in t for t in folded) and any("họp" in t for t in folded)
        app.main.filter_bar.value = ""
        await type_text(pilot, "họp")  # with accents: họp only, never hợp
        exact = shown()
        assert exact and all("họp" in t for t in exact) and len(exact) < len(folded)
        app.main.filter_bar.value = ""
        await type_text(pilot, "HỌP")  # case still does not matter
        assert shown() == exact


async def test_assign_an_unassigned_task_then_undo(seed_url: str) -> None:
    from dondoc.catalog.store.models import Assignment

    app = make_app(seed_url)
    async with app.run_test(size=(150, 42)) as pilot:
        await settle(pilot)
        await pilot.press("8")
        unassigned = app.main.list_for("unassigned")
        # `dondoc tasks --unassigned`: 153 tasks nobody leads on the seed.
        assert unassigned.total_count == 153
        row = unassigned.current_row
        assert row.lead_count == 0
        await settle(pilot)
        await pilot.press("a")
        assert type(app.screen).__name__ == "AssignScreen"
        await type_text(pilot, "so tt&tt")  # an alias, typed without accents
        await pilot.press("enter")  # the highlighted unit leads
        app.screen.query_one("#unit-search").value = ""
        await type_text(pilot, "cac so, ban, nganh thanh pho hai")  # a group: its members
        options = app.screen.query_one("#unit-options")
        assert "nhóm" in str(options.get_option_at_index(0).prompt)
        await pilot.press("tab", "c")  # to the list; `c`: the group coordinates
        await pilot.press("tab")
        assert app.screen.focused.id == "assign-note"
        await type_text(pilot, "Giao theo chỉ đạo")
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "MainScreen"
        with Session(engine_for(seed_url)) as s:
            rows = s.exec(select(Assignment.unit_code, Assignment.role, Assignment.via_group,
                                 Assignment.note)
                          .where(Assignment.task_id == row.id, Assignment.source == "app",
                                 Assignment.withdrawn == False)).all()  # noqa: E712
            entry = s.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).scalars().first()
        leads = [r for r in rows if r.role == "lead"]
        coordinators = [r for r in rows if r.role == "coordinator"]
        assert [(r.unit_code, r.note) for r in leads] == [("HP-STTTT", "Giao theo chỉ đạo")]
        assert len(coordinators) > 5 and {r.via_group for r in coordinators} == {"HP-SBN"}
        assert (entry.action, entry.actor, entry.entity_key) == (
            "task.assign", "tester", f"{row.plan}/{row.code}")
        # Assigned: it leaves the unassigned view; the detail pane shows every unit's share.
        assert row.key not in {r.key for r in unassigned.rows}
        assert unassigned.total_count == 152
        await pilot.press("7")
        app.main.list_for("all").cursor = next(
            i for i, r in enumerate(app.main.list_for("all").visible_rows()) if r.id == row.id)
        await settle(pilot)
        detail = str(app.main.query_one("#detail-body").render())
        assert "Phân công:" in detail and "Sở Thông tin và Truyền thông" in detail
        assert "chủ trì · Quá hạn · 0%" in detail and "phối hợp" in detail
        await pilot.press("u")
        await settle(pilot)
        assert "giao nhiệm vụ" in str(app.screen.query_one(".dialog-text").render())
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("8")
        assert app.main.list_for("unassigned").total_count == 153


async def test_detail_counts_units_done_and_lead_column_shows_more(seed_url: str) -> None:
    app = make_app(seed_url)
    async with app.run_test(size=(150, 42)) as pilot:
        await settle(pilot)
        overdue = app.main.list_for("overdue")
        row = overdue.current_row
        # NV-V.5.a: 35 lead units, as `dondoc tasks --json` lists its assignments.
        assert (row.code, row.lead_count) == ("NV-V.5.a", 35)
        assert "Văn phòng Ủy ban nh… +34" in row_text(overdue, 1)  # the count stays
        detail = str(app.main.query_one("#detail-body").render())
        assert "0/35 đơn vị hoàn thành" in detail


async def test_past_day_asks_which_day_to_record(seed_url: str) -> None:
    app = make_app(seed_url)
    async with app.run_test(size=(150, 42)) as pilot:
        await settle(pilot)
        today = app.today()
        assert today != AS_OF
        first = app.main.current_task()
        await pilot.press("d", "y")
        await pilot.pause()
        question = str(app.screen.query_one(".dialog-text").render())
        assert "01/03/2023" in question and today.strftime("%d/%m/%Y") in question
        assert app.screen.focused.id == "today"  # the default
        await pilot.press("enter")
        await settle(pilot)
        assert task_row(seed_url, first.plan, first.code).completed_on == today
        # Done today, it was still overdue on 01/03/2023: it stays in the view.
        assert app.main.current_task().id == first.id
        await pilot.press("down")
        await settle(pilot)
        second = app.main.current_task()
        await pilot.press("d", "y")
        await on_as_of_day(pilot)
        await settle(pilot)
        assert task_row(seed_url, second.plan, second.code).completed_on == AS_OF
        third = app.main.current_task()
        assert third.id not in (first.id, second.id)
        await pilot.press("d", "y")
        await pilot.pause()
        await pilot.press("escape")  # neither: nothing recorded
        await settle(pilot)
        assert task_row(seed_url, third.plan, third.code).state == "open"
        await pilot.press("question_mark")
        assert "hỏi ghi vào hôm nay hay ngày đang xem" in str(
            app.screen.query_one(".dialog-text").render())


async def test_small_terminal_hides_detail_and_keeps_every_tab(seed_url: str) -> None:
    app = make_app(seed_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        main = app.main
        assert not main.query_one("#detail").display
        tabs = str(main.query_one("#tabs").render())
        assert " 8 " in tabs and "…" not in tabs
        assert main.list_for("overdue").size.height >= 15
        await pilot.press("i")
        assert main.query_one("#detail").display
        await pilot.press("i")
        assert not main.query_one("#detail").display
