"""`dondoc serve` over HTTP: a real server process, a real SQLite database, every rule."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from tests.cli import dondoc
from tests.serve_support import Served, load_home, start, stop

UNIT, OTHER, RATE_UNIT = "HT-NV", "HT-VHTT", "BS-UBND"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    home = tmp_path_factory.mktemp("serve-home")
    load_home(home)
    s = start(home, DONDOC_SERVE_RATE="40")
    yield s
    stop(s)


@pytest.fixture
def client(served: Served) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.base, timeout=30) as c:
        yield c


def _first(client: httpx.Client, path: str) -> tuple[int, str]:
    """The first assignment of the unit's page and its form page's HTML."""
    page = client.get(path)
    assert page.status_code == 200
    aid = int(re.search(r'/a/(\d+)"', page.text).group(1))
    return aid, client.get(f"{path}/a/{aid}").text


def _csrf(html: str, form: str) -> str:
    block = html.split(f'/{form}"', 1)[1]
    return re.search(r'name="csrf" value="([^"]+)"', block).group(1)


def test_page_lists_only_the_units_open_assignments_worst_first(served: Served,
                                                                 client: httpx.Client) -> None:
    path = served.link(UNIT)
    page = client.get(path)
    assert page.status_code == 200
    assert "Phòng Nội vụ thành phố Hà Tiên" in page.text
    ids = [int(i) for i in re.findall(r'/a/(\d+)"', page.text)]
    mine = {r[0] for r in served.rows(
        "select id from assignment where unit_code = ? and not withdrawn and status = 'open'", UNIT)}
    assert ids and set(ids) <= mine
    statuses = re.findall(r'<li class="item s-(\w+)">', page.text)
    rank = {"overdue": 0, "due_soon": 1, "not_due": 2, "no_deadline": 3}
    assert [rank[s] for s in statuses] == sorted(rank[s] for s in statuses)
    assert "Thời hạn" in page.text and "Hạn tính" in page.text


def test_progress_with_a_pdf_is_recorded_audited_via_the_link(served: Served,
                                                              client: httpx.Client) -> None:
    path = served.link(UNIT)
    aid, html = _first(client, path)
    got = client.post(f"{path}/a/{aid}/progress",
                      data={"csrf": _csrf(html, "progress"), "progress": "40",
                            "note": "Đã ban hành kế hoạch", "difficulties": "Thiếu kinh phí",
                            "proposals": "Bổ sung dự toán"},
                      files={"document": ("ket-qua.pdf", PDF, "application/pdf")})
    assert got.status_code == 200, got.text
    assert "Đã ghi nhận báo cáo" in got.text and "40%" in got.text and "ket-qua.pdf" in got.text
    task_id, unit, progress = served.rows("select task_id, unit_code, progress from assignment"
                                          " where id = ?", aid)[0]
    assert (unit, progress) == (UNIT, 40)
    report = served.rows("select id, progress, note, difficulties, proposals from progressreport"
                         " where task_id = ? and unit_code = ? order by id desc", task_id, UNIT)[0]
    assert report[1:] == (40, "Đã ban hành kế hoạch", "Thiếu kinh phí", "Bổ sung dự toán")
    digest = hashlib.sha256(PDF).hexdigest()
    assert served.rows("select sha256, media_type, size, name from resultfile where"
                       " progress_report_id = ?", report[0]) == [
        (digest, "application/pdf", len(PDF), "ket-qua.pdf")]
    assert (served.home / "results" / digest[:2] / digest).read_bytes() == PDF
    actor, after = served.rows("select actor, after from auditentry order by id desc limit 1")[0]
    after = json.loads(after)
    assert actor == UNIT and after["via"] == "link" and after["client"] == "127.0.0.1"
    assert after["document"] == digest


def test_a_document_is_checked_by_its_content(served: Served, client: httpx.Client) -> None:
    path = served.link(UNIT)
    aid, html = _first(client, path)
    got = client.post(f"{path}/a/{aid}/progress",
                      data={"csrf": _csrf(html, "progress"), "progress": "10"},
                      files={"document": ("virus.pdf", b"#!/bin/sh\nrm -rf /\n", "application/pdf")})
    assert got.status_code == 415 and "PDF, DOCX, XLSX" in got.text


def test_done_and_extension_wait_for_the_coordinator(served: Served, client: httpx.Client) -> None:
    path = served.link(UNIT)
    page = client.get(path).text
    # A fixed-deadline task: the extension form shows there.
    aid = next(int(a) for a in re.findall(r'/a/(\d+)"', page)
               if "/extension" in client.get(f"{path}/a/{a}").text)
    html = client.get(f"{path}/a/{aid}").text
    done = client.post(f"{path}/a/{aid}/done", data={"csrf": _csrf(html, "done"),
                                                       "completed_on": "2026-11-20"})
    assert done.status_code == 200 and "chờ cơ quan theo dõi" in done.text
    ext = client.post(f"{path}/a/{aid}/extension",
                      data={"csrf": _csrf(html, "extension"), "new_due": "2027-03-31",
                            "reason": "Chờ hướng dẫn của tỉnh"})
    assert ext.status_code == 200
    assert served.rows("select status from assignment where id = ?", aid) == [("open",)]
    listed = dondoc("requests", "--json", home=served.home).json()
    mine = [r for r in listed if r["unit"] == UNIT]
    kinds = {r["kind"]: r for r in mine}
    assert set(kinds) == {"done", "extension"}
    assert kinds["extension"]["new_due"] == "2027-03-31"
    ok = dondoc("requests", "accept", str(kinds["done"]["id"]), home=served.home)
    assert ok.code == 0, ok.err
    assert served.rows("select status, completed_on from assignment where id = ?", aid) == [
        ("done", "2026-11-20")]
    no = dondoc("requests", "refuse", str(kinds["extension"]["id"]), "--reason", "Đã xong",
                home=served.home)
    assert no.code == 0 and "Đã xong" in no.out
    assert dondoc("requests", "refuse", str(kinds["extension"]["id"]), "--reason", "x",
                  home=served.home).code == 2  # decided already
    assert served.rows("select status, decision_reason from linkrequest where id = ?",
                       kinds["extension"]["id"]) == [("refused", "Đã xong")]
    # The unit reads the answer on its page.
    assert "không chấp thuận" in client.get(path).text


def test_a_tampered_link_is_refused_with_a_page_that_says_what_to_do(
        served: Served, client: httpx.Client) -> None:
    token = served.link(UNIT).removeprefix("/u/")
    body, sig = token.split(".")
    payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    forged = base64.urlsafe_b64encode(payload.replace(UNIT, OTHER).encode()).rstrip(b"=").decode()
    for bad in (f"{forged}.{sig}", token[:-2] + "AA", "nonsense"):
        got = client.get(f"/u/{bad}")
        assert got.status_code == 403
        assert "liên hệ cơ quan theo dõi để được cấp đường dẫn mới" in got.text


def test_an_expired_link_is_refused(served: Served, client: httpx.Client) -> None:
    got = dondoc("links", "show", "--unit", UNIT, "--json", home=served.home,
                 env={**served.env, "DONDOC_LINK_DAYS": "1"})
    token = got.json()["url"].rsplit("/", 1)[1]
    import datetime as dt
    import os

    from dondoc.catalog import links
    key = links.load_key(served.home)
    old = links.issue(UNIT, days=1, key=key,
                      now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=2))
    assert client.get(f"/u/{token}").status_code == 200
    assert client.get(f"/u/{old.token}").status_code == 403
    assert oct(os.stat(links.key_path(served.home)).st_mode & 0o777) == "0o600"


def test_another_units_assignment_is_not_found(served: Served, client: httpx.Client) -> None:
    path = served.link(UNIT)
    other = served.rows("select id from assignment where unit_code = ? limit 1", OTHER)[0][0]
    assert client.get(f"{path}/a/{other}").status_code == 404
    aid, html = _first(client, path)
    got = client.post(f"{path}/a/{other}/progress",
                      data={"csrf": _csrf(html, "progress"), "progress": "99"})
    assert got.status_code == 404
    assert served.rows("select progress from assignment where id = ?", other) == [(0,)]


def test_csrf_and_methods(served: Served, client: httpx.Client) -> None:
    path = served.link(UNIT)
    aid, html = _first(client, path)
    assert client.post(f"{path}/a/{aid}/progress", data={"progress": "5"}).status_code == 403
    assert client.post(f"{path}/a/{aid}/progress",
                       data={"csrf": _csrf(html, "done"), "progress": "5"}).status_code == 403
    assert client.get(f"{path}/a/{aid}/progress").status_code == 405
    assert client.post(path).status_code == 405
    assert client.get("/static/").status_code == 404  # no directory listing
    assert client.get("/results/").status_code == 404  # documents are never served back
    assert client.get("/docs").status_code == 404 and client.get("/openapi.json").status_code == 404


def test_security_headers(served: Served, client: httpx.Client) -> None:
    got = client.get(served.link(UNIT))
    csp = got.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src" not in csp and "default-src 'none'" in csp
    assert got.headers["x-frame-options"] == "DENY"
    assert got.headers["referrer-policy"] == "no-referrer"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert "server" not in got.headers


def test_sizes_are_limited(served: Served, client: httpx.Client) -> None:
    path = served.link(UNIT)
    aid, html = _first(client, path)
    big = client.post(f"{path}/a/{aid}/progress", data={"csrf": _csrf(html, "progress")},
                      files={"document": ("big.pdf", b"%PDF-" + b"0" * (21 * 1024 * 1024))})
    assert big.status_code == 413
    long = client.post(f"{path}/a/{aid}/progress",
                       data={"csrf": _csrf(html, "progress"), "note": "x" * 5000})
    assert long.status_code == 400
    assert client.post(f"{path}/a/{aid}/progress",
                       data={"csrf": _csrf(html, "progress"), "progress": "101"}).status_code == 400


def test_a_link_making_too_many_requests_gets_429(served: Served, client: httpx.Client) -> None:
    path = served.link(RATE_UNIT)
    codes = [client.get(path).status_code for _ in range(45)]
    assert codes[:40] == [200] * 40 and codes[-1] == 429
    # Another link is not held back by this one.
    assert client.get(served.link(UNIT)).status_code == 200


def test_rotating_the_key_invalidates_every_link(served: Served, client: httpx.Client) -> None:
    path = served.link(UNIT)
    assert client.get(path).status_code == 200
    assert dondoc("links", "rotate", home=served.home).code == 0
    got = client.get(path)
    assert got.status_code == 403 and "đường dẫn mới" in got.text
    assert client.get(served.link(UNIT)).status_code == 200


def test_no_token_reaches_the_log(served: Served, client: httpx.Client) -> None:
    path = served.link(UNIT)
    client.get(path)
    client.get(path[:-3] + "xyz")
    token = path.removeprefix("/u/")
    log = served.log.read_text()
    assert "GET /u/…" in log
    assert token not in log and token.split(".")[1] not in log
    key = (served.home / "keys" / "links.key").read_bytes()
    assert key.hex() not in log
