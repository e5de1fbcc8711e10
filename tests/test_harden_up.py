"""`dondoc up` started in the background (SIGINT inherited as ignored) stops on SIGINT and on
SIGTERM within 10 s, leaving no Prefect server or worker behind. Runs real Prefect."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli import ROOT
from tests.remind_servers import free_port
from tests.test_flows import _answers


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(stat[1]), []).append(int(entry.name))
    out, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.add(child)
            todo.append(child)
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_dondoc_up_in_the_background_stops_within_10_s(home: Path, signum: int) -> None:
    port = free_port()
    env = {**os.environ, "DONDOC_HOME": str(home), "DONDOC_PREFECT_PORT": str(port),
           "DONDOC_NO_UI": "1"}
    for key in ("PREFECT_API_URL", "DONDOC_DATABASE_URL", "DONDOC_APPRISE_CONFIG"):
        env.pop(key, None)
    # What `dondoc up &` in a non-interactive shell does to the child.
    proc = subprocess.Popen([sys.executable, "-m", "dondoc.tui.cli", "up"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        lines = []
        assert proc.stdout is not None
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if "Ctrl-C" in line or not line:
                break
        assert any("Ctrl-C" in ln for ln in lines), "".join(lines)
        started = _descendants(proc.pid)
        assert len(started) >= 2 and _answers(port)  # a server and a worker at least
        t0 = time.monotonic()
        proc.send_signal(signum)
        out, _ = proc.communicate(timeout=30)
        took = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert took < 10, took
    assert "Đang dừng" in out
    assert not _answers(port)
    assert [pid for pid in started if _alive(pid)] == []
