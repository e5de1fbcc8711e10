"""`dondoc sync` province by province in parallel, against real Prefect servers.

The sequential and the parallel sync write to two different servers (the session's, on
SQLite, and one on PostgreSQL started here), so their states can be compared whole. The
retries are exercised through a small HTTP proxy in front of the real server that answers
429/503/500 to chosen requests: Prefect itself never answers those on demand.
"""

from __future__ import annotations

import datetime as dt
import http.server
import threading
import uuid
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import pytest

from dondoc.catalog.settings import today
from tests.cli import dondoc
from tests.prefect_server import postgres_database, start_server

PROVINCES = ["Bắc Thử", "Nam Thử", "Đông Thử"]


def national_catalog(folder: Path, tag: str, plans_per_province: int = 3,
                     tasks_per_plan: int = 4) -> tuple[Path, list[str]]:
    """Three provinces (a registry each), their plans, and one plan whose issuer has no
    province; plan codes carry tag so that tests sharing a server do not meet."""
    folder.mkdir(parents=True)
    codes = []
    base = today() + dt.timedelta(days=20)
    issuers = [(f"P{i}", f"UBND tỉnh {name}", name) for i, name in enumerate(PROVINCES)]
    issuers.append(("NOP", "Ban chỉ đạo liên ngành", None))
    for prefix, name, province in issuers:
        lines = ["units:", f"  - code: {prefix}-{tag}-UBND", f"    name: {name}", "    kind: ubnd-tinh"]
        if province:
            lines.append(f"    province: {province}")
        (folder / f"units-{prefix}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        for p in range(plans_per_province if province else 1):
            code = f"{prefix}-{tag}-KH{p}"
            codes.append(code)
            body = ["plan:", f"  code: {code}", f"  title: Kế hoạch {p} của {name}",
                    f"  issuer: {name}", f"  issued_on: {(today() - dt.timedelta(days=30)).isoformat()}",
                    f"  horizon: Năm {base.year + 1}", f"  coordinator: {name}", "tasks:"]
            for k in range(tasks_per_plan):
                due = base + dt.timedelta(days=7 * k + p)
                body += [f"  - code: NV{k:02d}", f"    title: Nhiệm vụ {k}", f"    lead: {name}",
                         f"    deadline: trước ngày {due.strftime('%d/%m/%Y')}"]
            (folder / f"plan-{code}.yaml").write_text("\n".join(body) + "\n", encoding="utf-8")
    return folder, codes


def server_state(api: str, codes: list[str]) -> dict[str, Any]:
    """What the server holds for these plans, without ids and times."""
    out = {}
    with httpx.Client(base_url=api, timeout=30) as http:
        for code in codes:
            r = http.get(f"/deployments/name/follow-up/{code}")
            assert r.status_code == 200, (code, r.text)
            d = r.json()
            out[code] = {
                "tags": sorted(d["tags"]), "description": d["description"],
                "pool": d["work_pool_name"], "entrypoint": d["entrypoint"],
                "schedules": sorted((s["slug"], s["schedule"]["rrule"], s["schedule"]["timezone"],
                                     tuple(sorted(s["parameters"].items())), s["active"])
                                    for s in d["schedules"])}
    return out


@pytest.fixture(scope="module")
def pg_prefect(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second real Prefect server, on a fresh PostgreSQL database."""
    with postgres_database("prefect_par") as url:
        yield from start_server(tmp_path_factory.mktemp("prefect-pg"), url)


# ---------------------------------------------------------------- the proxy
class Proxy:
    """Forwards every request to the real Prefect API, except that fail(method, path, body)
    may answer for it instead (status, headers): how a busy server or a gateway answers."""

    def __init__(self, upstream: str,
                 fail: Callable[[str, str, bytes], tuple[int, dict[str, str]] | None]) -> None:
        self.upstream, self.fail = upstream.rstrip("/"), fail
        self.injected: Counter[int] = Counter()
        self.forwarded = 0
        self.in_flight = self.max_in_flight = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with proxy.lock:
                    proxy.in_flight += 1
                    proxy.max_in_flight = max(proxy.max_in_flight, proxy.in_flight)
                try:
                    path = self.path.split("?", 1)[0].removeprefix("/api")
                    answer = proxy.fail(self.command, path, body)
                    if answer is not None:
                        status, headers = answer
                        with proxy.lock:
                            proxy.injected[status] += 1
                        self._reply(status, headers, b'{"detail": "injected by the test proxy"}')
                        return
                    r = proxy.http.request(self.command, proxy.upstream + self.path.removeprefix("/api"),
                                           content=body, headers={
                                               k: v for k, v in self.headers.items()
                                               if k.lower() not in ("host", "content-length",
                                                                    "authorization")})
                    with proxy.lock:
                        proxy.forwarded += 1
                    self._reply(r.status_code, {"Content-Type": r.headers.get(
                        "content-type", "application/json")}, r.content)
                finally:
                    with proxy.lock:
                        proxy.in_flight -= 1

            def _reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _any

        self.http = httpx.Client(timeout=60)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, userinfo: str = "") -> str:
        host, port = self.server.server_address[:2]
        return f"http://{userinfo}{host}:{port}/api"

    def __enter__(self) -> Proxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.http.close()


def about(codes: list[str]) -> Callable[[str, str, bytes], bool]:
    """Whether a request reads or writes one of these plans' deployments."""
    def match(method: str, path: str, body: bytes) -> bool:
        return any(c.encode() in body or path.endswith(f"/follow-up/{c}") for c in codes)
    return match


# ---------------------------------------------------------------- the tests
def test_parallel_sync_writes_what_a_sequential_one_writes_and_then_nothing(
        home: Path, tmp_path: Path, prefect_api: str, pg_prefect: str) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    folder, codes = national_catalog(tmp_path / "catalog", tag)
    assert dondoc("catalog", "load", str(folder), home=home).code == 0

    seq = dondoc("sync", "--json", "--concurrency", "1", home=home,
                 env={"PREFECT_API_URL": prefect_api})
    assert seq.code == 0, seq.err
    with Proxy(pg_prefect, lambda m, p, b: None) as proxy:
        par = dondoc("sync", "--json", "--concurrency", "4", home=home,
                     env={"PREFECT_API_URL": proxy.url()})
        assert par.code == 0, par.err
        # Three provinces and the plan without one: four clients wrote side by side.
        assert proxy.max_in_flight >= 2
    assert par.json() == seq.json()
    assert par.json()["deployments_created"] == len(codes) == 10
    assert par.json()["created"] == 4 * len(codes) and par.json()["writes"] == len(codes)
    assert server_state(pg_prefect, codes) == server_state(prefect_api, codes)

    again = dondoc("sync", "--json", "--concurrency", "4", home=home,
                   env={"PREFECT_API_URL": pg_prefect})
    assert again.code == 0, again.err
    assert again.json()["writes"] == 0
    assert again.json()["deployments_unchanged"] == len(codes)
    # Compared with the server itself, not only with dondoc's memory: still nothing.
    full = dondoc("sync", "--json", "--full", "--concurrency", "4", home=home,
                  env={"PREFECT_API_URL": pg_prefect})
    assert full.json()["writes"] == 0 and full.json()["unchanged"] == 4 * len(codes)


def test_sync_retries_429_503_and_500_and_completes(home: Path, tmp_path: Path,
                                                    prefect_api: str) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    folder, codes = national_catalog(tmp_path / "catalog", tag, plans_per_province=2)
    assert dondoc("catalog", "load", str(folder), home=home).code == 0
    # The first requests about the plans are refused: twice "too many requests" (wait 1 s),
    # then "unavailable", then a bare 500 that Prefect's own client would not retry.
    refusals = [(429, {"Retry-After": "1"}), (429, {"Retry-After": "1"}),
                (503, {"Retry-After": "0"}), (500, {})]
    lock = threading.Lock()
    about_plans = about(codes)

    def fail(method: str, path: str, body: bytes) -> tuple[int, dict[str, str]] | None:
        if not about_plans(method, path, body):
            return None
        with lock:
            return refusals.pop(0) if refusals else None

    with Proxy(prefect_api, fail) as proxy:
        result = dondoc("sync", "--json", "--concurrency", "3", home=home,
                        env={"PREFECT_API_URL": proxy.url()})
    assert result.code == 0, result.err
    assert proxy.injected == Counter({429: 2, 503: 1, 500: 1})
    assert result.json()["deployments_created"] == len(codes)
    assert result.json()["writes"] == len(codes)  # a retried plan is written once
    state = server_state(prefect_api, codes)
    assert all(len(d["schedules"]) == 4 for d in state.values())


def test_a_plan_refused_after_the_retries_is_named_and_the_url_secret_is_not(
        home: Path, tmp_path: Path, prefect_api: str) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    folder, codes = national_catalog(tmp_path / "catalog", tag, plans_per_province=1)
    assert dondoc("catalog", "load", str(folder), home=home).code == 0
    doomed = codes[1]

    doomed_only = about([doomed])

    def fail(method: str, path: str, body: bytes) -> tuple[int, dict[str, str]] | None:
        return (503, {"Retry-After": "0"}) if doomed_only(method, path, body) else None

    with Proxy(prefect_api, fail) as proxy:
        result = dondoc("sync", "--json", "--concurrency", "1", home=home,
                        env={"PREFECT_API_URL": proxy.url("sync-user:S3cr3t-pw@")})
    assert result.code == 1
    assert doomed in result.err and "503" in result.err
    assert "6 lần thử" in result.err  # the first attempt and the five retries
    assert proxy.injected[503] == 6
    assert "S3cr3t-pw" not in result.err + result.out
    assert "Traceback" not in result.err
    # One client goes through the groups in order (NOP, P0, P1, P2: all the same size):
    # the two plans before the doomed one were written and remembered, and the next sync
    # goes on from there.
    again = dondoc("sync", "--json", home=home, env={"PREFECT_API_URL": prefect_api})
    assert again.code == 0, again.err
    assert again.json()["deployments_unchanged"] == 2
    assert again.json()["deployments_created"] == len(codes) - 2


def test_backoff_grows_with_jitter_and_never_undercuts_retry_after() -> None:
    from dondoc.flows.deployments import RetryPolicy, backoff_delay

    policy = RetryPolicy(retries=5, backoff=0.5, cap=4.0)
    low, high = (lambda: 0.0), (lambda: 1.0)
    assert [backoff_delay(a, policy, None, low) for a in (1, 2, 3, 4, 5)] == \
        [0.25, 0.5, 1.0, 2.0, 2.0]
    assert [backoff_delay(a, policy, None, high) for a in (1, 2, 3, 4, 5)] == \
        [0.5, 1.0, 2.0, 4.0, 4.0]
    assert backoff_delay(1, policy, 3.0, low) == 3.0
    assert backoff_delay(1, policy, 3.0, high) == pytest.approx(3.3)  # at most 10% more
    assert backoff_delay(5, policy, 1.0, high) == 4.0  # the longer of the two
