"""Edge values on the command line and in catalog files: one line, exit 2, nothing changed."""

from __future__ import annotations

import pytest

from tests.cli import dondoc
from tests.test_bad_input import assert_refused, break_plan, line_of, loaded, snapshot  # noqa: F401


@pytest.mark.parametrize("args, needle", [
    (("report", "submit", "--task", "NV01", "--progress", "NaN"), "--progress"),
    (("report", "submit", "--task", "NV01", "--progress", "1e999"), "--progress"),
    (("report", "submit", "--target", "CT01", "--year", "2022", "--value", "NaN"), "NaN"),
    (("report", "submit", "--target", "CT01", "--year", "2022", "--value", "1e400"), "1e400"),
    (("report", "submit", "--target", "CT01", "--year", "99999999999999999999", "--value", "5"),
     "99999999999999999999"),
    (("overdue", "--as-of", "9999-12-31"), "9999-12-31"),
    (("overdue", "--as-of", "0001-01-01"), "0001-01-01"),
    (("tasks", "--as-of", "9999-12-31"), "9999-12-31"),
    (("remind", "--as-of", "9999-12-31", "--dry-run"), "9999-12-31"),
    (("remind", "--as-of", "0001-01-01"), "0001-01-01"),
    (("digest", "--as-of", "9999-12-31"), "9999-12-31"),
    (("report", "submit", "--task", "NV01", "--extension-to", "9999-12-31"), "9999-12-31"),
], ids=lambda v: " ".join(v) if isinstance(v, tuple) else None)
def test_edge_values_on_the_command_line(loaded, args: tuple[str, ...], needle: str) -> None:  # noqa: F811
    home, _, before = loaded
    run = dondoc(*args, home=home)
    assert run.code == 2, run.out + run.err
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in run.err, run.err
    assert snapshot(home) == before


def test_budget_above_bigint_is_refused(loaded) -> None:  # noqa: F811
    home, src, before = loaded
    path = break_plan(src, "title: Xây dựng kế hoạch chuyển đổi số của từng đơn vị",
                      "title: Xây dựng kế hoạch chuyển đổi số của từng đơn vị\n"
                      f"    budget_vnd: {2**63}")
    assert_refused(home, src, before, f"{path}:{line_of(path, 'budget_vnd')}", "budget_vnd")


def test_issued_on_far_future_is_refused(loaded) -> None:  # noqa: F811
    home, src, before = loaded
    assert "deadline: hằng quý" in (src / "demo-plan.yaml").read_text(encoding="utf-8")
    path = break_plan(src, "issued_on: 2022-03-15", "issued_on: 9999-12-31")
    assert_refused(home, src, before, f"{path}:{line_of(path, 'issued_on')}", "issued_on",
                   "2100-12-31")
