"""One language for everything people read: the catalogues, plurals, help and usage errors."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from dondoc.catalog.i18n import catalogue, nt, set_lang, t
from dondoc.catalog.i18n.po import parse
from dondoc.tui.cli import main
from tests.cli import FIXTURES, dondoc

PLACEHOLDER = re.compile(r"\{(\w*)\}")


@pytest.fixture(autouse=True)
def _language_reset(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("DONDOC_LANG", raising=False)
    monkeypatch.setenv("DONDOC_HOME", str(tmp_path))
    monkeypatch.delenv("DONDOC_DATABASE_URL", raising=False)
    yield
    set_lang(None)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The real main() in this process, as the `dondoc` script calls it."""
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_.value.code, out, err


# ------------------------------------------------------------------ catalogues


def test_both_catalogues_hold_the_same_keys_and_placeholders() -> None:
    vi, en = catalogue("vi"), catalogue("en")
    assert set(vi.singular) == set(en.singular)
    assert set(vi.plural) == set(en.plural)
    # Vietnamese and English may word a message differently, but never ask for other fields
    # (field.type names its phrase expected/expected_en, the one known exception).
    for key, text in vi.singular.items():
        if key != "field.type":
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(en.singular[key])), key
    for key, forms in en.plural.items():
        assert len(forms) == 2 and len(vi.plural[key]) == 1, key


def test_vietnamese_is_nfc_with_its_diacritics() -> None:
    import unicodedata
    texts = list(catalogue("vi").singular.values())
    assert all(unicodedata.is_normalized("NFC", s) for s in texts)
    assert t("help.cmd.overdue") == "Các nhiệm vụ quá hạn tại ngày xem, quá hạn lâu nhất trước."


def test_po_reader_handles_continuations_escapes_and_plurals(tmp_path: Path) -> None:
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        '# a comment\nmsgid "a.b"\nmsgstr ""\n"first line\\n"\n"say \\"hi\\" \\\\ done"\n\n'
        'msgid "n.days"\nmsgid_plural "n.days"\nmsgstr[0] "{n} day"\nmsgstr[1] "{n} days"\n',
        encoding="utf-8")
    cat = parse(po)
    assert cat.singular == {"a.b": 'first line\nsay "hi" \\ done'}
    assert cat.plural == {"n.days": ("{n} day", "{n} days")}
    assert [cat.plural_index(n) for n in (0, 1, 2)] == [1, 0, 1]


def test_plurals_agree_with_the_number() -> None:
    set_lang("en")
    assert nt("up.overdue_today", 1, day="2022-06-30") == "Overdue today (2022-06-30): 1 task"
    assert nt("up.overdue_today", 3, day="2022-06-30") == "Overdue today (2022-06-30): 3 tasks"
    set_lang("vi")
    assert nt("up.overdue_today", 1, day="30/06/2022") == "Quá hạn hôm nay (30/06/2022): 1 nhiệm vụ"


def test_an_english_reminder_says_one_day_not_one_days() -> None:
    from dondoc.tasks.render import ReminderView, render_reminder

    view = ReminderView(
        key="k", unit="U", unit_name="Sở A", role="lead", rule="before", as_of=dt.date(2022, 6, 29),
        plan="P", plan_title="Kế hoạch", task="NV01", task_title="Việc", section=None,
        deadline_text="30/6/2022", due=dt.date(2022, 6, 30), effective_due=dt.date(2022, 6, 30),
        working_days=1, overdue=False, lead_name="Sở A")
    en = render_reminder(view, "en")
    assert en.subject == "[1 day left] NV01 – Việc (P)"
    assert "Status: 1 working day left (until the end of Thursday, 2022-06-30)" in en.body
    vi = render_reminder(view, "vi")
    assert vi.subject == "[Còn 1 ngày] NV01 – Việc (P)"
    assert "Tình trạng: còn 1 ngày làm việc (đến hết Thứ Năm, 30/06/2022)" in vi.body


# ------------------------------------------------------------------ help


def test_help_is_vietnamese_by_default_and_english_on_request(capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "Cách dùng: dondoc" in out and "Tuỳ chọn" in out and "Lệnh" in out
    assert "Các nhiệm vụ quá hạn tại ngày xem" in out and "Show this message" not in out

    code, out, _ = run(capsys, "overdue", "--help")
    assert code == 0 and "Chỉ in số lượng." in out and "Hiện hướng dẫn này rồi thoát." in out
    assert "help.opt" not in out

    code, out, _ = run(capsys, "--lang", "en", "overdue", "--help")
    assert code == 0 and "Usage: dondoc overdue" in out and "Only how many." in out
    assert "Cách dùng" not in out

    monkeypatch.setenv("DONDOC_LANG", "en")
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "Tasks overdue on the as-of date, worst first." in out

    code, out, _ = run(capsys, "--lang=vi", "catalog", "--help")
    assert code == 0 and "Nạp tệp kế hoạch vào cơ sở dữ liệu" in out


# ------------------------------------------------------------------ usage errors


@pytest.mark.parametrize(("args", "vi", "en"), [
    (["overdu"], "không có lệnh «overdu» trong dondoc; có phải ý bạn là overdue?",
     "no command «overdu» in dondoc; did you mean overdue?"),
    (["overdue", "--as-of"], "tuỳ chọn «--as-of» cần một giá trị",
     "the option «--as-of» needs a value"),
    (["overdue", "--bogus"], "dondoc overdue không có tuỳ chọn «--bogus»",
     "dondoc overdue has no option «--bogus»"),
    (["review", "schedule", "--plan", "X"], "thiếu --quarter", "--quarter is missing"),
    (["remind", "--workers", "nhiều"], "giá trị của --workers không hợp lệ",
     "invalid value for --workers"),
])
def test_usage_errors_are_one_line_in_the_chosen_language(
        capsys: pytest.CaptureFixture[str], args: list[str], vi: str, en: str) -> None:
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith(vi), err
    assert "Traceback" not in err
    code, out, err = run(capsys, "--lang", "en", *args)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith(en), err


@pytest.mark.parametrize("group", ["catalog", "review", "report", "deadline"])
def test_a_group_without_a_subcommand_gives_a_short_usage(capsys: pytest.CaptureFixture[str],
                                                          group: str) -> None:
    code, out, err = run(capsys, group)
    assert (code, out) == (2, "")
    usage, line = err.rstrip("\n").split("\n")
    assert usage.startswith(f"Cách dùng: dondoc {group} [OPTIONS] COMMAND")
    assert line.startswith(f"dondoc {group}: cần một lệnh con: ")
    code, _, err = run(capsys, "--lang", "en", group)
    assert code == 2 and f"dondoc {group}: needs a subcommand: " in err


def test_usage_errors_in_a_real_process(tmp_path: Path) -> None:
    for args in (["overdu"], ["catalog"], ["overdue", "--as-of"], ["overdue", "--bogus"]):
        r = dondoc(*args, home=tmp_path)
        assert r.code == 2 and r.out == "", (args, r)
        assert "Traceback" not in r.err and 1 <= r.err.count("\n") <= 2, (args, r.err)
    r = dondoc("overdue", "--bogus", home=tmp_path, lang="en")
    assert r.err == "dondoc overdue has no option «--bogus» (see: dondoc overdue --help)\n"
    assert not (tmp_path / "dondoc.db").exists()  # nothing was created by a refused command


# ------------------------------------------------------------------ results


def test_plans_table_headers_are_words(tmp_path: Path) -> None:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=tmp_path).code == 0
    vi = dondoc("plans", home=tmp_path, env={"COLUMNS": "200"}).out
    assert "Ngày ban hành" in vi and "Kinh phí (đồng)" in vi
    assert "issued_on" not in vi and "budget_vnd" not in vi
    en = dondoc("plans", home=tmp_path, lang="en", env={"COLUMNS": "200"}).out
    assert "Issued on" in en and "Budget (VND)" in en


def test_catalog_load_says_what_changed_in_words(tmp_path: Path) -> None:
    r = dondoc("catalog", "load", str(FIXTURES / "catalog"), home=tmp_path)
    assert r.out == ("đã nạp: phân công: tạo 13; kế hoạch: tạo 1; chỉ tiêu: tạo 2; nhiệm vụ: tạo 8;"
                     " đơn vị: tạo 8\n")
    r = dondoc("catalog", "load", str(FIXTURES / "catalog"), home=tmp_path, lang="en")
    assert r.out.startswith("nothing changed\nloaded: plans: 1 unchanged; targets: 2 unchanged")


def test_report_submit_prints_a_sentence(tmp_path: Path) -> None:
    assert dondoc("catalog", "load", str(FIXTURES / "catalog"), home=tmp_path).code == 0
    r = dondoc("report", "submit", "--task", "DM-CDS-2022/NV01", "--progress", "60",
               "--extension-to", "2022-08-31", home=tmp_path)
    assert r.code == 0, r.err
    assert r.out == ("Đã ghi nhận báo cáo nhiệm vụ DM-CDS-2022/NV01: tiến độ 60%; "
                     "đề nghị gia hạn đến 2022-08-31.\n")
    r = dondoc("report", "submit", "--task", "DM-CDS-2022/NV01", "--progress", "70",
               home=tmp_path, lang="en")
    assert r.out == "Recorded the report on task DM-CDS-2022/NV01: progress 70%.\n"


# ------------------------------------------------------------------ progress


def test_one_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from dondoc.tui.cli.progress import progress

    with progress("x", 10) as bar:  # pytest's stderr is not a terminal
        assert bar.advance is None and bar.set_total is None
    master, slave = os.openpty()  # a real terminal
    with open(slave, "w", encoding="utf-8") as tty:
        monkeypatch.setattr("sys.stderr", tty)
        with progress("Nạp danh mục", 10, min_total=20) as bar:
            assert bar.advance is None  # too short a job for a bar
        with progress("Nạp danh mục", None) as bar:
            assert bar.advance is not None and bar.set_total is not None
            bar.set_total(3)
            bar.advance(3)
        with progress("x", 5, quiet=True) as bar:
            assert bar.advance is None
    shown = os.read(master, 65536).decode("utf-8", "replace")
    os.close(master)
    assert "Nạp danh mục" in shown
