"""The coordinator's terminal on 100k tasks, headless: dondoc's Line-API lists against
Textual's DataTable holding the same rows, in the same run.

    python -m bench.tui [--tasks 100000] [--regenerate] [--repeat 3]

1. A scratch SQLite database with N tasks is written straight into bench/out/tui/ (bulk
   inserts after the real migrations: 34 provinces, ~3,000 units, plans of ~500 tasks,
   deadlines 2021-2027 of every kind, 40% of the past ones done), reused when present.
2. Each variant runs in its own process (so memory is its own), headless at 160x50:
   - dondoc: `DondocApp` as `dondoc tui --as-of 2025-06-30` runs it. First paint = from
     creating the app to the first task rows drawn (the overdue view, loaded first);
     then the full load (every view), switching to the 100k-row "all tasks" view, and a
     filter typed there one key at a time: each keystroke is timed from the key press to
     the list redrawn with the new rows (the RowList records when it draws).
   - datatable: a minimal app that loads the same rows with the same loader, puts all of
     them in a DataTable, and filters by clear() + add_rows() of the matches.
   Memory is the process's peak resident set (ru_maxrss).
3. Results go to bench/results/tui.json; goals: first paint < 0.5 s, keystroke < 100 ms,
   memory < 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).parent / "out" / "tui"
RESULTS = Path(__file__).parent / "results"
AS_OF = dt.date(2025, 6, 30)
SIZE = (160, 50)
QUERY = "xay dung ha"  # typed key by key into the filter of the 100k-row list
GOALS = {"first_paint_s": 0.5, "keystroke_ms": 100.0, "rss_mb": 300.0}


# ------------------------------------------------------------------------------ data


VERBS = ["Xây dựng", "Triển khai", "Rà soát", "Hoàn thiện", "Tổ chức", "Nâng cấp", "Số hóa",
         "Đánh giá", "Kiểm tra", "Ban hành", "Thí điểm", "Đào tạo về", "Hướng dẫn", "Kết nối"]
OBJECTS = ["cơ sở dữ liệu dân cư", "hệ thống một cửa điện tử", "kế hoạch chi tiết",
           "quy chế phối hợp", "hồ sơ công việc điện tử", "nền tảng chia sẻ dữ liệu",
           "dịch vụ công trực tuyến", "mạng diện rộng", "bộ chỉ số đánh giá", "kho dữ liệu",
           "phần mềm quản lý văn bản", "cổng thông tin điện tử", "mô hình điểm"]
PLACES = ["cấp tỉnh", "cấp xã", "trên địa bàn", "tại các cơ quan nhà nước", "cho người dân",
          "cho doanh nghiệp", "trong trường học", "tại bệnh viện tuyến tỉnh", "khu vực biên giới"]
PROVINCES = ["Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ", "Tuyên Quang",
             "Cao Bằng", "Lai Châu", "Lào Cai", "Thái Nguyên", "Điện Biên", "Lạng Sơn", "Sơn La",
             "Phú Thọ", "Bắc Ninh", "Quảng Ninh", "Hưng Yên", "Ninh Bình", "Thanh Hóa", "Nghệ An",
             "Hà Tĩnh", "Quảng Trị", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng", "Đắk Lắk",
             "Đồng Nai", "Tây Ninh", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang"]
DEPARTMENTS = ["Sở Nội vụ", "Sở Tài chính", "Sở Tư pháp", "Sở Công Thương", "Sở Xây dựng",
               "Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo", "Sở Y tế",
               "Sở Nông nghiệp và Môi trường", "Sở Văn hóa, Thể thao và Du lịch"]
ROMAN = ["I", "II", "III", "IV"]


def _deadline(rng: random.Random) -> dict[str, Any]:
    """A deadline of a realistic kind, as the loader would have parsed it."""
    roll = rng.random()
    year = rng.randint(2021, 2027)
    if roll < 0.35:
        return {"deadline_kind": "year", "deadline_text": f"Năm {year}",
                "deadline_start": dt.date(year, 1, 1), "deadline_due": dt.date(year, 12, 31)}
    if roll < 0.65:
        q = rng.randint(1, 4)
        end = dt.date(year, q * 3, 1) + dt.timedelta(days=31)
        return {"deadline_kind": "quarter", "deadline_text": f"Quý {ROMAN[q - 1]}/{year}",
                "deadline_start": dt.date(year, q * 3 - 2, 1),
                "deadline_due": end.replace(day=1) - dt.timedelta(days=1)}
    if roll < 0.85:
        month = rng.randint(1, 12)
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        return {"deadline_kind": "month", "deadline_text": f"trong tháng {month}/{year}",
                "deadline_start": dt.date(year, month, 1),
                "deadline_due": nxt - dt.timedelta(days=1)}
    if roll < 0.96:
        day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
        return {"deadline_kind": "date", "deadline_text": f"trước ngày {day:%d/%m/%Y}",
                "deadline_start": None, "deadline_due": day}
    if roll < 0.99:
        return {"deadline_kind": "ongoing", "deadline_text": "thường xuyên",
                "deadline_start": None, "deadline_due": None}
    return {"deadline_kind": "recurring", "deadline_text": "hằng quý",
            "deadline_start": None, "deadline_due": None,
            "rrule": "FREQ=MONTHLY;INTERVAL=3;BYMONTH=3,6,9,12;BYMONTHDAY=-1",
            "rrule_start": dt.date(2022, 1, 1), "rrule_until": dt.date(2027, 12, 31)}


def generate(path: Path, n_tasks: int, seed: int = 2025) -> dict[str, Any]:
    """Write n_tasks tasks (and their units and plans) into a fresh database at path."""
    from dondoc.catalog.store.engines import engine_for
    from dondoc.catalog.rules.workdays import default_calendar

    started = time.perf_counter()
    if path.exists():
        path.unlink()
    engine = engine_for(f"sqlite:///{path}")  # the real schema, through the migrations
    engine.dispose()
    calendar = default_calendar()
    rng = random.Random(seed)
    units: list[tuple[Any, ...]] = []
    province_units: list[list[str]] = []
    for p_index, province in enumerate(PROVINCES):
        code = f"P{p_index:02d}"
        mine = [f"{code}-UBND"]
        units.append((f"{code}-UBND", f"Ủy ban nhân dân tỉnh {province}", None, province))
        for d_index, dept in enumerate(DEPARTMENTS):
            ucode = f"{code}-S{d_index:02d}"
            units.append((ucode, f"{dept} tỉnh {province}", f"{code}-UBND", province))
            mine.append(ucode)
        for c_index in range(75):
            ucode = f"{code}-X{c_index:03d}"
            units.append((ucode, f"Ủy ban nhân dân xã số {c_index + 1} tỉnh {province}",
                          f"{code}-UBND", province))
            mine.append(ucode)
        province_units.append(mine)
    plans: list[tuple[Any, ...]] = []
    tasks: list[dict[str, Any]] = []
    links: list[tuple[Any, ...]] = []
    shares: list[tuple[Any, ...]] = []
    n_plans = max(1, n_tasks // 500)
    for plan_index in range(n_plans):
        p_index = plan_index % len(PROVINCES)
        plan_code = f"KH-{plan_index:04d}-{p_index:02d}"
        plans.append((plan_code, f"Kế hoạch chuyển đổi số số {plan_index} tỉnh "
                                 f"{PROVINCES[p_index]}", f"P{p_index:02d}-UBND"))
    for i in range(n_tasks):
        plan_index = i % n_plans
        p_index = plan_index % len(PROVINCES)
        pool = province_units[p_index]
        lead = rng.choice(pool)
        coords = rng.sample(pool, rng.randint(0, 3))
        coords = [c for c in coords if c != lead]
        deadline = _deadline(rng)
        due = deadline.get("deadline_due")
        eff = calendar.effective_due(due) if due else None
        done = eff is not None and eff < AS_OF and rng.random() < 0.4
        completed = (eff + dt.timedelta(days=rng.randint(-60, 30))) if done else None
        tasks.append({
            "plan_code": plans[plan_index][0], "code": f"NV{i:06d}",
            "section": f"{ROMAN[i % 4]}.{i % 17 + 1}",
            "title": f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(PLACES)}",
            "category": "task", "lead_code": lead, "coordinators": json.dumps(coords),
            "deadline_inferred": 0, "rrule": None, "rrule_start": None, "rrule_until": None,
            **deadline, "effective_due": eff, "state": "done" if done else "open",
            "progress": 100 if done else rng.choice([0, 0, 20, 50, 80]),
            "completed_on": completed})
        links.append((i + 1, lead, "lead"))
        links.extend((i + 1, c, "coordinator") for c in coords)
        # Assignments as the loader writes them: one share per unit and role; one task in
        # ten has a second lead (a joint lead, or a group's members), one in twenty none.
        roll = rng.random()
        if roll >= 0.05:
            shares.append((i + 1, lead, "lead", done))
            if roll < 0.15:
                extra = next((u for u in pool if u != lead and u not in coords), None)
                if extra:
                    shares.append((i + 1, extra, "lead", done))
        shares.extend((i + 1, c, "coordinator", done) for c in coords)
    con = sqlite3.connect(path)
    with con:
        con.executemany("insert into unit (code, name, parent_code, province) values (?,?,?,?)",
                        units)
        con.executemany("insert into plan (code, title, issuer_code) values (?,?,?)", plans)
        columns = list(tasks[0])
        con.executemany(
            f"insert into task (id, {', '.join(columns)}) values (?, {', '.join('?' * len(columns))})",
            [(i + 1, *[t[c].isoformat() if isinstance(t[c], dt.date) else t[c] for c in columns])
             for i, t in enumerate(tasks)])
        con.executemany("insert into taskunit (task_id, unit_code, role) values (?,?,?)", links)
        con.executemany(
            "insert into assignment (task_id, unit_code, role, source, status, progress,"
            " withdrawn, created_at) values (?, ?, ?, 'catalog', ?, ?, 0, '2025-01-01')",
            [(t, u, r, "done" if d else "open", 100 if d else 0) for t, u, r, d in shares])
    con.execute("analyze")
    con.close()
    return {"tasks": n_tasks, "units": len(units), "plans": len(plans), "links": len(links),
            "assignments": len(shares),
            "seconds": round(time.perf_counter() - started, 2),
            "size_mb": round(path.stat().st_size / 2**20, 1)}


# ------------------------------------------------------------------------------ children


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


async def _until(pilot: Any, condition: Any, limit_s: float = 120.0) -> None:
    deadline = time.perf_counter() + limit_s
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("condition not met")
        await pilot.pause()


async def _type_timed(pilot: Any, row_list: Any, query: str) -> list[float]:
    """Each key of query that changes the filter: ms from the press to the list redrawn
    with the new rows. (A space ends a word: the rows stay, nothing is redrawn.)"""
    times = []
    for char in query:
        row_list.painted_at = None
        before = _shown_rows(row_list)
        pressed = time.perf_counter()
        await pilot.press("space" if char == " " else char)
        if _shown_rows(row_list) == before:
            continue
        await _until(pilot, lambda: row_list.painted_at is not None)
        times.append((row_list.painted_at - pressed) * 1000)
    return times


def _shown_rows(row_list: Any) -> Any:
    return row_list._generation  # bumped whenever the list's rows change


def child_dondoc(db: Path) -> dict[str, Any]:
    t_import = time.perf_counter()
    from dondoc.catalog.store.engines import engine_for
    from dondoc.tui.app.app import DondocApp
    imports_s = time.perf_counter() - t_import
    engine = engine_for(f"sqlite:///{db}")
    out: dict[str, Any] = {"imports_s": round(imports_s, 3)}

    async def run() -> None:
        started = time.perf_counter()
        app = DondocApp(engine, as_of=AS_OF, refresh_seconds=0, db_label="bench")
        async with app.run_test(size=SIZE) as pilot:
            overdue = app.main.list_for("overdue")
            await _until(pilot, lambda: overdue.painted_at is not None)
            out["first_paint_s"] = round(overdue.painted_at - started, 3)
            out["first_paint_rows"] = overdue.total_count
            await _until(pilot, lambda: app.loads >= 1)
            out["overdue_rows"] = overdue.total_count
            out["all_views_loaded_s"] = round(time.perf_counter() - started, 3)
            all_list = app.main.list_for("all")
            t = time.perf_counter()
            await pilot.press("7")
            await _until(pilot, lambda: all_list.painted_at is not None)
            out["switch_to_all_ms"] = round((all_list.painted_at - t) * 1000, 1)
            out["all_rows"] = all_list.total_count
            await pilot.press("slash")
            times = await _type_timed(pilot, all_list, QUERY)
            out["keystroke_ms"] = [round(x, 1) for x in times]
            out["matches"] = all_list.visible_count
            # Scrolling a page at a time through the filtered list.
            all_list.focus()
            pages = []
            for _ in range(20):
                all_list.painted_at = None
                pressed = time.perf_counter()
                await pilot.press("pagedown")
                await _until(pilot, lambda: all_list.painted_at is not None)
                pages.append((all_list.painted_at - pressed) * 1000)
            out["pagedown_ms_median"] = round(statistics.median(pages), 1)
            out["rss_mb"] = _rss_mb()

    asyncio.run(run())
    return out


def child_datatable(db: Path) -> dict[str, Any]:
    from textual import work
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Input

    from dondoc.catalog.store.engines import engine_for
    from dondoc.catalog.i18n import status_label
    from dondoc.catalog.store.queries import Filter
    from dondoc.tui.app.i18n import fold
    from dondoc.catalog.store.readmodel import load_tasks

    engine = engine_for(f"sqlite:///{db}")
    out: dict[str, Any] = {}

    class Table(DataTable):  # type: ignore[type-arg]
        painted_at: float | None = None
        _generation = 0

        def render_line(self, y: int):  # type: ignore[no-untyped-def]
            if self.row_count and self.painted_at is None:
                self.painted_at = time.perf_counter()
            return super().render_line(y)

    class Baseline(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(id="filter")
            yield Table(id="table", cursor_type="row")

        def on_mount(self) -> None:
            self.load()

        @work(thread=True)
        def load(self) -> None:
            rows = load_tasks(engine, Filter(as_of=AS_OF))
            self.call_from_thread(self.show, rows)

        def show(self, rows: list[Any]) -> None:
            self.rows = [(status_label(r.status), r.plan, r.code, r.title, r.lead or "",
                          r.deadline_text or "", r.effective_due or "") for r in rows]
            self.hay = [r.hay for r in rows]
            table = self.query_one(Table)
            table.add_columns("Trạng thái", "Kế hoạch", "Mã", "Nhiệm vụ", "Chủ trì",
                              "Thời hạn", "Hạn thực tế")
            table.add_rows(self.rows)

        def on_input_changed(self, event: Input.Changed) -> None:
            words = fold(event.value).split()
            table = self.query_one(Table)
            table._generation += 1  # every key rebuilds the table: every key is timed
            table.clear()
            table.add_rows([row for row, h in zip(self.rows, self.hay)
                            if all(w in h for w in words)])

    async def run() -> None:
        started = time.perf_counter()
        app = Baseline()
        async with app.run_test(size=SIZE) as pilot:
            table = app.query_one(Table)
            await _until(pilot, lambda: table.painted_at is not None)
            out["first_paint_s"] = round(table.painted_at - started, 3)
            out["all_rows"] = table.row_count
            app.query_one(Input).focus()
            out["keystroke_ms"] = [round(x, 1) for x in await _type_timed(pilot, table, QUERY)]
            out["matches"] = table.row_count
            out["rss_mb"] = _rss_mb()

    asyncio.run(run())
    return out


# ------------------------------------------------------------------------------ parent


def run_child(variant: str, db: Path) -> dict[str, Any]:
    env = {**os.environ, "DONDOC_LANG": "vi", "NO_COLOR": ""}
    proc = subprocess.run([sys.executable, "-m", "bench.tui", "--child", variant, "--db", str(db)],
                          cwd=ROOT, capture_output=True, text=True, env=env, timeout=1800)
    if proc.returncode != 0:
        raise SystemExit(f"{variant} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def summarize(result: dict[str, Any]) -> dict[str, Any]:
    for variant in ("dondoc", "datatable"):
        r = result[variant]
        keys = r["keystroke_ms"]
        r["keystroke_ms_median"] = round(statistics.median(keys), 1)
        r["keystroke_ms_max"] = round(max(keys), 1)
    d = result["dondoc"]
    result["goals"] = {
        "first_paint_s": {"goal": GOALS["first_paint_s"], "value": d["first_paint_s"],
                          "met": d["first_paint_s"] < GOALS["first_paint_s"]},
        "keystroke_ms": {"goal": GOALS["keystroke_ms"], "value": d["keystroke_ms_max"],
                         "met": d["keystroke_ms_max"] < GOALS["keystroke_ms"]},
        "rss_mb": {"goal": GOALS["rss_mb"], "value": d["rss_mb"],
                   "met": d["rss_mb"] < GOALS["rss_mb"]},
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="dondoc runs (median kept)")
    parser.add_argument("--child", choices=["dondoc", "datatable"])
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    if args.child:
        fn = child_dondoc if args.child == "dondoc" else child_datatable
        print(json.dumps(fn(args.db)))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / f"{args.tasks}.sqlite"
    generated = None
    if args.regenerate or not db.exists():
        generated = generate(db, args.tasks)
    result: dict[str, Any] = {
        "benchmark": "tui", "tasks": args.tasks, "as_of": AS_OF.isoformat(),
        "terminal": list(SIZE), "query": QUERY, "generated": generated,
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    # The machine is shared: dondoc runs `repeat` times and the median run is kept
    # (every run's figures are in "runs"); DataTable takes minutes, so it runs once.
    runs = []
    for i in range(args.repeat):
        print(f"running dondoc ({i + 1}/{args.repeat})…", file=sys.stderr)
        runs.append(run_child("dondoc", db))
    runs.sort(key=lambda r: r["first_paint_s"])
    result["dondoc"] = {**runs[len(runs) // 2],
                        "runs": [{k: r[k] for k in ("first_paint_s", "keystroke_ms", "rss_mb")}
                                 for r in runs]}
    print("running datatable…", file=sys.stderr)
    result["datatable"] = run_child("datatable", db)
    summarize(result)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "tui.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    d, t = result["dondoc"], result["datatable"]
    print(f"tasks {args.tasks:,}: overdue {d['overdue_rows']:,}, filter '{QUERY}' → {d['matches']:,}")
    print(f"{'':24}{'dondoc':>12}{'DataTable':>12}")
    print(f"{'first paint (s)':24}{d['first_paint_s']:>12}{t['first_paint_s']:>12}")
    print(f"{'keystroke median (ms)':24}{d['keystroke_ms_median']:>12}{t['keystroke_ms_median']:>12}")
    print(f"{'keystroke max (ms)':24}{d['keystroke_ms_max']:>12}{t['keystroke_ms_max']:>12}")
    print(f"{'peak RSS (MB)':24}{d['rss_mb']:>12}{t['rss_mb']:>12}")
    print(f"dondoc: every view loaded in {d['all_views_loaded_s']} s; goals: "
          + ", ".join(f"{k} {'met' if g['met'] else 'MISSED'}" for k, g in result['goals'].items()))


if __name__ == "__main__":
    main()
