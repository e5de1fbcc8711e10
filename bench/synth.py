"""A deterministic synthetic catalog at national scale, in the real catalog YAML format.

34 provinces and centrally-run cities as they stand after the 2025 merger (Resolution
202/2025/QH15), each with a unit registry: the UBND, ~16 provincial departments and its
communes (roughly the real post-merger commune counts, ~3,300 in all; names are made up
and unique within a province). Each province gets plans whose tasks add up to N over the
country; every plan goes to its own file (at most MAX_TASKS_PER_FILE tasks), every
registry to a units file.

    python -m bench.synth 100000 bench/out/100000/catalog [--seed 2025]

The same (N, seed) always writes byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

AS_OF = dt.date(2025, 6, 30)  # the snapshot day: nothing is marked done after it
MAX_TASKS_PER_FILE = 20_000
TASKS_PER_PLAN = 500  # on average; real plans range from a dozen to a few thousand tasks

# (name, "tinh" or "thanh-pho", code, approximate number of communes/wards after the merger)
PROVINCES: list[tuple[str, str, str, int]] = [
    ("Hà Nội", "thanh-pho", "HNI", 126),
    ("Huế", "thanh-pho", "HUE", 40),
    ("Hải Phòng", "thanh-pho", "HPG", 114),
    ("Đà Nẵng", "thanh-pho", "DNG", 94),
    ("Hồ Chí Minh", "thanh-pho", "HCM", 168),
    ("Cần Thơ", "thanh-pho", "CTO", 103),
    ("Tuyên Quang", "tinh", "TQG", 124),
    ("Cao Bằng", "tinh", "CBG", 56),
    ("Lai Châu", "tinh", "LCU", 38),
    ("Lào Cai", "tinh", "LCI", 99),
    ("Thái Nguyên", "tinh", "TNN", 92),
    ("Điện Biên", "tinh", "DBN", 45),
    ("Lạng Sơn", "tinh", "LSN", 65),
    ("Sơn La", "tinh", "SLA", 75),
    ("Phú Thọ", "tinh", "PTO", 148),
    ("Bắc Ninh", "tinh", "BNH", 99),
    ("Quảng Ninh", "tinh", "QNH", 54),
    ("Hưng Yên", "tinh", "HYN", 104),
    ("Ninh Bình", "tinh", "NBH", 129),
    ("Thanh Hóa", "tinh", "THA", 166),
    ("Nghệ An", "tinh", "NAN", 130),
    ("Hà Tĩnh", "tinh", "HTH", 69),
    ("Quảng Trị", "tinh", "QTR", 78),
    ("Quảng Ngãi", "tinh", "QNG", 96),
    ("Gia Lai", "tinh", "GLI", 135),
    ("Khánh Hòa", "tinh", "KHA", 65),
    ("Lâm Đồng", "tinh", "LDG", 124),
    ("Đắk Lắk", "tinh", "DLK", 102),
    ("Đồng Nai", "tinh", "DNI", 95),
    ("Tây Ninh", "tinh", "TNH", 96),
    ("Vĩnh Long", "tinh", "VLG", 124),
    ("Đồng Tháp", "tinh", "DTP", 102),
    ("Cà Mau", "tinh", "CMU", 64),
    ("An Giang", "tinh", "AGG", 102),
]

# (code suffix, full name, short aliases); "{cap}" is "tỉnh" or "thành phố".
DEPARTMENTS: list[tuple[str, str, list[str]]] = [
    ("VP", "Văn phòng UBND {cap}", ["Văn phòng UBND", "VP UBND"]),
    ("SNV", "Sở Nội vụ", ["SNV"]),
    ("STC", "Sở Tài chính", ["STC"]),
    ("STP", "Sở Tư pháp", ["STP"]),
    ("SCT", "Sở Công Thương", ["SCT"]),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", ["Sở NN&MT", "Sở NNMT"]),
    ("SXD", "Sở Xây dựng", ["SXD"]),
    ("SKHCN", "Sở Khoa học và Công nghệ", ["Sở KH&CN", "Sở KHCN"]),
    ("SGDDT", "Sở Giáo dục và Đào tạo", ["Sở GD&ĐT", "Sở GDĐT"]),
    ("SYT", "Sở Y tế", ["SYT"]),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", ["Sở VH,TT&DL", "Sở VHTTDL"]),
    ("SDTTG", "Sở Dân tộc và Tôn giáo", ["Sở DT&TG"]),
    ("SNGV", "Sở Ngoại vụ", ["SNgV"]),
    ("TTR", "Thanh tra {cap}", ["Thanh tra"]),
    ("CA", "Công an {cap}", ["Công an"]),
    ("BCHQS", "Bộ Chỉ huy Quân sự {cap}", ["Bộ CHQS", "BCHQS"]),
]

SYLLABLES = (
    "An Bình Hòa Phú Tân Thạnh Long Mỹ Đông Tây Nam Bắc Xuân Hưng Phước Thuận Lộc Quang Minh "
    "Trung Thành Vĩnh Hải Sơn Lâm Cẩm Đức Nghĩa Hiệp Thịnh Khánh Hồng Kim Ngọc Lạc Yên Phong "
    "Điền Giang Hà Thái Tiến Tường Định Hậu Lợi Châu Thủy Hoa Tiên Vân Trà Quế Đại Tam Cát "
    "Gia Lương Thượng Hạ Ninh Nhân Hiền Tịnh Bảo Diên Đồng Thắng Kiến Phúc Thọ Quý Cao Linh"
).split()

TOPICS = [
    "chuyển đổi số", "cải cách hành chính", "phát triển kinh tế số", "xây dựng nông thôn mới",
    "bảo vệ môi trường", "phòng, chống thiên tai", "phát triển du lịch", "giảm nghèo bền vững",
    "an toàn thông tin mạng", "phát triển nguồn nhân lực", "y tế cơ sở", "giáo dục STEM",
    "phòng cháy, chữa cháy", "xúc tiến đầu tư", "phát triển hạ tầng số", "thực hiện Đề án 06",
    "phát triển doanh nghiệp", "quản lý đất đai", "phòng, chống tham nhũng", "khoa học công nghệ",
]
VERBS = [
    "Xây dựng", "Triển khai", "Rà soát", "Hoàn thiện", "Tổ chức", "Nâng cấp", "Tuyên truyền về",
    "Đánh giá", "Kiểm tra", "Số hóa", "Ban hành", "Thí điểm", "Đào tạo, bồi dưỡng về",
    "Hướng dẫn", "Tổng hợp", "Đầu tư", "Kết nối", "Chuẩn hóa",
]
OBJECTS = [
    "cơ sở dữ liệu dân cư", "hệ thống thông tin giải quyết thủ tục hành chính", "kế hoạch chi tiết",
    "quy chế phối hợp", "hồ sơ công việc điện tử", "nền tảng chia sẻ dữ liệu", "dịch vụ công trực tuyến",
    "trung tâm giám sát an toàn thông tin", "mạng diện rộng", "danh mục dự án", "bộ chỉ số đánh giá",
    "hạ tầng cáp quang", "kho dữ liệu dùng chung", "sổ tay hướng dẫn", "chương trình đào tạo",
    "mô hình điểm", "báo cáo chuyên đề", "phần mềm quản lý văn bản", "cổng thông tin điện tử",
]
CONTEXTS = [
    "cấp tỉnh", "cấp xã", "trên địa bàn", "tại các cơ quan nhà nước", "cho người dân",
    "cho doanh nghiệp", "trong trường học", "tại bệnh viện tuyến tỉnh", "ở vùng đồng bào dân tộc",
    "khu vực biên giới", "khu công nghiệp", "", "", "",
]
SPECIAL_ZONES = {"HPG", "QNH", "KHA", "AGG", "QTR", "QNG", "LDG", "HCM"}  # island đặc khu
ROMAN = ["I", "II", "III", "IV"]
ONGOING = ["thường xuyên", "Thường xuyên", "liên tục", "khi có yêu cầu", "thường xuyên, liên tục"]


@dataclass
class Unit:
    code: str
    name: str
    short_name: str | None
    kind: str
    parent: str | None
    province: str
    aliases: list[str]
    ref: str  # how plans usually name it


@dataclass
class Province:
    name: str
    cap: str  # "tỉnh" or "thành phố"
    code: str
    units: list[Unit] = field(default_factory=list)

    @property
    def ubnd(self) -> Unit:
        return self.units[0]

    @property
    def departments(self) -> list[Unit]:
        return [u for u in self.units if u.kind == "so"]

    @property
    def communes(self) -> list[Unit]:
        return [u for u in self.units if u.kind == "ubnd-xa"]


# ------------------------------------------------------------------------------ YAML

_PLAIN = re.compile(r"[^\W\d_][\w .,/()&+–-]*", re.UNICODE)
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def q(value: str) -> str:
    """A YAML scalar for value: plain when that is unambiguous, else double-quoted."""
    if (_PLAIN.fullmatch(value) and value.lower() not in _RESERVED
            and not value.endswith((" ", ":")) and ": " not in value and " #" not in value):
        return value
    return json.dumps(value, ensure_ascii=False)


def flow(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) if "," in v else q(v)
                           for v in values) + "]"


# ------------------------------------------------------------------------------ units


def build_provinces(rng: random.Random) -> list[Province]:
    out = []
    for name, kind, code, n_communes in PROVINCES:
        cap = "thành phố" if kind == "thanh-pho" else "tỉnh"
        prov = Province(name, cap, code)
        ubnd_code = f"{code}-UBND"
        prov.units.append(Unit(
            ubnd_code, f"Ủy ban nhân dân {cap} {name}", f"UBND {cap}",
            "ubnd-tinh", None, name, [f"UBND {cap} {name}", f"UBND {cap}"],
            f"UBND {cap} {name}"))
        for suffix, full, short in DEPARTMENTS:
            base = full.format(cap=cap)
            prov.units.append(Unit(
                f"{code}-{suffix}", f"{base} {name}" if "{cap}" in full else f"{base} {cap} {name}",
                short[0], "so", ubnd_code, name,
                [base, *short], rng.choice([base, base, short[0]])))
        seen: set[str] = set()
        wards = max(4, n_communes // 4)
        for i in range(n_communes):
            while True:
                place = f"{rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}"
                a, b = place.split()
                if a != b and place not in seen:
                    break
            seen.add(place)
            level = "phường" if i < wards else (
                "đặc khu" if i == n_communes - 1 and code in SPECIAL_ZONES else "xã")
            prov.units.append(Unit(
                f"{code}-X{i + 1:03d}", f"Ủy ban nhân dân {level} {place}", f"UBND {level} {place}",
                "ubnd-xa", ubnd_code, name, [f"UBND {level} {place}"], f"UBND {level} {place}"))
        out.append(prov)
    return out


def units_yaml(prov: Province) -> str:
    lines = [f"# Synthetic unit registry of {prov.cap} {prov.name} (bench/synth.py).", "units:"]
    for u in prov.units:
        lines.append(f"  - code: {q(u.code)}")
        lines.append(f"    name: {q(u.name)}")
        if u.short_name:
            lines.append(f"    short_name: {q(u.short_name)}")
        lines.append(f"    kind: {u.kind}")
        if u.parent:
            lines.append(f"    parent: {q(u.parent)}")
        lines.append(f"    province: {q(u.province)}")
        lines.append(f"    aliases: {flow(u.aliases)}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------ deadlines


def _day(rng: random.Random, year: int, month: int) -> int:
    last = [31, 29 if year % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return rng.choice([last, 15, 10, 20, 30 if last >= 30 else last, rng.randint(1, last)])


def deadline_phrase(rng: random.Random, y0: int, y1: int) -> tuple[str | None, str, dt.date | None]:
    """(phrase or None, kind, an approximate due date for choosing completed_on)."""
    y = rng.randint(y0, y1)
    r = rng.random()
    if r < 0.27:  # a day
        m = rng.randint(1, 12)
        d = _day(rng, y, m)
        form = rng.random()
        if form < 0.45:
            text = f"trước ngày {d}/{m}/{y}"
        elif form < 0.65:
            text = f"Trước ngày {d:02d}/{m:02d}/{y}"
        elif form < 0.8:
            text = f"hoàn thành trước {d}/{m}/{y}"
        elif form < 0.92:
            text = f"trước ngày {d} tháng {m} năm {y}"
        else:
            text = f"ngày {d}/{m}/{y}"
        return text, "date", dt.date(y, m, d)
    if r < 0.42:  # a month
        m = rng.randint(1, 12)
        text = rng.choice([f"trong tháng {m}/{y}", f"Tháng {m}/{y}", f"tháng {m} năm {y}",
                           f"trước tháng {m}/{y}"])
        return text, "month", dt.date(y, m, 28)
    if r < 0.60:  # a quarter
        k = rng.randint(1, 4)
        text = rng.choice([f"Quý {ROMAN[k - 1]}/{y}", f"quý {ROMAN[k - 1]} năm {y}",
                           f"trong Quý {ROMAN[k - 1]}/{y}", f"quý {k}/{y}"])
        return text, "quarter", dt.date(y, 3 * k, 28)
    if r < 0.67:  # a half
        first = rng.random() < 0.5
        text = (rng.choice([f"6 tháng đầu năm {y}", f"nửa đầu năm {y}"]) if first
                else rng.choice([f"6 tháng cuối năm {y}", f"nửa cuối năm {y}"]))
        return text, "half", dt.date(y, 6 if first else 12, 28)
    if r < 0.79:  # a year
        return rng.choice([f"Năm {y}", f"năm {y}", f"trong năm {y}"]), "year", dt.date(y, 12, 31)
    if r < 0.84:  # a period
        a = rng.randint(2021, min(y, 2026))
        b = rng.randint(max(a + 1, y), 2027) if a < 2027 else 2027
        text = rng.choice([f"Giai đoạn {a}-{b}", f"giai đoạn {a} - {b}", f"{a}-{b}",
                           f"từ năm {a} đến năm {b}"])
        return text, "period", dt.date(b, 12, 31)
    if r < 0.89:  # part of a month or year
        part = rng.choice(["đầu", "giữa", "cuối"])
        if rng.random() < 0.5:
            return f"{part} năm {y}", "date", dt.date(y, 6, 30)
        m = rng.randint(1, 12)
        return f"{part} tháng {m}/{y}", "date", dt.date(y, m, 15)
    if r < 0.92:  # recurring (3%)
        m, d = rng.randint(1, 12), rng.randint(1, 28)
        text = rng.choice(["hằng quý", "hằng tháng", f"trước ngày {d}/{m} hằng năm",
                           "trước ngày 15/12 hằng năm", f"ngày {d} hằng tháng", "định kỳ 6 tháng",
                           "hằng năm", f"quý {ROMAN[rng.randint(0, 3)]} hằng năm",
                           f"tháng {m} hằng năm", "báo cáo hằng quý"])
        return text, "recurring", None
    if r < 0.97:  # ongoing (5%)
        return rng.choice(ONGOING), "ongoing", None
    if r < 0.98:  # the document gives none: the plan's horizon applies
        return None, "inferred", dt.date(y1, 12, 31)
    m = rng.randint(1, 12)  # a few with diacritics missing, as in scanned documents
    return rng.choice([f"quy {ROMAN[(m - 1) // 3]}/{y}", f"thang {m}/{y}",
                       f"truoc ngay {_day(rng, y, m)}/{m}/{y}"]), "plain", dt.date(y, m, 28)


# ------------------------------------------------------------------------------ plans


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    weights = [0.3 + rng.random() * 1.4 for _ in range(parts)]
    scale = total / sum(weights)
    sizes = [int(w * scale) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % parts] += 1
    return sizes


def plan_yaml(rng: random.Random, prov: Province, code: str, seq: int, n_tasks: int) -> str:
    year = rng.choices([2021, 2022, 2023, 2024, 2025], [2, 3, 3, 3, 2])[0]
    issued = dt.date(year, 1, 5) + dt.timedelta(days=rng.randint(0, 330))
    if issued >= AS_OF:
        issued = AS_OF - dt.timedelta(days=rng.randint(20, 150))
    span = rng.choice([0, 0, 1, 2, 4])
    end = min(2027, year + span)
    horizon = f"Năm {year}" if end == year else f"Giai đoạn {year}-{end}"
    topic = rng.choice(TOPICS)
    depts, communes = prov.departments, prov.communes
    title = (f"Kế hoạch {topic} {prov.cap} {prov.name} năm {year}" if end == year else
             f"Kế hoạch {topic} {prov.cap} {prov.name} giai đoạn {year}-{end}")
    out = [f"# Synthetic plan (bench/synth.py): {n_tasks} tasks.", "plan:",
           f"  code: {q(code)}", f"  title: {q(title)}",
           f"  number: {q(f'{rng.randint(1, 399)}/KH-UBND')}", "  kind: ke-hoach",
           f"  issuer: {q(prov.ubnd.ref)}", f"  issued_on: {issued.isoformat()}",
           f"  horizon: {q(horizon)}", f"  coordinator: {q(rng.choice(depts).ref)}",
           "tasks:"]
    sections = max(1, n_tasks // 40)
    for i in range(n_tasks):
        text, kind, due = deadline_phrase(rng, year, end)
        category = "task"
        if kind == "recurring":
            category = "report" if rng.random() < 0.8 else "review"
        elif rng.random() < 0.04:
            category = "project"
        if category == "report":
            title_t = f"Báo cáo tình hình thực hiện {topic} {rng.choice(CONTEXTS)}".rstrip()
        elif category == "review":
            title_t = f"Sơ kết, đánh giá kết quả thực hiện {topic}"
        else:
            title_t = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(CONTEXTS)}".rstrip()
        lead = rng.choice(depts) if rng.random() < 0.6 else (
            prov.ubnd if rng.random() < 0.05 else rng.choice(communes))
        pool = [u for u in rng.sample(depts, 3) + rng.sample(communes, 2) if u is not lead]
        coords = rng.sample(pool, rng.choices([0, 1, 2, 3], [3, 3, 2, 2])[0])
        out.append(f"  - code: NV{i + 1:05d}")
        out.append(f"    section: {q(f'II.{i % sections + 1}')}")
        out.append(f"    title: {q(title_t)}")
        if category != "task":
            out.append(f"    category: {category}")
        out.append(f"    lead: {q(lead.ref)}")
        if coords:
            out.append(f"    coordinators: {flow([u.ref for u in coords])}")
        if text is not None:
            out.append(f"    deadline: {q(text)}")
        if category == "project":
            out.append(f"    budget_vnd: {rng.randint(1, 500) * 100_000_000}")
        if rng.random() < 0.30:
            hi = min(AS_OF, max(issued, due or AS_OF))
            lo = max(issued, hi - dt.timedelta(days=120))
            done_on = lo + dt.timedelta(days=rng.randint(0, max(0, (hi - lo).days)))
            out.append("    status: done")
            out.append(f"    completed_on: {done_on.isoformat()}")
    return "\n".join(out) + "\n"


def generate(n_tasks: int, out_dir: Path, seed: int = 2025) -> dict[str, int | float]:
    """Write the catalog for n_tasks into out_dir (emptied first); return what was written."""
    started = time.perf_counter()
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    rng = random.Random(seed)
    provinces = build_provinces(rng)
    weights = [len(p.units) for p in provinces]
    per_province = _split_weighted(n_tasks, weights)
    n_units = n_plans = 0
    for prov, total in zip(provinces, per_province):
        prng = random.Random(f"{seed}/{prov.code}")
        (out_dir / f"units-{prov.code.lower()}.yaml").write_text(units_yaml(prov), encoding="utf-8")
        n_units += len(prov.units)
        n_plans_prov = max(2, round(total / TASKS_PER_PLAN),
                           -(-total // MAX_TASKS_PER_FILE) * 2)
        for seq, size in enumerate(_split(total, n_plans_prov, prng), start=1):
            code = f"{prov.code}-KH-{seq:04d}"
            (out_dir / f"plan-{code.lower()}.yaml").write_text(
                plan_yaml(prng, prov, code, seq, size), encoding="utf-8")
            n_plans += 1
    return {"tasks": n_tasks, "units": n_units, "plans": n_plans,
            "files": n_plans + len(provinces), "provinces": len(provinces),
            "bytes": sum(p.stat().st_size for p in out_dir.iterdir()),
            "seconds": round(time.perf_counter() - started, 2)}


def _split_weighted(total: int, weights: list[int]) -> list[int]:
    scale = total / sum(weights)
    sizes = [int(w * scale) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % len(sizes)] += 1
    return sizes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tasks", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=2025)
    args = ap.parse_args()
    print(json.dumps(generate(args.tasks, args.out, args.seed), ensure_ascii=False))


if __name__ == "__main__":
    main()
