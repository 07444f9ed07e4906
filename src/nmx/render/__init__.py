"""Output formats: one enum, one registry, renderers that return text and never print.

`render(subject, fmt)` is the one way out of a view: a `View` (rows under columns),
checklists, validation problems, a calendar month, a calendar feed or a workbook, each
rendered by the module for its subject. Whatever a renderer builds, `render` returns
`str`, `bytes` or an iterator of `str`; Rich objects never leave this package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from nmx.render.formats import TABULAR, Format  # noqa: F401  (Format is the public name)
from nmx.render.terminal import Screen, Screened, ScreenedLines, screened

Rendered = str | bytes | Iterator[str]


def render(subject: Any, fmt: Format, screen: Callable[[], Screen] = Screen.file) -> Rendered:
    """`subject` in `fmt`; a table is laid out for the `screen` it returns (a file's by default),
    asked only when a table is drawn: finding the terminal's width imports Rich."""
    renderers = _renderers(type(subject).__name__)
    if fmt not in renderers:
        raise ValueError(f"no {fmt.value} renderer for {type(subject).__name__}")  # a bug: the CLI offers only these
    out = renderers[fmt](subject)
    if isinstance(out, (str, bytes, Iterator)):
        return out
    return screened(out, screen())


def formats_of(subject_type: str) -> tuple[Format, ...]:
    """The formats a subject (by class name) can be rendered in, for `--format` help and checks."""
    return tuple(_renderers(subject_type))


def _renderers(subject_type: str) -> dict[Format, Callable[[Any], Any]]:
    match subject_type:
        case "View":
            from nmx.render import tabular as home
        case "Checklists":
            from nmx.render import checklist as home
        case "Problems":
            from nmx.render import problems as home
        case "MonthCalendar":
            from nmx.render import calendar as home
        case "Feed":
            from nmx.render import ics as home
        case "Workbook":
            from nmx.render import xlsx as home
        case "Paper":
            from nmx.render import docx as home
        case "ImportReview":
            from nmx.render import review as home
        case "Notice":
            from nmx.render import notice as home
        case "Reminders":
            from nmx.render import remind as home
        case "SendReport":
            from nmx.render import delivery as home
        case "Receipt":
            from nmx.render import receipt as home
        case _:
            raise TypeError(f"nothing renders a {subject_type}")
    return home.RENDERERS


__all__ = ["TABULAR", "Format", "Rendered", "Screen", "Screened", "ScreenedLines", "formats_of", "render"]
