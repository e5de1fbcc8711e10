"""A real Prefect server on 127.0.0.1, started once per test session (10-20 s)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


@contextmanager
def postgres_database(prefix: str = "prefect") -> Iterator[str]:
    """A fresh PostgreSQL database on the local server (trust auth), dropped afterwards.

    Yields its asyncpg URL, the form PREFECT_API_DATABASE_CONNECTION_URL takes."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_server(home: Path, database_url: str | None = None,
                 extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """Start `prefect server start` and yield its API URL; on SQLite in home unless
    database_url (postgresql+asyncpg://...) is given."""
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_UI_ENABLED": "false",
           # Fill runs within seconds rather than the default minute.
           "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
           "PREFECT_LOGGING_LEVEL": "WARNING"}
    if database_url:
        env["PREFECT_API_DATABASE_CONNECTION_URL"] = database_url
    env.update(extra_env or {})
    env.pop("PREFECT_API_URL", None)
    log = open(home / "server.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([str(Path(sys.executable).with_name("prefect")), "server", "start",
                             "--host", "127.0.0.1", "--port", str(port), "--no-ui"],
                            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert proc.poll() is None, (home / "server.log").read_text()[-3000:]
            try:
                if httpx.get(f"{api}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            raise AssertionError("Prefect server did not start: " + (home / "server.log").read_text()[-3000:])
        yield api
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


class Api:
    """The few REST calls the tests read Prefect's state with."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=30)

    def deployment(self, flow: str, name: str) -> dict[str, Any] | None:
        r = self.http.get(f"/deployments/name/{flow}/{name}")
        return r.json() if r.status_code == 200 else None

    def flow_runs(self, deployment_id: str) -> list[dict[str, Any]]:
        r = self.http.post("/flow_runs/filter", json={
            "deployments": {"id": {"any_": [deployment_id]}}, "limit": 200})
        r.raise_for_status()
        return r.json()

    def wait_for(self, predicate, timeout: float = 60.0, every: float = 0.5):  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value or time.monotonic() > deadline:
                return value
            time.sleep(every)
