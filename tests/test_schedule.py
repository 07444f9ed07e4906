"""The schedule engine on the shipped plan and on small plans built in code."""

from __future__ import annotations

import datetime as dt

import pytest

from nmx.schedule import engine
from nmx.errors import UsageError
from nmx.plan.models import Deadline, Irregular, Once, Quota, Relative, Span, Standing, Window
from tests.conftest import tiny

D = dt.date
YEAR = (D(2023, 1, 1), D(2023, 12, 31))


def spans(found, kind=None):
    return [(i.start.isoformat(), i.due.isoformat()) for i in found if kind is None or i.kind == kind]


# --- the shipped plan -------------------------------------------------------------------------
def test_m2_focus_windows_and_reports(plan):
    found = engine.items(plan, *YEAR, task="M2")
    assert spans(found, "window") == [
        ("2023-02-01", "2023-02-28"), ("2023-05-01", "2023-05-31"),
        ("2023-08-01", "2023-08-31"), ("2023-11-01", "2023-11-30"),
    ]
    reports = [i for i in found if i.kind == "deadline"]
    assert spans(reports) == [
        ("2023-03-01", "2023-03-07"), ("2023-06-01", "2023-06-07"),
        ("2023-09-01", "2023-09-07"), ("2023-12-01", "2023-12-07"),
    ]
    assert [i.period for i in reports] == ["2023-02", "2023-05", "2023-08", "2023-11"]
    assert {i.deliver_to for i in reports} == {"市发改委"}
    assert {(i.index, i.schedule_id, i.label) for i in reports} == {(1, "report", "次月7日前")}


def test_may_2023(plan):
    found = engine.items(plan, D(2023, 5, 1), D(2023, 5, 31))
    got = [(i.task, i.kind, i.start.isoformat(), i.due.isoformat(), i.count, i.clauses) for i in found]
    # A2's quota is M3's restated, A3's focus month is M2's: each counted once; R6 has no date
    assert got == [
        ("M2", "window", "2023-05-01", "2023-05-31", None, ("M2", "A3")),
        ("M3", "quota", "2023-05-01", "2023-05-31", 2, ("M3", "A2")),
        ("A14", "window", "2023-05-01", "2023-05-31", None, ("A14",)),
    ]
    # the report on the May window is due 06-07: its span [06-01, 06-07] is outside May
    assert not [i for i in found if i.kind == "deadline"]


def test_june_has_the_may_report(plan):
    found = engine.items(plan, D(2023, 6, 1), D(2023, 6, 30), task="M2")
    assert [(i.kind, i.due.isoformat(), i.period) for i in found] == [("deadline", "2023-06-07", "2023-05")]


def test_quota_one_item_per_month(plan):
    found = engine.items(plan, *YEAR, task="A2")
    assert len(found) == 12
    # asked for A2: the M3 quota it restates, under M3
    assert {(i.task, i.schedule_id, i.clauses) for i in found} == {("M3", "special_reports", ("M3", "A2"))}
    assert found == engine.items(plan, *YEAR, task="M3")
    assert {i.count for i in found} == {2}
    assert [i.due.isoformat() for i in found][:3] == ["2023-01-31", "2023-02-28", "2023-03-31"]
    assert found[-1].due == D(2023, 12, 31)


def test_r6_survey_has_no_date(plan):
    # the plan gives no date for the survey results: a standing entry, not quarterly windows
    assert engine.items(plan, *YEAR, task="R6") == []
    survey = [i for i in engine.undated(plan, task="R6") if i.schedule_id == "survey"]
    assert [(i.kind, i.deliver_to) for i in survey] == [("standing", "市委")]


def test_whole_year_counts_and_order(plan):
    found = engine.items(plan, *YEAR)
    # M2 4+4, M3 12, A14 4 (A2 and A3 restate M3 and M2; R6 has no date)
    assert len(found) == 24
    assert {i.task for i in found} == {"M2", "M3", "A14"}
    keys = [(i.due, [t.id for t in plan.tasks].index(i.task), i.index) for i in found]
    assert keys == sorted(keys)
    assert all(D(2023, 1, 1) <= i.start <= i.due <= D(2023, 12, 31) for i in found)


def test_groups_expanded_and_unlisted_flagged(plan):
    m2 = engine.items(plan, D(2023, 2, 1), D(2023, 2, 1), task="M2")[0]
    # 各县区各部门: county governments, 市开发区管委 and city party/government departments
    assert len(m2.lead) == 21 and "cpc_city" not in m2.lead
    assert not {"wxdaily", "latv", "telecom", "mobile", "unicom"} & set(m2.lead)  # media, carriers: only possibly
    assert m2.clauses == ("M2", "A3")
    assert m2.unlisted == ("市民生工作领导小组成员单位",)  # A3's lead, merged into M2's focus month
    counties = ("jinan", "yuan", "yeji", "huoqiu", "shucheng", "jinzhai", "huoshan", "devzone")
    assert set(counties) <= set(m2.lead)
    a3 = engine.items(plan, D(2023, 2, 1), D(2023, 2, 1), task="A3")[0]
    assert a3 == m2  # A3 restates M2's focus month
    m3 = engine.items(plan, D(2023, 2, 1), D(2023, 2, 1), task="M3")[0]
    # M3 and A2 merged: the media platforms lead, A2's 市委宣传部 too; the platforms owe the reports
    assert m3.lead == ("wxdaily", "latv", "publicity") and m3.unlisted == ("市（县区）属各媒体平台",)
    assert m3.owers == ("wxdaily", "latv") and m3.clauses == ("M3", "A2")
    assert "jinan" in m3.support and "drc" in m3.support


def test_units_filter(plan):
    transport = engine.items(plan, *YEAR, units={"transport"})
    assert {i.task for i in transport} == {"M2"}  # only through 各县区各部门
    jinan = engine.items(plan, D(2023, 5, 1), D(2023, 5, 31), units={"jinan"})
    assert [i.task for i in jinan] == ["M2", "M3"]  # M3 through A2, where jinan supports
    assert engine.items(plan, *YEAR, units={"nobody"}) == []


def test_range_outside_period_is_empty(plan):
    assert engine.items(plan, D(2024, 1, 1), D(2024, 12, 31)) == []
    assert engine.items(plan, D(2022, 1, 1), D(2022, 12, 31)) == []
    # partly outside: clipped to the period
    assert spans(engine.items(plan, D(2022, 12, 1), D(2023, 1, 15), task="M3")) == [("2023-01-01", "2023-01-31")]


def test_unknown_task(plan):
    with pytest.raises(UsageError) as err:
        engine.items(plan, *YEAR, task="Z9")
    assert "Z9" in err.value.message


def test_undated(plan):
    every = engine.undated(plan)
    # A1, A2's column and A4 restate M5, M3 and M1; R6's survey and R7 are standing
    assert len(every) == 27
    assert not {"A1", "A2", "A4"} & {i.task for i in every}
    assert [i.clauses for i in every if i.task in ("M1", "M3", "M5") and i.index == 0] == [
        ("M1", "A4"), ("M3", "A2"), ("M5", "A1"),
    ]
    assert {i.kind for i in every} == {"standing", "irregular", "undated"}
    m4 = engine.undated(plan, task="M4")
    assert [(i.kind, i.label) for i in m4] == [("irregular", "不定期"), ("standing", "建立台账，限期销号")]
    assert [(i.task, i.index) for i in engine.undated(plan, units={"transport"})] == [
        ("R5", 0), ("R7", 0), ("A6", 0), ("A6", 1),
    ]


# --- plans built in code (tiny: tests/conftest.py) ---------------------------------------------
def test_weekly_window_clipped_to_period():
    w = Window(kind="window", what="w", label="每周", rrule="FREQ=WEEKLY;BYDAY=MO", span=Span.WEEK, id="wk")
    p = tiny(w, start=D(2023, 1, 1), end=D(2023, 1, 18))
    assert spans(engine.items(p, D(2023, 1, 1), D(2023, 1, 31))) == [
        ("2023-01-02", "2023-01-08"), ("2023-01-09", "2023-01-15"), ("2023-01-16", "2023-01-18"),
    ]


def test_rule_with_own_dtstart_reaches_into_period():
    # a quarter window that opened in November 2022 still covers January 2023
    w = Window(kind="window", what="w", label="q", rrule="DTSTART:20221101\nRRULE:FREQ=MONTHLY;INTERVAL=3",
               span=Span.QUARTER, id="q")
    found = engine.items(tiny(w), *YEAR)
    assert spans(found)[:2] == [("2023-01-01", "2023-01-31"), ("2023-02-01", "2023-04-30")]
    assert found[0].period == "2022-11"


def test_deadline_outside_period_dropped():
    w = Window(kind="window", what="w", label="m", rrule="FREQ=MONTHLY;BYMONTH=12;BYMONTHDAY=1", span=Span.MONTH, id="dec")
    d = Deadline(kind="deadline", what="d", label="次月7日前", after="dec", due=Relative(months=1, day=7))
    found = engine.items(tiny(w, d), *YEAR)
    assert [(i.kind, i.due.isoformat()) for i in found] == [("window", "2023-12-31")]  # 2024-01-07 is outside


def test_deadline_relative_days():
    w = Window(kind="window", what="w", label="m", rrule="FREQ=MONTHLY;BYMONTH=3;BYMONTHDAY=1", span=Span.MONTH, id="m")
    d = Deadline(kind="deadline", what="d", label="+10d", after="m", due=Relative(days=40))
    found = [i for i in engine.items(tiny(w, d), *YEAR) if i.kind == "deadline"]
    assert spans(found) == [("2023-04-01", "2023-04-10")]


def test_once_and_standing():
    o = Once(kind="once", what="o", label="6月", date=D(2023, 6, 30), start=D(2023, 6, 1))
    o2 = Once(kind="once", what="o2", label="x", date=D(2023, 3, 3))
    s = Standing(kind="standing", what="s", label="常态化")
    i = Irregular(kind="irregular", what="i", label="不定期")
    p = tiny(o, o2, s, i)
    assert [(x.index, x.start.isoformat(), x.due.isoformat(), x.period) for x in engine.items(p, *YEAR)] == [
        (1, "2023-03-03", "2023-03-03", "2023-03"), (0, "2023-06-01", "2023-06-30", "2023-06"),
    ]
    assert [(u.index, u.kind) for u in engine.undated(p)] == [(2, "standing"), (3, "irregular")]


def test_quota_count_and_unlisted_group_without_members():
    q = Quota(kind="quota", what="q", label="每月至少3次", rrule="FREQ=MONTHLY;BYMONTHDAY=1", span=Span.MONTH, count=3)
    p = tiny(q, lead=("G",))
    found = engine.items(p, D(2023, 2, 1), D(2023, 2, 28))
    assert [(i.count, i.lead, i.unlisted, i.due.isoformat()) for i in found] == [(3, (), ("G",), "2023-02-28")]
    assert engine.items(p, D(2023, 2, 1), D(2023, 2, 28), units={"u1"}) == []  # members never invented


def test_items_are_frozen(plan):
    item = engine.items(plan, *YEAR)[0]
    with pytest.raises(AttributeError):
        item.due = D(2000, 1, 1)  # type: ignore[misc]
    assert item._replace(due=D(2023, 1, 2)).due == D(2023, 1, 2)
    assert hash(item) == hash(engine.items(plan, *YEAR)[0])


# --- a range's items taken from a wider range's (engine.within) ----------------------------------
def _ranges():
    return [(D(2023, 5, 1), D(2023, 5, 31)), (D(2023, 1, 1), D(2023, 1, 7)), (D(2023, 12, 25), D(2024, 2, 1)),
            (D(2022, 11, 1), D(2023, 1, 15)), (D(2023, 6, 7), D(2023, 6, 7)), (D(2024, 3, 1), D(2024, 3, 31)),
            (D(2023, 2, 28), D(2023, 3, 1))]


def test_within_is_items_of_the_range(plan, tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import synth

    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import locate

    w = Window(kind="window", what="w", label="每周", rrule="FREQ=WEEKLY;BYDAY=MO", span=Span.WEEK, id="wk")
    clipped = tiny(w, start=D(2023, 1, 4), end=D(2023, 6, 18))  # a period that starts and ends inside months
    synthetic = load_plan(locate(synth.write_plan(tmp_path / "plan", tasks=150, units=60)))
    for p in (plan, clipped, synthetic):
        year = engine.items(p, p.meta.period.start, p.meta.period.end)
        for start, end in _ranges():
            # the same items in the same order: ties on one due day by task order, index, start
            assert engine.within(p, year, start, end) == engine.items(p, start, end), (start, end)
    assert engine.within(synthetic, year, D(2023, 5, 1), D(2023, 5, 31))  # not all empty
    from nmx.supervision.files import RecordsState
    from nmx.supervision.status import statuses

    for start, end in _ranges()[:3]:  # what the report's status page asks with the year's items
        assert (statuses(synthetic, RecordsState(), start, end, D(2023, 6, 8), items=year)
                == statuses(synthetic, RecordsState(), start, end, D(2023, 6, 8)))
