"""A real `dondoc serve` process on 127.0.0.1 over a home holding the shipped catalog."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.cli import SHIPPED_PLANS, dondoc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    home: Path
    base: str
    proc: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str]

    def link(self, unit: str) -> str:
        """The unit's path, /u/<token>, from `dondoc links show --json`."""
        got = dondoc("links", "show", "--unit", unit, "--json", home=self.home, env=self.env)
        assert got.code == 0, got.err
        data = got.json()
        assert data["unit"] == unit and data["url"].startswith(self.base)
        return data["url"].removeprefix(self.base)

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.home / "dondoc.sqlite")

    def rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with self.db() as conn:
            return conn.execute(sql, args).fetchall()


def load_home(home: Path) -> None:
    got = dondoc("catalog", "load", str(SHIPPED_PLANS), home=home)
    assert got.code == 0, got.err


def start(home: Path, **env: str) -> Served:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    full = {**os.environ, "DONDOC_HOME": str(home), "DONDOC_SERVE_URL": base, **env}
    full.pop("DONDOC_DATABASE_URL", None)
    log = home / f"serve-{port}.log"
    proc = subprocess.Popen([sys.executable, "-m", "dondoc.tui.cli", "serve", "--port", str(port)],
                            stdout=open(log, "wb"), stderr=subprocess.STDOUT, env=full)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1).read()
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(log.read_text())
            time.sleep(0.2)
    return Served(home, base, proc, log, {"DONDOC_SERVE_URL": base, **env})


def stop(served: Served) -> None:
    served.proc.terminate()
    try:
        served.proc.wait(10)
    except subprocess.TimeoutExpired:
        served.proc.kill()
