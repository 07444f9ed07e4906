"""A receipt (回执) as an .xlsx a unit fills in Excel or WPS and sends back.

Everything is locked and the sheet protected (no password: the protection keeps a slip of
the hand from breaking the form, it is not a secret), except the three columns to fill;
columns may still be resized and the header's filter used. 完成日期 is a date cell with a
date validation bounded by the plan's period. The ids the reader needs are in hidden
columns and in a very hidden sheet of metadata (`nmx.supervision.receipts`). Printed: A4
landscape, one page wide, the header row on every page (`render.xlsx`'s page setup).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from nmx.render.formats import Format
from nmx.render.xlsx import DATE_FORMAT, Formats, looks_like_formula, page_setup, sheet_name, text_width, write_text
from nmx.views import cell_text
from nmx.views.receipts import Receipt, ReceiptColumn

HEADER_ROW = 2  # row 0: the title, row 1: the instruction
PROTECTION = {"format_columns": True, "autofilter": True, "select_locked_cells": True, "select_unlocked_cells": True}


def receipt_bytes(r: Receipt) -> bytes:
    """The receipt's workbook; the same bytes for the same receipt."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False})
    book.set_properties({"title": r.title, "author": r.author, "created": r.created, "comments": "nmx"})
    formats = Formats(book)
    ws = book.add_worksheet(sheet_name(r.sheet))
    visible = [c for c in r.columns if not c.hidden]
    _head(ws, r, len(visible), formats)
    for c, col in enumerate(r.columns):
        write_text(ws, HEADER_ROW, c, col.label, formats.get(bold=True, border=1, text_wrap=True,
                                                              bg_color="#FFF2CC" if col.fill else "#DDEBF7"))
    for i, row in enumerate(r.rows, start=HEADER_ROW + 1):
        for c, col in enumerate(r.columns):
            _cell(ws, i, c, row.get(col.key), col, formats)
    for c, col in enumerate(r.columns):
        ws.set_column(c, c, max(col.width, text_width(col.label)) + 2, None, {"hidden": True} if col.hidden else {})
    last = HEADER_ROW + max(len(r.rows), 1)
    _date_validation(ws, r, last)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    ws.autofilter(HEADER_ROW, 0, last, len(visible) - 1)
    page_setup(ws, HEADER_ROW, r.header, ws.name)
    ws.protect("", PROTECTION)
    _meta_sheet(book, r)
    book.close()
    return buf.getvalue()


def _head(ws: Any, r: Receipt, width: int, formats: Formats) -> None:
    ws.merge_range(0, 0, 0, width - 1, "", formats.get(bold=True, font_size=14))
    write_text(ws, 0, 0, r.title, formats.get(bold=True, font_size=14))
    ws.merge_range(1, 0, 1, width - 1, "", formats.get(text_wrap=True))
    write_text(ws, 1, 0, r.instruction, formats.get(text_wrap=True))
    ws.set_row(1, 15 * max(2, text_width(r.instruction) // 150 + 1))


def _cell(ws: Any, r: int, c: int, value: Any, col: ReceiptColumn, formats: Formats) -> None:
    props: dict[str, Any] = {"border": 1}
    if col.fill:
        props.update(locked=False, bg_color="#FFFBEA")
    if col.date:
        props["num_format"] = DATE_FORMAT
    if isinstance(value, dt.date):
        ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), formats.get(**props))
        return
    if isinstance(value, int) and not isinstance(value, bool):
        ws.write_number(r, c, value, formats.get(**props))
        return
    text = cell_text(value)
    if text and looks_like_formula(text):
        props["quote_prefix"] = True
    if text and text_width(text) > col.width:
        props["text_wrap"] = True
    if text:
        write_text(ws, r, c, text, formats.get(**props))
    else:
        ws.write_blank(r, c, None, formats.get(**props))


def _date_validation(ws: Any, r: Receipt, last: int) -> None:
    column = next(c for c, col in enumerate(r.columns) if col.fill and col.date)
    ws.data_validation(HEADER_ROW + 1, column, last, column, {
        "validate": "date", "criteria": "between",
        "minimum": dt.datetime.combine(r.first_day, dt.time()), "maximum": dt.datetime.combine(r.last_day, dt.time()),
        "input_title": r.input_title[:32], "input_message": r.input_message[:255],
        "error_title": r.input_title[:32], "error_message": r.error_message[:255],
    })


def _meta_sheet(book: Any, r: Receipt) -> None:
    """The ids of the receipt as a whole, on a sheet Excel's menus do not offer to unhide."""
    ms = book.add_worksheet(sheet_name(r.meta_sheet))
    for i, (key, value) in enumerate(r.meta):
        write_text(ms, i, 0, key)
        write_text(ms, i, 1, value)
    ms.very_hidden()
    ms.protect("")


RENDERERS = {Format.XLSX: receipt_bytes}
