"""Output formats: one enum, one registry, renderers that return text and never print.

Most commands produce a `View` — a titled list of rows with labelled columns plus
the JSON payload scripts rely on — and any tabular format can render it.
Renderers for a single format (ics, html, xlsx …) live in modules of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Format(str, Enum):
    TABLE = "table"
    TEXT = "text"
    JSON = "json"
    CSV = "csv"
    MD = "md"
    GITHUB = "github"
    ICS = "ics"
    HTML = "html"
    XLSX = "xlsx"


TABULAR = (Format.TABLE, Format.JSON, Format.CSV, Format.MD)


@dataclass
class Column:
    key: str
    label: str
    max_width: int | None = None  # in terminal cells; longer text wraps
    no_wrap: bool = False


@dataclass
class View:
    """What a command shows: rows under labelled columns, and the JSON for scripts."""

    columns: list[Column]
    rows: list[dict[str, Any]]
    payload: Any = None  # the JSON document; defaults to the rows
    title: str | None = None
    show_header: bool = True
    notes: list[str] = field(default_factory=list)  # shown under the table and in Markdown

    def cell(self, row: dict[str, Any], key: str) -> str:
        return cell_text(row.get(key))


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "、".join(cell_text(v) for v in value)
    if isinstance(value, bool):
        return "✓" if value else ""
    return str(value)


Renderer = Callable[[View], Any]
RENDERERS: dict[Format, Renderer] = {}


def renderer(fmt: Format) -> Callable[[Renderer], Renderer]:
    def register(fn: Renderer) -> Renderer:
        RENDERERS[fmt] = fn
        return fn

    return register


def render(view: View, fmt: Format) -> Any:
    """`view` in `fmt`: a string, bytes, or a Rich renderable for the terminal."""
    from nmx.render import tabular  # noqa: F401  registers the tabular renderers

    return RENDERERS[fmt](view)
