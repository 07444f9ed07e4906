"""supervision.status.attention: what `nmx remind` and the 提示单/督办单 select."""

from __future__ import annotations

import datetime as dt

from nmx.schedule.workdays import add_working_days, working_days_between
from nmx.supervision import files
from nmx.supervision.status import DUE_SOON, OVERDUE, attention, statuses


def test_add_working_days_is_the_last_day_within_n():
    start = dt.date(2023, 5, 31)  # a Wednesday
    assert add_working_days(start, 0) == start
    assert add_working_days(start, 2) == dt.date(2023, 6, 4)  # Thu, Fri, then the weekend before Monday
    for n in range(0, 12):
        day = add_working_days(start, n)
        assert working_days_between(start, day) == n
        assert working_days_between(start, day + dt.timedelta(days=1)) == n + 1


def test_attention_is_status_due_soon_and_overdue_by_unit():
    plan, records, _ = files.load_records(None)
    today = dt.date(2023, 6, 5)
    found = attention(plan, records, today, 3)
    everything = statuses(plan, records, plan.meta.period.start, plan.meta.period.end, today, soon=3)
    expected = {}
    for s in everything:
        if s.state in (DUE_SOON, OVERDUE):
            expected.setdefault(s.unit, set()).add((s.item.task, s.item.index, s.item.period, s.state))
    got = {u: {(s.item.task, s.item.index, s.item.period, s.state) for s in soon + late} for u, soon, late in found}
    assert got == expected
    assert any(soon for _, soon, _ in found) and any(late for _, _, late in found)
    order = [u.id for u in plan.units]
    assert [u for u, _, _ in found] == sorted((u for u, _, _ in found), key=order.index)
    for _, soon, late in found:
        assert all(s.state == DUE_SOON for s in soon) and all(s.state == OVERDUE for s in late)
        assert [s.item.due for s in late] == sorted(s.item.due for s in late)


def test_attention_before_and_after_the_period():
    plan, records, _ = files.load_records(None)
    assert attention(plan, records, plan.meta.period.start - dt.timedelta(days=30), 3) == []
    after = attention(plan, records, plan.meta.period.end + dt.timedelta(days=30), 3)
    assert after and all(not soon for _, soon, _ in after)
