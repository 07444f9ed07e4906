"""Terminal tables and paragraphs that break lines where Chinese text may break (`linebreak`).

Rich sizes a table's columns by itself and, when the screen is narrow, cuts any of them —
dates, counts and ids included — and folds Chinese text at any character. `Grid` decides the
columns' widths instead, when the screen's width is known (at layout time):

1. each column gets its natural width, capped at its `max_width`, but never narrower than its
   widest unbreakable piece (a date, an id, a count, a unit name when it can);
2. on a narrow screen the widest free-text columns give way first, a prose column down to
   `PROSE_KEEP` cells (or its widest piece), a list of names down to its widest name;
3. if even that does not fit, the columns sit closer (one space apart, no margin);
4. and if that does not fit either, each row is shown as `label：value` lines.

Cells are broken into lines here (`linebreak.wrap`) and handed to Rich as lines that fit.
`Para` does the same for a line of prose (a title, a note). Data text still enters Rich
only through `terminal.text`.

Without styles (a file, a pipe, NO_COLOR) the same layout is written as plain lines by
`plain_lines`, row by row, without Rich: the lines Rich would print for these tables and
paragraphs, byte for byte (tests/test_flow_plain.py compares the two), at a fraction of the
cost for a long table (Rich lays out every cell of a 10,000-row table as segments).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import field
from functools import lru_cache
from typing import Any

from nmx.lazyclass import dataclass
from nmx.render import linebreak
from nmx.safetext import for_terminal

ITEM_WHOLE = 20  # a name in a list up to this wide (ten Chinese characters) is never broken
PROSE_KEEP = 12  # a prose column stays this wide while others can give way


@lru_cache(maxsize=1 << 16)
def _cell_len(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


@lru_cache(maxsize=1 << 16)
def _min_width(text: str, items: bool) -> int:
    return linebreak.min_width(text, items=items, measure=_cell_len)


@lru_cache(maxsize=1 << 16)
def _piece_min(text: str) -> int:
    return linebreak.min_width(text, measure=_cell_len)


@lru_cache(maxsize=1 << 16)
def _natural(text: str) -> int:
    return max((_cell_len(line) for line in text.split("\n")), default=0)


@lru_cache(maxsize=1 << 16)
def wrap(text: str, width: int, items: bool = False) -> tuple[str, ...]:
    """`text` broken into lines of at most `width` cells; each distinct cell is broken once
    (a year of deadlines repeats the same task texts and unit lists thousands of times)."""
    return tuple(linebreak.wrap(text, width, items=items, measure=_cell_len))


@dataclass(frozen=True)
class GridCol:
    label: str
    max_width: int | None = None  # the natural width is capped here (never below the widest piece)
    no_wrap: bool = False  # each line of a cell is one piece: a date, an id, a count
    items: bool = False  # a 、-joined list (unit names): break between items when they fit
    justify: str = "left"


@dataclass
class Grid:
    """A table laid out at render time (see the module's docstring)."""

    columns: Sequence[GridCol]
    rows: list[list[str]]
    box: bool = True
    show_header: bool = True
    end_section: list[bool] = field(default_factory=list)  # a rule under these rows

    def __post_init__(self) -> None:
        safe = _Memo(for_terminal).__getitem__  # each distinct text escaped once
        self.rows = [list(map(safe, row)) for row in self.rows]
        self._labels = [for_terminal(c.label) for c in self.columns]

    # --- widths ----------------------------------------------------------------------------
    def _spans(self) -> list[tuple[int, int, int]]:
        """(floor, preferred, keep) for each column. `floor`: its widest piece — for a list, its
        widest name too (up to `ITEM_WHOLE`); `keep`: the narrowest it gets (a prose column
        `PROSE_KEEP` wide, a header unbroken)."""
        spans = []
        for n, col in enumerate(self.columns):
            cells = list({row[n]: None for row in self.rows})  # each distinct text once, in order
            head = _natural(self._labels[n]) if self.show_header else 0
            natural = max(head, max(map(_natural, cells), default=0), 0)
            if col.no_wrap:
                spans.append((natural, natural, natural))
                continue
            floor = max((_piece_min(c) for c in cells + [self._labels[n]]), default=0)
            if col.items:
                floor = max(floor, min(max((_min_width(c, True) for c in cells), default=0), ITEM_WHOLE))
            cap = col.max_width if col.max_width is not None else natural
            preferred = max(min(natural, cap), floor)
            keep = max(floor, min(preferred, max(PROSE_KEEP, head)))
            spans.append((floor, preferred, keep))
        return spans

    def _overhead(self, compact: bool) -> int:
        n = len(self.columns)
        if compact:
            return n + (n - 1 if self.box else 0)
        return 2 * n + ((2 + n - 1) if self.box else 0)

    def widths(self, max_width: int) -> tuple[bool, list[int]] | None:
        """(compact, widths) that fit `max_width`, or None: show the rows as records."""
        spans = self._spans()
        for compact in (False, True):
            room = max_width - self._overhead(compact)
            widths = _fit(spans, room, [c.no_wrap for c in self.columns])
            if widths is not None:
                return compact, widths
        return None

    # --- Rich ---------------------------------------------------------------------------------
    def __rich_console__(self, console: Any, options: Any) -> Any:
        layout = self.widths(options.max_width)
        if layout is None:
            yield from self._records(options.max_width)
            return
        yield self._table(*layout)

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        return Measurement(1, options.max_width)

    def _table(self, compact: bool, widths: list[int]) -> Any:
        from rich import box as rbox
        from rich.table import Table

        from nmx.render.terminal import text

        table = Table(box=rbox.SIMPLE_HEAD if self.box else None, show_header=self.show_header,
                      show_edge=not compact, padding=(0, 1, 0, 0) if compact else (0, 1))
        for col, label, width in zip(self.columns, self._labels, widths):
            table.add_column(text("\n".join(wrap(label, width))), width=width, no_wrap=True, overflow="crop",
                             justify=col.justify)  # type: ignore[arg-type]
        for r, row in enumerate(self.rows):
            cells = [text("\n".join(wrap(cell, width, col.items))) for cell, col, width in zip(row, self.columns, widths)]
            table.add_row(*cells, end_section=r < len(self.end_section) and self.end_section[r])
        return table

    def plain_lines(self, max_width: int) -> Iterator[str] | None:
        """The lines Rich prints for this grid without styles (right-stripped), a row's lines
        at a time (joined by newlines); None when a line would not fit (Rich then lays it out)."""
        layout = self.widths(max_width)
        if layout is None:
            return self._plain_records(max_width)
        return self._plain_table(*layout, max_width)

    def _plain_table(self, compact: bool, widths: list[int], max_width: int) -> Iterator[str] | None:
        from rich.cells import set_cell_size

        edge = not compact and self.box
        left, right = (0, 1) if compact else (1, 1)
        sep = " " if self.box else ""
        total = sum(widths) + (left + right) * len(widths) + len(sep) * (len(widths) - 1) + (2 if edge else 0)
        if total > max_width:
            return None

        def padder(n: int, label: bool = False) -> _Memo:
            """Column `n`'s cells as their lines, padded: each distinct cell laid out once."""
            col, width = self.columns[n], widths[n]
            return _Memo(lambda text: tuple(
                " " * left + _justify(piece, width, col.justify, set_cell_size) + " " * right
                for piece in wrap(text, width, col.items and not label)))

        blank = [" " * (left + width + right) for width in widths]
        before, after = (" ", " ") if edge else ("", "")

        def line(cells: list[tuple[str, ...]]) -> str:
            """One row's lines, as one text."""
            height = max(map(len, cells), default=1)
            if height > 1:  # every column as tall as the tallest, then the lines across
                cells = [c + (blank[n],) * (height - len(c)) if len(c) < height else c for n, c in enumerate(cells)]
            elif all(cells):
                return (before + sep.join([c[0] for c in cells]) + after).rstrip()
            else:
                cells = [c or (blank[n],) for n, c in enumerate(cells)]
            return "\n".join([(before + text + after).rstrip() for text in map(sep.join, zip(*cells))])

        def lines() -> Iterator[str]:
            if edge:
                yield ""
            if self.show_header:
                yield line([padder(n, True)[label] for n, label in enumerate(self._labels)])
                if self.box:
                    rule = "─" * (total - (2 if edge else 0))
                    yield (" " + rule) if edge else rule
            columns = [padder(n) for n in range(len(widths))]
            lookup = dict.__getitem__
            for r, row in enumerate(self.rows):
                yield line(list(map(lookup, columns, row)))
                if r < len(self.end_section) and self.end_section[r] and self.box and r < len(self.rows) - 1:
                    yield ""
            if edge:
                yield ""

        return lines()

    def _plain_records(self, max_width: int) -> Iterator[str] | None:
        pad = max((_cell_len(label) for label in self._labels), default=0)
        if pad + 3 > max_width:
            return None
        heads = [label + " " * (pad - _cell_len(label)) + "：" for label in self._labels]
        indent = " " * (pad + 2)
        blocks: dict[tuple[str, int], str] = {}  # (cell, column) → its lines under its label

        def block(cell: str, n: int) -> str:
            found = blocks.get((cell, n))
            if found is None:
                first, *more = wrap(cell, max(max_width - pad - 2, 1), self.columns[n].items)
                found = blocks[(cell, n)] = "\n".join([(heads[n] + first).rstrip(),
                                                        *((indent + line).rstrip() for line in more)])
            return found

        def lines() -> Iterator[str]:
            columns = range(len(self.columns))
            for r, row in enumerate(self.rows):
                text = "\n".join([block(row[n], n) for n in columns if row[n]])
                if r:
                    yield "\n" + text if text else ""
                elif text:
                    yield text

        return lines()

    def _records(self, max_width: int) -> Any:
        """Each row as `label：value` lines, the value's later lines under its first."""
        from nmx.render.terminal import text

        pad = max((_cell_len(label) for label in self._labels), default=0)
        for r, row in enumerate(self.rows):
            if r:
                yield text("")
            for label, cell, col in zip(self._labels, row, self.columns):
                if not cell:
                    continue
                head = label + " " * (pad - _cell_len(label)) + "："
                lines = wrap(cell, max(max_width - pad - 2, 1), col.items)
                yield text(head + lines[0])
                for more in lines[1:]:
                    yield text(" " * (pad + 2) + more)


class _Memo(dict):
    """`memo[key]` is `make(key)`, made once per distinct key (a dict lookup after that)."""

    def __init__(self, make: Any) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.make(key)
        return value


def _justify(piece: str, width: int, justify: str, set_cell_size) -> str:
    """`piece` in `width` cells as Rich pads (or crops) a cell's line."""
    size = _cell_len(piece)
    if size >= width:
        return set_cell_size(piece, width)
    room = width - size
    if justify == "right":
        return " " * room + piece
    if justify == "center":
        return " " * (room // 2) + piece + " " * (room - room // 2)
    return piece + " " * room


def _fit(spans: list[tuple[int, int, int]], room: int, fixed: list[bool]) -> list[int] | None:
    """Widths within `room`: the preferred widths, the widest free columns giving way first,
    none below what it keeps; None when that is not enough."""
    widths = [preferred for _, preferred, _ in spans]
    excess = sum(widths) - room
    while excess > 0:
        slack = [(w, n) for n, (w, span) in enumerate(zip(widths, spans)) if not fixed[n] and w > span[2]]
        if not slack:
            return None
        _, n = max(slack)
        widths[n] -= 1
        excess -= 1
    return widths


@dataclass
class Para:
    """A line of prose (a title, a note) broken where Chinese text may break."""

    value: str
    style: str | None = None

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from nmx.render.terminal import text

        value = for_terminal(self.value)
        for line in wrap(value, options.max_width) if value else [""]:
            yield text(line, style=self.style)

    def plain_lines(self, max_width: int) -> Iterator[str]:
        value = for_terminal(self.value)
        return iter([line.rstrip() for line in wrap(value, max_width)] if value else [""])

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        value = for_terminal(self.value)
        return Measurement(min(_piece_min(value), options.max_width), min(_natural(value), options.max_width))


@dataclass
class Stack:
    """Paragraphs and grids one under the other (Rich's `Group`, with a plain-text layout)."""

    parts: Sequence[Any]

    def __rich_console__(self, console: Any, options: Any) -> Any:
        yield from self.parts

    def plain_lines(self, max_width: int) -> Iterator[str] | None:
        from itertools import chain

        pieces = [p.plain_lines(max_width) if hasattr(p, "plain_lines") else None for p in self.parts]
        return None if any(p is None for p in pieces) else chain.from_iterable(pieces)
