"""The smaller hardening items: exit statuses that tell the truth, refusals at load time,
re-driving given-up reminders."""

from __future__ import annotations

from pathlib import Path

from tests.cli import FIXTURES, dondoc
from tests.remind_servers import free_port

AS_OF = "2022-07-01"
UNITS = "DM-UBND, DM-VHTT, DM-TCKH, DM-XA-A, DM-PH-B, TT-UBND, TT-SKHCN"


def _dead_config(path: Path) -> Path:
    path.write_text(f"tag: {UNITS}\nurls:\n  - json://127.0.0.1:{free_port()}/hook?cto=0.5&rto=0.5\n",
                    encoding="utf-8")
    return path


def test_remind_exits_non_zero_when_every_send_failed(home: Path, tmp_path: Path) -> None:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home).code == 0
    env = {"DONDOC_APPRISE_CONFIG": str(_dead_config(tmp_path / "a.yaml"))}
    run = dondoc("remind", "--as-of", AS_OF, "--backfill", home=home, env=env)
    assert run.code == 1, run.out + run.err
    assert "đã gửi 0" in run.out  # the summary is still printed
    assert len(run.err.strip().splitlines()) == 1 and "không gửi được tin nào" in run.err
    again = dondoc("remind", "--as-of", AS_OF, "--backfill", home=home, env=env)
    assert again.code == 0, again.err  # nothing attempted (all waiting for their backoff)


def test_review_status_of_an_unknown_plan_exits_2(home: Path) -> None:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home).code == 0
    run = dondoc("review", "status", "--plan", "NOPE", home=home)
    assert run.code == 2 and run.err.strip() == "không có kế hoạch «NOPE»", run.err
    assert dondoc("review", "status", "--plan", "DM-CDS-2022", home=home).code == 0


def test_apprise_urls_without_host_or_with_impossible_ports_are_refused(home: Path,
                                                                        tmp_path: Path) -> None:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home).code == 0
    for url, needle in (("json://127.0.0.1:99999/hook", "99999"), ("form://h:65536", "65536"),
                        ("json://127.0.0.1:0/hook", "cổng 0"), ("json://", "json://")):
        cfg = tmp_path / "a.yaml"
        cfg.write_text(f"urls:\n  - {url}:\n      tag: DM-VHTT\n", encoding="utf-8")
        run = dondoc("remind", "--as-of", AS_OF, "--backfill", "--dry-run", home=home,
                     env={"DONDOC_APPRISE_CONFIG": str(cfg)})
        assert run.code == 2, (url, run.out + run.err)
        assert len(run.err.strip().splitlines()) == 1 and needle in run.err, (url, run.err)
        assert str(cfg) in run.err


def test_given_up_reminders_are_re_driven_with_retry_failed(home: Path, tmp_path: Path) -> None:
    from tests.remind_servers import HttpReceiver

    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home).code == 0
    port = free_port()
    cfg = tmp_path / "a.yaml"
    cfg.write_text(f"tag: {UNITS}\nurls:\n  - json://127.0.0.1:{port}/hook?cto=2&rto=10\n",
                   encoding="utf-8")
    env = {"DONDOC_APPRISE_CONFIG": str(cfg), "DONDOC_MAX_ATTEMPTS": "1"}
    assert dondoc("remind", "--as-of", AS_OF, "--backfill", home=home, env=env).code == 1  # nobody listens
    failed = {d["key"] for d in dondoc("deliveries", "--failed", "--json", home=home).json()}
    assert failed
    with HttpReceiver(port=port) as http:  # the endpoint is back
        plain = dondoc("remind", "--as-of", AS_OF, "--backfill", "--json", home=home, env=env)
        assert plain.code == 0 and http.count() == 0  # given up stays given up
        revived = dondoc("remind", "--as-of", AS_OF, "--backfill", "--retry-failed", "--json", home=home,
                         env=env)
        assert revived.code == 0, revived.err
    # the revived letters carry exactly the given-up reminders, each letter once
    letters = [d for d in revived.json()["deliveries"] if d["status"] == "sent"]
    assert {k for d in letters for k in d["keys"]} == failed
    assert set(http.keys()) == {d["key"] for d in letters}
    assert all(n == 1 for n in http.keys().values())
    rows = dondoc("deliveries", "--json", home=home).json()
    assert {d["key"] for d in rows if d["status"] == "sent"} >= failed
    assert not [d for d in rows if d["status"] == "failed"]


def test_unit_parent_cycles_are_refused(tmp_path: Path, home: Path) -> None:
    import shutil

    from tests.test_bad_input import line_of, snapshot

    src = tmp_path / "cat"
    shutil.copytree(FIXTURES / "catalog", src)
    assert dondoc("catalog", "load", str(src), home=home).code == 0
    before = snapshot(home)
    units = src / "units.yaml"
    text = units.read_text(encoding="utf-8")
    # TT-UBND (the root) gets DM-VHTT as parent: DM-VHTT -> DM-UBND -> TT-UBND -> DM-VHTT
    old = "    kind: ubnd-tinh\n"
    units.write_text(text.replace(old, old + "    parent: DM-VHTT\n", 1), encoding="utf-8")
    run = dondoc("catalog", "load", str(src), home=home)
    assert run.code == 2 and len(run.err.strip().splitlines()) == 1, run.err
    assert f"{units}:{line_of(units, 'parent: DM-VHTT')}: " in run.err
    assert "vòng lặp" in run.err and "DM-VHTT" in run.err and "TT-UBND" in run.err
    assert snapshot(home) == before
