"""Real `prefect worker start --type process` processes for tests and benchmarks.

Each worker runs in its own process group, so that stopping it also stops the flow runs it
started; each has a name, which Prefect writes on every flow run it takes (the label
`prefect.worker.name`), so a test can tell which worker ran what.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

WORKER_LABEL = "prefect.worker.name"


def prefect_bin() -> str:
    return str(Path(sys.executable).with_name("prefect"))


def start_worker(name: str, env: dict[str, str], log: Path, pool: str = "dondoc",
                 limit: int | None = None) -> subprocess.Popen[bytes]:
    args = [prefect_bin(), "worker", "start", "--pool", pool, "--type", "process",
            "--name", name]
    if limit is not None:
        args += ["--limit", str(limit)]
    full_env = {**os.environ,
                # Poll every second rather than every 10 s: runs start soon after they are due.
                "PREFECT_WORKER_QUERY_SECONDS": "1", "PREFECT_WORKER_PREFETCH_SECONDS": "2",
                **env}
    with open(log, "ab") as out:
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=full_env,
                                start_new_session=True)


def descendants(pid: int) -> list[int]:
    """Every process below pid (a process worker starts each flow run in a session of its
    own, so the worker's process group does not hold them)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out: list[int] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _kill(pids: list[int], signum: int) -> None:
    for pid in pids:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass


def stop_worker(proc: subprocess.Popen[bytes], grace_s: float = 10.0) -> None:
    """SIGTERM to the worker's group and to the flow runs it started, SIGKILL what is left."""
    below = descendants(proc.pid)
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        _kill(below, signal.SIGTERM)
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            # still up: it may have started runs since; they go with it
            below += descendants(proc.pid)
    _kill(below, signal.SIGKILL)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)


@contextmanager
def workers(count: int, env: dict[str, str], logs: Path, pool: str = "dondoc",
            limit: int | None = None, prefix: str = "w",
            procs: list[subprocess.Popen[bytes]] | None = None) -> Iterator[list[str]]:
    """count named workers on pool; yields their names, stops them all on the way out
    (procs, if given, receives their processes)."""
    logs.mkdir(parents=True, exist_ok=True)
    names = [f"{prefix}{i + 1}" for i in range(count)]
    procs = procs if procs is not None else []
    try:
        for name in names:
            procs.append(start_worker(name, env, logs / f"worker-{name}.log", pool, limit))
        yield names
    finally:
        for proc in procs:
            stop_worker(proc)


def wait_until_polling(api: str, pool: str, names: list[str], timeout: float = 90.0) -> None:
    """Until the server lists every named worker as polling pool (heartbeats arrive)."""
    import httpx

    deadline = time.monotonic() + timeout
    seen: set[str] = set()
    while time.monotonic() < deadline:
        r = httpx.post(f"{api}/work_pools/{pool}/workers/filter", json={}, timeout=30)
        if r.status_code == 200:
            seen = {w["name"] for w in r.json()}
            if set(names) <= seen:
                return
        time.sleep(0.5)
    raise AssertionError(f"workers {names} not polling {pool} after {timeout:.0f} s (seen {seen})")


def cpu_seconds(pid: int) -> float:
    """A process's CPU seconds with those of the children it has waited for (a worker's
    finished flow runs)."""
    parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in parts[11:15]) / os.sysconf("SC_CLK_TCK")
