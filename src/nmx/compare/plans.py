"""`nmx diff OLD NEW`: what changed between two plans, by meaning rather than by line.

- **Units** are matched by id; a unit of the old plan whose id is gone is *renamed* when a new
  unit lists its name (or full name) in `former_names` (or as any of its names), else *removed*.
  A unit kept under its id with another name is renamed too.
- **Tasks** are matched by id when the text is the same, then by text (an id that moved: the
  annex renumbered), then by id, then by source and title. A matched task's changes: its id,
  title, text, source, note, related tasks, its lead and support lists (compared by what the
  names stand for, through the unit renames: a renamed unit is no change of role), and its
  schedules (matched by their `id`, else by position among the unnamed ones).
- **Groups** by id: added, removed, and those whose members (expanded, through renames) changed.
- **By unit** (`by_unit`): for every unit, the tasks it gained or lost, where its role changed,
  and the tasks it keeps whose text or schedule changed — the 补充通知 an office sends.
- **The plan's metadata** (title, number, year, period …) field by field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import field
from enum import Enum
from typing import Any

from nmx.lazyclass import dataclass
from nmx.plan.models import Task
from nmx.plan.plan import Plan, normalize, unit_names

META_FIELDS = ("title", "doc_number", "issuer", "issuer_short", "year", "period", "timezone", "source_document",
               "note", "channels", "rules", "parent")
TEXT_FIELDS = ("title", "text", "source", "note")
ROLE_ORDER = ("lead", "support", "possibly_lead", "possibly_support")


def plain(value: Any) -> Any:
    """A model value as JSON data (dates as text, enums as their value, tuples as lists)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@dataclass
class Diff:
    old: Plan
    new: Plan
    plan: list[dict] = field(default_factory=list)
    tasks_added: list[dict] = field(default_factory=list)
    tasks_removed: list[dict] = field(default_factory=list)
    tasks_changed: list[dict] = field(default_factory=list)
    units_added: list[dict] = field(default_factory=list)
    units_removed: list[dict] = field(default_factory=list)
    units_renamed: list[dict] = field(default_factory=list)
    groups_added: list[dict] = field(default_factory=list)
    groups_removed: list[dict] = field(default_factory=list)
    groups_changed: list[dict] = field(default_factory=list)
    by_unit: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.plan or self.tasks_added or self.tasks_removed or self.tasks_changed or self.units_added
                    or self.units_removed or self.units_renamed or self.groups_added or self.groups_removed
                    or self.groups_changed)

    def as_json(self, units: set[str] | None = None) -> dict:
        by_unit = {u: c for u, c in self.by_unit.items() if units is None or u in units}
        return {
            "plan": {"changed": self.plan},
            "tasks": {"added": self.tasks_added, "removed": self.tasks_removed, "changed": self.tasks_changed},
            "units": {"added": self.units_added, "removed": self.units_removed, "renamed": self.units_renamed},
            "groups": {"added": self.groups_added, "removed": self.groups_removed, "changed": self.groups_changed},
            "by_unit": by_unit,
        }


# --- units ---------------------------------------------------------------------------------------
def match_units(old: Plan, new: Plan) -> dict[str, str]:
    """Old unit id → new unit id, for every old unit the new plan still has (renamed or not)."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for unit in old.units:
        if unit.id in new.unit_by_id:
            out[unit.id] = unit.id
            taken.add(unit.id)
    for unit in old.units:
        if unit.id in out:
            continue
        names = {normalize(n) for n in (unit.name, unit.full_name)}
        for other in new.units:
            if other.id in taken:
                continue
            if names & {normalize(n) for n in other.former_names} or names & {normalize(n) for n in unit_names(other)}:
                out[unit.id] = other.id
                taken.add(other.id)
                break
    return out


def _units(diff: Diff, umap: dict[str, str]) -> None:
    old, new = diff.old, diff.new
    for unit in old.units:
        if unit.id not in umap:
            diff.units_removed.append({"id": unit.id, "name": unit.name})
            continue
        other = new.unit_by_id[umap[unit.id]]
        if other.name != unit.name or other.id != unit.id:
            diff.units_renamed.append({"from": unit.name, "to": other.name, "from_id": unit.id, "id": other.id,
                                       "former_name": unit.name in other.former_names or unit.full_name in other.former_names})
    kept = set(umap.values())
    diff.units_added = [{"id": u.id, "name": u.name} for u in new.units if u.id not in kept]


# --- tasks ---------------------------------------------------------------------------------------
def match_tasks(old: Plan, new: Plan) -> dict[str, str]:
    """Old task id → new task id: same id and text, then same text, then same id, then same source and title."""
    out: dict[str, str] = {}
    taken: set[str] = set()

    def take(pred) -> None:
        for task in old.tasks:
            if task.id in out:
                continue
            for other in new.tasks:
                if other.id not in taken and pred(task, other):
                    out[task.id] = other.id
                    taken.add(other.id)
                    break

    take(lambda a, b: a.id == b.id and a.text == b.text)
    take(lambda a, b: a.text == b.text)
    take(lambda a, b: a.id == b.id)
    take(lambda a, b: a.source == b.source and a.title == b.title)
    return out


def _refs(plan: Plan, names: tuple[str, ...], umap: dict[str, str] | None) -> dict[tuple[str, str], str]:
    """(kind, id) → the name as written, through `umap` (old unit id → new) when given."""
    out: dict[tuple[str, str], str] = {}
    for name in names:
        ref = plan.resolve(name)
        if ref is None:
            key = ("name", normalize(name))
        elif ref.kind == "unit" and umap is not None:
            key = ("unit", umap.get(ref.id, "old:" + ref.id))
        else:
            key = (ref.kind, ref.id)
        out.setdefault(key, name)
    return out


def _schedules(task: Task) -> dict[str, Any]:
    out: dict[str, Any] = {}
    unnamed = 0
    for sched in task.schedules:
        if sched.id:
            out[sched.id] = sched
        else:
            unnamed += 1
            out[f"#{unnamed}"] = sched
    return out


def schedule_changes(a: Task, b: Task) -> list[dict]:
    old, new = _schedules(a), _schedules(b)
    out: list[dict] = []
    for key in [*old, *(k for k in new if k not in old)]:
        if key not in new:
            out.append({"field": "schedule", "item": key, "change": "removed", "what": old[key].what,
                        "label": old[key].label})
        elif key not in old:
            out.append({"field": "schedule", "item": key, "change": "added", "what": new[key].what,
                        "label": new[key].label})
        else:
            before, after = plain(old[key]), plain(new[key])
            fields = {k: {"from": before.get(k), "to": after.get(k)} for k in {**before, **after}
                      if before.get(k) != after.get(k)}
            if fields:
                out.append({"field": "schedule", "item": key, "change": "changed", "what": new[key].what,
                            "fields": dict(sorted(fields.items()))})
    return out


def task_changes(diff: Diff, a: Task, b: Task, umap: dict[str, str], tmap: dict[str, str]) -> list[dict]:
    out: list[dict] = []
    if a.id != b.id:
        out.append({"field": "id", "from": a.id, "to": b.id})
    for name in TEXT_FIELDS:
        before, after = getattr(a, name), getattr(b, name)
        if before != after:
            out.append({"field": name, "from": before, "to": after})
    for role in ("lead", "support"):
        before = _refs(diff.old, getattr(a, role), umap)
        after = _refs(diff.new, getattr(b, role), None)
        if set(before) != set(after):
            out.append({"field": role, "added": [n for k, n in after.items() if k not in before],
                        "removed": [n for k, n in before.items() if k not in after]})
    related = [tmap.get(r, r) for r in a.related]
    if related != list(b.related):
        out.append({"field": "related", "from": list(a.related), "to": list(b.related)})
    if a.inherits != b.inherits:  # the parent plan's task a local task carries out
        out.append({"field": "inherits", "from": a.inherits, "to": b.inherits})
    out.extend(schedule_changes(a, b))
    return out


def _task_brief(task: Task) -> dict:
    return {"id": task.id, "title": task.title, "source": task.source}


# --- groups --------------------------------------------------------------------------------------
def _groups(diff: Diff, umap: dict[str, str]) -> None:
    old, new = diff.old, diff.new
    for group in old.groups:
        if group.id not in new.group_by_id:
            diff.groups_removed.append({"id": group.id, "name": group.name})
            continue
        before = [umap.get(u, "old:" + u) for u in old.members(group.id)]
        after = new.members(group.id)
        added = [new.unit_by_id[u].name for u in after if u not in before]
        removed = [old.unit_by_id[u].name for u in old.members(group.id) if umap.get(u, "old:" + u) not in after]
        if added or removed:
            diff.groups_changed.append({"id": group.id, "name": new.group_by_id[group.id].name,
                                        "added": added, "removed": removed})
    diff.groups_added = [{"id": g.id, "name": g.name} for g in new.groups if g.id not in old.group_by_id]


# --- by unit -------------------------------------------------------------------------------------
def _roles(plan: Plan) -> dict[str, dict[str, str]]:
    """unit id → task id → the unit's strongest role in the task (lead, support, possibly_…)."""
    from nmx.duties.reach import duties_by_unit

    out: dict[str, dict[str, str]] = {}
    for uid, duties in duties_by_unit(plan).items():
        roles: dict[str, str] = {}
        for d in duties:
            role = ("possibly_" if d.possibly else "") + d.role
            if d.task not in roles or ROLE_ORDER.index(role) < ROLE_ORDER.index(roles[d.task]):
                roles[d.task] = role
        out[uid] = roles
    return out


def _by_unit(diff: Diff, umap: dict[str, str], tmap: dict[str, str], changes: dict[str, list[dict]]) -> None:
    old_roles, new_roles = _roles(diff.old), _roles(diff.new)
    back = {v: k for k, v in umap.items()}
    units = [(u.id, back.get(u.id)) for u in diff.new.units] + [(u.id, u.id) for u in diff.old.units if u.id not in umap]
    for key, old_id in units:
        before = {tmap.get(task, "old:" + task): (task, role) for task, role in old_roles.get(old_id, {}).items()} \
            if old_id is not None else {}
        after = new_roles.get(key, {}) if key in diff.new.unit_by_id and (old_id is None or old_id in umap) else {}
        found: list[dict] = []
        for task in diff.new.tasks:
            if task.id not in after:
                continue
            role = after[task.id]
            if task.id not in before:
                found.append({"task": task.id, "title": task.title, "change": "added", "role": role})
                continue
            old_role = before[task.id][1]
            if old_role != role:
                found.append({"task": task.id, "title": task.title, "change": "role", "from": old_role, "to": role})
            text = [c for c in changes.get(task.id, ()) if c["field"] in TEXT_FIELDS]
            if text:
                found.append({"task": task.id, "title": task.title, "change": "text", "role": role,
                              "fields": [c["field"] for c in text]})
            items = [c for c in changes.get(task.id, ()) if c["field"] == "schedule"]
            if items:
                found.append({"task": task.id, "title": task.title, "change": "schedule", "role": role,
                              "items": items})
        for mapped, (task_id, role) in before.items():
            if mapped not in after:
                task = diff.old.task_by_id[task_id]
                found.append({"task": task_id, "title": task.title, "change": "removed", "role": role})
        if found:
            diff.by_unit[key] = found


# --- all of it -----------------------------------------------------------------------------------
def compare(old: Plan, new: Plan) -> Diff:
    diff = Diff(old, new)
    for name in META_FIELDS:
        before, after = plain(getattr(old.meta, name)), plain(getattr(new.meta, name))
        if before != after:
            diff.plan.append({"field": name, "from": before, "to": after})
    umap = match_units(old, new)
    _units(diff, umap)
    tmap = match_tasks(old, new)
    changes: dict[str, list[dict]] = {}
    for task in old.tasks:
        if task.id not in tmap:
            diff.tasks_removed.append(_task_brief(task))
            continue
        other = new.task_by_id[tmap[task.id]]
        found = task_changes(diff, task, other, umap, tmap)
        if found:
            changes[other.id] = found
            diff.tasks_changed.append({"id": other.id, "title": other.title, "changes": found})
    kept = set(tmap.values())
    diff.tasks_added = [_task_brief(t) for t in new.tasks if t.id not in kept]
    _groups(diff, umap)
    _by_unit(diff, umap, tmap, changes)
    return diff
