"""The validated plan and the name index every command resolves units through."""

from __future__ import annotations

import unicodedata
from dataclasses import field
from typing import NamedTuple

from nmx.lazyclass import dataclass
from nmx.plan.models import Action, DepartmentsFile, Group, PlanMeta, Task, TasksFile, Unit
from nmx.safetext import INVISIBLE


def normalize(name: str) -> str:
    """Fold full-width forms and drop spaces and invisible characters, so '市 交通运输局'
    and '市交通\u200b运输局' find 市交通运输局 (and two units spelt so clash)."""
    folded = "".join(unicodedata.normalize("NFKC", name).split())
    return INVISIBLE.sub("", folded) if not folded.isascii() else folded


class Ref(NamedTuple):
    """What a name stands for. A NamedTuple: the cache unpickles thousands of these."""

    kind: str  # "unit" or "group"
    id: str


@dataclass
class Plan:
    """Both files of a plan, validated, with lookups built once."""

    meta: PlanMeta
    tasks: tuple[Task, ...]
    units: tuple[Unit, ...]
    groups: tuple[Group, ...]
    actions: tuple[Action, ...]
    names: dict[str, Ref] = field(default_factory=dict)  # normalized name → ref
    unit_by_id: dict[str, Unit] = field(default_factory=dict)
    group_by_id: dict[str, Group] = field(default_factory=dict)
    task_by_id: dict[str, Task] = field(default_factory=dict)

    @classmethod
    def build(cls, tasks: TasksFile, departments: DepartmentsFile) -> "Plan":
        plan = cls(tasks.plan, tasks.tasks, departments.units, departments.groups, departments.actions)
        plan.unit_by_id = {u.id: u for u in plan.units}
        plan.group_by_id = {g.id: g for g in plan.groups}
        plan.task_by_id = {tk.id: tk for tk in plan.tasks}
        for unit in plan.units:
            for name in unit_names(unit):
                plan.names.setdefault(normalize(name), Ref("unit", unit.id))
        for group in plan.groups:
            for name in (group.id, group.name, *group.aliases):
                plan.names.setdefault(normalize(name), Ref("group", group.id))
        return plan

    def resolve(self, name: str) -> Ref | None:
        """The unit or group `name` (an id, a name, a full name or an alias) stands for."""
        return self.names.get(normalize(name))

    def members(self, group_id: str, _seen: frozenset[str] = frozenset()) -> list[str]:
        """Unit ids a group reaches, nested groups expanded, in file order."""
        group = self.group_by_id[group_id]
        if group.everyone or group.kinds:
            excluded = {r.id for r in map(self.resolve, group.excluding) if r}
            kinds = set(group.kinds)
            return [u.id for u in self.units if u.id not in excluded and (group.everyone or u.kind in kinds)]
        out: dict[str, None] = {}
        for name in group.members:
            ref = self.resolve(name)
            if ref is None or ref.id in _seen:
                continue
            if ref.kind == "unit":
                out[ref.id] = None
            else:
                out.update(dict.fromkeys(self.members(ref.id, _seen | {group_id})))
        return list(out)

    def expand(self, names: tuple[str, ...]) -> list[str]:
        """Unit ids named by a lead or support list, groups expanded."""
        out: dict[str, None] = {}
        for name in names:
            ref = self.resolve(name)
            if ref is None:
                continue
            out.update(dict.fromkeys([ref.id] if ref.kind == "unit" else self.members(ref.id)))
        return list(out)


def unit_names(unit: Unit) -> tuple[str, ...]:
    """Every name that identifies `unit`: id, plan name, full name, short name, aliases, former names."""
    extra = (unit.short_name,) if unit.short_name else ()
    return (unit.id, unit.name, unit.full_name, *extra, *unit.aliases, *unit.former_names)
