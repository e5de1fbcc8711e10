"""`dondoc remind`, `digest` and `deliveries` on the embedded default: no configuration, so
every message lands in the outbox under DONDOC_HOME, one JSON file per message."""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from pathlib import Path

import pytest

from tests.cli import FIXTURES, dondoc
from tests.remind_servers import write_plan

AS_OF = "2022-07-01"
OUT_KEYS = {"key", "plan", "task", "unit", "role", "rule", "occurrence", "channel", "endpoint",
            "subject", "status", "attempts", "error"}


@pytest.fixture
def demo(home: Path) -> Path:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home).code == 0
    return home


def outbox(home: Path) -> dict[str, dict[str, str]]:
    folder = home / "outbox"
    if not folder.exists():
        return {}
    out = {}
    for path in folder.glob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        out[record["key"]] = record
    return out


def ledger_rows(home: Path) -> list[tuple]:
    with sqlite3.connect(home / "dondoc.sqlite") as conn:
        return conn.execute("select key, status, attempts from delivery order by key").fetchall()


def test_remind_writes_one_outbox_file_per_letter_and_a_second_run_sends_nothing(
        demo: Path) -> None:
    # A freshly loaded catalog: everything that fell due before this first run is backlog,
    # sent on request (--backfill), one letter per unit.
    first = dondoc("remind", "--as-of", AS_OF, "--backfill", "--json", home=demo)
    assert first.code == 0, first.err
    report = first.json()
    sent = {d["key"]: d for d in report["deliveries"]}
    assert all(d["status"] == "sent" for d in sent.values())
    by_unit = {d["unit"]: d for d in sent.values()}
    assert report["counts"]["sent"] == len(sent) == len(by_unit) == 5  # one letter per unit
    assert report["counts"]["covered_sent"] == sum(d["items"] for d in sent.values()) == 9
    files = outbox(demo)
    assert set(files) == set(sent)  # one file per letter, named after the letter
    # NV01: the lead and its three coordinating units at 40 working days overdue, and the
    # escalation to the supervising UBND (the plan's coordinator is the lead itself).
    nv01 = sorted(k for d in sent.values() for k in d["keys"] if k.startswith("1:"))
    assert nv01 == ["1:DM-PH-B:2022-05-04:overdue-40:outbox", "1:DM-TCKH:2022-05-04:overdue-40:outbox",
                    "1:DM-UBND:2022-05-04:escalate-5:outbox", "1:DM-VHTT:2022-05-04:overdue-40:outbox",
                    "1:DM-XA-A:2022-05-04:overdue-40:outbox"]
    vhtt = by_unit["DM-VHTT"]
    # VHTT: NV01, BC01, SK01 (chủ trì) and NV02 (phối hợp), in one letter
    assert vhtt["tasks"] == ["DM-CDS-2022/BC01", "DM-CDS-2022/NV01", "DM-CDS-2022/NV02",
                             "DM-CDS-2022/SK01"] and vhtt["items"] == 4
    lead = files[vhtt["key"]]
    assert lead["subject"].startswith("[Nhắc việc] ") and "quá hạn" in lead["subject"]
    body = lead["body"]
    assert unicodedata.normalize("NFC", body) == body
    for needle in ("Kính gửi: Phòng Văn hóa và Thông tin thành phố Đông Mai",
                   "KẾ HOẠCH: Kế hoạch Chuyển đổi số thành phố Đông Mai năm 2022 (DM-CDS-2022)",
                   "NV01 – Xây dựng kế hoạch chuyển đổi số của từng đơn vị",
                   "Thời hạn: trong tháng 4/2022; hạn ngày Thứ Tư, 04/05/2022",
                   "Quá hạn 58 ngày",
                   f"Mã nhắc việc: {vhtt['key']}"):
        assert needle in body, needle
    boss = files[by_unit["DM-UBND"]["key"]]
    assert "chuyển cấp trên" in boss["body"] and "Phòng Văn hóa và Thông tin" in boss["body"]

    again = dondoc("remind", "--as-of", AS_OF, "--backfill", "--json", home=demo)
    assert again.code == 0, again.err
    assert again.json()["deliveries"] == []
    assert again.json()["counts"]["already_sent"] == 9 and "sent" not in again.json()["counts"]
    assert len(list((demo / "outbox").glob("*.json"))) == 5
    assert [r[1:] for r in ledger_rows(demo)] == [("sent", 1)] * 9


def test_per_task_mode_writes_one_outbox_file_per_reminder(demo: Path) -> None:
    """DONDOC_REMIND_LETTERS=0: the older one-message-per-task mode, still supported."""
    env = {"DONDOC_REMIND_LETTERS": "0"}
    first = dondoc("remind", "--as-of", AS_OF, "--json", home=demo, env=env)
    assert first.code == 0, first.err
    report = first.json()
    sent = {d["key"]: d for d in report["deliveries"]}
    assert report["counts"]["sent"] == len(sent) == 9
    assert all(set(d) == OUT_KEYS and d["status"] == "sent" for d in sent.values())
    files = outbox(demo)
    assert set(files) == set(sent)
    nv01 = sorted((d["unit"], d["role"], d["rule"]) for d in sent.values() if d["task"] == "NV01")
    assert nv01 == [("DM-PH-B", "coordinator", "overdue-40"), ("DM-TCKH", "coordinator", "overdue-40"),
                    ("DM-UBND", "supervisor", "escalate-5"), ("DM-VHTT", "lead", "overdue-40"),
                    ("DM-XA-A", "coordinator", "overdue-40")]
    lead = files["1:DM-VHTT:2022-05-04:overdue-40:outbox"]
    assert lead["subject"] == ("[Quá hạn 42 ngày] NV01 – Xây dựng kế hoạch chuyển đổi số của"
                               " từng đơn vị (DM-CDS-2022)")
    for needle in ("Kính gửi: Phòng Văn hóa và Thông tin thành phố Đông Mai",
                   "Kế hoạch: Kế hoạch Chuyển đổi số thành phố Đông Mai năm 2022 (DM-CDS-2022)",
                   "Mục: II.1", "Thời hạn: trong tháng 4/2022 (hạn ngày 30/04/2022)",
                   "Hạn thực tế: Thứ Tư, 04/05/2022",
                   "đã quá hạn 42 ngày làm việc (58 ngày theo lịch)",
                   "Chủ trì: Phòng Văn hóa và Thông tin thành phố Đông Mai",
                   "Phối hợp: Phòng Tài chính - Kế hoạch thành phố Đông Mai; Ủy ban nhân dân xã Tiên A",
                   "Mã nhắc việc: 1:DM-VHTT:2022-05-04:overdue-40:outbox"):
        assert needle in lead["body"], needle
    helper = files["1:DM-XA-A:2022-05-04:overdue-40:outbox"]
    assert "phối hợp" in helper["subject"] and "PHỐI HỢP" in helper["body"]
    boss = files["1:DM-UBND:2022-05-04:escalate-5:outbox"]
    assert boss["subject"].startswith("[Chuyển cấp trên · Quá hạn 42 ngày] NV01")
    assert "do Phòng Văn hóa và Thông tin thành phố Đông Mai (đơn vị trực thuộc) chủ trì" in boss["body"]
    # a quarterly report follows Decree 09/2019's data window
    report_body = files["6:DM-VHTT:2022-06-30:before-0:outbox"]["body"]
    assert "Kỳ số liệu (Nghị định 09/2019/NĐ-CP): từ ngày 15/03/2022 đến ngày 14/06/2022" in report_body
    # English subjects
    en = dondoc("remind", "--as-of", AS_OF, "--plan", "DM-CDS-2022", "--dry-run", "--json",
                home=demo, lang="en", env=env)
    assert en.code == 0, en.err

    again = dondoc("remind", "--as-of", AS_OF, "--json", home=demo, env=env)
    assert again.code == 0, again.err
    assert again.json()["deliveries"] == []
    assert again.json()["counts"]["already_sent"] == 9 and "sent" not in again.json()["counts"]
    assert len(list((demo / "outbox").glob("*.json"))) == 9
    assert [r[1:] for r in ledger_rows(demo)] == [("sent", 1)] * 9


def test_dry_run_sends_and_records_nothing(demo: Path) -> None:
    r = dondoc("remind", "--as-of", AS_OF, "--backfill", "--dry-run", "--json", home=demo)
    assert r.code == 0, r.err
    assert r.json()["counts"]["would_send"] == 5 and r.json()["counts"]["would_cover"] == 9
    assert {d["status"] for d in r.json()["deliveries"]} == {"would_send"}
    assert outbox(demo) == {} and ledger_rows(demo) == []
    assert dondoc("deliveries", "--json", home=demo).json() == []


def test_catch_up_sends_the_latest_rule_not_a_backlog(home: Path, tmp_path: Path) -> None:
    # one task due 30/06/2022 (Thursday): before-10 on 16/6, before-5 on 23/6, before-2 on 28/6
    write_plan(tmp_path / "cat", 1)
    assert dondoc("catalog", "load", str(tmp_path / "cat"), home=home).code == 0
    r = dondoc("remind", "--as-of", "2022-06-16", "--json", home=home).json()
    assert [d["rules"] for d in r["deliveries"]] == [["before-10"]] * 4  # a letter per unit
    # the sender was down from 17 to 28 June: only before-2 goes out, not before-5
    r = dondoc("remind", "--as-of", "2022-06-28", "--json", home=home).json()
    assert sorted((d["unit"], tuple(d["rules"])) for d in r["deliveries"]) == [
        ("DM-PH-B", ("before-2",)), ("DM-TCKH", ("before-2",)), ("DM-VHTT", ("before-2",)),
        ("DM-XA-A", ("before-2",))]
    vhtt = next(d for d in r["deliveries"] if d["unit"] == "DM-VHTT")
    assert vhtt["subject"] == "[Nhắc việc] 1 nhiệm vụ sắp đến hạn"
    body = outbox(home)[vhtt["key"]]["body"]
    assert "NV0001 – Nhiệm vụ thử nghiệm số 1" in body and "Còn 2 ngày làm việc" in body
    keys = dondoc("deliveries", "--json", home=home).json()
    assert not any("before-5" in r["key"] for r in keys) and len(keys) == 8


def test_plan_policy_overrides_the_defaults(home: Path, tmp_path: Path) -> None:
    write_plan(tmp_path / "cat", 1, extra="  reminders:\n    before: [3]")
    assert dondoc("catalog", "load", str(tmp_path / "cat"), home=home).code == 0
    assert dondoc("remind", "--as-of", "2022-06-16", "--json", home=home).json()["deliveries"] == []
    r = dondoc("remind", "--as-of", "2022-06-27", "--json", home=home).json()
    # a Monday: the letter also carries the weekly digest, which the policy does not shape
    assert {rule for d in r["deliveries"] for rule in d["rules"]
            if not rule.startswith("digest-")} == {"before-3"}


def test_snoozed_and_answered_tasks_get_no_reminder(demo: Path) -> None:
    with sqlite3.connect(demo / "dondoc.sqlite") as conn:
        conn.execute("update task set snoozed_until = '2022-07-01' where code = 'NV01'")
        bc01 = conn.execute("select id from task where code = 'BC01'").fetchone()[0]
        conn.execute("insert into progressreport (task_id, unit_code, reported_at, occurrence,"
                     " progress) values (?, 'DM-VHTT', '2022-06-29 08:00:00', '2022-06-30', 100)",
                     (bc01,))
    r = dondoc("remind", "--as-of", AS_OF, "--backfill", "--json", home=demo).json()
    assert sorted({t for d in r["deliveries"] for t in d["tasks"]}) == [
        "DM-CDS-2022/NV02", "DM-CDS-2022/SK01"]
    # the snooze is over the next working day
    r = dondoc("remind", "--as-of", "2022-07-04", "--backfill", "--json", home=demo).json()
    assert "DM-CDS-2022/NV01" in {t for d in r["deliveries"] for t in d["tasks"]}


def test_plan_filter_and_english(demo: Path) -> None:
    r = dondoc("remind", "--as-of", AS_OF, "--plan", "DM-CDS-2022", "--backfill", "--dry-run",
               "--json", home=demo, lang="en")
    assert r.code == 0, r.err
    letters = {d["unit"]: d for d in r.json()["deliveries"]}
    assert {t.split("/")[0] for d in letters.values() for t in d["tasks"]} == {"DM-CDS-2022"}
    assert "1:DM-VHTT:2022-05-04:overdue-40:outbox" in letters["DM-VHTT"]["keys"]
    assert letters["DM-UBND"]["subject"] == "[Reminder] 1 overdue at units you supervise"
    assert all(d["subject"].startswith("[Reminder] ") for d in letters.values())


@pytest.mark.parametrize("args, env, needle", [
    (["remind", "--as-of", "2022-02-30"], {}, "2022-02-30"),
    (["remind", "--plan", "KHONG-CO"], {}, "KHONG-CO"),
    (["remind", "--workers", "0"], {}, "0"),
    (["remind", "--as-of", AS_OF], {"DONDOC_APPRISE_CONFIG": "/nonexistent/apprise.yaml"},
     "/nonexistent/apprise.yaml"),
    (["digest", "--as-of", "hôm qua"], {}, "hôm qua"),
])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(demo: Path, args: list[str],
                                                          env: dict[str, str], needle: str) -> None:
    r = dondoc(*args, home=demo, env=env)
    assert r.code == 2, r.out + r.err
    assert len(r.err.strip().splitlines()) == 1 and needle in r.err
    assert r.out == "" and ledger_rows(demo) == [] and outbox(demo) == {}


def test_unset_secret_and_broken_config_are_refused(demo: Path, tmp_path: Path) -> None:
    config = tmp_path / "apprise.yaml"
    config.write_text("urls:\n  - json://bot:${HOOK_TOKEN}@127.0.0.1:9/x:\n      tag: DM-VHTT\n",
                      encoding="utf-8")
    r = dondoc("remind", "--as-of", AS_OF, home=demo, env={"DONDOC_APPRISE_CONFIG": str(config)})
    assert r.code == 2 and "HOOK_TOKEN" in r.err and len(r.err.strip().splitlines()) == 1
    config.write_text("urls: [json://x\n", encoding="utf-8")
    r = dondoc("remind", "--as-of", AS_OF, home=demo, env={"DONDOC_APPRISE_CONFIG": str(config)})
    assert r.code == 2 and "YAML" in r.err
    assert ledger_rows(demo) == []


def test_weekly_digest_once_per_unit_and_week(demo: Path) -> None:
    """The per-task mode's digest, a message of its own (letter mode: test_remind_letters)."""
    env = {"DONDOC_REMIND_LETTERS": "0"}
    r = dondoc("digest", "--as-of", AS_OF, "--json", home=demo, env=env)
    assert r.code == 0, r.err
    sent = {d["unit"]: d for d in r.json()["deliveries"]}
    assert set(sent) == {"DM-VHTT", "DM-TCKH", "DM-XA-A", "DM-PH-B", "DM-UBND"}
    assert {d["rule"] for d in sent.values()} == {"digest-2022-W26"}
    files = outbox(demo)
    vhtt = files[sent["DM-VHTT"]["key"]]
    assert vhtt["subject"] == ("[Tổng hợp tuần 26/2022] Phòng Văn hóa và Thông tin thành phố"
                               " Đông Mai: 4 quá hạn, 0 sắp đến hạn")
    assert "- NV01 – Xây dựng kế hoạch chuyển đổi số của từng đơn vị (DM-CDS-2022); hạn 04/05/2022;" \
           " quá hạn 42 ngày làm việc; chủ trì" in vhtt["body"]
    ubnd = files[sent["DM-UBND"]["key"]]
    assert "1 quá hạn ở đơn vị trực thuộc" in ubnd["subject"] and "chủ trì: Phòng Văn hóa" in ubnd["body"]
    # later in the same ISO week: nothing; the next week: a new digest
    assert dondoc("digest", "--as-of", "2022-07-03", "--json", home=demo,
                  env=env).json()["deliveries"] == []
    nxt = dondoc("digest", "--as-of", "2022-07-04", "--json", home=demo, env=env).json()
    assert {d["rule"] for d in nxt["deliveries"]} == {"digest-2022-W27"}


def test_deliveries_shows_the_ledger(demo: Path) -> None:
    assert dondoc("remind", "--as-of", AS_OF, "--backfill", home=demo).code == 0
    rows = dondoc("deliveries", "--json", home=demo).json()
    assert len(rows) == 9
    row = next(r for r in rows if r["key"] == "1:DM-VHTT:2022-05-04:overdue-40:outbox")
    assert row["plan"] == "DM-CDS-2022" and row["task"] == "NV01" and row["status"] == "sent"
    assert row["outcome"]["endpoint"] == "dondocoutbox://" and row["outcome"]["attempts"][0]["ok"]
    assert dondoc("deliveries", "--failed", "--json", home=demo).json() == []
    text = dondoc("deliveries", home=demo)
    assert text.code == 0 and "overdue-40" in text.out and "[Nhắc việc] " in text.out
