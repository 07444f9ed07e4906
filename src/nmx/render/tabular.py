"""Table (Rich), JSON, CSV and Markdown renderings of a View."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from nmx.render import Format, renderer
from nmx.views import View, cell_text

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard_formula(text: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_json(payload: Any) -> str:
    from nmx.safetext import json_safe

    return json_safe(json.dumps(payload, ensure_ascii=False, indent=2, default=_json_default)) + "\n"


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


@renderer(Format.JSON)
def render_json(view: View) -> str:
    return to_json(view.payload if view.payload is not None else view.rows)


@renderer(Format.CSV)
def render_csv(view: View) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([guard_formula(c.label) for c in view.columns])
    for row in view.rows:
        writer.writerow([guard_formula(view.cell(row, c.key)) for c in view.columns])
    return buf.getvalue()


_MD_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def md_entities(text: str) -> str:
    """`&`, `<` and `>` as entities: no text from the data becomes HTML in a rendered Markdown page."""
    return text.translate(_MD_ENTITIES)


def _md_escape(text: str) -> str:
    return md_entities(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


@renderer(Format.MD)
def render_md(view: View) -> str:
    lines = []
    if view.title:
        lines += [f"## {_md_escape(view.title)}", ""]
    lines.append("| " + " | ".join(_md_escape(c.label) for c in view.columns) + " |")
    lines.append("|" + "|".join(" --- " for _ in view.columns) + "|")
    for row in view.rows:
        lines.append("| " + " | ".join(_md_escape(view.cell(row, c.key)) for c in view.columns) + " |")
    if view.notes:
        lines.append("")
        lines += [f"> {_md_escape(n)}" for n in view.notes]
    return "\n".join(lines) + "\n"


@renderer(Format.TABLE)
def render_table(view: View) -> Any:
    from rich import box
    from rich.console import Group
    from rich.table import Table

    from nmx.render.terminal import text as Text

    # The title is a line of its own: as Table(title=…) Rich would wrap it to the table's
    # width, which for a narrow table (few rows, short cells) splits it over several lines.
    table = Table(box=box.SIMPLE_HEAD if view.show_header else None, show_header=view.show_header)
    for col in view.columns:
        table.add_column(Text(col.label), max_width=col.max_width, no_wrap=col.no_wrap, overflow="fold")
    for row in view.rows:
        table.add_row(*(Text(view.cell(row, c.key)) for c in view.columns))
    title = [Text(view.title, style="italic")] if view.title else []
    if not view.notes and not title:
        return table
    return Group(*title, table, *(Text(n, style="dim") for n in view.notes))


__all__ = ["guard_formula", "to_json", "cell_text"]
