"""Plan codes name files: unsafe ones are refused on load, and report paths stay in reports/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dondoc.catalog.store.reviews import ReviewResult
from dondoc.tasks.review_report import write_report
from tests.test_bad_input import assert_refused, break_plan, line_of, loaded  # noqa: F401


@pytest.mark.parametrize("code", ["DM/CDS-2022", "../../etc/x", "..", "DM-CDS-2022.", "a b"])
def test_unsafe_plan_codes_are_refused(loaded, code: str) -> None:  # noqa: F811
    home, src, before = loaded
    path = break_plan(src, "code: DM-CDS-2022", f'code: "{code}"')
    err = assert_refused(home, src, before, f"{path}:{line_of(path, code)}", "plan.code",
                         "A-Z a-z 0-9 . _ -")
    assert "mã kế hoạch" in err


@pytest.mark.parametrize("plan", ["../../outside", "DM/CDS", "/abs/path", ".hidden"])
def test_report_files_stay_in_their_folder(tmp_path: Path, plan: str) -> None:
    folder = tmp_path / "home" / "reports"
    result = ReviewResult(plan=plan, title="Kế hoạch", period="2022Q2",
                          start=dt.date(2022, 4, 1), end=dt.date(2022, 6, 30))
    md, xlsx = write_report(result, folder)
    for path in (md, xlsx):
        assert path.parent == folder and path.exists() and not path.name.startswith(".")
    written = {p for p in tmp_path.rglob("*") if p.is_file()}
    assert written == {md, xlsx}
