"""The command line's JSON contracts, byte for byte, on the seed catalog.

Scripts and other offices' tools read these outputs; a refactoring must not move a byte of
them. The golden files were written by the release before the restructuring into the
dondoc.* namespace. A change that means to alter an output (a corrected seed deadline, a new
field) updates its golden file in the same commit and says why.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import ROOT, dondoc

GOLDEN = ROOT / "tests" / "golden"


@pytest.mark.parametrize("args, golden", [
    (("tasks", "--json", "--as-of", "2023-03-01"), "tasks-2023-03-01.json"),
    (("overdue", "--json", "--as-of", "2023-03-01"), "overdue-2023-03-01.json"),
    (("plans", "--json"), "plans.json"),
])
def test_json_output_is_byte_identical(seed_home: Path, args: tuple[str, ...], golden: str) -> None:
    result = dondoc(*args, home=seed_home)
    assert result.code == 0, result.err
    expected = (GOLDEN / golden).read_text(encoding="utf-8")
    if result.out != expected:
        # Name the first item that differs rather than dump 170 kB.
        got, want = result.out.splitlines(), expected.splitlines()
        first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
        pytest.fail(f"{golden}: line {first + 1} differs ({len(got)} lines vs {len(want)})\n"
                    f"got:  {got[first][:300] if first < len(got) else '<end>'}\n"
                    f"want: {want[first][:300] if first < len(want) else '<end>'}")
