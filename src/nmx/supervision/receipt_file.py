"""Reading a filled receipt back: an .xlsx as nmx wrote it, or the .csv Excel saves of it.

Whatever arrives is data from outside and is read defensively: the bytes come through
`fileio.read_input` (regular file, size limit); an .xlsx must be a zip whose members unpack
to at most `MAX_UNZIPPED` bytes before openpyxl sees it (read-only, formulas kept as
formulas so they can be refused); a sheet is read to at most `MAX_ROWS` rows and
`MAX_COLS` columns. A .csv is UTF-8 (with or without a BOM) or else GB18030 (what Excel on
a Chinese Windows writes as "CSV"), and the encoding taken is named in its errors.

Every failure to read is a `ReceiptError` with a message for the person; the cells' own
problems are `receipts.check`'s.
"""

from __future__ import annotations

import io
from pathlib import Path

from nmx.fileio import display
from nmx.i18n import t
from nmx.supervision.receipts import (HIDDEN, MAX_ROWS, META_KEYS, META_SHEET, READ_VISIBLE, Cell, ReceiptError,
                                      ReceiptFile, Row, header_labels)

MAX_UNZIPPED = 32 * 1024 * 1024  # an honest receipt unpacks to some 100 KB
MAX_MEMBERS = 200
MAX_COLS = 64
HEADER_WITHIN = 20  # the header row is among the first rows (after the title and the instruction)
EXTENSIONS = (".xlsx", ".csv")


def read(path: Path, raw: bytes) -> ReceiptFile:
    """The receipt in `raw` (the bytes of `path`), by its extension."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(display(path), raw)
    if suffix == ".csv":
        return _read_csv(display(path), raw)
    raise ValueError(suffix)  # the caller checks the extension first


# --- xlsx ----------------------------------------------------------------------------------------
def _read_xlsx(name: str, raw: bytes) -> ReceiptFile:
    _check_zip(raw)
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - whatever a broken or hostile file makes openpyxl raise
        raise ReceiptError(t("rc:not_xlsx", reason=_reason(exc))) from None
    try:
        return _from_book(name, book)
    except ReceiptError:
        raise
    except Exception as exc:  # noqa: BLE001 - a malformed part found while reading the sheet
        raise ReceiptError(t("rc:not_xlsx", reason=_reason(exc))) from None
    finally:
        book.close()


def _check_zip(raw: bytes) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise ReceiptError(t("rc:not_xlsx", reason=_reason(exc))) from None
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED:
        raise ReceiptError(t("rc:too_big_unzipped", mb=MAX_UNZIPPED // (1024 * 1024)))


def _from_book(name: str, book) -> ReceiptFile:
    if META_SHEET not in book.sheetnames:
        raise ReceiptError(t("rc:no_meta", sheet=META_SHEET))
    meta: dict[str, str] = {}
    for values in book[META_SHEET].iter_rows(min_row=1, max_row=50, max_col=2, values_only=True):
        if values and isinstance(values[0], str) and values[0] in META_KEYS:
            meta[values[0]] = "" if len(values) < 2 or values[1] is None else str(values[1]).strip()
    sheet = meta.get("sheet") or ""
    if sheet not in book.sheetnames or sheet == META_SHEET:
        raise ReceiptError(t("rc:no_sheet", sheet=sheet or "?"))
    ws = book[sheet]
    ws.reset_dimensions()  # the rows the sheet holds, not the ones its <dimension> claims
    return ReceiptFile(name, sheet, meta, _rows(_xlsx_rows(ws)))


def _xlsx_rows(ws):
    """(row number, [Cell]) for each row, at most MAX_ROWS + 1 of them, MAX_COLS cells each."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(c) for c in range(1, MAX_COLS + 1)]
    for number, cells in enumerate(ws.iter_rows(min_row=1, max_col=MAX_COLS), start=1):
        out = []
        for c, cell in enumerate(cells):
            value = getattr(cell, "value", None)
            formula = getattr(cell, "data_type", None) == "f"
            out.append(Cell(value, f"{letters[c]}{number}", formula))
        yield number, out


# --- csv -----------------------------------------------------------------------------------------
def _read_csv(name: str, raw: bytes) -> ReceiptFile:
    import csv

    text, encoding = _decode(raw)
    reader = csv.reader(io.StringIO(text, newline=""))

    def rows():
        line = 1
        try:
            for record in reader:
                yield line, [Cell(v, "", v.lstrip().startswith("=")) for v in record[:MAX_COLS]]
                line = reader.line_num + 1
        except csv.Error as exc:
            raise ReceiptError(t("rc:bad_csv", line=reader.line_num, reason=exc)) from None

    try:
        found = _rows(rows(), csv_mode=True)
    except ReceiptError as exc:  # the encoding taken, for a file that may not have been meant as it
        raise ReceiptError(str(exc) + t("rc:read_as", encoding=encoding)) from None
    return ReceiptFile(name, None, None, found, encoding)


def _decode(raw: bytes) -> tuple[str, str]:
    for encoding, label in (("utf-8-sig", "UTF-8"), ("gb18030", "GB18030")):
        try:
            return raw.decode(encoding), label
        except UnicodeDecodeError:
            continue
    raise ReceiptError(t("rc:csv_encoding"))


# --- both ------------------------------------------------------------------------------------------
def _rows(numbered, csv_mode: bool = False) -> list[Row]:
    """The rows under the header (the first row holding every hidden column), keyed by column.

    A cell's `ref` is its address in a sheet; in a csv, the column's header as the file writes it."""
    columns: dict[str, int] | None = None
    names: list[str] = []
    out: list[Row] = []
    for count, (number, cells) in enumerate(numbered, start=1):
        if count > MAX_ROWS:
            raise ReceiptError(t("rc:too_many_rows", n=MAX_ROWS))
        if columns is None:
            columns = _header(cells)
            names = [str(c.value).strip() for c in cells]
            if columns is None and count >= HEADER_WITHIN:
                break
            continue
        if not any(c.value not in (None, "") for c in cells):
            continue
        picked = {}
        for key, c in columns.items():
            cell = cells[c] if c < len(cells) else Cell(None, "")
            picked[key] = Cell(cell.value, names[c] if csv_mode else cell.ref, cell.formula)
        out.append(Row(str(number), picked))
    if columns is None:
        raise ReceiptError(t("rc:no_header", columns="、".join(HIDDEN)))
    return out


def _header(cells: list[Cell]) -> dict[str, int] | None:
    texts = [str(c.value).strip() if isinstance(c.value, str) else None for c in cells]
    if not all(key in texts for key in HIDDEN):
        return None
    columns = {}
    for key in HIDDEN + READ_VISIBLE:
        labels = header_labels(key)
        index = next((i for i, text in enumerate(texts) if text in labels), None)
        if index is None:
            raise ReceiptError(t("rc:missing_column", column=labels[0]))
        columns[key] = index
    return columns


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:120]}" if text else type(exc).__name__
