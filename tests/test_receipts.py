"""Receipts (回执, issue 15 part 1): `nmx export receipt` and `nmx import records`, round trip and hostile files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import DATA

TODAY = "2023-06-10"
HEADER_ROW = 3  # 1: title, 2: instruction


def _export(run, data: Path, dept: str, out: Path, month: str = "2023-05") -> Path:
    result = run("export", "receipt", "--dept", dept, "--month", month, "-o", str(out), "--data", str(data))
    assert result.exit_code == 0, result.output
    return out


def _columns(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[HEADER_ROW] if c.value}


def _fill(path: Path, values: dict[int, tuple], out: Path | None = None) -> Path:
    """Row n (1-based under the header) → (完成日期, 佐证, 说明), written as a person would in Excel."""
    wb = openpyxl.load_workbook(path)
    ws = wb["回执"]
    cols = _columns(ws)
    for n, (day, evidence, note) in values.items():
        row = HEADER_ROW + n
        ws.cell(row, cols["完成日期"]).value = day
        ws.cell(row, cols["佐证（链接或文件名）"]).value = evidence
        ws.cell(row, cols["说明"]).value = note
    target = out or path
    wb.save(target)
    return target


def _import(run, data: Path, *files: Path, more=(), code: int = 0):
    result = run("import", "records", *map(str, files), "--today", TODAY, "--data", str(data), "-f", "json", *more)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return json.loads(result.stdout)


def _status(run, data: Path, dept: str) -> dict[tuple, dict]:
    result = run("status", "--month", "2023-05", "--dept", dept, "--today", TODAY, "--data", str(data), "-f", "json")
    assert result.exit_code == 0, result.output
    return {(i["task"], i["item"], i["period"]): i for i in json.loads(result.stdout)["items"]}


# --- round trip -------------------------------------------------------------------------------------
def test_a_filled_receipt_comes_back_as_records_and_status_shows_them_done(run, plan_copy, tmp_path):
    media = _fill(_export(run, plan_copy, "皖西日报社", tmp_path / "媒体.xlsx"),
                  {1: (dt.date(2023, 5, 10), "https://a.example/1", None), 2: ("2023/5/20", "报道2.pdf", "头版")})
    county = _fill(_export(run, plan_copy, "金安区", tmp_path / "金安.xlsx"), {1: ("2023年5月18日", None, None)})
    before = _status(run, plan_copy, "皖西日报社")[("M3", "special_reports", "2023-05")]
    assert (before["done"], before["state"]) == (0, "overdue")
    doc = _import(run, plan_copy, media, county)
    assert doc["kind"] == "import-records/1" and doc["dry_run"] is False
    assert [(f["added"], f["skipped"], f["errors"]) for f in doc["files"]] == [(2, 0, []), (1, 0, [])]
    assert doc["files"][0]["records"][1] == {"task": "M3", "item": "special_reports", "period": "2023-05",
                                             "dept": "皖西日报社", "date": "2023-05-20", "evidence": "报道2.pdf",
                                             "note": "头版", "unit": "wxdaily"}
    after = _status(run, plan_copy, "皖西日报社")[("M3", "special_reports", "2023-05")]
    assert (after["done"], after["required"], after["state"]) == (2, 2, "done")
    assert after["dates"] == ["2023-05-10", "2023-05-20"]
    jinan = _status(run, plan_copy, "金安区")[("M2", "focus", "2023-05")]
    assert (jinan["state"], jinan["dates"]) == ("done", ["2023-05-18"])


def test_the_receipt_rows_are_what_status_owes(run, plan_copy, tmp_path):
    path = _export(run, plan_copy, "皖西日报社", tmp_path / "r.xlsx")
    ws = openpyxl.load_workbook(path)["回执"]
    cols = _columns(ws)
    rows = [[ws.cell(r, cols[k]).value for k in ("序号", "任务", "事项", "周期", "nmx:task", "nmx:index", "nmx:unit")]
            for r in range(HEADER_ROW + 1, ws.max_row + 1)]
    assert rows == [[1, "M3/special_reports", "完成暖民心行动专题报道（第1次，共2次）", "2023-05", "M3", "1", "wxdaily"],
                    [2, "M3/special_reports", "完成暖民心行动专题报道（第2次，共2次）", "2023-05", "M3", "1", "wxdaily"]]
    assert "皖西日报社" in ws["A1"].value and "2023-05" in ws["A1"].value and "交回市民生办" in ws["A2"].value
    assert ws.cell(HEADER_ROW + 1, cols["依据"]).value == "M3、A2（四（三））"
    assert ws.cell(HEADER_ROW + 1, cols["截止日期"]).value == dt.datetime(2023, 5, 31)


def test_a_second_import_adds_nothing_and_counts_the_skipped(run, plan_copy, tmp_path):
    path = _fill(_export(run, plan_copy, "皖西日报社", tmp_path / "r.xlsx"),
                 {1: (dt.date(2023, 5, 10), "a.pdf", None), 2: (dt.date(2023, 5, 11), "b.pdf", None)})
    assert _import(run, plan_copy, path)["files"][0]["added"] == 2
    raw = (plan_copy / "records.yaml").read_bytes()
    again = _import(run, plan_copy, path)["files"][0]
    assert (again["added"], again["skipped"], again["records"]) == (0, 2, [])
    assert (plan_copy / "records.yaml").read_bytes() == raw
    # already recorded dates are shown on the next month's form of the same obligation
    ws = openpyxl.load_workbook(_export(run, plan_copy, "皖西日报社", tmp_path / "再.xlsx"))["回执"]
    assert ws.cell(HEADER_ROW + 1, _columns(ws)["已登记"]).value == "2023-05-10、2023-05-11"


def test_a_duplicate_within_one_file_is_skipped(run, plan_copy, tmp_path):
    path = _fill(_export(run, plan_copy, "皖西日报社", tmp_path / "r.xlsx"),
                 {1: (dt.date(2023, 5, 10), "a.pdf", None), 2: (dt.date(2023, 5, 10), "a.pdf", "同一篇")})
    entry = _import(run, plan_copy, path)["files"][0]
    assert (entry["added"], entry["skipped"]) == (1, 1)


def test_comments_and_hand_entries_stay_byte_for_byte(run, plan_copy, tmp_path):
    records = plan_copy / "records.yaml"
    old = ("# 手工维护的记录\nrecords:\n  - task: M2\n    item: focus\n    period: \"2023-05\"\n"
           "    dept: 裕安区\n    date: 2023-05-12  # 现场活动\n")
    records.write_text(old, encoding="utf-8")
    path = _fill(_export(run, plan_copy, "金安区", tmp_path / "r.xlsx"), {1: (dt.date(2023, 5, 18), None, None)})
    assert _import(run, plan_copy, path)["files"][0]["added"] == 1
    text = records.read_text(encoding="utf-8")
    assert text.startswith(old) and text[len(old):] == ('  - task: "M2"\n    item: "focus"\n    period: "2023-05"\n'
                                                        '    dept: "金安区人民政府"\n    date: 2023-05-18\n')


def test_dry_run_writes_nothing(run, plan_copy, tmp_path):
    records = plan_copy / "records.yaml"
    records.write_text("# 记录\nrecords: []\n", encoding="utf-8")
    raw = records.read_bytes()
    path = _fill(_export(run, plan_copy, "皖西日报社", tmp_path / "r.xlsx"), {1: (dt.date(2023, 5, 10), "a", None)})
    doc = _import(run, plan_copy, path, more=("--dry-run",))
    assert doc["dry_run"] is True and doc["files"][0]["added"] == 1 and doc["files"][0]["records"][0]["date"] == "2023-05-10"
    assert records.read_bytes() == raw
    table = run("import", "records", str(path), "--dry-run", "--today", TODAY, "--data", str(plan_copy))
    assert table.exit_code == 0 and "试运行" in table.stdout and "将登记：" in table.stdout
    assert records.read_bytes() == raw


# --- errors: a file with any error adds nothing -------------------------------------------------------------
def test_a_bad_date_adds_nothing_from_its_file_and_names_the_cell(run, plan_copy, tmp_path):
    bad = _fill(_export(run, plan_copy, "皖西日报社", tmp_path / "坏.xlsx"),
                {1: (dt.date(2023, 5, 10), "a", None), 2: ("五月二十日", "b", None)})
    good = _fill(_export(run, plan_copy, "金安区", tmp_path / "好.xlsx"), {1: (dt.date(2023, 5, 18), None, None)})
    doc = _import(run, plan_copy, bad, good, code=1)
    errors = doc["files"][0]["errors"]
    assert [(e["sheet"], e["cell"]) for e in errors] == [("回执", "J5")] and "五月二十日" in errors[0]["message"]
    assert doc["files"][0]["added"] == 0 and doc["files"][1]["added"] == 1  # the other file is imported
    assert "2023-05-10" not in (plan_copy / "records.yaml").read_text(encoding="utf-8")
    table = run("import", "records", str(bad), "--today", TODAY, "--data", str(plan_copy))
    assert table.exit_code == 1 and "坏.xlsx:回执!J5: 无法识别的日期“五月二十日”（应为 YYYY-MM-DD" in table.stderr
    assert "1 个文件有错误" in table.stderr and "1 个文件有错误" in table.stdout


@pytest.mark.parametrize("value, says", [
    ("=TODAY()", "不接受公式"),
    (dt.date(2023, 6, 11), "晚于今天 2023-06-10"),
    (dt.date(2022, 12, 31), "早于方案期间开始"),
    (True, "无法识别的日期"),
    ("下周", "无法识别的日期“下周”"),
])
def test_date_cells_that_are_refused(run, plan_copy, tmp_path, value, says):
    path = _fill(_export(run, plan_copy, "金安区", tmp_path / "r.xlsx"), {1: (value, None, None)})
    errors = _import(run, plan_copy, path, code=1)["files"][0]["errors"]
    assert len(errors) == 1 and errors[0]["cell"] == "J4" and says in errors[0]["message"], errors


def _edit(path: Path, cell_of, value) -> Path:
    wb = openpyxl.load_workbook(path)
    ws = wb["回执"]
    ws.cell(HEADER_ROW + 1, _columns(ws)[cell_of]).value = value
    wb.save(path)
    return path


@pytest.mark.parametrize("column, value, says", [
    ("nmx:unit", "yuan", "隐藏编号（nmx:unit）被改动"),
    ("nmx:task", "M9", "隐藏编号（nmx:task）被改动"),
    ("nmx:index", "1", "隐藏编号（nmx:task）被改动"),
    ("nmx:period", "2023-08", "应为“2023-08”"),
    ("任务", "M2/report", "应为“M2/focus”"),
])
def test_tampered_ids_are_refused(run, plan_copy, tmp_path, column, value, says):
    path = _fill(_export(run, plan_copy, "金安区", tmp_path / "r.xlsx"), {1: (dt.date(2023, 5, 18), None, None)})
    errors = _import(run, plan_copy, _edit(path, column, value), code=1)["files"][0]["errors"]
    assert len(errors) == 1 and says in errors[0]["message"], errors


def test_a_receipt_of_another_plan_is_refused(run, plan_copy, tmp_path):
    path = _fill(_export(run, plan_copy, "金安区", tmp_path / "r.xlsx"), {1: (dt.date(2023, 5, 18), None, None)})
    other = tmp_path / "other"
    import shutil

    shutil.copytree(plan_copy, other)
    tasks = other / "tasks.yaml"
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("六民生办〔2023〕3号", "六民生办〔2023〕9号"), encoding="utf-8")
    doc = _import(run, other, path, code=1)
    assert doc["files"][0]["errors"] == [{"file": doc["files"][0]["file"], "sheet": None, "cell": None,
                                          "message": "这是另一份方案（六民生办〔2023〕3号）的回执，当前方案是 六民生办〔2023〕9号"}]
    assert not (other / "records.yaml").exists()


def test_a_row_without_a_date_is_left_alone(run, plan_copy, tmp_path):
    path = _fill(_export(run, plan_copy, "皖西日报社", tmp_path / "r.xlsx"), {2: (None, "草稿.docx", "下周发")})
    entry = _import(run, plan_copy, path)["files"][0]
    assert (entry["added"], entry["skipped"], entry["errors"]) == (0, 0, [])
    assert not (plan_copy / "records.yaml").exists()




# --- csv, as Excel on Chinese Windows saves it -------------------------------------------------------------
def _as_csv(path: Path, values: dict[int, str]) -> str:
    """The receipt's sheet as Excel's "CSV" would hold it: every row, dates as text, hidden columns too."""
    ws = openpyxl.load_workbook(path)["回执"]
    date_col = _columns(ws)["完成日期"]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = ["" if v is None else v.strftime("%Y/%m/%d") if isinstance(v, dt.datetime) else str(v) for v in row]
        if r - HEADER_ROW in values:
            cells[date_col - 1] = values[r - HEADER_ROW]
        writer.writerow(cells)
    return buf.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_a_csv_saved_by_excel_is_read_back(run, plan_copy, tmp_path, encoding):
    text = _as_csv(_export(run, plan_copy, "皖西日报社", tmp_path / "r.xlsx"), {1: "2023/5/10", 2: "2023-05-12"})
    path = tmp_path / "回执.csv"
    path.write_bytes(text.encode(encoding))
    entry = _import(run, plan_copy, path)["files"][0]
    assert entry["added"] == 2 and [r["date"] for r in entry["records"]] == ["2023-05-10", "2023-05-12"]
    assert _status(run, plan_copy, "皖西日报社")[("M3", "special_reports", "2023-05")]["state"] == "done"


def test_a_csv_error_names_the_line_and_the_column(run, plan_copy, tmp_path):
    text = _as_csv(_export(run, plan_copy, "皖西日报社", tmp_path / "r.xlsx"), {2: "明天"})
    path = tmp_path / "回执.csv"
    path.write_bytes(text.encode("gbk"))
    result = run("import", "records", str(path), "--today", TODAY, "--data", str(plan_copy))
    assert result.exit_code == 1 and "回执.csv:5: 完成日期: 无法识别的日期“明天”" in result.stderr, result.output


def test_control_characters_in_the_evidence_are_refused(run, plan_copy, tmp_path):
    rows = list(csv.reader(io.StringIO(_as_csv(_export(run, plan_copy, "金安区", tmp_path / "r.xlsx"), {1: "2023-05-18"}))))
    rows[HEADER_ROW][rows[HEADER_ROW - 1].index("佐证（链接或文件名）")] = "a\x1b[2Jb"
    path = tmp_path / "r.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    result = run("import", "records", str(path), "--today", TODAY, "--data", str(plan_copy))
    assert result.exit_code == 1 and "r.csv:4: 佐证（链接或文件名）: 含有控制字符 \\x1b" in result.stderr, result.output
    assert "\x1b" not in result.output


def test_a_csv_that_is_no_receipt_says_which_encoding_was_taken(run, plan_copy, tmp_path):
    path = tmp_path / "表.csv"
    path.write_bytes("序号,名称\n1,某某\n".encode("gbk"))
    errors = _import(run, plan_copy, path, code=1)["files"][0]["errors"]
    assert "找不到回执的表头" in errors[0]["message"] and "按 GB18030 读取" in errors[0]["message"]


# --- --all ------------------------------------------------------------------------------------------------
def test_all_writes_one_receipt_per_owing_unit_and_refuses_a_folder_in_use(run, plan_copy, tmp_path):
    out = tmp_path / "回执"
    result = run("export", "receipt", "--all", "--month", "2023-05", "-o", str(out), "--data", str(plan_copy))
    assert result.exit_code == 0, result.output
    status = run("status", "--month", "2023-05", "--today", TODAY, "--data", str(plan_copy), "-f", "json")
    owing = list(dict.fromkeys(i["department"] for i in json.loads(status.stdout)["items"]))
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == len(owing) == 26 and "回执_2023-05_金安区人民政府.xlsx" in names
    units = {openpyxl.load_workbook(out / n)["nmx"]["B6"].value for n in names}
    assert units == set(owing)
    again = run("export", "receipt", "--all", "--month", "2023-05", "-o", str(out), "--data", str(plan_copy))
    assert again.exit_code == 2 and "不为空" in again.stderr and sorted(p.name for p in out.iterdir()) == names
    empty = tmp_path / "空"
    empty.mkdir()
    assert run("export", "receipt", "--all", "-m", "2023-05", "-o", str(empty), "--data", str(plan_copy)).exit_code == 0
    assert len(list(empty.iterdir())) == 26


@pytest.mark.parametrize("args, says", [
    (("--month", "2023-05"), "--dept"),
    (("--dept", "金安区", "--all", "--month", "2023-05"), "--dept"),
    (("--dept", "金安区"), "--month"),
    (("--dept", "金安区", "--month", "2023-07"), "没有应完成的有期限事项"),
    (("--dept", "金安区", "--month", "2023-13"), "2023-13"),
])
def test_export_receipt_usage_errors(run, plan_copy, tmp_path, args, says):
    result = run("export", "receipt", *args, "-o", str(tmp_path / "r.xlsx"), "--data", str(plan_copy))
    assert result.exit_code == 2 and says in result.stderr and not (tmp_path / "r.xlsx").exists(), result.output


def test_export_receipt_never_replaces_an_input(run, plan_copy):
    before = (plan_copy / "tasks.yaml").read_bytes()
    result = run("export", "receipt", "-d", "金安区", "-m", "2023-05", "-o", str(plan_copy / "tasks.yaml"),
                 "--data", str(plan_copy))
    assert result.exit_code == 2 and (plan_copy / "tasks.yaml").read_bytes() == before


# --- the workbook itself ------------------------------------------------------------------------------------
def test_only_the_fill_cells_are_unlocked_and_the_sheet_is_protected(run, plan_copy, tmp_path):
    path = _export(run, plan_copy, "皖西日报社", tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["回执"]
    cols = _columns(ws)
    assert ws.protection.sheet is True and ws.protection.password is None
    assert ws.protection.formatColumns is False and ws.protection.autoFilter is False  # resizing and filtering allowed
    fill = {cols["完成日期"], cols["佐证（链接或文件名）"], cols["说明"]}
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=len(cols)):
        for cell in row:
            unlocked = cell.row > HEADER_ROW and cell.column in fill
            assert cell.protection.locked is not unlocked, cell.coordinate
    assert ws.cell(HEADER_ROW + 1, cols["完成日期"]).number_format == "yyyy-mm-dd"
    [dv] = ws.data_validations.dataValidation
    assert dv.type == "date" and str(dv.sqref) == "J4:J5" and (dv.formula1, dv.formula2) == ("44927", "45291")
    assert "YYYY-MM-DD" in dv.prompt and dv.showInputMessage
    hidden = [k for k in cols if k.startswith("nmx:")]
    assert len(hidden) == 7 and all(_hidden(ws, cols[k]) for k in hidden)
    assert not any(_hidden(ws, cols[k]) for k in cols if not k.startswith("nmx:"))
    meta = wb["nmx"]
    assert meta.sheet_state == "veryHidden"
    assert dict(meta.iter_rows(values_only=True))["kind"] == "receipt/1"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)  # 1 is the default
    assert ws.page_setup.fitToHeight == 0


def _hidden(ws, column: int) -> bool:
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(column)
    return any(d.hidden and d.min <= column <= d.max for key, d in ws.column_dimensions.items()) or \
        ws.column_dimensions[letter].hidden


def test_the_same_receipt_gives_the_same_bytes(run, plan_copy, tmp_path):
    a = _export(run, plan_copy, "金安区", tmp_path / "a.xlsx").read_bytes()
    assert _export(run, plan_copy, "金安区", tmp_path / "b.xlsx").read_bytes() == a


# --- nmx import: plan by default -------------------------------------------------------------------------------
def test_import_without_a_subcommand_still_drafts_a_plan(run, tmp_path):
    result = run("import", str(DATA / "source" / "plan.txt"), "-o", str(tmp_path / "草稿"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "草稿" / "tasks.yaml").is_file() and "起草方案目录" in result.stderr
    spelled = run("import", "plan", str(DATA / "source" / "plan.txt"), "-o", str(tmp_path / "草稿2"))
    assert spelled.exit_code == 0 and (tmp_path / "草稿" / "tasks.yaml").read_bytes() == \
        (tmp_path / "草稿2" / "tasks.yaml").read_bytes()
    options_first = run("import", "-o", str(tmp_path / "草稿3"), str(DATA / "source" / "plan.txt"))
    assert options_first.exit_code == 0, options_first.output


def test_a_file_named_like_a_subcommand_reaches_plan(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "records").write_text("x", encoding="utf-8")
    result = run("import", "plan", "records", "-o", str(tmp_path / "X"))
    assert result.exit_code == 2 and "不支持的文件类型 records" in result.stderr, result.output


def test_import_help_lists_both(run):
    result = run("import", "--help")
    assert result.exit_code == 0 and "plan" in result.stdout and "records" in result.stdout
    missing = run("import", "records")
    assert missing.exit_code == 2 and "FILE..." in missing.stderr


@pytest.mark.parametrize("words, expected", [
    ("nmx import ", ["plan", "records"]),
    ("nmx import re", ["records"]),
    ("nmx import records --dr", ["--dry-run"]),
    ("nmx import 方案.txt --un", ["--units"]),
])
def test_completion_under_import(run, words, expected):
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    result = run(env={"_NMX_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)})
    assert result.stdout.split() == expected


# --- hostile files ---------------------------------------------------------------------------------------------
def _xlsx_with(tmp_path: Path, name: str, change) -> Path:
    """A real receipt passed through `change(workbook)` (openpyxl), saved as `name`."""
    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import DataSource
    from nmx.handouts.receipts import unit_receipt
    from nmx.render import Format, render
    from nmx.supervision.files import RecordsState

    plan = load_plan(DataSource(DATA, "argument"))
    source = tmp_path / f"src-{name}"
    source.write_bytes(render(unit_receipt(plan, RecordsState(), "jinan", "2023-05"), Format.XLSX))
    wb = openpyxl.load_workbook(source)
    change(wb)
    wb.save(tmp_path / name)
    return tmp_path / name


def _kind(wb, value):
    meta = wb["nmx"]
    for row in meta.iter_rows():
        if row[0].value == "kind":
            row[1].value = value


def _many_rows(tmp_path: Path) -> Path:
    import xlsxwriter

    path = tmp_path / "多.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("回执")
    header = ["任务", "周期", "完成日期", "佐证（链接或文件名）", "说明", "nmx:task", "nmx:item", "nmx:index", "nmx:period",
              "nmx:unit", "nmx:month", "nmx:plan"]
    for c, label in enumerate(header):
        ws.write_string(0, c, label)
    for r in range(1, 10_050):
        ws.write_string(r, 0, "x")
    meta = book.add_worksheet("nmx")
    for i, (k, v) in enumerate((("kind", "receipt/1"), ("sheet", "回执"))):
        meta.write_string(i, 0, k)
        meta.write_string(i, 1, v)
    book.close()
    return path


def _bomb(tmp_path: Path) -> Path:
    path = tmp_path / "炸弹.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/sharedStrings.xml", b"\0" * (40 * 1024 * 1024))
    return path


@pytest.mark.parametrize("make, says", [
    (lambda tmp: (tmp / "乱.xlsx", b"\x00\x01 not a zip at all " * 50), "不是可读的 .xlsx 文件"),
    (lambda tmp: (tmp / "空.xlsx", b""), "不是可读的 .xlsx 文件"),
    (lambda tmp: (_bomb(tmp), None), "解压后超过 32 MB"),
    (lambda tmp: (_many_rows(tmp), None), "超过 10000 行"),
    (lambda tmp: (_xlsx_with(tmp, "无表.xlsx", lambda wb: wb.remove(wb["nmx"])), None), "没有回执的隐藏信息表 nmx"),
    (lambda tmp: (_xlsx_with(tmp, "新版.xlsx", lambda wb: _kind(wb, "receipt/2")), None), "回执类型为 receipt/2，本版 nmx 读取 receipt/1"),
    (lambda tmp: (_xlsx_with(tmp, "改名.xlsx", lambda wb: setattr(wb["回执"], "title", "别的")), None), "没有工作表 回执"),
    (lambda tmp: (tmp / "伪.xlsx", _zip_of({"[Content_Types].xml": b"<not xml"})), "不是可读的 .xlsx 文件"),
])
def test_hostile_files_are_that_files_error(run, plan_copy, tmp_path, make, says):
    path, raw = make(tmp_path)
    if raw is not None:
        path.write_bytes(raw)
    good = _fill(_export(run, plan_copy, "金安区", tmp_path / "好.xlsx"), {1: (dt.date(2023, 5, 18), None, None)})
    result = run("import", "records", str(path), str(good), "--today", TODAY, "--data", str(plan_copy))
    assert result.exit_code == 1, result.output
    assert f"{path.name}: " in result.stderr and says in result.stderr, result.output
    assert "Traceback" not in result.output and "内部错误" not in result.output
    assert "金安区人民政府" in (plan_copy / "records.yaml").read_text(encoding="utf-8")  # the good one went in


def _zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("name, says", [("回执.ods", "不支持的文件类型"), ("无.xlsx", "无.xlsx")])
def test_a_file_that_cannot_be_taken_stops_the_run_before_anything(run, plan_copy, tmp_path, name, says):
    good = _fill(_export(run, plan_copy, "金安区", tmp_path / "好.xlsx"), {1: (dt.date(2023, 5, 18), None, None)})
    if name.endswith(".ods"):
        (tmp_path / name).write_bytes(b"PK")
    result = run("import", "records", str(good), str(tmp_path / name), "--today", TODAY, "--data", str(plan_copy))
    assert result.exit_code == 2 and says in result.stderr and "Traceback" not in result.output, result.output
    assert not (plan_copy / "records.yaml").exists()


def test_a_file_over_the_size_limit_is_refused(run, plan_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("NMX_MAX_FILE_MB", "1")
    big = tmp_path / "大.xlsx"
    big.write_bytes(b"PK" + b"\0" * (1024 * 1024 + 10))
    result = run("import", "records", str(big), "--today", TODAY, "--data", str(plan_copy))
    assert result.exit_code == 2 and "大.xlsx" in result.stderr and "Traceback" not in result.output


def test_import_records_never_writes_into_the_bundled_plan(run, tmp_path):
    from nmx.plan.source import bundled_dir

    path = _fill(_export(run, DATA, "金安区", tmp_path / "r.xlsx"), {1: (dt.date(2023, 5, 18), None, None)})
    result = run("import", "records", str(path), "--today", TODAY, "--data", str(bundled_dir()))
    assert result.exit_code == 2 and "不能写入 nmx 内置的方案数据" in result.stderr, result.output
    assert run("import", "records", str(path), "--today", TODAY, "--data", str(bundled_dir()), "--dry-run").exit_code == 0


def test_a_csv_whose_unit_was_swapped_on_every_row_is_refused(run, plan_copy, tmp_path):
    rows = list(csv.reader(io.StringIO(_as_csv(_export(run, plan_copy, "金安区", tmp_path / "r.xlsx"), {1: "2023-05-18"}))))
    rows[HEADER_ROW][rows[HEADER_ROW - 1].index("nmx:unit")] = "wxdaily"  # a unit of the plan that does not owe M2/focus
    path = tmp_path / "r.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    errors = _import(run, plan_copy, path, code=1)["files"][0]["errors"]
    assert [(e["sheet"], e["cell"]) for e in errors] == [(None, "4")]
    assert "M2/focus（周期 2023-05）不是本单位 2023-05 应完成的事项" in errors[0]["message"]


@pytest.mark.parametrize("old", ["records: []\n", "records: [{task: M2, item: focus, dept: 裕安区, date: 2023-05-12}]\n",
                                 "# 注释\r\nrecords:\r\n", ""])
def test_a_batch_is_appended_in_one_piece_in_any_layout(old):
    from nmx.plan.yaml_reader import parse
    from nmx.supervision.yamltext import append_items, plain

    items = [[("task", "M3"), ("dept", "皖西日报社"), ("date", dt.date(2023, 5, d))] for d in (10, 11)]
    text = append_items(old, "records", items, "# 新文件\n")
    before = (parse(old.encode(), "old").data or {}).get("records") or []
    assert parse(text.encode(), "new").data == {"records": before + [plain(f) for f in items]}
    assert text.startswith(old.split("records:")[0]) and ("\r\n" in text) == ("\r\n" in old)
