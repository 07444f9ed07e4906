"""Excel workbooks with XlsxWriter: Chinese-aware column widths, guarded text, same bytes every run.

One small helper every xlsx output uses (`nmx checklist`, `nmx export xlsx`, `nmx status`):
describe each sheet as a `Sheet` of columns and rows, then `workbook_bytes(...)`.

- Widths count East-Asian wide characters as 2 (XlsxWriter's autofit counts them as 1
  and leaves Chinese columns half as wide as they need to be); long text wraps.
- Text is always written with `write_string`, so a title such as `=1+1` stays text. Text
  that starts like a formula (`=`, `+`, `-`, `@`, tab, CR) also gets Excel's own
  "quote prefix" cell style: Excel shows the value unchanged, without an apostrophe, and
  keeps it text when someone edits the cell. The value itself is not altered (unlike CSV,
  which has no cell types and so gets a leading `'` in the data).
- Output is reproducible: the document's created date is a parameter (callers pass a date
  taken from the plan), and XlsxWriter stamps every zip member with a fixed 1980 date.
- Each sheet's rows are read once (`table_of`): every distinct value is measured and styled
  once. A workbook of millions of cells (a province's plan) has XlsxWriter write everything
  but the data rows, which `nmx.render.sheetxml` writes (see `CONSTANT_MEMORY_CELLS`).

XlsxWriter is imported only when a workbook is built.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from functools import lru_cache
from itertools import islice
from operator import itemgetter
from typing import Any, NamedTuple

from nmx.lazyclass import dataclass
from nmx.render.formats import Format
from nmx.render.tabular import display_width, guard_formula
from nmx.views import cell_text
from nmx.views.workbook import Rows, Sheet, Workbook, XCol

MIN_WIDTH = 4
#: A workbook with more cells than this has its data rows written by `nmx.render.sheetxml`
#: into the package XlsxWriter made (its title and header rows, columns, styles, page setup):
#: XlsxWriter's per-cell path took 60–80 s for a 10,000-task plan's 7.9 million cells, even in
#: its constant-memory mode. Below it XlsxWriter writes every cell, with shared strings, as it
#: always did: the same bytes as before. (The name is from when large books took that mode.)
CONSTANT_MEMORY_CELLS = 500_000
DATE_FORMAT = "yyyy-mm-dd"
#: Excel's last row (XlsxWriter ignores cells below it) and the most UTF-16 units a cell holds.
EXCEL_ROWS = 1_048_576
TEXT_LIMIT = 32_767
_PLAIN = frozenset({str, int, dt.date, type(None)})


@lru_cache(maxsize=1 << 16)
def text_width(text: str) -> int:
    """Display width of the widest line of `text`: wide (CJK) characters count 2 (each distinct
    text measured once: a plan's workbook repeats unit names and task texts thousands of times)."""
    return max(map(display_width, text.split("\n")), default=0)


def looks_like_formula(text: str) -> bool:
    return guard_formula(text) != text


def workbook_bytes(book: Workbook) -> bytes:
    """The workbook as bytes; identical bytes for identical input."""
    return _workbook_bytes(book.sheets, created=book.created, title=book.title, author=book.author,
                           header=book.header)


class Cell(NamedTuple):
    """How one distinct value of a column is written; kind "" writes nothing (a NamedTuple:
    a 10,000-task plan's workbook makes 180,000, a frozen dataclass is slower to build)."""

    kind: str  # "text" | "number" | "date" | ""
    value: Any  # the text (cut to what a cell holds), the int or the date
    width: int
    style: tuple[tuple[str, Any], ...] = ()  # `Formats.get`'s properties


EMPTY = Cell("", None, 0)


@dataclass
class Table:
    """A sheet read once: per column, its values (to Excel's last row) and how each distinct
    value is written, and the width it wants (from every row)."""

    sheet: Sheet
    values: list[list[Any]]
    cells: list[dict[Any, Cell]]
    widths: list[int]
    count: int  # rows, Excel's last row or not


def _workbook_bytes(sheets: list[Sheet], *, created: dt.datetime, title: str, author: str, header: str = "") -> bytes:
    import xlsxwriter

    tables = [table_of(sheet, room=EXCEL_ROWS - len(sheet.title_lines) - 1) for sheet in sheets]
    direct = sum(t.count * len(t.values) for t in tables) > CONSTANT_MEMORY_CELLS
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False})
    book.set_properties({"title": title, "author": author, "created": created, "comments": "nmx"})
    formats = Formats(book)
    for table in tables:
        (_write_skeleton if direct else _write_sheet)(book, table, formats, header)
    book.close()
    if not direct:
        return buf.getvalue()
    from nmx.render import sheetxml

    return sheetxml.with_rows(buf.getvalue(), {
        f"xl/worksheets/sheet{n}.xml": _rows_writer(table, formats) for n, table in enumerate(tables, start=1)})


def table_of(sheet: Sheet, room: int = EXCEL_ROWS) -> Table:
    """Read `sheet.rows` once into columns (at most `room` rows kept: Excel has no more) and
    measure each distinct value once."""
    keys = [c.key for c in sheet.columns]
    values: list[list[Any]] = [[] for _ in keys]
    rows = _tuples(sheet, keys)
    count = 0
    while chunk := list(islice(rows, 4096)):
        count += len(chunk)
        for c, column in enumerate(values):
            column.extend(map(itemgetter(c), chunk))
    cells, widths = [], []
    for column, col in zip(values, sheet.columns):
        if not set(map(type, column)) <= _PLAIN:
            column[:] = map(_plain, column)
        kept = {value: _cell(value, col) for value in dict.fromkeys(column if len(column) <= room else column[:room])}
        below = (_cell(value, col).width for value in set(column[room:]) - kept.keys())
        widths.append(max(MIN_WIDTH, text_width(col.label), *(c.width for c in kept.values()), *below))
        cells.append(kept)
        del column[room:]
    return Table(sheet, values, cells, widths, count)


def _tuples(sheet: Sheet, keys: list[str]) -> Iterator[tuple[Any, ...]]:
    """The rows as tuples of the columns' values (`Rows` make them so, without a dict each)."""
    if isinstance(sheet.rows, Rows) and sheet.rows.keys == keys:
        return sheet.rows.tuples()
    return (tuple(map(row.get, keys)) for row in sheet.rows)


def _plain(value: Any) -> Any:
    """A value as one of the types a cell is written from (str, int, date, None), so that equal
    cells are equal keys (True and 1, 1.0 and 1 are not) and every key hashes (lists do not)."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        return str.__str__(value)
    return cell_text(value)


def _cell(value: Any, col: XCol) -> Cell:
    """How a plain value is written: a date with the date format, an int as a number, text
    with wrap (longer than the column may grow, or several lines) and Excel's quote prefix when
    it starts like a formula; nothing for None or empty text."""
    if value is None or value == "":
        return EMPTY
    if type(value) is dt.date:
        return Cell("date", value, len("2023-01-01"), (("num_format", DATE_FORMAT),))
    if type(value) is int:
        return Cell("number", value, len(str(value)))
    width = text_width(value)
    props: dict[str, Any] = {}
    if width > col.max_width or "\n" in value:
        props["text_wrap"] = True
    if looks_like_formula(value):
        props["quote_prefix"] = True
    return Cell("text", cell_string(value), width, tuple(sorted(props.items())))


def cell_string(text: str) -> str:
    """`text` cut to what one cell holds, 32,767 UTF-16 units, without splitting a character
    above U+FFFF (as XlsxWriter 3.2+ cuts it; earlier versions counted code points)."""
    if len(text) <= TEXT_LIMIT // 2 or len(text.encode("utf-16-le", "surrogatepass")) // 2 <= TEXT_LIMIT:
        return text
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > TEXT_LIMIT:
            return text[:index]
    return text


class Formats:
    """XlsxWriter formats created once per combination of properties."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.cache: dict[tuple, Any] = {}

    def get(self, **props: Any) -> Any:
        return self.style(tuple(sorted(props.items())))

    def style(self, key: tuple[tuple[str, Any], ...]) -> Any:
        """The format of `get(**dict(key))`."""
        if key not in self.cache:
            self.cache[key] = self.book.add_format({"valign": "top", **dict(key)})
        return self.cache[key]


def _write_sheet(book: Any, table: Table, formats: Formats, header_text: str = "") -> None:
    """The sheet with every cell written by XlsxWriter."""
    ws = book.add_worksheet(sheet_name(table.sheet.name))
    header = _write_head(ws, table.sheet, formats)
    for r, row in enumerate(zip(*table.values), start=header + 1):
        for c, value in enumerate(row):
            _write_cell(ws, r, c, table.cells[c][value], formats)
    _finish(ws, table, header, header_text)


def _write_head(ws: Any, sheet: Sheet, formats: Formats) -> int:
    """The title lines (the first bold) and the header row; returns the header's row."""
    for r, line in enumerate(sheet.title_lines):
        write_text(ws, r, 0, line, formats.get(bold=r == 0))
    header = len(sheet.title_lines)
    for c, col in enumerate(sheet.columns):
        write_text(ws, header, c, col.label, formats.get(bold=True, bg_color="#DDEBF7", border=1, text_wrap=True))
    return header


def _finish(ws: Any, table: Table, header: int, header_text: str) -> None:
    """Column widths, frozen header, filter, page setup."""
    columns = table.sheet.columns
    for c, col in enumerate(columns):
        ws.set_column(c, c, max(min(table.widths[c], col.max_width), col.min_width) + 2)
    ws.freeze_panes(header + 1, 0)
    ws.autofilter(header, 0, header + max(table.count, 1), len(columns) - 1)
    page_setup(ws, header, header_text or table.sheet.name, ws.name)


def write_text(ws: Any, r: int, c: int, text: str, cell_format: Any = None) -> None:
    """`text` as a string cell. XlsxWriter takes a string that starts with `<r>` and ends with
    `</r>` for its own rich-text XML and writes it unescaped (a plan text so shaped would put
    markup in the workbook, which Excel then repairs and openpyxl refuses): such a text goes in
    as three plain runs instead (XlsxWriter's least), escaped, the same value."""
    if text.startswith("<r>") and text.endswith("</r>"):
        ws.write_rich_string(r, c, text[:1], text[1:2], text[2:], *([cell_format] if cell_format is not None else []))
    else:
        ws.write_string(r, c, text, cell_format)


def _write_cell(ws: Any, r: int, c: int, cell: Cell, formats: Formats) -> None:
    """Write one cell with the right type: text always as a string (`=1+1` stays text)."""
    if cell.kind == "text":
        write_text(ws, r, c, cell.value, formats.style(cell.style))
    elif cell.kind == "number":
        ws.write_number(r, c, cell.value, formats.style(cell.style))
    elif cell.kind == "date":
        day = cell.value
        ws.write_datetime(r, c, dt.datetime(day.year, day.month, day.day), formats.style(cell.style))


def _write_skeleton(book: Any, table: Table, formats: Formats, header_text: str = "") -> None:
    """The sheet without its data rows, which `sheetxml` writes into it afterwards. Blank
    cells in the first data rows, one per format the data uses in the order of its first use,
    give the formats the xf indexes XlsxWriter would give them (it numbers them in the order
    it writes them); these rows are replaced. (A blank in the last row instead of rewriting
    the dimension would have XlsxWriter make an empty dict for every row: 100 MB, 0.2 s.)"""
    ws = book.add_worksheet(sheet_name(table.sheet.name))
    header = _write_head(ws, table.sheet, formats)
    width = len(table.sheet.columns)
    for i, style in enumerate(_first_styles(table)):
        ws.write_blank(header + 1 + i // width, i % width, None, formats.style(style))
    _finish(ws, table, header, header_text)


def _first_styles(table: Table) -> list[tuple]:
    """The data cells' styles in the order of their first use (row by row, left to right)."""
    first: dict[tuple, tuple[int, int]] = {}
    for c, (column, cells) in enumerate(zip(table.values, table.cells)):
        seen: set[tuple] = set()
        for value, cell in cells.items():  # in the order of first occurrence
            if cell.kind and cell.style not in seen:
                seen.add(cell.style)
                place = (column.index(value), c)
                first[cell.style] = min(place, first.get(cell.style, place))
    return sorted(first, key=first.__getitem__)


def _last_row(table: Table) -> int | None:
    """The last data row with a cell (0-based among the data rows), None when none has one."""
    for r in range(len(table.values[0]) - 1 if table.values else -1, -1, -1):
        if any(cells[column[r]].kind for column, cells in zip(table.values, table.cells)):
            return r
    return None


def _dimension(table: Table) -> str:
    """The sheet's used range as XlsxWriter writes it: from A1 (the title or the header) to
    the header's last column and the last row with a cell."""
    from xlsxwriter.utility import xl_range

    header = len(table.sheet.title_lines)
    last = _last_row(table)
    return xl_range(0, 0, header if last is None else header + 1 + last, len(table.sheet.columns) - 1)


def _rows_writer(table: Table, formats: Formats) -> Callable[[bytes], Iterator[bytes]]:
    """The function `sheetxml.with_rows` calls with the sheet XlsxWriter wrote (after the book
    is closed: the formats' xf indexes are known only then)."""
    from nmx.render import sheetxml

    def rewrite(sheet: bytes) -> Iterator[bytes]:
        first = len(table.sheet.title_lines) + 2  # 1-based: title lines, the header, then data
        columns = [(_fragments(c, cells, formats), values)
                   for c, (cells, values) in enumerate(zip(table.cells, table.values))]
        return sheetxml.spliced(sheet, first, sheetxml.rows_xml(first, columns), _dimension(table))

    return rewrite


def _fragments(c: int, cells: dict[Any, Cell], formats: Formats) -> dict[Any, bytes]:
    """Each distinct value's cell fragment in column `c` (b"" for no cell)."""
    from nmx.render import sheetxml

    name = sheetxml.column_name(c)
    out = {}
    for value, cell in cells.items():
        if not cell.kind:
            out[value] = b""
            continue
        index = formats.style(cell.style).xf_index
        if index is None:  # a format XlsxWriter never wrote: _write_skeleton missed it
            raise RuntimeError(f"no xf index for the cell format {cell.style}")
        out[value] = sheetxml.cell_xml(name, cell.kind, cell.value, index)
    return out


PAGE_FOOTER = "&C第 &P 页 / 共 &N 页"


def page_setup(ws: Any, header_row: int, title: str, name: str) -> None:
    """Printed: A4 landscape, one page wide, the column headers on every page, the plan's title
    and the sheet's name in the page header, 第 N 页 / 共 M 页 in the footer."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.set_margins(left=0.5, right=0.5, top=0.9, bottom=0.7)
    ws.set_header(_header_field("&L", title, 120) + _header_field("&R", name, 60), {"margin": 0.4})
    ws.set_footer(PAGE_FOOTER, {"margin": 0.3})


def _header_field(code: str, text: str, limit: int) -> str:
    """A header section: `&` doubled (Excel reads `&X` as a code), cut to keep within Excel's 255."""
    return code + text[:limit].replace("&", "&&")


_BAD_SHEET_CHARS = str.maketrans({ch: "_" for ch in "[]:*?/\\"})


def sheet_name(name: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\ ."""
    return name.translate(_BAD_SHEET_CHARS)[:31] or "Sheet"


RENDERERS = {Format.XLSX: workbook_bytes}
