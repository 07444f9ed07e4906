"""Obligation × unit states as of a day: done, pending (not yet due), overdue.

An obligation is one dated item of the schedule engine (a focus month, a report
deadline, a month's special-report quota …). It binds the task's lead units: the
plan's 分工表 puts the delivery on the 牵头 unit, and 配合 units support it, so
support units are not counted as owing it. Where a task is bound through a
group the plan does not list (市民生工作领导小组成员单位), its members cannot be
named; a unit that recorded the item is shown with it, and the item carries the
group's name so views can say who else may owe it.

Only records dated on or before `today` count, so `--today` shows the state as
it stood that day. `done` is the number of records counted; `required` is the
quota (1 for a single obligation). Overdue means `today` is after the due day;
`due_workday` (the last working day on or before it) is shown beside it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from nmx.plan import Plan
from nmx.supervision.files import RecordsState

DONE, PENDING, OVERDUE = "done", "pending", "overdue"


@dataclass(frozen=True)
class Status:
    item: object            # schedule.Item
    unit: str               # unit id
    done: int
    required: int
    state: str
    dates: tuple[dt.date, ...]  # the records counted, oldest first


def statuses(plan: Plan, records: RecordsState, start: dt.date, end: dt.date, today: dt.date,
             units: set[str] | None = None) -> list[Status]:
    """Every (obligation, bound unit) in [start, end], in schedule order then plan unit order."""
    from nmx import schedule

    order = {u.id: i for i, u in enumerate(plan.units)}
    recorded = _recorders(records)
    out: list[Status] = []
    for item in schedule.items(plan, start, end):
        bound = list(item.lead)
        if any(_unnamed(plan, name) for name in item.unlisted):  # members unknown: whoever recorded it is one
            extra = recorded.get((item.task, item.index, item.period), set()) - set(bound) - set(item.support)
            bound += sorted(extra, key=lambda u: order.get(u, len(order)))
        for unit in bound:
            if units is not None and unit not in units:
                continue
            out.append(state_of(item, unit, records, today))
    return out


def state_of(item, unit: str, records: RecordsState, today: dt.date) -> Status:
    dates = tuple(d for d in records.done.get((item.task, item.index, item.period, unit), ()) if d <= today)
    required = item.count or 1
    if len(dates) >= required:
        state = DONE
    elif today > item.due:
        state = OVERDUE
    else:
        state = PENDING
    return Status(item, unit, len(dates), required, state, dates)


def overdue(plan: Plan, records: RecordsState, today: dt.date, units: set[str] | None = None) -> list[tuple[str, list[Status]]]:
    """Obligations past their due day without enough records, by unit: the unit with the oldest first."""
    start = plan.meta.period.start
    late = [s for s in statuses(plan, records, start, min(today, plan.meta.period.end), today, units)
            if s.state == OVERDUE]
    by_unit: dict[str, list[Status]] = defaultdict(list)
    for s in late:
        by_unit[s.unit].append(s)
    order = {u.id: i for i, u in enumerate(plan.units)}
    groups = [(unit, sorted(items, key=lambda s: (s.item.due, s.item.start))) for unit, items in by_unit.items()]
    groups.sort(key=lambda g: (g[1][0].item.due, order.get(g[0], len(order))))
    return groups


def _unnamed(plan: Plan, group_name: str) -> bool:
    """A group the plan names without listing any member (the records resolver's rule too)."""
    ref = plan.resolve(group_name)
    return ref is not None and ref.kind == "group" and not plan.members(ref.id)


def _recorders(records: RecordsState) -> dict[tuple, set[str]]:
    out: dict[tuple, set[str]] = defaultdict(set)
    for task, index, period, unit in records.done:
        out[(task, index, period)].add(unit)
    return out
