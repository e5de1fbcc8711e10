"""How much of the hand-made catalog `dondoc catalog draft` finds in the OCR'd seeds.

    python -m bench.draft [--seeds /work/shared/seeds]

For each seed text, the draft is compared with its hand-made plan file (catalog/plans/):
a catalog task is found when a draft task of the same section holds its text (trigrams of
the consonant skeleton of the folded text, 0.5 of the catalog's trigrams at least) or any draft task
holds 0.7 of them, and the draft task is at most three times as long (so that one
draft task swallowing a whole chapter does not "find" every task in it). A found task has the right deadline when both resolve to the same due
date or rule (a task without one takes its plan's horizon, the draft's own for the
draft), and the right lead when both name the same set of lead units (codes; joint
leads are a list in the catalog) or both none (a catalog task "chưa giao", without a lead,
is right only for a draft task without one). The draft
is run as a person would: without --issuer, --title or --issued-on. Writes
bench/results/draft.json and draft.md.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

import yaml

from dondoc.catalog.files.draft import DraftPlan, load_registry
from dondoc.catalog.files.ocrdraft import draft_from_text
from dondoc.catalog.rules import deadline as dl
from dondoc.catalog.rules.units import norm

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "catalog" / "plans"
RESULTS = Path(__file__).resolve().parent / "results"
# From /work/shared/seeds/README.md: seed file -> the plan file made from it by hand.
SEEDS = {
    "000_2d2086ccde46bbb4.txt": "ha-tien-cds-2025.yaml",
    "001_82bec14c783699e7.txt": "ha-tien-thi-dua-cds.yaml",
    "002_819adea428029c36.txt": "bim-son-58-kh-tu.yaml",
    "003_8440493076699264.txt": "hai-phong-74-kh-ubnd.yaml",
    "004_15f6ee404bd8efc4.txt": "hai-phong-03-nq-tu.yaml",
}
SAME_SECTION, ANYWHERE = 0.5, 0.7
MAX_LENGTH_RATIO = 3.0  # a draft task three times longer than the catalog's is not "found"


def trigrams(text: str) -> set[str]:
    """Trigrams of the consonant skeleton of the folded text.

    Scans damage the vowels (where the diacritics sit: "Chuyén d6i s6"), rarely the
    consonants, so the skeleton of "chuyển đổi số" and of its scan agree.
    """
    s = re.sub(r"[^a-z]", "", dl.fold(text))
    s = re.sub(r"[aeiouy]", "", s)
    return {s[i:i + 3] for i in range(len(s) - 2)}


def containment(cat: set[str], draft: set[str]) -> float:
    return len(cat & draft) / len(cat) if cat else 0.0


def _section(value: Any) -> str:
    return re.split(r"[;,]", str(value or ""))[0].strip()


def _due(text: str | None) -> tuple[Any, ...] | None:
    if not text:
        return None
    try:
        d = dl.parse(text)
    except Exception:
        return None
    return (d.due, d.rrule)


def _lead_set(lead: Any, registry, province: str | None) -> set[str]:  # type: ignore[no-untyped-def]
    """The catalog's lead units as codes (a name no registry holds, normalised): one lead,
    joint leads (a list), or none at all ("chưa giao": the document names nobody)."""
    names = lead if isinstance(lead, list) else [lead] if lead else []
    out = set()
    for name in names:
        found = registry.resolve(name, province)
        out.add(found if isinstance(found, str) else norm(name))
    return out


def measure(seed: Path, plan_file: Path, registry) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(plan_file.read_text(encoding="utf-8"))
    draft: DraftPlan = draft_from_text(seed, "DRAFT", registry)
    cat_issuer = registry.resolve(data["plan"]["issuer"], None)
    province = registry.province_of(cat_issuer if isinstance(cat_issuer, str) else None)
    draft_grams = [(t, trigrams(t.title), len(t.title)) for t in draft.tasks]
    cat_horizon, draft_horizon = _due(data["plan"]["horizon"]), _due(draft.horizon())
    found = right_deadline = right_lead = 0
    rows = []
    for task in data.get("tasks", []):
        grams = trigrams(task["title"])
        section = _section(task.get("section"))
        best, best_score = None, 0.0
        for cand, cg, length in draft_grams:
            if length > MAX_LENGTH_RATIO * max(len(task["title"]), 60):
                continue
            score = containment(grams, cg)
            needed = SAME_SECTION if cand.section == section else ANYWHERE
            if score >= needed and score > best_score:
                best, best_score = cand, score
        row: dict[str, Any] = {"code": task["code"], "section": section, "found": best is not None}
        if best is not None:
            found += 1
            cat_due = _due(task.get("deadline")) or cat_horizon
            draft_due = _due(best.deadline) or draft_horizon
            ok_deadline = cat_due == draft_due
            cat_lead = _lead_set(task.get("lead"), registry, province)
            draft_lead = {r.code or norm(r.text) for r in best.lead}
            ok_lead = cat_lead == draft_lead
            right_deadline += ok_deadline
            right_lead += ok_lead
            row.update({"draft": best.code, "score": round(best_score, 2),
                        "deadline_ok": ok_deadline, "lead_ok": ok_lead})
        rows.append(row)
    total = len(rows)
    return {
        "seed": seed.name, "plan": plan_file.name, "catalog_tasks": total,
        "draft_tasks": len(draft.tasks), "found": found,
        "found_share": round(found / total, 3) if total else None,
        "right_deadline": right_deadline,
        "right_deadline_share": round(right_deadline / found, 3) if found else None,
        "right_lead": right_lead,
        "right_lead_share": round(right_lead / found, 3) if found else None,
        "number": draft.number, "issued_on": draft.issued_on.isoformat() if draft.issued_on
        else None, "issuer": draft.issuer_code, "tasks": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=Path, default=Path("/work/shared/seeds"))
    args = parser.parse_args()
    registry = load_registry(PLANS)
    results = [measure(args.seeds / seed, PLANS / plan, registry) for seed, plan in SEEDS.items()]
    total = sum(r["catalog_tasks"] for r in results)
    found = sum(r["found"] for r in results)
    summary = {
        "catalog_tasks": total, "found": found, "found_share": round(found / total, 3),
        "right_deadline_share": round(sum(r["right_deadline"] for r in results) / found, 3)
        if found else None,
        "right_lead_share": round(sum(r["right_lead"] for r in results) / found, 3)
        if found else None,
        "goal": {"found_share": 0.8, "right_deadline_share": 0.9},
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "draft.json").write_text(
        json.dumps({"summary": summary, "seeds": results}, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8")
    lines = ["# `dondoc catalog draft` against the hand-made catalog", "",
             "Command: `python -m bench.draft` (seeds: /work/shared/seeds).", "",
             "Found: a draft task of the same section holds 0.5 of the catalog task's "
             "trigrams (of the consonant skeleton of the folded text), or any draft task "
             "holds 0.7 of them, and the draft task is at most three times as long "
             "(the measure as first defined, unchanged). Right lead: the same set of lead "
             "units, or none on both sides (a catalog task without a lead, \"chưa giao\", "
             "is right only for a draft task without one).", "",
             "| seed | plan | catalog tasks | draft tasks | found | right deadline (of found) "
             "| right lead (of found) | number | issued | issuer |",
             "|---|---|---:|---:|---:|---:|---:|---|---|---|"]
    for r in results:
        lines.append(
            f"| {r['seed']} | {r['plan']} | {r['catalog_tasks']} | {r['draft_tasks']} | "
            f"{r['found']} ({r['found_share']:.0%}) | {r['right_deadline']} "
            f"({(r['right_deadline_share'] or 0):.0%}) | {r['right_lead']} "
            f"({(r['right_lead_share'] or 0):.0%}) | {r['number'] or '-'} | "
            f"{r['issued_on'] or '-'} | {r['issuer'] or '-'} |")
    lines += ["", f"All: {found}/{total} catalog tasks found ({summary['found_share']:.0%}); "
              f"right deadline {summary['right_deadline_share']:.0%} and right lead "
              f"{summary['right_lead_share']:.0%} of those found. Goal: 80% found, 90% of "
              "those with the right deadline.", ""]
    (RESULTS / "draft.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
