"""What `nmx validate` reports: the problems found in a plan folder, and its summary."""

from __future__ import annotations

from dataclasses import dataclass

from nmx.i18n import t
from nmx.plan.pipeline import Result
from nmx.problems import Problem


@dataclass(frozen=True)
class Problems:
    data: str  # the folder checked, as shown
    problems: list[Problem]
    errors: int
    warnings: int
    summary: str
    limit: int = 0  # show at most this many (0 = all); the counts stay exact


def problems_view(result: Result, limit: int = 0) -> Problems:
    return Problems(str(result.source.path), result.problems, result.errors, result.warnings, _summary(result), limit)


def _summary(result: Result) -> str:
    if result.plan is not None and not result.problems:
        plan = result.plan
        return t("valid", path=result.source.path, tasks=len(plan.tasks), units=len(plan.units), groups=len(plan.groups))
    return t("summary", errors=result.errors, warnings=result.warnings)
