"""The Vietnamese deadline language.

A phrase such as "Quý IV/2022", "trong tháng 4/2022", "trước ngày 15/12 hằng năm" or
"Giai đoạn 2022-2025" parses to a kind and a window in the plan's own terms (DESIGN.md,
"Deadline language"). Phrases are folded to plain ASCII first, so text without
diacritics and the usual scan damage ("quý lV", "năm2022") parse the same way.
Vague words follow the Civil Code 2015, art. 146: đầu/giữa/cuối tháng are the 1st, the
15th and the last day; đầu/giữa/cuối năm are 1 January, 30 June and 31 December.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Literal

import pendulum

from dondoc.catalog.i18n import DondocError
from dondoc.catalog.rules.periods import REPORT_KINDS
# Expanding the rules lives apart, so the read commands expand them without the parser.
from dondoc.catalog.rules.recurrence import (_anchored_dates, _simple_dates,  # noqa: F401
                                             recurrence_dates, rule_dates)

Kind = Literal["date", "month", "quarter", "half", "year", "period", "recurring", "ongoing"]
KINDS: tuple[str, ...] = ("date", "month", "quarter", "half", "year", "period", "recurring", "ongoing")

MIN_YEAR, MAX_YEAR = 1990, 2100


class DeadlineError(DondocError):
    """A phrase that means nothing, or names a day that does not exist."""


@dataclass(frozen=True, slots=True)
class Deadline:
    text: str
    kind: str
    start: dt.date | None = None
    due: dt.date | None = None
    rrule: str | None = None
    # An open recurrence's last day ("hằng năm đến năm 2025"); None: the plan's horizon.
    until: dt.date | None = None
    # Combined regimes ("6 tháng, hằng năm"): which report each month's occurrence asks for.
    labels: tuple[tuple[int, str], ...] = ()
    # Spans of the folded phrase that the grammar read; see understood().
    spans: tuple[tuple[int, int], ...] = ()

    def label_for(self, occurrence: dt.date) -> str | None:
        """The report kind an occurrence asks for ("6 tháng", "năm"), for combined regimes."""
        return dict(self.labels).get(occurrence.month) if self.labels else None

    def understood(self) -> list[str]:
        """The parts of the original phrase the grammar read, in order."""
        return _original_parts(self.text, fold(self.text), self.spans)

    def occurrences(self, start: dt.date, end: dt.date, dtstart: dt.date | None = None,
                    until: dt.date | None = None) -> list[dt.date]:
        """Nominal due dates of every occurrence inside [start, end]."""
        if self.kind == "ongoing":
            return []
        if self.kind != "recurring":
            return [self.due] if self.due and start <= self.due <= end else []
        return recurrence_dates(self.rrule or "", dtstart or dt.date(start.year, 1, 1),
                                until, start, end)

    def as_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "kind": self.kind,
            "start": self.start.isoformat() if self.start else None,
            "due": self.due.isoformat() if self.due else None,
            "rrule": self.rrule,
            "until": self.until.isoformat() if self.until else None,
            "labels": labels_json(self.labels),
            "understood": self.understood(),
        }


def labels_json(labels: tuple[tuple[int, str], ...]) -> dict[str, str] | None:
    """Occurrence labels as stored and shown: {"6": "6 tháng", "12": "năm"} (None: none)."""
    return {str(month): label for month, label in labels} or None


def labels_from_json(value: Any) -> dict[int, str] | None:
    """labels_json's value back, from a dict or its JSON text (drivers return either)."""
    if isinstance(value, (str, bytes)):
        import json

        value = json.loads(value)
    if not value:
        return None
    return {int(month): str(label) for month, label in value.items()}




# ---------------------------------------------------------------------------- folding

_SCAN_FIXES = [
    # OCR reads "năm" as ndm, ndtrn, narn, nǎm...; all mean "year" here.
    (re.compile(r"\b(?:ndtrn|ndrn|ndm|narn|nam|nim|ndn)\b"), "nam"),
    (re.compile(r"\b(?:quj|qui|quv|quy)\b"), "quy"),
    (re.compile(r"\b(?:thdng|thang|thrng|th[aá]ng)\b"), "thang"),
    (re.compile(r"\bhang\b"), "hang"),
]
# Before digits and letters are split apart: "Quý 1V" is the scan's "Quý IV".
_ONE_V = re.compile(r"\b(qu[yji])\s*[1l|]v\b")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")
_SPACES = re.compile(r"\s+")
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "−": "-", "\\": "/"})


def fold(text: str) -> str:
    """Lower-case ASCII with single spaces: 'Quý IV năm2022' -> 'quy iv nam 2022'."""
    s = unicodedata.normalize("NFD", text.translate(_DASHES).lower())
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn").replace("đ", "d")
    s = _ONE_V.sub(r"\1 iv", s)
    s = _LETTER_DIGIT.sub(" ", s)
    for pattern, repl in _SCAN_FIXES:
        s = pattern.sub(repl, s)
    s = s.replace(",", " ").replace(";", " ").replace(":", " ")
    return _SPACES.sub(" ", s).strip()


# ---------------------------------------------------------------------------- grammar
#
# A phrase is understood whole or refused. Each construct below is one regular expression
# over the folded phrase; a construct is accepted only when every token it leaves over is
# filler (see _leftover): no number, and no date word, position word or conjunction that
# stands next to one. Constructs are tried in order and the first one that reads the
# phrase whole wins, so a construct that reads only part of it can never win silently.

Y = r"((?:19|20|21)\d\d)"
SEP = r"\s*(?:/|-|\.|nam)\s*(?:nam\s*)?"
Q = r"([ivxl1|]+y?|\d)"
BY = r"(?:(?:den|toi) (?:het )?)?"  # "đến (hết)" before a single deadline means "by"
EACH = r"(?:cua )?(?:hang|moi)"
DM = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})(?!\d|\s*[/.-]\s*\d)"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8}

# Report kinds of the combined regimes, by their length in months.
PERIOD_LABELS = REPORT_KINDS
_FREQ_WORD = r"(?:tuan|thang|quy|nua nam|nam|6 thang(?: (?:mot|1) lan)?)"
_FREQ_LEAD = r"(?:dinh ky (?:hang |moi )?|hang |moi |ca )"
_FREQ_SEP = r"(?:\s*-\s*|\s+va\s+|\s+hoac\s+|\s+)"

P_ONGOING = re.compile(r"\b(?:thuong xuyen|lien tuc|hang ngay|dot xuat|khi co yeu cau)\b")
P_REGIMES = re.compile(
    r"\b(?:bao cao )?(?:" + _FREQ_LEAD + _FREQ_WORD + r"|6 thang(?: (?:mot|1) lan)?|dinh ky nam)"
    r"(?:" + _FREQ_SEP + r"(?:" + _FREQ_LEAD + r")?" + _FREQ_WORD + r")*"
    r"(?:\s+(?:hoac|va) (?:dot xuat|khi co yeu cau))?\b")
P_FREQ_ITEM = re.compile(r"6 thang|nua nam|tuan|thang|quy|nam")
P_DAYS_YEARLY = re.compile(
    r"(?:\bngay )?" + DM + r"(?:(?:\s+va\s+|\s+)(?:ngay )?" + DM + r")*(?: " + EACH + r" nam)?")
P_DM = re.compile(DM)
P_DAYS_WORDS_YEARLY = re.compile(r"\bngay (\d{1,2}) thang (\d{1,2}) " + EACH + r" nam\b")
P_REC_DAY_MONTH = re.compile(r"\b(?:ngay )?(\d{1,2}) (?:cua )?(?:hang|moi) thang\b")
P_DAY_IN_QUARTER = re.compile(
    r"\b(?:ngay )?(\d{1,2}) (?:cua )?thang (dau|cuoi|giua|thu (\d))(?: tien| cung)?"
    r"(?: cua)?(?: (?:hang|moi))? quy\b")
P_WEEK_IN_MONTH = re.compile(
    r"\btuan (dau|cuoi|thu (\d))(?: tien| cung)?(?: cua)?(?: (?:hang|moi))? thang"
    r"(?: (\d{1,2})" + SEP + Y + r")?\b")
P_DAYS_IN = re.compile(
    r"\b(\d{1,2}) ngay (dau|cuoi)(?: cua)?(?: (?:hang|moi))? (nam|thang|quy)"
    r"(?: (\d{1,2}|[ivxl]+)" + SEP + Y + r"| " + Y + r")?\b")
P_RELATIVE = re.compile(
    r"\b(trong (?:vong |thoi han )?|sau |cham nhat (?:sau |la )?)?(\d{1,3}) ngay( lam viec)?"
    r"( (?:ke tu|tinh tu|sau) (?:ngay |khi |thoi diem )?)?")
P_QUARTER_IN_YEAR = re.compile(r"\b(?:vao |trong )?quy " + Q + r" " + EACH + r" nam\b")
P_MONTHS_IN_YEAR = re.compile(
    r"\bthang (\d{1,2})((?:(?:\s*-\s*|\s+va\s+|\s+)(?:thang )?\d{1,2})*) " + EACH + r" nam\b")
P_OPEN_YEARS = re.compile(
    r"\b(?:tu )?(?:nam )?" + Y + r" (?:va |- )?(?:cac|nhung) nam (?:tiep theo|sau|ke tiep)\b"
    r"|\b(?:ke )?tu (?:nam )?" + Y + r" tro (?:di|ve sau)\b")
P_FROM = re.compile(
    r"\b(?:bat dau )?tu (?:nam )?" + Y + r"(?: tro (?:di|ve sau))?\b"
    r"|\b(?:nam )?" + Y + r" (?:va |- )?(?:cac|nhung) nam (?:tiep theo|sau|ke tiep)\b")
P_UNTIL = re.compile(r"\b(?:den|toi) (?:het )?(?:nam )?" + Y + r"\b")
P_PERIOD = re.compile(
    r"(?:\bgiai doan |\btu )?(?:nam )?" + Y + r"\s*(?:-|den(?: het)?|toi)\s*(?:nam\s*)?" + Y)
P_DATE_RANGE = re.compile(
    r"(?:\btu )?(?:ngay )?(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*" + Y
    + r"\s*(?:-|den|toi)\s*(?:het )?(?:ngay )?(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*" + Y)
P_QUARTER_RANGE = re.compile(
    r"(?:\btu )?quy " + Q + r"((?:(?:\s*(?:-|den(?: het)?|toi|va)\s*|\s+)(?:quy )?" + Q[:-1]
    + r"))+)" + SEP + Y)
P_QUARTER_SPAN = re.compile(
    r"(?:\btu )?quy " + Q + SEP + Y + r"\s*(?:-|den(?: het)?|toi)\s*(?:quy )?" + Q + SEP + Y)
P_MONTH_RANGE = re.compile(
    r"(?:\btu )?thang (\d{1,2})((?:(?:\s*(?:-|den(?: het)?|toi|va)\s*|\s+)(?:thang )?\d{1,2})+)"
    + SEP + Y)
P_MONTH_SPAN = re.compile(
    r"(?:\btu )?thang (\d{1,2})" + SEP + Y + r"\s*(?:-|den(?: het)?|toi)\s*(?:thang )?(\d{1,2})"
    + SEP + Y)
P_DATE_NUM = re.compile(
    BY + r"(?:ngay )?(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*" + Y + r"(?!\d)")
P_DATE_WORDS = re.compile(BY + r"\bngay (\d{1,2}) thang (\d{1,2})\s*(?:nam|/|-)\s*" + Y)
P_PART_MONTH = re.compile(BY + r"\b(dau|giua|cuoi) thang (\d{1,2})" + SEP + Y)
P_HALF = re.compile(r"\b(?:6 thang|nua) (dau|cuoi) (?:cua )?nam\s*" + Y)
P_QUARTER = re.compile(BY + r"\bquy\s*" + Q + r"\b" + SEP + Y)
P_PART_YEAR = re.compile(BY + r"\b(dau|giua|cuoi) (?:cua )?nam\s*" + Y)
P_MONTH = re.compile(BY + r"\bthang (\d{1,2})\b" + SEP + Y)
P_MONTH_BARE = re.compile(r"^(?:trong |truoc |den )?(\d{1,2})\s*/\s*" + Y + r"$")
P_YEAR = re.compile(BY + r"(?:\bnam )?(?<!\d)" + Y + r"(?!\d)")
P_QUARTER_ANY = re.compile(r"\bquy\s*([a-z1|]+|\d+)\b")
P_MONTH_ANY = re.compile(r"\bthang (\d{1,2})\b")

# ---------------------------------------------------------------------------- accounting

_TOKEN = re.compile(r"\d+|[a-z|]+|-")
# Words that name a span of time, words that place or repeat a date inside one, and words
# that join two dates. Alone among other words they are filler ("Việt Nam", "đầu tư",
# "gửi đến Sở"); next to a number or to one another they carry a date.
TIME_WORDS = frozenset({"ngay", "thang", "quy", "nam", "tuan"})
POSITION_WORDS = frozenset({"hang", "moi", "dau", "cuoi", "giua", "cac", "nhung", "tiep", "tro",
                            "ke", "tien", "thu"})
JOIN_WORDS = frozenset({"va", "den", "toi", "hoac", "tu", "-"})
_QUARTER_NUMERALS = frozenset({"i", "ii", "iii", "iv", "v", "lv", "ly", "iy", "l", "1v"})


def _cls(tokens: list[str], i: int) -> str:
    tok = tokens[i]
    if tok[0].isdigit() or (tok in _QUARTER_NUMERALS and i and tokens[i - 1] == "quy"):
        return "num"
    if tok in TIME_WORDS:
        return "time"
    if tok in POSITION_WORDS:
        return "pos"
    if tok in JOIN_WORDS:
        return "join"
    return ""


def carries_date(tokens: list[str], i: int) -> bool:
    """Whether token i, left unread, would change the deadline: the grammar's one rule."""
    kind = _cls(tokens, i)
    if kind == "num":
        return True
    if not kind:
        return False
    before = _cls(tokens, i - 1) if i > 0 else ""
    after = _cls(tokens, i + 1) if i + 1 < len(tokens) else ""
    if kind == "join":
        return after in ("num", "time", "pos")
    if kind == "time":  # two time words side by side are a place name: "Việt Nam năm 2023"
        return before in ("num", "pos") or after in ("num", "pos")
    # A position word that ends the phrase ("... cuối") places the deadline before it.
    return (before in ("num", "time") or after in ("num", "time")
            or (i + 1 == len(tokens) and tokens[i] in _PLACING))


_PLACING = frozenset({"hang", "moi", "dau", "cuoi", "giua"})


def _carriers(s: str) -> list[tuple[int, int]]:
    """Spans of the tokens that carry a date, wherever they are."""
    found = list(_TOKEN.finditer(s))
    tokens = [m.group() for m in found]
    return [m.span() for i, m in enumerate(found) if carries_date(tokens, i)]


def _leftover(carriers: list[tuple[int, int]], spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The carriers outside `spans` (empty: the phrase was read whole)."""
    return [(a, b) for a, b in carriers if not any(x <= a and b <= y for x, y in spans)]


def _merge(spans: list[tuple[int, int]], s: str) -> list[tuple[int, int]]:
    """Adjacent spans (only spaces between) as one."""
    out: list[list[int]] = []
    for a, b in sorted(spans):
        if out and not s[out[-1][1]:a].strip():
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _original_parts(original: str, s: str, spans: tuple[tuple[int, int], ...] | list[tuple[int, int]]) -> list[str]:
    """The original words behind spans of the folded phrase (error and report path only)."""
    from difflib import SequenceMatcher

    basic = "".join("d" if c == "đ" else unicodedata.normalize("NFD", c)[0]
                    for c in original.lower().translate(_DASHES))
    to_orig: dict[int, int] = {}
    for block in SequenceMatcher(None, basic, s, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            to_orig[block.b + k] = block.a + k
    parts = []
    for a, b in _merge(list(spans), s):
        inside = [to_orig[k] for k in range(a, b) if k in to_orig]
        if inside:
            parts.append(original[min(inside):max(inside) + 1].strip())
    return parts


# ---------------------------------------------------------------------------- values


def _roman(token: str, text: str) -> int:
    """Quarter number from 'iv', '4', or the scan's 'lv', '1v', 'ly'."""
    if token.isdigit():
        number = int(token)
    else:
        fixed = token.replace("l", "i").replace("1", "i").replace("|", "i").replace("y", "v")
        if fixed not in _ROMAN:
            raise DeadlineError("deadline.unknown", text=text)
        number = _ROMAN[fixed]
    if not 1 <= number <= 4:
        raise DeadlineError("deadline.bad_quarter", quarter=token.upper())
    return number


def _year(value: str) -> int:
    year = int(value)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DeadlineError("deadline.bad_year", year=year)
    return year


def _month(value: str | int) -> int:
    month = int(value)
    if not 1 <= month <= 12:
        raise DeadlineError("deadline.bad_month", month=month)
    return month


def _day(day: int, month: int, year: int) -> pendulum.Date:
    month = _month(month)
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise DeadlineError("deadline.bad_day", day=f"{day:02d}", month=f"{month:02d}",
                            year=year, last=last)
    return pendulum.Date(year, month, day)


def _day_every(day: int, months: list[int]) -> int:
    """A day number that exists in every one of these months (of a leap year)."""
    last = min(calendar.monthrange(2024, m)[1] for m in months)
    if not 1 <= day <= last:
        raise DeadlineError("deadline.bad_day", day=f"{day:02d}", month="MM", year="YYYY",
                            last=last)
    return day


def _last_day(year: int, month: int) -> pendulum.Date:
    return pendulum.Date(year, month, calendar.monthrange(year, month)[1])


def _quarter_window(year: int, quarter: int) -> tuple[pendulum.Date, pendulum.Date]:
    first_month = 3 * (quarter - 1) + 1
    return pendulum.Date(year, first_month, 1), _last_day(year, first_month + 2)


def _contiguous(numbers: list[int], joins: str, text: str) -> tuple[int, int]:
    """First and last of a run like 4-6 or II và III; a gap or a reversal is refused."""
    is_range = len(numbers) == 2 and re.search(r"-|den|toi", joins)
    if is_range or all(b == a + 1 for a, b in zip(numbers, numbers[1:])):
        if numbers[-1] > numbers[0]:
            return numbers[0], numbers[-1]
    raise DeadlineError("deadline.bad_range", text=text)


# ---------------------------------------------------------------------------- constructs




@dataclass(frozen=True, slots=True)
class Context:
    anchor: dt.date | None
    add_working_days: Callable[[dt.date, int], dt.date] | None


def _rec(original: str, rule: str, labels: tuple[tuple[int, str], ...] = ()) -> Deadline:
    return Deadline(original, "recurring", rrule=rule, labels=labels)


def _b_regimes(m: re.Match[str], original: str, ctx: Context) -> Deadline | None:
    words = P_FREQ_ITEM.findall(m.group().replace("dinh ky", ""))
    months = {"tuan": 0, "thang": 1, "quy": 3, "6 thang": 6, "nua nam": 6, "nam": 12}
    periods = sorted({months[w] for w in words})
    if periods == [0]:
        return _rec(original, "FREQ=WEEKLY;BYDAY=FR")
    if 0 in periods:
        return None  # weekly with longer regimes: no single rule; refused
    if periods == [12]:
        return _rec(original, "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31")
    if periods[0] == 1:
        rule, due_months = "FREQ=MONTHLY;BYMONTHDAY=-1", list(range(1, 13))
    else:
        due_months = sorted({mo for p in periods for mo in range(p, 13, p)})
        rule = f"FREQ=YEARLY;BYMONTH={','.join(map(str, due_months))};BYMONTHDAY=-1"
    labels: tuple[tuple[int, str], ...] = ()
    if len(periods) > 1:
        labels = tuple((mo, PERIOD_LABELS[max(p for p in periods if mo % p == 0)])
                       for mo in due_months)
    return _rec(original, rule, labels)


def _b_days_yearly(m: re.Match[str], original: str, ctx: Context) -> Deadline:
    pairs = [(int(d), _month(mo)) for d, mo in P_DM.findall(m.group())]
    for day, month in pairs:
        _day(day, month, 2024)  # a leap year, so 29/02 "hằng năm" is accepted
    days = {d for d, _ in pairs}
    if len(days) > 1:
        raise DeadlineError("deadline.uneven_days", text=original)
    months = sorted({mo for _, mo in pairs})
    return _rec(original, f"FREQ=YEARLY;BYMONTH={','.join(map(str, months))};"
                          f"BYMONTHDAY={days.pop()}")


def _b_days_words_yearly(m: re.Match[str], original: str, ctx: Context) -> Deadline:
    day, month = int(m.group(1)), _month(m.group(2))
    _day(day, month, 2024)
    return _rec(original, f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={day}")


def _b_day_month(m: re.Match[str], original: str, ctx: Context) -> Deadline:
    day = int(m.group(1))
    if not 1 <= day <= 31:
        raise DeadlineError("deadline.bad_day", day=day, month="MM", year="YYYY", last=31)
    return _rec(original, f"FREQ=MONTHLY;BYMONTHDAY={day}")


def _b_day_in_quarter(m: re.Match[str], original: str, ctx: Context) -> Deadline:
    which = m.group(2)
    offset = {"dau": 0, "giua": 1, "cuoi": 2}.get(which)
    if offset is None:
        offset = int(m.group(3)) - 1
        if not 0 <= offset <= 2:
            raise DeadlineError("deadline.unknown", text=original)
    months = [q + offset for q in (1, 4, 7, 10)]
    day = _day_every(int(m.group(1)), months)
    return _rec(original, f"FREQ=YEARLY;BYMONTH={','.join(map(str, months))};BYMONTHDAY={day}")


def _b_week_in_month(m: re.Match[str], original: str, ctx: Context) -> Deadline:
    # Civil Code 2015, art. 146: a week is seven days; the first week of a month is its
    # days 1-7, the last its final seven days, the n-th days 7n-6 to 7n.
    which, nth, month, year = m.group(1), m.group(2), m.group(3), m.group(4)
    n = 1 if which == "dau" else int(nth) if nth else -1
    if n == 0 or n > 4:
        raise DeadlineError("deadline.unknown", text=original)
    if month is None:
        return _rec(original, f"FREQ=MONTHLY;BYMONTHDAY={7 * n if n > 0 else -1}")
    y, mo = _year(year), _month(month)
    end = _last_day(y, mo) if n < 0 else pendulum.Date(y, mo, 7 * n)
    return Deadline(original, "period", end.subtract(days=6), end)


def _b_days_in(m: re.Match[str], original: str, ctx: Context) -> Deadline:
    count, which, unit = int(m.group(1)), m.group(2), m.group(3)
    spec, year_a, year_b = m.group(4), m.group(5), m.group(6)
    limit = {"nam": 31, "thang": 28, "quy": 30}[unit]
    if not 1 <= count <= limit:
        raise DeadlineError("deadline.unknown", text=original)
    if spec is None and year_a is None and year_b is None:
        if unit == "nam":
            rule = ("FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=" + str(count) if which == "dau"
                    else "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31")
        elif unit == "thang":
            rule = f"FREQ=MONTHLY;BYMONTHDAY={count if which == 'dau' else -1}"
        else:
            months = "1,4,7,10" if which == "dau" else "3,6,9,12"
            rule = f"FREQ=YEARLY;BYMONTH={months};BYMONTHDAY={count if which == 'dau' else -1}"
        return _rec(original, rule)
    if unit == "nam" and year_b:
        first, last = pendulum.Date(_year(year_b), 1, 1), pendulum.Date(_year(year_b), 12, 31)
    elif unit == "thang" and spec and spec.isdigit() and year_a:
        y, mo = _year(year_a), _month(spec)
        first, last = pendulum.Date(y, mo, 1), _last_day(y, mo)
    elif unit == "quy" and spec and year_a:
        first, last = _quarter_window(_year(year_a), _roman(spec, original))
    else:
        raise DeadlineError("deadline.unknown", text=original)
    if which == "dau":
        return Deadline(original, "period", first, first.add(days=count - 1))
    return Deadline(original, "period", last.subtract(days=count - 1), last)


def _b_relative(m: re.Match[str], original: str, ctx: Context) -> Deadline | None:
    if not (m.group(1) or m.group(4)):
        return None  # "30 ngày" with nothing counting it from an event
    days, working = int(m.group(2)), bool(m.group(3))
    if ctx.anchor is None:
        raise DeadlineError("deadline.needs_anchor", text=original)
    # Civil Code 2015, art. 147: counting starts the day after the event.
    if working:
        if ctx.add_working_days is None:
            raise DeadlineError("deadline.needs_anchor", text=original)
        due = ctx.add_working_days(ctx.anchor, days)
    else:
        due = ctx.anchor + dt.timedelta(days=days)
    return Deadline(original, "date", ctx.anchor, due)


def _b_quarter_in_year(m: re.Match[str], original: str, ctx: Context) -> Deadline:
    quarter = _roman(m.group(1), original)
    return _rec(original, f"FREQ=YEARLY;BYMONTH={3 * quarter};BYMONTHDAY=-1")


def _b_months_in_year(m: re.Match[str], original: str, ctx: Context) -> Deadline:
    months = sorted({_month(x) for x in [m.group(1), *re.findall(r"\d+", m.group(2))]})
    return _rec(original, f"FREQ=YEARLY;BYMONTH={','.join(map(str, months))};BYMONTHDAY=-1")


def _b_open_years(m: re.Match[str], original: str, ctx: Context) -> Deadline:
    year = _year(m.group(1) or m.group(2))
    return Deadline(original, "recurring", start=dt.date(year, 1, 1),
                    rrule="FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31")


def _b_period(m: re.Match[str], original: str, ctx: Context) -> Deadline:
    first, last = _year(m.group(1)), _year(m.group(2))
    if last < first:
        raise DeadlineError("deadline.bad_period", first=first, last=last)
    return Deadline(original, "period", pendulum.Date(first, 1, 1), pendulum.Date(last, 12, 31))


def _b_date_range(m: re.Match[str], original: str, ctx: Context) -> Deadline:
    g = m.groups()
    first = _day(int(g[0]), int(g[1]), _year(g[2]))
    last = _day(int(g[3]), int(g[4]), _year(g[5]))
    if last <= first:
        raise DeadlineError("deadline.bad_range", text=original)
    return Deadline(original, "period", first, last)


_QUARTER_TOKEN = re.compile(r"(?<![a-z])(?:[ivxl1|]+y?|\d)(?![a-z])")


def _b_quarter_range(m: re.Match[str], original: str, ctx: Context) -> Deadline:
    numbers = [_roman(m.group(1), original)] + [
        _roman(tok, original) for tok in _QUARTER_TOKEN.findall(m.group(2))]
    a, b = _contiguous(numbers, m.group(2), original)
    year = _year(m.group(4))
    return Deadline(original, "period", _quarter_window(year, a)[0], _quarter_window(year, b)[1])


def _b_quarter_span(m: re.Match[str], original: str, ctx: Context) -> Deadline:
    start = _quarter_window(_year(m.group(2)), _roman(m.group(1), original))[0]
    due = _quarter_window(_year(m.group(4)), _roman(m.group(3), original))[1]
    if due <= start:
        raise DeadlineError("deadline.bad_range", text=original)
    return Deadline(original, "period", start, due)


def _b_month_range(m: re.Match[str], original: str, ctx: Context) -> Deadline:
    numbers = [_month(m.group(1))] + [_month(x) for x in re.findall(r"\d+", m.group(2))]
    a, b = _contiguous(numbers, m.group(2), original)
    year = _year(m.group(3))
    return Deadline(original, "period", pendulum.Date(year, a, 1), _last_day(year, b))


def _b_month_span(m: re.Match[str], original: str, ctx: Context) -> Deadline:
    start = pendulum.Date(_year(m.group(2)), _month(m.group(1)), 1)
    due = _last_day(_year(m.group(4)), _month(m.group(3)))
    if due <= start:
        raise DeadlineError("deadline.bad_range", text=original)
    return Deadline(original, "period", start, due)


def _b_date(m: re.Match[str], original: str, ctx: Context) -> Deadline:
    year = _year(m.group(3))
    return Deadline(original, "date", None, _day(int(m.group(1)), _month(m.group(2)), year))


def _b_part_month(m: re.Match[str], original: str, ctx: Context) -> Deadline:
    year, month = _year(m.group(3)), _month(m.group(2))
    part = m.group(1)
    day = 1 if part == "dau" else 15 if part == "giua" else calendar.monthrange(year, month)[1]
    return Deadline(original, "date", None, pendulum.Date(year, month, day))


def _b_half(m: re.Match[str], original: str, ctx: Context) -> Deadline:
    year = _year(m.group(2))
    if m.group(1) == "dau":
        return Deadline(original, "half", pendulum.Date(year, 1, 1), pendulum.Date(year, 6, 30))
    return Deadline(original, "half", pendulum.Date(year, 7, 1), pendulum.Date(year, 12, 31))


def _b_quarter(m: re.Match[str], original: str, ctx: Context) -> Deadline:
    quarter = _roman(m.group(1), original)
    start, due = _quarter_window(_year(m.group(2)), quarter)
    return Deadline(original, "quarter", start, due)


def _b_part_year(m: re.Match[str], original: str, ctx: Context) -> Deadline:
    year, part = _year(m.group(2)), m.group(1)
    due = (pendulum.Date(year, 1, 1) if part == "dau"
           else pendulum.Date(year, 6, 30) if part == "giua" else pendulum.Date(year, 12, 31))
    return Deadline(original, "date", None, due)


def _b_month(m: re.Match[str], original: str, ctx: Context) -> Deadline:
    year, month = _year(m.group(2)), _month(m.group(1))
    return Deadline(original, "month", pendulum.Date(year, month, 1), _last_day(year, month))


def _b_year(m: re.Match[str], original: str, ctx: Context) -> Deadline:
    year = _year(m.group(1))
    return Deadline(original, "year", pendulum.Date(year, 1, 1), pendulum.Date(year, 12, 31))


def _b_ongoing(m: re.Match[str], original: str, ctx: Context) -> Deadline:
    return Deadline(original, "ongoing")


# (pattern, builder, takes "từ năm .. / đến năm .." bounds). Recurring forms come first:
# "trước ngày 15/12 hằng năm" must not be read as a date with a stray "hằng năm".
CONSTRUCTS: tuple[tuple[re.Pattern[str], Any, bool], ...] = (
    (P_DAY_IN_QUARTER, _b_day_in_quarter, True),
    (P_WEEK_IN_MONTH, _b_week_in_month, True),
    (P_DAYS_IN, _b_days_in, True),
    (P_RELATIVE, _b_relative, False),
    (P_REC_DAY_MONTH, _b_day_month, True),
    (P_DAYS_WORDS_YEARLY, _b_days_words_yearly, True),
    (P_DAYS_YEARLY, _b_days_yearly, True),
    (P_QUARTER_IN_YEAR, _b_quarter_in_year, True),
    (P_MONTHS_IN_YEAR, _b_months_in_year, True),
    (P_OPEN_YEARS, _b_open_years, False),
    (P_REGIMES, _b_regimes, True),
    (P_DATE_RANGE, _b_date_range, False),
    (P_PERIOD, _b_period, False),
    (P_QUARTER_SPAN, _b_quarter_span, False),
    (P_QUARTER_RANGE, _b_quarter_range, False),
    (P_MONTH_SPAN, _b_month_span, False),
    (P_MONTH_RANGE, _b_month_range, False),
    (P_DATE_NUM, _b_date, False),
    (P_DATE_WORDS, _b_date, False),
    (P_PART_MONTH, _b_part_month, False),
    (P_HALF, _b_half, False),
    (P_QUARTER, _b_quarter, False),
    (P_PART_YEAR, _b_part_year, False),
    (P_MONTH, _b_month, False),
    (P_MONTH_BARE, _b_month, False),
    (P_YEAR, _b_year, False),
    (P_ONGOING, _b_ongoing, False),
)


def _bounds(s: str, span: tuple[int, int]) -> tuple[list[tuple[int, int]], int | None, int | None]:
    """'từ năm 2023 (trở đi)' and 'đến năm 2025' around a recurrence, outside its own span."""
    spans, first, last = [], None, None
    for pattern in (P_FROM, P_UNTIL):
        for m in pattern.finditer(s):
            if m.end() <= span[0] or m.start() >= span[1]:
                spans.append(m.span())
                year = int(next(g for g in m.groups() if g))
                if pattern is P_FROM:
                    first = year
                else:
                    last = year
                break
    return spans, first, last


# ---------------------------------------------------------------------------- parse


def parse(text: str, anchor: dt.date | None = None,
          add_working_days: Callable[[dt.date, int], dt.date] | None = None) -> Deadline:
    """Parse one deadline phrase whole, or raise DeadlineError naming what was not understood.

    anchor is the plan's date, from which relative deadlines ("trong vòng 30 ngày kể từ
    ngày ký") count; add_working_days counts working days for "ngày làm việc".
    """
    original = unicodedata.normalize("NFC", text).strip()
    if not original:
        raise DeadlineError("deadline.empty")
    s = fold(original)
    ctx = Context(anchor, add_working_days)
    best: list[tuple[int, int]] | None = None
    carriers = _carriers(s)
    for pattern, build, bounded in CONSTRUCTS:
        m = pattern.search(s)
        if m is None:
            continue
        spans = [m.span()]
        first = last = None
        if bounded:
            extra, first, last = _bounds(s, m.span())
            spans += extra
        rest = _leftover(carriers, spans)
        if rest:
            if best is None or len(rest) < len(best):
                best = rest
            continue
        d = build(m, original, ctx)
        if d is None:
            continue
        if first or last:
            if first and last and last < first:
                raise DeadlineError("deadline.bad_period", first=first, last=last)
            d = Deadline(d.text, d.kind, dt.date(_year(str(first)), 1, 1) if first else d.start,
                         d.due, d.rrule, dt.date(_year(str(last)), 12, 31) if last else None,
                         d.labels)
        return Deadline(d.text, d.kind, d.start, d.due, d.rrule, d.until, d.labels,
                        tuple(_merge(spans, s)))
    # A quarter or month named with an impossible number still deserves the precise
    # complaint, not "cannot understand".
    m = P_QUARTER_ANY.search(s)
    if m and P_YEAR.search(s):
        _roman(m.group(1), original)
    m = P_MONTH_ANY.search(s)
    if m and P_YEAR.search(s):
        _month(m.group(1))
    if best:
        raise DeadlineError("deadline.partly", text=original,
                            rest=" … ".join(_original_parts(original, s, best)))
    raise DeadlineError("deadline.unknown", text=original)
