"""`nmx import`: a plan folder drafted from the plan's document (.txt, .docx, .xlsx, .csv)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLAN_TXT = ROOT / "data" / "source" / "plan.txt"
HEADER = ["序号", "主要任务", "牵头责任部门", "配合责任部门"]


def _load(folder: Path):
    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import DataSource

    return load_plan(DataSource(folder, "argument"))


def _ids(plan, names) -> list[str]:
    refs = [plan.resolve(n) for n in names]
    assert None not in refs, names
    return [r.id for r in refs]


def _annex(plan) -> dict[int, tuple]:
    """序号 → (text, lead ids, support ids) of the plan's annex rows."""
    from nmx.duties.annex import annex_number, annex_rows

    return {annex_number(r.source): (r.text, _ids(plan, r.lead), _ids(plan, r.support))
            for r in annex_rows(plan) if annex_number(r.source) is not None}


def _lines() -> list[str]:
    return PLAN_TXT.read_text(encoding="utf-8").split("\n")


def _rows() -> list[list[str]]:
    """The annex table of plan.txt: its rows under the header (the repeated header left out)."""
    return [line.split("\t") for line in _lines() if re.match(r"^\d+\t", line)]


def _import(run, document: Path, out: Path, *more: str):
    result = run("import", str(document), "-o", str(out), *more)
    assert result.exit_code == 0, result.output
    return result


def test_the_seed_document_gives_back_the_shipped_annex_by_unit_id(run, tmp_path, plan):
    result = _import(run, PLAN_TXT, tmp_path / "草稿")
    drafted = _load(tmp_path / "草稿")
    assert _annex(drafted) == _annex(plan)  # the 14 rows: text as written, lead and support by unit id
    assert len(_annex(drafted)) == 14
    meta = drafted.meta
    assert (meta.title, meta.doc_number, meta.issuer, meta.year) == (
        plan.meta.title, plan.meta.doc_number, plan.meta.issuer, plan.meta.year)
    assert meta.issuer_short == "市民生办" and meta.needs_review  # the period is assumed
    assert "22 项任务" in result.output and "处待核对" in result.output  # 14 rows, 5 + 3 numbered items
    assert (tmp_path / "草稿" / "source" / "plan.txt").read_bytes() == PLAN_TXT.read_bytes()
    # every clause a task cites is a clause of the copied text
    assert run("source", "附件14", "--data", str(tmp_path / "草稿")).exit_code == 0
    assert [c.source for c in meta.channels] == ["三（一）", "三（二）", "三（三）", "三（四）"]


def test_the_draft_validates_with_a_warning_for_each_guess_and_fails_strict(run, tmp_path):
    _import(run, PLAN_TXT, tmp_path / "d")
    checked = run("validate", str(tmp_path / "d"))
    assert checked.exit_code == 0, checked.output
    warnings = [line for line in checked.output.splitlines() if "[needs-review]" in line]
    assert warnings and all("warning" in line for line in warnings)
    assert any("四（二）" not in w and "plan" in w for w in warnings)
    assert run("validate", str(tmp_path / "d"), "--strict").exit_code == 1


def test_the_dated_rules_of_four_two_and_four_three_are_found(run, tmp_path):
    _import(run, PLAN_TXT, tmp_path / "d")
    drafted = _load(tmp_path / "d")
    focus, report = drafted.task_by_id["C4.2"].schedules
    assert drafted.task_by_id["C4.2"].source == "四（二）"
    assert (focus.kind, focus.rrule, focus.span.value) == ("window", "FREQ=MONTHLY;BYMONTH=2,5,8,11;BYMONTHDAY=1", "month")
    assert "每季度第二个月" in focus.needs_review and focus.source == "四（二）"
    assert (report.kind, report.after, report.due.months, report.due.day) == ("deadline", focus.id, 1, 7)
    assert "次月7日前" in report.needs_review
    (quota,) = drafted.task_by_id["C4.3"].schedules
    assert (quota.kind, quota.count) == ("quota", 2) and quota.source == "四（三）"
    assert [s.kind for s in drafted.task_by_id["C4.4"].schedules] == ["irregular"]
    # 附件 序号3 restates the focus month
    assert [s.rrule for s in drafted.task_by_id["A3"].schedules] == [focus.rrule]


def _docx(path: Path) -> None:
    """plan.txt as a Word file: its paragraphs, and the annex as a real table with the header repeated
    after row 5, row 1's support units on several lines and row 10's support cell merged into row 9's."""
    import docx

    document = docx.Document()
    rows = _rows()
    for line in _lines():
        if "\t" not in line and line.strip():
            document.add_paragraph(line.strip())
    table = document.add_table(rows=0, cols=4)
    for cells in [HEADER, *rows[:5], HEADER, *rows[5:]]:
        row = table.add_row().cells
        for cell, text in zip(row, cells + [""] * (4 - len(cells))):
            cell.text = text
    body = table.rows
    body[1].cells[3].text = rows[0][3].replace("、", "\n")  # units on several lines
    assert rows[8][3] == rows[9][3]  # 序号9 and 10 have the same support units: one merged cell
    nine, ten = body[10].cells[3], body[11].cells[3]
    ten.text = ""
    nine.merge(ten)
    document.save(path)


def test_a_word_document_with_a_real_table(run, tmp_path, plan):
    source = tmp_path / "方案.docx"
    _docx(source)
    _import(run, source, tmp_path / "d")
    drafted = _load(tmp_path / "d")
    assert _annex(drafted) == _annex(plan)
    assert drafted.meta.doc_number == "六民生办〔2023〕3号"
    assert drafted.task_by_id["C4.2"].schedules[0].rrule.startswith("FREQ=MONTHLY;BYMONTH=2,5,8,11")
    assert "附件" in drafted.task_by_id["A10"].source


def _xlsx(path: Path) -> None:
    """The annex as a sheet: a title row, the header repeated after row 7, row 2's lead units on
    several lines, and 序号9's support cell merged over 序号10's (openpyxl keeps only the top-left value)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["六安市2023年暖民心行动宣传任务分工表"])
    sheet.append(HEADER)
    rows = _rows()
    for i, cells in enumerate(rows):
        if i == 7:
            sheet.append(HEADER)
        sheet.append([int(cells[0]), *cells[1:]])
    sheet.cell(row=4, column=3).value = rows[1][2].replace(" ", "\n")  # 序号2's lead: one unit a line
    nine = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == 9)
    sheet.merge_cells(start_row=nine, start_column=4, end_row=nine + 1, end_column=4)
    assert sheet.cell(row=nine + 1, column=4).value is None
    book.save(path)


def test_an_annex_kept_as_a_sheet(run, tmp_path, plan):
    source = tmp_path / "分工表.xlsx"
    _xlsx(source)
    _import(run, source, tmp_path / "d")
    drafted = _load(tmp_path / "d")
    assert _annex(drafted) == _annex(plan)
    assert drafted.meta.title == "六安市2023年暖民心行动宣传任务分工表" and drafted.meta.year == 2023
    assert "文号" in drafted.meta.needs_review  # an annex alone carries no document number
    assert run("validate", str(tmp_path / "d")).exit_code == 0


def test_an_unknown_unit_and_a_group_phrase_are_drafted_for_review(run, tmp_path):
    source = tmp_path / "表.csv"
    source.write_text("2023年任务表\n序号,工作任务,牵头单位,配合单位,完成时限\n"
                      "1,开展宣传。,市交通局；市交通运揄局,各乡镇人民政府、市发改委、文旅局,6月30日前\n"
                      "序号,工作任务,牵头单位,配合单位,完成时限\n"
                      "2,长期坚持宣传。,,市民生工作领导小组成员单位,\n", encoding="utf-8")
    _import(run, source, tmp_path / "d")
    drafted = _load(tmp_path / "d")
    one = drafted.task_by_id["A1"]
    assert one.lead == ("市交通局", "市交通运揄局")  # an alias as written; a misspelt name kept, as a new unit
    new = drafted.unit_by_id[drafted.resolve("市交通运揄局").id]
    assert "市交通运输局" in new.needs_review  # the closest known name as the hint
    assert one.support == ("各乡镇人民政府", "市发改委", "市文旅局")  # 文旅局: the city prefix folded, and said
    assert "原文写作“文旅局”" in one.note
    group = drafted.group_by_id[drafted.resolve("各乡镇人民政府").id]
    assert group.needs_review and not group.members_listed
    assert drafted.resolve("市民生工作领导小组成员单位").id == "leading_group"  # a known group stays itself
    (due,) = one.schedules
    assert (due.kind, str(due.date)) == ("once", "2023-06-30")
    two = drafted.task_by_id["A2"]
    assert two.needs_review and [s.kind for s in two.schedules] == ["standing"]
    assert two.lead == ("待定牵头单位",) and drafted.unit_by_id[drafted.resolve("待定牵头单位").id].needs_review
    assert len(drafted.tasks) == 2  # the repeated header is not a task
    checked = run("validate", str(tmp_path / "d"))
    assert checked.exit_code == 0 and "市交通运揄局" in checked.output


def test_units_from_another_registry(run, tmp_path):
    import shutil

    registry = tmp_path / "名册"
    shutil.copytree(ROOT / "data", registry)
    path = registry / "departments.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "units:\n", "units:\n  - {id: roads, name: 市公路局, full_name: 六安市公路管理局, kind: government}\n", 1),
        encoding="utf-8")
    source = tmp_path / "表.csv"
    source.write_text("序号,主要任务,责任单位\n1,路边标牌。,市公路局\n", encoding="utf-8")
    _import(run, source, tmp_path / "a", "--units", str(registry))
    assert _load(tmp_path / "a").unit_by_id["roads"].needs_review is None
    _import(run, source, tmp_path / "b")  # the bundled registry does not know it
    assert _load(tmp_path / "b").resolve("市公路局").id.startswith("new")
    empty = tmp_path / "空"
    empty.mkdir()
    refused = run("import", str(source), "-o", str(tmp_path / "c"), "--units", str(empty))
    assert refused.exit_code == 2 and "departments.yaml" in refused.output and "Traceback" not in refused.output


def test_the_review_page_is_escaped_and_shows_the_warnings(run, tmp_path):
    source = tmp_path / "表.csv"
    source.write_text("序号,主要任务,牵头责任部门\n1,<script>alert(1)</script>每月至少两次。,<b>局</b>\n", encoding="utf-8")
    _import(run, source, tmp_path / "d", "--review", str(tmp_path / "核对.html"))
    page = (tmp_path / "核对.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>局</b>" not in page and "&lt;b&gt;局&lt;/b&gt;" in page
    assert "每月至少两次" in page and "待核对" in page


def test_nothing_is_overwritten_and_bad_input_is_a_usage_error(run, tmp_path):
    taken = tmp_path / "已有"
    taken.mkdir()
    (taken / "mine.txt").write_text("my notes", encoding="utf-8")
    refused = run("import", str(PLAN_TXT), "-o", str(taken))
    assert refused.exit_code == 2 and "不为空" in refused.output
    assert sorted(p.name for p in taken.iterdir()) == ["mine.txt"]
    empty = tmp_path / "空"
    empty.mkdir()
    _import(run, PLAN_TXT, empty)  # an empty folder is fine
    for name, data in (("a.pdf", b"%PDF"), ("b.docx", b"not a zip"), ("c.txt", "无表格的文字".encode()),
                       ("d.txt", b"\xff\xfe\x00bad")):
        (tmp_path / name).write_bytes(data)
        result = run("import", str(tmp_path / name), "-o", str(tmp_path / f"out-{name}"))
        assert result.exit_code == 2, (name, result.output)
        assert "Traceback" not in result.output and not (tmp_path / f"out-{name}").exists()
    assert run("import", str(PLAN_TXT), "-o", str(tmp_path / "e"), "--review", str(tmp_path / "r.txt")).exit_code == 2
    missing = run("import", str(tmp_path / "无.txt"), "-o", str(tmp_path / "f"))
    assert missing.exit_code == 2 and "无.txt" in missing.output and "source_document" not in missing.output


@pytest.mark.parametrize(("text", "kinds"), [
    ("每季度第三个月开展。", [("window", "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=1")]),
    ("每半年报送一次。", [("window", "FREQ=MONTHLY;BYMONTH=1,7;BYMONTHDAY=1")]),
    ("每年评选。", [("window", "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1")]),
    ("每月通报。", [("window", "FREQ=MONTHLY;BYMONTHDAY=1")]),
    ("每季度召开。", [("window", "FREQ=MONTHLY;BYMONTH=1,4,7,10;BYMONTHDAY=1")]),
    ("年底前完成。", [("once", "2023-12-31")]),
    ("11月15日前报送。", [("once", "2023-11-15")]),
    ("不定期抽查，常态化推进。", [("irregular", None), ("standing", None)]),
    ("长期坚持。", [("standing", None)]),
    ("次月5日前报送。", [("undated", None)]),  # no window for it to follow
    ("每月至少开展3次。", [("quota", "FREQ=MONTHLY;BYMONTHDAY=1")]),
])
def test_date_phrases(text, kinds):
    from nmx.drafts.dates import schedules

    found = schedules(text, 2023, "四（一）", {"phrase": "由“{phrase}”", "alone": "孤立“{phrase}”"})
    got = [(s["kind"], s.get("rrule") or (str(s["date"]) if "date" in s else None)) for s in found]
    assert got == kinds
    assert all(s["source"] == "四（一）" and s["note"] in text and s["needs_review"] for s in found)


def test_unit_cells_split_on_every_separator():
    from nmx.drafts.tables import split_units

    assert split_units("市委宣传部 市发改委、市教体局，市人社局；市卫健委\n市民政局,市商务局;市城管局") == [
        "市委宣传部", "市发改委", "市教体局", "市人社局", "市卫健委", "市民政局", "市商务局", "市城管局"]


def test_numbered_items_under_a_section_or_an_item_are_tasks_of_their_own(run, tmp_path):
    source = tmp_path / "方案.txt"
    source.write_text("某县民生工作领导小组办公室关于印发 某县2024年宣传方案的通知\n\n某县 2024 年宣传方案\n\n"
                      "一、主要任务\n\n（一）开展宣传。\n\n1.制作标语。市交通局负责，每月通报。\n\n2.集中宣传。年底前完成。\n\n"
                      "二、工作要求\n\n1.加强领导。市发改委会同市委宣传部负责统筹。\n\n"
                      "附件：分工表\n\n序号\t工作任务\t责任单位\n1\t制作标语。\t市交通局\n", encoding="utf-8")
    _import(run, source, tmp_path / "d")
    drafted = _load(tmp_path / "d")
    assert [(tk.id, tk.source) for tk in drafted.tasks] == [
        ("C1.1.1", "一（一）1."), ("C1.1.2", "一（一）2."), ("C2.1", "二1."), ("A1", "附件 序号1")]
    one, two, three, _ = drafted.tasks
    assert one.lead == ("市交通局",) and [s.kind for s in one.schedules] == ["window"]
    assert two.lead == ("某县民生工作领导小组办公室",) and two.needs_review  # no unit named: the issuer, to review
    assert str(two.schedules[0].date) == "2024-12-31" and drafted.meta.year == 2024
    assert three.lead == ("市发改委",) and three.support == ("市委宣传部",)  # 会同 …: a supporting unit
    issuer = drafted.unit_by_id[drafted.resolve("某县民生工作领导小组办公室").id]
    assert issuer.needs_review and "文号" in drafted.meta.needs_review
