"""Reading per unit at a million assignments: `overdue --count` and `tasks --unit X --json`.

The national synthetic catalog (bench/synth.py) with every task led by a group: each
province registers "Các sở, ngành" (GROUP_SIZE of its departments) and every task's lead
becomes that group, so each task holds GROUP_SIZE lead assignments plus its coordinators'.

    python -m bench.assignments 100000      # ~1.1M assignments; writes bench/results/assignments.json
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
from pathlib import Path

from bench.overdue import best_of, dondoc_bin, dondoc_env, load
from bench.synth import AS_OF, generate

GROUP_SIZE = 10
HERE = Path(__file__).parent
RESULTS = HERE / "results" / "assignments.json"
GOALS = {"overdue_count_s": 1.5, "tasks_unit_json_s": 0.5}
_LEAD = re.compile(r"^    lead: .*$", re.M)


def group_everything(catalog: Path) -> None:
    """Add each province's group of departments and make it the lead of every task."""
    for units in sorted(catalog.glob("units-*.yaml")):
        prov = units.stem.split("-", 1)[1].upper()
        body = units.read_text(encoding="utf-8")
        depts = re.findall(rf"^  - code: ({prov}-S[A-Z]+)$", body, re.M)[:GROUP_SIZE]
        name = re.search(r"^    province: (.+)$", body, re.M)
        assert len(depts) == GROUP_SIZE and name, units
        body += (f"  - code: {prov}-NHOM\n    name: Các sở, ngành {name.group(1).strip(chr(34))}\n"
                 f"    kind: nhom\n    province: {name.group(1)}\n"
                 f"    members: [{', '.join(depts)}]\n")
        units.write_text(body, encoding="utf-8")
        for plan in catalog.glob(f"plan-{prov.lower()}-*.yaml"):
            text = plan.read_text(encoding="utf-8")
            plan.write_text(_LEAD.sub(f"    lead: {prov}-NHOM", text), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tasks", type=int)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    work = HERE / "out" / f"assignments-{args.tasks}"
    catalog, home = work / "catalog", work / "home"
    written = generate(args.tasks, catalog)
    group_everything(catalog)
    loaded = load(catalog, home, limit_s=3 * 3600)
    db = next(home.rglob("*.sqlite*"), None) or next(home.rglob("*.db"))
    with sqlite3.connect(db) as conn:
        assignments = conn.execute("select count(*) from assignment where not withdrawn").fetchone()[0]
        # The busiest department (most tasks through the group) and a commune with a few.
        dept = conn.execute("select unit_code, count(*) from taskunit where unit_code like '%-S%'"
                            " and unit_code not like '%-NHOM' group by unit_code"
                            " order by count(*) desc limit 1").fetchone()
        commune = conn.execute("select unit_code, count(*) from taskunit where unit_code like '%-X%'"
                               " group by unit_code order by count(*) desc limit 1").fetchone()
    env = dondoc_env(home)
    base = [dondoc_bin()]
    day = AS_OF.isoformat()
    figures = {
        "overdue_count": best_of([*base, "overdue", "--as-of", day, "--count"], env, args.repeat),
        "tasks_unit_dept_json": best_of([*base, "tasks", "--unit", dept[0], "--as-of", day,
                                         "--json"], env, args.repeat),
        "tasks_unit_commune_json": best_of([*base, "tasks", "--unit", commune[0], "--as-of", day,
                                            "--json"], env, args.repeat),
    }
    result = {
        "tasks": args.tasks, "assignments": assignments, "group_size": GROUP_SIZE,
        "as_of": day, "catalog": written,
        "load": {k: v for k, v in loaded.items() if k in ("method", "seconds", "peak_rss_mib")},
        "units": {"department": {"code": dept[0], "tasks": dept[1]},
                  "commune": {"code": commune[0], "tasks": commune[1]}},
        "figures": figures,
        "goals": {"overdue --count": [GOALS["overdue_count_s"], figures["overdue_count"]["best_s"]],
                  "tasks --unit X --json (department)": [
                      GOALS["tasks_unit_json_s"], figures["tasks_unit_dept_json"]["best_s"]],
                  "tasks --unit X --json (commune)": [
                      GOALS["tasks_unit_json_s"], figures["tasks_unit_commune_json"]["best_s"]]},
    }
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)


if __name__ == "__main__":
    main()
