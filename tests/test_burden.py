"""`nmx burden` (issue 15 part 5): the deliveries the plan demands of each unit, month by month.

The expected counts are done by hand from data/tasks.yaml and data/departments.yaml, not by the
code under test. The dated entries of the shipped plan are four (every other entry is standing,
irregular or undated):
- M2/focus (A3/focus restates it): a window, every 2nd month of a quarter, no deliver_to —
  a period for activities, not a delivery;
- M2/report: a deadline, 次月7日前 after each focus month, deliver_to 市发改委 — due 03-07,
  06-07, 09-07, 12-07; owed by the lead 各县区各部门 (kinds county, government, party, less 市委:
  the 7 county governments and 市开发区管委, the 12 government departments less 市发改委, who
  would report to itself (rule no-self-delivery), and 市委宣传部 = 20 units; media, enterprises,
  banks and people's organisations are only "possibly" and owe nothing);
- M3/special_reports (A2/special_reports restates it): a quota of 2 every month, no deliver_to,
  owed_by 市（县区）属各媒体平台 = 皖西日报社 and 市广电台 — 2 deliveries a month, recipient 未写明;
- A14/focus: a window in the focus months, no deliver_to — not a delivery.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace

import pytest

from nmx.duties import burden as burden_mod
from nmx.plan.models import Once, Quota, Span, Window
from tests.conftest import DATA, tiny

# Every unit of departments.yaml, in its order: (deliveries, recipients) in May 2023.
# May: M2/report of the February focus month fell due 03-07 and that of May is due 06-07, so no
# report weighs on May; the focus windows (M2/focus, A14/focus) hand nothing over. What is left
# is M3/special_reports, due 05-31: 2 for each of the two listed media, recipient 未写明 (1).
MAY_2023 = {
    "市委宣传部": (0, 0), "市委": (0, 0), "市发改委": (0, 0), "市教体局": (0, 0), "市人社局": (0, 0),
    "市卫健委": (0, 0), "市民政局": (0, 0), "市商务局": (0, 0), "市城管局": (0, 0), "市交通运输局": (0, 0),
    "市文旅局": (0, 0), "市住建局": (0, 0), "市自然资源局": (0, 0), "市数管局": (0, 0), "市民生办": (0, 0),
    "金安区人民政府": (0, 0), "裕安区人民政府": (0, 0), "叶集区人民政府": (0, 0), "霍邱县人民政府": (0, 0),
    "舒城县人民政府": (0, 0), "金寨县人民政府": (0, 0), "霍山县人民政府": (0, 0), "市开发区管委": (0, 0),
    "皖西日报社": (2, 1),   # M3/special_reports: quota count 2, owed_by the media platforms
    "市广电台": (2, 1),     # the same quota
    "市总工会": (0, 0), "团市委": (0, 0), "市妇联": (0, 0), "六安银保监分局": (0, 0), "人行六安中心支行": (0, 0),
    "中国电信六安分公司": (0, 0),  # A14/focus is theirs, but a window naming no recipient
    "中国移动六安分公司": (0, 0), "中国联通六安分公司": (0, 0),
}

# June 2023: M2/report of the May focus month (due 06-07, to 市发改委: 1 recipient) for its 20
# owers, and M3/special_reports (due 06-30) for the two media again.
_REPORTERS = ["市委宣传部", "市教体局", "市人社局", "市卫健委", "市民政局", "市商务局", "市城管局", "市交通运输局",
              "市文旅局", "市住建局", "市自然资源局", "市数管局", "金安区人民政府", "裕安区人民政府", "叶集区人民政府",
              "霍邱县人民政府", "舒城县人民政府", "金寨县人民政府", "霍山县人民政府", "市开发区管委"]
JUNE_2023 = {**{name: (0, 0) for name in MAY_2023}, **{name: (1, 1) for name in _REPORTERS},
             "皖西日报社": (2, 1), "市广电台": (2, 1)}


def _json(run, *args):
    result = run("burden", *args, "-f", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert list(doc)[:2] == ["nmx", "kind"] and doc["kind"] == "burden/1"
    return doc


def _month_counts(doc, month: str) -> dict[str, tuple[int, int]]:
    out = {}
    for unit in doc["units"]:
        (entry,) = [m for m in unit["months"] if m["month"] == month]
        out[unit["department"]] = (entry["count"], len(entry["recipients"]))
    return out


# --- the shipped plan, counted by hand ----------------------------------------------------------
def test_may_2023_every_unit(run):
    doc = _json(run, "--month", "2023-05")
    assert doc["months"] == ["2023-05"]
    assert _month_counts(doc, "2023-05") == MAY_2023
    media = next(u for u in doc["units"] if u["department"] == "皖西日报社")["months"][0]
    assert media["recipients"] == ["未写明"]
    assert media["deliveries"] == [{"task": "M3", "item": "special_reports", "what": "完成暖民心行动专题报道",
                                    "due": "2023-05-31", "deliver_to": None, "clauses": ["M3", "A2"], "count": 2,
                                    "recipient": None}]


def test_june_2023_every_unit(run):
    doc = _json(run, "--month", "2023-06")
    assert _month_counts(doc, "2023-06") == JUNE_2023
    jinan = next(u for u in doc["units"] if u["department"] == "金安区人民政府")["months"][0]
    assert [(d["task"], d["item"], d["due"], d["recipient"]) for d in jinan["deliveries"]] == [
        ("M2", "report", "2023-06-07", "市发改委")]


def test_the_year_table(run):
    result = run("burden")
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert "单位 1 2 3 4 5 6 7 8 9 10 11 12 合计" in lines
    # M2/report: March, June, September, December; 4 in the year, all to 市发改委
    assert "金安区 1/1 1/1 1/1 1/1 4/1" in lines and "市交通运输局 1/1 1/1 1/1 1/1 4/1" in lines
    # M3/special_reports: 2 every month, 24 in the year, recipient 未写明
    assert "皖西日报社 " + "2/1 " * 12 + "24/1" in lines
    # 22 units deliver something; 11 (市委, 市发改委, 市民生办, people's organisations, banks, enterprises) do not
    assert sum(bool(re.match(r"\S+ .*\d+/\d+$", ln)) for ln in lines) == 22
    assert "另有 11 个单位在此期间没有交付（--format json 列出全部单位）。" in result.stdout.replace("\n", "")
    assert "!" not in "".join(lines[:25])  # nothing above the default threshold of 4


def test_nothing_is_asked_twice_in_the_shipped_plan(run):
    # Read from tasks.yaml: every unit has at most one delivering obligation in any month (media:
    # M3/special_reports; the others: M2/report), and restatements (A2, A3) are merged.
    doc = _json(run)
    assert [m for u in doc["units"] for m in u["months"] if m["duplicates"]] == []
    assert doc["assumptions"] == []  # the four dated entries all have stated dates
    assert [(a["task"], a["item"]) for a in doc["not_counted"]["activities"]] == [("M2", "focus"), ("A14", "focus")]
    assert doc["not_counted"]["unlisted"] == ["市（县区）属各媒体平台"]


# --- the threshold ----------------------------------------------------------------------------------
def test_default_threshold_flags_nothing(run):
    doc = _json(run)
    assert doc["threshold"] == doc["threshold_default"] == 4 and doc["flagged"] == []


def test_a_low_threshold_flags_the_expected_units(run):
    doc = _json(run, "--month", "2023-05", "--threshold", "1")
    assert {f["department"] for f in doc["flagged"]} == {"皖西日报社", "市广电台"}  # 2 > 1; nobody else delivers
    june = _json(run, "--month", "2023-06", "--threshold", "1")
    assert {f["department"] for f in june["flagged"]} == {"皖西日报社", "市广电台"}  # the 20 reporters deliver 1
    everyone = _json(run, "--month", "2023-06", "--threshold", "0")
    assert {f["department"] for f in everyone["flagged"]} == set(_REPORTERS) | {"皖西日报社", "市广电台"}


def test_flagged_cells_are_marked(run):
    result = run("burden", "--threshold", "1", env={"COLUMNS": "100"})  # the marks widen the cells past 80 columns
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert "市广电台 " + "2/1! " * 12 + "24/1" in lines
    assert "金安区 1/1 1/1 1/1 1/1 4/1" in lines  # 1 is not above 1
    assert "本次阈值：1 次/月（--threshold）。" in result.stdout.replace("\n", "")
    month = run("burden", "--month", "2023-05", "--threshold", "1")
    assert month.stdout.count("超过 1 次") == 2


def test_the_help_states_the_default_threshold(run):
    from nmx.duties.burden import THRESHOLD

    text = "".join(run("burden", "--help").stdout.split())
    assert f"（默认{THRESHOLD}：nmx的假设，方案未规定）" in re.sub(r"[│╭╮╰╯─]", "", text)


# --- asked twice: a copy of the plan with demands added -------------------------------------------
EXTRA = """
  - id: T1
    title: 集中宣传月工作总结（测试用）
    source: 测试
    text: 金安区人民政府于6月5日前将集中宣传月工作情况形成书面报告报送六安市发展和改革委员会。
    lead: [金安区人民政府]
    schedules:
      - id: summary
        kind: once
        date: 2023-06-05
        what: 归纳总结，形成书面报告并报送市发改委
        label: 6月5日前
        deliver_to: 六安市发展和改革委员会
  - id: T2
    title: 专题报道（测试用，漏写 same_as 的重述）
    source: 测试
    text: 皖西日报社每月完成暖民心行动专题报道。
    lead: [皖西日报社]
    schedules:
      - id: reports
        kind: quota
        what: 完成暖民心行动专题报道
        label: 每月1次
        rrule: FREQ=MONTHLY;BYMONTHDAY=1
        span: month
        count: 1
  - id: T3
    title: 同样的报告，另一个接收方（测试用）
    source: 测试
    text: 裕安区人民政府于6月5日前将书面报告报送市民生办。
    lead: [裕安区人民政府]
    schedules:
      - id: summary
        kind: once
        date: 2023-06-05
        what: 归纳总结，形成书面报告报送市发改委
        label: 6月5日前
        deliver_to: 市民生办
"""


@pytest.fixture
def doubled(plan_copy):
    tasks = plan_copy / "tasks.yaml"
    tasks.write_text(tasks.read_text(encoding="utf-8").rstrip("\n") + "\n" + EXTRA, encoding="utf-8")
    return plan_copy


def test_the_same_report_to_the_same_recipient_is_flagged(run, doubled):
    doc = _json(run, "--month", "2023-06", "--data", str(doubled))
    by_name = {u["department"]: u["months"][0] for u in doc["units"]}
    jinan = by_name["金安区人民政府"]
    # T1 names 市发改委 by its full name: one recipient with M2/report
    assert (jinan["count"], jinan["recipients"]) == (2, ["市发改委"])
    (dup,) = jinan["duplicates"]
    assert (dup["first"]["task"], dup["second"]["task"], dup["recipient"], dup["exact"]) == ("T1", "M2", "市发改委", False)
    assert 90 <= dup["ratio"] < 100
    # T2 repeats M3/special_reports word for word without same_as: asked twice, exactly
    media = by_name["皖西日报社"]
    assert media["count"] == 3
    assert [(d["first"]["task"], d["second"]["task"], d["exact"], d["ratio"]) for d in media["duplicates"]] == [
        ("M3", "T2", True, 100.0)]
    # the same words to another recipient (市民生办) are a second recipient, not a duplicate
    yuan = by_name["裕安区人民政府"]
    assert (yuan["count"], yuan["recipients"], yuan["duplicates"]) == (2, ["市民生办", "市发改委"], [])
    assert by_name["市广电台"]["duplicates"] == []


def test_duplicates_are_marked_and_listed(run, doubled):
    result = run("burden", "--data", str(doubled), "-f", "md")
    assert result.exit_code == 0, result.output
    rows = {r.split("|")[1].strip(): [c.strip() for c in r.split("|")[2:-1]] for r in result.stdout.splitlines()
            if r.startswith("| ") and "/" in r}
    assert rows["金安区"][5] == "2/1*" and rows["金安区"][2] == "1/1"
    assert rows["皖西日报社"][:12] == ["3/1*"] * 12
    assert "重复要求：金安区人民政府 2023-06（接收方：市发改委）：T1/summary" in result.stdout
    assert "（内容相同：可能是未合并的重述）" in result.stdout


# --- the rule, on plans built in code ------------------------------------------------------------
D = dt.date
MONTHLY = "FREQ=MONTHLY;BYMONTHDAY=1"


YEAR = (D(2023, 1, 1), D(2023, 12, 31))


def _counts(plan, start=YEAR[0], end=YEAR[1], **kw):
    from nmx.duties.burden import burden

    b = burden(plan, start, end, **kw)
    return b, {m: (mb.count, mb.recipients) for m, mb in b.units[0].months.items() if mb.count}


def test_a_window_delivers_only_when_it_names_a_recipient():
    quiet = Window(kind="window", what="活动", label="每月", rrule="FREQ=MONTHLY;BYMONTH=5;BYMONTHDAY=1",
                   span=Span.MONTH, id="w")
    b, found = _counts(tiny(quiet))
    assert found == {} and [i.schedule_id for i in b.activities] == ["w"]
    handed = replace(quiet, deliver_to="U2")
    assert _counts(tiny(handed))[1] == {"2023-05": (1, ["U2"])}


def test_a_quota_counts_its_number_and_a_once_counts_one():
    quota = Quota(kind="quota", what="报道", label="每月3次", rrule=MONTHLY, span=Span.MONTH, count=3, id="q")
    once = Once(kind="once", what="报告", label="3月10日", date=D(2023, 3, 10), deliver_to="某某办公室", id="o")
    _, found = _counts(tiny(quota, once), D(2023, 3, 1), D(2023, 4, 30))
    assert found == {"2023-03": (4, ["某某办公室", None]), "2023-04": (3, [None])}  # raw text where nothing resolves


def test_an_assumed_date_is_never_owed_but_listed():
    once = Once(kind="once", what="报告", label="推定", date=D(2023, 3, 10), basis="assumed", note="推定", id="o")
    b, found = _counts(tiny(once))
    assert found == {} and [i.schedule_id for i in b.assumptions] == ["o"]
    assert _counts(tiny(replace(once, binding=True)))[1] == {"2023-03": (1, [None])}


def test_the_month_is_the_due_days():
    once = Once(kind="once", what="报告", label="x", date=D(2023, 7, 3), start=D(2023, 6, 20), id="o")
    assert _counts(tiny(once), D(2023, 6, 1), D(2023, 7, 31))[1] == {"2023-07": (1, [None])}
    assert _counts(tiny(once), D(2023, 6, 1), D(2023, 6, 30))[1] == {}


def test_near_identical_demands_from_two_obligations():
    from nmx.duties.burden import SIMILAR

    a = Once(kind="once", what="报送集中宣传月活动总结报告", label="x", date=D(2023, 3, 3), deliver_to="U2", id="a")
    b = Once(kind="once", what="报送集中宣传月总结报告", label="x", date=D(2023, 3, 20), deliver_to="U2", id="b")
    c = Once(kind="once", what="报送年度工作总结", label="x", date=D(2023, 3, 21), deliver_to="U2", id="c")
    found, _ = _counts(tiny(a, b, c))
    (march,) = [mb for mb in found.units[0].months.values() if mb.count]
    assert [(x.first.item.schedule_id, x.second.item.schedule_id, x.exact) for x in march.duplicates] == [
        ("a", "b", False)]
    assert SIMILAR <= march.duplicates[0].ratio < 100
    assert _counts(tiny(a, b), similar=99)[0].units[0].months["2023-03"].duplicates == []


# --- outputs ------------------------------------------------------------------------------------------
def test_csv_is_one_row_per_unit_per_month(run):
    result = run("burden", "-f", "csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "单位,月份,交付,接收方数,接收方,交付事项,超过阈值,重复要求"
    assert len(lines) == 1 + 22 * 12
    assert "市广电台,2023-05,2,1,未写明,M3/special_reports×2（05-31） 完成暖民心行动专题报道,," in lines
    assert "金安区人民政府,2023-05,0,0,,,," in lines


def test_xlsx_reads_back(run, tmp_path):
    import openpyxl

    out = tmp_path / "负担.xlsx"
    result = run("burden", "--threshold", "1", "-f", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out)["交付负担"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0].startswith("各单位交付负担 2023-01-01 至 2023-12-31")
    assert rows[1] == ("单位", "月份", "交付", "接收方数", "接收方", "交付事项", "超过阈值", "重复要求")
    data = {(r[0], r[1]): r[2:] for r in rows[2:]}
    assert len(data) == 22 * 12
    assert data[("市交通运输局", "2023-06")][:3] == (1, 1, "市发改委")  # numbers stay numbers
    assert data[("皖西日报社", "2023-01")][4] == "是" and data[("市交通运输局", "2023-06")][4] is None


def test_dept_filter(run):
    doc = _json(run, "--dept", "金安区")
    assert [u["department"] for u in doc["units"]] == ["金安区人民政府"]
    assert doc["units"][0]["count"] == 4 and doc["units"][0]["recipients"] == ["市发改委"]
    result = run("burden", "--month", "2023-05", "--dept", "金安区")  # a unit asked for is shown at zero
    assert result.exit_code == 0, result.output
    assert re.search(r"金安区人民政府\s+0\s+0\s*$", result.stdout, re.MULTILINE)
    assert "另有" not in result.stdout


def test_a_range(run):
    doc = _json(run, "--from", "2023-06-05", "--to", "2023-07-31")
    assert doc["months"] == ["2023-06", "2023-07"]
    counts = _month_counts(doc, "2023-06")
    assert counts["金安区人民政府"] == (1, 1) and counts["皖西日报社"] == (2, 1)  # due 06-07, 06-30: inside
    assert _month_counts(_json(run, "--from", "2023-06-08", "--to", "2023-06-30"), "2023-06")["金安区人民政府"] == (0, 0)


@pytest.mark.parametrize("args, says", [
    (("--month", "2023-13"), "月份无效"),
    (("--month", "五月"), "月份无效"),
    (("--dept", "无此单位"), "找不到单位"),
    (("--month", "2023-05", "--from", "2023-05-01"), "--month"),
    (("--threshold", "-1"), "--threshold"),
])
def test_bad_options_are_usage_errors(run, args, says):
    result = run("burden", *args)
    assert result.exit_code == 2, result.output
    assert says in result.stderr and "Traceback" not in result.output


def test_outside_the_period(run):
    doc = _json(run, "--month", "2024-05")
    assert doc["months"] == [] and doc["range_notes"] and all(u["months"] == [] for u in doc["units"])


# --- the report site ---------------------------------------------------------------------------------
def test_the_report_has_the_burden_page(run, tmp_path, doubled):
    out = tmp_path / "site"
    result = run("report", "-o", str(out), "--today", "2023-05-10", "--data", str(doubled))
    assert result.exit_code == 0, result.output
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="burden.html">各单位交付负担' in index
    page = (out / "burden.html").read_text(encoding="utf-8")
    table = page[page.index('<table class="stack burden">'):page.index("</table>")]
    assert table.count("<tr>") == 1 + 22
    assert '<a href="units/jinan.html">金安区人民政府</a>' in table
    assert table.count('data-flag="duplicate"') == 1 + 12  # 金安区 in June, 皖西日报社 every month
    assert 'data-flag="over"' not in table
    assert "2023年6月" in table and "默认阈值 4 次/月是 nmx 的假设" in page
    assert page.count("<li>重复要求：") == 13
    assert "M2/focus、A14/focus" in page


def test_the_report_page_on_the_shipped_plan(run, tmp_path):
    out = tmp_path / "site"
    assert run("report", "-o", str(out), "--today", "2023-05-10", "--data", str(DATA)).exit_code == 0
    page = (out / "burden.html").read_text(encoding="utf-8")
    assert "data-flag" not in page and "没有重复要求" in page


def test_the_documented_keys_are_the_emitted_keys(run):
    from pathlib import Path

    docs = (Path(__file__).resolve().parent.parent / "docs" / "commands.md").read_text(encoding="utf-8")
    row = next(line for line in docs.splitlines() if line.startswith("| `burden/1` |")).split(" | ")[2]
    depth, top = 0, []
    for match in re.finditer(r"`([a-z_]+)`|\(|\)", row):
        if match.group(0) == "(":
            depth += 1
        elif match.group(0) == ")":
            depth -= 1
        elif depth == 0:
            top.append(match.group(1))
    assert top == list(_json(run))[2:]


@pytest.mark.parametrize("cutoff", [0, 50, 80, 87, 88.9, 89, 90, 91, 97, 100])
def test_similar_pairs_are_every_pair_that_reaches_the_cutoff(cutoff):
    """Comparing a text only with those of a length that can reach the cutoff finds every pair
    that comparing all with all finds, with the same ratios: short texts of one length too."""
    import random
    from itertools import combinations

    from rapidfuzz import fuzz

    rng = random.Random(cutoff)
    stems = ["报送集中宣传月活动总结报告", "报送季度工作总结", "报送年度工作总结", "abc", ""]
    keys = list(dict.fromkeys(
        rng.choice(stems)[: rng.randint(0, 14)] + "".join(rng.choice("宣传报告总结月季度xyz") for _ in range(rng.randint(0, 12)))
        for _ in range(160)))
    long = stems[0] * 3
    keys += [long, long + "x", long[:-1], long[1:] + "月"]  # near enough for 97
    # texts of one length, 1 to 12 characters, one character apart (as a synthetic plan's 报送1203-0)
    keys += list(dict.fromkeys(f"报送{n:010d}"[:width] for width in range(1, 13) for n in (7, 17, 1017, 1018)))
    keys += ["a", "b", "ab", "ac", "abcdefghi", "abcdefghj", "abcdefghij", "abcdefghik", "甲乙丙丁戊己庚辛壬癸", "甲乙丙丁戊己庚辛壬子"]
    keys = list(dict.fromkeys(keys))
    found = {frozenset((a, b)): round(r, 6) for a, b, r in burden_mod._similar_pairs(keys, cutoff)}
    brute = {frozenset((a, b)): round(fuzz.ratio(a, b), 6) for a, b in combinations(keys, 2)
             if fuzz.ratio(a, b) >= cutoff}
    assert found == brute
    assert len(found) == len(list(burden_mod._similar_pairs(keys, cutoff)))  # each pair once
    assert cutoff == 100 or brute  # near enough for some pairs at every cutoff but 100 (the keys are distinct)
