"""User-facing language: Vietnamese first, English on request.

Messages are looked up by key so that an error raised deep in the domain can be shown in
whichever language the person chose (``DONDOC_LANG=en`` or ``--lang en``).
"""

from __future__ import annotations

import os
import unicodedata
from typing import Any

_lang: str | None = None

MESSAGES: dict[str, tuple[str, str]] = {
    # deadline language
    "deadline.empty": ("thời hạn trống", "empty deadline"),
    "deadline.unknown": (
        "không hiểu thời hạn «{text}»",
        "cannot understand the deadline «{text}»",
    ),
    "deadline.bad_day": (
        "ngày {day}/{month}/{year} không tồn tại (tháng {month}/{year} có {last} ngày)",
        "{day}/{month}/{year} does not exist (month {month}/{year} has {last} days)",
    ),
    "deadline.bad_month": (
        "tháng {month} không tồn tại (chỉ có tháng 1 đến tháng 12)",
        "month {month} does not exist (months run from 1 to 12)",
    ),
    "deadline.bad_quarter": (
        "quý {quarter} không tồn tại (chỉ có quý I đến quý IV)",
        "quarter {quarter} does not exist (quarters run from I to IV)",
    ),
    "deadline.bad_period": (
        "giai đoạn {first}-{last} có năm kết thúc trước năm bắt đầu",
        "period {first}-{last} ends before it starts",
    ),
    "deadline.bad_year": (
        "năm {year} nằm ngoài khoảng cho phép (1990-2100)",
        "year {year} is outside the supported range (1990-2100)",
    ),
    # deadline language: a phrase is read whole or refused
    "deadline.partly": (
        "không hiểu hết thời hạn «{text}»: không đọc được phần «{rest}»",
        "cannot read the whole deadline «{text}»: «{rest}» was not understood",
    ),
    "deadline.bad_range": (
        "khoảng thời gian trong «{text}» không liền mạch hoặc kết thúc trước khi bắt đầu",
        "the range in «{text}» has a gap or ends before it starts",
    ),
    "deadline.uneven_days": (
        "«{text}»: các ngày trong năm phải cùng số ngày (ví dụ 10/6 và 10/12); hãy tách thành nhiều nhiệm vụ",
        "«{text}»: the dates in a year must share their day number (e.g. 10/6 and 10/12); split the task",
    ),
    "deadline.needs_anchor": (
        "«{text}» tính từ ngày ban hành kế hoạch, nhưng chưa biết ngày đó",
        "«{text}» counts from the plan's date, which is not known here",
    ),
    # user dates (--as-of, --between, --extension-to, --at, forms)
    "date.bad": (
        "ngày «{value}» không hợp lệ (dùng dd/mm/yyyy hoặc yyyy-mm-dd)",
        "invalid date «{value}» (use dd/mm/yyyy or yyyy-mm-dd)",
    ),
    "date.read_as": (
        "đã hiểu «{value}» là ngày {date}",
        "read «{value}» as {date}",
    ),
    # files
    "file.missing": ("không tìm thấy tệp hoặc thư mục", "no such file or directory"),
    "file.not_utf8": (
        "tệp không phải UTF-8 (byte {byte} không hợp lệ)",
        "the file is not UTF-8 (invalid byte {byte})",
    ),
    "file.bad_yaml": ("YAML sai cú pháp: {problem}", "malformed YAML: {problem}"),
    "file.not_catalog": (
        "tệp phải có khóa gốc «plan» (kế hoạch) hoặc «units» (danh mục đơn vị)",
        "the file needs a top-level «plan» or «units» key",
    ),
    "file.empty_dir": ("thư mục không có tệp .yaml nào", "the folder holds no .yaml file"),
    # fields
    "field.missing": ("thiếu trường bắt buộc «{field}»", "missing required field «{field}»"),
    "field.extra": ("trường «{field}» không được hỗ trợ", "unknown field «{field}»"),
    "field.type": (
        "trường «{field}»: {expected}",
        "field «{field}»: {expected_en}",
    ),
    "field.dup_task": (
        "trùng mã nhiệm vụ «{code}» (đã có ở dòng {first})",
        "duplicate task code «{code}» (first at line {first})",
    ),
    "field.dup_target": (
        "trùng mã chỉ tiêu «{code}» (đã có ở dòng {first})",
        "duplicate target code «{code}» (first at line {first})",
    ),
    "field.dup_plan": (
        "trùng mã kế hoạch «{code}» (đã có trong {first})",
        "duplicate plan code «{code}» (already in {first})",
    ),
    "field.dup_unit": (
        "trùng mã đơn vị «{code}» (đã có ở {first})",
        "duplicate unit code «{code}» (already at {first})",
    ),
    "field.ambiguous_alias": (
        "tên gọi «{alias}» trỏ tới nhiều đơn vị: {units}",
        "the name «{alias}» points to several units: {units}",
    ),
    "field.unknown_unit": (
        "trường «{field}»: không có đơn vị «{ref}» trong danh mục đơn vị",
        "field «{field}»: no unit «{ref}» in the unit registry",
    ),
    "field.deadline": ("trường «{field}»: {problem}", "field «{field}»: {problem}"),
    "field.date": (
        "trường «{field}»: ngày «{value}» không hợp lệ (dùng YYYY-MM-DD)",
        "field «{field}»: invalid date «{value}» (use YYYY-MM-DD)",
    ),
    # database
    "db.connect": (
        "không kết nối được cơ sở dữ liệu {url}: {problem}",
        "cannot connect to the database {url}: {problem}",
    ),
    # command line
    "cli.bad_date": (
        "ngày «{value}» không hợp lệ (dùng YYYY-MM-DD)",
        "invalid date «{value}» (use YYYY-MM-DD)",
    ),
    "cli.no_plan": ("không có kế hoạch «{code}»", "no plan «{code}»"),
    "cli.no_unit": ("không có đơn vị «{ref}»", "no unit «{ref}»"),
    "cli.ambiguous_unit": (
        "tên «{ref}» trỏ tới nhiều đơn vị ({units}); dùng mã hoặc tên đầy đủ",
        "«{ref}» names several units ({units}); use a code or the full name",
    ),
    "cli.valid": (
        "hợp lệ: {plans} kế hoạch, {tasks} nhiệm vụ, {targets} chỉ tiêu, {units} đơn vị",
        "valid: {plans} plans, {tasks} tasks, {targets} targets, {units} units",
    ),
    "cli.loaded": (
        "đã nạp: {summary}",
        "loaded: {summary}",
    ),
    "cli.unchanged": ("không có gì thay đổi", "nothing changed"),
    # reminders (tui/cmd_remind.py, tasks/notify.py)
    "remind.config_read": (
        "không đọc được cấu hình Apprise {path}: {problem}",
        "cannot read the Apprise configuration {path}: {problem}",
    ),
    "remind.config_bad": (
        "cấu hình Apprise {path} không hợp lệ: {problem} (cần khóa «urls:» là danh sách)",
        "invalid Apprise configuration {path}: {problem} (needs a «urls:» list)",
    ),
    "remind.config_env": (
        "cấu hình Apprise {path} dùng biến môi trường ${{{name}}} nhưng biến này chưa được đặt",
        "the Apprise configuration {path} uses ${{{name}}}, which is not set in the environment",
    ),
    "remind.config_url": (
        "cấu hình Apprise {path}: không dùng được địa chỉ {url}: {problem}",
        "Apprise configuration {path}: unusable URL {url}: {problem}",
    ),
    "remind.bad_workers": (
        "số luồng gửi «{value}» không hợp lệ (1 đến 256)",
        "invalid number of sending workers «{value}» (1 to 256)",
    ),
    "remind.summary": (
        "ngày {as_of}: đã gửi {sent}, chờ gửi lại {retry}, bỏ cuộc {failed}, đã gửi trước đó {already}",
        "{as_of}: sent {sent}, to retry {retry}, given up {failed}, sent before {already}",
    ),
    "remind.summary_dry": (
        "ngày {as_of} (chạy thử, không gửi): sẽ gửi {would}, đã gửi trước đó {already}",
        "{as_of} (dry run, nothing sent): would send {would}, sent before {already}",
    ),
    "remind.unrouted": (
        "{n} đơn vị chưa có địa chỉ nhận trong cấu hình Apprise, tin nhắn vào hộp thư đi: {units}",
        "{n} units have no address in the Apprise configuration; their messages went to the outbox: {units}",
    ),
    # coordinators' actions (catalog/actions.py)
    "action.no_task": ("không có nhiệm vụ «{ref}»", "no task «{ref}»"),
    "action.withdrawn": (
        "nhiệm vụ {task} đã bị rút khỏi kế hoạch", "task {task} has been withdrawn from its plan",
    ),
    "action.already_done": ("nhiệm vụ {task} đã hoàn thành", "task {task} is already done"),
    "action.bad_progress": (
        "tiến độ «{value}» không hợp lệ (từ 0 đến 100)", "invalid progress «{value}» (0 to 100)",
    ),
    "action.empty_report": (
        "báo cáo trống: cần tiến độ hoặc nội dung", "empty report: give a progress or a note",
    ),
    "action.extension_kind": (
        "nhiệm vụ {task} không có hạn cố định để gia hạn (định kỳ hoặc thường xuyên)",
        "task {task} has no fixed deadline to extend (recurring or ongoing)",
    ),
    "action.extension_done": (
        "nhiệm vụ {task} đã hoàn thành, không cần gia hạn",
        "task {task} is done: nothing to extend",
    ),
    "action.extension_not_later": (
        "hạn mới {new} phải sau hạn hiện tại {current}",
        "the new deadline {new} must come after the current one, {current}",
    ),
    "action.snooze_past": (
        "ngày tạm hoãn {until} đã qua", "the snooze date {until} is in the past",
    ),
    "action.no_change": ("nhiệm vụ {task} không có gì thay đổi", "task {task}: nothing changes"),
    "action.nothing_to_undo": ("không có thao tác nào để hoàn tác", "nothing to undo"),
    "action.undo_conflict": (
        "không hoàn tác được: nhiệm vụ {task} đã bị thay đổi sau thao tác đó",
        "cannot undo: task {task} has changed since that action",
    ),
    # reviews
    "review.bad_quarter": (
        "quý «{value}» không hợp lệ (dùng dạng 2025Q3)",
        "invalid quarter «{value}» (use the form 2025Q3)",
    ),
    "review.bad_period": (
        "kỳ báo cáo «{value}» không hợp lệ (dùng 2025-06, 2025Q2, 2025H1 hoặc 2025)",
        "invalid reporting period «{value}» (use 2025-06, 2025Q2, 2025H1 or 2025)",
    ),
    "review.bad_time": (
        "thời điểm «{value}» không hợp lệ (dùng dạng \"2025-10-06 08:00\")",
        "invalid time «{value}» (use the form \"2025-10-06 08:00\")",
    ),
    "report.not_found": ("không có {what_vi} «{ref}»", "no {what} «{ref}»"),
    "report.ambiguous": (
        "mã {what_vi} «{ref}» có trong nhiều kế hoạch ({plans}); thêm --plan",
        "{what} code «{ref}» exists in several plans ({plans}); add --plan",
    ),
    "report.task_or_target": (
        "cần đúng một trong hai: --task hoặc --target",
        "give exactly one of --task or --target",
    ),
    "report.target_needs_year_value": (
        "báo cáo chỉ tiêu cần --year và --value",
        "a target report needs --year and --value",
    ),
    "prefect.unreachable": (
        "không kết nối được máy chủ Prefect tại {url}; hãy chạy `dondoc up` trước",
        "cannot reach the Prefect server at {url}; run `dondoc up` first",
    ),
    # assignments: joint leads, groups and their members, assigning from the app
    "field.members_not_group": (
        "trường «members»: chỉ đơn vị loại «nhom» mới có thành viên (đơn vị «{code}»)",
        "field «members»: only a unit of kind «nhom» has members (unit «{code}»)",
    ),
    "field.member_cycle": (
        "trường «members»: nhóm chứa lại chính nó ({chain})",
        "field «members»: a group contains itself ({chain})",
    ),
    "assign.lead_disagrees": (
        "cảnh báo: trường «lead»: tệp giao chủ trì {task} cho {file_leads}, còn ứng dụng đã giao"
        " cho {app_leads}; khi nạp, tệp được ưu tiên",
        "warning: field «lead»: the file gives {task} to {file_leads} while the app assigned"
        " {app_leads}; on load the file wins",
    ),
    "assign.unknown_unit": ("không có đơn vị «{ref}»", "no unit «{ref}»"),
    "assign.catalog_lead": (
        "nhiệm vụ {task} đã có đơn vị chủ trì theo văn bản ({leads}); hãy sửa tệp kế hoạch",
        "task {task} already has its lead from the document ({leads}); edit the plan file",
    ),
    "assign.no_change": (
        "phân công của nhiệm vụ {task} không thay đổi", "the assignments of task {task} are unchanged",
    ),
    "assign.no_assignment": (
        "đơn vị «{unit}» không được giao nhiệm vụ {task}", "unit «{unit}» is not assigned task {task}",
    ),
    # every unit in the loop: per-unit reading, assigning and reporting (wt-read)
    "units.done_of": ("{done}/{total} đơn vị hoàn thành", "{done}/{total} units done"),
    "report.not_assigned": (
        "đơn vị «{unit}» không được giao nhiệm vụ {task}; các đơn vị được giao: {units}",
        "unit «{unit}» holds no assignment of task {task}; the units that do: {units}",
    ),
    "report.nobody_assigned": (
        "nhiệm vụ {task} chưa giao cho đơn vị nào; hãy giao trước (dondoc assign)",
        "task {task} is assigned to no unit; assign it first (dondoc assign)",
    ),
    "report.which_unit": (
        "nhiệm vụ {task} có nhiều đơn vị chủ trì; hãy chọn --unit trong số: {units}",
        "task {task} has several lead units; choose --unit among: {units}",
    ),
    "report.done_already": (
        "đơn vị «{unit}» đã hoàn thành nhiệm vụ {task}", "unit «{unit}» has already done task {task}",
    ),
    "assign.needs_unit": (
        "hãy nêu ít nhất một đơn vị (--lead hoặc --coordinator)",
        "name at least one unit (--lead or --coordinator)",
    ),
    "assign.done": (
        "đã giao nhiệm vụ {task}: chủ trì {leads}; phối hợp {coordinators}",
        "assigned task {task}: lead {leads}; coordinating {coordinators}",
    ),
    "assign.nobody": ("(không có)", "(none)"),
    # plans in from office files and OCR text, out to XLSX and iCalendar (catalog/files/)
    "import.missing": ("không tìm thấy tệp", "no such file"),
    "import.pdf": (
        "đây là tệp PDF (chỉ đổi đuôi), không phải DOCX/XLSX; hãy dùng `dondoc catalog draft` với văn bản OCR",
        "this is a PDF (renamed), not a DOCX/XLSX; use `dondoc catalog draft` on its OCR text",
    ),
    "import.old_office": (
        "đây là tệp Office cũ (.doc/.xls); hãy lưu lại thành .docx hoặc .xlsx",
        "this is an old Office file (.doc/.xls); save it again as .docx or .xlsx",
    ),
    "import.not_office": ("không phải tệp DOCX hay XLSX", "not a DOCX or XLSX file"),
    "import.zip_not_office": (
        "tệp nén zip nhưng không phải tài liệu Word hay bảng tính Excel",
        "a zip archive, but not a Word document or an Excel workbook",
    ),
    "import.damaged": ("tệp bị hỏng, không đọc được ({problem})", "the file is damaged ({problem})"),
    "import.no_table": ("tệp không có bảng nào", "the file holds no table"),
    "import.no_header": (
        "không tìm thấy bảng danh mục nhiệm vụ (cần cột «Nội dung nhiệm vụ» cùng «Cơ quan chủ trì» hoặc «Thời gian hoàn thành»)",
        "no task table found (needs a «Nội dung nhiệm vụ» column with «Cơ quan chủ trì» or «Thời gian hoàn thành»)",
    ),
    "import.no_task_column": (
        "bảng có cột chủ trì/thời hạn nhưng không có cột nội dung nhiệm vụ",
        "the table has lead/deadline columns but no task column",
    ),
    "import.no_tasks": ("bảng danh mục nhiệm vụ không có dòng nhiệm vụ nào", "the task table has no task row"),
    "import.bad_code": (
        "mã kế hoạch «{code}» sai định dạng (chữ không dấu, số, . _ / -)",
        "plan code «{code}» has the wrong format (ASCII letters, digits, . _ / -)",
    ),
    "import.bad_registry": ("danh mục đơn vị không hợp lệ", "invalid unit registry"),
    "import.review_title": ("chưa có tên kế hoạch (dùng --title)", "no plan title (use --title)"),
    "import.review_unit": (
        "không có đơn vị «{text}» trong danh mục đơn vị", "no unit «{text}» in the registry",
    ),
    "import.review_ambiguous": (
        "«{text}» có thể là nhiều đơn vị: {units}", "«{text}» may be several units: {units}",
    ),
    "import.review_deadline": ("không đọc được thời hạn: {problem}", "unreadable deadline: {problem}"),
    "import.written": (
        "đã ghi {path}: {tasks} nhiệm vụ",
        "wrote {path}: {tasks} tasks",
    ),
    "import.needs_review": (
        "cần người xem: {units} đơn vị chưa xác định, {deadlines} thời hạn không đọc được (dòng «CẦN XEM» trong tệp)",
        "needs a person: {units} unresolved units, {deadlines} unreadable deadlines («CẦN XEM» lines in the file)",
    ),
    "draft.not_text": (
        "không phải tệp văn bản UTF-8 (byte {byte} không hợp lệ)",
        "not a UTF-8 text file (invalid byte {byte})",
    ),
    "draft.no_items": (
        "không tìm thấy mục hay nhiệm vụ đánh số nào trong văn bản",
        "no numbered section or task found in the text",
    ),
    "export.written": ("đã ghi {path}: {count} {what_vi}", "wrote {path}: {count} {what}"),
    "export.no_folder": (
        "không ghi được {path}: thư mục chưa tồn tại", "cannot write {path}: no such folder",
    ),
    "export.is_folder": (
        "không ghi được {path}: đây là một thư mục", "cannot write {path}: it is a folder",
    ),
    # hardening: refusals of hostile or oversized input, failures reported in one line
    "field.control_char": (
        "trường «{field}»: chứa ký tự điều khiển U+{code} (chỉ cho phép xuống dòng và tab)",
        "field «{field}»: holds the control character U+{code} (only newline and tab are allowed)",
    ),
    "field.too_long": (
        "trường «{field}»: dài quá {limit} ký tự",
        "field «{field}»: longer than {limit} characters",
    ),
    "field.too_many": (
        "trường «{field}»: nhiều quá {limit} mục",
        "field «{field}»: more than {limit} entries",
    ),
    "file.too_big": (
        "tệp quá lớn ({size} MB, tối đa {limit} MB)",
        "the file is too large ({size} MB, at most {limit} MB)",
    ),
    "remind.db_busy": (
        "cơ sở dữ liệu bị khóa quá lâu, dừng giữa chừng: {undone} tin chưa gửi, {released} tin"
        " trả lại để gửi lần sau, {unrecorded} tin đã gửi nhưng chưa ghi sổ; chạy lại sau",
        "the database stayed locked, stopped early: {undone} messages not sent, {released}"
        " given back for the next run, {unrecorded} sent but not recorded; run again later",
    ),
    "field.date_range": (
        "trường «{field}»: ngày phải từ {first} đến {last}",
        "field «{field}»: the date must be between {first} and {last}",
    ),
    "cli.date_range": (
        "ngày «{value}» nằm ngoài khoảng cho phép ({first} đến {last})",
        "the date «{value}» is outside the supported range ({first} to {last})",
    ),
    "cli.bad_value": (
        "giá trị không hợp lệ cho {option}: {problem}",
        "invalid value for {option}: {problem}",
    ),
    "report.bad_year": (
        "năm «{value}» không hợp lệ (1990 đến 2100)", "invalid year «{value}» (1990 to 2100)",
    ),
    "report.bad_value": (
        "số liệu «{value}» không hợp lệ (cần một số hữu hạn)",
        "invalid figure «{value}» (a finite number is needed)",
    ),
    "field.plan_code": (
        "trường «{field}»: mã kế hoạch chỉ gồm các ký tự {chars}, bắt đầu và kết thúc bằng chữ"
        " hoặc số, tối đa 64 ký tự",
        "field «{field}»: a plan code holds only {chars}, starts and ends with a letter or"
        " digit, at most 64 characters",
    ),
    "remind.all_failed": (
        "không gửi được tin nào: cả {n} lần gửi đều lỗi (xem `dondoc deliveries --failed`)",
        "nothing could be sent: all {n} sends failed (see `dondoc deliveries --failed`)",
    ),
    "field.parent_cycle": (
        "trường «parent»: đơn vị cấp trên tạo thành vòng lặp {cycle}",
        "field «parent»: the parent units form a cycle {cycle}",
    ),
    # end hardening
}

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "done": ("Hoàn thành", "Done"),
    "overdue": ("Quá hạn", "Overdue"),
    "due_soon": ("Sắp đến hạn", "Due soon"),
    "not_due": ("Chưa đến hạn", "Not yet due"),
    "no_deadline": ("Chưa có hạn", "No deadline"),
    "withdrawn": ("Đã rút", "Withdrawn"),
}

# pydantic error types mapped to a phrase a person understands, in both languages.
TYPE_PHRASES: dict[str, tuple[str, str]] = {
    "int_parsing": ("phải là số nguyên", "must be a whole number"),
    "int_type": ("phải là số nguyên", "must be a whole number"),
    "int_from_float": ("phải là số nguyên", "must be a whole number"),
    "float_parsing": ("phải là số", "must be a number"),
    "float_type": ("phải là số", "must be a number"),
    "string_type": ("phải là chuỗi văn bản", "must be text"),
    "list_type": ("phải là danh sách", "must be a list"),
    "dict_type": ("phải là bảng khóa-giá trị", "must be a mapping"),
    "model_type": ("phải là bảng khóa-giá trị", "must be a mapping"),
    "bool_parsing": ("phải là true hoặc false", "must be true or false"),
    "bool_type": ("phải là true hoặc false", "must be true or false"),
    "date_parsing": ("phải là ngày YYYY-MM-DD", "must be a date YYYY-MM-DD"),
    "date_from_datetime_parsing": ("phải là ngày YYYY-MM-DD", "must be a date YYYY-MM-DD"),
    "date_type": ("phải là ngày YYYY-MM-DD", "must be a date YYYY-MM-DD"),
    "literal_error": ("giá trị không được phép", "value not allowed"),
    "enum": ("giá trị không được phép", "value not allowed"),
    "greater_than_equal": ("không được âm", "must not be negative"),
    "less_than_equal": ("vượt quá giới hạn", "is above the limit"),
    "string_too_short": ("không được để trống", "must not be empty"),
    "string_pattern_mismatch": ("sai định dạng mã", "has the wrong code format"),
}


def lang() -> str:
    global _lang
    if _lang is None:
        _lang = "en" if os.environ.get("DONDOC_LANG", "vi").lower().startswith("en") else "vi"
    return _lang


def set_lang(value: str | None) -> None:
    global _lang
    _lang = None if value is None else ("en" if value.lower().startswith("en") else "vi")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def t(key: str, **kw: Any) -> str:
    vi, en = MESSAGES[key]
    return nfc((en if lang() == "en" else vi).format(**kw))


def status_label(code: str) -> str:
    vi, en = STATUS_LABELS[code]
    return en if lang() == "en" else vi


def type_phrase(error_type: str, fallback: str) -> tuple[str, str]:
    return TYPE_PHRASES.get(error_type, (fallback, fallback))


class DondocError(Exception):
    """An error a person caused and can fix; its text is already in their language."""

    def __init__(self, key: str, **kw: Any) -> None:
        self.key = key
        self.kw = kw
        super().__init__(t(key, **kw))


class InputError(DondocError):
    """Bad input located in a file: rendered as ``file:line: message``."""

    def __init__(self, file: str, line: int | None, key: str, **kw: Any) -> None:
        self.file = file
        self.line = line
        super().__init__(key, **kw)

    def render(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.args[0]}"
