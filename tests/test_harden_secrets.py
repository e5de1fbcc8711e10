"""Tokens written inline in Apprise URLs never reach stdout, logs, the ledger or listings."""

from __future__ import annotations

from pathlib import Path

from tests.cli import FIXTURES, dondoc
from tests.remind_servers import HttpReceiver, free_port

AS_OF = "2022-07-01"
TG_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
DISCORD_TOKEN = "Zq8xWebhookTokenZq8xWebhookToken"
PATH_TOKEN = "pathTok3nQw8sjJd7Gm"
TEAMS_TOKEN = "msTeamsS3cretValueXYZ"


def _config(path: Path, http_port: int, dead_port: int) -> Path:
    # Telegram and Discord cannot reach their servers from here (no name resolution, short
    # timeouts): they fail, and their errors are what must stay clean.
    path.write_text(f"""version: 1
urls:
  - tgram://{TG_TOKEN}/12345?rto=1&cto=1:
      tag: DM-VHTT
  - discord://998877665544/{DISCORD_TOKEN}?rto=1&cto=1:
      tag: DM-VHTT
  - json://127.0.0.1:{dead_port}/down/{PATH_TOKEN}?rto=0.5&cto=0.5:
      tag: DM-TCKH
  - json://127.0.0.1:{http_port}/fail/{PATH_TOKEN}?rto=2:
      tag: DM-XA-A
""", encoding="utf-8")
    return path


def _leaks(text: str) -> list[str]:
    return [s for s in (TG_TOKEN, TG_TOKEN.split(":")[1], DISCORD_TOKEN, PATH_TOKEN, TEAMS_TOKEN)
            if s in text]


def test_inline_tokens_are_masked_everywhere(home: Path, tmp_path: Path) -> None:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home).code == 0
    with HttpReceiver(behave=lambda key, attempt: "fail") as http:
        env = {"DONDOC_APPRISE_CONFIG": str(_config(tmp_path / "a.yaml", http.port, free_port()))}
        run = dondoc("remind", "--as-of", AS_OF, "--backfill", home=home, env=env)
        as_json = dondoc("remind", "--as-of", AS_OF, "--backfill", "--json", home=home, env=env)
        listing = dondoc("deliveries", home=home, env=env)
        listing_json = dondoc("deliveries", "--json", home=home, env=env)
        digest = dondoc("digest", "--as-of", AS_OF, home=home, env=env)
    assert "retry" in run.out and http.requests > 0  # the sends did fail, with errors shown
    assert any(d["error"] for d in listing_json.json())
    outputs = [run.out, run.err, as_json.out, listing.out, listing_json.out, digest.out, digest.err]
    for out in outputs:
        assert _leaks(out) == [], out
    log = (home / "logs" / "remind.log").read_text(encoding="utf-8")
    assert "via tgram://…" in log and _leaks(log) == []
    assert _leaks((home / "dondoc.sqlite").read_bytes().decode("utf-8", "replace")) == []


def test_a_mistyped_url_is_not_echoed(home: Path, tmp_path: Path) -> None:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home).code == 0
    cfg = tmp_path / "a.yaml"
    cfg.write_text(f"urls:\n  - msteams://{TEAMS_TOKEN}:\n      tag: DM-VHTT\n", encoding="utf-8")
    run = dondoc("remind", "--as-of", AS_OF, "--backfill", home=home, env={"DONDOC_APPRISE_CONFIG": str(cfg)})
    assert run.code == 2
    assert "msteams://…" in run.err and _leaks(run.err + run.out) == []


def test_the_tui_scrubs_errors_stored_before_masking() -> None:
    from dondoc.catalog.store.readmodel import DeliveryRow
    from dondoc.tui.app.widgets.views import delivery_cells

    leaked = f"Socket Exception: with url: /bot{TG_TOKEN}/sendMessage at tgram://{TG_TOKEN}/1"
    row = DeliveryRow(id=1, when=None, status="failed", plan="P", task="T", unit="U", rule="r",
                      channel="c", subject="s", error=leaked, attempts=5, occurrence=None)
    cells = delivery_cells(row)
    assert _leaks(" ".join(cells)) == [] and "tgram://…" in cells[-1]
