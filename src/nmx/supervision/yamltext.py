"""Adding one list item to a YAML file as text, so comments and hand-written entries stay.

The file is never round-tripped through a YAML dumper. The new item is rendered
on its own (strings in YAML double quotes, every risky character escaped) and
inserted after the last item of its list; the caller then re-parses the result
and checks it says exactly "the old lists plus this item" before writing it.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import Enum

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Fields = list[tuple[str, object]]  # (key, value) in the order they are written; None values are left out

_NULL = "tag:yaml.org,2002:null"


class LayoutError(Exception):
    """The file's layout leaves no safe place to add an item (the caller says so to the user)."""


def quote(text: str) -> str:
    """`text` as a YAML double-quoted scalar that reads back exactly as `text`.

    JSON string syntax is valid YAML; on top of it, characters YAML treats as line
    breaks (U+0085, U+2028, U+2029) or refuses in a stream (C1 controls, DEL, BOM,
    U+FFFE/U+FFFF) are written as escapes.
    """
    body = json.dumps(text, ensure_ascii=False)[1:-1]
    return '"' + "".join(_escape(ch) for ch in body) + '"'


def _escape(ch: str) -> str:
    code = ord(ch)
    if code in (0x7F, 0x85, 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF) or 0x80 <= code <= 0x9F:
        return f"\\u{code:04x}"
    return ch


def scalar(value: object) -> str:
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()  # a YAML timestamp; the loader hands it over as text
    if isinstance(value, str):
        return quote(value)
    raise TypeError(f"cannot write {type(value).__name__}")


def plain(fields: Fields) -> dict[str, object]:
    """What the loader reads back for `fields`: dates and enums as text."""
    out: dict[str, object] = {}
    for key, value in fields:
        if value is None:
            continue
        if isinstance(value, Enum):
            value = value.value
        out[key] = value.isoformat() if isinstance(value, dt.date) else value
    return out


def render_item(fields: Fields, dash_col: int, content_col: int, newline: str = "\n") -> str:
    """A block sequence item, dash at `dash_col`, keys at `content_col`, ending in a newline."""
    lines = []
    for key, value in fields:
        if value is None:
            continue
        lead = " " * dash_col + "-" + " " * (content_col - dash_col - 1) if not lines else " " * content_col
        lines.append(f"{lead}{key}: {scalar(value)}")
    return newline.join(lines) + newline


def render_flow(fields: Fields) -> str:
    return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in fields if v is not None) + "}"


def newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def append_item(text: str, section: str, fields: Fields, header: str = "") -> str:
    """`text` with one item added at the end of the top-level list `section`.

    A missing file or list is started (a new file gets `header` first); `key:` with
    no value or `key: []` becomes a block list; a flow list gets the item before
    its `]`. Raises LayoutError when the structure is not a mapping of lists.
    """
    return append_items(text, section, [fields], header)


def append_items(text: str, section: str, items: list[Fields], header: str = "") -> str:
    """`text` with `items` added, in order, at the end of the top-level list `section`, all at
    the one place `append_item` puts one (the file is composed once, however many there are)."""
    nl = newline_of(text)
    root = _compose(text)
    if root is None:
        body = text if text.strip() else header.replace("\n", nl)
        return _ensure_newline(body, nl) + f"{section}:{nl}" + _block(items, 2, 4, nl)
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        raise LayoutError("top level is not a block mapping")
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == section:
            return _insert(text, key, value, items, nl)
    return _ensure_newline(text, nl) + f"{section}:{nl}" + _block(items, 2, 4, nl)


def _block(items: list[Fields], dash_col: int, content_col: int, nl: str) -> str:
    return "".join(render_item(fields, dash_col, content_col, nl) for fields in items)


def _insert(text: str, key: yaml.Node, value: yaml.Node, items: list[Fields], nl: str) -> str:
    dash = key.start_mark.column + 2
    if isinstance(value, yaml.ScalarNode) and value.tag == _NULL:  # `records:` or `records: ~`
        text = text[: value.start_mark.index] + text[value.end_mark.index:]
        at = _line_end(text, value.start_mark.index, nl)
        return _splice(text, at, _block(items, dash, dash + 2, nl), nl)
    if not isinstance(value, yaml.SequenceNode):
        raise LayoutError("not a list")
    if value.flow_style:
        if not value.value:  # `records: []`
            text = text[: value.start_mark.index] + text[value.end_mark.index:]
            at = _line_end(text, value.start_mark.index, nl)
            return _splice(text, at, _block(items, dash, dash + 2, nl), nl)
        close = text.rindex("]", value.start_mark.index, value.end_mark.index)
        return text[:close].rstrip(" ") + "".join(", " + render_flow(fields) for fields in items) + text[close:]
    first = value.value[0]
    dash = value.start_mark.column
    same_line = first.start_mark.line == value.start_mark.line
    content = first.start_mark.column if same_line and not _is_flow(first) else dash + 2
    return _splice(text, _after_last(text, value, nl), _block(items, dash, content, nl), nl)


def _is_flow(node: yaml.Node) -> bool:
    return isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and bool(node.flow_style)


def _after_last(text: str, seq: yaml.SequenceNode, nl: str) -> int:
    """Offset of the line after the last item of a block list (its last scalar's line)."""
    node: yaml.Node = seq
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style and node.value:
        node = node.value[-1][1] if isinstance(node, yaml.MappingNode) else node.value[-1]
    last = seq.value[-1]
    earlier = seq.value[-2].start_mark.index if len(seq.value) > 1 else -1
    if node.end_mark.index < last.start_mark.index or last.start_mark.index <= earlier:
        return _before_trailing_comments(text, seq.end_mark.index)  # an alias: its marks are its anchor's
    end = node.end_mark.index
    if node.end_mark.column == 0 and end > 0:  # a block scalar ends at the start of the next line
        return end
    return _line_end(text, end, nl)


def _before_trailing_comments(text: str, end: int) -> int:
    """Just after the last content line before `end`, skipping the blank and comment lines."""
    pos = end
    line_start = text.rfind("\n", 0, pos) + 1
    if line_start < pos:  # `end` is inside a line (the file's last line, without a newline)
        part = text[line_start:pos].strip()
        if part and not part.startswith("#"):
            return pos
        pos = line_start
    while pos > 0:
        start = text.rfind("\n", 0, pos - 1) + 1
        line = text[start:pos].strip()
        if line and not line.startswith("#"):
            return pos
        pos = start
    return pos


def _line_end(text: str, at: int, nl: str) -> int:
    """Offset just past the newline that ends the line holding `at` (len(text) on the last line)."""
    found = text.find("\n", at)
    return len(text) if found < 0 else found + 1


def _splice(text: str, at: int, snippet: str, nl: str) -> str:
    head = text[:at]
    if head and not head.endswith("\n"):
        head += nl
    return head + snippet + text[at:]


def _ensure_newline(text: str, nl: str) -> str:
    return text if not text or text.endswith("\n") else text + nl


def _compose(text: str) -> yaml.Node | None:
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    except yaml.YAMLError as exc:
        raise LayoutError(str(exc)) from None
    finally:
        loader.dispose()


def tail_anchor(text: str, key_pos: tuple[int, int], item_pos: tuple[int, int]) -> tuple[int, int] | None:
    """(offset of the last item's line, column of the list's key) for the fast append check.

    `key_pos` and `item_pos` are the loader's 1-based (line, col) of the list's key
    and of its last item. None when the item does not start a block entry line
    `   - ...` of its own (then appends take the full re-parse path).
    """
    lines = text.split("\n")
    line_no, col = item_pos
    if line_no - 1 >= len(lines):
        return None
    line = lines[line_no - 1]
    before = line[: col - 1].rstrip(" ")
    if not before.endswith("-") or before[:-1].strip(" "):
        return None
    offset = sum(len(ln) + 1 for ln in lines[: line_no - 1])
    return offset, key_pos[1] - 1
