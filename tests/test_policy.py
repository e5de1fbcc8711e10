"""The reminder policy on the Vietnamese calendar: pure functions, dates checked by hand.

Around NV01's deadline (trong tháng 4/2022): 30/4 and 1/5/2022 fall on a weekend and are
paid back on Monday 2 and Tuesday 3 May, so the effective due date is Wednesday 4 May;
10, 5 and 2 working days before it are 18, 25 and 28 April (Giỗ Tổ was paid back on 11 April).
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from dondoc.catalog.rules import policy as pol
from dondoc.catalog.rules.deadline import labels_from_json, labels_json, parse
from dondoc.catalog.rules.workdays import WorkCalendar

D = dt.date
EFF = D(2022, 5, 4)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar(override_files=[])


def rules(task: pol.TaskFacts, as_of: dt.date, cal: WorkCalendar,
          answered: tuple[dt.date, ...] = ()) -> list[tuple[str, str, dt.date]]:
    return [(d.rule, d.track, d.occurrence) for d in pol.due_for_task(task, as_of, cal, answered)]


def fixed(**kw: object) -> pol.TaskFacts:
    return pol.TaskFacts(**{"id": 1, "kind": "month", "effective_due": EFF, **kw})  # type: ignore[arg-type]


def test_defaults_and_overrides() -> None:
    assert pol.resolve(None, None) == pol.Policy((10, 5, 2, 0), 5, 5, "weekly", 10)
    merged = pol.resolve({"before": [3, 7], "escalate_after": 10}, {"overdue_every": 3})
    assert merged == pol.Policy((7, 3), 3, 10, "weekly", 10)
    # the task wins over its plan, key by key
    assert pol.resolve({"before": [3]}, {"before": [1], "digest": "none"}).before == (1,)
    assert pol.resolve(None, {"digest": "none"}).digest == "none"


def test_fire_dates_count_working_days(cal: WorkCalendar) -> None:
    task = fixed()
    assert rules(task, D(2022, 4, 15), cal) == []  # before the first reminder
    assert rules(task, D(2022, 4, 18), cal) == [("before-10", "unit", EFF)]
    assert rules(task, D(2022, 4, 25), cal) == [("before-5", "unit", EFF)]
    assert rules(task, D(2022, 4, 28), cal) == [("before-2", "unit", EFF)]
    assert rules(task, D(2022, 5, 3), cal) == [("before-2", "unit", EFF)]  # a paid-back day off
    assert rules(task, EFF, cal) == [("before-0", "unit", EFF)]


def test_catch_up_sends_the_latest_rule_only(cal: WorkCalendar) -> None:
    task = fixed()
    # A sender down from 15 April to 27 April: before-10 is stale, before-5 is current.
    assert rules(task, D(2022, 4, 27), cal) == [("before-5", "unit", EFF)]
    # Down for two months: one overdue message and the escalation, not a backlog.
    assert rules(task, D(2022, 7, 1), cal) == [("overdue-40", "unit", EFF),
                                               ("escalate-5", "escalate", EFF)]


def test_overdue_repeats_and_escalates(cal: WorkCalendar) -> None:
    task = fixed()
    # 5, 6, 9, 10 May: four working days overdue, the due-day reminder is still current
    assert rules(task, D(2022, 5, 10), cal) == [("before-0", "unit", EFF)]
    assert rules(task, D(2022, 5, 11), cal) == [("overdue-5", "unit", EFF),
                                                ("escalate-5", "escalate", EFF)]
    # a Saturday counts no working day: still the overdue-5 rule
    assert rules(task, D(2022, 5, 14), cal)[0][0] == "overdue-5"
    assert rules(task, D(2022, 5, 18), cal)[0][0] == "overdue-10"
    fires = pol.current_fires(task.policy, EFF, D(2022, 5, 18), cal)
    assert [f.fire_on for f in fires] == [D(2022, 5, 18), D(2022, 5, 11)]


def test_policy_overrides_change_the_schedule(cal: WorkCalendar) -> None:
    task = fixed(policy=pol.resolve({"before": [3]}, {"overdue_every": 2, "escalate_after": 8}))
    assert rules(task, D(2022, 4, 28), cal) == [("before-3", "unit", EFF)]
    assert rules(task, D(2022, 5, 6), cal) == [("overdue-2", "unit", EFF)]
    assert rules(task, D(2022, 5, 16), cal) == [("overdue-8", "unit", EFF),
                                                ("escalate-8", "escalate", EFF)]
    # with no "before" list at all only overdue reminders remain
    quiet = fixed(policy=pol.resolve(None, {"before": []}))
    assert rules(quiet, EFF, cal) == []


@pytest.mark.parametrize("facts", [
    {"state": "done", "completed_on": D(2022, 4, 20)},
    {"state": "done", "completed_on": None},
    {"state": "withdrawn"},
    {"snoozed_until": D(2022, 5, 11)},
    {"kind": "ongoing", "effective_due": None},
])
def test_closed_snoozed_and_ongoing_tasks_get_nothing(cal: WorkCalendar,
                                                     facts: dict[str, object]) -> None:
    assert rules(fixed(**facts), D(2022, 5, 11), cal) == []


def test_done_later_or_snooze_over_still_reminds(cal: WorkCalendar) -> None:
    # as of 11 May a task finished on 20 May was still open; a snooze that ended yesterday
    assert rules(fixed(state="done", completed_on=D(2022, 5, 20)), D(2022, 5, 11), cal)
    assert rules(fixed(snoozed_until=D(2022, 5, 10)), D(2022, 5, 11), cal)


QUARTERLY = "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1"


def report(**kw: object) -> pol.TaskFacts:
    return pol.TaskFacts(**{"id": 6, "kind": "recurring", "category": "report", "rrule": QUARTERLY,
                            "rrule_start": D(2022, 4, 14), "rrule_until": D(2022, 12, 31), **kw})  # type: ignore[arg-type]


def test_recurring_reminds_each_occurrence_until_answered(cal: WorkCalendar) -> None:
    task = report()
    assert rules(task, D(2022, 7, 1), cal) == [("before-0", "unit", D(2022, 6, 30))]
    assert rules(task, D(2022, 7, 1), cal, answered=(D(2022, 6, 30),)) == []
    # the September occurrence gets its own cycle; June's is forgotten once September is due
    assert ("before-10", "unit", D(2022, 9, 30)) in rules(task, D(2022, 9, 16), cal)
    assert all(occ == D(2022, 9, 30) for _, _, occ in rules(task, D(2022, 10, 3), cal))
    # after the plan's horizon the last occurrence stays overdue until answered
    assert rules(task, D(2023, 3, 31), cal) == [("overdue-55", "unit", D(2022, 12, 31)),
                                                ("escalate-5", "escalate", D(2022, 12, 31))]


def test_decree_09_cut_off_for_periodic_reports(cal: WorkCalendar) -> None:
    task = report()
    window = pol.decree09_window(task, D(2022, 6, 30))
    assert window == (D(2022, 3, 15), D(2022, 6, 14))
    # cut-off day 14 June (Tuesday), before the before-10 reminder on 16 June
    assert rules(task, D(2022, 6, 14), cal) == [("cutoff", "unit", D(2022, 6, 30))]
    assert rules(task, D(2022, 6, 15), cal) == [("cutoff", "unit", D(2022, 6, 30))]
    assert rules(task, D(2022, 6, 16), cal) == [("before-10", "unit", D(2022, 6, 30))]
    due = pol.due_for_task(task, D(2022, 6, 16), cal)[0]
    assert due.data_window == window
    monthly = report(rrule="FREQ=MONTHLY;BYMONTHDAY=-1")
    assert pol.decree09_window(monthly, D(2022, 1, 31)) == (D(2021, 12, 15), D(2022, 1, 14))
    yearly = report(rrule="FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31")
    assert pol.decree09_window(yearly, D(2022, 12, 31)) == (D(2021, 12, 15), D(2022, 12, 14))
    half = report(rrule="FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1")
    assert pol.decree09_window(half, D(2022, 12, 31)) == (D(2022, 6, 15), D(2022, 12, 14))


def test_combined_regimes_window_each_occurrence_by_its_own_report(cal: WorkCalendar) -> None:
    # "6 tháng, hằng năm": one rule (June and December), two reports. Decree 09, art. 12:
    # the 6-month report's data run 15/12 of the previous year to 14/6, the yearly report's
    # 15/12 of the previous year to 14/12; December is not a second half-year.
    d = parse("6 tháng, hằng năm")
    labels = labels_from_json(labels_json(d.labels))  # as the store keeps them
    task = report(rrule=d.rrule, rrule_start=D(2022, 1, 1), rrule_until=D(2023, 12, 31),
                  labels=labels)
    assert pol.decree09_window(task, D(2022, 6, 30)) == (D(2021, 12, 15), D(2022, 6, 14))
    assert pol.decree09_window(task, D(2022, 12, 31)) == (D(2021, 12, 15), D(2022, 12, 14))
    # the reminders carry it: December's cut-off message names the whole year's data
    june = pol.due_for_task(task, D(2022, 6, 14), cal)
    assert [(x.rule, x.occurrence, x.label) for x in june] == [("cutoff", D(2022, 6, 30), "6 tháng")]
    december = pol.due_for_task(task, D(2022, 12, 14), cal, answered=(D(2022, 6, 30),))
    assert [(x.rule, x.occurrence, x.label, x.data_window) for x in december] == [
        ("cutoff", D(2022, 12, 31), "năm", (D(2021, 12, 15), D(2022, 12, 14)))]
    # quarterly with 6-month and yearly reports: each quarter's own window, each its own kind
    q = parse("hằng quý, 6 tháng và năm")
    task = report(rrule=q.rrule, labels=labels_from_json(labels_json(q.labels)))
    assert [(pol.occurrence_label(task, o), pol.decree09_window(task, o)) for o in
            (D(2022, 9, 30), D(2022, 12, 31))] == [
        ("quý", (D(2022, 6, 15), D(2022, 9, 14))), ("năm", (D(2021, 12, 15), D(2022, 12, 14)))]
    # without labels (a database not yet reloaded) the rule's spacing still decides
    assert pol.decree09_window(report(rrule=d.rrule), D(2022, 12, 31)) == (D(2022, 6, 15),
                                                                          D(2022, 12, 14))


def test_a_plan_that_names_its_day_says_otherwise(cal: WorkCalendar) -> None:
    own_day = report(rrule="FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15")
    assert pol.decree09_window(own_day, D(2022, 12, 15)) is None
    assert [r for r, _, _ in rules(own_day, D(2022, 11, 25), cal)] == []
    assert [r for r, _, _ in rules(own_day, D(2022, 12, 1), cal)] == ["before-10"]
    # and a plain task (not a report) never gets a cut-off
    assert pol.decree09_window(report(category="task"), D(2022, 6, 30)) is None


def test_workday_index_agrees_with_the_calendar(cal: WorkCalendar) -> None:
    index = pol.WorkdayIndex(cal, D(2021, 1, 1), D(2023, 12, 31))
    rnd = random.Random(9)
    for _ in range(3000):
        a = D(2020, 6, 1) + dt.timedelta(days=rnd.randrange(1500))
        b = a + dt.timedelta(days=rnd.randrange(-200, 200))
        n = rnd.randrange(-25, 25)
        assert index.add_working_days(a, n) == cal.add_working_days(a, n), (a, n)
        assert index.working_days_between(a, b) == cal.working_days_between(a, b), (a, b)


def test_standing_for_digests(cal: WorkCalendar) -> None:
    task = fixed()
    assert pol.standing(task, D(2022, 4, 25), cal) == [
        pol.Standing("due_soon", EFF, EFF, 5)]
    assert pol.standing(task, D(2022, 4, 1), cal) == []
    assert pol.standing(task, D(2022, 5, 11), cal) == [pol.Standing("overdue", EFF, EFF, 5)]


def test_iso_week_rule() -> None:
    assert pol.iso_week_rule(D(2022, 7, 1)) == ("digest-2022-W26", D(2022, 6, 27))
    assert pol.iso_week_rule(D(2021, 1, 2)) == ("digest-2020-W53", D(2020, 12, 28))
