"""The flows for real: a Prefect server, a process worker, a local HTTP endpoint.

A follow-up flow run of one task, picked up by a real `prefect worker`, must deliver its
reminder to the unit's endpoint, and a second run must deliver nothing new. The quarterly
review flow must store, write and send its report. `dondoc up` must run the whole main job.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx

from dondoc.catalog.settings import today
from tests.cli import FIXTURES, ROOT, catalog_with_plan, dondoc
from tests.prefect_server import Api, free_port
from tests.remind_servers import HttpReceiver


def overdue_catalog(tmp_path: Path, code: str) -> Path:
    past = today() - dt.timedelta(days=20)
    return catalog_with_plan(tmp_path / "catalog", f"""
plan:
  code: {code}
  title: Kế hoạch thử luồng đôn đốc
  issuer: UBND thành phố Đông Mai
  issued_on: {(today() - dt.timedelta(days=90)).isoformat()}
  horizon: Năm {today().year + 1}
  coordinator: Phòng VHTT
tasks:
  - code: NV01
    section: II.1
    title: Rà soát thủ tục hành chính để số hóa
    lead: Phòng VHTT
    coordinators: [UBND xã Tiên A]
    deadline: trước ngày {past.strftime('%d/%m/%Y')}
""")


def run_flow(home: Path, prefect_api: str, code: str) -> str:
    """Run flow code in a fresh interpreter against the test server, as a worker would."""
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "DONDOC_HOME": str(home)}
    env.pop("DONDOC_DATABASE_URL", None)
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def run_worker(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """One real process worker poll: it runs whatever is due in the dondoc pool, then exits."""
    return subprocess.run([str(Path(sys.executable).with_name("prefect")), "worker", "start",
                           "--pool", "dondoc", "--type", "process", "--run-once"],
                          env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=300, cwd=ROOT)


def test_follow_up_run_delivers_to_the_units_endpoint(home: Path, tmp_path: Path,
                                                      prefect_api: str) -> None:
    code = f"FLOW-{uuid.uuid4().hex[:6].upper()}"
    folder = overdue_catalog(tmp_path, code)
    with HttpReceiver() as hook:
        config = tmp_path / "apprise.yaml"
        config.write_text(f"urls:\n  - json://127.0.0.1:{hook.port}/hook:\n      tag: DM-VHTT\n",
                          encoding="utf-8")
        # The per-task message path (letter mode off): a fresh database in letter mode starts
        # quiet, and its letters are tested in test_remind_letters and the `up` test.
        env = {"PREFECT_API_URL": prefect_api, "DONDOC_HOME": str(home),
               "DONDOC_APPRISE_CONFIG": str(config), "DONDOC_REMIND_LETTERS": "0"}
        assert dondoc("catalog", "load", str(folder), home=home).code == 0
        assert dondoc("sync", "--plan", code, home=home, env=env).code == 0
        api = Api(prefect_api)
        dep = api.deployment("follow-up", code)
        params = next(s["parameters"] for s in dep["schedules"] if s["slug"] == "NV01")

        def run_now() -> dict:
            r = httpx.post(f"{prefect_api}/deployments/{dep['id']}/create_flow_run",
                           json={"parameters": params}, timeout=30)
            r.raise_for_status()
            return r.json()

        first = run_now()
        worker = run_worker(env)
        assert worker.returncode == 0, worker.stdout[-3000:] + worker.stderr[-3000:]
        state = httpx.get(f"{prefect_api}/flow_runs/{first['id']}", timeout=30).json()
        assert state["state"]["type"] == "COMPLETED", state["state"]
        assert state["name"] == f"NV01 · {params['deadline']}"
        assert hook.count() == 1
        message = hook.received[0]
        assert "NV01" in message.subject and "Quá hạn" in message.subject
        assert "Rà soát thủ tục hành chính để số hóa" in message.body
        assert message.key and message.key in message.body

        second = run_now()
        assert run_worker(env).returncode == 0
        again = httpx.get(f"{prefect_api}/flow_runs/{second['id']}", timeout=30).json()
        assert again["state"]["type"] == "COMPLETED"
        assert hook.count() == 1  # the ledger had it: nothing sent twice

    ledger = dondoc("deliveries", "--json", home=home).json()
    rows = ledger if isinstance(ledger, list) else ledger.get("deliveries", [])
    assert any(r.get("status") == "sent" and r.get("unit") == "DM-VHTT" for r in rows), rows


def test_quarterly_review_flow_stores_writes_and_sends(home: Path, prefect_api: str) -> None:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home).code == 0
    run_flow(home, prefect_api, "from dondoc.flows.review import quarterly_review;"
                                "print(quarterly_review('DM-CDS-2022', '2022Q2'))")
    md = home / "reports" / "so-ket-DM-CDS-2022-2022Q2.md"
    assert md.exists() and md.with_suffix(".xlsx").exists()
    assert "| Quá hạn | 4 |" in md.read_text(encoding="utf-8")
    status = dondoc("review", "status", "--json", home=home, env={"PREFECT_API_URL": prefect_api})
    [row] = status.json()
    assert (row["quarter"], row["status"], row["totals"]["overdue"]) == ("2022Q2", "done", 4)
    # Sent to the plan's coordinator (the outbox, with no Apprise configuration).
    outbox = list((home / "outbox").rglob("*.json"))
    assert any("review-2022Q2" in p.name and "DM-VHTT" in p.name for p in outbox), outbox


def test_dondoc_up_runs_the_main_job_and_picks_up_where_it_was(home: Path) -> None:
    """The embedded default: no PREFECT_API_URL; dondoc starts its own server and worker."""
    port = free_port()
    env = {**os.environ, "DONDOC_HOME": str(home), "DONDOC_PREFECT_PORT": str(port),
           "DONDOC_NO_UI": "1"}
    for key in ("PREFECT_API_URL", "DONDOC_DATABASE_URL", "DONDOC_APPRISE_CONFIG"):
        env.pop(key, None)
    first = subprocess.run([sys.executable, "-m", "dondoc.tui.cli", "up", "--exit-after-sweep"],
                           env=env, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert f"http://127.0.0.1:{port}" in first.stdout
    assert "Quét bù xong: COMPLETED" in first.stdout
    outbox = list((home / "outbox").rglob("*.json"))
    assert outbox, "the first sweep sent nothing to the outbox"
    # The product's default is letter mode: one file per unit letter of the day, each
    # covering that unit's reminders, not one file per reminder.
    records = [json.loads(p.read_text(encoding="utf-8")) for p in outbox]
    assert all(r["key"].startswith(f"letter:{r['unit']}:") for r in records), records[:3]
    assert all(n == 1 for n in Counter(r["unit"] for r in records).values())
    with sqlite3.connect(home / "dondoc.sqlite") as conn:
        covered = conn.execute("select count(*) from delivery where status = 'sent'").fetchone()[0]
    assert covered >= len(records)
    # Everything it started is gone.
    assert not _answers(port)

    second = subprocess.run([sys.executable, "-m", "dondoc.tui.cli", "up", "--exit-after-sweep"],
                            env=env, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert "kế hoạch: giữ nguyên 5" in second.stdout  # the catalog did not change
    assert "Số lần ghi: 0." in second.stdout  # nothing re-synced
    assert len(list((home / "outbox").rglob("*.json"))) == len(outbox)  # nothing sent twice


def test_dondoc_up_stops_cleanly_on_ctrl_c(home: Path) -> None:
    port, page = free_port(), free_port()
    env = {**os.environ, "DONDOC_HOME": str(home), "DONDOC_PREFECT_PORT": str(port),
           "DONDOC_NO_UI": "1", "DONDOC_SERVE_PORT": str(page)}
    for key in ("PREFECT_API_URL", "DONDOC_DATABASE_URL", "DONDOC_APPRISE_CONFIG"):
        env.pop(key, None)
    proc = subprocess.Popen([sys.executable, "-m", "dondoc.tui.cli", "up"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 240
    lines = []
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        lines.append(line)
        if "Ctrl-C" in line:
            break
    assert any("Ctrl-C" in ln for ln in lines), "".join(lines)
    assert _answers(port)
    # The units' answer page runs beside the server, and says where.
    assert any(f"http://127.0.0.1:{page}" in ln for ln in lines), "".join(lines)
    assert _page_answers(page, wait_s=20)  # uvicorn starts a moment after the line
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, "".join(lines) + out
    assert "Đang dừng" in out
    assert not _answers(port) and not _page_answers(page)


def _page_answers(port: int, wait_s: float = 0.0) -> bool:
    """Whether `dondoc serve` answers its health check, waiting up to wait_s for it."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.3)


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def test_periodic_report_flow_writes_and_sends(home: Path, prefect_api: str) -> None:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home).code == 0
    run_flow(home, prefect_api, "from dondoc.flows.report import periodic_report;"
                                "print(periodic_report(as_of='2022-06-15'))")
    md = home / "reports" / "bao-cao-DM-CDS-2022-2022-06.md"
    assert md.read_text(encoding="utf-8").startswith("# Báo cáo định kỳ tháng 6/2022: ")
    outbox = list((home / "outbox").rglob("*.json"))
    assert any("report-2022-06" in p.name for p in outbox), outbox


def test_prefect_deploy_all_works_from_a_clean_checkout(prefect_api: str, tmp_path: Path) -> None:
    """prefect.yaml as an administrator uses it: the pool, then `prefect deploy --all`."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=120)
    env = {**os.environ, "PREFECT_API_URL": prefect_api}
    prefect = str(Path(sys.executable).with_name("prefect"))
    subprocess.run([prefect, "work-pool", "create", "dondoc", "--type", "process"], env=env,
                   capture_output=True, timeout=120, cwd=clone)  # may exist already: fine
    proc = subprocess.run([prefect, "--no-prompt", "deploy", "--all"], env=env,
                          capture_output=True, text=True, timeout=300, cwd=clone)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    api = Api(prefect_api)
    for flow, name in [("sync-catalog", "sync"), ("catch-up-sweep", "sweep"),
                       ("weekly-digest", "digest"), ("periodic-report", "periodic-report"),
                       ("quarterly-review-all", "quarterly-review-all"),
                       ("quarterly-review", "quarterly-review")]:
        dep = api.deployment(flow, name)
        assert dep is not None and dep["work_pool_name"] == "dondoc", (flow, name)
    sweep = api.deployment("catch-up-sweep", "sweep")
    # A module path: the worker imports the installed dondoc, whatever its working directory.
    assert sweep["entrypoint"] == "dondoc.flows.standing.catch_up_sweep", sweep["entrypoint"]
    assert sweep["schedules"][0]["schedule"] == {"cron": "30 7 * * *", "timezone": "Asia/Ho_Chi_Minh",
                                                 "day_or": True}
