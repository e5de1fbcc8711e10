"""The terminal UI's words, Vietnamese first and English on request (DONDOC_LANG=en, --lang en).

Domain errors come already translated from dondoc.catalog.i18n; this module holds what only the
screen says: view names, column headers, key descriptions, forms, empty states.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dondoc.catalog.i18n import lang, nfc
from dondoc.catalog.text import fold, fold_keep  # noqa: F401  (the app's widgets import them here)

TEXTS: dict[str, tuple[str, str]] = {
    "app.title": ("dondoc · đôn đốc thực hiện kế hoạch", "dondoc · follow up government plans"),
    # views
    "view.overdue": ("Quá hạn", "Overdue"),
    "view.due_soon": ("Sắp đến hạn", "Due soon"),
    "view.units": ("Theo đơn vị", "By unit"),
    "view.targets": ("Chỉ tiêu", "Targets"),
    "view.reviews": ("Sơ kết quý", "Quarterly reviews"),
    "view.reminders": ("Nhắc việc", "Reminders"),
    "view.all": ("Tất cả nhiệm vụ", "All tasks"),
    # columns
    "col.status": ("Trạng thái", "Status"),
    "col.days_overdue": ("Quá hạn", "Overdue"),
    "col.due_in": ("Còn", "Due in"),
    "col.plan": ("Kế hoạch", "Plan"),
    "col.code": ("Mã", "Code"),
    "col.title": ("Nhiệm vụ", "Task"),
    "col.lead": ("Chủ trì", "Lead"),
    "col.deadline": ("Thời hạn", "Deadline"),
    "col.effective": ("Hạn thực tế", "Effective due"),
    "col.unit": ("Đơn vị", "Unit"),
    "col.tasks": ("Nhiệm vụ", "Tasks"),
    "col.overdue": ("Quá hạn", "Overdue"),
    "col.on_time": ("Đúng hạn", "On time"),
    "col.late": ("Trễ hạn", "Late"),
    "col.rate": ("Tỷ lệ QH", "Overdue %"),
    "col.indicator": ("Chỉ tiêu", "Indicator"),
    "col.uom": ("ĐVT", "Unit"),
    "col.by_year": ("Theo năm", "By year"),
    "col.latest": ("Số liệu mới nhất", "Latest figure"),
    "col.verdict": ("Đánh giá", "Verdict"),
    "col.period": ("Kỳ", "Period"),
    "col.scheduled": ("Lịch", "Scheduled"),
    "col.finished": ("Hoàn tất", "Finished"),
    "col.numbers": ("Số liệu", "Figures"),
    "col.when": ("Thời điểm", "When"),
    "col.task": ("Nhiệm vụ", "Task"),
    "col.rule": ("Quy tắc", "Rule"),
    "col.channel": ("Kênh", "Channel"),
    "col.subject": ("Nội dung", "Subject"),
    # cells
    "cell.days": ("{n} ngày", "{n} d"),
    "cell.today": ("hôm nay", "today"),
    "cell.no_lead": ("(chưa giao đơn vị)", "(no lead unit)"),
    "cell.reached": ("đạt", "met"),
    "cell.not_reached": ("chưa đạt", "not met"),
    "cell.no_figure": ("chưa có số liệu", "no figure yet"),
    "cell.missed": ("Quá lịch", "Missed"),
    # review and delivery statuses
    "review.scheduled": ("Đã lên lịch", "Scheduled"),
    "review.running": ("Đang chạy", "Running"),
    "review.done": ("Đã xong", "Done"),
    "review.failed": ("Lỗi", "Failed"),
    "review.missed": ("Bỏ lỡ", "Missed"),
    "review.cancelled": ("Đã huỷ", "Cancelled"),
    "delivery.sent": ("Đã gửi", "Sent"),
    "delivery.failed": ("Lỗi", "Failed"),
    "delivery.pending": ("Chờ gửi", "Pending"),
    "delivery.claimed": ("Đang gửi", "Sending"),
    "delivery.skipped": ("Bỏ qua", "Skipped"),
    "delivery.retry": ("Chờ gửi lại", "Retrying"),
    "delivery.superseded": ("Đã thay thế", "Superseded"),
    # review summary figures (catalog/review.py)
    "fig.done": ("hoàn thành", "done"),
    "fig.late": ("trễ hạn", "late"),
    "fig.overdue": ("quá hạn", "overdue"),
    "fig.on_time": ("trong hạn", "on track"),
    "fig.no_deadline": ("chưa có hạn", "no deadline"),
    "fig.reports_received": ("báo cáo", "reports"),
    "fig.tasks": ("nhiệm vụ", "tasks"),
    "fig.units": ("đơn vị", "units"),
    "fig.targets": ("chỉ tiêu", "targets"),
    # empty states
    "empty.no_plans": (
        "Cơ sở dữ liệu chưa có kế hoạch nào.\n"
        "Nạp danh mục: dondoc catalog load [THƯ MỤC] · hoặc nạp các kế hoạch mẫu: dondoc up",
        "The database holds no plan yet.\n"
        "Load a catalog: dondoc catalog load [FOLDER] · or the sample plans: dondoc up",
    ),
    "empty.overdue": ("Không có nhiệm vụ quá hạn tại ngày {day}.",
                      "Nothing is overdue on {day}."),
    "empty.due_soon": ("Không có nhiệm vụ đến hạn trong {days} ngày làm việc tới (từ {day}).",
                       "Nothing falls due in the next {days} working days (from {day})."),
    "empty.units": ("Chưa có nhiệm vụ nào được giao cho đơn vị.", "No task is assigned to a unit."),
    "empty.targets": ("Các kế hoạch chưa có chỉ tiêu nào.", "The plans have no targets."),
    "empty.reviews": (
        "Chưa có kỳ sơ kết nào.\n"
        "Lên lịch: dondoc review schedule --plan MÃ --quarter 2025Q3 --at \"2025-10-06 08:00\"",
        "No quarterly review yet.\n"
        "Schedule one: dondoc review schedule --plan CODE --quarter 2025Q3 --at \"2025-10-06 08:00\"",
    ),
    "empty.reminders": (
        "Sổ nhắc việc trống: chưa có lượt nhắc nào.\nGửi nhắc việc: dondoc remind (xem trước: --dry-run)",
        "The reminder ledger is empty.\nSend reminders: dondoc remind (preview: --dry-run)",
    ),
    "empty.all": ("Không có nhiệm vụ nào.", "No tasks."),
    "empty.filtered": ("Không có dòng nào khớp «{query}». Nhấn Esc để bỏ lọc.",
                       "No row matches «{query}». Press Esc to clear the filter."),
    "empty.loading": ("Đang tải…", "Loading…"),
    "empty.no_row": ("Chọn một dòng để xem chi tiết.", "Select a row to see its details."),
    # keys
    "key.view": ("Xem: {view}", "View: {view}"),
    "key.next_view": ("Màn sau", "Next view"),
    "key.prev_view": ("Màn trước", "Previous view"),
    "key.filter": ("Lọc", "Filter"),
    "key.filter.tip": ("Lọc dòng theo từ khoá (không phân biệt dấu)",
                       "Filter rows by words (accents ignored)"),
    "key.clear": ("Bỏ lọc", "Clear filter"),
    "key.done": ("Hoàn thành", "Done"),
    "key.done.tip": ("Đánh dấu nhiệm vụ đã hoàn thành (có hỏi lại)",
                     "Mark the task done (asks first)"),
    "key.progress": ("Tiến độ", "Progress"),
    "key.progress.tip": ("Ghi nhận tiến độ kèm ghi chú", "Record progress with a note"),
    "key.extend": ("Gia hạn", "Extend"),
    "key.extend.tip": ("Ghi nhận gia hạn: hạn mới, lý do, người duyệt",
                       "Record an extension: new date, reason, who approved"),
    "key.snooze": ("Hoãn nhắc", "Snooze"),
    "key.snooze.tip": ("Tạm dừng nhắc việc đến một ngày", "Hold reminders until a date"),
    "key.undo": ("Hoàn tác", "Undo"),
    "key.undo.tip": ("Hoàn tác thao tác gần nhất của bạn (có hỏi lại)",
                     "Undo your last action (asks first)"),
    "key.refresh": ("Làm mới", "Refresh"),
    "key.help": ("Trợ giúp", "Help"),
    "key.quit": ("Thoát", "Quit"),
    "key.palette": ("Lệnh", "Commands"),
    "key.open_unit": ("Xem nhiệm vụ của đơn vị", "Show the unit's tasks"),
    "key.move": ("Lên/xuống", "Up/down"),
    "key.page": ("Trang trước/sau", "Page up/down"),
    "key.ends": ("Đầu/cuối danh sách", "First/last row"),
    # help
    "help.title": ("Phím tắt · {view}", "Keys · {view}"),
    "help.legend": (
        "Màu luôn đi kèm ký hiệu và chữ: ✗ quá hạn · ! sắp đến hạn · ✓ hoàn thành · · chưa đến hạn"
        " · – chưa có hạn.",
        "Colour always comes with a glyph and a word: ✗ overdue · ! due soon · ✓ done"
        " · · not yet due · – no deadline.",
    ),
    "help.filter": (
        "Lọc: gõ các từ (không cần dấu), dòng nào chứa đủ các từ thì hiện. Enter giữ bộ lọc, "
        "Esc bỏ lọc.",
        "Filter: type words (accents optional); rows holding all of them stay. Enter keeps the "
        "filter, Esc clears it.",
    ),
    "help.actions_date": (
        "Các thao tác ghi ngày {day} (ngày đang xem) và được lưu vào nhật ký thay đổi.",
        "Actions are dated {day} (the as-of day) and written to the audit trail.",
    ),
    "help.close": ("Nhấn Esc hoặc ? để đóng.", "Press Esc or ? to close."),
    # status bar
    "status.counts": ("✗ {overdue} quá hạn · ! {due_soon} sắp đến hạn · ✓ {done} hoàn thành · "
                      "{total} nhiệm vụ",
                      "✗ {overdue} overdue · ! {due_soon} due soon · ✓ {done} done · {total} tasks"),
    "status.as_of": ("Ngày xem {day}", "As of {day}"),
    "status.db": ("CSDL {url}", "DB {url}"),
    "status.rows": ("{shown}/{total} dòng", "{shown}/{total} rows"),
    "status.plan": ("Kế hoạch {plan}", "Plan {plan}"),
    "status.unit": ("Đơn vị {unit}", "Unit {unit}"),
    "status.loading": ("đang tải…", "loading…"),
    "filter.placeholder": ("/ để lọc: gõ từ khoá, không cần dấu (Enter giữ, Esc bỏ)",
                           "/ to filter: type words, accents optional (Enter keeps, Esc clears)"),
    "filter.unit": ("Đơn vị: {unit}", "Unit: {unit}"),
    # detail
    "detail.plan": ("Kế hoạch", "Plan"),
    "detail.section": ("Mục", "Section"),
    "detail.lead": ("Chủ trì", "Lead"),
    "detail.coordinators": ("Phối hợp", "Coordinating"),
    "detail.deadline": ("Thời hạn (văn bản)", "Deadline (as written)"),
    "detail.inferred": ("suy ra từ thời hạn của kế hoạch", "inferred from the plan's horizon"),
    "detail.window": ("Khoảng thời gian", "Window"),
    "detail.due": ("Hạn", "Due"),
    "detail.extended": ("Hạn gia hạn", "Extended to"),
    "detail.effective": ("Hạn thực tế", "Effective due"),
    "detail.rrule": ("Lặp lại", "Repeats"),
    "detail.status": ("Trạng thái", "Status"),
    "detail.progress": ("Tiến độ", "Progress"),
    "detail.completed": ("Hoàn thành ngày", "Completed on"),
    "detail.snoozed": ("Hoãn nhắc đến", "Reminders held until"),
    "detail.deliverable": ("Sản phẩm", "Deliverable"),
    "detail.budget": ("Kinh phí", "Budget"),
    "detail.note": ("Ghi chú", "Note"),
    "detail.reports": ("Báo cáo tiến độ", "Progress reports"),
    "detail.extensions": ("Gia hạn", "Extensions"),
    "detail.reminders": ("Nhắc việc đã gửi", "Reminders sent"),
    "detail.none": ("chưa có", "none"),
    "detail.approved_by": ("duyệt: {who}", "approved by {who}"),
    "detail.occurrence": ("kỳ {day}", "period {day}"),
    "detail.area": ("Lĩnh vực", "Area"),
    "detail.report": ("Báo cáo", "Report"),
    "detail.attempts": ("Số lần gửi", "Attempts"),
    "detail.more": ("… và {n} mục khác", "… and {n} more"),
    # forms
    "form.save": ("Lưu", "Save"),
    "form.cancel": ("Huỷ", "Cancel"),
    "form.yes": ("Đồng ý", "Yes"),
    "form.no": ("Không", "No"),
    "form.done.title": ("Đánh dấu hoàn thành", "Mark done"),
    "form.done.question": ("Đánh dấu hoàn thành nhiệm vụ {task} ngày {day}?",
                           "Mark task {task} done on {day}?"),
    "form.done.period": ("Ghi nhận đã báo cáo kỳ {period} của nhiệm vụ định kỳ {task}?",
                         "Record period {period} of the recurring task {task} as reported?"),
    "form.progress.title": ("Ghi nhận tiến độ", "Record progress"),
    "form.progress.percent": ("Tiến độ (%)", "Progress (%)"),
    "form.progress.note": ("Ghi chú", "Note"),
    "form.extension.title": ("Gia hạn nhiệm vụ", "Extend a task"),
    "form.extension.current": ("Hạn hiện tại: {due}", "Current deadline: {due}"),
    "form.extension.new_due": ("Hạn mới (dd/mm/yyyy)", "New deadline (dd/mm/yyyy)"),
    "form.extension.reason": ("Lý do", "Reason"),
    "form.extension.approved_by": ("Người duyệt", "Approved by"),
    "form.snooze.title": ("Tạm hoãn nhắc việc", "Snooze reminders"),
    "form.snooze.until": ("Hoãn đến ngày (dd/mm/yyyy; để trống để bỏ hoãn)",
                          "Hold until (dd/mm/yyyy; empty lifts the snooze)"),
    "form.undo.title": ("Hoàn tác", "Undo"),
    "form.undo.question": ("Hoàn tác «{action}» trên nhiệm vụ {task} (lúc {at})?",
                           "Undo «{action}» on task {task} (at {at})?"),
    "form.bad_date": ("ngày «{value}» không hợp lệ (dd/mm/yyyy)",
                      "invalid date «{value}» (dd/mm/yyyy)"),
    "form.bad_percent": ("tiến độ phải là số từ 0 đến 100", "progress must be a number from 0 to 100"),
    "form.need_something": ("cần tiến độ hoặc ghi chú", "give a progress or a note"),
    "form.need_date": ("cần hạn mới", "a new deadline is needed"),
    # actions
    "action.task.done": ("Đánh dấu hoàn thành", "Mark done"),
    "action.task.progress": ("Ghi nhận tiến độ", "Record progress"),
    "action.task.extension": ("Gia hạn", "Extension"),
    "action.task.snooze": ("Hoãn nhắc việc", "Snooze"),
    "action.task.undo": ("Hoàn tác", "Undo"),
    "done.task.done": ("Đã đánh dấu hoàn thành {task}.", "Marked {task} done."),
    "done.task.progress": ("Đã ghi nhận tiến độ {task}.", "Recorded progress on {task}."),
    "done.task.extension": ("Đã gia hạn {task} đến {due}.", "Extended {task} to {due}."),
    "done.task.snooze": ("Đã hoãn nhắc việc {task} đến {until}.", "Held reminders for {task} until {until}."),
    "done.task.unsnooze": ("Đã bỏ hoãn nhắc việc {task}.", "Lifted the snooze on {task}."),
    "done.task.undo": ("Đã hoàn tác «{action}» trên {task}.", "Undid «{action}» on {task}."),
    "error.title": ("Lỗi", "Error"),
    "error.unexpected": ("Lỗi không mong đợi: {problem}", "Unexpected error: {problem}"),
    # command palette
    "cmd.view": ("Xem {view}", "Show {view}"),
    "cmd.plan": ("Chỉ xem kế hoạch {plan}", "Only plan {plan}"),
    "cmd.all_plans": ("Xem tất cả kế hoạch", "Show every plan"),
    "cmd.unit": ("Nhiệm vụ của đơn vị {unit}", "Tasks of {unit}"),
    "cmd.all_units": ("Bỏ lọc đơn vị", "Clear the unit filter"),
}

STATUS_GLYPH = {"overdue": "✗", "due_soon": "!", "done": "✓", "not_due": "·", "no_deadline": "–"}


def tr(key: str, **kw: Any) -> str:
    vi, en = TEXTS[key]
    text = en if lang() == "en" else vi
    return nfc(text.format(**kw) if kw else text)


def fmt_date(value: dt.date | str | None) -> str:
    """A date as people here write it: 01/03/2023 (ISO in English)."""
    if value is None or value == "":
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return day.isoformat() if lang() == "en" else day.strftime("%d/%m/%Y")


def fmt_datetime(value: dt.datetime | str | None) -> str:
    if value is None or value == "":
        return ""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)  # the models store UTC
    moment = moment.astimezone(dt.timezone(dt.timedelta(hours=7)))  # Asia/Ho_Chi_Minh
    return moment.strftime("%Y-%m-%d %H:%M" if lang() == "en" else "%d/%m/%Y %H:%M")


def parse_user_date(text: str) -> dt.date:
    """dd/mm/yyyy, d/m/yyyy or YYYY-MM-DD; ValueError otherwise."""
    from dondoc.catalog.i18n import DondocError
    from dondoc.catalog.rules.dates import parse_user_date as parse_date

    try:
        return parse_date(text)[0]
    except DondocError as exc:
        raise ValueError(str(exc)) from None


def localize_bindings(node: Any) -> None:
    """Replace a Textual node's binding descriptions and tooltips (written as text keys) by
    the words of the chosen language. Done per instance, after __init__, because the
    language is chosen at run time and BINDINGS are class attributes."""
    import dataclasses

    from textual.binding import Binding, BindingsMap

    keys: dict[str, list[Binding]] = {}
    for key, binding in node._bindings:
        description = tr(binding.description) if binding.description in TEXTS else \
            binding.description
        tooltip = tr(binding.tooltip) if binding.tooltip in TEXTS else binding.tooltip
        keys.setdefault(key, []).append(
            dataclasses.replace(binding, description=description, tooltip=tooltip))
    node._bindings = BindingsMap.from_keys(keys)
