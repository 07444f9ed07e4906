"""Which obligation a progress record answers: task, schedule entry, period and unit.

One resolver serves `nmx validate` (findings become problems at file:line:col)
and `nmx done` (the first error becomes a usage error), so both refuse the same
records for the same reasons.

Mapping rules (documented in docs/supervision.md):
- `item` names a schedule entry of the task by its id. It may be left out when the
  task has at most one dated entry (window, deadline, quota, once); M2 has two
  (`focus`, the focus month, and `report`, the written report due by the 7th of the
  next month), so an M2 record must say which.
- `period` ("YYYY-MM") names the occurrence: the period of the window (a deadline
  takes its window's: the report on the May focus month is period 2023-05). Left
  out, it is the occurrence whose [start, due] holds the record's date; a date
  after every such span counts for the latest occurrence already due (a late
  delivery), a date before all of them for the first.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import field

from nmx.i18n import t
from nmx.lazyclass import dataclass
from nmx.plan.models import DATED_KINDS, Task
from nmx.plan.plan import Plan
from nmx.problems import Level
from nmx.supervision.names import Key

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Finding:
    field: str            # the record field the finding is about
    rule: str
    message: str
    level: Level = Level.ERROR
    hint: str | None = None


@dataclass
class Resolved:
    key: Key | None = None
    occurrence: object = None   # engine.Item when the entry is dated
    unit_id: str | None = None
    index: int | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level is Level.ERROR]


class Resolver:
    """Resolves records against one plan; each task's occurrences are computed once."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._occurrences: dict[tuple[str, int], list] = {}
        self._reach: dict[str, tuple[list[str], list[str]]] = {}

    def resolve(self, task_id: str, dept: str, item: str | None, period: str | None, day: dt.date) -> Resolved:
        out = Resolved()
        task = self.plan.task_by_id.get(task_id)
        if task is None:
            ids = "、".join(tk.id for tk in self.plan.tasks)
            out.findings.append(Finding("task", "unknown-task", t("sv_unknown_task", task=task_id),
                                        hint=t("sv_known_tasks", tasks=ids)))
            return out
        out.index, sched_kind = self._schedule(task, item, out)
        if out.index is not None:  # a restatement (A2/special_reports) counts for its obligation (M3's)
            from nmx.plan import obligations

            primary = obligations.of(self.plan).target((task.id, out.index))
            task, out.index = self.plan.task_by_id[primary[0]], primary[1]
        out.unit_id = self._unit(task, out.index, dept, out)
        out.findings.sort(key=lambda f: _FIELD_ORDER.get(f.field, 9))
        if period is not None and not self._period_ok(period, out):
            return out
        if out.index is not None and sched_kind in DATED_KINDS:
            occurrences = self.occurrences(task, out.index)
            if occurrences:
                chosen = _pick(occurrences, period, day)
                if chosen is None:
                    periods = "、".join(dict.fromkeys(o.period for o in occurrences))
                    out.findings.append(Finding("period", "no-occurrence", t(
                        "sv_no_occurrence", task=task.id, item=_item_name(task, out.index), period=period,
                        periods=periods)))
                    return out
                out.occurrence, period = chosen, chosen.period
        if out.unit_id is not None and not out.errors:
            out.key = (task.id, out.index, period, out.unit_id)
        return out

    def occurrences(self, task: Task, index: int) -> list:
        found = self._occurrences.get((task.id, index))
        if found is None:
            from nmx.schedule import engine

            for key in [(task.id, i) for i in range(len(task.schedules))]:
                self._occurrences[key] = []
            for occ in engine.task_items(self.plan, task):
                self._occurrences[(task.id, occ.index)].append(occ)
            found = self._occurrences[(task.id, index)]
        return found

    def reach(self, task: Task, index: int | None = None) -> tuple[list[str], list[str], dict[str, str]]:
        """(unit ids the obligation reaches, names of its groups whose members the plan does not
        name at all, unit ids it may apply to through a group's `possibly_kinds`).

        A group listed in part (市（县区）属各媒体平台: the city media are units, the county
        media are not units of this plan) reaches only its listed members.
        """
        key = (task.id, index)
        found = self._reach.get(key)
        if found is None:
            if index is None:
                names = task.lead + task.support
            else:
                from nmx.plan import obligations

                ob = obligations.obligation(self.plan, task.id, index)
                names = obligations.names(ob, "lead") + obligations.names(ob, "support")
            unlisted: list[str] = []
            maybe: dict[str, str] = {}
            for name in names:
                ref = self.plan.resolve(name)
                if ref is None or ref.kind != "group":
                    continue
                group = self.plan.group_by_id[ref.id]
                if _unknown_members(self.plan, ref.id):
                    unlisted.append(group.name)
                kinds = set(group.possibly_kinds)
                maybe.update({u.id: group.name for u in self.plan.units if u.kind in kinds and u.id not in maybe})
            found = self._reach[key] = (self.plan.expand(names), unlisted, maybe)
        return found

    def _unit(self, task: Task, index: int | None, dept: str, out: Resolved) -> str | None:
        ref = self.plan.resolve(dept)
        if ref is None:
            out.findings.append(Finding("dept", "unknown-unit", t("unknown_unit", name=dept)))
            return None
        if ref.kind == "group":
            group = self.plan.group_by_id[ref.id].name
            out.findings.append(Finding("dept", "unit-is-group", t("sv_unit_is_group", name=dept, group=group)))
            return None
        reached, unlisted, maybe = self.reach(task, index)
        if ref.id not in reached:
            unit = self.plan.unit_by_id[ref.id].name
            if unlisted or ref.id in maybe:
                out.findings.append(Finding("dept", "unit-maybe", t(
                    "sv_unit_maybe", task=task.id, unit=unit, groups="、".join(unlisted or [maybe[ref.id]])),
                    Level.WARNING))
            else:
                names = "、".join(self.plan.unit_by_id[u].name for u in reached)
                out.findings.append(Finding("dept", "unit-not-reached", t(
                    "sv_unit_not_reached", task=task.id, unit=unit), hint=t("sv_task_units", units=names)))
        return ref.id

    def _schedule(self, task: Task, item: str | None, out: Resolved) -> tuple[int | None, str | None]:
        if item is not None:
            for index, sched in enumerate(task.schedules):
                if sched.id == item:
                    return index, sched.kind
            out.findings.append(Finding("item", "unknown-item", t("sv_unknown_item", task=task.id, item=item),
                                        hint=_choices(task) or None))
            return None, None
        dated = [(i, s) for i, s in enumerate(task.schedules) if s.kind in DATED_KINDS]
        if len(dated) == 1:
            return dated[0][0], dated[0][1].kind
        if dated:
            out.findings.append(Finding("item", "item-ambiguous", t(
                "sv_item_ambiguous", task=task.id, items=_choices(task, dated_only=True))))
        return None, None

    def _period_ok(self, period: str, out: Resolved) -> bool:
        match = _PERIOD.match(period) if isinstance(period, str) else None
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
            out.findings.append(Finding("period", "bad-period", t("sv_bad_period", value=period)))
            return False
        first = dt.date(int(match.group(1)), int(match.group(2)), 1)
        meta = self.plan.meta.period
        if first > meta.end or _month_end(first) < meta.start:
            out.findings.append(Finding("period", "period-outside", t(
                "sv_period_outside", period=period, start=meta.start, end=meta.end)))
            return False
        return True


_FIELD_ORDER = {"task": 0, "dept": 1, "item": 2, "period": 3}


def _unknown_members(plan: Plan, group_id: str) -> bool:
    """A group the plan names without listing any member (市民生工作领导小组成员单位)."""
    return not plan.group_by_id[group_id].members_listed and not plan.members(group_id)


def _pick(occurrences: list, period: str | None, day: dt.date):
    """The occurrence a record counts for (see the module docstring)."""
    if period is not None:
        return next((o for o in occurrences if o.period == period), None)
    holding = [o for o in occurrences if o.start <= day <= o.due]
    if holding:
        return min(holding, key=lambda o: o.due)
    past = [o for o in occurrences if o.due < day]
    return max(past, key=lambda o: o.due) if past else occurrences[0]


def _month_end(day: dt.date) -> dt.date:
    from nmx.schedule.dates import month_end

    return month_end(day)


def _item_name(task: Task, index: int) -> str:
    sched = task.schedules[index]
    return sched.id or sched.what


def _choices(task: Task, dated_only: bool = False) -> str:
    """'focus（策划开展主题宣传活动）、report（…）': the ids a record may name."""
    return "、".join(
        f"{s.id}（{s.what}）" for s in task.schedules if s.id and (not dated_only or s.kind in DATED_KINDS)
    )


# --- nmx done ------------------------------------------------------------------------------------
@dataclass
class Prepared:
    """A record ready to append: its fields in file order, what it counts for, and warnings."""

    fields: list[tuple[str, object]]
    key: Key
    occurrence: object          # engine.Item, or None for an undated entry
    findings: list[Finding]     # warnings only (errors refuse the record)

    @property
    def warnings(self) -> list[str]:
        return [f.message for f in self.findings]


def prepare(plan: Plan, task_id: str, unit_id: str, item: str | None, period: str | None, day: dt.date,
            evidence: str | None, note: str | None, today: dt.date) -> Prepared:
    """Check a new record like `nmx validate` would; UsageError (exit 2) for the first error."""
    from nmx.errors import UsageError

    if day > today:
        raise UsageError(t("sv_future", what="--on", date=day, today=today))
    unit = plan.unit_by_id[unit_id]
    task_id = task_id.strip()
    if task_id not in plan.task_by_id and task_id.upper() in plan.task_by_id:
        task_id = task_id.upper()  # m2 → M2
    found = Resolver(plan).resolve(task_id, unit.name, item, period, day)
    if found.errors:
        first = found.errors[0]
        hint = t("sv_item_hint") if first.rule == "item-ambiguous" else first.hint
        raise UsageError(first.message, hint=hint)
    task = plan.task_by_id[found.key[0]]  # a restatement (A3/focus) is written as its obligation (M2/focus)
    sched = task.schedules[found.index] if found.index is not None else None
    fields = [("task", task.id), ("item", sched.id if sched is not None else None), ("period", found.key[2]),
              ("dept", unit.name), ("date", day), ("evidence", _clean(evidence)), ("note", _clean(note))]
    return Prepared(fields, found.key, found.occurrence, found.findings)


def _clean(text: str | None) -> str | None:
    return text.strip() if text and text.strip() else None
