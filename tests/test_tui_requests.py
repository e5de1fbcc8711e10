"""The "Chờ duyệt" view: the done and extension requests units send through their link,
accepted or refused from the coordinator's terminal (Pilot on a real SQLite database),
and a unit's answer through a real `dondoc serve` reaching an open terminal by itself."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from sqlalchemy import select

from dondoc.catalog.i18n import set_lang
from dondoc.catalog.store import answers
from dondoc.catalog.store.engines import engine_for
from dondoc.catalog.store.models import Assignment, AuditEntry, LinkRequest, Task
from tests.cli import dondoc
from tests.serve_support import Served, start, stop
from tests.test_tui_pilot import palette_shows, row_text, type_text
from tests.tui_support import copy_seed, make_app, settle

AS_OF = dt.date(2023, 3, 1)
CLIENT = "203.0.113.7"
pytestmark = pytest.mark.asyncio


@pytest.fixture(autouse=True)
def vietnamese():  # type: ignore[no-untyped-def]
    set_lang("vi")
    yield
    set_lang(None)


def open_shares(url: str, n: int) -> list[dict[str, Any]]:
    """n open lead shares of fixed-deadline tasks, each of another task and unit."""
    engine = engine_for(url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(Assignment.id, Assignment.unit_code, Assignment.task_id)
            .join(Task, Task.id == Assignment.task_id)
            .where(Assignment.role == "lead", Assignment.status == "open",
                   Assignment.withdrawn == False,  # noqa: E712
                   Task.state == "open",
                   Task.deadline_kind.not_in(("recurring", "ongoing")))
            .order_by(Assignment.id)).all()
    out: list[dict[str, Any]] = []
    for aid, unit, task_id in rows:
        if all(s["task_id"] != task_id and s["unit_code"] != unit for s in out):
            share = answers.assignment_of(engine, aid, unit)
            assert share is not None
            out.append(share)
        if len(out) == n:
            return out
    raise AssertionError("the seed has too few open shares")


def task_key(url: str, task_id: int) -> tuple[str, str]:
    with engine_for(url).connect() as conn:
        plan, code = conn.execute(select(Task.plan_code, Task.code)
                                  .where(Task.id == task_id)).one()
    return plan, code


def request_row(url: str, request_id: int) -> LinkRequest:
    with engine_for(url).connect() as conn:
        return conn.execute(select(LinkRequest.__table__)
                            .where(LinkRequest.id == request_id)).one()


def audit_actions(url: str, actor: str) -> list[tuple[str, str]]:
    with engine_for(url).connect() as conn:
        return [(a, k) for a, k in conn.execute(
            select(AuditEntry.action, AuditEntry.entity_key)
            .where(AuditEntry.actor == actor).order_by(AuditEntry.id))]


async def test_requests_view_accepts_and_refuses(seed_home: Path, tmp_path: Path) -> None:
    url = copy_seed(seed_home, tmp_path / "db")
    engine = engine_for(url)
    done_share, ext_share = open_shares(url, 2)
    done_req = answers.request(engine, done_share, answers.REQUEST_DONE, client=CLIENT,
                               completed_on=dt.date(2023, 2, 28), reason="Đã ban hành quyết định")
    ext_req = answers.request(engine, ext_share, answers.REQUEST_EXTENSION, client=CLIENT,
                              new_due=dt.date(2023, 6, 30), reason="Chờ hướng dẫn của tỉnh")
    done_plan, done_code = task_key(url, done_share["task_id"])
    app = make_app(url)
    async with app.run_test(size=(150, 42)) as pilot:
        await settle(pilot)
        main = app.main
        assert not main.check_action("accept_request", ())  # no request on a task view
        await pilot.press("9")
        assert main.view == "requests"
        listed = main.list_for("requests")
        assert [r.id for r in listed.visible_rows()] == [done_req["id"], ext_req["id"]]
        assert "(2)" in str(main.query_one("#tabs").render())
        header, first, second = (row_text(listed, y) for y in range(3))
        assert "Gửi lúc" in header and "Đề nghị" in header and "Lý do" in header
        assert "Hoàn thành ngày 28/02/2023" in first and f"{done_plan}/{done_code}" in first
        assert "Đã ban hành quyết định" in first and CLIENT in first
        assert "Gia hạn đến 30/06/2023" in second and "Chờ hướng dẫn của tỉnh" in second
        detail = str(main.query_one("#detail-body").render())
        assert listed.current_row.unit_name in detail and CLIENT in detail
        # The keys are there, with their tooltips, only where a request is selected.
        assert main.check_action("accept_request", ()) and main.check_action("refuse_request", ())
        bindings = {a.binding.id: a for a in main.active_bindings.values()}
        assert bindings["accept-request"].enabled and bindings["refuse-request"].enabled
        assert bindings["accept-request"].binding.tooltip.startswith("Chấp thuận đề nghị")
        assert "nêu lý do" in bindings["refuse-request"].binding.tooltip

        # Accept the done request: asked first, then the unit's share is closed on its day.
        await pilot.press("c")
        assert type(app.screen).__name__ == "ConfirmScreen"
        assert f"{done_plan}/{done_code}" in str(app.screen.query_one(".dialog-text").render())
        await pilot.press("y")
        await settle(pilot)
        notes = [n.message for n in app._notifications]
        assert any(f"Đã chấp thuận đề nghị #{done_req['id']}" in m for m in notes), notes
        assert [r.id for r in listed.visible_rows()] == [ext_req["id"]]
        row = request_row(url, done_req["id"])
        assert (row.status, row.decided_by) == ("accepted", "tester")
        with engine.connect() as conn:
            status, completed = conn.execute(
                select(Assignment.status, Assignment.completed_on)
                .where(Assignment.id == done_share["id"])).one()
        assert (status, completed) == ("done", dt.date(2023, 2, 28))
        tasks = dondoc("tasks", "--plan", done_plan, "--as-of", "2023-03-01", "--json",
                       home=tmp_path / "home", db_url=url)
        assert tasks.code == 0, tasks.err
        record = next(r for r in tasks.json() if r["task"] == done_code)
        share = next(a for a in record["assignments"] if a["unit"] == done_share["unit_code"])
        assert (share["status"], share["completed_on"]) == ("done", "2023-02-28")

        # Refuse the extension from the palette: a reason is required.
        await pilot.press("ctrl+p")
        await type_text(pilot, "Khong chap thuan de nghi")
        await palette_shows(pilot, f"Không chấp thuận đề nghị #{ext_req['id']}")
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "RefuseScreen"
        await pilot.press("enter")  # no reason yet: the form says so and stays open
        assert type(app.screen).__name__ == "RefuseScreen"
        assert "cần lý do" in str(app.screen.query_one("#form-error").render())
        await type_text(pilot, "Hạn cuối không thể dời")
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "MainScreen"
        row = request_row(url, ext_req["id"])
        assert (row.status, row.decision_reason) == ("refused", "Hạn cuối không thể dời")
        with engine.connect() as conn:
            due_override = conn.execute(select(Assignment.due_override)
                                        .where(Assignment.id == ext_share["id"])).scalar()
        assert due_override is None  # refused: the unit's due date stays
        assert listed.visible_count == 0
        assert "Không có đề nghị nào đang chờ duyệt" in row_text(listed, 2)
        assert not main.check_action("refuse_request", ())
        notes = [n.message for n in app._notifications]
        assert any(f"Đã không chấp thuận đề nghị #{ext_req['id']}" in m for m in notes), notes

    # Audited under the coordinator's name; the units read the decisions on their pages.
    assert [a for a, _ in audit_actions(url, "tester")] == [
        "task.done", "request.accepted", "request.refused"]
    decided = answers.refused_or_accepted(engine, ext_share["unit_code"])
    assert [(d["status"], d["reason"]) for d in decided] == [
        ("refused", "Hạn cuối không thể dời")]
    assert answers.refused_or_accepted(engine, done_share["unit_code"])[0]["status"] == "accepted"


# ------------------------------------------------------------------ a real server


@pytest.fixture
def served(seed_home: Path, tmp_path: Path) -> Iterator[Served]:
    home = tmp_path / "served"
    copy_seed(seed_home, home)
    s = start(home)
    yield s
    stop(s)


def _csrf(html: str, form: str) -> str:
    block = html.split(f'/{form}"', 1)[1]
    return re.search(r'name="csrf" value="([^"]+)"', block).group(1)


async def wait_for_load(pilot, loads: int, seconds: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    """Until the app has shown a load after `loads` (its own change poll, not ours)."""
    app = pilot.app
    for _ in range(int(seconds / 0.05)):
        if app.loads > loads:
            await settle(pilot)
            return
        await pilot.pause(0.05)
    raise AssertionError(f"no refresh within {seconds} s")


async def test_an_answer_through_the_page_reaches_the_open_terminal(served: Served) -> None:
    url = f"sqlite:///{served.home / 'dondoc.sqlite'}"
    unit = "HT-NV"
    path = served.link(unit)
    app = make_app(url, refresh_seconds=0.5)  # the change poll runs, as in `dondoc tui`
    async with app.run_test(size=(150, 42)) as pilot:
        await settle(pilot)
        with httpx.Client(base_url=served.base, timeout=30) as client:
            page = client.get(path).text
            aid = next(int(a) for a in re.findall(r'/a/(\d+)"', page)
                       if "/extension" in client.get(f"{path}/a/{a}").text)
            html = client.get(f"{path}/a/{aid}").text
            loads = app.loads
            got = client.post(f"{path}/a/{aid}/progress",
                              data={"csrf": _csrf(html, "progress"), "progress": "45",
                                    "note": "Đã lấy ý kiến các phòng"})
            assert got.status_code == 200, got.text
            await wait_for_load(pilot, loads)
            # The unit's share shows its new progress in the task's detail.
            task_id = served.rows("select task_id from assignment where id = ?", aid)[0][0]
            await pilot.press("7")
            listed = app.main.list_for("all")
            listed.cursor = next(i for i, r in enumerate(listed.visible_rows())
                                 if r.id == task_id)
            await settle(pilot)
            detail = str(app.main.query_one("#detail-body").render())
            name = served.rows("select name from unit where code = ?", unit)[0][0]
            assert re.search(rf"{re.escape(name)} · .* · 45%", detail), detail

            loads = app.loads
            got = client.post(f"{path}/a/{aid}/done",
                              data={"csrf": _csrf(html, "done"), "completed_on": "2023-02-27"})
            assert got.status_code == 200, got.text
            await wait_for_load(pilot, loads)
        await pilot.press("9")
        rows = app.main.list_for("requests").visible_rows()
        assert [(r.unit, r.kind, r.completed_on, r.client) for r in rows] == [
            (unit, "done", "2023-02-27", "127.0.0.1")]
