"""Deadline phrases as plans write them, each with what it means or why it is refused.

Expected values are computed here from the calendar, never from the parser. Every base
phrase also appears without diacritics; a few with the scan damage the seed plans show.
"""

from __future__ import annotations

import calendar
import datetime as dt
import unicodedata

D = dt.date
Expected = tuple[str, D | None, D | None, str | None]  # kind, start, due, rrule


def strip_accents(text: str) -> str:
    s = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in s if unicodedata.category(c) != "Mn")


def _last(y: int, m: int) -> D:
    return D(y, m, calendar.monthrange(y, m)[1])


def _q(y: int, q: int) -> tuple[D, D]:
    return D(y, 3 * q - 2, 1), _last(y, 3 * q)


ROMAN = ["I", "II", "III", "IV"]
YEARLY = "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31"
QUARTERLY = "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1"
HALF = "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1"


def _base() -> list[tuple[str, Expected | str]]:
    rows: list[tuple[str, Expected | str]] = [
        # the table
        ("Tháng 10-12/2022", ("period", D(2022, 10, 1), D(2022, 12, 31), None)),
        ("trước ngày 10/6 và 10/12 hằng năm", ("recurring", None, None, "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=10")),
        ("ngày 15 tháng cuối mỗi quý", ("recurring", None, None, "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=15")),
        ("năm 2022 và các năm tiếp theo", ("recurring", D(2022, 1, 1), None, YEARLY)),
        ("6 tháng, hằng năm", ("recurring", None, None, HALF)),
        # several dates in one duty
        ("ngày 15/6 và 15/12", ("recurring", None, None, "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=15")),
        ("trước ngày 20/1 và 20/7 hằng năm", ("recurring", None, None, "FREQ=YEARLY;BYMONTH=1,7;BYMONTHDAY=20")),
        ("ngày 31/3, 30/6 và 30/9", "uneven"),
        # positions inside a period (Civil Code 2015, art. 146)
        ("ngày 10 tháng cuối quý", ("recurring", None, None, "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=10")),
        ("trước ngày 25 của tháng đầu mỗi quý", ("recurring", None, None, "FREQ=YEARLY;BYMONTH=1,4,7,10;BYMONTHDAY=25")),
        ("ngày 5 tháng đầu tiên của quý", ("recurring", None, None, "FREQ=YEARLY;BYMONTH=1,4,7,10;BYMONTHDAY=5")),
        ("tuần đầu tiên của tháng", ("recurring", None, None, "FREQ=MONTHLY;BYMONTHDAY=7")),
        ("tuần cuối cùng của tháng", ("recurring", None, None, "FREQ=MONTHLY;BYMONTHDAY=-1")),
        ("10 ngày đầu năm", ("recurring", None, None, "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=10")),
        ("5 ngày đầu mỗi tháng", ("recurring", None, None, "FREQ=MONTHLY;BYMONTHDAY=5")),
        ("10 ngày đầu năm 2024", ("period", D(2024, 1, 1), D(2024, 1, 10), None)),
        ("15 ngày cuối năm 2023", ("period", D(2023, 12, 17), D(2023, 12, 31), None)),
        ("tuần đầu tiên của tháng 3/2024", ("period", D(2024, 3, 1), D(2024, 3, 7), None)),
        ("ngày 31 tháng cuối quý", "bad_day"),
        # open recurrences
        ("từ năm 2023 trở đi", ("recurring", D(2023, 1, 1), None, YEARLY)),
        ("hằng năm đến năm 2025", ("recurring", None, None, YEARLY)),
        ("hằng quý từ năm 2023 trở đi", ("recurring", D(2023, 1, 1), None, QUARTERLY)),
        ("hằng năm từ năm 2022 đến năm 2025", ("recurring", D(2022, 1, 1), None, YEARLY)),
        # combined regimes
        ("hằng quý, 6 tháng và năm", ("recurring", None, None, QUARTERLY)),
        ("định kỳ 6 tháng, năm hoặc đột xuất", ("recurring", None, None, HALF)),
        ("báo cáo định kỳ hằng tháng, quý", ("recurring", None, None, "FREQ=MONTHLY;BYMONTHDAY=-1")),
        ("6 tháng và cả năm", ("recurring", None, None, HALF)),
        ("hằng tuần và hằng tháng", "unknown"),
        # plain recurrences from the seed plans
        ("hằng năm", ("recurring", None, None, YEARLY)),
        ("định kỳ hằng năm", ("recurring", None, None, YEARLY)),
        ("hàng năm", ("recurring", None, None, YEARLY)),
        ("hằng quý", ("recurring", None, None, QUARTERLY)),
        ("hằng tháng", ("recurring", None, None, "FREQ=MONTHLY;BYMONTHDAY=-1")),
        ("hằng tuần", ("recurring", None, None, "FREQ=WEEKLY;BYDAY=FR")),
        ("định kỳ 6 tháng", ("recurring", None, None, HALF)),
        ("6 tháng một lần", ("recurring", None, None, HALF)),
        ("trước ngày 20 hằng tháng", ("recurring", None, None, "FREQ=MONTHLY;BYMONTHDAY=20")),
        ("ngày 25 hằng tháng", ("recurring", None, None, "FREQ=MONTHLY;BYMONTHDAY=25")),
        ("tháng 6 và tháng 12 hằng năm", ("recurring", None, None, HALF)),
        ("đột xuất", ("ongoing", None, None, None)),
        ("thường xuyên", ("ongoing", None, None, None)),
        ("liên tục", ("ongoing", None, None, None)),
        ("khi có yêu cầu", ("ongoing", None, None, None)),
        ("chậm nhất đến ngày 31 tháng 12 năm 2022", ("date", None, D(2022, 12, 31), None)),
        ("vào quý IV năm 2025", ("quarter", *_q(2025, 4), None)),
        ("Đến năm 2025", ("year", D(2025, 1, 1), D(2025, 12, 31), None)),
        ("Giai đoạn 2021-2025", ("period", D(2021, 1, 1), D(2025, 12, 31), None)),
        # ranges of months and quarters
        ("tháng 4-6/2023", ("period", D(2023, 4, 1), D(2023, 6, 30), None)),
        ("từ tháng 3 đến tháng 5/2024", ("period", D(2024, 3, 1), D(2024, 5, 31), None)),
        ("Quý I-II/2024", ("period", D(2024, 1, 1), D(2024, 6, 30), None)),
        ("quý II và quý III/2023", ("period", D(2023, 4, 1), D(2023, 9, 30), None)),
        ("tháng 4, 5 và 6/2023", ("period", D(2023, 4, 1), D(2023, 6, 30), None)),
        ("từ quý IV/2022 đến quý II/2023", ("period", D(2022, 10, 1), D(2023, 6, 30), None)),
        ("từ tháng 11/2022 đến tháng 2/2023", ("period", D(2022, 11, 1), D(2023, 2, 28), None)),
        ("từ ngày 01/3/2023 đến ngày 15/3/2023", ("period", D(2023, 3, 1), D(2023, 3, 15), None)),
        ("quý I và quý III/2023", "range"),
        ("tháng 3 và tháng 5/2024", "range"),
        ("tháng 6-4/2023", "range"),
        # refused: a part the grammar does not know
        ("Tháng 10-12/2022 và 2023", "partly"),
        ("Quý IV/2022 hoặc quý I/2023 nếu chưa xong", "partly"),
        ("tháng 4/2022, báo cáo trước 15/5/2022", "partly"),
        ("hằng năm, mỗi lần 3 đợt", "partly"),
        ("trong 30 ngày", "anchor"),
        ("khi nào xong thì báo", "unknown"),
        ("trong vòng 30 ngày kể từ ngày ký", "anchor"),
    ]
    for y in (2022, 2023, 2024, 2025):
        for q in range(1, 5):
            rows.append((f"Quý {ROMAN[q - 1]}/{y}", ("quarter", *_q(y, q), None)))
            rows.append((f"trong quý {q} năm {y}", ("quarter", *_q(y, q), None)))
        for a, b in ((1, 2), (2, 3), (3, 4), (1, 3)):
            rows.append((f"Quý {ROMAN[a - 1]}-{ROMAN[b - 1]}/{y}", ("period", _q(y, a)[0], _q(y, b)[1], None)))
        for a, b in ((1, 3), (4, 6), (7, 9), (10, 12), (9, 11)):
            rows.append((f"tháng {a}-{b}/{y}", ("period", D(y, a, 1), _last(y, b), None)))
            rows.append((f"từ tháng {a} đến tháng {b} năm {y}", ("period", D(y, a, 1), _last(y, b), None)))
        for m in (2, 4, 9, 12):
            rows.append((f"trong tháng {m}/{y}", ("month", D(y, m, 1), _last(y, m), None)))
            rows.append((f"cuối tháng {m}/{y}", ("date", None, _last(y, m), None)))
            rows.append((f"trước ngày 15/{m}/{y}", ("date", None, D(y, m, 15), None)))
        rows.append((f"năm {y} và các năm tiếp theo", ("recurring", D(y, 1, 1), None, YEARLY)))
        rows.append((f"6 tháng đầu năm {y}", ("half", D(y, 1, 1), D(y, 6, 30), None)))
        rows.append((f"Năm {y}", ("year", D(y, 1, 1), D(y, 12, 31), None)))
    for d, m in ((10, 6), (15, 12), (20, 1), (30, 6)):
        rows.append((f"trước ngày {d}/{m} hằng năm", ("recurring", None, None, f"FREQ=YEARLY;BYMONTH={m};BYMONTHDAY={d}")))
    return rows


# Scan damage as in the seed plans' OCR.
DAMAGED: list[tuple[str, Expected | str]] = [
    ("quý lV năm2022", ("quarter", *_q(2022, 4), None)),
    ("Quý 1V/2022", ("quarter", *_q(2022, 4), None)),
    ("thang4-6/2023", ("period", D(2023, 4, 1), D(2023, 6, 30), None)),
    ("quý lI - lII/2024", ("period", D(2024, 4, 1), D(2024, 9, 30), None)),
    ("ndm 2022 va cac nam tiep theo", ("recurring", D(2022, 1, 1), None, YEARLY)),
    ("Tháng 10–12/2022", ("period", D(2022, 10, 1), D(2022, 12, 31), None)),
]

# Relative deadlines, counted from this plan date (a Tuesday before Tết 2023).
ANCHOR = D(2023, 1, 10)
RELATIVE: list[tuple[str, D, bool]] = [
    ("trong vòng 30 ngày kể từ ngày ký", D(2023, 2, 9), False),
    ("trong thời hạn 15 ngày kể từ ngày ban hành", D(2023, 1, 25), False),
    ("sau 15 ngày làm việc kể từ khi nhận được", D(2023, 2, 7), True),
    ("trong vòng 10 ngày làm việc kể từ ngày ký", D(2023, 1, 31), True),
]


def corpus() -> list[tuple[str, Expected | str]]:
    rows = _base()
    out = dict(rows)
    for phrase, expected in rows:
        out.setdefault(strip_accents(phrase), expected)
    out.update(DAMAGED)
    return list(out.items())
