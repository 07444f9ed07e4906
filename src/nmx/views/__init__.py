"""Plain data for one subject each — what a command shows, before any format.

Most commands produce a `View`: a titled list of rows under labelled columns, plus the
JSON payload scripts rely on. Any tabular renderer in `nmx.render` can show it; nothing
here knows how.
"""

from __future__ import annotations

from dataclasses import field
from collections.abc import Iterable
from typing import Any

from nmx.lazyclass import dataclass


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
    kind: str | None = None  # the JSON document's "kind" ("duties/1"): see `envelope`

    def json_document(self) -> Any:
        """The JSON document: the payload (or the rows) inside the envelope when the view has a kind."""
        body = self.payload if self.payload is not None else self.rows
        return {**envelope(self.kind), **body} if self.kind and isinstance(body, dict) else body

    def cell(self, row: dict[str, Any], key: str) -> str:
        return cell_text(row.get(key))


def envelope(kind: str) -> dict[str, str]:
    """The keys every `--format json` document opens with: nmx's version and the document's kind,
    `<subject>/<shape version>` (docs/commands.md, "JSON output")."""
    from nmx import __version__

    return {"nmx": __version__, "kind": kind}


def json_scalar(value: Any) -> str:
    """One JSON scalar, as json.dumps(ensure_ascii=False) writes it: the pieces of a document
    written as text (`nmx deadlines` and `nmx status` in JSON)."""
    kind = type(value)
    if kind is str:
        from json.encoder import encode_basestring

        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    import json

    return json.dumps(value, ensure_ascii=False)


def cell_text(value: Any) -> str:
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "、".join(cell_text(v) for v in value)
    if isinstance(value, bool):
        return "✓" if value else ""
    return str(value)
