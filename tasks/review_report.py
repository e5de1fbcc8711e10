"""Writing a quarterly review: a Markdown report to read, an XLSX workbook to work in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dondoc.catalog.store.reviews import REVIEW_STATUSES, ReviewResult
from dondoc.catalog.safety import path_under, safe_name
from dondoc.catalog.settings import dondoc_home

LABELS = {
    "done": "Hoàn thành đúng hạn",
    "late": "Hoàn thành trễ hạn",
    "overdue": "Quá hạn",
    "on_time": "Đang thực hiện, trong hạn",
    "no_deadline": "Chưa có hạn",
}


def markdown(r: ReviewResult) -> str:
    lines = [
        f"# {r.heading}: {r.title}",
        "",
        f"Mã kế hoạch: {r.plan} · Kỳ: {r.start.strftime('%d/%m/%Y')}–{r.end.strftime('%d/%m/%Y')}"
        f" · Báo cáo tiến độ nhận được trong kỳ: {r.reports_received}",
        "",
        "## Tổng hợp nhiệm vụ",
        "",
        "| Tình trạng | Số nhiệm vụ |",
        "|---|---:|",
        *[f"| {LABELS[s]} | {r.totals.get(s, 0)} |" for s in REVIEW_STATUSES],
        f"| **Tổng** | **{sum(r.totals.values())}** |",
        "",
        "## Theo đơn vị chủ trì",
        "",
        "| Đơn vị | Nhiệm vụ | Đúng hạn | Trễ hạn | Quá hạn | Trong hạn | Chưa có hạn | Báo cáo |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *[f"| {u['unit']} | {u['tasks']} | {u['done']} | {u['late']} | {u['overdue']} |"
          f" {u['on_time']} | {u['no_deadline']} | {u['reports']} |" for u in r.units],
        "",
        "## Nhiệm vụ quá hạn",
        "",
    ]
    overdue = [t for t in r.tasks if t["status"] == "overdue"]
    if overdue:
        lines += ["| Mã | Mục | Nhiệm vụ | Chủ trì | Thời hạn | Hạn thực tế |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {t['task']} | {t['section'] or ''} | {_cell(t['title'])} | {t['lead'] or ''} |"
                  f" {t['deadline_text'] or ''} | {t['effective_due'] or ''} |" for t in overdue]
    else:
        lines.append("Không có nhiệm vụ quá hạn.")
    lines += ["", "## Chỉ tiêu", ""]
    if r.targets:
        lines += ["| Mã | Chỉ tiêu | Mục tiêu | Thực hiện |", "|---|---|---|---|"]
        for g in r.targets:
            goal = f"{g['goal']} {g['unit_of_measure'] or ''} ({g['goal_year']})" if g["goal_year"] else "—"
            actual = f"{g['actual']} ({g['actual_year']})" if g["actual_year"] else "chưa báo cáo"
            lines.append(f"| {g['target']} | {_cell(g['indicator'])} | {goal.strip()} | {actual} |")
    else:
        lines.append("Kế hoạch không có chỉ tiêu.")
    return "\n".join(lines) + "\n"


def _cell(text: str | None, limit: int = 140) -> str:
    text = (text or "").replace("|", "/").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def workbook(r: ReviewResult, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    ws.append([f"{r.heading}: {r.title}"])
    ws["A1"].font = Font(bold=True)
    ws.append(["Tình trạng", "Số nhiệm vụ"])
    for s in REVIEW_STATUSES:
        ws.append([LABELS[s], r.totals.get(s, 0)])
    ws.append(["Báo cáo tiến độ nhận được", r.reports_received])

    units = wb.create_sheet("Theo đơn vị")
    units.append(["Đơn vị", "Nhiệm vụ", "Đúng hạn", "Trễ hạn", "Quá hạn", "Trong hạn",
                  "Chưa có hạn", "Báo cáo"])
    for u in r.units:
        units.append([u["unit"], u["tasks"], u["done"], u["late"], u["overdue"], u["on_time"],
                      u["no_deadline"], u["reports"]])

    tasks = wb.create_sheet("Nhiệm vụ")
    tasks.append(["Mã", "Mục", "Nhiệm vụ", "Chủ trì", "Thời hạn", "Hạn thực tế", "Tình trạng",
                  "Tiến độ (%)", "Báo cáo trong kỳ"])
    for t in r.tasks:
        tasks.append([t["task"], t["section"], t["title"], t["lead"], t["deadline_text"],
                      t["effective_due"], LABELS[t["status"]], t["progress"], t["reports"]])

    targets = wb.create_sheet("Chỉ tiêu")
    targets.append(["Mã", "Lĩnh vực", "Chỉ tiêu", "Đơn vị tính", "Năm mục tiêu", "Mục tiêu",
                    "Năm thực hiện", "Thực hiện", "Đơn vị phụ trách"])
    for g in r.targets:
        targets.append([g["target"], g["area"], g["indicator"], g["unit_of_measure"],
                        g["goal_year"], _scalar(g["goal"]), g["actual_year"], _scalar(g["actual"]),
                        g["owner"]])
    for sheet in (units, tasks, targets):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    wb.save(path)


def _scalar(value: Any) -> Any:
    return value if value is None or isinstance(value, (int, float, str)) else str(value)


def write_report(r: ReviewResult, folder: Path | None = None,
                 prefix: str = "so-ket") -> tuple[Path, Path]:
    folder = folder or dondoc_home() / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    # Plan codes stored before codes were restricted may hold '/' or '..'.
    stem = "-".join(safe_name(p) for p in (prefix, r.plan, r.period))
    md, xlsx = path_under(folder, stem + ".md"), path_under(folder, stem + ".xlsx")
    md.write_text(markdown(r), encoding="utf-8")
    workbook(r, xlsx)
    return md, xlsx
