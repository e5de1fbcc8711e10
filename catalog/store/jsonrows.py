"""Each task of `dondoc tasks|overdue --json` as a JSON document written by SQLite itself.

At a million tasks, building a Python dict per row and encoding it cost more than SQLite's
whole answer. Here SQLite's json_object() writes each item, byte for byte what
TaskRecord.as_json() through orjson gives (same keys in the same order, same escapes, no
spaces), and Python only joins the documents. Only the common case is written here: a
task with a fixed deadline, no unit's own extension and no reminder policy of its own.
Recurring duties (their occurrence comes from the RRULE) and those few other tasks keep
going through dondoc.catalog.store.queries.Reader in Python.

The status expressions below are dondoc.catalog.rules.status.task_status written in SQL
for one as-of day: done when done on or before it, no deadline for ongoing or undated
tasks, overdue before the effective due, due soon up to the due-soon limit, else not due.
tests/test_read_scale.py holds them to the Python rule on catalogs with every status.
SQLite only: PostgreSQL's JSON functions put spaces in their text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

# The columns before the document: what orders the rows and merges the recurring duties in.
KEY_COLUMNS = "t.id, t.effective_due, t.plan_code, t.code"


def _day(value: dt.date) -> str:
    """A date as an SQL literal: ISO digits and hyphens only, so nothing to escape."""
    if not isinstance(value, dt.date):
        raise TypeError(f"a date, not {value!r}")
    return f"'{value.isoformat()}'"


def _done(state: str, completed_on: str, as_of: str) -> str:
    # status.is_done: a completion dated after as_of had not happened yet.
    return f"({state} = 'done' and ({completed_on} is null or {completed_on} <= {as_of}))"


def _status(state: str, completed_on: str, as_of: str, soon: str) -> str:
    """status.task_status for a fixed deadline, the task's kind and effective due given."""
    return (f"case when {_done(state, completed_on, as_of)} then 'done'"
            " when t.deadline_kind = 'ongoing' or t.effective_due is null then 'no_deadline'"
            f" when t.effective_due < {as_of} then 'overdue'"
            f" when t.effective_due <= {soon} then 'due_soon' else 'not_due' end")


def overdue_condition(as_of: dt.date) -> str:
    """The rows whose status on as_of is overdue (ix_task_due_order serves the range)."""
    day = _day(as_of)
    return (f"t.effective_due < {day} and t.deadline_kind <> 'ongoing'"
            f" and not {_done('t.state', 't.completed_on', day)}")


def items_sql(where: str, as_of: dt.date, default_soon: dt.date,
              plan_soon: dict[str, dt.date], overdue_only: bool) -> tuple[str, list[Any]]:
    """(SQL, the parameters it takes before where's own) selecting KEY_COLUMNS and each
    fixed-deadline task's document in three blobs (UTF-8 bytes, nothing to decode) that
    document() joins, in the order Reader.records gives them.

    plan_soon: the due-soon limit of each plan whose reminder policy sets its own window.
    """
    day = _day(as_of)
    params: list[Any] = []
    prefix = ""
    soon = _day(default_soon)
    if plan_soon:
        prefix = ("with plan_soon(code, day) as (values "
                  + ",".join("(?, ?)" for _ in plan_soon) + ") ")
        for code, limit in sorted(plan_soon.items()):
            params += [code, limit.isoformat()]
        soon = f"coalesce((select day from plan_soon where code = t.plan_code), {soon})"
    if overdue_only:
        status = "'overdue'"
        days = f"cast(julianday({day}) - julianday(substr(t.effective_due, 1, 10)) as integer)"
        unit_status = f"case when {_done('a.status', 'a.completed_on', day)} then 'done' else 'overdue' end"
    else:
        status = _status("t.state", "t.completed_on", day, soon)
        days = (f"case when not {_done('t.state', 't.completed_on', day)}"
                " and t.deadline_kind <> 'ongoing' and t.effective_due is not null"
                f" and t.effective_due < {day} then cast(julianday({day})"
                " - julianday(substr(t.effective_due, 1, 10)) as integer) else 0 end")
        unit_status = _status("a.status", "a.completed_on", day, soon)
    # One pass over the task's live assignments (a join grouped by task, in the order the
    # rows are printed, so no correlated subquery per task and no sort): the leads' names
    # and every share, leads first, each role in the order assigned (ix_assignment_task_id
    # gives them in id order).
    share = ("json_object('unit', a.unit_code, 'unit_name', coalesce(au.name, a.unit_code),"
             f" 'role', a.role, 'status', {unit_status}, 'progress', coalesce(a.progress, 0),"
             " 'completed_on', substr(a.completed_on, 1, 10), 'effective_due', t.effective_due)")
    # TaskRecord.leads: the lead units assigned, in order; else the task's one lead, if any.
    leads = ("case when count(a.id) filter (where a.role = 'lead')"
             " then json_group_array(coalesce(au.name, a.unit_code)) filter (where a.role = 'lead')"
             " when u.name is not null then json_array(u.name) else json_array() end")
    # A JSON null (no coordinators) is no list: json_each would give the null itself. The
    # left join keeps json_each outside, so the names come in the list's order.
    coordinators = ("(select json_group_array(coalesce(cu.name, j.value))"
                    " from json_each(case json_type(t.coordinators) when 'array'"
                    " then t.coordinators else '[]' end) j"
                    " left join unit cu on cu.code = j.value)")
    # Everything but the assignments, which close the document: Python joins the two lists.
    document = (
        "json_object('plan', t.plan_code, 'task', t.code, 'section', t.section,"
        " 'title', t.title, 'kind', t.deadline_kind, 'lead', u.name,"
        f" 'leads', {leads}, 'coordinators', {coordinators},"
        " 'deadline_text', t.deadline_text, 'due', coalesce(t.extended_due, t.deadline_due),"
        f" 'effective_due', t.effective_due, 'status', {status}, 'days_overdue', {days})")
    sql = (f"{prefix}select {KEY_COLUMNS}, cast({document} as blob),"
           f" cast(json_group_array({share}) filter (where a.role = 'lead') as blob),"
           f" cast(json_group_array({share}) filter (where a.role <> 'lead') as blob)"
           " from task t left join unit u on u.code = t.lead_code"
           " left join assignment a on a.task_id = t.id and not a.withdrawn"
           " left join unit au on au.code = a.unit_code"
           f" where {where} and t.deadline_kind <> 'recurring'")
    if overdue_only:
        order = "t.effective_due, t.plan_code, t.id"
        sql += f" and {overdue_condition(as_of)}"
    else:
        order = "t.effective_due is null, t.effective_due, t.plan_code, t.id"
    return f"{sql} group by {order} order by {order}", params


def document(head: bytes, leads: bytes, others: bytes) -> bytes:
    """A row of items_sql as the task's whole document: its assignments close it."""
    if others == b"[]":
        shares = leads
    elif leads == b"[]":
        shares = others
    else:
        shares = leads[:-1] + b"," + others[1:]
    return head[:-1] + b',"assignments":' + shares + b"}"


def special_ids_sql() -> str:
    """Tasks where a unit has an extension of its own: its share's due and the task's
    status need the working-day calendar, so Python answers for them."""
    return ("select distinct task_id from assignment"
            " where due_override is not null and not withdrawn")

