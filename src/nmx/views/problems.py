"""What `nmx validate` reports: the problems found in a plan folder, and its summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nmx.i18n import t
from nmx.lazyclass import dataclass
from nmx.plan.pipeline import Result
from nmx.problems import Level, Problem

if TYPE_CHECKING:
    from nmx.plan.workspace import Workspace


@dataclass(frozen=True)
class Problems:
    data: str  # the folder checked, as shown
    problems: list[Problem]
    errors: int
    warnings: int
    summary: str
    limit: int = 0  # show at most this many (0 = all); the counts stay exact
    plans: list[dict] | None = None  # a workspace: each plan's name, role, path and counts


def problems_view(result: Result, limit: int = 0) -> Problems:
    return Problems(str(result.source.path), result.problems, result.errors, result.warnings, _summary(result), limit)


def _summary(result: Result) -> str:
    if result.plan is not None and not result.problems:
        plan = result.plan
        return t("valid", path=result.source.path, tasks=len(plan.tasks), units=len(plan.units), groups=len(plan.groups))
    return t("summary", errors=result.errors, warnings=result.warnings)


def workspace_problems_view(ws: "Workspace", limit: int = 0) -> Problems:
    """A workspace's report: nmx.yaml's problems and every plan's (each with its own paths)."""
    from nmx.fileio import display
    from nmx.plan.workspace import FILE

    problems = list(ws.problems)
    plans, lines = [], []
    for m in ws.members:
        found = m.result.problems if m.result is not None else []
        problems.extend(found)
        n_err = sum(p.level is Level.ERROR for p in found)
        n_warn = sum(p.level is Level.WARNING for p in found)
        plans.append({"name": m.label, "role": m.role, "unit": m.unit, "data": display(m.path),
                      "valid": m.plan is not None, "errors": n_err, "warnings": n_warn})
        lines.append(t("ws:plan_summary", name=m.label, role=m.role,
                       summary=_summary(m.result) if m.result is not None else "—"))
    problems.sort(key=Problem.sort_key)
    errors = sum(p.level is Level.ERROR for p in problems)
    warnings = sum(p.level is Level.WARNING for p in problems)
    if not problems:
        overall = t("ws:valid", path=display(ws.root / FILE), n=len(ws.members))
    else:
        overall = t("summary", errors=errors, warnings=warnings)
    return Problems(display(ws.root), problems, errors, warnings, "\n".join([*lines, overall]), limit, plans)
