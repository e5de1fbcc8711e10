"""Each kind of bad input: one clear line naming file, line and field; exit 2; nothing changed.

Every test first loads the good fixture catalog, then tries to load a broken copy of it, and
checks that the database answers exactly as before.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli import FIXTURES, dondoc

PLAN = "demo-plan.yaml"


def snapshot(home: Path) -> tuple[str, str]:
    tasks = dondoc("tasks", "--as-of", "2022-07-01", "--json", home=home)
    plans = dondoc("plans", "--json", home=home)
    assert tasks.code == 0 and plans.code == 0
    return tasks.out, plans.out


@pytest.fixture
def loaded(home: Path, tmp_path: Path) -> tuple[Path, Path, tuple[str, str]]:
    """(home with the fixture loaded, a writable copy of the fixture, the db snapshot)."""
    src = tmp_path / "catalog"
    shutil.copytree(FIXTURES / "catalog", src)
    assert dondoc("catalog", "load", str(src), home=home).code == 0
    return home, src, snapshot(home)


def break_plan(src: Path, old: str, new: str) -> Path:
    path = src / PLAN
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def assert_refused(home: Path, src: Path, before: tuple[str, str], *needles: str,
                   lang: str | None = None) -> str:
    result = dondoc("catalog", "load", str(src), home=home, lang=lang)
    assert result.code == 2, result.out + result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    assert snapshot(home) == before
    # validate agrees with load, line for line
    check = dondoc("catalog", "validate", str(src), home=home, lang=lang)
    assert check.code == 2 and check.err == result.err
    return lines[0]


def test_malformed_yaml(loaded) -> None:  # type: ignore[no-untyped-def]
    home, src, before = loaded
    path = break_plan(src, "    section: II.2\n", "    section: [II.2\n")
    line = assert_refused(home, src, before, f"{path}:")
    assert "YAML sai cú pháp" in line


def test_file_not_utf8(loaded) -> None:  # type: ignore[no-untyped-def]
    home, src, before = loaded
    path = src / PLAN
    raw = path.read_bytes().replace("Đông Mai năm 2022".encode(),
                                    "Đông Mai năm 2022".encode("cp1258", errors="replace"), 1)
    path.write_bytes(raw)
    assert_refused(home, src, before, f"{path}:{line_of_bytes(raw)}:", "không phải UTF-8")


def line_of_bytes(raw: bytes) -> int:
    for number, line in enumerate(raw.split(b"\n"), 1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            return number
    raise AssertionError("no bad line")


def test_missing_required_field(loaded) -> None:  # type: ignore[no-untyped-def]
    home, src, before = loaded
    path = break_plan(src, "    title: Đề xuất danh mục dự án đầu tư công nghệ thông tin\n", "")
    line = line_of(path, "code: NV02")
    assert_refused(home, src, before, f"{path}:{line}:", "thiếu trường bắt buộc", "title")


def test_wrong_type(loaded) -> None:  # type: ignore[no-untyped-def]
    home, src, before = loaded
    path = break_plan(src, "budget_vnd: 1500000000", "budget_vnd: một tỷ rưỡi")
    assert_refused(home, src, before, f"{path}:{line_of(path, 'budget_vnd')}:", "budget_vnd",
                   "phải là số nguyên")


def test_duplicate_task_code(loaded) -> None:  # type: ignore[no-untyped-def]
    home, src, before = loaded
    path = break_plan(src, "code: NV03", "code: NV02")
    first = line_of(path, "code: NV02")
    second = [n for n, ln in enumerate(path.read_text().splitlines(), 1) if "code: NV02" in ln][1]
    assert_refused(home, src, before, f"{path}:{second}:", "trùng mã nhiệm vụ «NV02»",
                   f"dòng {first}")


def test_unknown_unit(loaded) -> None:  # type: ignore[no-untyped-def]
    home, src, before = loaded
    path = break_plan(src, "lead: UBND xã Tiên A", "lead: UBND xã Không Có")
    assert_refused(home, src, before, f"{path}:{line_of(path, 'Không Có')}:", "«lead»",
                   "UBND xã Không Có")


@pytest.mark.parametrize("phrase,needle", [
    ("31/02/2022", "31/02/2022 không tồn tại"),
    ("quý V/2022", "quý V không tồn tại"),
    ("tháng 13/2022", "tháng 13 không tồn tại"),
])
def test_impossible_date(loaded, phrase: str, needle: str) -> None:  # type: ignore[no-untyped-def]
    home, src, before = loaded
    path = break_plan(src, "deadline: Quý II/2022", f"deadline: {phrase}")
    assert_refused(home, src, before, f"{path}:{line_of(path, phrase)}:", "«deadline»", needle)


def test_meaningless_deadline(loaded) -> None:  # type: ignore[no-untyped-def]
    home, src, before = loaded
    path = break_plan(src, "deadline: Quý II/2022", "deadline: khi nào xong thì báo")
    assert_refused(home, src, before, f"{path}:{line_of(path, 'khi nào')}:",
                   "không hiểu thời hạn «khi nào xong thì báo»")


def test_meaningless_deadline_in_english(loaded) -> None:  # type: ignore[no-untyped-def]
    home, src, before = loaded
    path = break_plan(src, "deadline: Quý II/2022", "deadline: khi nào xong thì báo")
    assert_refused(home, src, before, f"{path}:{line_of(path, 'khi nào')}:",
                   "field «deadline»: cannot understand the deadline", lang="en")


def test_missing_file(home: Path, tmp_path: Path) -> None:
    missing = tmp_path / "khong-co.yaml"
    result = dondoc("catalog", "load", str(missing), home=home)
    assert result.code == 2
    assert result.err.strip() == f"{missing}: không tìm thấy tệp hoặc thư mục"
    # nothing was created either
    assert dondoc("plans", "--json", home=home).json() == []


def test_database_url_that_cannot_connect(home: Path) -> None:
    url = "postgresql+psycopg://dondoc:s3cret-pw@127.0.0.1:1/nowhere"
    result = dondoc("catalog", "load", str(FIXTURES / "catalog"), home=home, db_url=url)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "không kết nối được cơ sở dữ liệu" in lines[0]
    assert "s3cret-pw" not in result.err  # the password is masked
    assert "***" in lines[0]


def test_errors_in_several_places_are_all_reported(loaded) -> None:  # type: ignore[no-untyped-def]
    home, src, before = loaded
    break_plan(src, "deadline: Quý II/2022", "deadline: quý V/2022")
    break_plan(src, "lead: UBND xã Tiên A", "lead: Nơi Nào Đó")
    result = dondoc("catalog", "load", str(src), home=home)
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 2
    assert snapshot(home) == before


def test_deadline_read_only_in_part_is_refused(loaded) -> None:  # type: ignore[no-untyped-def]
    """Half a deadline is not a deadline: the part left unread is named, nothing loads."""
    home, src, before = loaded
    path = break_plan(src, "deadline: Quý II/2022", "deadline: Quý II/2022 và 2023")
    assert_refused(home, src, before, f"{path}:{line_of(path, 'và 2023')}:",
                   "«deadline»", "không đọc được phần «và 2023»")


def test_unreadable_deadline_marked_inferred_loads_with_the_horizon(loaded) -> None:  # type: ignore[no-untyped-def]
    """An administrator who cannot fix the text may mark it inferred: the horizon applies."""
    home, src, _ = loaded
    break_plan(src, "deadline: Quý II/2022",
               "deadline: Quý II/2022 và 2023\n    deadline_inferred: true")
    assert dondoc("catalog", "validate", str(src), home=home).code == 0
    assert dondoc("catalog", "load", str(src), home=home).code == 0
    items = dondoc("tasks", "--as-of", "2022-07-01", "--json", home=home).json()
    task = next(i for i in items if i["deadline_text"] == "Quý II/2022 và 2023")
    assert (task["kind"], task["due"]) == ("year", "2022-12-31")  # the plan's horizon, Năm 2022
