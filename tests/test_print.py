"""Print and file (issue 12, point 7): xlsx page setup, printed checklists, docx attachments."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

CL = ("checklist", "-d", "市交通运输局", "-m", "2023-05", "--today", "2023-05-10")
STATUS = ("status", "--month", "2023-05", "--today", "2023-06-08")
OVERDUE = ("overdue", "--today", "2023-09-10")


def _file(run, tmp_path: Path, args, fmt: str) -> bytes:
    out = tmp_path / f"out.{fmt}"
    result = run(*args, "-f", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    return out.read_bytes()


# --- xlsx ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("args", [CL, STATUS, OVERDUE], ids=["checklist", "status", "overdue"])
def test_xlsx_prints_a4_landscape_one_page_wide_with_headers_on_every_page(run, tmp_path, args):
    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(_file(run, tmp_path, args, "xlsx"))).active
    setup = ws.page_setup
    assert setup.orientation == "landscape"
    assert str(setup.paperSize) == "9"  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0  # one page wide, as many long as needed
    header_row = next(r for r in range(1, 10) if ws.cell(r, 1).font.b and ws.cell(r, 1).fill.fgColor.rgb.endswith("DDEBF7"))
    assert ws.print_title_rows == f"${header_row}:${header_row}"
    assert ws.oddHeader.left.text == "六安市2023年暖民心行动宣传方案"
    assert ws.oddHeader.right.text == ws.title
    assert ws.oddFooter.center.text == "第 &P 页 / 共 &N 页"


def test_xlsx_checklist_leaves_room_to_write(run, tmp_path):
    import openpyxl
    from openpyxl.utils import get_column_letter

    ws = openpyxl.load_workbook(io.BytesIO(_file(run, tmp_path, CL, "xlsx"))).active
    heads = {ws.cell(3, c).value: get_column_letter(c) for c in range(1, ws.max_column + 1)}
    widths = {label: ws.column_dimensions[heads[label]].width for label in ("落实情况", "检查人", "检查日期")}
    assert widths["落实情况"] >= 40 and widths["检查人"] >= 16 and widths["检查日期"] >= 14, widths


def test_xlsx_header_doubles_ampersands():
    from nmx.render.xlsx import _header_field

    assert _header_field("&L", "A&B", 120) == "&LA&&B"


# --- printed checklist (HTML) ---------------------------------------------------------------------
def test_printed_checklist_names_unit_and_month_on_every_page(run):
    from nmx.render.html import CSS

    html = run(*CL, "-f", "html").stdout
    tables = re.findall(r"<table class=\"stack checklist[^\"]*\">(.*?)</table>", html, re.S)
    assert len(tables) >= 2  # the dated items and the standing work
    for body in tables:
        thead = re.search(r"<thead>(.*?)</thead>", body, re.S).group(1)
        running = re.search(r'<tr class="running"><th colspan="(\d+)">(.*?)</th></tr>', thead)
        assert running, thead
        assert "市交通运输局" in running.group(2) and "2023年5月" in running.group(2)
        assert int(running.group(1)) == thead.count('scope="col"')
        assert thead.rstrip().endswith("<th scope=\"col\">落实情况</th></tr>")
    print_css = CSS[CSS.index("@media print"):]
    assert "thead{display:table-header-group}" in print_css and "tr.running{display:table-row}" in print_css
    assert "tr.running{display:none}" in CSS[:CSS.index("@media print")]  # on screen the heading says it once
    assert re.search(r"table\.checklist td:last-child\{width:28%;min-width:12em\}", print_css)


# --- docx -----------------------------------------------------------------------------------------
def _doc(raw: bytes):
    import docx

    return docx.Document(io.BytesIO(raw))


def _rows(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def _heading(doc) -> list[str]:
    return [p.text for p in doc.paragraphs[:4]]


def test_docx_checklist_is_a_gongwen_attachment(run, tmp_path):
    from docx.shared import Mm

    raw = _file(run, tmp_path, CL, "docx")
    doc = _doc(raw)
    assert _heading(doc) == ["附件", "六安市2023年暖民心行动宣传方案", "六民生办〔2023〕3号", "市交通运输局 · 2023年5月 自查清单"]
    dated = _rows(doc.tables[0])
    assert dated[0] == ["完成", "截止日", "编号", "事项", "职责", "出处", "落实情况"]
    assert ["☐", "05-31", "M2"] == dated[1][:3] and "策划开展主题宣传活动" in dated[1][3] and dated[1][-1] == ""
    assert doc.tables[0].rows[0]._tr.trPr.xpath("./w:tblHeader")  # the header row repeats on every page
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    assert doc.styles["Normal"].element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋"
    assert doc.core_properties.created.date().isoformat() == "2023-01-01"
    assert doc.core_properties.modified == doc.core_properties.created
    assert _file(run, tmp_path, CL, "docx") == raw  # the same bytes for the same input


def test_docx_status_and_overdue(run, tmp_path):
    status = _doc(_file(run, tmp_path, STATUS, "docx"))
    assert _heading(status)[:3] == ["附件", "六安市2023年暖民心行动宣传方案", "六民生办〔2023〕3号"]
    assert _heading(status)[3].startswith("完成情况 2023-05-01 至 2023-05-31")
    rows = _rows(status.tables[0])
    assert rows[0] == ["截止", "单位", "事项", "周期", "状态", "灯"]
    assert ["2023-05-31", "中国电信六安分公司", "A14/focus", "2023-05", "逾期", "红灯"] in rows
    overdue = _doc(_file(run, tmp_path, OVERDUE, "docx"))
    assert _heading(overdue)[3] == "督查清单（截至 2023-09-10）：26 个单位 148 项逾期未完成"
    rows = _rows(overdue.tables[0])
    assert rows[0] == ["单位", "截止", "逾期", "事项", "周期", "完成/要求"]
    assert rows[1] == ["皖西日报社", "2023-01-31", "222 天", "M3/special_reports", "2023-01", "0/2"]


def test_docx_goes_to_a_pipe_not_a_terminal(run):
    result = run(*STATUS, "-f", "docx")
    assert result.exit_code == 0
    assert result.stdout_bytes[:2] == b"PK"  # the runner's stdout is a pipe
    from nmx.render import Format, formats_of

    assert Format.DOCX in formats_of("Checklists") and formats_of("Paper") == (Format.DOCX,)
