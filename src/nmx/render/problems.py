"""Validation results as text, JSON and GitHub workflow annotations."""

from __future__ import annotations

from nmx.problems import shown
from nmx.render.formats import Format
from nmx.render.tabular import to_json
from nmx.views.problems import Problems


def _shown(report: Problems) -> list:
    return report.problems if report.limit <= 0 else report.problems[: report.limit]


def render_json(report: Problems) -> str:
    problems = _shown(report)
    from nmx.views import envelope

    doc = {
        **envelope("validate/1" if report.plans is None else "validate-workspace/1"),
        "data": report.data,
        "valid": report.errors == 0,
        "errors": report.errors,
        "warnings": report.warnings,
        "problems": [p.to_dict() for p in problems],
        "omitted": len(report.problems) - len(problems),
    }
    if report.plans is not None:
        doc["plans"] = report.plans
    return to_json(doc)


def render_text(report: Problems, annotations: bool = False) -> str:
    """The problems, at most `limit` of them, then the exact counts."""
    lines = shown(report.problems, report.limit)
    if annotations:
        lines = [_annotation(p) for p in _shown(report)] + lines
    return "\n".join([*lines, report.summary]) + "\n"


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


RENDERERS = {
    Format.TEXT: render_text,
    Format.TABLE: render_text,
    Format.JSON: render_json,
    Format.GITHUB: lambda report: render_text(report, annotations=True),
}
