"""`nmx status` and `nmx overdue` on the 2023 plan: exact states for known records."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from nmx import __version__

RECORDS = """\
# 手写记录
records:
  - {task: M2, item: report, period: 2023-05, dept: 金安区, date: 2023-06-05}
  - {task: M2, item: report, dept: 裕安区, date: 2023-06-09}        # late, after --today 06-08
  - {task: M3, dept: 皖西日报社, date: 2023-06-02}
  - {task: M3, dept: 皖西日报社, date: 2023-06-06}
  - {task: M3, dept: 市广电台, date: 2023-06-03}
  - {task: A3, item: focus, dept: 市交通运输局, date: 2023-05-20}   # a member of the unlisted group
  - {task: M2, item: focus, dept: 霍山县, date: 2023-05-15}
"""


@pytest.fixture
def data(plan_copy: Path) -> Path:
    (plan_copy / "records.yaml").write_text(RECORDS, encoding="utf-8")
    return plan_copy


def status(run, data: Path, *args: str) -> dict:
    result = run("status", *args, "--data", str(data), "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def find(items: list[dict], task: str, item: str, department: str, period: str) -> dict:
    hits = [i for i in items if (i["task"], i["item"], i["department"], i["period"]) == (task, item, department, period)]
    assert len(hits) == 1, hits
    return hits[0]


def test_m2_report_for_may_is_overdue_without_a_record_and_done_with_one(run, data):
    items = status(run, data, "--month", "2023-06", "--today", "2023-06-08")["items"]
    assert find(items, "M2", "report", "金安区人民政府", "2023-05") == {
        "task": "M2", "item": "report", "kind": "deadline", "title": "开展集中宣传月活动",
        "what": "归纳总结，形成书面报告报送市发改委", "department": "金安区人民政府", "unit": "jinan",
        "period": "2023-05", "start": "2023-06-01", "due": "2023-06-07", "due_workday": "2023-06-07",
        "required": 1, "done": 1, "state": "done", "light": "green", "late_days": None, "dates": ["2023-06-05"],
        "clauses": ["M2"], "basis": "stated",
    }
    assert find(items, "M2", "report", "叶集区人民政府", "2023-05")["state"] == "overdue"
    late = find(items, "M2", "report", "裕安区人民政府", "2023-05")
    assert (late["done"], late["state"]) == (0, "overdue")  # its record is dated after --today


def test_late_record_counts_once_its_day_has_come(run, data):
    items = status(run, data, "--month", "2023-06", "--today", "2023-06-09")["items"]
    late = find(items, "M2", "report", "裕安区人民政府", "2023-05")
    assert (late["state"], late["light"], late["late_days"]) == ("done_late", "yellow", {"calendar": 2, "working": 2})


def test_quotas_count_done_over_required(run, data):
    items = status(run, data, "--month", "2023-06", "--today", "2023-06-08")["items"]
    daily = find(items, "M3", "special_reports", "皖西日报社", "2023-06")
    tv = find(items, "M3", "special_reports", "市广电台", "2023-06")
    assert (daily["done"], daily["required"], daily["state"]) == (2, 2, "done")
    assert (tv["done"], tv["required"], tv["state"]) == (1, 2, "pending")
    later = status(run, data, "--month", "2023-06", "--today", "2023-07-01")["items"]
    assert find(later, "M3", "special_reports", "市广电台", "2023-06")["state"] == "overdue"


def test_may_counts_and_binding(run, data):
    payload = status(run, data, "--month", "2023-05", "--today", "2023-06-08")
    assert payload["counts"] == {"done": 2, "done_late": 0, "due_soon": 0, "pending": 0, "overdue": 24}
    by_item: dict[tuple, int] = {}
    for i in payload["items"]:
        by_item[(i["task"], i["item"])] = by_item.get((i["task"], i["item"]), 0) + 1
    # M2's focus month (A3 restates it) is owed by the 21 departments of 各县区各部门; the special
    # reports (A2 restates M3) by the two media; A14 by the three carriers; R6 has no date
    assert by_item == {("M2", "focus"): 21, ("M3", "special_reports"): 2, ("A14", "focus"): 3}
    focus = find(payload["items"], "M2", "focus", "市交通运输局", "2023-05")  # recorded under A3
    assert (focus["state"], focus["clauses"]) == ("done", ["M2", "A3"])


def test_dept_filter_and_table(run, data):
    result = run("status", "--month", "2023-05", "--today", "2023-06-08", "--dept", "霍山县", "--data", str(data))
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip().startswith("2023-05-31")]
    assert len(lines) == 1 and "M2/focus" in lines[0] and "已完成" in lines[0] and "绿灯" in lines[0]
    assert "已完成1，逾期完成0，即将到期0，未到期0，逾期0" in "".join(result.output.split())


def test_default_range_is_the_month_of_today(run, data):
    payload = status(run, data, "--today", "2023-06-08")
    assert (payload["from"], payload["to"]) == ("2023-06-01", "2023-06-30")
    outside = run("status", "--today", "2025-03-01", "--data", str(data))
    assert outside.exit_code == 0 and "方案期间" in outside.output


def test_from_to_and_bad_ranges(run, data):
    payload = status(run, data, "--from", "2023-02-01", "--to", "2023-03-10", "--today", "2023-03-10")
    assert {(i["task"], i["item"], i["period"]) for i in payload["items"]} >= {("M2", "report", "2023-02")}
    both = run("status", "--month", "2023-05", "--from", "2023-05-01", "--data", str(data))
    assert both.exit_code == 2
    assert run("status", "--month", "2023-13", "--data", str(data)).exit_code == 2


def test_matrix(run, data):
    result = run("status", "--month", "2023-05", "--today", "2023-06-08", "--matrix", "--data", str(data), "-f", "json")
    matrix = json.loads(result.output)
    assert [c["key"] for c in matrix["columns"]] == ["M2", "M3", "A14"]
    row = next(r for r in matrix["rows"] if r["department"] == "霍山县人民政府")
    assert row["cells"] == {"M2": {"state": "done", "light": "green", "done": 1, "required": 1}}
    table = run("status", "--month", "2023-05", "--today", "2023-06-08", "--matrix", "--data", str(data), "-f", "csv")
    rows = list(csv.reader(io.StringIO(table.output)))
    assert rows[0] == ["单位", "M2", "M3", "A14"]
    assert ["皖西日报社", "", "红 逾期 0/2", ""] in rows  # media: 各县区各部门 only "may apply"
    assert ["霍山县人民政府", "绿 ✓", "", ""] in rows


def test_csv_md_and_xlsx(run, data, tmp_path):
    args = ("status", "--month", "2023-06", "--today", "2023-06-08", "--dept", "金安区", "--data", str(data))
    rows = list(csv.DictReader(io.StringIO(run(*args, "-f", "csv").output)))
    assert [(r["task"], r["state"], r["最后工作日"]) for r in rows] == [("M2", "done", "2023-06-07")]
    md = run(*args, "-f", "md").output
    assert "| 2023-06-07 | 金安区人民政府 | M2/report | 2023-05 | 已完成 |" in md
    out = tmp_path / "status.xlsx"
    result = run(*args, "-f", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, r in enumerate(values) if r[0] == "截止")
    assert values[header][:4] == ["截止", "最后工作日", "单位", "事项"]
    assert values[header + 1][2:4] == ["金安区人民政府", "M2/report"]


def test_english(run, data):
    result = run("status", "--month", "2023-06", "--today", "2023-06-08", "--dept", "金安区", "--lang", "en",
                 "--data", str(data))
    assert "1 done, 0 done late, 0 due soon, 0 pending, 0 overdue" in result.output.replace("\n", " "), result.output


def test_invalid_records_stop_status_with_exit_1(run, plan_copy):
    (plan_copy / "records.yaml").write_text("records:\n  - {task: M9, dept: 金安区, date: 2023-06-05}\n",
                                             encoding="utf-8")
    result = run("status", "--data", str(plan_copy), "--today", "2023-06-08")
    assert result.exit_code == 1
    assert "records.yaml:2:6: error [unknown-task]" in result.output, result.output


# --- overdue ------------------------------------------------------------------------------------
def test_overdue_groups_by_unit_oldest_first(run, plan_copy):
    result = run("overdue", "--today", "2023-03-08", "--data", str(plan_copy), "-f", "json")
    payload = json.loads(result.output)
    # M3 Jan and Feb × 2 media, the Feb focus month × 21 departments, its report × 20 (not
    # 市发改委, which receives it), A14 in Feb × 3 carriers
    assert payload["count"] == 4 + 21 + 20 + 3 == 48
    assert [u["department"] for u in payload["units"][:4]] == ["皖西日报社", "市广电台", "市委宣传部", "市发改委"]
    assert [(i["task"], i["item"], i["period"], i["due"], i["days_overdue"]) for i in payload["units"][0]["items"]] == [
        ("M3", "special_reports", "2023-01", "2023-01-31", 36),
        ("M3", "special_reports", "2023-02", "2023-02-28", 8),
    ]
    assert [(i["task"], i["item"], i["days_overdue"]) for i in payload["units"][2]["items"]] == [
        ("M2", "focus", 8), ("M2", "report", 1),
    ]
    assert [(i["task"], i["item"]) for i in payload["units"][3]["items"]] == [("M2", "focus")]  # no report to itself


def test_overdue_leaves_out_what_was_done(run, data):
    result = run("overdue", "--today", "2023-06-08", "--dept", "金安区", "--data", str(data), "-f", "json")
    items = json.loads(result.output)["units"][0]["items"]
    assert ("M2", "report", "2023-05") not in {(i["task"], i["item"], i["period"]) for i in items}
    assert ("M2", "focus", "2023-05") in {(i["task"], i["item"], i["period"]) for i in items}
    table = run("overdue", "--today", "2023-06-08", "--dept", "金安区", "--data", str(data))
    assert "督查清单（截至 2023-06-08）：1 个单位" in table.output


def test_overdue_on_the_first_day_is_empty(run, plan_copy):
    payload = json.loads(run("overdue", "--today", "2023-01-01", "--data", str(plan_copy), "-f", "json").output)
    assert payload == {"nmx": __version__, "kind": "overdue/1", "today": "2023-01-01", "count": 0, "units": [], "period_note": None, "calendar_note": None}
