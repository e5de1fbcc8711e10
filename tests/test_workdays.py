"""The working-day calendar, on the real `holidays` Vietnam data plus overrides."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dondoc.catalog.rules.workdays import SHIPPED_OVERRIDES, WorkCalendar

D = dt.date


def cal(tmp_path: Path, text: str | None = None) -> WorkCalendar:
    files = [SHIPPED_OVERRIDES]
    if text is not None:
        extra = tmp_path / "calendar.yaml"
        extra.write_text(text, encoding="utf-8")
        files.append(extra)
    return WorkCalendar(files)


def test_weekend_moves_to_monday(tmp_path: Path) -> None:
    c = cal(tmp_path)
    assert c.effective_due(D(2023, 6, 30)) == D(2023, 6, 30)  # a Friday
    assert c.effective_due(D(2023, 9, 30)) == D(2023, 10, 2)  # Saturday -> Monday


def test_holidays_from_the_package(tmp_path: Path) -> None:
    c = cal(tmp_path)
    # 30/4/2022 is a Saturday; 2 and 3 May 2022 were days off in lieu (observed).
    assert c.effective_due(D(2022, 4, 30)) == D(2022, 5, 4)
    # 31/12/2022 is a Saturday and 2/1/2023 the observed New Year holiday.
    assert c.effective_due(D(2022, 12, 31)) == D(2023, 1, 3)
    # Tết 2023: 20-26 January.
    assert c.effective_due(D(2023, 1, 20)) == D(2023, 1, 27)


def test_swapped_saturday_is_a_working_day(tmp_path: Path) -> None:
    c = cal(tmp_path)
    # Friday 2/5/2025 was given off in exchange for working Saturday 26/4/2025.
    assert c.is_working(D(2025, 4, 26))
    assert not c.is_working(D(2025, 5, 2))
    assert c.effective_due(D(2025, 4, 26)) == D(2025, 4, 26)


def test_override_file_adds_days_off_and_working_days(tmp_path: Path) -> None:
    c = cal(tmp_path, "days_off:\n  - {date: 2031-03-14, name: nghỉ bù}\n"
                      "working_days:\n  - 2031-03-22\n")
    assert not c.is_working(D(2031, 3, 14))
    assert c.effective_due(D(2031, 3, 14)) == D(2031, 3, 17)
    assert c.is_working(D(2031, 3, 22))  # a Saturday made a working day


def test_working_day_arithmetic(tmp_path: Path) -> None:
    c = cal(tmp_path)
    # Ten working days before Friday 30/6/2023 is Friday 16/6/2023.
    assert c.add_working_days(D(2023, 6, 30), -10) == D(2023, 6, 16)
    assert c.working_days_between(D(2023, 6, 16), D(2023, 6, 30)) == 10
    assert c.working_days_between(D(2023, 6, 30), D(2023, 6, 16)) == -10
