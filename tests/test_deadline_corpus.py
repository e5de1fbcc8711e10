"""The deadline corpus: every phrase parses to what it means or is refused, never guessed."""

from __future__ import annotations

import pytest

from dondoc.catalog.i18n import set_lang
from dondoc.catalog.rules.deadline import DeadlineError, parse
from dondoc.catalog.rules.workdays import default_calendar
from tests.deadline_corpus import ANCHOR, RELATIVE, corpus, strip_accents

CORPUS = corpus()
ACCEPTED = [(p, e) for p, e in CORPUS if not isinstance(e, str)]
REFUSALS = {"partly": "không đọc được phần", "range": "không liền mạch", "unknown": "không hiểu",
            "uneven": "cùng số ngày", "anchor": "ngày ban hành", "bad_day": "không tồn tại"}


def test_corpus_is_large_and_distinct() -> None:
    phrases = [p for p, _ in CORPUS]
    assert len(set(phrases)) == len(phrases) >= 300


@pytest.mark.parametrize("phrase,expected", CORPUS)
def test_phrase(phrase: str, expected: object) -> None:
    set_lang("vi")
    try:
        if isinstance(expected, str):
            with pytest.raises(DeadlineError) as err:
                parse(phrase)
            assert REFUSALS[expected] in str(err.value)
            return
        d = parse(phrase)
        assert (d.kind, d.start, d.due, d.rrule) == expected
        assert d.understood(), phrase
    finally:
        set_lang(None)


def test_a_refusal_names_the_part_not_understood() -> None:
    set_lang("en")
    try:
        with pytest.raises(DeadlineError) as err:
            parse("Tháng 10-12/2022 và 2023")
    finally:
        set_lang(None)
    assert "«và 2023» was not understood" in str(err.value)


# The grammar's rule: a fragment that carries a date, a number, a range or a conjunction is
# either read (the meaning changes) or the phrase is refused; filler never changes it.
CARRIERS = [" và 15", " đến tháng", " mỗi quý", " cuối", " - 7", " và các năm tiếp theo", " 3", " đầu",
            " và tháng 5"]
FILLER = ["Hoàn thành ", "hoàn thành trước ", "Trình UBND ", " và báo cáo UBND",
          "; gửi Văn phòng UBND", " (theo hướng dẫn)", " tại Việt Nam"]


@pytest.mark.parametrize("phrase,expected", ACCEPTED[::3])
def test_date_carrying_words_are_never_skipped(phrase: str, expected: object) -> None:
    before = parse(phrase)
    for fragment in CARRIERS:
        try:
            after = parse(phrase + fragment)
        except DeadlineError:
            continue
        read = " ".join(after.understood())
        assert fragment.strip() in read or after.as_json() != before.as_json() | {
            "text": after.text, "understood": after.understood()}, phrase + fragment


@pytest.mark.parametrize("phrase,expected", ACCEPTED[::3])
def test_filler_changes_nothing(phrase: str, expected: object) -> None:
    for words in FILLER:
        text = words + phrase if words.endswith(" ") else phrase + words
        d = parse(text)
        assert (d.kind, d.start, d.due, d.rrule) == expected, text


def test_labels_split_a_combined_regime() -> None:
    d = parse("hằng quý, 6 tháng và năm")
    assert [d.label_for(o) for o in d.occurrences(ANCHOR.replace(month=1, day=1),
                                                  ANCHOR.replace(month=12, day=31))] == \
        ["quý", "6 tháng", "quý", "năm"]
    assert parse("hằng năm").labels == ()


def test_open_recurrence_bounds() -> None:
    d = parse("hằng năm đến năm 2025")
    assert d.until is not None and d.until.isoformat() == "2025-12-31"
    assert parse(strip_accents("năm 2022 và các năm tiếp theo")).until is None


@pytest.mark.parametrize("phrase,due,working", RELATIVE)
def test_relative_deadlines_count_from_the_plan_date(phrase: str, due: object, working: bool) -> None:
    cal = default_calendar()
    for text in (phrase, strip_accents(phrase)):
        d = parse(text, ANCHOR, cal.add_working_days)
        assert (d.kind, d.start, d.due) == ("date", ANCHOR, due), text
