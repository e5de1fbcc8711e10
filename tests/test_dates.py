"""Dates as users type them: dd/mm/yyyy, d/m/yyyy, yyyy-mm-dd; a guessed year is said."""

from __future__ import annotations

import datetime as dt

import pytest

from dondoc.catalog.i18n import DondocError, set_lang
from dondoc.catalog.rules.dates import parse_user_date


@pytest.mark.parametrize("text", ["03/04/2023", "3/4/2023", "2023-04-03", " 03.04.2023 ", "3-4-2023"])
def test_the_same_day_in_every_spelling(text: str) -> None:
    assert parse_user_date(text) == (dt.date(2023, 4, 3), None)


def test_a_day_without_year_says_which_day_was_read() -> None:
    set_lang("en")
    try:
        day, note = parse_user_date("3/4", dt.date(2024, 1, 5))
    finally:
        set_lang(None)
    assert day == dt.date(2024, 4, 3) and note == "read «3/4» as 03/04/2024"


@pytest.mark.parametrize("text", ["31/02/2023", "2023-13-01", "3/4", "hôm qua", "", "1/2/23"])
def test_bad_dates_are_refused(text: str) -> None:
    with pytest.raises(DondocError) as err:
        parse_user_date(text)
    assert "dd/mm/yyyy" in str(err.value)
