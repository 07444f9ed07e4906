"""The responsibility matrix: tasks × units (or groups as written), lead or support."""

from __future__ import annotations

from dataclasses import field

from nmx.duties.reach import ROLES, Reacher, Way
from nmx.lazyclass import dataclass
from nmx.plan.plan import Plan

LEAD, SUPPORT = "lead", "support"
POSSIBLY_LEAD, POSSIBLY_SUPPORT = "possibly_lead", "possibly_support"


@dataclass(frozen=True, slots=True)
class Column:
    id: str
    name: str
    kind: str  # "unit" | "group"


@dataclass
class Row:
    task: str
    title: str
    cells: dict[str, str] = field(default_factory=dict)  # column id → LEAD / SUPPORT / POSSIBLY_*


@dataclass
class Matrix:
    expanded: bool
    columns: list[Column]
    rows: list[Row]


def matrix(plan: Plan, expand: bool = False) -> Matrix:
    """The grid. As written: one column per unit or group the lists name (units, then
    groups, in the order of departments.yaml). Expanded: one column per unit of the plan, groups resolved (possibly_* where
    only a group without a member list reaches the unit)."""
    return _expanded(plan) if expand else _as_written(plan)


def _as_written(plan: Plan) -> Matrix:
    columns: dict[str, Column] = {}
    rows = []
    for task in plan.tasks:
        row = Row(task.id, task.title)
        for role in ROLES:
            for name in getattr(task, role):
                ref = plan.resolve(name)
                if ref is None:
                    continue
                if ref.id not in columns:
                    named = plan.unit_by_id[ref.id].name if ref.kind == "unit" else plan.group_by_id[ref.id].name
                    columns[ref.id] = Column(ref.id, named, ref.kind)
                row.cells.setdefault(ref.id, role)  # a name in both lists counts as lead
        rows.append(row)
    order = {u.id: i for i, u in enumerate(plan.units)}
    order.update({g.id: len(order) + i for i, g in enumerate(plan.groups)})
    return Matrix(False, sorted(columns.values(), key=lambda c: order[c.id]), rows)


def _expanded(plan: Plan) -> Matrix:
    reacher = Reacher(plan)
    rows = []
    for task in plan.tasks:
        row = Row(task.id, task.title)
        for unit in plan.units:
            marks = []  # (possibly?, role order, mark): a definite mark beats a possible one
            for order, role in enumerate(ROLES):
                reach = reacher.best(unit.id, getattr(task, role))
                if reach is not None:
                    possibly = reach.way is Way.POSSIBLY
                    marks.append((possibly, order, f"possibly_{role}" if possibly else role))
            if marks:
                row.cells[unit.id] = min(marks)[2]
        rows.append(row)
    return Matrix(True, [Column(u.id, u.name, "unit") for u in plan.units], rows)
