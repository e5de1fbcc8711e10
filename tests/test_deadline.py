"""The deadline language: every row of DESIGN.md's table, accents or none, scan damage."""

from __future__ import annotations

import datetime as dt

import pytest

from dondoc.catalog.rules.deadline import DeadlineError, fold, parse
from dondoc.catalog.i18n import set_lang

D = dt.date

ROWS = [
    # phrase, kind, start, due
    ("31/12/2022", "date", None, D(2022, 12, 31)),
    ("ngày 31 tháng 12 năm 2022", "date", None, D(2022, 12, 31)),
    ("trước ngày 31/12/2022", "date", None, D(2022, 12, 31)),
    ("tháng 4/2022", "month", D(2022, 4, 1), D(2022, 4, 30)),
    ("trong tháng 4/2022", "month", D(2022, 4, 1), D(2022, 4, 30)),
    ("tháng 2 năm 2024", "month", D(2024, 2, 1), D(2024, 2, 29)),
    ("Quý IV/2022", "quarter", D(2022, 10, 1), D(2022, 12, 31)),
    ("quý IV năm 2022", "quarter", D(2022, 10, 1), D(2022, 12, 31)),
    ("Quý 4/2022", "quarter", D(2022, 10, 1), D(2022, 12, 31)),
    ("Quý II/2022", "quarter", D(2022, 4, 1), D(2022, 6, 30)),
    ("6 tháng đầu năm 2023", "half", D(2023, 1, 1), D(2023, 6, 30)),
    ("6 tháng cuối năm 2023", "half", D(2023, 7, 1), D(2023, 12, 31)),
    ("Năm 2022", "year", D(2022, 1, 1), D(2022, 12, 31)),
    ("trong năm 2022", "year", D(2022, 1, 1), D(2022, 12, 31)),
    ("2022", "year", D(2022, 1, 1), D(2022, 12, 31)),
    ("Giai đoạn 2022-2025", "period", D(2022, 1, 1), D(2025, 12, 31)),
    ("2021 - 2025", "period", D(2021, 1, 1), D(2025, 12, 31)),
    ("từ năm 2022 đến năm 2025", "period", D(2022, 1, 1), D(2025, 12, 31)),
    ("thường xuyên", "ongoing", None, None),
    ("liên tục", "ongoing", None, None),
    # Civil Code 2015 art. 146: đầu/giữa/cuối tháng and năm.
    ("đầu tháng 3/2023", "date", None, D(2023, 3, 1)),
    ("giữa tháng 3/2023", "date", None, D(2023, 3, 15)),
    ("cuối tháng 2/2023", "date", None, D(2023, 2, 28)),
    ("giữa năm 2023", "date", None, D(2023, 6, 30)),
    ("cuối năm 2023", "date", None, D(2023, 12, 31)),
]

RECURRING = [
    ("hằng năm", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31"),
    ("hàng năm", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31"),
    ("hằng quý", "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1"),
    ("hằng tháng", "FREQ=MONTHLY;BYMONTHDAY=-1"),
    ("định kỳ 6 tháng", "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1"),
    ("trước ngày 15/12 hằng năm", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15"),
    ("trước ngày 20 hằng tháng", "FREQ=MONTHLY;BYMONTHDAY=20"),
    ("Quý IV hằng năm", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=-1"),
]


def strip_accents(text: str) -> str:
    import unicodedata
    s = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in s if unicodedata.category(c) != "Mn")


@pytest.mark.parametrize("phrase,kind,start,due", ROWS)
def test_table_rows(phrase: str, kind: str, start: D | None, due: D | None) -> None:
    for text in (phrase, strip_accents(phrase), phrase.upper()):
        d = parse(text)
        assert (d.kind, d.start, d.due) == (kind, start, due), text
        assert d.text == text.strip()


@pytest.mark.parametrize("phrase,rule", RECURRING)
def test_recurring_rules(phrase: str, rule: str) -> None:
    for text in (phrase, strip_accents(phrase)):
        d = parse(text)
        assert d.kind == "recurring" and d.rrule == rule and d.due is None


@pytest.mark.parametrize("damaged,kind,due", [
    ("quý lV năm2022", "quarter", D(2022, 12, 31)),
    ("quj lY ndtrn2022", "quarter", D(2022, 12, 31)),
    ("Quý 1V/2022", "quarter", D(2022, 12, 31)),
    ("tháng4/2022", "month", D(2022, 4, 30)),
    ("năm2025", "year", D(2025, 12, 31)),
    ("Giai đoạn 2022–2025", "period", D(2025, 12, 31)),
    ("trước ngày 31 / 12 / 2022", "date", D(2022, 12, 31)),
])
def test_scan_damage(damaged: str, kind: str, due: D) -> None:
    d = parse(damaged)
    assert (d.kind, d.due) == (kind, due)
    assert d.text == damaged  # the original text is kept


@pytest.mark.parametrize("phrase,needle_vi,needle_en", [
    ("31/02/2022", "không tồn tại", "does not exist"),
    ("29/02/2023", "có 28 ngày", "has 28 days"),
    ("quý V/2022", "quý V không tồn tại", "quarter V does not exist"),
    ("tháng 13/2022", "tháng 13 không tồn tại", "month 13 does not exist"),
    ("Giai đoạn 2025-2022", "kết thúc trước", "ends before"),
    ("khi nào xong thì báo", "không hiểu thời hạn", "cannot understand"),
    ("", "trống", "empty"),
])
def test_impossible_or_meaningless(phrase: str, needle_vi: str, needle_en: str) -> None:
    try:
        set_lang("vi")
        with pytest.raises(DeadlineError) as vi:
            parse(phrase)
        set_lang("en")
        with pytest.raises(DeadlineError) as en:
            parse(phrase)
    finally:
        set_lang(None)
    assert needle_vi in str(vi.value)
    assert needle_en in str(en.value)


def test_occurrences_inside_window() -> None:
    d = parse("hằng quý")
    assert d.occurrences(D(2022, 1, 1), D(2022, 12, 31)) == [
        D(2022, 3, 31), D(2022, 6, 30), D(2022, 9, 30), D(2022, 12, 31)]
    yearly = parse("trước ngày 15/12 hằng năm")
    assert yearly.occurrences(D(2022, 1, 1), D(2024, 12, 31)) == [
        D(2022, 12, 15), D(2023, 12, 15), D(2024, 12, 15)]
    assert parse("Quý IV/2022").occurrences(D(2022, 1, 1), D(2022, 12, 31)) == [D(2022, 12, 31)]
    assert parse("Quý IV/2022").occurrences(D(2023, 1, 1), D(2023, 12, 31)) == []
    assert parse("thường xuyên").occurrences(D(2022, 1, 1), D(2030, 1, 1)) == []


def test_fold_is_plain_ascii() -> None:
    assert fold("Quý IV năm2022") == "quy iv nam 2022"
    assert fold("ĐẦU THÁNG 3") == "dau thang 3"
