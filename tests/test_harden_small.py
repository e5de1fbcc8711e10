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
    run = dondoc("remind", "--as-of", AS_OF, home=home, env=env)
    assert run.code == 1, run.out + run.err
    assert "đã gửi 0" in run.out  # the summary is still printed
    assert len(run.err.strip().splitlines()) == 1 and "không gửi được tin nào" in run.err
    again = dondoc("remind", "--as-of", AS_OF, home=home, env=env)
    assert again.code == 0, again.err  # nothing attempted (all waiting for their backoff)
