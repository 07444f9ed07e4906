"""`nmx export xlsx` and the shared workbook helper, read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import openpyxl
import pytest

from tests.conftest import DATA


@pytest.fixture(scope="module")
def book(tmp_path_factory, run):
    out = tmp_path_factory.mktemp("xlsx") / "plan.xlsx"
    r = run("export", "xlsx", "--output", str(out), "--data", str(DATA))
    assert r.exit_code == 0, r.output
    return openpyxl.load_workbook(out)


def _rows(ws, first: int = 3):
    return [[c.value for c in row] for row in ws.iter_rows(min_row=first)]


def test_sheets_and_properties(book):
    assert book.sheetnames == ["任务分工表", "各单位职责", "全年期限"]
    assert book.properties.title == "六安市2023年暖民心行动宣传方案"
    assert book.properties.creator == "六安市民生工作领导小组办公室"
    assert book.properties.created == dt.datetime(2023, 1, 1)


def test_matrix_is_laid_out_like_the_annex(book):
    ws = book["任务分工表"]
    header, *rows = _rows(ws)
    assert header[:4] == ["序号", "主要任务", "牵头责任部门", "配合责任部门"]
    assert [r[0] for r in rows] == list(range(1, 27))  # 14 annex rows + M1–M5 + R1–R7
    assert [r[4] for r in rows[:14]] == [f"A{n}" for n in range(1, 15)]
    assert rows[5][1].startswith("城市公交车在中心城区运营的所有车辆")
    assert (rows[5][2], rows[5][3]) == ("市交通运输局", None)  # the annex leaves row 6's 配合 column empty
    assert rows[13][2] == "中国电信六安分公司、中国移动六安分公司、中国联通六安分公司"
    assert rows[0][3] == "市教体局、市人社局、市卫健委、市民政局、市商务局、市城管局、各县区人民政府、市开发区管委"
    assert rows[14][4] == "M1"
    assert (rows[25][4], rows[25][2]) == ("R7", "各县区各单位")  # the new task 五（一）
    assert (ws.freeze_panes, ws.auto_filter.ref) == ("A4", "A3:H29")


def test_duties_sheet(book):
    ws = book["各单位职责"]
    header, *rows = _rows(ws)
    assert header[:7] == ["单位", "全称", "编号", "任务", "职责", "途径", "适用情况"]
    transport = [r for r in rows if r[0] == "市交通运输局"]
    # A3's focus month is M2's (counted once, under M2): A3 keeps only its own signs and boards; R7 is new
    assert [(r[2], r[4]) for r in transport] == [("M2", "牵头"), ("M2", "牵头"), ("R5", "牵头"), ("R7", "牵头"),
                                                  ("A3", "牵头"), ("A6", "牵头"), ("A6", "牵头")]
    a3 = transport[4]
    assert (a3[5], a3[6]) == ("市民生工作领导小组成员单位", "可能适用")
    assert a3[7] == "门户网站醒目位置设宣传标语，办公区域设宣传展板"
    assert ws.freeze_panes == "A4"


def test_deadlines_sheet_has_working_day_columns(book):
    ws = book["全年期限"]
    header, *rows = _rows(ws)
    assert header[5:9] == ["开始", "截止日", "最后工作日", "节假日"]
    assert len(rows) == 24  # M2 4+4, M3 12, A14 4: A2 and A3 restate M3 and M2, R6 has no date
    assert {r[0] for r in rows} == {"M2", "M3", "A14"}
    by_key = {(r[0], r[6]): r for r in rows}
    m3 = by_key[("M3", dt.datetime(2023, 9, 30))]
    assert (m3[7], m3[8], m3[9], m3[12]) == (dt.datetime(2023, 9, 28), "国庆节", 2, None)
    assert m3[10].startswith("皖西日报社、市广电台、市委宣传部")  # M3's platforms and A2's lead, merged
    report = by_key[("M2", dt.datetime(2023, 6, 7))]
    assert (report[7], report[8], report[12]) == (dt.datetime(2023, 6, 7), None, "市发改委")
    assert ws.cell(row=4, column=7).number_format == "yyyy-mm-dd"


def test_widths_count_chinese_characters_twice(book):
    ws = book["任务分工表"]
    # 牵头责任部门 holds at most "中国电信六安分公司、中国移动六安分公司、中国联通六安分公司" (29 wide chars),
    # capped at 30 display columns, plus 2 of padding
    assert ws.column_dimensions["C"].width == pytest.approx(32 + 0.71, abs=0.01)
    assert ws.column_dimensions["A"].width == pytest.approx(6 + 0.71, abs=0.01)  # 序号: 4 wide + 2


def test_text_width():
    from nmx.render.xlsx import text_width

    assert text_width("市交通运输局") == 12
    assert text_width("A6 公交") == 7
    assert text_width("ab\n中文中文") == 8
    assert text_width("") == 0


def test_same_bytes_every_run(run, tmp_path):
    digests = set()
    for n in range(2):
        out = tmp_path / f"{n}.xlsx"
        assert run("export", "xlsx", "-o", str(out)).exit_code == 0
        digests.add(hashlib.sha256(out.read_bytes()).hexdigest())
    assert len(digests) == 1


def test_hostile_strings_are_plain_text(run, tmp_path, hostile_data):
    out = tmp_path / "h.xlsx"
    r = run("export", "xlsx", "-o", str(out), "--data", str(hostile_data))
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(out)
    cells = {c.value: c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    script = cells["<script>alert(1)</script>"]
    assert script.data_type == "s" and not script.quotePrefix
    for text in ("=1+1", "@SUM(A1:A2)", "-2+3"):
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text
    assert not any(c.data_type == "f" for ws in wb for row in ws.iter_rows() for c in row)


def test_workbook_helper_guards_and_types():
    from nmx.render import Format, render
    from nmx.views.workbook import Sheet, Workbook, XCol

    sheet = Sheet("a/b:c", [XCol("t", "文字"), XCol("d", "日期"), XCol("n", "数")],
                  [{"t": "+cmd|' /C calc'!A0", "d": dt.date(2023, 5, 7), "n": 3}, {"t": ["甲", "乙"]}])
    data = render(Workbook([sheet], dt.datetime(2023, 1, 1)), Format.XLSX)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws.title == "a_b_c"
    assert ws["A2"].value == "+cmd|' /C calc'!A0" and ws["A2"].quotePrefix
    assert ws["B2"].value == dt.datetime(2023, 5, 7) and ws["C2"].value == 3
    assert ws["A3"].value == "甲、乙"
    assert (ws.freeze_panes, ws.auto_filter.ref) == ("A2", "A1:C3")


def test_output_errors(run, tmp_path):
    r = run("export", "xlsx", "-o", str(tmp_path / "missing" / "x.xlsx"))
    assert r.exit_code == 2 and "输出目录不存在" in r.output
    r = run("export", "xlsx", "-o", str(tmp_path))
    assert r.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_a_large_workbook_is_written_row_by_row_with_the_same_cells(monkeypatch):
    """Above CONSTANT_MEMORY_CELLS XlsxWriter's constant-memory mode writes the rows (strings
    inline): every sheet, cell value, column width, freeze and filter as in the in-memory book."""
    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import locate
    from nmx.render import xlsx
    from nmx.views.workbook import plan_workbook

    plan = load_plan(locate(DATA))
    book = plan_workbook(plan, dt.datetime(2023, 1, 1))
    small = xlsx.workbook_bytes(book)
    monkeypatch.setattr(xlsx, "CONSTANT_MEMORY_CELLS", 0)
    large = xlsx.workbook_bytes(book)
    assert large != small and b"inlineStr" in _member(large, "xl/worksheets/sheet2.xml")
    assert large == xlsx.workbook_bytes(book)  # reproducible too
    a, b = openpyxl.load_workbook(io.BytesIO(small)), openpyxl.load_workbook(io.BytesIO(large))
    assert a.sheetnames == b.sheetnames
    for wa, wb in zip(a.worksheets, b.worksheets):
        assert [[c.value for c in row] for row in wa.iter_rows()] == [[c.value for c in row] for row in wb.iter_rows()]
        assert {k: d.width for k, d in wa.column_dimensions.items()} == {k: d.width for k, d in wb.column_dimensions.items()}
        assert (wa.freeze_panes, wa.auto_filter.ref) == (wb.freeze_panes, wb.auto_filter.ref)
        assert [[c.number_format for c in row] for row in wa.iter_rows()] == [[c.number_format for c in row] for row in wb.iter_rows()]


def _member(data: bytes, name: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name)
