"""Clauses and obligations: what the document says, and what someone must do, counted once.

A task of the data is a clause of the document (an annex row, a main task, a requirement)
and each of its schedule entries says one thing to do. The annex often restates a main
task (附件序号2 is 四（三） again): such an entry carries `same_as: M3/special_reports` and
is not an obligation of its own. The obligation is the entry it points to, stated by both
clauses: its `clauses` list the primary task first, its units are the union of what the
clauses assign (each list with its role and clause), and every id a user may type — `A2`,
`A2/special_reports` — resolves to it.

Who owes a count or a dated delivery (`owers`) is the plan's rule `owed-by`, stated in the
data: the lead units of the obligation's clauses, or the entry's `owed_by` where the clause
says who performs the act; never a unit that only "may" be meant (a group whose members the
plan does not list, a kind the group `possibly_kinds` covers), and never a unit delivering
to itself or to the office it sits in (`part_of`).
"""

from __future__ import annotations

from typing import NamedTuple

from nmx.plan.models import Task
from nmx.plan.plan import Plan

Entry = tuple[str, int]  # (task id, schedule index)


class Obligation(NamedTuple):
    task: str                              # the primary clause's task id
    index: int                             # its schedule index
    clauses: tuple[str, ...]               # task ids of every clause stating it, primary first
    lists: tuple[tuple[str, tuple[str, ...], str], ...]  # (role, names as written, clause task id)


class Index:
    """The plan's restatements, and each obligation built when first asked for."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.restatement: dict[Entry, Entry] = {}   # a restating entry → the obligation's entry
        self.extra: dict[Entry, list[tuple[Task, str]]] = {}  # the obligation's entry → (restating task, why)
        self.restated: dict[str, list[tuple[str, str, str]]] = {}  # task id → [(its entry, the other, why)]
        self._built: dict[Entry, Obligation] = {}

    def target(self, entry: Entry) -> Entry:
        """The entry of the obligation `entry` stands for (itself unless it restates another's)."""
        return self.restatement.get(entry, entry)

    def owns(self, entry: Entry) -> bool:
        return entry not in self.restatement

    def get(self, entry: Entry) -> Obligation:
        """The obligation whose entry is `entry` (a primary entry)."""
        found = self._built.get(entry)
        if found is None:
            task = self.plan.task_by_id[entry[0]]
            others = self.extra.get(entry, [])
            clauses = (task.id, *dict.fromkeys(t.id for t, _ in others if t.id != task.id))
            lists = [("lead", task.lead, task.id), ("support", task.support, task.id)]
            for other, _ in others:
                lists += [("lead", other.lead, other.id), ("support", other.support, other.id)]
            found = self._built[entry] = Obligation(task.id, entry[1], clauses, tuple(lists))
        return found


def of(plan: Plan) -> Index:
    """The plan's obligations, indexed once per plan object."""
    found = _INDEXES.get(id(plan))
    if found is None or found[0] is not plan:
        if len(_INDEXES) >= 8:
            _INDEXES.clear()
        found = _INDEXES[id(plan)] = (plan, _build(plan))
    return found[1]


_INDEXES: dict[int, tuple[Plan, Index]] = {}


def entry_ref(task: Task, index: int) -> str:
    """`M3/special_reports` (or `M3/2` for an entry without an id)."""
    sched = task.schedules[index]
    return f"{task.id}/{sched.id if sched.id else index}"


def parse_ref(plan: Plan, ref: str) -> Entry | None:
    """The entry `TASK/ITEM` names, or None."""
    task_id, _, item = ref.partition("/")
    task = plan.task_by_id.get(task_id)
    if task is None or not item:
        return None
    for i, sched in enumerate(task.schedules):
        if sched.id == item or str(i) == item:
            return task.id, i
    return None


def _build(plan: Plan) -> Index:
    index = Index(plan)
    for task in plan.tasks:
        for i, sched in enumerate(task.schedules):
            if not sched.same_as:
                continue
            target = parse_ref(plan, sched.same_as)
            if target is None or target == (task.id, i) or plan.task_by_id[target[0]].schedules[target[1]].same_as:
                continue  # validation reports a dangling or chained same_as; the entry stays its own
            index.restatement[(task.id, i)] = target
            index.extra.setdefault(target, []).append((task, sched.why or ""))
            index.restated.setdefault(task.id, []).append((entry_ref(task, i), sched.same_as, sched.why or ""))
            index.restated.setdefault(target[0], []).append((sched.same_as, entry_ref(task, i), sched.why or ""))
    return index


def obligation(plan: Plan, task_id: str, index: int) -> Obligation:
    """The obligation the entry (primary or a restatement) stands for."""
    found = of(plan)
    return found.get(found.target((task_id, index)))


def names(ob: Obligation, role: str) -> tuple[str, ...]:
    """Every name the obligation's clauses write in `role`, in clause order, without repeats."""
    return tuple(dict.fromkeys(n for r, ns, _ in ob.lists if r == role for n in ns))
