"""`nmx duties`, `departments`, `tasks`, `matrix` (and `validate`, `info`) through the CLI:
every format of every command, files, bad input, 80-column plain tables."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rich.cells import cell_len

from nmx.render import Format
from tests.conftest import DATA

TABULAR = {"table", "json", "csv", "md"}
COMMANDS = {
    "duties": (("duties", "市交通运输局"), TABULAR),
    "duties-support": (("duties", "jinan", "--role", "support"), TABULAR),
    "departments": (("departments",), TABULAR),
    "departments-kind": (("departments", "--kind", "county"), TABULAR),
    "departments-group": (("departments", "--group", "各县区人民政府"), TABULAR),
    "tasks": (("tasks",), TABULAR),
    "task": (("tasks", "A3"), TABULAR),
    "matrix": (("matrix",), TABULAR),
    "matrix-expand": (("matrix", "--expand"), TABULAR),
    "info": (("info",), {"table", "json", "md"}),
    "validate": (("validate", str(DATA)), {"text", "table", "json", "github"}),
    "source": (("source", "四（二）"), TABULAR | {"text"}),
    "source-annex": (("source", "附件6"), TABULAR | {"text"}),
    "source-outline": (("source",), TABULAR | {"text"}),
}
CASES = [(name, fmt.value) for name in COMMANDS for fmt in Format]


def check_renders(fmt: str, out: str) -> None:
    assert out.strip(), "empty output"
    assert "\x1b" not in out and not out.startswith("\ufeff")
    if fmt == "json":
        json.loads(out)
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert len(rows) >= 2 and len(rows[0]) >= 2 and all(len(r) == len(rows[0]) for r in rows)
    elif fmt == "md":
        assert any(line.startswith("| ") for line in out.splitlines())
        assert any(line.startswith("| --- |") or line.startswith("|---") or " --- " in line for line in out.splitlines())
    elif fmt == "table":
        wide = [line for line in out.splitlines() if cell_len(line) > 80]
        assert not wide, f"lines wider than 80 columns: {wide[:2]}"


@pytest.mark.parametrize(("name", "fmt"), CASES, ids=[f"{n}-{f}" for n, f in CASES])
def test_every_format_of_every_command(run, name, fmt):
    args, allowed = COMMANDS[name]
    result = run(*args, "--format", fmt)
    if fmt in allowed:
        assert result.exit_code == 0, result.output
        check_renders(fmt, result.stdout)
    else:
        assert result.exit_code == 2, result.output
        assert f"'{fmt}' 不是可选值" in result.stderr and "Traceback" not in result.output
        assert result.stderr.startswith("nmx: 错误: ")


# --- exact content ------------------------------------------------------------------------------
def test_duties_table(run):
    result = run("duties", "市交通运输局")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "市交通运输局（六安市交通运输局）：牵头 4 项、配合 0 项任务，另有 1 项可能适用"
    assert lines[2].split() == ["任务", "角色", "事项", "时间", "依据"]
    assert lines[4].split() == ["M2", "牵头", "策划开展主题宣传活动", "每季度第二个月", "四（二）"]
    assert "经各县区各部门" in lines[5]
    assert any(line.split()[:2] == ["A3", "牵头*"] for line in lines)  # possibly, marked
    assert "*：可能适用——只经由方案未列出成员的分组到达本单位，方案未说明本单位是否在内" in result.stdout


def test_duties_role_filter(run):
    doc = json.loads(run("duties", "金安区", "--role", "lead", "--format", "json").stdout)
    assert {d["role"] for d in doc["duties"]} == {"lead"}
    # A3's focus month is M2's (one obligation, clauses M2 and A3); R7 is 五（一）
    assert [d["task"] for d in doc["duties"]] == ["M2", "M2", "R4", "R4", "R5", "R7", "A3"]
    assert doc["duties"][0]["clauses"] == ["M2", "A3"]
    doc = json.loads(run("duties", "金安区", "-r", "SUPPORT", "--format", "json").stdout)
    assert [d["task"] for d in doc["duties"]][:4] == ["M3", "M3", "M5", "M5"]  # M3 through 附件序号2


def test_duties_json_keys(run):
    doc = json.loads(run("duties", "jtysj", "--format", "json").stdout)
    assert list(doc) == ["nmx", "kind", "department", "duties"] and doc["kind"] == "duties/1"
    assert doc["department"] == {"id": "transport", "name": "市交通运输局", "full_name": "六安市交通运输局"}
    assert list(doc["duties"][0]) == ["task", "title", "role", "via", "schedule", "deliver_to", "source", "note",
                                      "possibly", "what", "clauses", "basis"]


def test_duties_csv_columns(run):
    rows = list(csv.reader(io.StringIO(run("duties", "市交通运输局", "--format", "csv").stdout)))
    assert rows[0] == ["任务", "标题", "角色", "可能适用", "途径", "事项", "时间", "报送", "依据", "说明"]
    assert rows[2][:9] == ["M2", "开展集中宣传月活动", "牵头", "", "各县区各部门（四（二））",
                           "归纳总结，形成书面报告报送市发改委", "次月7日前", "市发改委", "四（二）"]
    assert rows[5][2:5] == ["牵头", "✓", "市民生工作领导小组成员单位"]
    assert rows[5][6] == "常态化（推定）"  # the annex gives no time: the label is the data's


def test_duties_in_english(run):
    result = run("duties", "市交通运输局", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "市交通运输局 (六安市交通运输局): leads 4 task(s), supports 0; 1 more possibly"


def test_departments(run):
    doc = json.loads(run("departments", "--format", "json").stdout)
    assert list(doc) == ["nmx", "kind", "departments"] and doc["kind"] == "departments/1"
    doc = doc["departments"]
    assert len(doc) == 33
    nfra = next(u for u in doc if u["id"] == "nfra")
    assert nfra["former_names"] == ["中国银行保险监督管理委员会六安监管分局"]
    # A12 only; M2, R5 and R7 (各县区各部门) and A3 (成员单位) may apply: a regulator is not a 部门
    assert (nfra["leads"], nfra["supports"], nfra["possibly"]) == (1, 0, 4)
    jinan = next(u for u in doc if u["id"] == "jinan")
    assert [g["id"] for g in jinan["groups"]] == ["counties", "county_level"]
    rows = list(csv.reader(io.StringIO(run("departments", "--kind", "县区", "--format", "csv").stdout)))
    assert rows[0] == ["id", "名称", "全称", "类别", "别名", "所属分组", "牵头", "配合", "可能适用"]
    assert [r[0] for r in rows[1:]] == ["jinan", "yuan", "yeji", "huoqiu", "shucheng", "jinzhai", "huoshan", "devzone"]
    assert rows[1][1:] == ["金安区人民政府", "六安市金安区人民政府", "县区", "金安区", "各县区人民政府、各县区政府（管委）", "5", "8", "0"]  # + R7; A1, A2 are M5, M3


def test_departments_group_filters(run):
    doc = json.loads(run("departments", "--group", "暖民心行动牵头部门", "--format", "json").stdout)["departments"]
    assert [u["name"] for u in doc] == ["市教体局", "市人社局", "市卫健委", "市民政局", "市商务局", "市城管局"]
    result = run("departments", "--group", "市民生工作领导小组成员单位")
    assert result.exit_code == 0 and "0 个单位" in result.stdout
    assert "方案未列出成员" in result.stdout


def test_tasks_list_and_detail(run):
    doc = json.loads(run("tasks", "--format", "json").stdout)
    assert list(doc) == ["nmx", "kind", "tasks"] and doc["kind"] == "tasks/1"
    doc = doc["tasks"]
    assert [t["id"] for t in doc][:6] == ["M1", "M2", "M3", "M4", "M5", "R1"] and len(doc) == 26
    a9 = json.loads(run("tasks", "a9", "--format", "json").stdout)
    assert a9["lead"] == ["市教育局"] and a9["lead_units"] == [{"id": "edu", "name": "市教体局", "via": None}]
    assert [u["id"] for u in a9["support_units"]] == ["jinan", "yuan", "yeji", "huoqiu", "shucheng", "jinzhai",
                                                      "huoshan", "devzone"]
    a3 = json.loads(run("tasks", "A3", "--format", "json").stdout)
    assert a3["lead_unlisted"] == ["市民生工作领导小组成员单位"]
    assert [s["label"] for s in a3["schedules"]] == ["常态化", "每季度第二个月"]
    table = run("tasks", "M2").stdout
    assert "各县区各部门：21个单位" in "".join(table.split())
    assert "次月7日前 → 市发改委" in table


def test_matrix_grid_and_table(run):
    rows = list(csv.reader(io.StringIO(run("matrix", "--expand", "--format", "csv").stdout)))
    header = rows[0]
    a3 = next(r for r in rows if r[0] == "A3")
    assert a3[header.index("金安区人民政府")] == "●" and a3[header.index("市交通运输局")] == "(●)"
    a1 = next(r for r in rows if r[0] == "A1")
    assert a1[header.index("市委宣传部")] == "●" and a1[header.index("市教体局")] == "○"
    table = " ".join(run("matrix").stdout.split())
    assert "完整的任务×单位矩阵请用 --format csv、md 或 json" in table
    assert run("matrix", "--format", "md").stdout.startswith("## 责任矩阵（分组按原文）：● 牵头 ○ 配合")


# --- files --------------------------------------------------------------------------------------
def test_csv_file_has_bom_and_guards_formulas(run, plan_copy, tmp_path):
    tasks = plan_copy / "tasks.yaml"
    tasks.write_text(tasks.read_text("utf-8").replace("title: 公交、出租车和客运站宣传", "title: =HYPERLINK(1)"), "utf-8")
    target = tmp_path / "duties.csv"
    result = run("duties", "市交通运输局", "--data", str(plan_copy), "--format", "csv", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    data = target.read_bytes()
    assert data.startswith("\ufeff".encode()) and data.count("\ufeff".encode()) == 1
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r[1] for r in rows if r[0] == "A6"] == ["'=HYPERLINK(1)", "'=HYPERLINK(1)"]


def test_table_to_file_is_plain(run, tmp_path):
    target = tmp_path / "matrix.txt"
    result = run("matrix", "--output", str(target))
    assert result.exit_code == 0, result.output
    text = target.read_text("utf-8")
    assert text.startswith("责任矩阵（分组按原文）") and "\x1b" not in text
    assert all(line == line.rstrip() for line in text.splitlines())


def test_output_into_missing_folder_writes_nothing(run, tmp_path):
    target = tmp_path / "missing" / "duties.json"
    result = run("duties", "市交通运输局", "--format", "json", "--output", str(target))
    assert result.exit_code == 2
    assert "输出目录不存在" in result.stderr and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, {"TERM": "xterm-256color"}])
def test_table_is_plain_text_when_not_a_terminal(run, env):
    result = run("departments", env=env)
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout
    assert all(line == line.rstrip() for line in result.stdout.splitlines())


# --- bad input ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("duties", "无此单位"), "找不到单位 '无此单位'"),
        (("duties", ""), "单位名称不能为空"),
        (("duties", "各县区人民政府"), "'各县区人民政府' 是分组“各县区人民政府”，不是单个单位"),
        (("duties", "jtj"), "'jtj' 可以指多个单位"),
        (("tasks", "A99"), "没有编号为 'A99' 的任务"),
        (("departments", "--kind", "bank"), "未知的单位类别 'bank'"),
        (("departments", "--group", "市交通运输局"), "'市交通运输局' 不是分组"),
        (("duties", "市交通运输局", "--format", "ics"), "'ics' 不是可选值 'table', 'json', 'csv', 'md' 之一"),
        (("matrix", "--format", "xml"), "'xml' 不是可选值"),
        (("duties", "市交通运输局", "--role", "boss"), "'boss' 不是可选值 'lead', 'support' 之一"),
        (("duties",), "nmx: 错误: 缺少参数 'DEPT'。"),
    ],
)
def test_bad_input_exit_2(run, args, message):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.stderr.split()).replace("│ ", "")
    assert "Traceback" not in result.output


def test_hints_are_shown(run):
    result = run("duties", "各县区人民政府")
    assert "nmx: 提示: 成员：金安区人民政府、裕安区人民政府" in result.stderr
    result = run("tasks", "A99")
    assert "nmx: 提示: 是否指：A9" in result.stderr


def test_role_filter_keeps_the_title_and_says_when_empty(run):
    result = run("duties", "市交通运输局", "--role", "support")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "市交通运输局（六安市交通运输局）：牵头 4 项、配合 0 项任务，另有 1 项可能适用"
    assert lines[-1] == "该单位没有配合任务"
    assert json.loads(run("duties", "市交通运输局", "-r", "support", "-f", "json").stdout)["duties"] == []
