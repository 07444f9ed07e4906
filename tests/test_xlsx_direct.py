"""A large workbook's data rows written directly (`nmx.render.sheetxml`): the same workbook as
XlsxWriter's cell-by-cell one, read back with openpyxl, and the same row XML as XlsxWriter's
constant-memory mode writes.

The large path is taken by lowering `CONSTANT_MEMORY_CELLS`, on small hostile workbooks.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import re
import warnings
import zipfile

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nmx.render import sheetxml, xlsx
from nmx.views.workbook import Rows, Sheet, Workbook, XCol

LONG = "长" * 20_000 + "👍" * 10_000 + "尾"  # 60,001 UTF-16 units: cut to 32,767 without halving an emoji
HOSTILE = [
    "市交通运输局", "=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\tTab", "\rCR",
    "  leading spaces", "trailing spaces  ", "\u3000全角空格\u3000", "&<>\"' &amp; &lt;", "<script>alert(1)</script>",
    "emoji 👍🏽 and 𠀀", "line one\nline two", "a\r\nb", "ctrl \x00\x01\x08\x0b\x0c\x1f end", "_x0041_ stays literal",
    "_x00e9_\x1f", "\ufffe\uffff", "a" * 40, "宽" * 30, LONG, "\n", " ", "x\n",
]
DAYS = [dt.date(2023, 5, 7), dt.date(1899, 12, 31), dt.date(1900, 1, 1), dt.date(1900, 2, 28),
        dt.date(1900, 3, 1), dt.date(2024, 2, 29), None]


class Kind(enum.IntEnum):
    THREE = 3


class Label(str):
    """A str subclass: written as its text."""


MIXED = [1, True, 1.0, "1", None, ["甲", "乙"], dt.datetime(2023, 5, 7, 8, 30), False, "", 0, -5, 10**17,
         Label("子类"), Kind.THREE, 2.5, ("元", "组")]


def _book() -> Workbook:
    rows: list[dict] = []
    for i, text in enumerate(HOSTILE):
        rows.append({"text": text, "mixed": MIXED[i % len(MIXED)], "day": DAYS[i % len(DAYS)],
                     "n": i * 7 if i % 3 else None})
        if i == 5:
            rows.append({})  # a row with no cell
    rows.append({"n": 99})  # the last cell of the sheet is in its last column
    rows.append({"text": "", "mixed": None})  # and a last row with nothing: outside the dimension
    first = Sheet("甲/hostile:[1]", [XCol("text", "文字", 10), XCol("mixed", "混合", 20), XCol("day", "日期", 12),
                                     XCol("n", "数", 6, min_width=8)], rows, ["标题 & 说明", "第二行"])
    keys = ["a", "b"]
    tuples = [("乙", None), (None, dt.date(2023, 1, 2)), ("=A1", 3), (None, "late")]
    second = Sheet("乙", [XCol("a", "甲列"), XCol("b", "乙列", 8)], Rows(keys, lambda: iter(tuples)))
    third = Sheet("丙", [XCol("a", "空")], [], ["没有行"])
    return Workbook([first, second, third], dt.datetime(2023, 1, 1), title="标题", author="作者", header="方案 & 页眉")


def _both(monkeypatch) -> tuple[bytes, bytes]:
    book = _book()
    small = xlsx.workbook_bytes(book)
    monkeypatch.setattr(xlsx, "CONSTANT_MEMORY_CELLS", 0)
    return small, xlsx.workbook_bytes(book)


def _read(data: bytes) -> dict:
    """Everything openpyxl sees that nmx sets: sheets, properties, and per sheet every cell's
    value, type and style, widths, panes, filter, dimension, print titles, header and footer."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wb = openpyxl.load_workbook(io.BytesIO(data))
    out: dict = {"names": wb.sheetnames, "props": (wb.properties.title, wb.properties.creator, wb.properties.created)}
    for ws in wb.worksheets:
        out[ws.title] = {
            "cells": [[(_unescaped(c.value), c.data_type, c.number_format, c.alignment.wrap_text, c.alignment.vertical,
                        c.quotePrefix, c.font.b, c.fill.fgColor.rgb, c.border.left.style) for c in row]
                      for row in ws.iter_rows()],
            "dimensions": ws.dimensions, "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref,
            "widths": {k: d.width for k, d in ws.column_dimensions.items()},
            "print": (ws.print_title_rows, ws.page_setup.orientation, ws.page_setup.paperSize,
                      ws.page_setup.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage,
                      ws.page_margins.left, ws.page_margins.top, ws.page_margins.header, ws.page_margins.footer),
            "header": (ws.oddHeader.left.text, ws.oddHeader.right.text, ws.oddFooter.center.text),
        }
    return out


def _unescaped(value: object) -> object:
    """openpyxl undoes the escape of a literal `_xHHHH_` (`_x005F_xHHHH_`) in shared strings
    only; Excel, in inline ones too (the bytes are XlsxWriter's: see the constant-memory test)."""
    return value.replace("_x005F_x", "_x") if isinstance(value, str) else value


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_the_large_path_reads_back_as_xlsxwriter_s_cells(monkeypatch):
    small, large = _both(monkeypatch)
    assert small != large and b"inlineStr" in _members(large)["xl/worksheets/sheet1.xml"]
    assert b"inlineStr" not in _members(small)["xl/worksheets/sheet1.xml"]
    a, b = _read(small), _read(large)
    assert a == b
    ws = b["甲_hostile__1_"]
    texts = [row[0][0] for row in ws["cells"][3:]]
    assert texts[:5] == HOSTILE[:5] and texts[6] is None and len(texts) == len(HOSTILE) + 2  # and row 31, empty, is not read
    plain = [t for t in HOSTILE if t.isprintable() and t != LONG]
    assert len(plain) == 14 and set(plain) <= set(texts)
    assert "_x000D_CR" in texts and "ctrl _x0000__x0001__x0008__x000B__x000C__x001F_ end" in texts  # as Excel escapes them
    cut = texts[HOSTILE.index(LONG) + 1]
    assert cut == "长" * 20_000 + "👍" * 6383 and len(cut.encode("utf-16-le")) // 2 == 32_766
    by_text = {row[0][0]: row[0] for row in ws["cells"][3:] if row[0][0]}
    assert by_text["=1+1"][5] and by_text["@SUM(A1:A2)"][5] and not by_text["<script>alert(1)</script>"][5]
    assert by_text["line one\nline two"][3] and by_text["宽" * 30][3] and by_text["市交通运输局"][3] and not by_text["-2+3"][3]  # 12 wide > 10
    assert by_text["  leading spaces"][0] == "  leading spaces"
    mixed = [row[1][:3] for row in ws["cells"][3:9]]
    assert mixed == [(1, "n", "General"), ("✓", "s", "General"), ("1.0", "s", "General"), ("1", "s", "General"),
                     (None, "n", "General"), ("甲、乙", "s", "General")]
    assert ws["cells"][3][2][:3] == (dt.datetime(2023, 5, 7), "d", "yyyy-mm-dd")
    assert (ws["dimensions"], ws["freeze"], ws["filter"]) == ("A1:D30", "A4", "A3:D31")  # 28 rows from row 4; 31 has no cell
    assert ws["widths"]["A"] == pytest.approx(10 + 2 + 0.71, abs=0.01)  # capped at the column's 10
    assert ws["widths"]["D"] == pytest.approx(8 + 2 + 0.71, abs=0.01)  # min_width 8
    assert ws["header"] == ("方案 && 页眉", "甲_hostile__1_", "第 &P 页 / 共 &N 页")
    assert b["乙"]["cells"][-1][1][0] == "late" and b["乙"]["dimensions"] == "A1:B5"
    assert b["丙"]["cells"] == [[("没有行", "s", "General", None, "top", False, True, "00000000", None)],
                                [("空", "s", "General", True, "top", False, True, "FFDDEBF7", "thin")]]


def test_the_large_path_keeps_xlsxwriter_s_skeleton(monkeypatch):
    """Styles (the cell formats' xf indexes), workbook, properties: the same bytes; each sheet's
    XML outside <sheetData> too (dimension, panes, widths, filter, page setup)."""
    small, large = map(_members, _both(monkeypatch))
    assert small.keys() == large.keys()
    for name in small.keys() - {"xl/sharedStrings.xml"}:
        if name.startswith("xl/worksheets/"):
            for part in (rb"^.*<sheetData>", rb"</sheetData>.*$"):
                assert re.search(part, small[name], re.DOTALL)[0] == re.search(part, large[name], re.DOTALL)[0], name
        else:
            assert small[name] == large[name], name


def test_the_large_path_gives_the_same_bytes_and_a_valid_zip(monkeypatch):
    _, large = _both(monkeypatch)
    assert xlsx.workbook_bytes(_book()) == large
    with zipfile.ZipFile(io.BytesIO(large)) as z:
        assert z.testzip() is None
        assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert [i.filename for i in z.infolist()][:4] == ["[Content_Types].xml", "_rels/.rels",
                                                          "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml"]


def _data_rows(sheet_xml: bytes, first: int) -> bytes:
    start = sheet_xml.find(b'<row r="%d"' % first)
    end = sheet_xml.index(b"</sheetData>")
    return sheet_xml[start:end] if start >= 0 else b""


def test_the_rows_are_what_xlsxwriter_writes_in_constant_memory_mode(monkeypatch, tmp_path):
    """XlsxWriter's constant-memory mode writes strings inline too: the rows are byte for byte its."""
    import xlsxwriter

    book = _book()
    buf = io.BytesIO()
    writer = xlsxwriter.Workbook(buf, {"constant_memory": True, "tmpdir": str(tmp_path), "strings_to_formulas": False,
                                       "strings_to_urls": False, "strings_to_numbers": False})
    formats = xlsx.Formats(writer)
    for sheet in book.sheets:
        xlsx._write_sheet(writer, xlsx.table_of(sheet), formats, book.header)
    writer.close()
    theirs = _members(buf.getvalue())
    monkeypatch.setattr(xlsx, "CONSTANT_MEMORY_CELLS", 0)
    ours = _members(xlsx.workbook_bytes(book))
    for n, sheet in enumerate(book.sheets, start=1):
        name, first = f"xl/worksheets/sheet{n}.xml", len(sheet.title_lines) + 2
        assert _data_rows(ours[name], first) == _data_rows(theirs[name], first), name
    assert b'<c r="A5" s="4" t="inlineStr"><is><t>=1+1</t></is></c>' not in ours["xl/worksheets/sheet1.xml"]
    assert b'<t xml:space="preserve">  leading spaces</t>' in ours["xl/worksheets/sheet1.xml"]
    assert b"ctrl _x0000__x0001__x0008__x000B__x000C__x001F_ end" in ours["xl/worksheets/sheet1.xml"]
    assert b"_x005F_x0041_ stays literal" in ours["xl/worksheets/sheet1.xml"]
    rows = re.findall(rb'<row r="(\d+)"', ours["xl/worksheets/sheet1.xml"])
    assert rows == [b"%d" % n for n in range(1, 31) if n != 10]  # the row with no cell, 10, is left out, and 31


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
                | st.lists(st.sampled_from(["_x0000_", "_X00AF_", " ", "\n", "\x00", "&", "<", ">", "\ufffe", "é", "宽",
                                            "\t", "\u3000", "\x85", "\xa0", "_x", "😀"])).map("".join), min_size=1, max_size=12))
def test_text_is_escaped_as_xlsxwriter_escapes_it(tmp_path_factory, texts):
    import xlsxwriter

    texts = [s for s in texts if s and not (s.startswith("<r>") and s.endswith("</r>"))] or ["x"]  # nmx writes no ""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"constant_memory": True, "tmpdir": str(tmp_path_factory.getbasetemp()),
                                     "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False})
    ws = book.add_worksheet()
    for r, text in enumerate(texts):
        ws.write_string(r, 0, text)
    book.close()
    sheet = _members(buf.getvalue())["xl/worksheets/sheet1.xml"].decode()
    theirs = re.findall(r"<c [^>]*>(<is>.*?</is>)</c>", sheet, re.DOTALL)
    assert theirs == [sheetxml.text_xml(text) for text in texts]


def test_dates_are_xlsxwriter_s_serial_numbers():
    from xlsxwriter.workbook import Workbook as XWorkbook

    buf = io.BytesIO()
    book = XWorkbook(buf, {"in_memory": True})
    ws = book.add_worksheet()
    days = [dt.date(1899, 12, 31), dt.date(1900, 1, 1), dt.date(1900, 1, 2), dt.date(1900, 2, 28),
            dt.date(1900, 3, 1), dt.date(2023, 5, 7), dt.date(9999, 12, 31)]
    for r, day in enumerate(days):
        ws.write_datetime(r, 0, dt.datetime(day.year, day.month, day.day))
    book.close()
    theirs = re.findall(rb"<v>([^<]*)</v>", _members(buf.getvalue())["xl/worksheets/sheet1.xml"])
    assert theirs == [f"{sheetxml.excel_serial(d):.16G}".encode() for d in days]
    assert theirs[:5] == [b"0", b"0", b"2", b"59", b"61"]


def test_a_table_keeps_rows_to_excel_s_last_and_measures_them_all():
    sheet = Sheet("s", [XCol("t", "字"), XCol("n", "数")],
                  [{"t": "a", "n": 1}, {"t": "bb"}, {"t": "c" * 30, "n": 123456}, {"t": "a", "n": True}])
    table = xlsx.table_of(sheet, room=2)
    assert table.count == 4 and table.values == [["a", "bb"], [1, None]]
    assert table.widths == [30, 6]  # the widest text and number are in rows Excel has no room for
    assert set(table.cells[1]) == {1, None}
    whole = xlsx.table_of(sheet)
    assert whole.values[1] == [1, None, 123456, "✓"] and whole.cells[1]["✓"].kind == "text"


def test_a_workbook_rows_object_is_read_again_each_time():
    made = []

    def tuples():
        made.append(1)
        yield ("甲", 1)

    rows = Rows(["a", "b"], tuples)
    assert list(rows) == [{"a": "甲", "b": 1}] and list(rows) == [{"a": "甲", "b": 1}] and len(made) == 2


@pytest.mark.parametrize("large", [False, True])
def test_text_that_looks_like_xlsxwriter_rich_text_stays_text(monkeypatch, large):
    """XlsxWriter writes a string `<r>…</r>` unescaped, as rich-text XML (markup in the workbook,
    which openpyxl refuses): as a title, a header or a cell, on either path, it stays text."""
    if large:
        monkeypatch.setattr(xlsx, "CONSTANT_MEMORY_CELLS", 0)
    texts = ["<r><t>看似富文本</t></r>", "<r></r>", "<r><bad/></r>", " <r>x</r>"]
    sheet = Sheet("s", [XCol("t", texts[2])], [{"t": text} for text in texts], [texts[1]])
    data = xlsx.workbook_bytes(Workbook([sheet], dt.datetime(2023, 1, 1)))
    ws = _read(data)["s"]["cells"]
    assert [row[0][0] for row in ws] == [texts[1], texts[2], *texts]
    assert b"<bad/>" not in b"".join(_members(data).values())


def test_receipt_texts_that_look_like_rich_text_stay_text(tmp_path):
    """The receipt writes its titles and cells through the same guard."""
    from nmx.render import receipt

    ws_calls: list[tuple] = []

    class Sheet_:
        def write_string(self, *args):
            ws_calls.append(("plain", args))

        def write_rich_string(self, *args):
            ws_calls.append(("rich", args))

    xlsx.write_text(Sheet_(), 0, 0, "<r>x</r>")
    xlsx.write_text(Sheet_(), 0, 1, "普通")
    assert ws_calls == [("rich", (0, 0, "<", "r", ">x</r>")), ("plain", (0, 1, "普通", None))]
    assert receipt.write_text is xlsx.write_text


def test_a_large_plan_workbook_is_the_small_one_read_back(monkeypatch, plan):
    """The shipped plan's workbook through both paths (its rows made by views.workbook.Rows)."""
    from nmx.views.workbook import plan_workbook

    book = plan_workbook(plan, dt.datetime(2023, 1, 1))
    small = xlsx.workbook_bytes(book)
    monkeypatch.setattr(xlsx, "CONSTANT_MEMORY_CELLS", 0)
    large = xlsx.workbook_bytes(book)
    assert large != small and _read(large) == _read(small)
    assert sum(len(ws["cells"]) for name, ws in _read(large).items() if name not in ("names", "props")) > 100
