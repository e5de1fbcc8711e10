"""`dondoc up`: the main job on the embedded default (SQLite under DONDOC_HOME)."""

from __future__ import annotations

from catalog.settings import database_url, dondoc_home, shipped_plans_dir, today
from tui.common import app, engine
from tui.output import error_line


@app.command("up")
def up() -> None:
    """Load the shipped catalog into the embedded database and show what needs attention."""
    from catalog.db import mask_url
    from catalog.i18n import lang
    from catalog.loader import load_catalog, read_for_load
    from catalog.queries import Filter, Reader

    en = lang() == "en"
    eng = engine()
    cat = read_for_load(eng, shipped_plans_dir())
    if cat.errors:
        for err in cat.errors:
            error_line(err.render())
        raise SystemExit(2)
    summary = load_catalog(eng, cat)
    rdr = Reader(eng)
    day = today()
    overdue = rdr.count_overdue(Filter(as_of=day))
    plans = rdr.plans()
    print(("Database: " if en else "Cơ sở dữ liệu: ") + mask_url(database_url()))
    print(("Home: " if en else "Thư mục dữ liệu: ") + str(dondoc_home()))
    changes = "; ".join(f"{k}: " + ", ".join(f"{n} {a}" for a, n in v.items())
                        for k, v in summary.as_json().items())
    print(("Catalog: " if en else "Danh mục: ") + changes)
    print(("Plans: " if en else "Kế hoạch: ") + f"{len(plans)}, "
          + (f"tasks: {sum(p['tasks'] for p in plans)}" if en
             else f"nhiệm vụ: {sum(p['tasks'] for p in plans)}"))
    print((f"Overdue on {day.isoformat()}: {overdue}" if en
           else f"Quá hạn tại ngày {day.strftime('%d/%m/%Y')}: {overdue}"))
    print("Next: dondoc overdue · dondoc tasks --plan CODE · dondoc plans" if en
          else "Tiếp theo: dondoc overdue · dondoc tasks --plan MÃ · dondoc plans")
