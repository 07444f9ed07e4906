"""A worksheet's data rows written as SpreadsheetML directly, into a package XlsxWriter made.

For workbooks of millions of cells (`nmx.render.xlsx` decides): XlsxWriter still writes
everything else — styles, the sheets' title and header rows, columns, panes, filter, page
setup, properties — and this module only puts the data rows into each sheet's
`<sheetData>` afterwards. XlsxWriter's own per-cell path costs ~8 µs a cell (7.9 million cells
for a 10,000-task plan); here a cell is one look-up of a fragment made once per distinct value.

The cells are what XlsxWriter writes in constant-memory mode: text inline
(`<c r="B5" s="3" t="inlineStr"><is><t>…</t></is></c>`) escaped as XlsxWriter escapes it,
numbers and dates as `<v>` numbers — with one difference: XlsxWriter takes a string of the
form `<r>…</r>` for its own rich-text XML and writes it unescaped; here it is text like any
other. A row's fragments leave its number out (`ROW_MARK`); it is put into the joined row once.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import IO, Any

#: Stands for the row's number inside a row's cell fragments. Data never holds it: control
#: characters in text are written as `_x0000_` escapes.
ROW_MARK = b"\x00"
#: Rows joined into one write to the zip member.
CHUNK_ROWS = 4096
#: zlib's level for the rewritten sheets, measured on a 10,000-task plan's 439 MB of sheet XML:
#: level 1 1.23 s → 43.1 MB, 2 1.28 s → 42.0 MB, 3 1.66 s → 40.4 MB, 6 (zlib's default, what
#: XlsxWriter uses) 3.71 s → 35.7 MB. The file is a fifth larger for a third of the time.
SHEET_LEVEL = 1

_ESCAPED_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_TO_ESCAPE = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_DIMENSION = re.compile(rb'<dimension ref="[A-Z0-9:]+"/>')
_EPOCH = dt.date(1899, 12, 31)


def text_xml(text: str) -> str:
    """`<is><t>…</t></is>` holding `text` as XlsxWriter writes a string: control characters as
    `_xHHHH_` (a literal `_xHHHH_` as `_x005F_xHHHH_`), `xml:space="preserve"` when it starts or
    ends with white space, then `&`, `<` and `>` escaped (quotes need not be in element text)."""
    if _TO_ESCAPE.search(text) or ("_x" in text and _ESCAPED_ESCAPE.search(text)):
        text = _ESCAPED_ESCAPE.sub(r"_x005F\1", text)
        text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
        text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    # XlsxWriter asks re's ^\s|\s$: the same as the first or the last character being white space
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<is><t{space}>{text}</t></is>"


def excel_serial(day: dt.date) -> float:
    """Excel's serial number of a day, computed as XlsxWriter computes it for the day's midnight
    (1900 date system: Excel's 29 February 1900 counted, 1 January 1900 written as 0)."""
    serial = float((day - _EPOCH).days)
    if day == dt.date(1900, 1, 1):
        serial -= 1
    return serial + 1 if serial > 59 else serial


def cell_xml(column: str, kind: str, value: Any, style: int) -> bytes:
    """One cell's fragment, its row number left as `ROW_MARK`: kind "text" (a str), "number"
    (an int) or "date"; `style` is the cell format's xf index."""
    head = f'<c r="{column}\x00" s="{style}"'
    if kind == "text":
        return f'{head} t="inlineStr">{text_xml(value)}</c>'.encode()
    number = excel_serial(value) if kind == "date" else value
    return f"{head}><v>{number:.16G}</v></c>".encode()


def column_name(index: int) -> str:
    """A, B, …, Z, AA, … for column 0, 1, …"""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def rows_xml(first: int, columns: list[tuple[dict[Any, bytes], list[Any]]]) -> Iterator[bytes]:
    """The data rows from row number `first` on, `CHUNK_ROWS` at a time. `columns` holds, per
    column, each distinct value's fragment (b"" for no cell) and the column's values. A row with
    no cell is left out, as XlsxWriter leaves it out."""
    bodies = map(b"".join, zip(*(map(fragments.__getitem__, values) for fragments, values in columns)))
    rows = _numbered(first, bodies)
    while chunk := b"".join(islice(rows, CHUNK_ROWS)):
        yield chunk


def _numbered(first: int, bodies: Iterable[bytes]) -> Iterator[bytes]:
    for number, body in enumerate(bodies, first):
        if body:
            mark = b"%d" % number
            yield b'<row r="' + mark + b'">' + body.replace(ROW_MARK, mark) + b"</row>"


def spliced(sheet: bytes, first: int, rows: Iterable[bytes], dimension: str) -> Iterator[bytes]:
    """A worksheet's XML with its `<sheetData>` rows from number `first` on replaced by `rows`
    (the rows before it, the title and header lines, are kept as XlsxWriter wrote them) and
    its `<dimension>` by `dimension` (a range such as A1:L5)."""
    data = sheet.index(b"<sheetData>")
    end = sheet.index(b"</sheetData>", data)
    start = sheet.find(b'<row r="%d"' % first, data, end)
    head, count = _DIMENSION.subn(b'<dimension ref="%s"/>' % dimension.encode(), sheet[:data], count=1)
    if count != 1:
        raise ValueError("no <dimension> in the worksheet XlsxWriter wrote")
    yield head + sheet[data:end if start < 0 else start]
    yield from rows
    yield sheet[end:]


def with_rows(package: bytes, sheets: dict[str, Callable[[bytes], Iterator[bytes]]]) -> bytes:
    """The xlsx `package` with each member named in `sheets` rewritten by its function (given the
    member's bytes, it yields the new ones), every other member copied; names, order and dates
    as they were, so the same package and rows give the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        missing = set(sheets) - set(src.namelist())
        if missing:
            raise ValueError(f"no {sorted(missing)} in the workbook XlsxWriter wrote")
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, info.date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            rewrite = sheets.get(info.filename)
            if rewrite is None:
                dst.writestr(member, src.read(info))
                continue
            _set_level(member, SHEET_LEVEL)
            with dst.open(member, "w") as stream:
                _write_behind(stream, rewrite(src.read(info)))
    return out.getvalue()


def _write_behind(stream: IO[bytes], chunks: Iterable[bytes]) -> None:
    """Write `chunks` in order, each from a second thread while the next is made: zlib
    compresses without holding the GIL, so on two cores the compression (1.3 s of a
    10,000-task plan's 460 MB) overlaps making the rows. One write at a time, in order."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="nmx-deflate") as pool:
        pending = None
        for chunk in chunks:
            if pending is not None:
                pending.result()
            pending = pool.submit(stream.write, chunk)
        if pending is not None:
            pending.result()


def _set_level(member: zipfile.ZipInfo, level: int) -> None:
    """A streamed member's deflate level: zipfile reads it from the ZipInfo (`compress_level`
    since Python 3.13, `_compresslevel` before; only `writestr` takes it as an argument)."""
    if hasattr(member, "compress_level"):
        member.compress_level = level
    else:
        member._compresslevel = level  # type: ignore[attr-defined]
