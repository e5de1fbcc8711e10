"""The embedded default: a local Prefect server and a process worker under DONDOC_HOME.

Both run as child processes of `dondoc up`, each in its own process group so that Ctrl-C
(or SIGTERM) stops them cleanly; their logs go to DONDOC_HOME/logs. Running `dondoc up`
again finds the server's SQLite database where it was and picks up from there.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from dondoc.catalog.settings import dondoc_home, prefect_api_url, prefect_env, prefect_port, settings


def healthy(api_url: str | None = None, timeout: float = 2.0) -> bool:
    url = (api_url or prefect_api_url()).rstrip("/") + "/health"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 (loopback)
            return resp.status == 200
    except OSError:
        return False


def _prefect_bin() -> str:
    candidate = Path(sys.executable).with_name("prefect")
    return str(candidate) if candidate.exists() else "prefect"


@dataclass
class LocalStack:
    """The child processes `dondoc up` started (a server already running is reused)."""

    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    logs: Path = field(default_factory=lambda: dondoc_home() / "logs")

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        self.logs.mkdir(parents=True, exist_ok=True)
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (kept by the child)
        env = {**os.environ, **prefect_env()}
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
        self.processes[name] = proc
        return proc

    def start_server(self, wait_s: float = 90.0) -> bool:
        """Start the server unless one answers already; True if this call started it."""
        if healthy():
            return False
        (dondoc_home() / "prefect").mkdir(parents=True, exist_ok=True)
        proc = self._spawn("prefect-server", [
            _prefect_bin(), "server", "start", "--host", "127.0.0.1",
            "--port", str(prefect_port()), "--no-ui" if settings().no_ui else "--ui"])
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"Prefect server exited ({proc.returncode}); "
                                   f"see {self.logs / 'prefect-server.log'}")
            if healthy():
                return True
            time.sleep(0.5)
        raise RuntimeError(f"Prefect server did not answer in {wait_s:.0f} s; "
                           f"see {self.logs / 'prefect-server.log'}")

    def start_worker(self, pool: str) -> None:
        self._spawn("prefect-worker", [_prefect_bin(), "worker", "start", "--pool", pool,
                                       "--type", "process", "--limit", "4"])

    def start_serve(self) -> str:
        """`dondoc serve` beside the server, for the units' links; its local address."""
        s = settings()
        self._spawn("serve", [sys.executable, "-m", "dondoc.tui.cli", "serve",
                              "--host", s.serve_host, "--port", str(s.serve_port)])
        return f"http://{s.serve_host}:{s.serve_port}"

    def stop(self, grace_s: float = 8.0) -> None:
        """Stop what was started within grace_s in all (then kill it): a service manager
        gives `dondoc up` about 10 s after SIGTERM before it kills it and orphans the rest."""
        end = time.monotonic() + grace_s
        # The answer page and the worker first, so that the worker does not see its server
        # vanish mid-run; the page gets a fifth of the time, the worker half, the server the rest.
        for name, share in (("serve", 0.2), ("prefect-worker", 0.5), ("prefect-server", 1.0)):
            proc = self.processes.get(name)
            if proc is None or proc.poll() is not None:
                continue
            _signal_group(proc, signal.SIGTERM)
            wait = max(0.1, (end - time.monotonic()) * share)
            try:
                proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                pass
        for proc in self.processes.values():
            # Anything left, and whatever it started in its group (flow runs), goes now.
            _signal_group(proc, signal.SIGKILL)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass


def _signal_group(proc: subprocess.Popen[bytes], signum: int) -> None:
    try:
        os.killpg(proc.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass
