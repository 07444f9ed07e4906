"""Output formats: one enum, one registry, renderers that return text and never print.

Most commands produce a `View` — a titled list of rows with labelled columns plus
the JSON payload scripts rely on — and any tabular format can render it.
Renderers for a single format (ics, html, xlsx …) live in modules of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any

from nmx.views import View


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
