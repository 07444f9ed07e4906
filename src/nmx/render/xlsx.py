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

XlsxWriter is imported only when a workbook is built.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import lru_cache
from typing import Any

from nmx.render.formats import Format
from nmx.render.tabular import display_width, guard_formula
from nmx.views import cell_text
from nmx.views.workbook import Sheet, Workbook, XCol

MIN_WIDTH = 4
#: A workbook with more cells than this is written in XlsxWriter's constant-memory mode: each row
#: leaves memory once the next begins (a 10,000-task plan's workbook holds 7 million cells, 2 GB
#: otherwise) and strings are stored inline instead of in a shared table. Below it the workbook
#: is built in memory with shared strings, as it always was: the same bytes as before.
CONSTANT_MEMORY_CELLS = 500_000
DATE_FORMAT = "yyyy-mm-dd"


@lru_cache(maxsize=1 << 16)
def text_width(text: str) -> int:
    """Display width of the widest line of `text`: wide (CJK) characters count 2 (each distinct
    text measured once: a plan's workbook repeats unit names and task texts thousands of times)."""
    return max((display_width(line) for line in text.split("\n")), default=0)


def looks_like_formula(text: str) -> bool:
    return guard_formula(text) != text


def workbook_bytes(book: Workbook) -> bytes:
    """The workbook as bytes; identical bytes for identical input."""
    return _workbook_bytes(book.sheets, created=book.created, title=book.title, author=book.author,
                           header=book.header)


def _workbook_bytes(sheets: list[Sheet], *, created: dt.datetime, title: str, author: str, header: str = "") -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    cells = sum(len(sheet.rows) * len(sheet.columns) for sheet in sheets)
    large = cells > CONSTANT_MEMORY_CELLS  # rows written out as they come, strings inline
    options = {"in_memory": not large, "constant_memory": large, "strings_to_formulas": False,
               "strings_to_urls": False, "strings_to_numbers": False}
    book = xlsxwriter.Workbook(buf, options)
    book.set_properties({"title": title, "author": author, "created": created, "comments": "nmx"})
    formats = Formats(book)
    for sheet in sheets:
        _write_sheet(book, sheet, formats, header)
    book.close()
    return buf.getvalue()


class Formats:
    """XlsxWriter formats created once per combination of properties."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.cache: dict[tuple, Any] = {}

    def get(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self.cache:
            self.cache[key] = self.book.add_format({"valign": "top", **props})
        return self.cache[key]


def _write_sheet(book: Any, sheet: Sheet, formats: Formats, header_text: str = "") -> None:
    ws = book.add_worksheet(sheet_name(sheet.name))
    for r, line in enumerate(sheet.title_lines):
        ws.write_string(r, 0, line, formats.get(bold=r == 0))
    header = len(sheet.title_lines)
    widths = [max(MIN_WIDTH, text_width(c.label)) for c in sheet.columns]
    for c, col in enumerate(sheet.columns):
        ws.write_string(header, c, col.label, formats.get(bold=True, bg_color="#DDEBF7", border=1, text_wrap=True))
    texts: dict[tuple[str, int], tuple[int, Any]] = {}  # (text, column's max width) → (width, format)
    for r, row in enumerate(sheet.rows, start=header + 1):
        for c, col in enumerate(sheet.columns):
            widths[c] = max(widths[c], _write_cell(ws, r, c, row.get(col.key), col, formats, texts))
    for c, col in enumerate(sheet.columns):
        ws.set_column(c, c, max(min(widths[c], col.max_width), col.min_width) + 2)
    ws.freeze_panes(header + 1, 0)
    ws.autofilter(header, 0, header + max(len(sheet.rows), 1), len(sheet.columns) - 1)
    page_setup(ws, header, header_text or sheet.name, ws.name)


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


def _write_cell(ws: Any, r: int, c: int, value: Any, col: XCol, formats: Formats,
                texts: dict[tuple[str, int], tuple[int, Any]]) -> int:
    """Write one cell with the right type; return the width it wants. `texts` remembers each
    text's width and format (they depend only on the text and the column's max width)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), formats.get(num_format=DATE_FORMAT))
        return len("2023-01-01")
    if isinstance(value, int) and not isinstance(value, bool):
        ws.write_number(r, c, value, formats.get())
        return len(str(value))
    text = value if isinstance(value, str) else cell_text(value)
    if not text:
        return 0
    known = texts.get((text, col.max_width))
    if known is None:
        width = text_width(text)
        props: dict[str, Any] = {}
        if width > col.max_width or "\n" in text:
            props["text_wrap"] = True
        if looks_like_formula(text):
            props["quote_prefix"] = True
        known = texts[(text, col.max_width)] = (width, formats.get(**props))
    ws.write_string(r, c, text, known[1])
    return known[0]


_BAD_SHEET_CHARS = str.maketrans({ch: "_" for ch in "[]:*?/\\"})


def sheet_name(name: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\ ."""
    return name.translate(_BAD_SHEET_CHARS)[:31] or "Sheet"


RENDERERS = {Format.XLSX: workbook_bytes}
