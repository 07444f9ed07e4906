"""Obligation × unit states as of a day, with the lights 督查 offices colour them.

An obligation is one dated item of the schedule engine (a focus month, a report
deadline, a month's special-report quota …), counted once however many clauses state
it. It is owed by its `owers` (the plan's rule owed-by: the units that perform the act,
not organisers or 配合 units, not a unit reporting to itself). Where it is bound through
a group the plan does not list (市民生工作领导小组成员单位), its members cannot be named; a
unit that recorded the item is shown with it.

Only records dated on or before `today` count, and the same delivery recorded twice
counts once. States: `done` (enough records by the due day), `done_late` (enough, the
last of them after the due day: `late_days` in calendar and working days), `due_soon`
(not done, due within `soon` working days), `pending` (not done, due later) and
`overdue` (not done, `today` after the due day). Lights: green for done and pending,
yellow for done_late and due_soon, red for overdue. An item whose date the data assumes
(`basis: assumed`, not `binding`) is never owed: `assumed` lists it apart.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from nmx.lazyclass import dataclass
from nmx.plan.plan import Plan
from nmx.supervision.files import RecordsState

DONE, DONE_LATE, DUE_SOON, PENDING, OVERDUE = "done", "done_late", "due_soon", "pending", "overdue"
STATES = (DONE, DONE_LATE, DUE_SOON, PENDING, OVERDUE)
LIGHTS = {DONE: "green", PENDING: "green", DONE_LATE: "yellow", DUE_SOON: "yellow", OVERDUE: "red"}
SOON = 3  # working days


@dataclass(frozen=True)
class Status:
    item: object            # engine.Item
    unit: str               # unit id
    done: int
    required: int
    state: str
    dates: tuple[dt.date, ...]  # the records counted, oldest first
    late_days: tuple[int, int] | None = None  # (calendar days, working days) for done_late

    @property
    def light(self) -> str:
        return LIGHTS[self.state]


def statuses(plan: Plan, records: RecordsState, start: dt.date, end: dt.date, today: dt.date,
             units: set[str] | None = None, soon: int = SOON, assumed: bool = False,
             items: list | None = None) -> list[Status]:
    """Every (obligation, owing unit) in [start, end], in schedule order then plan unit order.

    With `assumed`, the items whose date the data assumes instead (listed apart, never owed).
    `items`: engine.items over a range holding [start, end], when the caller has them already.
    """
    return _statuses(plan, records, start, end, today, units, soon, assumed, items)[assumed]


def owed_and_assumed(plan: Plan, records: RecordsState, start: dt.date, end: dt.date, today: dt.date,
                     units: set[str] | None = None, soon: int = SOON) -> tuple[list[Status], list[Status]]:
    """`statuses(...)` and `statuses(..., assumed=True)` from one expansion of the range."""
    found = _statuses(plan, records, start, end, today, units, soon, None)
    return found[False], found[True]


def _statuses(plan: Plan, records: RecordsState, start: dt.date, end: dt.date, today: dt.date,
              units: set[str] | None, soon: int, only: bool | None, items: list | None = None) -> dict[bool, list[Status]]:
    """The statuses of the owed items (key False) and of the assumed ones (True); `only`: just those."""
    from nmx.schedule import engine

    order = {u.id: i for i, u in enumerate(plan.units)}
    recorded = _recorders(records)
    found: dict[bool, list[Status]] = {False: [], True: []}
    for item in engine.items(plan, start, end) if items is None else engine.within(plan, items, start, end):
        assumed = not item.counts
        if only is not None and assumed != only:
            continue
        out = found[assumed]
        bound = list(item.owers)
        if any(_unnamed(plan, name) for name in item.unlisted):  # members unknown: whoever recorded it is one
            extra = recorded.get((item.task, item.index, item.period), set()) - set(item.lead) - set(item.support)
            bound += sorted(extra, key=lambda u: order.get(u, len(order)))
        for unit in bound:
            if units is not None and unit not in units:
                continue
            out.append(state_of(item, unit, records, today, soon))
    return found


def counts(found: list[Status]) -> dict[str, int]:
    """How many of `found` are in each state, every state named (in `STATES` order)."""
    return {k: sum(s.state == k for s in found) for k in STATES}


def state_of(item, unit: str, records: RecordsState, today: dt.date, soon: int = SOON) -> Status:
    from nmx.schedule.workdays import working_days_between

    dates = tuple(d for d in records.done.get((item.task, item.index, item.period, unit), ()) if d <= today)
    required = item.count or 1
    late = None
    if len(dates) >= required:
        finished = dates[required - 1]
        if finished > item.due:
            state = DONE_LATE
            late = ((finished - item.due).days, working_days_between(item.due, finished))
        else:
            state = DONE
    elif today > item.due:
        state = OVERDUE
    elif working_days_between(today, item.due) <= soon:
        state = DUE_SOON
    else:
        state = PENDING
    return Status(item, unit, len(dates), required, state, dates, late)


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


def attention(plan: Plan, records: RecordsState, today: dt.date, days: int = SOON,
              units: set[str] | None = None) -> list[tuple[str, list[Status], list[Status]]]:
    """What needs a unit's attention on `today`: (unit id, due within `days` working days and not
    done, overdue), for every unit with either, in plan unit order; each list by due day.

    The selection behind `nmx remind` and the 提示单 (due soon) / 督办单 (overdue): only
    obligations the unit owes (never assumed dates), records dated after `today` ignored.
    """
    from nmx.schedule.workdays import add_working_days

    period = plan.meta.period
    end = min(add_working_days(today, days), period.end)
    found = statuses(plan, records, period.start, end, today, units, soon=days) if end >= period.start else []
    soon: dict[str, list[Status]] = defaultdict(list)
    late: dict[str, list[Status]] = defaultdict(list)
    for s in found:
        if s.state in (DUE_SOON, OVERDUE):
            (soon if s.state == DUE_SOON else late)[s.unit].append(s)
    by_due = lambda s: (s.item.due, s.item.start)  # noqa: E731
    return [(u.id, sorted(soon.get(u.id, []), key=by_due), sorted(late.get(u.id, []), key=by_due))
            for u in plan.units if u.id in soon or u.id in late]
