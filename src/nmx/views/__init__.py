"""Plain data for one subject each — what a command shows, before any format.

Most commands produce a `View`: a titled list of rows under labelled columns, plus the
JSON payload scripts rely on. Any tabular renderer in `nmx.render` can show it; nothing
here knows how.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Iterable
from typing import Any


@dataclass
class Column:
    key: str
    label: str
    max_width: int | None = None  # in terminal cells; longer text wraps
    no_wrap: bool = False  # dates, ids, counts: each line of a cell is never broken
    items: bool = False  # a 、-joined list of names: broken between names, each whole when it fits


@dataclass
class View:
    """What a command shows: rows under labelled columns, and the JSON for scripts."""

    columns: list[Column]
    rows: list[dict[str, Any]]
    payload: Any = None  # the JSON document; defaults to the rows
    title: str | None = None
    show_header: bool = True
    notes: list[str] = field(default_factory=list)  # shown under the table and in Markdown
    json_text: Iterable[str] | None = None  # the JSON document as text pieces, for one too large to build whole

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
