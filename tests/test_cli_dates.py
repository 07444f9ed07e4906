"""`nmx deadlines` and `nmx calendar` through the CLI: exact dates from the shipped plan."""

from __future__ import annotations

import ast
import csv
import io
import json
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "nmx"


def deadlines_json(run, *args: str) -> dict:
    result = run("deadlines", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_shape_for_june(run):
    doc = deadlines_json(run, "--month", "2023-06", "--today", "2023-06-02")
    assert list(doc) == ["nmx", "kind", "from", "to", "today", "calendar_note", "period_note", "items"]
    assert doc["kind"] == "deadlines/1"
    assert (doc["from"], doc["to"], doc["today"], doc["calendar_note"], doc["period_note"]) == (
        "2023-06-01", "2023-06-30", "2023-06-02", None, None)  # inside the period: no period note
    report = doc["items"][0]
    assert list(report) == ["task", "title", "kind", "start", "due", "due_workday", "holiday", "provisional", "count",
                            "departments", "deliver_to", "source", "clauses", "basis"]
    assert {k: report[k] for k in report if k != "departments"} == {
        "task": "M2", "title": "开展集中宣传月活动", "kind": "deadline", "start": "2023-06-01", "due": "2023-06-07",
        "due_workday": "2023-06-07", "holiday": None, "provisional": False, "count": None, "deliver_to": "市发改委", "source": "四（二）",
        "clauses": ["M2"], "basis": "stated",
    }
    # 各县区各部门: county governments, 市开发区管委 and city party/government departments
    assert len(report["departments"]) == 21 and report["departments"][:2] == ["市委宣传部", "市发改委"]
    assert "市委" not in report["departments"] and "市民生办" not in report["departments"]
    assert not {"皖西日报社", "市广电台", "中国电信六安分公司", "六安银保监分局", "市总工会"} & set(report["departments"])
    # A2's quota is M3's restated (counted once); R6's survey has no date any more
    assert [(i["task"], i["kind"], i["due"], i["clauses"]) for i in doc["items"]] == [
        ("M2", "deadline", "2023-06-07", ["M2"]), ("M3", "quota", "2023-06-30", ["M3", "A2"]),
    ]


def test_may_focus_month(run):
    doc = deadlines_json(run, "--month", "2023-05", "--today", "2023-05-10")
    got = [(i["task"], i["kind"], i["start"], i["due"], i["count"], i["clauses"]) for i in doc["items"]]
    assert got == [
        ("M2", "window", "2023-05-01", "2023-05-31", None, ["M2", "A3"]),  # A3's focus month, once
        ("M3", "quota", "2023-05-01", "2023-05-31", 2, ["M3", "A2"]),     # A2's quota, once
        ("A14", "window", "2023-05-01", "2023-05-31", None, ["A14"]),
    ]
    m3 = doc["items"][1]
    # the units of both clauses: M3's media platforms, A2's lead 市委宣传部 and A2's supporting units
    assert m3["departments"][:3] == ["皖西日报社", "市广电台", "市委宣传部"]
    assert len(m3["departments"]) == 18 and "金安区人民政府" in m3["departments"]
    assert doc["items"][2]["departments"] == ["中国电信六安分公司", "中国移动六安分公司", "中国联通六安分公司"]


def test_holiday_fields_september(run):
    doc = deadlines_json(run, "--month", "2023-09", "--today", "2023-09-01")
    assert not [i for i in doc["items"] if i["task"] == "A2"]  # A2's quota is M3's
    m3 = next(i for i in doc["items"] if i["task"] == "M3")
    assert (m3["due"], m3["due_workday"], m3["holiday"]) == ("2023-09-30", "2023-09-28", "国庆节")
    m2 = next(i for i in doc["items"] if i["task"] == "M2")
    assert (m2["due"], m2["due_workday"], m2["holiday"]) == ("2023-09-07", "2023-09-07", None)


def test_dept_filter_expands_groups(run):
    doc = deadlines_json(run, "--dept", "金安区", "--month", "2023-05", "--today", "2023-05-10")
    # M2 (with A3's focus month merged in) and M3 (金安区 supports it through A2)
    assert [(i["task"], i["kind"]) for i in doc["items"]] == [("M2", "window"), ("M3", "quota")]
    transport = deadlines_json(run, "--dept", "jtysj", "--today", "2023-01-01")  # pinyin initials, whole period
    assert {i["task"] for i in transport["items"]} == {"M2"} and len(transport["items"]) == 8


def test_task_filter_and_range(run):
    doc = deadlines_json(run, "--task", "M2", "--from", "2023-03-01", "--to", "2023-09-01")
    assert [(i["kind"], i["start"], i["due"]) for i in doc["items"]] == [
        ("deadline", "2023-03-01", "2023-03-07"), ("window", "2023-05-01", "2023-05-31"),
        ("deadline", "2023-06-01", "2023-06-07"), ("window", "2023-08-01", "2023-08-31"),
        ("deadline", "2023-09-01", "2023-09-07"),
    ]


def test_upcoming_from_today(run):
    doc = deadlines_json(run, "--upcoming", "7", "--today", "2023-12-01", "--task", "M2")
    assert (doc["from"], doc["to"]) == ("2023-12-01", "2023-12-08")
    assert [(i["kind"], i["due"]) for i in doc["items"]] == [("window", "2023-11-30")][:0] + [("deadline", "2023-12-07")]


def test_today_from_env(run):
    result = run("deadlines", "--upcoming", "0", "--format", "json", env={"NMX_TODAY": "2023-03-07"})
    doc = json.loads(result.stdout)
    assert doc["today"] == "2023-03-07" and doc["from"] == doc["to"] == "2023-03-07"
    assert ("M2", "deadline") in [(i["task"], i["kind"]) for i in doc["items"]]


def test_default_range_is_the_plan_period(run):
    doc = deadlines_json(run, "--today", "2023-01-01")
    assert (doc["from"], doc["to"], len(doc["items"])) == ("2023-01-01", "2023-12-31", 24)  # M2 4+4, M3 12, A14 4
    assert doc["period_note"] is None


def test_after_the_period_answers_as_of_its_end(run):
    result = run("deadlines", "--format", "json", env={"NMX_TODAY": "2026-12-01"})
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert (doc["from"], doc["to"], doc["today"], len(doc["items"])) == ("2023-01-01", "2023-12-31", "2026-12-01", 24)
    assert "今天（2026-12-01）已在方案期间 2023-01-01 至 2023-12-31 之后" in doc["period_note"]
    table = run("deadlines", "--month", "2023-09", env={"NMX_TODAY": "2026-12-01", "COLUMNS": "160"})
    assert table.exit_code == 0, table.output
    assert "已结束" in table.stdout and "已过" not in table.stdout  # never hundreds of days overdue
    assert "今天（2026-12-01）已在方案期间 2023-01-01 至 2023-12-31 之后" in table.stderr


def test_outside_the_period(run):
    result = run("deadlines", "--month", "2024-03", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["items"] == []
    assert "不在方案期间（2023-01-01 至 2023-12-31）内" in result.stderr
    table = run("deadlines", "--month", "2024-03")
    assert table.exit_code == 0 and "不在方案期间" in table.stdout


@pytest.mark.parametrize("args, message", [
    (("--month", "2023-13"), "月份无效"),
    (("--from", "2023-05-02", "--to", "2023-05-01"), "--from 2023-05-02 晚于 --to 2023-05-01"),
    (("--month", "2023-05", "--from", "2023-05-01"), "--month 不能与 --from/--to 同时使用"),
    (("--upcoming", "5", "--month", "2023-05"), "--upcoming 不能与"),
    (("--dept", "不存在局"), "找不到单位"),
    (("--dept", "各县区各部门"), "是分组"),
    (("--task", "Z9"), "没有编号为 'Z9' 的任务"),
    (("--upcoming", "-3"), "--upcoming 的天数不能为负：-3"),
    (("--from", "2023-02-30"), "日期无效"),
    (("--today", "tomorrow", "--upcoming", "3"), "日期无效"),
    (("--format", "xlsx"), "'xlsx' 不是可选值"),
])
def test_bad_input_exits_2(run, args, message):
    result = run("deadlines", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_table(run):
    result = run("deadlines", "--month", "2023-09", "--today", "2023-09-05", env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "2023-09-01 至 2023-09-30 的期限（2 项）" in out  # the M2 report and M3's quota (A2's, once)
    assert "09-01—09-07   2天" in out          # the M2 report, two days left
    assert "各县区各部门（21个单位）" in out
    assert "国庆节→09-28" in out
    assert "另有 27 项常态化、不定期或未定日期的工作" in out
    assert "已结束" not in out and "今天" not in result.stderr  # inside the period


def test_table_english(run):
    result = run("deadlines", "--month", "2023-09", "--today", "2023-09-10", "--lang", "en", env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "Due 2023-09-01 to 2023-09-30 (2 items)" in result.stdout
    assert "3 d ago" in result.stdout  # the report was due 09-07
    assert "National Day" in result.stdout


def test_dept_table_mentions_unlisted_group(run):
    # A3's focus month (市民生工作领导小组成员单位) is merged into M2, which names 市交通运输局 through
    # 各县区各部门: the unit owes it outright, so nothing "may also apply"
    result = run("deadlines", "--month", "2023-05", "--dept", "市交通运输局", "--today", "2023-05-10")
    assert result.exit_code == 0, result.output
    assert "M2" in result.stdout and "A3" not in result.stdout
    assert "可能也适用于" not in result.stdout
    # 市总工会 is a people's organisation, not a 部门: M2 only may apply, through the unlisted group
    result = run("deadlines", "--month", "2023-05", "--dept", "市总工会", "--today", "2023-05-10", env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "（0 项）" in result.stdout
    assert "另有 1 项（M2）由方案未列成员的分组（市民生工作领导小组成员单位）承担，可能也适用于 市总工会" in result.stdout


def test_csv_and_md(run, tmp_path):
    out = tmp_path / "d.csv"
    result = run("deadlines", "--month", "2023-06", "--format", "csv", "--output", str(out), "--today", "2023-06-01")
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    rows = list(reader)
    assert reader.fieldnames[-1] == "calendar_note" and {r["calendar_note"] for r in rows} == {""}
    assert len(rows) == 2
    assert [(r["task"], r["kind"], r["due"], r["count"]) for r in rows][:2] == [("M2", "deadline", "2023-06-07", ""),
                                                                                 ("M3", "quota", "2023-06-30", "2")]
    assert rows[0]["deliver_to"] == "市发改委" and rows[0]["departments"].startswith("市委宣传部、市发改委")
    md = run("deadlines", "--month", "2023-06", "--format", "md", "--today", "2023-06-01")
    assert md.exit_code == 0
    assert "| 06-01—06-07 | 6天 | M2 | 归纳总结，形成书面报告报送市发改委（截止） | 各县区各部门（21个单位） |  |" in md.stdout


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "md", "ics"])
def test_every_format_of_deadlines(run, fmt, tmp_path):
    out = tmp_path / f"x.{fmt}"
    result = run("deadlines", "--month", "2023-02", "--format", fmt, "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "M2" in out.read_text(encoding="utf-8")


# --- calendar ---------------------------------------------------------------------------------
def test_calendar_month_json(run):
    result = run("calendar", "2023-10", "--format", "json", "--today", "2023-10-09")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == {"nmx", "kind", "from", "to", "dept", "calendar_note", "period_note", "days"}
    assert doc["kind"] == "calendar/1"
    assert doc["period_note"] is None
    days = {d["date"]: d for d in doc["days"]}
    assert len(days) == 31 and (doc["from"], doc["to"]) == ("2023-10-01", "2023-10-31")
    assert days["2023-10-02"] == {"date": "2023-10-02", "weekday": 1, "workday": False, "holiday": "国庆节",
                                  "makeup_workday": False, "windows": [], "due": []}
    assert days["2023-10-07"]["workday"] and days["2023-10-07"]["makeup_workday"]
    assert days["2023-10-31"]["due"] == ["M3"]  # A2's quota is M3's, once
    assert days["2023-10-14"]["holiday"] == "周末"


def test_calendar_focus_month_json(run):
    doc = json.loads(run("calendar", "2023-05", "--format", "json", "--dept", "金安区", "--today", "2023-05-10").stdout)
    assert doc["dept"] == "金安区人民政府"
    may = doc["days"]
    assert all(d["windows"] == ["M2"] for d in may)  # 金安区 is in M2 (A3's focus month merged in), not A14
    assert [d["date"] for d in may if d["makeup_workday"]] == ["2023-05-06"]
    assert [d["date"] for d in may if d["holiday"] == "劳动节"] == ["2023-05-01", "2023-05-02", "2023-05-03"]


def test_calendar_month_table(run):
    result = run("calendar", "2023-10", "--today", "2023-10-09")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "2023年10月" in out
    assert " 2休" in out and " 7班" in out and "31!" in out
    assert "图例" in out
    assert "2023-10-01 至 2023-10-31 的期限（1 项）" in out  # the items under the grid: M3's quota only


def test_calendar_year(run):
    result = run("calendar", "2023", "--today", "2023-03-01")
    assert result.exit_code == 0, result.output
    for month in ("2023年2月 ★ M2 A14", "2023年5月 ★ M2 A14", "2023年8月 ★ M2 A14", "2023年11月 ★ M2 A14"):
        assert month in result.stdout
    assert "2023年3月 ★" not in result.stdout
    assert "的期限（" not in result.stdout  # no item list under a whole year


def test_calendar_bad_input(run):
    for arg in ("2023-13", "23", "2023-5x"):
        result = run("calendar", arg)
        assert result.exit_code == 2, (arg, result.output)
    assert "应为年份 YYYY 或月份 YYYY-MM" in run("calendar", "23").stderr


def test_calendar_outside_period_notes_it(run):
    result = run("calendar", "2031-01", "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert "2031" in doc["calendar_note"]  # no official data: weekends only, said out loud
    assert all(not d["due"] for d in doc["days"])


def test_help_has_an_example(run):
    for cmd in (("deadlines",), ("calendar",), ("export", "ics")):
        result = run(*cmd, "--help")
        assert result.exit_code == 0 and "示例：nmx" in result.stdout


# --- every message key used in the package exists ----------------------------------------------


def _keys(path: Path) -> set[str]:
    keys = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                keys.add(arg.value)
    return keys


def test_message_keys_exist():
    from nmx.i18n import CATALOG

    used = set().union(*(_keys(m) for m in SRC.rglob("*.py")))
    used |= {f"kind_{k}" for k in ("window", "deadline", "quota", "once", "standing", "irregular", "undated")}
    used |= {f"holiday:{n}" for n in ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节", "周末")}
    assert sorted(used - set(CATALOG)) == []


@pytest.mark.parametrize("start, end", [("2023-01-01", "2023-12-31"), ("2023-05-01", "2023-05-31"),
                                        ("2024-01-01", "2024-02-01"), ("2023-09-29", "2023-10-08")])
def test_fast_json_is_exactly_json_dumps(plan, start, end):
    import datetime as dt

    from nmx.views import deadlines
    from nmx.schedule import engine
    from nmx.render.tabular import to_json

    rng = deadlines.Range(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    found = engine.items(plan, rng.start, rng.end)
    today = dt.date(2023, 6, 1)
    expected = to_json(deadlines.payload(plan, found, rng, today))
    assert "".join(deadlines.json_chunks(plan, found, rng, today, batch=7)) == expected


def test_fast_json_with_no_departments_and_special_characters():
    import datetime as dt

    from nmx.views import deadlines
    from nmx.schedule import engine
    from nmx.plan.models import Quota, Span
    from nmx.render.tabular import to_json
    from tests.conftest import tiny

    q = Quota(kind="quota", what='引号"和\\反斜杠', label="x", rrule="FREQ=MONTHLY;BYMONTHDAY=1", span=Span.MONTH, count=3)
    p = tiny(q, lead=("G",))
    rng = deadlines.Range(dt.date(2023, 1, 1), dt.date(2023, 3, 31))
    found = engine.items(p, rng.start, rng.end)
    text = "".join(deadlines.json_chunks(p, found, rng, dt.date(2023, 1, 1)))
    assert text == to_json(deadlines.payload(p, found, rng, dt.date(2023, 1, 1)))
    assert json.loads(text)["items"][0]["departments"] == []


def test_collector_is_enabled_again_after_a_command(run):
    import gc

    assert gc.isenabled()
    assert run("deadlines", "--month", "2023-05", "--format", "json").exit_code == 0
    assert run("deadlines", "--task", "Z9").exit_code == 2  # an error path, too
    assert gc.isenabled()
