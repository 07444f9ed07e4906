"""How a county plan covers the city obligations that reach the county (`nmx coverage`).

Each city obligation reaching the county (`duties_for`: a task, or one schedule entry of it) is

- `covered`: a county task `inherits` it, with a local lead (no `needs_review` placeholder) and a
  schedule no looser — over the plan period as many dated items or more, each deadline no later;
- `looser`: inherited, but with fewer occurrences, a later deadline, no schedule, or only a
  placeholder lead (`how` lists which);
- `missing`: no county task inherits it.

County tasks whose `inherits` names no city task are `dangling`.
"""

from __future__ import annotations

from dataclasses import field

from nmx.lazyclass import dataclass
from nmx.plan.models import Unit
from nmx.plan.plan import Plan

STATUSES = ("covered", "looser", "missing", "dangling")


@dataclass
class Row:
    status: str
    city_task: str | None
    index: int | None
    title: str
    role: str | None
    county_tasks: list[str] = field(default_factory=list)
    at: str | None = None  # the county task carrying the matching schedule (where validate points)
    entry: str = ""  # the city entry as the plan names it: "M2/report", "R5#1"; the task id when unscheduled
    how: list[str] = field(default_factory=list)  # looser: "fewer", "later", "no-schedule", "placeholder-lead"
    city_count: int = 0
    county_count: int = 0

    def as_json(self) -> dict:
        return {"status": self.status, "city_task": self.city_task, "index": self.index, "entry": self.entry,
                "title": self.title,
                "role": self.role, "county_tasks": self.county_tasks, "how": self.how,
                "city_items": self.city_count, "county_items": self.county_count}


@dataclass
class Coverage:
    county: Unit
    rows: list[Row]

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(r.status == s for r in self.rows) for s in STATUSES}

    @property
    def complete(self) -> bool:
        return all(r.status == "covered" for r in self.rows)


def _placeholder(plan: Plan, task) -> bool:
    """The lead is missing or only units (or groups) still marked needs_review."""
    if not task.lead:
        return True
    for name in task.lead:
        ref = plan.resolve(name)
        if ref is None:
            continue
        item = plan.unit_by_id.get(ref.id) if ref.kind == "unit" else None
        if item is None or item.needs_review is None:
            return False
    return True


def _items_of(plan: Plan, task_id: str, index: int) -> list:
    """The dated items of one schedule entry (a restated one: those of the entry it restates)."""
    from nmx.plan import obligations
    from nmx.schedule.engine import task_items

    owner, at = obligations.of(plan).target((task_id, index))
    return [i for i in task_items(plan, plan.task_by_id[owner]) if i.index == at]


def _matches(city_sched, sched) -> bool:
    """A county schedule entry standing for the city's: same kind, and same id when both have one."""
    if sched.kind != city_sched.kind:
        return False
    return city_sched.id is None or sched.id is None or sched.id == city_sched.id


def _compare(row: "Row", city: Plan, county_plan: Plan, duty, mine: list) -> None:
    if duty.index is None:  # a task without schedules: only its lead to check
        carriers = mine
    else:
        city_sched = city.task_by_id[duty.task].schedules[duty.index]
        wanted = _items_of(city, duty.task, duty.index)
        entries = [(t, i) for t in mine for i, s in enumerate(t.schedules) if _matches(city_sched, s)]
        carriers = list(dict.fromkeys(t for t, _ in entries)) or mine
        from nmx.plan import obligations

        found = obligations.of(county_plan)
        primaries = dict.fromkeys(found.target((t.id, i)) for t, i in entries)  # a restated entry counts once
        got = [item for task_id, i in primaries for item in _items_of(county_plan, task_id, i)]
        row.city_count, row.county_count = len(wanted), len(got)
        if not entries:
            row.how.append("no-schedule")
        else:
            amount = lambda found: sum(i.count or 1 for i in found)  # noqa: E731
            if len(got) < len(wanted) or amount(got) < amount(wanted):
                row.how.append("fewer")
            else:  # as many: the n-th county date no later than the n-th city one (fewer says enough)
                due = sorted(i.due for i in wanted)
                if any(g > w for g, w in zip(sorted(i.due for i in got), due)):
                    row.how.append("later")
    row.at = carriers[0].id
    if all(_placeholder(county_plan, t) for t in carriers):
        row.how.insert(0, "placeholder-lead")
    row.status = "looser" if row.how else "covered"


def _entry_name(plan: Plan, task_id: str, index: int | None) -> str:
    if index is None:
        return task_id
    sched = plan.task_by_id[task_id].schedules[index]
    return f"{task_id}/{sched.id}" if sched.id else f"{task_id}#{index + 1}"


def coverage(city: Plan, county_plan: Plan, county: Unit) -> Coverage:
    """Every city obligation reaching `county`, in city plan order, then the dangling county tasks."""
    from nmx.duties.reach import duties_for

    by_parent: dict[str, list] = {}
    dangling: list[Row] = []
    for task in county_plan.tasks:
        if task.inherits is None:
            continue
        if task.inherits not in city.task_by_id:
            dangling.append(Row("dangling", task.inherits, None, task.title, None, [task.id], entry=task.inherits))
            continue
        by_parent.setdefault(task.inherits, []).append(task)
    rows: list[Row] = []
    seen: set[tuple[str, int | None]] = set()
    for duty in duties_for(city, county):
        key = (duty.task, duty.index)
        if key in seen:
            continue
        seen.add(key)
        mine = by_parent.get(duty.task, [])
        row = Row("missing", duty.task, duty.index, duty.title, duty.role, [t.id for t in mine])
        row.entry = _entry_name(city, duty.task, duty.index)
        rows.append(row)
        if mine:
            _compare(row, city, county_plan, duty, mine)
    order = {t.id: i for i, t in enumerate(city.tasks)}
    rows.sort(key=lambda r: (order[r.city_task], -1 if r.index is None else r.index))
    return Coverage(county, rows + dangling)


def workspace_coverage(ws, county: str | None = None) -> list[tuple[object, Coverage]]:
    """(member, coverage) for each county plan of the workspace (or the one of unit `county`)."""
    from nmx.errors import UsageError
    from nmx.i18n import t

    city = ws.city.plan if ws.city is not None else None
    if city is None:
        raise UsageError(t("cov:no_city"))
    out = []
    for m in ws.members:
        if m.role != "county" or m.unit is None:
            continue
        unit = city.unit_by_id[m.unit]
        if county is not None:
            ref = city.resolve(county)
            if (ref is None or ref.id != m.unit) and county not in (m.label, unit.name, unit.short_name):
                continue
        if m.plan is None:
            from nmx.errors import DataError
            from nmx.fileio import display

            raise DataError(t("cov:invalid_plan", name=m.label, path=display(m.path)),
                            m.result.problems if m.result is not None else [])
        out.append((m, coverage(city, m.plan, unit)))
    if not out:
        raise UsageError(t("cov:no_county", name=county or "—"))
    return out


def problems(member, cov: Coverage) -> list:
    """What `nmx validate --workspace` reports of a county plan's coverage: a dangling `inherits`
    is an error (`cov-dangling`), looser or missing coverage a warning (`cov-looser`, `cov-missing`)."""
    from nmx.fileio import display
    from nmx.i18n import t
    from nmx.problems import Level, Problem

    path = member.path / "tasks.yaml"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeError):
        lines = []

    def line_of(task_id: str, key: str = "id") -> tuple[int, int]:
        at = next((n for n, text in enumerate(lines) if text.strip().lstrip("- ") in (f"id: {task_id}",
                                                                                      f"id: '{task_id}'")), None)
        if at is None:
            return 1, 1
        if key != "id":
            for n in range(at, min(at + 40, len(lines))):
                if lines[n].strip().startswith(f"{key}:"):
                    return n + 1, lines[n].index(key) + 1
        return at + 1, lines[at].index("id") + 1

    name = display(path)
    out = []
    for r in cov.rows:
        if r.status == "dangling":
            line, col = line_of(r.county_tasks[0], "inherits")
            out.append(Problem(name, line, col, Level.ERROR, "cov-dangling", t("cov:dangling", id=r.city_task),
                               f"tasks[{r.county_tasks[0]}].inherits"))
        elif r.status == "looser":
            line, col = line_of(r.at or r.county_tasks[0])
            how = "；".join(t(f"cov:how_{h}") for h in r.how)
            out.append(Problem(name, line, col, Level.WARNING, "cov-looser", t("cov:looser", task=r.entry, how=how),
                               f"tasks[{r.at or r.county_tasks[0]}]"))
        elif r.status == "missing":
            out.append(Problem(name, 1, 1, Level.WARNING, "cov-missing", t("cov:missing", task=r.entry, title=r.title)))
    return out


def workspace_problems(ws) -> list:
    """Every county plan's coverage problems: of those that name a parent (`plan.parent`, as
    `nmx subplan` writes it) — a county plan of its own making is not checked; none when the city
    plan is not usable."""
    if ws.city is None or ws.city.plan is None:
        return []
    out = []
    for m in ws.members:
        if m.role == "county" and m.unit is not None and m.plan is not None and m.plan.meta.parent is not None:
            out.extend(problems(m, coverage(ws.city.plan, m.plan, ws.city.plan.unit_by_id[m.unit])))
    return out
