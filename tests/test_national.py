"""The national path, small: Prefect on PostgreSQL, dondoc on PostgreSQL, two process workers.

Three synthetic provinces (registry and plan files written here), `dondoc sync` to a Prefect
server started on a fresh PostgreSQL database, the standing deployments applied, two named
`prefect worker` processes on the `dondoc` process pool. Then:

- the follow-up runs the schedules hold (created now, for one working day) are executed by
  both workers, each run sending the letters of its own task's units only;
- the daily sweep runs as a parent flow whose per-province children are its subflows,
  executed by the workers, and sends the letters the follow-up runs left;
- every letter reaches a real HTTP endpoint on 127.0.0.1 once, and a second sweep sends
  nothing.

It takes 1.5-3 minutes on a loaded 2-core machine: most of it is Prefect starting (the
server, each worker, each flow run's own interpreter).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

from dondoc.catalog.rules.workdays import default_calendar
from tests.cli import ROOT, dondoc
from tests.prefect_server import Api, postgres_database, start_server
from tests.prefect_workers import WORKER_LABEL, wait_until_polling, workers
from tests.remind_servers import HttpReceiver

# (code, province): each gets a UBND, two departments and two communes, and one plan.
PROVINCES = [("AAA", "Tỉnh Thử Một"), ("BBB", "Tỉnh Thử Hai"), ("CCC", "Thành phố Thử Ba")]


def _day() -> dt.date:
    """The working day the runs are for: the next one from today (the flows take as_of, so
    the test does not depend on the weekday it runs)."""
    cal = default_calendar()
    return cal.effective_due(dt.date.today())


def write_catalog(folder: Path, day: dt.date) -> dict[str, list[str]]:
    """The three provinces' registries and plans; each plan's NV01 falls 5 working days after
    day (its 'before' reminder fires on day), NV02 2 working days after. Returns each task's
    units ("AAA/NV01" -> units)."""
    cal = default_calendar()
    due1, due2 = cal.add_working_days(day, 5), cal.add_working_days(day, 2)
    folder.mkdir(parents=True)
    units: dict[str, list[str]] = {}
    for code, name in PROVINCES:
        reg = ["units:",
               f"  - {{code: {code}-UBND, name: Ủy ban nhân dân {name}, short_name: UBND {code},"
               f" kind: ubnd-tinh, province: {name}}}"]
        for dept, title in (("SA", "Sở Một"), ("SB", "Sở Hai")):
            reg.append(f"  - {{code: {code}-{dept}, name: {title} {name}, short_name: {title} {code},"
                       f" kind: so, parent: {code}-UBND, province: {name}}}")
        for com, title in (("XA", "Xã Một"), ("XB", "Xã Hai")):
            reg.append(f"  - {{code: {code}-{com}, name: {title} {name}, short_name: {title} {code},"
                       f" kind: xa, parent: {code}-UBND, province: {name}}}")
        (folder / f"units-{code.lower()}.yaml").write_text("\n".join(reg) + "\n", encoding="utf-8")
        plan = [
            "plan:", f"  code: {code}-KH-01", f"  title: Kế hoạch chuyển đổi số {name}",
            f"  issuer: {code}-UBND", f"  issued_on: {(day - dt.timedelta(days=60)).isoformat()}",
            f"  horizon: Năm {day.year + 1}", f"  coordinator: {code}-SA", "tasks:",
            "  - code: NV01", "    title: Số hóa hồ sơ thủ tục hành chính",
            f"    lead: {code}-SA", f"    coordinators: [{code}-XA]",
            f"    deadline: trước ngày {due1.strftime('%d/%m/%Y')}",
            "  - code: NV02", "    title: Kết nối cơ sở dữ liệu dân cư",
            f"    lead: {code}-SB", f"    coordinators: [{code}-XB]",
            f"    deadline: trước ngày {due2.strftime('%d/%m/%Y')}",
        ]
        (folder / f"plan-{code.lower()}.yaml").write_text("\n".join(plan) + "\n", encoding="utf-8")
        units[f"{code}/NV01"] = [f"{code}-SA", f"{code}-XA"]
        units[f"{code}/NV02"] = [f"{code}-SB", f"{code}-XB"]
    return units


def apprise_config(path: Path, port: int) -> Path:
    lines = ["version: 1", "urls:"]
    for code, _ in PROVINCES:
        for unit in ("UBND", "SA", "SB", "XA", "XB"):
            lines += [f"  - json://127.0.0.1:{port}/u/{code}-{unit}:", f"      tag: {code}-{unit}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def apply_standing(env: dict[str, str]) -> None:
    code = ("import asyncio\n"
            "from prefect.client.orchestration import get_client\n"
            "from dondoc.flows.deployments import apply_standing\n"
            "async def main():\n"
            "    async with get_client() as c:\n"
            "        print(await apply_standing(c))\n"
            "asyncio.run(main())\n")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=180, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]


def create_run(api: str, deployment_id: str, parameters: dict) -> str:
    r = httpx.post(f"{api}/deployments/{deployment_id}/create_flow_run",
                   json={"parameters": parameters}, timeout=30)
    r.raise_for_status()
    return r.json()["id"]


def wait_final(api: str, run_ids: list[str], timeout: float) -> dict[str, dict]:
    deadline = time.monotonic() + timeout
    runs: dict[str, dict] = {}
    while time.monotonic() < deadline:
        runs = {i: httpx.get(f"{api}/flow_runs/{i}", timeout=30).json() for i in run_ids}
        if all(r["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")
               for r in runs.values()):
            return runs
        time.sleep(1)
    raise AssertionError("runs not finished: " + str({i: r["state"]["type"] for i, r in runs.items()}))


def test_national_path_small(tmp_path: Path, pg_url: str) -> None:
    day = _day()
    task_units = write_catalog(tmp_path / "catalog", day)
    home = tmp_path / "home"
    phome = tmp_path / "prefect-home"
    phome.mkdir()
    with postgres_database("national") as prefect_db, HttpReceiver() as http:
        server = start_server(phome, prefect_db)
        api = next(server)
        try:
            env = {"PREFECT_API_URL": api, "DONDOC_HOME": str(home),
                   "DONDOC_DATABASE_URL": pg_url, "DONDOC_REMIND_LETTERS": "1",
                   "DONDOC_APPRISE_CONFIG": str(apprise_config(tmp_path / "apprise.yaml",
                                                              http.port)),
                   "PREFECT_LOGGING_LEVEL": "WARNING"}
            full_env = {**os.environ, **env}
            assert dondoc("catalog", "load", str(tmp_path / "catalog"), home=home,
                          db_url=pg_url).code == 0
            synced = dondoc("sync", "--json", home=home, db_url=pg_url, env=env)
            assert synced.code == 0, synced.err
            apply_standing(full_env)
            prefect = Api(api)
            with workers(2, env, tmp_path / "logs", limit=2) as names:
                wait_until_polling(api, "dondoc", names)
                # The scheduler's runs of each plan's NV01, for the day (what its schedule
                # creates at 08:00 of that day), all at once: two workers share them.
                follow: list[str] = []
                for code, _ in PROVINCES:
                    dep = prefect.deployment("follow-up", f"{code}-KH-01")
                    assert dep is not None, code
                    params = next(s["parameters"] for s in dep["schedules"] if s["slug"] == "NV01")
                    follow.append(create_run(api, dep["id"], {**params, "as_of": day.isoformat()}))
                runs = wait_final(api, follow, timeout=150)
                assert all(r["state"]["type"] == "COMPLETED" for r in runs.values()), \
                    {i: r["state"] for i, r in runs.items()}
                # Each follow-up run sent its own task's units' letters, and no other unit's.
                first = Counter(r.extra["path"] for r in http.received)
                nv01 = {u for code, _ in PROVINCES for u in task_units[f"{code}/NV01"]}
                assert set(first) == {f"/u/{u}" for u in nv01}, first
                assert all(n == 1 for n in first.values())

                sweep_dep = prefect.deployment("catch-up-sweep", "sweep")
                assert sweep_dep is not None
                parent = create_run(api, sweep_dep["id"], {"as_of": day.isoformat()})
                [done] = wait_final(api, [parent], timeout=150).values()
                assert done["state"]["type"] == "COMPLETED", done["state"]

                children = httpx.post(f"{api}/flow_runs/filter", json={
                    "deployments": {"id": {"any_": [prefect.deployment(
                        "sweep-province", "sweep-province")["id"]]}}}, timeout=30).json()
                assert {c["parameters"]["province"] for c in children} == {p for _, p in PROVINCES}
                for child in children:
                    assert child["state"]["type"] == "COMPLETED", child["state"]
                    # a subflow of the parent: its parent task run is one of the parent's
                    task_run = httpx.get(f"{api}/task_runs/{child['parent_task_run_id']}",
                                         timeout=30).json()
                    assert task_run["flow_run_id"] == parent
                # The workers took the runs: each at least one, and nothing ran elsewhere.
                every = [*runs.values(), done, *children]
                took = Counter(r["labels"].get(WORKER_LABEL) for r in every)
                assert set(took) == set(names) and all(took[n] >= 1 for n in names), took

                # The sweep sent the letters the follow-up runs left: NV02's units, once each.
                after = Counter(r.extra["path"] for r in http.received)
                nv02 = {u for code, _ in PROVINCES for u in task_units[f"{code}/NV02"]}
                assert set(after) == {f"/u/{u}" for u in nv01 | nv02}, after
                assert all(n == 1 for n in after.values()), after
                assert "NV02" in next(r.body for r in http.received
                                      if r.extra["path"] == "/u/AAA-SB")

                # The parent's message holds the provinces' counts, added up.
                assert json.loads(done["state"]["message"])["counts"]["sent"] == len(nv02)

                # A second sweep (in one run this time: the ledger is what keeps it from
                # resending, however the sweep is split) sends nothing.
                again = create_run(api, sweep_dep["id"], {"as_of": day.isoformat(),
                                                          "spread": False})
                [second] = wait_final(api, [again], timeout=150).values()
                assert second["state"]["type"] == "COMPLETED", second["state"]
                counts = json.loads(second["state"]["message"])["counts"]
                assert counts.get("sent", 0) == 0 and counts["due"] > 0, counts
                assert http.count() == sum(after.values())  # nothing resent
        finally:
            server.close()


def test_quarterly_review_of_every_plan_maps_a_task_per_plan(tmp_path: Path,
                                                             prefect_api: str) -> None:
    """Every plan's review is a mapped task of the one all-plans run; a plan whose review
    fails is named, and the other plans are reviewed all the same."""
    import shutil

    from tests.cli import FIXTURES

    catalog = tmp_path / "catalog"
    shutil.copytree(FIXTURES / "catalog", catalog)
    demo = (catalog / "demo-plan.yaml").read_text(encoding="utf-8")
    (catalog / "demo-plan-b.yaml").write_text(demo.replace("DM-CDS-2022", "DM-CDS-2022B"),
                                              encoding="utf-8")
    home = tmp_path / "home"
    assert dondoc("catalog", "load", str(catalog), home=home).code == 0
    # The second plan's report cannot be written (a folder stands where its file goes).
    (home / "reports" / "so-ket-DM-CDS-2022B-2022Q2.md").mkdir(parents=True)
    code = ("import json\n"
            "from prefect.runtime import flow_run\n"
            "from dondoc.flows.review import quarterly_review_all\n"
            "s = quarterly_review_all(as_of='2022-07-01', force=True, return_state=True)\n"
            "print(json.dumps({'type': s.type.value, 'message': s.message,"
            " 'run': str(s.state_details.flow_run_id)}))\n")
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "DONDOC_HOME": str(home)}
    env.pop("DONDOC_DATABASE_URL", None)
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["type"] == "FAILED"
    assert json.loads(out["message"])["failed"].keys() == {"DM-CDS-2022B"}
    assert (home / "reports" / "so-ket-DM-CDS-2022-2022Q2.md").exists()  # the other went on
    runs = httpx.post(f"{prefect_api}/task_runs/filter", json={
        "flow_runs": {"id": {"any_": [out["run"]]}}, "limit": 200}, timeout=30).json()
    mapped = {r["name"]: r["state"]["type"] for r in runs if r["name"].startswith("sơ kết ")}
    assert mapped == {"sơ kết DM-CDS-2022 2022Q2": "COMPLETED",
                      "sơ kết DM-CDS-2022B 2022Q2": "FAILED"}, mapped
