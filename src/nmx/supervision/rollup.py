"""Roll-up: a county plan's records counted towards the county's duty in the city plan.

A county plan (`nmx subplan`) has tasks that `inherit` a city task (`A3`, `M2.1` …) and copy
its schedule entries. A record kept in the county's folder of such a task's dated item (say
its focus month) is, in the city's view, the county's record of the city task's item with the
same schedule id (or, without ids, at the same position) and the same period: the county unit
of the workspace (nmx.yaml `unit:`) did it. Nothing is copied between folders: the merged
state is computed each time, and `origins` says which plan each counted date came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import field

from nmx.lazyclass import dataclass
from nmx.plan.plan import Plan
from nmx.supervision.files import RecordsState
from nmx.supervision.names import Key


@dataclass
class RollUp:
    """The city's records merged with its counties': the state and where each date came from."""

    records: RecordsState
    origins: dict[Key, dict[dt.date, list[str]]] = field(default_factory=dict)  # key → date → plan labels
    plans: list[str] = field(default_factory=list)  # the labels of the plans merged, the city's first

    def sources(self, key: Key, dates) -> list[str]:
        """The plans (labels, without repeats) whose records gave the `dates` counted for `key`."""
        found = self.origins.get(key, {})
        return list(dict.fromkeys(label for d in dates for label in found.get(d, ())))


def mapping(city: Plan, county: Plan) -> dict[tuple[str, int], tuple[str, int]]:
    """(county task, schedule index) → (city task, schedule index) for every inherited dated entry."""
    out: dict[tuple[str, int], tuple[str, int]] = {}
    for task in county.tasks:
        parent = city.task_by_id.get(task.inherits) if task.inherits else None
        if parent is None:
            continue
        ids = {s.id: i for i, s in enumerate(parent.schedules) if getattr(s, "id", None)}
        for i, sched in enumerate(task.schedules):
            sid = getattr(sched, "id", None)
            j = ids.get(sid) if sid else (i if i < len(parent.schedules) else None)
            if j is not None:
                out[(task.id, i)] = (parent.id, j)
    return out


def roll_up(city: Plan, city_label: str, city_records: RecordsState,
            counties: list[tuple[str, str, Plan, RecordsState]]) -> RollUp:
    """The city's records with each county's (label, city unit id, plan, records) mapped onto it."""
    merged = RecordsState()
    origins: dict[Key, dict[dt.date, list[str]]] = {}

    def put(key: Key, day: dt.date, label: str) -> None:
        merged.done[key] = tuple(sorted(merged.done.get(key, ()) + (day,)))
        labels = origins.setdefault(key, {}).setdefault(day, [])
        if label not in labels:
            labels.append(label)

    for key, days in city_records.done.items():
        for day in days:
            put(key, day, city_label)
    merged.count = city_records.count
    for label, unit, plan, records in counties:
        onto = mapping(city, plan)
        for (task, index, period, _who), days in records.done.items():
            target = onto.get((task, index)) if index is not None else None
            if target is None:
                continue
            for day in days:
                put((target[0], target[1], period, unit), day, label)
        merged.count += records.count
    return RollUp(merged, origins, [city_label] + [c[0] for c in counties])


def load_workspace(root) -> tuple[Plan, str, RollUp]:
    """(city plan, its label, the roll-up) of the workspace at `root`: the city's records.yaml
    and every county plan's (each validated against its own plan); DataError when any is invalid."""
    from nmx.errors import DataError
    from nmx.fileio import display
    from nmx.i18n import t
    from nmx.plan.pipeline import load_valid
    from nmx.plan.source import DataSource
    from nmx.plan.workspace import FILE, errors, load
    from nmx.supervision import files
    from nmx.supervision.names import RECORDS

    ws = load(root, plans=False)
    if errors(ws.problems) or ws.city is None or ws.city.plan is None:
        problems = ws.problems + (ws.city.result.problems if ws.city and ws.city.result else [])
        raise DataError(t("ws:invalid", path=display(root / FILE)), problems)
    city = ws.city.plan

    def records_of(plan: Plan, key: str, folder) -> RecordsState:
        path = folder / RECORDS
        state = files.records_state(plan, key, path, files.read(path))
        files.require_valid(state, path, writing=False)
        return state

    own = records_of(city, ws.city.result.key, ws.city.path)  # type: ignore[union-attr]
    counties = []
    for member in ws.members:
        if member.role == "county" and member.unit is not None:
            result = load_valid(DataSource(member.path, "workspace"))
            counties.append((member.label, member.unit, result.plan, records_of(result.plan, result.key, member.path)))
    return city, ws.city.label, roll_up(city, ws.city.label, own, counties)
