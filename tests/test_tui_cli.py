"""`dondoc tui` on the command line: bad input is refused before the screen takes the
terminal (one line on stderr, exit 2), in the chosen language."""

from __future__ import annotations

from pathlib import Path

from tests.cli import dondoc


def test_tui_is_registered(home: Path) -> None:
    result = dondoc("tui", "--help", home=home)
    assert result.code == 0
    for option in ("--as-of", "--plan", "--unit", "--lang", "--refresh"):
        assert option in result.out


def test_bad_date(home: Path) -> None:
    result = dondoc("tui", "--as-of", "2023-02-31", home=home)
    assert result.code == 2
    assert result.err.strip() == "ngày «2023-02-31» không hợp lệ (dùng dd/mm/yyyy hoặc yyyy-mm-dd)"


def test_bad_date_in_english(home: Path) -> None:
    result = dondoc("tui", "--lang", "en", "--as-of", "31/02/2023", home=home)
    assert result.code == 2
    assert result.err.strip() == "invalid date «31/02/2023» (use dd/mm/yyyy or yyyy-mm-dd)"


def test_unknown_plan_and_unit(seed_home: Path) -> None:
    result = dondoc("tui", "--plan", "KHONG-CO", home=seed_home)
    assert (result.code, result.err.strip()) == (2, "không có kế hoạch «KHONG-CO»")
    result = dondoc("tui", "--unit", "Sở Không Tồn Tại", home=seed_home)
    assert (result.code, result.err.strip()) == (2, "không có đơn vị «Sở Không Tồn Tại»")
