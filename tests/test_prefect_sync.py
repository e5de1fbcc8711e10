"""`dondoc sync` and `dondoc review schedule` against a real Prefect server.

The server is started once per session; each test uses plan codes of its own, so the tests
share the server without seeing each other's deployments.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dondoc.catalog.settings import today
from dondoc.catalog.rules.workdays import default_calendar
from tests.cli import FIXTURES, catalog_with_plan, dondoc
from tests.prefect_server import Api

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def soon_catalog(tmp_path: Path, code: str, due: dt.date) -> Path:
    """The fixture units plus a plan whose deadlines fall in the coming weeks."""
    later = due + dt.timedelta(days=21)
    return catalog_with_plan(tmp_path / "catalog", f"""
plan:
  code: {code}
  title: Kế hoạch thử lịch nhắc việc
  issuer: UBND thành phố Đông Mai
  issued_on: {(today() - dt.timedelta(days=60)).isoformat()}
  horizon: Năm {later.year + 1}
  coordinator: Phòng VHTT
tasks:
  - code: NV01
    title: Nhiệm vụ đến hạn sớm
    lead: Phòng VHTT
    coordinators: [UBND xã Tiên A]
    deadline: trước ngày {due.strftime('%d/%m/%Y')}
  - code: NV02
    title: Nhiệm vụ đến hạn sau
    lead: Phòng TCKH
    deadline: trước ngày {later.strftime('%d/%m/%Y')}
  - code: NV03
    title: Tuyên truyền thường xuyên
    lead: Phòng VHTT
    deadline: thường xuyên
""")


@pytest.fixture
def env(prefect_api: str) -> dict[str, str]:
    return {"PREFECT_API_URL": prefect_api}


def test_sync_creates_one_deployment_per_plan_and_runs_at_reminder_instants(
        home: Path, tmp_path: Path, env: dict[str, str], prefect_api: str) -> None:
    code = f"SYNC-{uuid.uuid4().hex[:6].upper()}"
    cal = default_calendar()
    due = cal.effective_due(today() + dt.timedelta(days=30))
    folder = soon_catalog(tmp_path, code, due)
    assert dondoc("catalog", "load", str(folder), home=home).code == 0
    result = dondoc("sync", "--plan", code, "--json", home=home, env=env)
    assert result.code == 0, result.err
    assert result.json()["deployments_created"] == 1
    assert result.json()["created"] == 2  # NV03 has no deadline: no schedule
    assert result.json()["writes"] == 1   # the deployment and its schedules in one write

    api = Api(prefect_api)
    dep = api.deployment("follow-up", code)
    assert dep is not None
    assert set(dep["tags"]) == {"dondoc", f"plan:{code}", "issuer:DM-UBND"}
    assert dep["work_pool_name"] == "dondoc"
    schedules = {s["slug"]: s for s in dep["schedules"]}
    assert set(schedules) == {"NV01", "NV02"}
    nv01 = schedules["NV01"]
    assert nv01["parameters"] == {"plan": code, "task": "NV01", "lead": "DM-VHTT",
                                  "deadline": f"trước ngày {due.strftime('%d/%m/%Y')}"}
    assert nv01["schedule"]["timezone"] == "Asia/Ho_Chi_Minh"
    assert nv01["schedule"]["rrule"].startswith("DTSTART:")

    # Reminder instants: 10, 5, 2 and 0 working days before, then every 5 working days
    # overdue, at 08:00 Vietnam time (computed here from the calendar, not from dondoc).
    days = [cal.add_working_days(due, -n) for n in (10, 5, 2, 0)]
    days += [cal.add_working_days(due, 5 * k) for k in range(1, 7)]
    now = dt.datetime.now(VN)
    wanted = sorted(w for w in {dt.datetime.combine(d, dt.time(8), VN) for d in days} if w > now)

    def nv01_runs() -> list[dt.datetime]:
        return sorted(dt.datetime.fromisoformat(r["expected_start_time"]).astimezone(VN)
                      for r in api.flow_runs(dep["id"]) if r["parameters"].get("task") == "NV01")

    # Prefect's scheduler keeps the next few runs of each schedule (3 by default) created
    # ahead and tops them up as they pass: they must be the earliest reminder instants.
    runs = api.wait_for(lambda: nv01_runs() if len(nv01_runs()) >= 3 else None, 90)
    assert runs, "the scheduler created no run (see the server log)"
    assert runs == wanted[:len(runs)], (runs, wanted)


def test_second_sync_writes_nothing_and_a_changed_deadline_patches_one_schedule(
        home: Path, tmp_path: Path, env: dict[str, str], prefect_api: str) -> None:
    code = f"SYNC-{uuid.uuid4().hex[:6].upper()}"
    due = default_calendar().effective_due(today() + dt.timedelta(days=40))
    folder = soon_catalog(tmp_path, code, due)
    assert dondoc("catalog", "load", str(folder), home=home).code == 0
    assert dondoc("sync", "--plan", code, home=home, env=env).code == 0
    api = Api(prefect_api)
    before = {s["slug"]: s for s in api.deployment("follow-up", code)["schedules"]}

    again = dondoc("sync", "--plan", code, "--json", home=home, env=env).json()
    assert again["writes"] == 0
    assert again["unchanged"] == 2 and again["deployments_unchanged"] == 1

    plan = folder / "plan.yaml"
    new_due = due + dt.timedelta(days=7)
    plan.write_text(plan.read_text(encoding="utf-8").replace(
        f"trước ngày {due.strftime('%d/%m/%Y')}", f"trước ngày {new_due.strftime('%d/%m/%Y')}"),
        encoding="utf-8")
    assert dondoc("catalog", "load", str(folder), home=home).code == 0
    patched = dondoc("sync", "--plan", code, "--json", home=home, env=env).json()
    assert patched["updated"] == 1 and patched["unchanged"] == 1 and patched["writes"] == 1
    after = {s["slug"]: s for s in api.deployment("follow-up", code)["schedules"]}
    assert after["NV01"]["id"] == before["NV01"]["id"]  # patched in place, not re-created
    assert after["NV01"]["schedule"]["rrule"] != before["NV01"]["schedule"]["rrule"]
    assert after["NV01"]["parameters"]["deadline"] == f"trước ngày {new_due.strftime('%d/%m/%Y')}"
    assert after["NV02"] == before["NV02"]

    # A finished task's schedule is deactivated, not deleted.
    assert dondoc("report", "submit", "--task", f"{code}/NV02", "--done", home=home).code == 0
    done = dondoc("sync", "--plan", code, "--json", home=home, env=env).json()
    assert done["deactivated"] == 1 and done["writes"] == 1
    final = {s["slug"]: s for s in api.deployment("follow-up", code)["schedules"]}
    assert final["NV02"]["active"] is False and final["NV01"]["active"] is True


def test_review_scheduled_twice_is_one_flow_run(home: Path, env: dict[str, str],
                                                prefect_api: str) -> None:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home).code == 0
    at = (today() + dt.timedelta(days=3)).isoformat() + " 08:00"
    first = dondoc("review", "schedule", "--plan", "DM-CDS-2022", "--quarter", "2022Q2",
                   "--at", at, "--json", home=home, env=env)
    assert first.code == 0, first.err
    second = dondoc("review", "schedule", "--plan", "DM-CDS-2022", "--quarter", "2022Q2",
                    "--at", at, "--json", home=home, env=env)
    assert second.json()["flow_run_id"] == first.json()["flow_run_id"]
    assert first.json()["scheduled_at"] == f"{at.replace(' ', 'T')}:00+07:00"

    api = Api(prefect_api)
    dep = api.deployment("quarterly-review", "quarterly-review")
    runs = [r for r in api.flow_runs(dep["id"])
            if r["parameters"] == {"plan": "DM-CDS-2022", "quarter": "2022Q2"}]
    assert len(runs) == 1 and runs[0]["state"]["type"] == "SCHEDULED"

    status = dondoc("review", "status", "--plan", "DM-CDS-2022", "--json", home=home, env=env)
    assert [(r["quarter"], r["status"]) for r in status.json()] == [("2022Q2", "scheduled")]


def test_review_schedule_refuses_bad_input(home: Path, env: dict[str, str]) -> None:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home).code == 0
    bad_q = dondoc("review", "schedule", "--plan", "DM-CDS-2022", "--quarter", "2022Q5",
                   "--at", "2025-10-06 08:00", home=home, env=env)
    assert bad_q.code == 2 and "quý «2022Q5» không hợp lệ" in bad_q.err
    bad_plan = dondoc("review", "schedule", "--plan", "KHONG-CO", "--quarter", "2022Q2",
                      "--at", "2025-10-06 08:00", home=home, env=env)
    assert bad_plan.code == 2 and "không có kế hoạch «KHONG-CO»" in bad_plan.err
