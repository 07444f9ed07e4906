"""One obligation, counted once, owed only by whom the plan names, dated only where it dates it (issue 10)."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from nmx import __version__

GOLDEN = Path(__file__).resolve().parent / "golden"
IN_PERIOD = ("--today", "2023-06-08")


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


# --- one obligation, whichever clause a record names ------------------------------------------
TWO_REPORTS = """\
records:
  - {task: A2, dept: 皖西日报社, date: 2023-05-09, evidence: "https://example.invalid/a"}
  - {task: M3, item: special_reports, dept: 皖西日报社, date: 2023-05-20, evidence: "https://example.invalid/b"}
"""


def test_golden_status_counts_a2_and_m3_records_for_one_quota(run, plan_copy):
    _write(plan_copy, "records.yaml", TWO_REPORTS)
    result = run("status", "--month", "2023-05", "--dept", "皖西日报社", *IN_PERIOD, "-f", "json",
                 "--data", str(plan_copy))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    quota = [i for i in doc["items"] if i["kind"] == "quota"]
    assert len(quota) == 1
    assert (quota[0]["task"], quota[0]["clauses"], quota[0]["done"], quota[0]["state"], quota[0]["light"]) == \
        ("M3", ["M3", "A2"], 2, "done", "green")
    assert doc.pop("nmx") == __version__  # the golden file holds the rest, version-free
    assert doc == json.loads((GOLDEN / "status_wxdaily_2023-05.json").read_text(encoding="utf-8"))


def test_the_same_delivery_twice_counts_once(run, plan_copy):
    _write(plan_copy, "records.yaml", TWO_REPORTS.replace("2023-05-20", "2023-05-09").replace("/b", "/a"))
    doc = json.loads(run("status", "--month", "2023-05", "--dept", "皖西日报社", *IN_PERIOD, "-f", "json",
                         "--data", str(plan_copy)).stdout)
    quota = next(i for i in doc["items"] if i["kind"] == "quota")
    assert (quota["done"], quota["state"]) == (1, "overdue")


def test_every_old_id_resolves_to_the_obligation(run, plan):
    from nmx.schedule import engine

    a2 = engine.items(plan, plan.meta.period.start, plan.meta.period.end, task="A2")
    assert {(i.task, i.schedule_id) for i in a2} == {("M3", "special_reports")} and len(a2) == 12
    a3 = engine.items(plan, plan.meta.period.start, plan.meta.period.end, task="A3")
    assert {(i.task, i.schedule_id, i.clauses) for i in a3} == {("M2", "focus", ("M2", "A3"))}
    deadlines = json.loads(run("deadlines", "--task", "A2", "--month", "2023-05", *IN_PERIOD, "-f", "json").stdout)
    assert [(i["task"], i["clauses"]) for i in deadlines["items"]] == [("M3", ["M3", "A2"])]
    text = run("tasks", "A2").stdout
    assert "A2/special_reports 与 M3/special_reports" in text and "同一项义务" in text


def test_no_obligation_twice_per_unit_and_period_in_any_view(run, plan):
    from nmx.schedule import engine
    from nmx.duties.reach import duties_for

    items = engine.items(plan, plan.meta.period.start, plan.meta.period.end)
    keys = Counter((i.what, i.period, i.kind) for i in items)
    assert max(keys.values()) == 1, [k for k, n in keys.items() if n > 1]
    for unit in plan.units:
        duties = Counter((d.task, d.index) for d in duties_for(plan, unit))
        assert max(duties.values(), default=1) == 1, unit.id


# --- the inspection list ---------------------------------------------------------------------------
def test_overdue_on_the_shipped_plan(run, plan):
    result = run("overdue", "--today", "2023-09-10", "-f", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    seen = Counter((u["unit"], i["task"], i["item"], i["period"]) for u in doc["units"] for i in u["items"])
    assert max(seen.values()) == 1
    kinds = {u.id: u.kind.value for u in plan.units}
    reports = [(u["unit"], i["task"]) for u in doc["units"] for i in u["items"] if i["item"] == "report"]
    assert reports and not [x for x in reports if kinds[x[0]] in ("enterprise", "finance", "media", "people", "office")]
    assert ("drc", "M2") not in reports  # 市发改委 does not report to itself
    assert not [i for u in doc["units"] for i in u["items"] if i["task"] in ("R6", "A2", "A3")]
    carriers = {i["task"] for u in doc["units"] if kinds[u["unit"]] == "enterprise" for i in u["items"]}
    assert carriers == {"A14"}  # their own row only: 各县区各部门 only "may apply" to them
    # focus months Feb, May, Aug × 21 departments + their reports × 20 (not 市发改委) + 8 months × 2
    # media + 3 focus months × 3 carriers (267 before: 40 twins, and everyone owing everything)
    assert doc["count"] == 3 * 21 + 3 * 20 + 8 * 2 + 3 * 3 == 148


def test_a_supporter_owes_no_quota_in_checklist_or_status(run):
    cl = json.loads(run("checklist", "-d", "金安区", "-m", "2023-05", *IN_PERIOD, "-f", "json").stdout)
    quota = [x for x in cl["checklists"][0]["dated"] if x["kind"] == "quota"]
    assert quota and all(not x["owes"] for x in quota) and quota[0]["clauses"] == ["M3", "A2"]
    text = run("checklist", "-d", "金安区", "-m", "2023-05", *IN_PERIOD).stdout
    assert "须完成 2 次" not in text.replace("实施单位须完成 2", "") and "不计次数" in text.replace("\n", "")
    status = json.loads(run("status", "-m", "2023-05", "-d", "金安区", *IN_PERIOD, "-f", "json").stdout)
    assert not [i for i in status["items"] if i["kind"] == "quota"]
    organiser = json.loads(run("status", "-m", "2023-05", "-d", "市委宣传部", *IN_PERIOD, "-f", "json").stdout)
    assert not [i for i in organiser["items"] if i["kind"] == "quota"]


def test_checklist_and_status_agree_on_every_quota_of_2023(plan):
    import datetime as dt

    from nmx.views.checklist import unit_checklists
    from nmx.supervision.files import RecordsState
    from nmx.supervision.status import statuses

    for month in range(1, 13):
        ym = f"2023-{month:02d}"
        lists = unit_checklists(plan, ym, dt.date(2023, month, 1))
        owed = {(cl.unit.id, line.task, line.due, line.count) for cl in lists for line in cl.dated
                if line.kind == "quota" and line.owes}
        start = dt.date(2023, month, 1)
        from nmx.schedule.dates import month_end

        found = statuses(plan, RecordsState(), start, month_end(start), start)
        counted = {(s.unit, s.item.task, s.item.due, s.required) for s in found if s.item.kind == "quota"}
        assert owed == counted, ym
        assert owed  # every month has its special reports


# --- dated only where the plan dates it ----------------------------------------------------------------
def test_r6_has_no_deadline_and_annex_labels_are_marked_inferred(run, plan):
    from nmx.schedule import engine

    assert not [i for i in engine.items(plan, plan.meta.period.start, plan.meta.period.end) if i.task == "R6"]
    duties = json.loads(run("duties", "市卫健委", "-f", "json").stdout)["duties"]
    a5 = next(d for d in duties if d["task"] == "A5")
    assert a5["basis"] == "assumed"
    assert "常态化（推定）" in run("checklist", "-d", "市卫健委", "-m", "2023-05", *IN_PERIOD).stdout


@pytest.fixture
def assumed_report(plan_copy) -> Path:
    """The shipped plan with M2's report deadline marked as assumed by the data."""
    path = plan_copy / "tasks.yaml"
    text = path.read_text(encoding="utf-8")
    old = "        deliver_to: 市发改委\n"
    assert text.count(old) == 1
    path.write_text(text.replace(old, old + "        basis: assumed\n        note: 测试：推定的期限。\n"), encoding="utf-8")
    return plan_copy


def test_assumed_dates_are_listed_apart_and_never_overdue(run, assumed_report):
    args = ("--data", str(assumed_report), "-f", "json")
    status = json.loads(run("status", "--month", "2023-06", "--today", "2023-06-20", *args).stdout)
    assert not [i for i in status["items"] if i["item"] == "report"]
    assert status["assumed"] and {i["item"] for i in status["assumed"]} == {"report"}
    overdue = json.loads(run("overdue", "--today", "2023-09-10", *args).stdout)
    assert not [i for u in overdue["units"] for i in u["items"] if i["item"] == "report"]
    table = run("status", "--month", "2023-06", "--today", "2023-06-20", "--data", str(assumed_report)).stdout
    assert "推定" in table


def test_an_assumed_date_made_binding_counts(run, assumed_report):
    path = assumed_report / "tasks.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("basis: assumed\n        note: 测试",
                                                             "basis: assumed\n        binding: true\n        note: 测试"),
                    encoding="utf-8")
    overdue = json.loads(run("overdue", "--today", "2023-09-10", "--data", str(assumed_report), "-f", "json").stdout)
    assert [i for u in overdue["units"] for i in u["items"] if i["item"] == "report"]


# --- lateness and lights ------------------------------------------------------------------------------
def test_late_is_not_done(run, plan_copy):
    _write(plan_copy, "records.yaml",
           "records:\n  - {task: M2, item: report, period: 2023-05, dept: 金安区, date: 2023-06-09}\n")
    doc = json.loads(run("status", "--month", "2023-06", "--today", "2023-06-20", "-d", "金安区", "-f", "json",
                         "--data", str(plan_copy)).stdout)
    report = next(i for i in doc["items"] if i["item"] == "report")
    assert (report["state"], report["light"], report["late_days"]) == ("done_late", "yellow",
                                                                       {"calendar": 2, "working": 2})


def test_due_soon_is_yellow_and_follows_soon(run):
    args = ("status", "--month", "2023-06", "--today", "2023-06-05", "-d", "金安区", "-f", "json")
    soon = next(i for i in json.loads(run(*args).stdout)["items"] if i["item"] == "report")
    assert (soon["state"], soon["light"]) == ("due_soon", "yellow")  # 06-07 is 2 working days after 06-05
    later = next(i for i in json.loads(run(*args, "--soon", "1").stdout)["items"] if i["item"] == "report")
    assert (later["state"], later["light"]) == ("pending", "green")
    red = next(i for i in json.loads(run(*args[:-4], "--today", "2023-06-08", "-d", "金安区", "-f", "json").stdout)["items"]
               if i["item"] == "report")
    assert (red["state"], red["light"]) == ("overdue", "red")


def test_the_matrix_shows_a_light_per_cell(run):
    doc = json.loads(run("status", "--month", "2023-05", *IN_PERIOD, "--matrix", "-f", "json").stdout)
    cells = [c for row in doc["rows"] for c in row["cells"].values()]
    assert cells and all(c["light"] in ("green", "yellow", "red") for c in cells)
    assert "红 逾期" in run("status", "--month", "2023-05", *IN_PERIOD, "--matrix").stdout


# --- the plan's period ----------------------------------------------------------------------------------
AFTER = ("--today", "2026-12-01")


def test_deadlines_after_the_period_say_ended(run):
    table = run("deadlines", "--month", "2023-05", *AFTER)
    assert table.exit_code == 0 and "已结束" in table.stdout and "天" not in table.stdout.split("\n", 3)[3][:40]
    assert table.stderr.count("方案期间") == 1
    doc = json.loads(run("deadlines", "--month", "2023-05", *AFTER, "-f", "json").stdout)
    assert "方案期间" in doc["period_note"]
    inside = json.loads(run("deadlines", "--month", "2023-05", *IN_PERIOD, "-f", "json").stdout)
    assert inside["period_note"] is None


def test_status_and_overdue_after_the_period_are_the_final_account(run):
    status = run("status", *AFTER, "-f", "json")
    doc = json.loads(status.stdout)
    assert (doc["from"], doc["to"], doc["today"]) == ("2023-01-01", "2023-12-31", "2024-01-01")
    assert "方案期间" in doc["period_note"] and doc["counts"]["overdue"] == len(doc["items"])
    table = run("overdue", *AFTER)
    assert table.stderr.count("方案期间") == 1 and "截至 2024-01-01" in table.stdout
    assert "1000" not in table.stdout  # no "已过1280天": days are counted to the period's end


def test_calendar_checklist_and_ledger_after_the_period(run):
    assert run("calendar", "2023-05", *AFTER).stderr.count("方案期间") == 1
    assert "方案期间" in json.loads(run("calendar", "2023-05", *AFTER, "-f", "json").stdout)["period_note"]
    assert "方案期间" in json.loads(run("checklist", "-d", "金安区", "-m", "2023-05", *AFTER, "-f", "json").stdout)["period_note"]
    assert run("ledger", "list", *AFTER).stderr.count("方案期间") == 1


def test_writes_without_a_date_outside_the_period_are_refused(run, plan_copy):
    data = ("--data", str(plan_copy))
    done = run("done", "M3", "--dept", "皖西日报社", *AFTER, *data)
    assert done.exit_code == 2 and "--on" in done.stderr and "--today" in done.stderr
    assert run("done", "M3", "--dept", "皖西日报社", "--on", "2023-05-09", *AFTER, *data).exit_code == 0
    add = run("ledger", "add", "--dept", "市城管局", "--problem", "p", "--measure", "m", "--due", "2023-07-31", *AFTER, *data)
    assert add.exit_code == 2 and "--found-on" in add.stderr
    assert run("ledger", "add", "--dept", "市城管局", "--problem", "p", "--measure", "m", "--due", "2023-07-31",
               "--today", "2023-06-01", *data).exit_code == 0
    close = run("ledger", "close", "L0001", "--note", "ok", *AFTER, *data)
    assert close.exit_code == 2 and "--on" in close.stderr


# --- 各县区各部门 and self-delivery -------------------------------------------------------------------
def test_departments_means_departments(plan):
    from nmx.schedule import engine

    focus = next(i for i in engine.items(plan, plan.meta.period.start, plan.meta.period.end)
                 if i.task == "M2" and i.schedule_id == "focus")
    kinds = {plan.unit_by_id[u].kind.value for u in focus.owers}
    assert kinds == {"party", "government", "county"}
    assert "cpc_city" not in focus.owers and "livelihood" not in focus.owers
    report = next(i for i in engine.items(plan, plan.meta.period.start, plan.meta.period.end)
                  if i.task == "M2" and i.schedule_id == "report")
    assert "drc" in report.lead and "drc" not in report.owers  # it receives the reports


def test_carriers_may_apply_not_owe(run):
    duties = json.loads(run("duties", "中国电信六安分公司", "-f", "json").stdout)["duties"]
    m2 = [d for d in duties if d["task"] == "M2"]
    assert m2 and all(d["possibly"] for d in m2)
    assert not [d for d in duties if d["task"] == "A14" and d["possibly"]]


def test_channels_are_shown(run):
    assert "平时+集中" in run("info").stdout and "平时+集中" in run("tasks").stdout
    assert [c["id"] for c in json.loads(run("info", "-f", "json").stdout)["plan"]["channels"]] == ["C1", "C2", "C3", "C4"]


def test_r4_text_is_whole_and_r2_writes_the_plans_words(plan):
    assert plan.task_by_id["R4"].text.endswith("共同营造全市上下齐心协力抓宣传的浓厚氛围。")
    assert plan.task_by_id["R2"].lead == ("市直牵头部门",)
    r7 = plan.task_by_id["R7"]
    assert r7.source == "五（一）" and "知晓率、满意度" in r7.text


def test_a_restatement_must_point_at_a_real_entry(run, plan_copy):
    path = plan_copy / "tasks.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("same_as: M3/special_reports", "same_as: M3/nothing"),
                    encoding="utf-8")
    result = run("validate", str(plan_copy))
    assert result.exit_code == 1 and "[bad-same-as]" in result.stdout
    shutil.rmtree(plan_copy)


def test_task_slash_item_is_valid_wherever_a_user_types_it(run, plan_copy):
    doc = json.loads(run("deadlines", "--task", "A2/special_reports", "--month", "2023-05", *IN_PERIOD, "-f", "json").stdout)
    assert [(i["task"], i["kind"], i["clauses"]) for i in doc["items"]] == [("M3", "quota", ["M3", "A2"])]
    report = json.loads(run("deadlines", "--task", "M2/report", "--month", "2023-06", *IN_PERIOD, "-f", "json").stdout)
    assert [(i["task"], i["kind"]) for i in report["items"]] == [("M2", "deadline")]
    bad = run("deadlines", "--task", "A2/xyz", *IN_PERIOD)
    assert bad.exit_code == 2 and "special_reports" in bad.stderr
    done = run("done", "A2/special_reports", "--dept", "皖西日报社", "--on", "2023-05-09", *IN_PERIOD, "--data", str(plan_copy))
    assert done.exit_code == 0, done.output
    text = (plan_copy / "records.yaml").read_text(encoding="utf-8")
    assert 'task: "M3"' in text and 'item: "special_reports"' in text
    clash = run("done", "M2/report", "--item", "focus", "--dept", "金安区", "--on", "2023-05-09", *IN_PERIOD,
                "--data", str(plan_copy))
    assert clash.exit_code == 2 and "不一致" in clash.stderr
