"""Letters: one message per unit and channel a day, a quiet start, Apprise's own routing.

Real parts throughout: the `dondoc` command in a subprocess, HTTP and SMTP receivers on
127.0.0.1, the seed catalog and the test fixtures."""

from __future__ import annotations

import email
import email.policy
import io
import shutil
import sqlite3
import unicodedata
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.cli import FIXTURES, SHIPPED_PLANS, dondoc
from tests.remind_servers import HttpReceiver, SmtpReceiver, write_plan

LETTERS = {"DONDOC_REMIND_LETTERS": "1"}
SEED_DAY = "2023-03-01"


def ledger(home: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(home / "dondoc.sqlite") as conn:
        return conn.execute("select key, status from delivery order by key").fetchall()


def per_unit_config(path: Path, port: int, codes: list[str]) -> Path:
    lines = ["version: 1", "urls:"]
    for code in codes:
        lines += [f"  - json://127.0.0.1:{port}/u/{code}:", f"      tag: {code}"]
    lines += [f"  - json://127.0.0.1:{port}/monitor:", "      tag: always"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def db_rows(db_url: str, sql: str) -> list[tuple]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def test_seed_catalog_one_letter_per_unit_and_channel_and_always_gets_all(
        db_url: str, home: Path, tmp_path: Path) -> None:
    """On SQLite and on PostgreSQL."""
    assert dondoc("catalog", "load", str(SHIPPED_PLANS), home=home, db_url=db_url).code == 0
    codes = [c for (c,) in db_rows(db_url, "select code from unit order by code")]
    with HttpReceiver() as http:
        env = {**LETTERS, "DONDOC_APPRISE_CONFIG": str(
            per_unit_config(tmp_path / "apprise.yaml", http.port, codes))}
        first = dondoc("remind", "--as-of", SEED_DAY, "--backfill", "--json", home=home,
                       db_url=db_url, env=env)
        assert first.code == 0, first.err
        report = first.json()
        received = list(http.received)
        again = dondoc("remind", "--as-of", SEED_DAY, "--backfill", "--json", home=home,
                       db_url=db_url, env=env)
        assert again.code == 0, again.err
        after = http.count()

    letters = [d for d in report["deliveries"] if d["status"] == "sent"]
    assert report["counts"]["sent"] == len(letters) and report["unrouted"] == []
    by_path = Counter(r.extra["path"] for r in received)
    units = {d["unit"] for d in letters}
    # every unit with something due gets one letter at its own URL, and the monitor one copy
    assert {p for p in by_path if p.startswith("/u/")} == {f"/u/{u}" for u in units}
    assert all(n == 1 for p, n in by_path.items() if p.startswith("/u/"))
    assert by_path["/monitor"] == len(units) > 50
    # 678 reminders of years past, not 678 messages: one letter per unit and channel
    covered = sum(d["items"] for d in letters)
    assert covered == report["counts"]["covered_sent"] == report["counts"]["due"] * 2
    assert len(letters) == 2 * len(units) < covered / 4
    subjects = {r.subject for r in received}
    assert all(s.startswith("[Nhắc việc] ") for s in subjects)
    assert "[Nhắc việc] 13 nhiệm vụ quá hạn" in subjects
    # the same day again: nothing new, every reminder is in the ledger as sent
    assert after == len(received)
    second = again.json()
    assert second["deliveries"] == [] and second["counts"]["already_sent"] == covered
    rows = db_rows(db_url, "select key, status from delivery")
    assert len(rows) == covered and {s for _, s in rows} == {"sent"}


def test_a_fresh_database_sends_only_what_falls_due_from_its_first_run(
        home: Path, tmp_path: Path) -> None:
    assert dondoc("catalog", "load", str(SHIPPED_PLANS), home=home).code == 0
    first = dondoc("remind", "--as-of", SEED_DAY, "--json", home=home, env=LETTERS).json()
    # the first run: 678 reminders of years past are backlog, counted, not sent
    assert first["counts"]["backlog"] == 678
    assert all(d["fired"] >= SEED_DAY for d in first["deliveries"])
    with sqlite3.connect(home / "dondoc.sqlite") as conn:
        first_seen = {d for (d,) in conn.execute("select distinct first_as_of from remindwatch")}
    assert first_seen == {SEED_DAY}
    # two weeks on: the overdue repeats that fired since the first run go out, one letter
    # per unit; what fired before it stays backlog
    later = dondoc("remind", "--as-of", "2023-03-15", "--json", home=home, env=LETTERS).json()
    sent = [d for d in later["deliveries"] if d["status"] == "sent"]
    assert sent and all(d["fired"] >= SEED_DAY for d in sent)
    assert Counter((d["unit"], d["channel"]) for d in sent).most_common(1)[0][1] == 1
    assert later["counts"]["backlog"] > 0
    text = dondoc("remind", "--as-of", "2023-03-15", home=home, env=LETTERS)
    assert text.code == 0, text.err
    assert "dondoc remind --backfill" in text.out and "đã gửi 0 thư" in text.out
    sent_before = {k for k, _ in ledger(home)}
    # --backfill sends the backlog, one letter per unit and channel, nothing twice
    back = dondoc("remind", "--as-of", "2023-03-15", "--backfill", "--json", home=home,
                  env=LETTERS).json()
    sent = [d for d in back["deliveries"] if d["status"] == "sent"]
    assert sent and back["counts"]["backlog"] == 0
    assert sum(d["items"] for d in sent) == later["counts"]["backlog"]
    assert Counter((d["unit"], d["channel"]) for d in sent).most_common(1)[0][1] == 1
    assert not sent_before & {k for d in sent for k in d["keys"]}


def test_a_task_loaded_into_a_running_system_starts_quiet(home: Path, tmp_path: Path) -> None:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home).code == 0
    assert dondoc("remind", "--as-of", "2022-06-01", "--json", home=home, env=LETTERS).code == 0
    # a plan whose one task fell due on 30/06/2022, loaded on 4 July: its overdue-0 fired
    # on 1 July, before the sweep saw it: backlog, not sent
    write_plan(tmp_path / "cat", 1)
    assert dondoc("catalog", "load", str(tmp_path / "cat"), home=home).code == 0
    r = dondoc("remind", "--as-of", "2022-07-04", "--json", home=home, env=LETTERS).json()
    with sqlite3.connect(home / "dondoc.sqlite") as conn:
        new_id = conn.execute("select id from task where plan_code = 'DM-NHAC-2022'").fetchone()[0]
    assert not [k for d in r["deliveries"] for k in d["keys"] if k.startswith(f"{new_id}:")]
    assert r["counts"]["backlog"] >= 4
    back = dondoc("remind", "--as-of", "2022-07-04", "--backfill", "--json", home=home,
                  env=LETTERS).json()
    assert [k for d in back["deliveries"] for k in d["keys"] if k.startswith(f"{new_id}:")]


def test_dry_run_lists_unrouted_units_and_records_nothing(home: Path, tmp_path: Path) -> None:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home).code == 0
    config = tmp_path / "apprise.yaml"
    config.write_text("version: 1\nurls:\n  - json://127.0.0.1:9/hook:\n      tag: DM-VHTT\n",
                      encoding="utf-8")
    env = {**LETTERS, "DONDOC_APPRISE_CONFIG": str(config)}
    r = dondoc("remind", "--as-of", "2022-07-01", "--backfill", "--dry-run", "--json", home=home,
               env=env).json()
    assert r["counts"]["would_send"] == len(r["deliveries"]) > 1
    assert "DM-VHTT" not in r["unrouted"] and {"DM-TCKH", "DM-UBND"} <= set(r["unrouted"])
    assert {d["endpoint"] for d in r["deliveries"] if d["unit"] != "DM-VHTT"} == {"dondocoutbox://"}
    assert ledger(home) == [] and not (home / "outbox").exists()
    with sqlite3.connect(home / "dondoc.sqlite") as conn:
        assert conn.execute("select count(*) from remindwatch").fetchone()[0] == 0


def test_a_letter_by_smtp_carries_html_text_xlsx_and_ics(home: Path, tmp_path: Path) -> None:
    cat = tmp_path / "cat"
    shutil.copytree(FIXTURES / "catalog", cat)
    units = cat / "units.yaml"
    text = units.read_text(encoding="utf-8")
    marker = "    name: Phòng Văn hóa và Thông tin thành phố Đông Mai\n"
    assert marker in text
    units.write_text(text.replace(marker, marker + "    contact: 0225 3842 123, vhtt@dongmai.gov.vn\n"),
                     encoding="utf-8")
    assert dondoc("catalog", "load", str(cat), home=home).code == 0
    with SmtpReceiver("dondoc", "pw") as smtp:
        config = tmp_path / "apprise.yaml"
        config.write_text(f"""version: 1
urls:
  - mailto://dondoc:pw@127.0.0.1:{smtp.port}?mode=insecure&from=dondoc@dongmai.gov.vn&to=xa@dongmai.gov.vn:
      tag: DM-XA-A
""", encoding="utf-8")
        env = {**LETTERS, "DONDOC_APPRISE_CONFIG": str(config)}
        r = dondoc("remind", "--as-of", "2022-07-01", "--backfill", "--json", home=home, env=env)
        assert r.code == 0, r.err
    assert len(smtp.messages) == 1
    raw = smtp.messages[0].extra["raw"]
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")  # headers are 7-bit: encoded words
    assert "=?utf-8?" in head.lower()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    subject = str(msg["subject"])
    assert subject == unicodedata.normalize("NFC", subject)
    assert subject.startswith("[Nhắc việc] ") and "quá hạn" in subject
    plain = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    for part in (plain, html):
        assert unicodedata.normalize("NFC", part) == part
        assert "Kính gửi: " in part and "Ủy ban nhân dân xã Tiên A" in part
        assert "Phòng Văn hóa và Thông tin thành phố Đông Mai" in part  # who sends it
        assert "0225 3842 123, vhtt@dongmai.gov.vn" in part  # how to reach them
        assert "Quá hạn 58 ngày" in part  # calendar days, as `dondoc overdue` counts
        assert "dondoc report submit" in part and "--extension-to" in part
    assert "<ol>" in html and "<li>" in html
    files = {p.get_filename(): p.get_content() for p in msg.iter_attachments()}
    xlsx = next(v for k, v in files.items() if k.endswith(".xlsx"))
    ics = next(v for k, v in files.items() if k.endswith(".ics"))
    from openpyxl import load_workbook
    wb = load_workbook(io.BytesIO(xlsx))
    cells = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    assert "NV01" in cells and "Quá hạn" in cells
    from icalendar import Calendar
    cal = Calendar.from_ical(ics if isinstance(ics, bytes) else ics.encode())
    events = [e for e in cal.walk("VEVENT")]
    assert events and any("NV01" in str(e["summary"]) for e in events)
    assert {e["dtstart"].dt.isoformat() for e in events} >= {"2022-05-04"}


DIGEST = "TỔNG HỢP TUẦN "


def digest_plan(tmp_path: Path) -> tuple[Path, list[str]]:
    """Three communes, each leading one task due Tuesday 05/07/2022 that the next supports:
    on Monday 04/07 each owes two before-due reminders and has a digest of two open tasks."""
    from tests.remind_servers import write_unit_plan

    cat = tmp_path / "cat"
    codes = write_unit_plan(cat, 3, deadline="05/07/2022")
    return cat, codes


def unit_letters(http: HttpReceiver, start: int = 0) -> list:
    return [r for r in list(http.received)[start:] if r.extra["path"].startswith("/u/")]


def test_on_monday_the_digest_rides_in_the_letter_once(home: Path, tmp_path: Path) -> None:
    cat, codes = digest_plan(tmp_path)
    assert dondoc("catalog", "load", str(cat), home=home).code == 0
    with HttpReceiver() as http:
        env = {**LETTERS, "DONDOC_APPRISE_CONFIG": str(
            per_unit_config(tmp_path / "apprise.yaml", http.port, codes))}
        # the sweep has watched the plan since the Wednesday before (no quiet start on Monday)
        before = dondoc("remind", "--as-of", "2022-06-29", "--json", home=home, env=env)
        assert before.code == 0, before.err
        n = len(http.received)
        monday = dondoc("remind", "--as-of", "2022-07-04", "--json", home=home, env=env)
        assert monday.code == 0, monday.err
        got = unit_letters(http, n)
        again = dondoc("remind", "--as-of", "2022-07-04", "--json", home=home, env=env).json()
        assert len(unit_letters(http, n)) == len(got)
        tuesday = dondoc("remind", "--as-of", "2022-07-05", "--json", home=home, env=env)
        assert tuesday.code == 0, tuesday.err
        got_tuesday = unit_letters(http, len(http.received) - 2 * len(codes))

    # one letter per unit, holding its reminders and its digest
    assert sorted(r.extra["path"] for r in got) == [f"/u/{c}" for c in codes]
    for r in got:
        assert unicodedata.normalize("NFC", r.body) == r.body
        assert "2 nhiệm vụ sắp đến hạn" in r.subject and "tổng hợp tuần 27/2022" in r.subject
        assert "1. [Còn 1 ngày làm việc] NV" in r.body  # the reminders section
        assert f"{DIGEST}27/2022" in r.body and "Sắp đến hạn (2):" in r.body
        assert "; chủ trì" in r.body and "; phối hợp" in r.body
    # the digest's own ledger key, once per unit and channel (its URL and the monitor's)
    keys = [k for d in monday.json()["deliveries"] for k in d["keys"]]
    assert Counter(k.rsplit(":", 1)[0] for k in keys if k.startswith("-:")) == {
        f"-:{c}:2022-07-04:digest-2022-W27": 2 for c in codes}
    # the same day again: nothing, the digest and the reminders are in the ledger as sent
    assert again["deliveries"] == [] and again["counts"]["already_sent"] == 2 * 3 * len(codes)
    assert {s for k, s in ledger(home) if k.startswith("-:")} == {"sent"}
    # Tuesday: the day's reminders, no digest
    assert len(got_tuesday) == len(codes)
    assert all(DIGEST not in r.body and "tổng hợp" not in r.subject for r in got_tuesday)
    assert not [k for d in tuesday.json()["deliveries"] for k in d["keys"] if k.startswith("-:")]


def test_dondoc_digest_sends_a_digest_only_letter_and_monday_leaves_it_out(
        home: Path, tmp_path: Path) -> None:
    cat, codes = digest_plan(tmp_path)
    assert dondoc("catalog", "load", str(cat), home=home).code == 0
    with HttpReceiver() as http:
        env = {**LETTERS, "DONDOC_APPRISE_CONFIG": str(
            per_unit_config(tmp_path / "apprise.yaml", http.port, codes))}
        wednesday = dondoc("digest", "--as-of", "2022-06-29", "--json", home=home, env=env)
        assert wednesday.code == 0, wednesday.err
        digests = unit_letters(http)
        twice = dondoc("digest", "--as-of", "2022-06-29", "--json", home=home, env=env).json()
        n = len(http.received)
        # a late run for that week's Monday: the week's digest is already sent
        catch_up = dondoc("remind", "--as-of", "2022-06-27", "--json", home=home, env=env)
        assert catch_up.code == 0, catch_up.err
        catch_up_letters = unit_letters(http, n)
        n = len(http.received)
        monday = dondoc("remind", "--as-of", "2022-07-04", "--json", home=home, env=env)
        assert monday.code == 0, monday.err
        next_monday = unit_letters(http, n)

    # one digest-only letter per unit, under the week's digest key
    assert sorted(r.extra["path"] for r in digests) == [f"/u/{c}" for c in codes]
    for r in digests:
        assert r.subject == "[Nhắc việc] Tổng hợp tuần 26/2022"
        assert f"{DIGEST}26/2022" in r.body and "Sắp đến hạn (2):" in r.body
        assert "KẾ HOẠCH:" not in r.body  # no reminders
    assert Counter(k.rsplit(":", 1)[0] for d in wednesday.json()["deliveries"]
                   for k in d["keys"]) == {f"-:{c}:2022-06-27:digest-2022-W26": 2 for c in codes}
    assert twice["deliveries"] == [] and twice["counts"]["already_sent"] == 2 * len(codes)
    # that Monday's letter (sent late) carries no digest: week 26's is in the ledger
    assert all(DIGEST not in r.body for r in catch_up_letters)
    assert not [k for d in catch_up.json()["deliveries"] for k in d["keys"] if k.startswith("-:")]
    # the next Monday: one letter per unit, with week 27's digest, not week 26's again
    assert sorted(r.extra["path"] for r in next_monday) == [f"/u/{c}" for c in codes]
    for r in next_monday:
        assert f"{DIGEST}27/2022" in r.body and f"{DIGEST}26/2022" not in r.body
    assert [s for k, s in ledger(home) if "digest-2022-W26" in k] == ["sent"] * 2 * len(codes)
