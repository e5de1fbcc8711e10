"""`dondoc catalog draft`: a draft plan file from the OCR text of a scanned plan.

Scans lose diacritics ("Chuyén d6i s6"), read "III" as "111" and "c)" as "¢)". Lines are
therefore read on their folded ASCII form: Roman headings, numbered items ("1.", "1.1."),
lettered items ("a)"), the units they name (the registry's names and aliases, folded),
the deadlines they give (rewritten as deadline-language phrases) and the targets
(percentages with their years). Item texts stay as the scan gives them: a person
restores the diacritics while reading the «CẦN XEM» lines.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from dondoc.catalog.files.draft import (CODE_RE, DraftPlan, DraftTarget, DraftTask, Registry,
                                        UnitRef)
from dondoc.catalog.i18n import DondocError, InputError
from dondoc.catalog.rules import deadline as dl

_ROMAN_VALUES = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8,
                 "ix": 9, "x": 10}
ROMAN_HEAD = re.compile(r"^\s*([IVXLl1|vxr]{1,5})\s*[.,:]\s*(\S.*)$")  # "Iv.", "rv." are IV
DOTTED_HEAD = re.compile(r"^\s*(\d{1,2})\s*\.\s*(\d{1,2})\s*\.?\s+(\S.*)$")
NUMBER_HEAD = re.compile(r"^\s*(\d{1,2})\s*[.)]\s*(\S.*)$")
# The scan reads the full stop of "2. Giao Phòng..." as a comma; taken only for the next
# number before a capital, as "2, 3 và 4" in running text never is.
COMMA_HEAD = re.compile(r"^\s*(\d{1,2})\s*,\s*([A-ZĐ]\S*.*)$")
LETTER_HEAD = re.compile(r"^\s*([a-eghik-nđ¢])\s*\)\s*(\S.*)$")
PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
# Specks before the dash (". - Rà soát", ". -.Xây dựng") are dirt on the scan.
BULLET = re.compile(r"^[\s.,:;'^]*[-–—~+•*][\s.]*(\S.*)$")
# "-1Ung Kế hoạch": a dash glued to a digit and letters is a damaged word ("dựng") that goes
# on the previous line, not a bullet.
GLUED_DASH = re.compile(r"^\s*-\d[A-Za-z]")
# "Nơi nhận:", read by the scan as "Noi nhQn:", "Noi nhân:".
RECIPIENTS = re.compile(r"^n[o0]i nh[a-z]{0,2}n\b")
TASK_SECTIONS = ("nhiem vu", "giai phap", "to chuc thuc hien", "trach nhiem", "phan cong",
                 "noi dung", "tien do", "thoi gian")
TARGET_SECTIONS = ("muc tieu", "chi tieu")
# Parts that never assign work. A part whose heading the scan has damaged past reading and
# which names none of these assigns work when a part before it did: the parts of a plan
# come in order (purpose, targets, tasks, funding, organisation), so after the tasks an
# unreadable part is the organisation ("rv.T6 cHrIc rHr/c HrpN").
OTHER_SECTIONS = ("muc dich", "yeu cau", "tinh hinh", "nguyen nhan", "can cu", "quan diem",
                  "kinh phi", "danh gia")
# A numbered heading that assigns work in a part that otherwise does not ("3. Trình tự và
# thủ tục xét khen thưởng" in a part about awards).
TASK_SUBSECTIONS = ("trinh tu", "to chuc thuc hien", "phan cong", "trach nhiem")

# "quý IV" read as "quj lY": a "y" in the numeral is its "V".
_Q = r"quy\s*([ivxy1l|]{1,4}|\d)"
_Y = r"((?:19|20)\d\d)"
DEADLINE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bngay\s*(\d{1,2})\s*/\s*(\d{1,2})\s*(?:hang|moi)\s*nam\b"),
     "trước ngày {0}/{1} hằng năm"),
    (re.compile(r"\b(?:truoc|cham nhat|xong|han)\s*(?:ngay\s*)?(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*" + _Y),
     "trước ngày {0}/{1}/{2}"),
    (re.compile(r"\b" + _Q + r"\s*(?:/|nam)\s*" + _Y), "quý {0}/{1}"),
    (re.compile(r"\b(?:trong\s*)?thang\s*(\d{1,2})\s*(?:/|nam)\s*" + _Y), "tháng {0}/{1}"),
    (re.compile(r"\b(?:6 thang|sau thang) va (?:hang|ca) nam\b"), "6 tháng và hằng năm"),
    (re.compile(r"\bhang quy\b|\bdinh ky hang quy\b"), "hằng quý"),
    (re.compile(r"\bhang thang\b"), "hằng tháng"),
    (re.compile(r"\b(?:hang|moi) nam\b|\bdinh ky (?:hang )?nam\b"), "hằng năm"),
)
# In the consonant skeleton: "chủ trì" is "ch tr", "phối hợp" is "ph hp".
LEAD_BEFORE = re.compile(r"\bch tr\b")
COORD_AFTER = re.compile(r"\bph hp\b")
_TITLE_WORD = re.compile(r"(ke hoach|nghi quyet|chuong trinh)( hanh dong)?")
PERCENT = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s*%")
YEAR = re.compile(r"(?<!\d)(20[1-4]\d)(?!\d)")


@dataclass
class Item:
    section: str
    level: int  # 1 roman, 2 number, 3 dotted or letter, 4 a bullet ("-", "+") inside one
    head: str  # the heading text of its line
    lines: list[str] = field(default_factory=list)
    children: int = 0
    area: str = ""  # the folded heading of its Roman part
    assigns: bool = False  # whether it sits in a part that assigns work

    @property
    def text(self) -> str:
        return " ".join(" ".join([self.head, *self.lines]).split())


_OCR_DIGITS = str.maketrans({"0": "o", "1": "i", "6": "o", "4": "a", "5": "e", "3": "e", "|": "i"})


def area_has(area: str, words: tuple[str, ...]) -> bool:
    """Whether a folded, scan-damaged heading holds one of words ("t 6 chijc th tic hien")."""
    from difflib import SequenceMatcher

    letters = re.sub(r"[^a-z ]", "", area.translate(_OCR_DIGITS))
    letters = " ".join(letters.split())
    for word in words:
        if word in letters:
            return True
        n = len(word)
        for i in range(0, max(1, len(letters) - n + 1)):
            if SequenceMatcher(None, word, letters[i:i + n + 1]).ratio() >= 0.7:
                return True
    return False


def _roman(token: str) -> str | None:
    fixed = token.lower().replace("1", "i").replace("l", "i").replace("|", "i").replace("r", "i")
    return fixed.upper() if fixed in _ROMAN_VALUES else None


def _mostly_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.7 * len(letters)


def _next_text_line(lines: list[str], i: int) -> str:
    """The first line after lines[i] that holds text (not blank, not a page number)."""
    for line in lines[i + 1:]:
        if line.strip() and not PAGE_NUMBER.match(line):
            return line.strip()
    return ""


def _part_assigns(area: str, before: bool) -> bool:
    """Whether a Roman part assigns work; `before` is whether any part before it did."""
    if area_has(area, TASK_SECTIONS):
        return True
    if area_has(area, TARGET_SECTIONS + OTHER_SECTIONS):
        return False
    return before


def split_items(text: str) -> list[Item]:
    """The numbered structure of the document, one Item per heading line."""
    items: list[Item] = []
    roman = number = letter_prev = ""
    area = ""
    assigns = False  # whether the current Roman part (or numbered heading) assigns work
    part_assigns = seen_assigning = False
    current: Item | None = None
    parents: dict[str, Item] = {}
    gap = page = recipients = False  # a blank line / a page number since the last text line
    lines = text.splitlines()
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            gap = True
            continue
        if PAGE_NUMBER.match(line):
            page = True
            continue
        folded_line = dl.fold(line)
        if RECIPIENTS.match(folded_line):
            recipients = True  # the recipients and the signature hold no task...
            current = None
            continue
        if recipients:
            if not (folded_line.startswith("phu luc") or ROMAN_HEAD.match(line)):
                continue
            recipients = False  # ...but an appendix may follow them
        # A blank line inside a numbered heading's body starts a new paragraph, which the
        # hand-made catalogs take as a task of its own; a page break does not.
        paragraph, gap, page = gap and not page, False, False
        if re.match(r"^[lI|]\s*\.\s*[A-Za-z]", line) and not _mostly_upper(line[2:]):
            line = "1." + line.split(".", 1)[1]  # the scan's "l. Tăng cường" is item 1
        m = ROMAN_HEAD.match(line)
        r = _roman(m.group(1)) if m else None
        expected = roman and _ROMAN_VALUES.get(r.lower() if r else "", 0) == \
            _ROMAN_VALUES.get(roman.lower(), -1) + 1
        if m and r and len(m.group(2)) > 3 and (
                (_mostly_upper(m.group(2)) and not m.group(1)[0].islower())
                # a badly scanned heading ("rv.T6 cHrIc rHr/c HrpN", "v. THANH PHAN"): the
                # next numeral, in capitals, naming a part we know or opening item 1
                or (expected and (_mostly_upper(m.group(2))
                                  or area_has(dl.fold(m.group(2)), TASK_SECTIONS + ("kinh phi",))
                                  or re.match(r"^1\s*\.\s*\D", _next_text_line(lines, i))))):
            roman, number, letter_prev = r, "", ""
            area = dl.fold(m.group(2))
            part_assigns = assigns = _part_assigns(area, seen_assigning)
            seen_assigning = seen_assigning or part_assigns
            current = Item(roman, 1, m.group(2), area=area, assigns=assigns)
            items.append(current)
            parents = {roman: current}
            continue
        m = DOTTED_HEAD.match(line)
        if m and roman and m.group(1) == number:
            section = f"{roman}.{m.group(1)}.{int(m.group(2))}"
            current = Item(section, 3, m.group(3), area=area, assigns=assigns)
            parents.pop("~bullets-owner", None)
            _child(parents, f"{roman}.{number}")
            items.append(current)
            parents[section] = current
            letter_prev = ""
            continue
        m = NUMBER_HEAD.match(line)
        if not m and number:
            m = COMMA_HEAD.match(line)
            m = m if m and int(m.group(1)) == int(number) + 1 else None
        if m and roman and not re.match(r"^\d", m.group(2)):
            number, letter_prev = str(int(m.group(1))), ""
            section = f"{roman}.{number}"
            head = dl.fold(m.group(2))
            assigns = part_assigns or (len(head) <= 80 and not area_has(area, TARGET_SECTIONS)
                                       and area_has(head, TASK_SUBSECTIONS))
            current = Item(section, 2, m.group(2), area=area, assigns=assigns)
            parents.pop("~bullets-owner", None)
            _child(parents, roman)
            items.append(current)
            parents[section] = current
            continue
        m = LETTER_HEAD.match(line)
        if m and roman:
            letter = "c" if m.group(1) == "¢" else m.group(1)
            if letter == "d" and letter_prev == "d":
                letter = "đ"  # the scan reads "đ)" as a second "d)"
            letter_prev = letter
            base = f"{roman}.{number}" if number else roman
            section = f"{base}.{letter}"
            current = Item(section, 3, m.group(2), area=area, assigns=assigns)
            parents.pop("~bullets-owner", None)
            _child(parents, base)
            items.append(current)
            continue
        m = None if GLUED_DASH.match(line) else BULLET.match(line)
        if m and current is not None and current.level > 1:
            # Each bullet is a task of its own in the hand-made catalogs, under the same
            # section; the item it hangs from becomes their heading.
            owner = parents.get("~bullets-owner") or getattr(current, "paragraph_of", None) \
                or current
            section = owner.section
            if owner.level == 4:
                owner = None  # a bullet after a bullet: a sibling, never a child
            else:
                owner.children += 1
                parents["~bullets-owner"] = owner
            current = Item(section, 4, m.group(1), area=area, assigns=assigns)
            items.append(current)
            continue
        if current is not None and current.level == 1 and not current.lines \
                and _mostly_upper(line):
            # A Roman heading set on two lines: its second line names the area too.
            current.head = f"{current.head} {line}"
            area = current.area = dl.fold(current.head)
            before = any(it.assigns for it in items[:-1] if it.level == 1)
            part_assigns = assigns = current.assigns = _part_assigns(area, before)
            seen_assigning = before or part_assigns
            continue
        if current is not None and paragraph and line[:1].isupper() and _splits(current):
            owner = getattr(current, "paragraph_of", None) or current
            if owner is current:
                # The first paragraph after a numbered heading; a numbered sentence
                # (ending with a full stop) just goes on.
                heading = len(owner.text.split()) <= 60 and not owner.text.rstrip().endswith(".")
            else:
                heading = current.text.rstrip().endswith((".", ":", ";"))
            if heading:
                owner.children += 1
                current = Item(owner.section, 4, line, area=area, assigns=assigns)
                current.paragraph_of = owner  # type: ignore[attr-defined]
                items.append(current)
                continue
        if current is not None:
            current.lines.append(line)
    return items


def _splits(item: Item) -> bool:
    """Whether a blank line in this item may start a task of its own."""
    if getattr(item, "paragraph_of", None) is not None:
        return True
    return item.level == 2 or (item.level == 3 and item.section.count(".") == 2
                               and item.section.rsplit(".", 1)[1].isdigit())


def _child(parents: dict[str, Item], key: str) -> None:
    if key in parents:
        parents[key].children += 1


# ------------------------------------------------------------------- units and deadlines


_SO = re.compile(r"\bs[&¢e6o]{1,2}(?=\s)")


def skeleton(folded: str) -> str:
    """The consonants of folded text, word by word: the scan damages vowels (where the
    diacritics sit: "Théng tin" for "Thông tin"), rarely consonants."""
    s = _SO.sub("so", folded)
    s = re.sub(r"[^a-z ]", "", s)
    # Vietnamese has no "j": it is the scan's "ị" ("Thj ủy", "djnh"), a vowel.
    s = re.sub(r"[aeiouyj]", "", s)
    return " ".join(s.split())


# A digit inside a word, or at the end of a longer one, is a vowel the scan misread
# ("Ti6n" for "Tiên", "ph6" for "phố"); folding would split the word there ("ti 6 n") and
# lose its consonant skeleton. "S6" (Sở) is left to the skeleton's own reading.
_GLUED_DIGIT = re.compile(r"(?<=[^\W\d_])\d(?=[^\W\d_])|(?<=[^\W\d_]{2})\d\b")


def unit_fold(text: str) -> str:
    """Folded text for finding unit names in: misread vowels dropped, not split apart."""
    return dl.fold(_GLUED_DIGIT.sub("", text))


class UnitFinder:
    """Registry names and aliases looked for in scanned text, longest first.

    Matching is on consonant skeletons; a short skeleton ("s n v", Sở Nội vụ) could be
    many things, so a name that short must also appear exactly in the folded text.
    """

    SHORT = 8

    def __init__(self, registry: Registry, province: str | None) -> None:
        self.registry, self.province = registry, province
        # Sorted: the registry's own order depends on set iteration, the draft must not.
        codes: dict[str, set[str]] = {}
        keys: dict[str, list[str]] = {}
        for key in sorted(registry.folded):
            found = registry.resolve(key, province)
            if not isinstance(found, str) or len(key) < 6:
                continue
            skel = skeleton(key)
            if skel:
                codes.setdefault(skel, set()).add(found)
                keys.setdefault(skel, []).append(key)
        # Two units with one skeleton: trust neither.
        self.patterns = [(re.compile(r"\b" + re.escape(skel) + r"\b"), skel, keys[skel],
                          next(iter(codes[skel])))
                         for skel in sorted(codes, key=lambda k: (-len(k), k))
                         if len(codes[skel]) == 1]

    def find(self, folded: str) -> list[tuple[int, str, str]]:
        """(position in the skeleton, name, code) of each unit named, overlaps dropped."""
        skel_text = skeleton(folded)
        plain = _SO.sub("so", folded)
        taken: list[tuple[int, int]] = []
        out = []
        for pattern, skel, names, code in self.patterns:
            if len(skel) < self.SHORT and not any(n in plain for n in names):
                continue
            key = names[0]
            for m in pattern.finditer(skel_text):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                taken.append((m.start(), m.end()))
                out.append((m.start(), key, code))
        return sorted(out)


def find_deadline(folded: str) -> str | None:
    for pattern, template in DEADLINE_PATTERNS:
        m = pattern.search(folded)
        if not m:
            continue
        groups = list(m.groups())
        if template.startswith("quý"):
            r = _roman(groups[0].replace("y", "v")) if not groups[0].isdigit() else \
                {"1": "I", "2": "II", "3": "III", "4": "IV"}.get(groups[0])
            if not r:
                continue
            groups[0] = r
        phrase = template.format(*groups)
        try:
            dl.parse(phrase)
        except DondocError:
            continue
        return phrase
    return None


# ------------------------------------------------------------------- the document


_NUMBER = re.compile(r"\bs\s*[o6]?\s*[:.]?\s*(\d{1,4})\s*[-/ ]*\s*(kh|nq|qd|ct|tb)\s*"
                     r"(?:[-/ ]|i(?=tu|ub))\s*([a-z]{2,6})\b")
# "ngày 18 tháng 7 năm 2022", read as "ngdylB thdng 7 ndm2022": the day's digits come back
# from the letters the scan makes of them.
_DATE = re.compile(r"\bng[a-z]{0,2}y\s*([0-9lbiosz]{1,2})\s+thang\s*(\d{1,2})\s*nam\s*"
                   r"((?:19|20)\d\d)")
_DAY_DIGITS = str.maketrans({"l": "1", "i": "1", "b": "8", "o": "0", "s": "5", "z": "2"})
# A digital signature stamp ("Văn phòng Thành ủy ... 28.10.2021 18:41:53 +07:00") sits above
# the header and names the office that signed, not the issuer.
_STAMP = re.compile(r"\d\d:\d\d(?::\d\d)?|\+\s*0?7\s*:?\s*00")


def _number(lines: list[str]) -> str | None:
    m = _NUMBER.search(" ".join(dl.fold(ln) for ln in lines))
    if not m:
        return None
    if m.group(3) == "tu" or m.group(2) == "nq":
        return f"{m.group(1)}-{m.group(2).upper()}/{m.group(3).upper()}"  # party documents
    return f"{m.group(1)}/{m.group(2).upper()}-{m.group(3).upper()}"


def _date(lines: list[str]) -> dt.date | None:
    m = _DATE.search(" ".join(dl.fold(ln) for ln in lines))
    if not m:
        return None
    day = m.group(1).translate(_DAY_DIGITS)
    try:
        return dt.date(int(m.group(3)), int(m.group(2)), int(day))
    except ValueError:
        return None


def _header_unit(line: str, finder: UnitFinder, registry: Registry) -> str | None:
    """The unit a line of the top-left block names, its scan damage allowed for."""
    from difflib import SequenceMatcher

    f = unit_fold(line)
    # The scan often keeps only the second line of the issuer ("THÀNH PHỐ HẢI PHÒNG").
    for candidate in (f, f"uy ban nhan dan {f}", f"ubnd {f}"):
        found = finder.find(candidate)
        if found:
            return found[0][2]
    # "Till U BIM SON" is "THỊ ỦY BỈM SƠN": the whole line against every name, closely.
    letters = re.sub(r"[^a-z]", "", f)
    best, best_ratio = None, 0.8
    for key in sorted(registry.folded):
        plain = re.sub(r"[^a-z]", "", key)
        if len(plain) < 10 or abs(len(plain) - len(letters)) > 3:
            continue
        ratio = SequenceMatcher(None, letters, plain).ratio()
        code = registry.resolve(key, None)
        if ratio > best_ratio and isinstance(code, str):
            best, best_ratio = code, ratio
    return best


def _issuer(lines: list[str], title_at: int | None, text: str, registry: Registry) -> str | None:
    """The issuer: the lowest unit of the top-left block (the body under its superior,
    "ĐẢNG BỘ TỈNH THANH HÓA / THỊ ỦY BỈM SƠN"), narrowed by a "CỦA BAN THƯỜNG VỤ ..." line
    under the title; without a header, the unit the closing "Trên đây là Kế hoạch ... của
    UBND thành phố Hà Tiên" names."""
    finder = UnitFinder(registry, None)
    block = lines[:title_at if title_at is not None else 6]
    stamp = max((i for i, ln in enumerate(block[:8]) if _STAMP.search(ln)), default=-1)
    issuer = None
    for ln in block[stamp + 1:]:
        f = dl.fold(ln)
        if _NUMBER.search(f) or _DATE.search(f):
            break  # the block ends at the number and date line
        if not (_mostly_upper(ln) or re.match(r"^\W*[A-ZĐ]{2,}\s+[A-ZĐ]{2,}", ln)):
            continue  # the header is in capitals; running text is not a header
        issuer = _header_unit(ln, finder, registry) or issuer
    if issuer and title_at is not None:
        province = registry.province_of(issuer)
        for ln in lines[title_at + 1:title_at + 3]:
            f = dl.fold(ln)
            if f.startswith("cua "):
                named = UnitFinder(registry, province).find(unit_fold(ln))
                if named:
                    return named[0][2]
    if issuer:
        return issuer
    folded = unit_fold(text)
    # "Trên đây là", read as "Tr6n dAy li".
    m = re.search(r"\btr[a-z]?n d[a-z]{1,2}y l[a-z]\b", folded)
    if m:
        # The sentence up to its request ("đề nghị các cơ quan ..."), where others are named.
        closing = re.split(r"\bd[a-z]? nghi\b", folded[m.end():m.end() + 300])[0]
        named = finder.find(closing)
        if named:
            return named[0][2]
    return None


def _meta(text: str, registry: Registry) -> tuple[str | None, dt.date | None, str | None,
                                                  str | None]:
    """(number, date, issuer code, title) from the document's first lines."""
    head_lines = [ln.strip() for ln in text.splitlines()[:40] if ln.strip()]
    title_at = next((i for i, ln in enumerate(head_lines) if _TITLE_WORD.fullmatch(dl.fold(ln))),
                    None)
    # Only the lines above the title: the "Căn cứ" lines cite other documents' numbers.
    number = _number(head_lines[:title_at if title_at is not None else 5])
    issued = _date(head_lines[:12])
    issuer = _issuer(head_lines, title_at, text, registry)
    title = None
    if title_at is not None:
        parts = []
        for nxt in head_lines[title_at + 1:title_at + 4]:
            f = dl.fold(nxt)
            if f.startswith(("can c", "thuc hien", "-")) or len(parts) >= 2:
                break
            parts.append(nxt)
        title = " ".join([head_lines[title_at].capitalize(), *parts]) if parts else None
    return number, issued, issuer, title


def draft_from_text(path: Path, code: str, registry: Registry, *, issuer: str | None = None,
                    title: str | None = None, issued_on: dt.date | None = None) -> DraftPlan:
    label = str(path)
    if not CODE_RE.match(code):
        raise InputError(label, None, "import.bad_code", code=code)
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise InputError(label, None, "import.missing") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(label, None, "draft.not_text", byte=f"0x{raw[exc.start]:02x}") from None
    return draft_from_string(text, code, registry, issuer=issuer, title=title,
                             issued_on=issued_on, source=path.name, label=label)


def draft_from_string(text: str, code: str, registry: Registry, *, issuer: str | None = None,
                      title: str | None = None, issued_on: dt.date | None = None,
                      source: str | None = None, label: str = "-") -> DraftPlan:
    number, found_date, found_issuer, found_title = _meta(text, registry)
    plan = DraftPlan(code=code, title=title or found_title, issuer=issuer or found_issuer,
                     issued_on=issued_on or found_date, number=number, source=source)
    plan.horizon_text = _horizon(text, plan)
    items = split_items(text)
    if not any(i.level > 1 for i in items):
        raise InputError(label, None, "draft.no_items")
    issuer_code = registry.resolve(plan.issuer, None) if plan.issuer else None
    province = registry.province_of(issuer_code) if isinstance(issuer_code, str) else None
    finder = UnitFinder(registry, province)
    heading_unit: dict[str, tuple[str, str]] = {}
    heading_deadline: dict[str, str] = {}
    task_items: list[Item] = []
    overall: UnitRef | None = None
    for item in items:
        folded = dl.fold(item.text)
        if item.children and item.level > 1:
            # "1. Sở Thông tin và Truyền thông" over its lettered duties or bullets.
            named = finder.find(unit_fold(item.head))
            if named and named[0][0] <= 3:
                heading_unit[item.section] = (named[0][1], named[0][2])
            found_deadline = find_deadline(dl.fold(item.text))
            if found_deadline:
                heading_deadline[item.section] = found_deadline
        if item.children or item.level == 1:
            continue
        if area_has(item.area, TARGET_SECTIONS) and PERCENT.search(folded):
            _target(plan, item, folded)
            continue
        if not item.assigns:
            continue
        lead, coordinators = _units(finder, unit_fold(item.text))
        parents_up = [item.section] if item.level == 4 else []
        parents_up += [item.section.rsplit(".", k)[0] for k in (1, 2) if "." in item.section]
        for parent in parents_up:
            if not lead and parent in heading_unit:
                lead = [UnitRef(heading_unit[parent][0], heading_unit[parent][1])]
        deadline = find_deadline(folded) or next(
            (heading_deadline[p] for p in parents_up if p in heading_deadline), None)
        category = "report" if re.match(r"^(?:dinh ky )?bao cao\b", folded) or \
            (deadline and deadline.startswith("hằng") and "bao cao" in folded) else "task"
        plan.tasks.append(DraftTask(
            code=_code("NV", item.section, plan), section=item.section, title=item.text,
            lead=lead, coordinators=coordinators, deadline=deadline, category=category))
        task_items.append(item)
        if not overall and area_has(item.area, ("to chuc thuc hien",)):
            overall = _overall_lead(finder, item)
    if overall:
        # The organisation part gives the plan's tasks to one unit ("UBND thị xã căn cứ mục
        # tiêu, nhiệm vụ, giải pháp được giao trong Kế hoạch này..."): it leads every task
        # of the other parts that names no lead of its own.
        for task, item in zip(plan.tasks, task_items):
            if not task.lead and not area_has(item.area, ("to chuc thuc hien",)):
                task.lead = [UnitRef(overall.text, overall.code)]
    plan.resolve(registry)
    return plan


_GIVEN_THE_PLAN = re.compile(r"\bgiai phap\b.{0,40}\bke hoach\b")


def _overall_lead(finder: UnitFinder, item: Item) -> UnitRef | None:
    """The unit an organisation item opens with, when it is given the plan's tasks and
    solutions as a whole (not those of one sector: "giải pháp ... của ngành y tế")."""
    folded = unit_fold(item.text)
    if not _GIVEN_THE_PLAN.search(folded[:200]):
        return None
    named = finder.find(folded)
    if not named or named[0][0] > 3:
        return None
    return UnitRef(named[0][1], named[0][2])


def _units(finder: UnitFinder, folded: str) -> tuple[list[UnitRef], list[UnitRef]]:
    named = finder.find(folded)
    if not named:
        return [], []
    skel = skeleton(folded)
    coord_at = COORD_AFTER.search(skel)
    chair = LEAD_BEFORE.search(skel)
    lead: list[UnitRef] = []
    coords: list[UnitRef] = []
    for pos, key, code in named:
        if coord_at and pos > coord_at.start() and (not chair or pos > chair.start()
                                                    or chair.start() > coord_at.start()):
            coords.append(UnitRef(key, code))
        elif (chair and pos < chair.start() or pos < 40) and not lead:
            lead.append(UnitRef(key, code))
    return lead, coords


def _target(plan: DraftPlan, item: Item, folded: str) -> None:
    years = [int(y) for y in YEAR.findall(folded)] or \
        [int(y) for y in YEAR.findall(item.area)]
    if not years:
        return
    m = PERCENT.search(folded)
    value = float(m.group(1).replace(",", "."))
    plan.targets.append(DraftTarget(
        code=_code("CT", item.section, plan), indicator=item.text, section=item.section,
        values={max(years): int(value) if value.is_integer() else value},
        unit_of_measure="%"))


def _code(prefix: str, section: str, plan: DraftPlan) -> str:
    """NV-III.2.dd for section III.2.đ, as the hand-made catalog writes it; unique."""
    base = f"{prefix}-" + re.sub(r"[^A-Za-z0-9.]", "", section.replace("đ", "dd"))
    taken = {t.code for t in plan.tasks} | {t.code for t in plan.targets}
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    return code


def _horizon(text: str, plan: DraftPlan) -> str | None:
    """The plan's own horizon: "đến năm 2025" in its title or opening, else its year."""
    for source in (plan.title or "", " ".join(text.splitlines()[:80])):
        folded = dl.fold(source)
        m = re.search(r"giai doan\s*((?:19|20)\d\d)\s*-\s*((?:19|20)\d\d)", folded)
        if m and source is plan.title:
            return f"Giai đoạn {m.group(1)}-{m.group(2)}"
        # "đến năm", read by the scan as "dén niam", "tl6n nim"...
        m = re.search(r"\b(?:den|tl\s*6\s*n|d\s*[e6]\s*n)\s+n[a-z]{0,3}\s*((?:19|20)\d\d)", folded)
        if m:
            return f"Đến năm {m.group(1)}"
        m = re.search(r"\bnam\s*((?:19|20)\d\d)\s*$", folded)
        if m and source is plan.title:
            return f"Năm {m.group(1)}"
    return None
