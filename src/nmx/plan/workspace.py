"""A workspace: a folder whose `nmx.yaml` lists several plans (the city's, the counties', others).

    plans:
      - path: city            # a plan folder, relative to the workspace
        role: city            # city | county | other
      - path: 金安区
        role: county
        unit: 金安区           # county: a county-kind unit (id or name) of the city plan

Which workspace, if any (`find`): `--workspace`, then `NMX_WORKSPACE`, then an `nmx.yaml` found
upward from the current folder — looked for only when no `--data`/`NMX_DATA` names a plan, and
with nothing but `stat` calls, so a command without a workspace pays nothing for one.
`city_folder` reads just enough of `nmx.yaml` (no pydantic) for commands that use the city plan;
`read` validates the whole file (pydantic, like the plan's files) and `load` the plans it lists.
"""

from __future__ import annotations

from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from nmx.i18n import t
from nmx.lazyclass import dataclass
from nmx.plan.models import model
from nmx.plan.plan import Plan
from nmx.problems import Level, Problem

from nmx.plan.workspace_locate import FILE, _read_bytes, city_folder, find  # noqa: F401  (this module's API)

if TYPE_CHECKING:
    from nmx.plan.pipeline import Result

ROLES = ("city", "county", "other")


@model
class PlanEntry:
    """One plan of the workspace."""

    path: str
    role: Literal["city", "county", "other"]
    unit: str | None = None  # county: the city plan's unit (id or name) whose plan this is
    name: str | None = None  # how rows name the plan (default: the folder's name)


@model
class WorkspaceFile:
    """nmx.yaml: the plans of a workspace."""

    plans: tuple[PlanEntry, ...]


@dataclass(frozen=True)
class Member:
    """A plan of a loaded workspace."""

    label: str
    role: str
    path: Path
    unit: str | None = None  # county: the city plan's unit id
    result: "Result | None" = None  # the plan validated (None: not loaded)

    @property
    def plan(self) -> Plan | None:
        return self.result.plan if self.result is not None else None


@dataclass
class Workspace:
    root: Path
    members: list[Member] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def city(self) -> Member | None:
        return next((m for m in self.members if m.role == "city"), None)


def read(root: Path) -> tuple[WorkspaceFile | None, list[Problem], object]:
    """nmx.yaml validated: (model or None, problems, document)."""
    from nmx.fileio import display
    from nmx.plan.validation import read_document

    doc, found, problems = read_document(_read_bytes(root), display(root / FILE), WorkspaceFile)
    return found, problems, doc


def load(root: Path, plans: bool = True, use_cache: bool = True) -> Workspace:
    """The workspace: nmx.yaml checked (one city, folders that hold plans, county units of the
    city plan, no plan twice) and, with `plans`, each plan validated (their problems kept apart:
    see `nmx.plan.pipeline.load`; here only the workspace file's own problems)."""
    from nmx.plan.pipeline import load as load_one
    from nmx.plan.source import DataSource, is_plan_dir

    ws = Workspace(root)
    found, problems, doc = read(root)
    ws.problems.extend(problems)
    if found is None:
        return ws
    cities = [i for i, e in enumerate(found.plans) if e.role == "city"]
    if not cities:
        ws.problems.append(doc.problem(("plans",), "ws-city", t("ws:no_city")))
    for i in cities[1:]:
        ws.problems.append(doc.problem(("plans", i, "role"), "ws-city", t("ws:two_cities")))
    seen: dict[Path, int] = {}
    usable: list[tuple[int, PlanEntry, Path]] = []
    for i, entry in enumerate(found.plans):
        folder = root / entry.path
        if not folder.is_dir():
            ws.problems.append(doc.problem(("plans", i, "path"), "ws-folder", t("ws:no_folder", path=entry.path)))
            continue
        if not is_plan_dir(folder):
            ws.problems.append(doc.problem(("plans", i, "path"), "ws-folder", t("ws:no_plan", path=entry.path)))
            continue
        real = folder.resolve()
        if real in seen:
            ws.problems.append(doc.problem(("plans", i, "path"), "ws-twice", t("ws:twice", path=entry.path)))
            continue
        seen[real] = i
        if entry.role == "county" and not entry.unit:
            ws.problems.append(doc.problem(("plans", i), "ws-unit", t("ws:county_unit")))
        usable.append((i, entry, folder))
    loaded: dict[int, Result] = {}
    for i, entry, folder in usable:
        if plans or entry.role == "city":
            loaded[i] = load_one(DataSource(folder, "workspace"), use_cache=use_cache)
    city_result = next((loaded.get(i) for i, e, _ in usable if e.role == "city" and i == (cities or [-1])[0]), None)
    city = city_result.plan if city_result is not None else None
    labels: set[str] = set()
    for i, entry, folder in usable:
        unit_id = None
        if entry.role == "county" and entry.unit and city is not None:
            ref = city.resolve(entry.unit)
            if ref is None or ref.kind != "unit":
                ws.problems.append(doc.problem(("plans", i, "unit"), "ws-unit", t("ws:unknown_unit", unit=entry.unit)))
            elif city.unit_by_id[ref.id].kind.value != "county":
                ws.problems.append(doc.problem(("plans", i, "unit"), "ws-unit", t("ws:not_county", unit=entry.unit)))
            else:
                unit_id = ref.id
        label = entry.name or Path(entry.path).name or entry.path
        if label in labels:  # rows name their plan: two plans of one name could not be told apart
            ws.problems.append(doc.problem(("plans", i, "name" if entry.name else "path"), "ws-twice",
                                           t("ws:name_twice", name=label)))
        labels.add(label)
        ws.members.append(Member(label, entry.role, folder, unit_id, loaded.get(i)))
    ws.problems.sort(key=Problem.sort_key)
    return ws


def errors(problems: list[Problem]) -> int:
    return sum(p.level is Level.ERROR for p in problems)
