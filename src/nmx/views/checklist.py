"""A unit's checklist for one month: what to do and tick off, ordered by due day.

Pure: the month and "today" are arguments. Which tasks reach the unit, and how, comes
from `nmx.duties.reach`; the dates from `nmx.schedule.engine`; working days from `nmx.schedule.workdays`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import field
from operator import attrgetter
from typing import Any, NamedTuple

from nmx.lazyclass import dataclass
from nmx.plan.models import Unit
from nmx.plan.plan import Plan


class Line(NamedTuple):  # a NamedTuple: a large plan's report makes hundreds of thousands
    """One line to tick: a dated item, or a standing / irregular / undated duty."""

    kind: str                      # window, deadline, quota, once, standing, irregular, undated
    task: str
    title: str
    what: str
    label: str                     # the plan's words for when (每季度第二个月, 次月7日前 …)
    role: str                      # "lead" or "support"
    via: str | None                # the group or clause through which the duty reaches the unit
    possibly: bool                 # bound only through a group whose members the plan does not list
    source: str
    deliver_to: str | None = None
    start: dt.date | None = None
    due: dt.date | None = None
    due_workday: dt.date | None = None
    holiday: str | None = None     # why `due` is not a working day (holiday name or 周末)
    count: int | None = None       # quota: how many are required (of the units that owe it)
    note: str | None = None
    clauses: tuple[str, ...] = ()  # every clause stating the obligation, `task` first
    owes: bool = True              # the unit owes the count or delivery (else: its role only)
    basis: str = "stated"          # the date or label is the plan's, or assumed by the data
    group: str | None = None       # the group `via` names, as the plan writes it
    provisional: bool = False      # due_workday comes from a holidays.yaml marked provisional (待定)


@dataclass
class Checklist:
    plan_title: str
    doc_number: str
    unit: Unit
    month: str                     # "YYYY-MM"
    start: dt.date
    end: dt.date
    today: dt.date
    dated: list[Line] = field(default_factory=list)       # by due day
    standing: list[Line] = field(default_factory=list)    # 常态化: confirm still in place
    irregular: list[Line] = field(default_factory=list)   # 不定期 and undated one-offs
    notes: list[str] = field(default_factory=list)

    @property
    def deliveries(self) -> list[Line]:
        """Dated lines that hand something to someone, by due day."""
        return [line for line in self.dated if line.deliver_to]

    def by_due(self) -> list[tuple[dt.date, list[Line]]]:
        groups: dict[dt.date, list[Line]] = {}
        for line in self.dated:
            groups.setdefault(line.due, []).append(line)  # type: ignore[arg-type]
        return list(groups.items())


@dataclass
class Checklists:
    """What `nmx checklist` hands out: one unit's list, or every unit's, for one month."""

    lists: list[Checklist]
    created: dt.datetime  # the workbook's creation stamp (fixed from the plan: same bytes every run)
    period_note: str | None = None


class ScheduleIndex:
    """The plan's items for a range: made once, used for the lists of many units.

    Many units are reached by one duty (the members of a group share it): each line is made
    once per (item, duty, owes) and shared by every list that holds it, and the lists' order
    (by due day, then task; undated entries by task) is ranked once for all of them."""

    def __init__(self, plan: Plan, start: dt.date, end: dt.date, items: list | None = None) -> None:
        from nmx.schedule import engine

        order = {tk.id: n for n, tk in enumerate(plan.tasks)}
        self._days: dict[dt.date, tuple[dt.date, str | None, bool]] = {}
        period = plan.meta.period
        dated = engine.items(plan, start, end) if items is None else engine.within(plan, items, start, end)
        # standing duties are in force in the period only
        undated = list(engine.undated(plan)) if start <= period.end and end >= period.start else []
        # (task, index) → its items and undated entries, each with its rank: its place in every
        # list's order (a stable sort: items of one entry with the same dates keep the plan's order)
        self._entries: dict[tuple[str, int], _Entry] = {}
        dated.sort(key=lambda i: (i.due, order[i.task], i.index, i.start))
        undated.sort(key=lambda e: (order[e.task], e.index))
        for which, found in ((0, dated), (1, undated)):
            for rank, item in enumerate(found):
                entry = self._entries.get((item.task, item.index))
                if entry is None:
                    entry = self._entries[(item.task, item.index)] = _Entry()
                (entry.undated if which else entry.dated).append((rank, item))

    def day(self, due: dt.date) -> tuple[dt.date, str | None, bool]:
        """The due day's last working day, holiday name and whether that is provisional: once
        per day for the lists of all units."""
        found = self._days.get(due)
        if found is None:
            from nmx.schedule.workdays import due_workday, holiday_name, provisional

            found = self._days[due] = (due_workday(due), holiday_name(due), provisional(due))
        return found

    def lines(self, unit: str, duties: dict) -> tuple[list[Line], list[Line]]:
        """The unit's dated lines (by due day) and undated ones (by task), from the duties that
        reach it: (task id, schedule index) → its first duty."""
        dated: list[tuple[int, Line]] = []
        undated: list[tuple[int, Line]] = []
        entries = self._entries
        for key in duties.keys() & entries.keys():  # a unit's duties in the range: far fewer than all
            entry = entries[key]
            duty = duties[key]
            if entry.dated:  # an obligation is dated or not: one or the other
                dated += entry.lines(self, duty, unit)
            else:
                undated += entry.undated_lines(duty)
        dated.sort()  # ranks are distinct: the lines themselves are never compared
        undated.sort()
        return [line for _, line in dated], [line for _, line in undated]


class _Entry:
    """One obligation's items (or undated entries) in a ScheduleIndex's range, each with its rank,
    and its lines as each duty makes them: once per duty (the members of a group share one) and
    per whether the unit owes it, the duty kept beside its lines so that its id stays its own."""

    __slots__ = ("dated", "undated", "_owers", "_made")

    def __init__(self) -> None:
        self.dated: list[tuple[int, Any]] = []
        self.undated: list[tuple[int, Any]] = []
        self._owers: frozenset[str] | bool | None = None  # False: its items bind different units
        self._made: dict[tuple[int, bool], tuple[Any, list[tuple[int, Line]]]] = {}

    def lines(self, index: ScheduleIndex, duty: Any, unit: str) -> list[tuple[int, Line]]:
        if self._owers is None:  # an obligation's items share whom they bind: asked once
            first = self.dated[0][1].owers
            self._owers = frozenset(first) if all(item.owers == first for _, item in self.dated) else False
        if self._owers is False:
            return [(rank, _dated_line(item, duty, not duty.possibly and unit in item.owers, index.day(item.due)))
                    for rank, item in self.dated]
        owes = not duty.possibly and unit in self._owers
        found = self._made.get((id(duty), owes))
        if found is None:
            found = self._made[(id(duty), owes)] = (
                duty, [(rank, _dated_line(item, duty, owes, index.day(item.due))) for rank, item in self.dated])
        return found[1]

    def undated_lines(self, duty: Any) -> list[tuple[int, Line]]:
        found = self._made.get((id(duty), False))
        if found is None:
            found = self._made[(id(duty), False)] = (duty, [(rank, _undated_line(e, duty)) for rank, e in self.undated])
        return found[1]


def checklist(
    plan: Plan, unit: Unit, month: str, today: dt.date, *,
    index: ScheduleIndex | None = None, duties: list | None = None,
) -> Checklist:
    """`unit`'s checklist for `month` ("YYYY-MM"). `index` (the month's schedule items) and
    `duties` (the unit's) may be passed in when computed once for many lists."""
    from nmx.schedule.dates import parse_month

    start, end = parse_month(month)
    if duties is None:
        from nmx.duties.reach import duties_for

        duties = duties_for(plan, unit)
    backwards = duties[::-1]  # the first duty of an obligation: lead before support, direct before via a group
    found = dict(zip(map(_OBLIGATION, backwards), backwards))
    index = index or ScheduleIndex(plan, start, end)
    out = Checklist(plan.meta.title, plan.meta.doc_number, unit, month, start, end, today)
    out.dated, undated = index.lines(unit.id, found)
    for line in undated:
        (out.standing if line.kind == "standing" else out.irregular).append(line)
    out.notes = _notes(plan, out)
    return out


_OBLIGATION = attrgetter("task", "index")


def _dated_line(item: Any, duty: Any, owes: bool, day: tuple[dt.date, str | None, bool]) -> Line:
    workday, holiday, provisional = day
    return Line(item.kind, item.task, item.title, item.what, item.label, duty.role, duty.via, duty.possibly,
                item.source, item.deliver_to, item.start, item.due, workday, holiday,
                item.count, item.note, item.clauses, owes, item.basis, duty.group, provisional)


def _undated_line(entry: Any, duty: Any) -> Line:
    return Line(entry.kind, entry.task, entry.title, entry.what, entry.label, duty.role, duty.via, duty.possibly,
                entry.source, entry.deliver_to, note=entry.note, clauses=entry.clauses, owes=False,
                basis=entry.basis, group=duty.group)


def _notes(plan: Plan, cl: Checklist) -> list[str]:
    from nmx.i18n import t
    from nmx.schedule.workdays import calendar_note

    period = plan.meta.period
    notes = []
    if cl.end < period.start or cl.start > period.end:
        notes.append(t("cl_month_outside", month=cl.month, start=period.start, end=period.end))
    note = calendar_note(cl.start.year)
    if note:
        notes.append(note)
    lines = (*cl.dated, *cl.standing, *cl.irregular)
    unlisted, by_kind = [], []
    for via, name in sorted({(line.via, line.group) for line in lines if line.possibly and line.via}):
        ref = plan.resolve(name) if name else None
        group = plan.group_by_id.get(ref.id) if ref is not None and ref.kind == "group" else None
        (by_kind if group is not None and cl.unit.kind in group.possibly_kinds else unlisted).append(via)
    if unlisted:
        notes.append(t("cl_possibly", groups="、".join(unlisted)))
    if by_kind:
        notes.append(t("cl_possibly_kind", groups="、".join(by_kind), kind=t(f"d:kind_{cl.unit.kind.value}")))
    if any(line.kind == "quota" and not line.owes for line in cl.dated):
        rule = next((r.text for r in plan.meta.rules if r.id == "owed-by"), None)
        if rule:
            notes.append(rule)
    return notes


def unit_checklists(plan: Plan, month: str, today: dt.date) -> list[Checklist]:
    """One checklist per unit that has any duty, in the plan's unit order."""
    from nmx.schedule.dates import parse_month
    from nmx.duties.reach import duties_by_unit

    start, end = parse_month(month)
    index, duties = ScheduleIndex(plan, start, end), duties_by_unit(plan)
    lists = [checklist(plan, unit, month, today, index=index, duties=duties[unit.id]) for unit in plan.units]
    return [cl for cl in lists if cl.dated or cl.standing or cl.irregular]


def as_json(cl: Checklist) -> dict[str, Any]:
    """The JSON shape (docs/commands.md: `nmx checklist --format json`)."""
    return {
        "plan": {"title": cl.plan_title, "doc_number": cl.doc_number},
        "department": {"id": cl.unit.id, "name": cl.unit.name, "full_name": cl.unit.full_name},
        "month": cl.month,
        "today": cl.today.isoformat(),
        "dated": [_line_json(x) for x in cl.dated],
        "standing": [_line_json(x) for x in cl.standing],
        "irregular": [_line_json(x) for x in cl.irregular],
        "deliveries": [{"to": x.deliver_to, "task": x.task, "what": x.what, "due": _iso(x.due),
                        "due_workday": _iso(x.due_workday)} for x in cl.deliveries],
        "notes": cl.notes,
        "calendar_note": _calendar_note(cl),
    }


def _calendar_note(cl: Checklist) -> str | None:
    from nmx.schedule.workdays import calendar_note

    return calendar_note(cl.start.year)


def _line_json(line: Line) -> dict[str, Any]:
    return {
        "task": line.task, "title": line.title, "kind": line.kind, "what": line.what, "schedule": line.label,
        "role": line.role, "via": line.via, "possibly": line.possibly,
        "start": _iso(line.start), "due": _iso(line.due), "due_workday": _iso(line.due_workday),
        "holiday": line.holiday, "provisional": line.provisional, "count": line.count, "deliver_to": line.deliver_to, "source": line.source,
        "note": line.note, "clauses": list(line.clauses or (line.task,)), "owes": line.owes, "basis": line.basis,
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
