"""Validation results as text, JSON and GitHub workflow annotations."""

from __future__ import annotations

from nmx.i18n import t
from nmx.plan.pipeline import Result
from nmx.problems import shown
from nmx.render import Format
from nmx.render.tabular import to_json


def render_problems(result: Result, fmt: Format, limit: int = 0) -> str:
    """The problems found, at most `limit` of them (0 = all); the counts are always exact."""
    problems = result.problems if limit <= 0 else result.problems[:limit]
    omitted = len(result.problems) - len(problems)
    if fmt is Format.JSON:
        return to_json(
            {
                "data": str(result.source.path),
                "valid": result.errors == 0,
                "errors": result.errors,
                "warnings": result.warnings,
                "problems": [p.to_dict() for p in problems],
                "omitted": omitted,
            }
        )
    lines = shown(result.problems, limit)
    if fmt is Format.GITHUB:
        lines = [_annotation(p) for p in problems] + lines
    lines.append(_summary(result))
    return "\n".join(lines) + "\n"


def _summary(result: Result) -> str:
    if result.plan is not None and not result.problems:
        plan = result.plan
        return t("valid", path=result.source.path, tasks=len(plan.tasks), units=len(plan.units), groups=len(plan.groups))
    return t("summary", errors=result.errors, warnings=result.warnings)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation(p) -> str:
    props = ",".join(
        f"{k}={_escape_property(str(v))}"
        for k, v in (("file", p.file), ("line", p.line), ("col", p.col), ("title", p.rule))
    )
    return f"::{p.level.value} {props}::{_escape_data(p.message)}"
