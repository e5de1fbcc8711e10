"""Reminder letters through real endpoints: an SMTP server (aiosmtpd, with AUTH) and an HTTP
endpoint (Apprise json://) on 127.0.0.1, with the SMTP password and a webhook token taken
from the environment; then a grep for those secrets everywhere dondoc writes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.cli import FIXTURES, dondoc
from tests.remind_servers import HttpReceiver, SmtpReceiver, free_port

AS_OF = "2022-07-01"
SMTP_PASSWORD = "S3cr3t@p4ss/w0rd!"  # reserved URL characters on purpose
HOOK_TOKEN = "tok-9f8e7d6c5b4a3210"


def write_config(path: Path, smtp_port: int, http_port: int, dead_port: int) -> Path:
    path.write_text(f"""version: 1
urls:
  - mailto://dondoc:${{SMTP_PASSWORD}}@127.0.0.1:{smtp_port}?mode=insecure&from=dondoc@dongmai.gov.vn:
      - to: vhtt@dongmai.gov.vn
        tag: DM-VHTT
      - to: ubnd@dongmai.gov.vn
        tag: DM-UBND
  - json://127.0.0.1:{http_port}/hook?rto=5:
      tag: DM-TCKH, DM-XA-A
  - json://bot:${{HOOK_TOKEN}}@127.0.0.1:{dead_port}/down/${{HOOK_TOKEN}}?rto=0.5&cto=0.5:
      tag: DM-TCKH
""", encoding="utf-8")
    return path


def test_reminders_reach_smtp_and_http_and_secrets_stay_hidden(home: Path, tmp_path: Path) -> None:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home).code == 0
    env = {"SMTP_PASSWORD": SMTP_PASSWORD, "HOOK_TOKEN": HOOK_TOKEN,
           "DONDOC_APPRISE_CONFIG": ""}
    with SmtpReceiver("dondoc", SMTP_PASSWORD) as smtp, HttpReceiver() as http:
        env["DONDOC_APPRISE_CONFIG"] = str(write_config(tmp_path / "apprise.yaml", smtp.port,
                                                        http.port, free_port()))
        run = dondoc("remind", "--as-of", AS_OF, "--backfill", "--json", home=home, env=env)
        assert run.code == 0, run.err
        report = run.json()
        text_run = dondoc("remind", "--as-of", AS_OF, "--backfill", home=home, env=env)
        deliveries = dondoc("deliveries", "--json", home=home, env=env)
        failed = dondoc("deliveries", "--failed", home=home, env=env)

    # e-mail: one letter to the lead VHTT, one to the supervising UBND, with the secret
    assert smtp.logins and all(ok for _, ok in smtp.logins)
    mails = {m.key: m for m in smtp.messages}
    by_unit = {(d["unit"], d["endpoint"]): d for d in report["deliveries"]}
    mail, hook = f"mailto://127.0.0.1:{smtp.port}", f"json://127.0.0.1:{http.port}"
    assert len(smtp.messages) == 2  # VHTT: NV01, NV02 (phối hợp), BC01, SK01 in one; UBND: NV01
    lead = mails[by_unit[("DM-VHTT", mail)]["key"]]
    assert by_unit[("DM-VHTT", mail)]["items"] == 4
    assert lead.subject.startswith("[Nhắc việc] ") and "quá hạn" in lead.subject
    body = lead.body.replace("\r\n", "\n")
    assert "Kính gửi: Phòng Văn hóa và Thông tin thành phố Đông Mai\n" in body
    assert "Thời hạn: trong tháng 4/2022; hạn ngày Thứ Tư, 04/05/2022" in body
    assert lead.extra["to"] == ["vhtt@dongmai.gov.vn"]
    boss = mails[by_unit[("DM-UBND", mail)]["key"]]
    assert "quá hạn của đơn vị trực thuộc" in boss.subject
    assert boss.extra["to"] == ["ubnd@dongmai.gov.vn"]
    # HTTP: the coordinating units TCKH and Xã Tiên A, one letter each
    posts = {r.key: r for r in http.received}
    assert len(posts) == 2  # TCKH: NV01 (phối hợp), NV02 (chủ trì); Xã Tiên A: NV01
    helper = posts[by_unit[("DM-XA-A", hook)]["key"]]
    assert "NV01 – Xây dựng kế hoạch chuyển đổi số của từng đơn vị" in helper.body
    assert "Đơn vị: phối hợp" in helper.body
    tckh = posts[by_unit[("DM-TCKH", hook)]["key"]]
    assert by_unit[("DM-TCKH", hook)]["items"] == 2 and "NV02 – Đề xuất danh mục dự án" in tckh.body
    # every letter carries its own key, once
    assert {m.key for m in smtp.messages} | set(posts) <= {d["key"] for d in report["deliveries"]}
    # Phường Đông B has no address: the outbox; TCKH's second endpoint is down: to retry
    assert report["unrouted"] == ["DM-PH-B"]
    assert (home / "outbox").is_dir() and len(list((home / "outbox").glob("*.json"))) == 1
    down = [d for d in report["deliveries"] if d["status"] == "retry"]
    assert len(down) == 1 and down[0]["unit"] == "DM-TCKH" and down[0]["items"] == 2
    assert all(d["error"] for d in down)
    assert [d["status"] for d in report["deliveries"]].count("sent") == len(report["deliveries"]) - 1
    # the second run only retries what failed (the backoff has not elapsed: nothing)
    assert text_run.code == 0 and "đã gửi 0" in text_run.out
    assert len(smtp.messages) == 2 and len(http.received) == 2

    # No secret anywhere: output, errors, ledger, log file, outbox, database file.
    rows = deliveries.json()
    assert any(r["status"] == "retry" and r["error"] for r in rows)
    assert "retry" in failed.out
    with sqlite3.connect(home / "dondoc.sqlite") as conn:
        dump = "\n".join(conn.iterdump())
    haystacks = {
        "stdout": run.out + text_run.out + deliveries.out + failed.out,
        "stderr": run.err + text_run.err + deliveries.err + failed.err,
        "ledger": dump + json.dumps(rows, ensure_ascii=False),
        "log": (home / "logs" / "remind.log").read_text(encoding="utf-8"),
        "outbox": "".join(p.read_text(encoding="utf-8") for p in (home / "outbox").glob("*")),
    }
    assert "127.0.0.1" in haystacks["log"]  # the log does name endpoints, just not secrets
    for name, text in haystacks.items():
        for secret in (SMTP_PASSWORD, "S3cr3t%40p4ss%2Fw0rd%21", "p4ss", HOOK_TOKEN, "9f8e7d6c"):
            assert secret not in text, (name, secret)
