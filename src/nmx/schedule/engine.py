"""The schedule engine: the plan's date rules turned into dated items.

Pure functions over the plan. "Today" is never read here; callers pass ranges.
Windows come from their RRULE (python-dateutil), each `span` long and clipped to
the plan's period; a deadline is a relativedelta from each occurrence of the window
it follows; a quota is one item per occurrence, due on the window's last day; a
once is its date. Standing, irregular and undated entries have no dates and are
listed apart by `undated` — never given invented ones. Only dates inside the plan's
period are produced: an occurrence whose due day falls outside it is dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from operator import attrgetter
from typing import NamedTuple

from nmx.errors import UsageError
from nmx.i18n import t
from nmx.plan.models import Deadline, Once, Quota, Relative, Span, Task, Window
from nmx.plan.plan import Plan

_DAY = dt.timedelta(days=1)


class Item(NamedTuple):
    """One dated occurrence of a schedule entry (an immutable record; NamedTuple because a
    10,000-task plan yields some 200,000 of them and a frozen dataclass is ten times slower to build)."""

    task: str                   # task id
    index: int                  # position of the schedule entry in task.schedules
    kind: str                   # "window" | "deadline" | "quota" | "once"
    title: str                  # task.title
    what: str                   # schedule.what
    label: str                  # schedule.label, as the plan says it
    start: dt.date
    due: dt.date
    period: str                 # "YYYY-MM" of the window start (a deadline: its window's; once: its date)
    count: int | None           # quota size, else None
    lead: tuple[str, ...]       # unit ids, groups expanded
    support: tuple[str, ...]    # unit ids, groups expanded
    deliver_to: str | None      # as the plan writes it
    source: str                 # schedule.source or task.source
    unlisted: tuple[str, ...] = ()  # names of bound groups whose members the plan does not list
    schedule_id: str | None = None  # schedule.id (e.g. "focus", "report")
    note: str | None = None         # schedule.note
    clauses: tuple[str, ...] = ()   # task ids of every clause stating this obligation, `task` first
    owers: tuple[str, ...] = ()     # unit ids that owe it (the plan's rule owed-by); others have a role only
    basis: str = "stated"           # "stated" by the plan, or "assumed" by the data
    binding: bool = False           # an assumed date the maintainer made binding

    @property
    def units(self) -> tuple[str, ...]:
        """Lead then support unit ids, without repeats."""
        return self.lead + tuple(u for u in self.support if u not in self.lead)

    @property
    def counts(self) -> bool:
        """Whether it can be owed and overdue: its date is stated, or made binding."""
        return self.basis == "stated" or self.binding


class UndatedItem(NamedTuple):
    """A standing (常态化), irregular (不定期) or undated one-off entry: no date on purpose."""

    task: str
    index: int
    kind: str                   # "standing" | "irregular" | "undated"
    title: str
    what: str
    label: str
    lead: tuple[str, ...]
    support: tuple[str, ...]
    deliver_to: str | None
    source: str
    unlisted: tuple[str, ...] = ()
    schedule_id: str | None = None
    note: str | None = None
    clauses: tuple[str, ...] = ()
    basis: str = "stated"

    @property
    def units(self) -> tuple[str, ...]:
        return self.lead + tuple(u for u in self.support if u not in self.lead)


# --- public API ---------------------------------------------------------------------
def items(
    plan: Plan, start: dt.date, end: dt.date, *, units: set[str] | None = None, task: str | None = None,
) -> list[Item]:
    """Every dated item whose [start, due] overlaps [start, end], sorted by (due, task order, index).

    `units` keeps items that bind at least one of these unit ids (lead or support,
    groups expanded); `task` keeps one task's items (UsageError when unknown).
    """
    lo, hi = max(start, plan.meta.period.start), min(end, plan.meta.period.end)
    if lo > hi:
        return []
    out: list[Item] = []
    asked = task.partition("/")[0] if task else None
    entry = _entry_filter(plan, task)
    for tk in _tasks(plan, task):
        found = task_items(plan, tk, asked)
        if entry is not None:
            found = [i for i in found if (i.task, i.index) == entry]
        if units is not None:
            found = [i for i in found if not (units.isdisjoint(i.lead) and units.isdisjoint(i.support))]
        out += [i for i in found if i.start <= hi and i.due >= lo]
    # built in (task order, index, start) order already: a stable sort by due finishes the job
    out.sort(key=attrgetter("due"))
    return out


def within(plan: Plan, found: list[Item], start: dt.date, end: dt.date) -> list[Item]:
    """`items(plan, start, end)` taken from `found`, the `items` of a range that holds [start, end]
    (a report's year: the month's items without expanding every task again)."""
    lo, hi = max(start, plan.meta.period.start), min(end, plan.meta.period.end)
    return [i for i in found if i.start <= hi and i.due >= lo] if lo <= hi else []


def undated(plan: Plan, *, units: set[str] | None = None, task: str | None = None) -> list[UndatedItem]:
    """Standing, irregular and undated entries in plan order, listed apart from dated items."""
    out: list[UndatedItem] = []
    asked = task.partition("/")[0] if task else None
    entry = _entry_filter(plan, task)
    for tk in _tasks(plan, task):
        for owner, index in _entries(plan, tk, asked):
            if entry is not None and (owner.id, index) != entry:
                continue
            sched = owner.schedules[index]
            if sched.kind not in ("standing", "irregular", "undated"):
                continue
            lead, support, unlisted, _owers, clauses = entry_binding(plan, owner, index)
            if units is not None and units.isdisjoint(lead) and units.isdisjoint(support):
                continue
            out.append(UndatedItem(
                owner.id, index, sched.kind, owner.title, sched.what, sched.label, lead, support,
                sched.deliver_to, sched.source or owner.source, unlisted, sched.id, sched.note, clauses, sched.basis,
            ))
    return out


def task_items(plan: Plan, tk: Task, asked: str | None = None) -> list[Item]:
    """All dated items of one clause inside the plan's period, in schedule order: its own
    obligations, and (when `asked` names it) the ones it restates, under their primary task."""
    first, last = plan.meta.period.start, plan.meta.period.end
    out: list[Item] = []
    for owner, index in _entries(plan, tk, asked):
        sched = owner.schedules[index]
        dated = _dates(owner, sched, first, last)
        if not dated:
            continue
        lead, support, unlisted, owers, clauses = entry_binding(plan, owner, index)
        count = sched.count if isinstance(sched, Quota) else None
        source = sched.source or owner.source
        make = Item._make  # tuple.__new__ directly: a 200,000-item year spends its time here
        out += [make((owner.id, index, sched.kind, owner.title, sched.what, sched.label, start, due, period, count,
                      lead, support, sched.deliver_to, source, unlisted, sched.id, sched.note, clauses, owers,
                      sched.basis, sched.binding))
                for start, due, period in dated]
    return out


def _entries(plan: Plan, tk: Task, asked: str | None) -> list[tuple[Task, int]]:
    """The obligations `tk` states, as (primary task, index): its own entries, and, only when
    the user asked for this task by id, the entries it restates (else they would count twice)."""
    from nmx.plan import obligations

    found = obligations.of(plan)
    out = []
    for index in range(len(tk.schedules)):
        target = found.target((tk.id, index))
        if target == (tk.id, index):
            out.append((tk, index))
        elif asked == tk.id:
            out.append((plan.task_by_id[target[0]], target[1]))
    return out


def entry_binding(plan: Plan, tk: Task, index: int):
    """(lead ids, support ids, unlisted group names, owers, clauses) of one obligation, cached per plan."""
    cache = _cache(plan)
    key = ("entry", tk.id, index)
    found = cache.get(key)
    if found is None:
        from nmx.plan import obligations

        ob = obligations.obligation(plan, tk.id, index)
        lead, support, unlisted = _bind(plan, obligations.names(ob, "lead"), obligations.names(ob, "support"))
        support = tuple(u for u in support if u not in lead)
        found = cache[key] = (lead, support, unlisted, _owers(plan, tk.schedules[index], lead), ob.clauses)
    return found


def _owers(plan: Plan, sched, lead: tuple[str, ...]) -> tuple[str, ...]:
    """Who owes a dated entry: `owed_by` or the lead units, less those it would be delivered to
    themselves (a unit never reports to itself, nor to the unit it sits in: 市民生办 in 市发改委)."""
    owers = tuple(plan.expand(sched.owed_by)) if sched.owed_by else lead
    target = plan.resolve(sched.deliver_to) if sched.deliver_to else None
    if target is None or target.kind != "unit":
        return owers
    host = _host(plan, target.id)
    return tuple(u for u in owers if u not in (target.id, host) and _host(plan, u) != target.id)


def _host(plan: Plan, unit_id: str) -> str | None:
    part_of = plan.unit_by_id[unit_id].part_of
    ref = plan.resolve(part_of) if part_of else None
    return ref.id if ref is not None else None


def _dates(tk: Task, sched, first: dt.date, last: dt.date) -> tuple[tuple[dt.date, dt.date, str], ...]:
    """(start, due, period) of each occurrence of one entry, inside [first, last]."""
    if isinstance(sched, (Window, Quota)):
        return _window_dates(sched.rrule, sched.span, first, last)
    if isinstance(sched, Deadline):
        window = next((s for s in tk.schedules if isinstance(s, (Window, Quota)) and s.id == sched.after), None)
        if window is None:  # validation reports a dangling `after`
            return ()
        return _deadline_dates(window.rrule, window.span, sched.due, first, last)
    if isinstance(sched, Once) and first <= sched.date <= last:
        begin = min(sched.start or sched.date, sched.date)
        return ((max(begin, first), sched.date, _ym(sched.date)),)
    return ()


@lru_cache(maxsize=256)
def _window_dates(rrule: str, span: Span, first: dt.date, last: dt.date) -> tuple[tuple[dt.date, dt.date, str], ...]:
    return tuple((max(begin, first), min(end, last), _ym(begin)) for begin, end in windows_of(rrule, span, first, last))


@lru_cache(maxsize=256)
def _deadline_dates(
    rrule: str, span: Span, due: Relative, first: dt.date, last: dt.date,
) -> tuple[tuple[dt.date, dt.date, str], ...]:
    return tuple((max(begin, first), day, _ym(opened))
                 for opened, begin, day in deadlines_of(rrule, span, due, first, last) if first <= day <= last)


# --- rules → dates (cached: many tasks share a rule) ---------------------------------------
@lru_cache(maxsize=256)
def windows_of(
    rrule: str, span: Span, first: dt.date, last: dt.date, dtstart: dt.date | None = None,
) -> tuple[tuple[dt.date, dt.date], ...]:
    """(first day, last day) of each window opened by `rrule` that overlaps [first, last], unclipped.

    The rule starts at `dtstart` (default `first`: the plan's period start) unless it
    carries its own DTSTART.
    """
    from dateutil.rrule import rrulestr

    rule = rrulestr(rrule, dtstart=dt.datetime.combine(dtstart or first, dt.time()), forceset=True)
    # a window opened up to one span before `first` may still reach into it
    lookback = dt.datetime.combine(first, dt.time()) - _span_delta(span) + _DAY
    out = []
    for occ in rule.between(lookback, dt.datetime.combine(last, dt.time(23, 59, 59)), inc=True):
        begin = occ.date()
        finish = window_end(begin, span)
        if finish >= first:
            out.append((begin, finish))
    return tuple(out)


@lru_cache(maxsize=256)
def deadlines_of(
    rrule: str, span: Span, due: Relative, first: dt.date, last: dt.date,
) -> tuple[tuple[dt.date, dt.date, dt.date], ...]:
    """(window's first day, day after the window, due day) per window; due day = window's first day + `due`.

    Windows that open before `first` are included: their deadline may still fall in the period.
    """
    from dateutil.relativedelta import relativedelta

    delta = relativedelta(months=due.months, weeks=due.weeks, days=due.days, day=due.day)
    reach = dt.timedelta(days=31 * (abs(due.months) + 1) + 7 * abs(due.weeks) + abs(due.days))
    return tuple(
        (begin, finish + _DAY, begin + delta) for begin, finish in windows_of(rrule, span, first - reach, last, first)
    )


def window_end(begin: dt.date, span: Span) -> dt.date:
    """Last day of a window that opens on `begin` and lasts one `span`."""
    return begin + _span_delta(span) - _DAY


def _span_delta(span: Span):
    from dateutil.relativedelta import relativedelta

    return {
        Span.DAY: relativedelta(days=1), Span.WEEK: relativedelta(weeks=1), Span.MONTH: relativedelta(months=1),
        Span.QUARTER: relativedelta(months=3), Span.YEAR: relativedelta(years=1),
    }[Span(span)]


# --- helpers --------------------------------------------------------------------------------
def _tasks(plan: Plan, task: str | None) -> Iterable[Task]:
    if task is None:
        return plan.tasks
    tk = plan.task_by_id.get(task.partition("/")[0])
    if tk is None:
        raise UsageError(t("unknown_task", task=task), hint=t("known_tasks", tasks=_task_ids(plan)))
    return [tk]


def _entry_filter(plan: Plan, task: str | None) -> tuple[str, int] | None:
    """For `--task TASK/ITEM`: the obligation's entry (a restatement's is its primary's); None for `TASK`."""
    if not task or "/" not in task:
        return None
    from nmx.plan import obligations

    tid, _, item = task.partition("/")
    tk = plan.task_by_id.get(tid)
    if tk is None:
        return None  # _tasks reports the unknown task
    found = obligations.parse_ref(plan, task)
    if found is None:
        ids = "、".join(s.id for s in tk.schedules if s.id) or "—"
        raise UsageError(t("sv_unknown_item", task=tid, item=item), hint=ids)
    return obligations.of(plan).target(found)


def _task_ids(plan: Plan) -> str:
    ids = [tk.id for tk in plan.tasks]
    return "、".join(ids[:30]) + ("…" if len(ids) > 30 else "")


def _bind(plan: Plan, lead: tuple[str, ...], support: tuple[str, ...]):
    """(lead ids, support ids, unlisted group names) for a task's lists, cached per plan."""
    cache = _cache(plan)
    key = (lead, support)
    found = cache.get(key)
    if found is None:
        lead_ids, lead_unlisted = _expand(plan, cache, lead)
        support_ids, support_unlisted = _expand(plan, cache, support)
        found = cache[key] = (lead_ids, support_ids, tuple(dict.fromkeys(lead_unlisted + support_unlisted)))
    return found


def _expand(plan: Plan, cache: dict, names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Like plan.expand, with each name resolved once per plan (thousands of tasks repeat them)."""
    ids: list[str] = []
    unlisted: list[str] = []
    for name in names:
        entry = cache.get(("name", name))
        if entry is None:
            ref = plan.resolve(name)
            group = plan.group_by_id[ref.id] if ref is not None and ref.kind == "group" else None
            entry = cache[("name", name)] = (
                tuple(plan.expand((name,))), group.name if group is not None and not group.members_listed else None,
            )
        ids += entry[0]
        if entry[1]:
            unlisted.append(entry[1])
    return (tuple(dict.fromkeys(ids)) if len(names) > 1 else tuple(ids)), tuple(unlisted)


_BIND_CACHES: dict[int, tuple[Plan, dict]] = {}


def _cache(plan: Plan) -> dict:
    """Expansion results per plan object (group expansion repeats across thousands of tasks)."""
    entry = _BIND_CACHES.get(id(plan))
    if entry is None or entry[0] is not plan:
        if len(_BIND_CACHES) >= 8:  # a process rarely holds more than one plan; tests build many
            _BIND_CACHES.clear()
        entry = _BIND_CACHES[id(plan)] = (plan, {})
    return entry[1]


def _ym(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"
