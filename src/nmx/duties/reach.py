"""What the plan asks of one unit: every task that reaches it, and how.

A task's lead and support lists name units and groups as the plan writes them.
A unit is reached by a list in one of four ways, strongest first:

- named directly (`via` is None);
- as a listed member of a named group (各县区人民政府, 暖民心行动牵头部门 …); a group
  whose list the plan leaves incomplete (市（县区）属各媒体平台) still reaches the
  members it does list, definitely;
- through a clause that binds every unit (各县区各部门 / 各地各单位): `via` names the
  group and the clause;
- through a group whose members the plan does not list at all (市民生工作领导小组成员单位):
  the duty *possibly* applies; it is shown, flagged, with the plan's silence in `note`.

A list that reaches a unit several ways gives it one duty, by the strongest way.
Each obligation is one duty (M2's focus month and its report due 次月7日前 → 市发改委 are two
things to do, with different receivers). An obligation several clauses state (四（三） and
附件序号2) is one duty, under its primary clause, with every clause in `clauses`; a unit
that one clause makes lead and another support has it as lead.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from functools import cached_property
from typing import NamedTuple

from nmx.i18n import t
from nmx.plan.models import Group, Task, Unit
from nmx.plan.plan import Plan, Ref

ROLES = ("lead", "support")


class Way(IntEnum):
    """How a list reaches a unit; lower is stronger."""

    DIRECT = 0
    GROUP = 1
    EVERYONE = 2
    POSSIBLY = 3


class Reach(NamedTuple):
    way: Way
    group: Group | None = None
    written: str | None = None  # the group's name as the list writes it

    def via(self, task: Task) -> str | None:
        """The `via` text: None when named directly, the clause for an everyone-group."""
        if self.way is Way.DIRECT:
            return None
        if self.way is Way.EVERYONE:
            return f"{self.written}（{task.source}）"
        return self.written


class Duty(NamedTuple):  # NamedTuple, not a dataclass: ~0.1 ms to define instead of ~1 ms
    task: str
    title: str
    role: str  # "lead" | "support"
    via: str | None
    group: str | None  # the group's name as written, None when named directly (not in JSON)
    possibly: bool
    what: str | None  # the schedule entry's "what"; None for a task without schedules
    schedule: str | None  # the schedule in words, as the plan puts it
    deliver_to: str | None
    source: str
    note: str | None
    index: int | None = None       # the schedule entry, None for a task without schedules
    clauses: tuple[str, ...] = ()  # every clause stating the obligation, `task` first
    basis: str = "stated"          # the label is the plan's ("stated") or the data's ("assumed")

    def as_json(self) -> dict[str, object]:
        return {
            "task": self.task, "title": self.title, "role": self.role, "via": self.via,
            "schedule": self.schedule, "deliver_to": self.deliver_to, "source": self.source,
            "note": self.note, "possibly": self.possibly, "what": self.what,
            "clauses": list(self.clauses or (self.task,)), "basis": self.basis,
        }


class Reacher:
    """Who a lead or support list reaches; group memberships computed once per plan."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.members = {g.id: frozenset(plan.members(g.id)) for g in plan.groups}
        self._refs: dict[str, Ref | None] = {}
        self._how: dict[tuple[str, str], Reach | None] = {}

    @cached_property
    def groups_of(self) -> dict[str, list[Group]]:
        """unit id → the groups listing it as a member, in plan order (`unit_groups`): made once,
        where asking each group for each unit's page was units × groups."""
        out: dict[str, list[Group]] = {}
        for g in self.plan.groups:
            if not g.everyone and not g.kinds:
                for uid in self.members[g.id]:
                    out.setdefault(uid, []).append(g)
        return out

    def ref(self, name: str) -> Ref | None:
        if name not in self._refs:
            self._refs[name] = self.plan.resolve(name)
        return self._refs[name]

    def unlisted(self, group: Group) -> bool:
        """A group the plan names without saying who is in it."""
        return not group.members_listed and not self.members[group.id]

    def how(self, unit_id: str, name: str) -> Reach | None:
        ref = self.ref(name)
        if ref is None:
            return None
        if ref.kind == "unit":
            return Reach(Way.DIRECT) if ref.id == unit_id else None
        group = self.plan.group_by_id[ref.id]
        if unit_id in self.members[group.id]:
            return Reach(Way.EVERYONE if group.everyone or group.kinds else Way.GROUP, group, name)
        if self.unlisted(group) or self.plan.unit_by_id[unit_id].kind in group.possibly_kinds:
            return Reach(Way.POSSIBLY, group, name)
        return None

    def best(self, unit_id: str, names: tuple[str, ...]) -> Reach | None:
        """The strongest way `names` reaches the unit (the first one on a tie), or None."""
        best = None
        for name in names:
            key = (unit_id, name)  # plans repeat the same few names across many tasks
            if key not in self._how:
                self._how[key] = self.how(unit_id, name)
            reach = self._how[key]
            if reach is not None and (best is None or reach.way < best.way):
                best = reach
        return best


def duties_for(plan: Plan, unit: Unit, reacher: Reacher | None = None) -> list[Duty]:
    """Every duty the plan gives `unit`: lead duties first, then by task and schedule order."""
    from nmx.plan import obligations

    reacher = reacher or Reacher(plan)
    restated = obligations.of(plan).restated
    leads: list[Duty] = []
    supports: list[Duty] = []
    for task in plan.tasks:
        if task.id not in restated:  # the common case: the task's own lists alone, checked once
            if reacher.best(unit.id, task.lead) is None and reacher.best(unit.id, task.support) is None:
                continue
        reach: dict[tuple, tuple[str, Reach, str] | None] = {}  # a task's entries share their lists
        for entry in entries(plan, task):
            how = reach.get(entry.lists, ...)
            if how is ...:
                how = reach[entry.lists] = _best(reacher, unit.id, entry.lists)
            if how is not None:
                (leads if how[0] == "lead" else supports).append(make_duty(plan, task, entry, *how))
    return leads + supports


def _best(reacher: Reacher, unit_id: str, lists) -> tuple[str, Reach, str] | None:
    """(role, reach, clause) by which the lists reach the unit: lead before support, then the strongest."""
    for role in ROLES:
        best = None
        for list_role, names, clause in lists:
            reach = reacher.best(unit_id, names) if list_role == role and names else None
            if reach is not None and (best is None or reach.way < best[1].way):
                best = (role, reach, clause)
        if best is not None:
            return best
    return None


class Entry(NamedTuple):
    """One obligation of a task as the duty views see it (a task without schedules: index None)."""

    index: int | None
    lists: tuple[tuple[str, tuple[str, ...], str], ...]  # (role, names, clause task id)
    clauses: tuple[str, ...]


def entries(plan: Plan, task: Task) -> list[Entry]:
    """The obligations `task` owns (restatements of another clause's are left to that clause)."""
    from nmx.plan import obligations

    found = obligations.of(plan)
    own = (("lead", task.lead, task.id), ("support", task.support, task.id))
    if not task.schedules:
        return [Entry(None, own, (task.id,))]
    clauses = (task.id,)
    out = []
    for index in range(len(task.schedules)):
        key = (task.id, index)
        if key in found.extra:
            ob = found.get(key)
            out.append(Entry(index, ob.lists, ob.clauses))
        elif found.owns(key):
            out.append(Entry(index, own, clauses))
    return out


def make_duty(plan: Plan, task: Task, entry: Entry, role: str, reach: Reach, clause: str) -> Duty:
    s = task.schedules[entry.index] if entry.index is not None else None
    return Duty(
        task=task.id, title=task.title, role=role, via=reach.via(plan.task_by_id[clause]), group=reach.written,
        possibly=reach.way is Way.POSSIBLY,
        what=s.what if s else None, schedule=s.label if s else None,
        deliver_to=s.deliver_to if s else None,
        source=(s.source if s and s.source else task.source),
        note=_note(task, s.note if s else None, reach),
        index=entry.index, clauses=entry.clauses, basis=s.basis if s else "stated",
    )


def _note(task: Task, schedule_note: str | None, reach: Reach) -> str | None:
    """The group's note (its assumption, or the plan's silence on its members), the
    task's and the schedule entry's. Through a group without a member list, the silence
    is always stated, in the data's words when it has them."""
    parts: list[str] = []
    group = reach.group
    if group is not None and group.note:
        parts.append(group.note)
    elif group is not None and reach.way is Way.POSSIBLY:
        parts.append(t("d:duty_possibly", group=reach.written or group.name))
    for part in (task.note, schedule_note):
        if part and part not in parts:
            parts.append(part)
    return "".join(p if p.endswith(("。", ".")) else p + "。" for p in parts) or None


class Tally(NamedTuple):
    """How many tasks a unit leads and supports (definitely), and how many only possibly."""

    leads: int = 0
    supports: int = 0
    possibly: int = 0


def tallies(plan: Plan, by_unit: dict[str, list[Duty]] | None = None) -> dict[str, Tally]:
    """Task counts per unit id, as `nmx duties` counts them: the distinct tasks of the unit's
    duties per role (an obligation two clauses state is one duty, under its primary task), and
    the tasks that only possibly apply. One pass over the plan (`duties_by_unit`, or its result
    `by_unit` when the caller has it)."""
    out = {}
    for uid, duties in (duties_by_unit(plan) if by_unit is None else by_unit).items():
        sure = [d for d in duties if not d.possibly]
        out[uid] = Tally(len({d.task for d in sure if d.role == "lead"}),
                         len({d.task for d in sure if d.role == "support"}),
                         len({d.task for d in duties if d.possibly}))
    return out


def unit_groups(plan: Plan, unit: Unit, reacher: Reacher | None = None) -> list[Group]:
    """The groups that list `unit` as a member (groups that stand for every unit left out)."""
    return list((reacher or Reacher(plan)).groups_of.get(unit.id, ()))


def duties_by_unit(plan: Plan, reacher: Reacher | None = None) -> dict[str, list[Duty]]:
    """`duties_for` of every unit at once, in one pass over the tasks (for `nmx report`,
    `nmx export xlsx` and checklists of all units: units × tasks is too slow on a large plan).

    Same duties, same order, same choice of the strongest way as `duties_for`.
    """
    reacher = reacher or Reacher(plan)
    everyone = [u.id for u in plan.units]
    out: dict[str, list[Duty]] = {uid: [] for uid in everyone}
    best_of = _BestOf(plan, reacher, everyone)
    # (task, first entry, entries) → the units it has as lead, read by support: one duty per
    # obligation and unit, its lead is not also support
    leads: dict[tuple[str, int | None, int], dict] = {}
    owned = [(task, _runs(entries(plan, task))) for task in plan.tasks]
    for role in ROLES:
        for task, runs in owned:
            for run in runs:
                best = best_of(run[0].lists, role)
                key = (task.id, run[0].index, len(run))
                lead = leads.pop(key, None)
                if role == ROLES[0]:
                    leads[key] = best
                made: dict[int, list[Duty]] = {}  # id(how) → its duties, one an entry: a group's members share them
                last = duties = None  # one reach's units come one after the other
                for uid, how in best.items():
                    if lead is not None and uid in lead:
                        continue
                    if how is not last:
                        last, duties = how, made.get(id(how))
                        if duties is None:
                            duties = made[id(how)] = [make_duty(plan, task, entry, role, *how) for entry in run]
                    out[uid].extend(duties)
    return out


def _runs(owns: list[Entry]) -> list[list[Entry]]:
    """A task's entries as they reach units: all at once when they all stand under the task's own
    lists (the common case: the same units the same way, so each unit takes the task's duties at
    once, in entry order), else one by one."""
    if len(owns) > 1 and all(entry.lists is owns[0].lists for entry in owns):
        return [owns]
    return [[entry] for entry in owns]


class _BestOf:
    """unit → (how, clause) by which an entry's lists of one role reach each unit, the strongest
    way first (one tuple for all of one reach's units), for `duties_by_unit`."""

    def __init__(self, plan: Plan, reacher: Reacher, everyone: list[str]) -> None:
        self.plan, self.reacher, self.everyone = plan, reacher, everyone
        self.reaches: dict[str, list] = {}  # name → `_reached`: the same few names recur in every task's lists
        # (id(reach), clause) → (reach, clause), equal ones one tuple: a Reach hashes its Group in
        # Python, so each is hashed once a plan, not once an entry (the reaches live in `reaches`)
        self.hows: dict[tuple[int, str], tuple[Reach, str]] = {}
        self.same: dict[tuple[Reach, str], tuple[Reach, str]] = {}

    def __call__(self, lists, role: str) -> dict[str, tuple[Reach, str]]:
        reaches, hows = self.reaches, self.hows
        best: dict[str, tuple[Reach, str]] = {}
        for list_role, names, clause in lists:
            if list_role != role:
                continue
            for name in names:
                ways = reaches.get(name)
                if ways is None:
                    ways = reaches[name] = _reached(self.plan, self.reacher, name, self.everyone)
                for uids, reach in ways:
                    how = hows.get((id(reach), clause))
                    if how is None:
                        how = hows[id(reach), clause] = self.same.setdefault((reach, clause), (reach, clause))
                    way = reach.way
                    if not best:
                        best = dict.fromkeys(uids, how)
                        continue
                    for uid in uids:
                        found = best.get(uid)
                        if found is None or way < found[0].way:
                            best[uid] = how
        return best


def _reached(plan: Plan, reacher: Reacher, name: str, everyone: list[str]) -> list[tuple[Iterable[str], Reach]]:
    """(unit ids, how) for the units the name reaches, a way at a time; what `Reacher.how` says unit by unit."""
    ref = reacher.ref(name)
    if ref is None:
        return []
    if ref.kind == "unit":
        return [((ref.id,), Reach(Way.DIRECT))]
    group = plan.group_by_id[ref.id]
    members = reacher.members[group.id]
    found: list[tuple[Iterable[str], Reach]] = [
        (members, Reach(Way.EVERYONE if group.everyone or group.kinds else Way.GROUP, group, name))]
    maybe = Reach(Way.POSSIBLY, group, name)
    if reacher.unlisted(group):
        found.append(([uid for uid in everyone if uid not in members], maybe))
    elif group.possibly_kinds:
        kinds = set(group.possibly_kinds)
        found.append(([u.id for u in plan.units if u.kind in kinds and u.id not in members], maybe))
    return found
