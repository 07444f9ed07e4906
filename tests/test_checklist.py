"""`nmx checklist`: the month's list of a unit, in every format, and its bad inputs."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest

D = dt.date


def _cl(plan, unit_id: str, month: str, today: str = "2023-05-10"):
    from nmx.views.checklist import checklist

    return checklist(plan, plan.unit_by_id[unit_id], month, D.fromisoformat(today))


def _keys(lines):
    return [(x.task, x.kind, x.due) for x in lines]


# --- the core ------------------------------------------------------------------------------
def test_transport_may(plan):
    cl = _cl(plan, "transport", "2023-05")
    assert (cl.plan_title, cl.doc_number, cl.month) == ("六安市2023年暖民心行动宣传方案", "六民生办〔2023〕3号", "2023-05")
    # A3's focus month is M2's (same_as M2/focus): one line, stated by both clauses
    assert _keys(cl.dated) == [("M2", "window", D(2023, 5, 31))]
    (m2,) = cl.dated
    assert (m2.role, m2.via, m2.possibly, m2.source) == ("lead", "各县区各部门（四（二））", False, "四（二）")
    assert (m2.clauses, m2.owes, m2.basis) == (("M2", "A3"), True, "stated")
    a3 = next(x for x in cl.standing if x.task == "A3")
    assert (a3.possibly, a3.via, a3.basis) == (True, "市民生工作领导小组成员单位", "assumed")
    assert [(x.task, x.what) for x in cl.standing] == [
        ("R5", "建立长效宣传工作机制，有序开展宣传活动"),
        ("R7", "高度重视、各司其职、各负其责，把宣传工作抓实抓细抓到位；以市民的知晓率、满意度为检验工作成效的第一标准"),
        ("A3", "门户网站醒目位置设宣传标语，办公区域设宣传展板"),
        ("A6", "公交车内张贴标语，出租车车体和车载屏宣传"),
        ("A6", "督促客运东、西、北、南站在候车区醒目位置宣传"),
    ]
    assert cl.irregular == [] and cl.deliveries == []
    assert any("市民生工作领导小组成员单位" in n for n in cl.notes)


def test_report_after_focus_month_is_delivered_to_drc(plan):
    cl = _cl(plan, "transport", "2023-06")
    assert _keys(cl.dated) == [("M2", "deadline", D(2023, 6, 7))]
    (line,) = cl.deliveries
    assert (line.deliver_to, line.start, line.due_workday, line.holiday) == ("市发改委", D(2023, 6, 1), D(2023, 6, 7), None)


def test_quota_on_a_holiday_gives_count_and_last_working_day(plan):
    cl = _cl(plan, "wxdaily", "2023-04")
    # M3 and A2 state one quota: one line, which the media platform owes
    assert [(x.task, x.count, x.due, x.due_workday, x.holiday, x.clauses, x.owes) for x in cl.dated] == [
        ("M3", 2, D(2023, 4, 30), D(2023, 4, 28), "劳动节", ("M3", "A2"), True),
    ]
    assert [x.task for x in cl.standing] == ["M3", "R5", "R7", "A3"]


def test_irregular_and_undated_are_listed_apart(plan):
    cl = _cl(plan, "drc", "2023-07")
    # A4's collection is M1's (same_as M1/collect): listed once
    assert [(x.task, x.kind) for x in cl.irregular] == [("M1", "undated"), ("M4", "irregular")]
    assert cl.irregular[0].clauses == ("M1", "A4")
    assert all(x.due is None for x in cl.irregular + cl.standing)


def test_dated_lines_are_ordered_by_due_day(plan):
    cl = _cl(plan, "publicity", "2023-09")
    assert _keys(cl.dated) == [("M2", "deadline", D(2023, 9, 7)), ("M3", "quota", D(2023, 9, 30))]
    assert [d for d, _ in cl.by_due()] == [D(2023, 9, 7), D(2023, 9, 30)]
    assert cl.dated[1].due_workday == D(2023, 9, 28)
    assert [x.owes for x in cl.dated] == [True, False]  # it organises the reports (owed_by the media)


def test_office_has_no_dated_line_in_september(plan):
    # R6's survey is standing (no date); 市民生办 is not one of 各县区各部门 and sits in 市发改委: no M2 report
    cl = _cl(plan, "livelihood", "2023-09")
    assert cl.dated == [] and cl.deliveries == []
    survey = next(x for x in cl.standing if x.task == "R6")
    assert (survey.kind, survey.due, survey.deliver_to) == ("standing", None, "市委")


def test_month_outside_the_period_is_empty_and_says_so(plan):
    cl = _cl(plan, "transport", "2024-05")
    assert (cl.dated, cl.standing, cl.irregular) == ([], [], [])
    assert any("2024-05" in n and "2023-12-31" in n for n in cl.notes)


def test_every_unit_with_a_duty_gets_a_list(plan):
    from nmx.views.checklist import unit_checklists

    lists = unit_checklists(plan, "2023-05", D(2023, 5, 1))
    assert len(lists) == len(plan.units) == 33
    assert [cl.unit.name for cl in lists[:3]] == ["市委宣传部", "市委", "市发改委"]


# --- the command ------------------------------------------------------------------------------
def test_table(run):
    r = run("checklist", "--dept", "市交通运输局", "--month", "2023-05", "--today", "2023-05-10")
    assert r.exit_code == 0, r.output
    assert "市交通运输局 · 2023年5月 自查清单" in r.output
    assert "六民生办〔2023〕3号" in r.output
    assert r.output.count("☐") == 6
    assert "05-31" in r.output and "附件 序号6" in r.output


def test_markdown_task_lists(run):
    r = run("checklist", "-d", "市交通运输局", "-m", "2023-06", "-f", "md", "--today", "2023-05-10")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "# 《六安市2023年暖民心行动宣传方案》（六民生办〔2023〕3号）"
    assert lines[2] == "## 市交通运输局 · 2023年6月 自查清单"
    assert "**06-07**" in lines
    tasks = [x for x in lines if x.startswith("- [ ] ")]
    assert len(tasks) == 6
    assert tasks[0].startswith("- [ ] M2 开展集中宣传月活动：归纳总结，形成书面报告报送市发改委")
    assert tasks[0].endswith("出处：四（二）")
    assert "（常态化（推定））" in tasks[-1]  # A6's label is the data's, not the plan's: marked
    assert "- 06-07 → 市发改委：M2 归纳总结，形成书面报告报送市发改委" in lines


def test_json_shape(run):
    r = run("checklist", "--dept", "皖西日报社", "--month", "2023-04", "--format", "json", "--today", "2023-04-03")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    (cl,) = doc["checklists"]
    assert cl["department"] == {"id": "wxdaily", "name": "皖西日报社", "full_name": "皖西日报社"}
    assert (cl["month"], cl["today"]) == ("2023-04", "2023-04-03")
    first = cl["dated"][0]
    assert {k: first[k] for k in ("task", "kind", "due", "due_workday", "holiday", "count", "role", "schedule")} == {
        "task": "M3", "kind": "quota", "due": "2023-04-30", "due_workday": "2023-04-28", "holiday": "劳动节",
        "count": 2, "role": "lead", "schedule": "每月至少2次",
    }
    assert (first["clauses"], first["owes"], first["basis"]) == (["M3", "A2"], True, "stated")
    assert [x["task"] for x in cl["standing"]] == ["M3", "R5", "R7", "A3"]
    assert [x["basis"] for x in cl["standing"]] == ["assumed", "stated", "assumed", "assumed"]
    assert "calendar_note" in cl


def test_without_dept_one_list_per_unit(run):
    r = run("checklist", "--month", "2023-05", "--format", "json", "--today", "2023-05-01")
    assert r.exit_code == 0, r.output
    names = [c["department"]["name"] for c in json.loads(r.output)["checklists"]]
    assert len(names) == 33 and names[-1] == "中国联通六安分公司"


def test_month_defaults_to_today(run):
    r = run("checklist", "--dept", "transport", "--format", "json", "--today", "2023-06-15")
    assert json.loads(r.output)["checklists"][0]["month"] == "2023-06"


def test_html_form_is_self_contained(run, tmp_path):
    out = tmp_path / "清单.html"
    r = run("checklist", "--dept", "市交通运输局", "--month", "2023-05", "-f", "html", "-o", str(out), "--today", "2023-05-10")
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "@page{size:A4" in text and "@media print" in text
    assert "检查人：" in text and "检查日期：" in text
    assert text.count('class="box"') == 6
    for external in ("<script", "http://", "https://", "<link", "src="):
        assert external not in text


def test_xlsx(run, tmp_path):
    import openpyxl

    out = tmp_path / "c.xlsx"
    r = run("checklist", "--dept", "皖西日报社", "--month", "2023-04", "-f", "xlsx", "-o", str(out), "--today", "2023-04-01")
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(out)["自查清单"]
    assert ws["A2"].value == "2023年4月 自查清单"
    header = [c.value for c in ws[3]]
    assert header[:8] == ["单位", "完成", "类别", "截止日", "最后工作日", "节假日", "任务编号", "任务"]
    row = [c.value for c in ws[4]]
    assert row[0] == "皖西日报社" and row[3] == dt.datetime(2023, 4, 30) and row[4] == dt.datetime(2023, 4, 28)
    assert (row[5], row[6], row[10]) == ("劳动节", "M3", 2)
    assert ws.freeze_panes == "A4"


def test_xlsx_needs_output_on_a_terminal(run):
    r = run("checklist", "--dept", "transport", "--month", "2023-05", "-f", "xlsx")
    # CliRunner is not a terminal: the bytes go to stdout
    assert r.exit_code == 0 and r.stdout_bytes[:2] == b"PK"


@pytest.mark.parametrize("args, needle", [
    (("--month", "2023-13"), "2023-13"),
    (("--dept", "不存在的局", "--month", "2023-05"), "不存在的局"),
    (("--dept", "各县区人民政府", "--month", "2023-05"), "各县区人民政府"),
    (("--today", "2023-02-30"), "2023-02-30"),
    (("--format", "csv"), "csv"),
])
def test_bad_input_exits_2(run, args, needle):
    r = run("checklist", *args)
    assert r.exit_code == 2, r.output
    assert needle in r.output and "Traceback" not in r.output


def test_output_into_missing_folder(run, tmp_path):
    r = run("checklist", "-d", "transport", "-m", "2023-05", "-f", "html", "-o", str(tmp_path / "nope" / "c.html"))
    assert r.exit_code == 2 and "输出目录不存在" in r.output
    assert not (tmp_path / "nope").exists()


def test_output_not_writable(run, tmp_path):
    target = _unwritable_dir(tmp_path) / "c.html"
    r = run("checklist", "-d", "transport", "-m", "2023-05", "-f", "html", "-o", str(target))
    assert r.exit_code == 2, r.output
    assert "无法写入" in r.output and "Traceback" not in r.output
    assert not target.exists()


def _unwritable_dir(tmp_path):
    """A folder this process cannot create files in (root ignores modes; /sys refuses even root)."""
    from pathlib import Path

    if os.geteuid() == 0:
        return Path("/sys")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    return folder


# --- escaping ----------------------------------------------------------------------------------
def test_hostile_titles_stay_text_in_every_format(run, tmp_path, hostile_data):
    base = ("--data", str(hostile_data), "--dept", "市交通运输局", "--month", "2023-05", "--today", "2023-05-10")
    html = run("checklist", *base, "-f", "html").output
    assert "<script>alert(1)</script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    md = run("checklist", *base, "-f", "md").output
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md and "<script" not in md and "<img" not in md
    doc = json.loads(run("checklist", *base, "-f", "json").output)
    assert "<script>alert(1)</script>" in [x["title"] for x in doc["checklists"][0]["standing"]]


def test_hostile_formulas_are_text_in_xlsx(run, tmp_path, hostile_data):
    import openpyxl

    out = tmp_path / "h.xlsx"
    r = run("checklist", "--data", str(hostile_data), "-d", "市住建局", "-m", "2023-05", "-f", "xlsx", "-o", str(out))
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(out)["自查清单"]
    cells = {c.value: c for row in ws.iter_rows(min_row=4) for c in row if isinstance(c.value, str)}
    for text in ("=1+1", "@SUM(A1:A2)", "-2+3"):
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text


def test_a_months_days_are_looked_up_once_for_all_lists(plan):
    """ScheduleIndex.day: each line's last working day, holiday and provisional mark are its due day's."""
    from nmx.duties.reach import duties_by_unit
    from nmx.schedule.dates import parse_month
    from nmx.schedule.workdays import due_workday, holiday_name, provisional
    from nmx.views.checklist import ScheduleIndex, checklist

    duties = duties_by_unit(plan)
    every = []
    for month in ("2023-04", "2023-09", "2023-10"):
        index = ScheduleIndex(plan, *parse_month(month))
        lines = [line for unit in plan.units
                 for line in checklist(plan, unit, month, dt.date(2023, 5, 10), index=index, duties=duties[unit.id]).dated]
        for line in lines:
            assert (line.due_workday, line.holiday, line.provisional) == (
                due_workday(line.due), holiday_name(line.due), provisional(line.due))
        assert lines and set(index._days) == {line.due for line in lines}  # each day once, for every unit
        every += lines
    assert any(line.holiday and line.due_workday != line.due for line in every)
