"""Table (Rich), JSON, CSV and Markdown renderings of a View."""

from __future__ import annotations

import io
import re
from functools import lru_cache
from collections.abc import Iterator
from typing import Any

from nmx.render.formats import Format
from nmx.render.linebreak import display_width
from nmx.views import View, cell_text

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard_formula(text: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_json(payload: Any) -> str:
    """`payload` as `json.dumps(ensure_ascii=False, indent=2)` writes it, byte for byte.

    With an indent the standard library encodes in Python (its C encoder only writes compact
    JSON): some 20 s for the 100,000 rows of a large plan's status. orjson writes the same
    text in C; where the two could differ — a float orjson writes otherwise than Python's repr
    (`1e-7` or `0.00001` for `1e-07`, `1e-05`), an integer beyond 64 bits — the standard
    library writes it (tests/test_json.py).
    """
    from nmx.safetext import json_safe

    return json_safe(_dumps(payload)) + "\n"


#: A number token of indented JSON: alone on its line in a list, or after its key.
_NUMBER = re.compile(r'(?m)(?:^ *|": )(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?),?$')


def _dumps(payload: Any) -> str:
    import orjson

    try:
        text = orjson.dumps(payload, default=_json_default,
                            option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode("utf-8")
    except TypeError:  # an integer beyond 64 bits (or a type neither knows: json says which)
        text = None
    if text is None or not _floats_as_python_writes(text):
        import json

        text = json.dumps(payload, ensure_ascii=False, indent=2, default=_json_default)
    return text


@lru_cache(maxsize=1)
def _writes_large_floats_as_python() -> bool:
    """Whether this orjson writes floats from 1e16 up as Python does (`1e+16`; older ones `1e16`)."""
    import orjson

    return orjson.dumps([1e16, 1.5e300, 1e22]) == b"[1e+16,1.5e+300,1e+22]"


def _floats_as_python_writes(text: str) -> bool:
    """Whether every float orjson wrote is written as Python's repr writes it (`1e-05`, not `0.00001`).

    The two write the same shortest digits and differ only below 1e-4 (orjson `0.00001`,
    `1e-7`; Python `1e-05`, `1e-07`) and, with an older orjson, from 1e16 up (`1e16`), so
    text without `e-` or `0.0000` needs no closer look when the orjson installed writes
    large floats as Python does.
    """
    if "e-" not in text and "0.0000" not in text and _writes_large_floats_as_python():
        return True
    for match in _NUMBER.finditer(text):
        token = match.group(1)
        if token.strip("-").isdigit():
            continue
        if repr(float(token)) != token:
            return False
    return True


def _json_default(value: Any) -> Any:
    if isinstance(value, tuple):  # a NamedTuple: a list, as json writes it
        return list(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def render_json(view: View) -> str | Iterator[str]:
    if view.json_text is not None:
        return iter(view.json_text)
    return to_json(view.json_document())


def render_csv(view: View) -> str:
    import csv

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


def render_table(view: View) -> Any:
    """A `flow.Grid`: columns sized when the screen is known, lines broken where Chinese text
    may break; the title and notes are paragraphs broken the same way."""
    from nmx.render.flow import Grid, GridCol, Para, Stack

    grid = Grid([GridCol(c.label, c.max_width, c.no_wrap, c.items) for c in view.columns],
                _cells(view),
                box=view.show_header, show_header=view.show_header)
    title = [Para(view.title, style="italic")] if view.title else []
    if not view.notes and not title:
        return grid
    return Stack([*title, grid, *(Para(n, style="dim") for n in view.notes)])


def _cells(view: View) -> list[list[str]]:
    """Each row's cells as text, in the columns' order (`View.cell`, without a call per cell
    when a view does not redefine it: a year's deadlines are a million cells)."""
    keys = [c.key for c in view.columns]
    if type(view).cell is not View.cell:
        return [[view.cell(row, key) for key in keys] for row in view.rows]
    return [[v if type(v) is str else cell_text(v) for v in map(row.get, keys)] for row in view.rows]


__all__ = ["guard_formula", "to_json", "cell_text", "display_width"]


def render_facts(view: View) -> str:
    """A view of key/value rows as aligned plain lines (a write command's answer needs no table)."""
    labels = [str(r["key"]) for r in view.rows]
    pad = max(map(display_width, labels), default=0) + 2
    lines = [view.title] if view.title else []
    for label, row in zip(labels, view.rows):
        first, *rest = str(row["value"]).split("\n") or [""]
        lines.append(" " + label + " " * (pad - display_width(label)) + first)
        lines += [" " * (pad + 1) + more for more in rest]
    return "\n".join(lines) + "\n"


RENDERERS = {Format.TABLE: render_table, Format.JSON: render_json, Format.CSV: render_csv, Format.MD: render_md,
             Format.TEXT: render_facts}
