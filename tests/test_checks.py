"""Stage two: each named check fires on a tiny plan with one fault, at the right place."""

from __future__ import annotations

import pytest

from nmx.plan.checks import CHECKS
from nmx.plan.pipeline import validate_files
from nmx.problems import Level
from tests.conftest import DATA, FIXTURES, patched

DEPARTMENTS = """\
units:
  - {id: drc, name: 市发改委, full_name: 六安市发展和改革委员会, kind: government, aliases: [六安市发改委]}
  - {id: edu, name: 市教体局, full_name: 六安市教育体育局, kind: government, aliases: [市教育局]}
groups:
  - {id: both, name: 两个单位, members: [市发改委, 市教体局]}
  - {id: all, name: 全部单位, everyone: true}
actions:
  - {id: X1, name: 就业促进行动, lead: [市发改委]}
"""
TASKS = """\
plan:
  title: 方案
  doc_number: 文号
  issuer: 发文单位
  issuer_short: 发文
  year: 2023
  period: {start: 2023-01-01, end: 2023-12-31}
  timezone: Asia/Shanghai
  source_document: seed.txt
tasks:
  - id: T1
    title: 任务一
    text: 文字
    source: 四（二）
    lead: [市发改委]
    support: [两个单位]
    related: [T2]
    schedules:
      - {id: w, kind: window, what: 活动, label: 每季度第二个月, rrule: "FREQ=MONTHLY;BYMONTH=2,5,8,11", span: month}
      - {kind: deadline, what: 报告, label: 次月7日前, after: w, due: {months: 1, day: 7}, deliver_to: 市发改委}
      - {kind: quota, what: 报道, label: 每月2次, rrule: "FREQ=MONTHLY", span: month, count: 2}
      - {kind: once, what: 一次, label: 6月1日, date: 2023-06-01}
  - id: T2
    title: 任务二
    text: 文字
    source: 附件 序号1
    lead: [市教育局, 全部单位]
"""


def _validate(tasks: str = TASKS, departments: str = DEPARTMENTS):
    files = {"tasks.yaml": tasks.encode(), "departments.yaml": departments.encode()}
    return validate_files(files, {"tasks.yaml": "t.yaml", "departments.yaml": "d.yaml"})


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_the_tiny_plan_is_valid() -> None:
    plan, problems = _validate()
    assert problems == []
    assert plan is not None and [t.id for t in plan.tasks] == ["T1", "T2"]
    assert plan.expand(plan.task_by_id["T2"].lead) == ["edu", "drc"]


# (check, which file, old, new, rule, level, file, line, path)
CASES = [
    ("duplicate-id", "t", "  - id: T1", "  - id: T2", "duplicate-id", "error", "t.yaml", 23, "tasks[1].id"),
    ("duplicate-id", "d", "{id: edu,", "{id: drc,", "duplicate-id", "error", "d.yaml", 3, "units[1].id"),
    ("duplicate-id", "d", "{id: all,", "{id: both,", "duplicate-id", "error", "d.yaml", 6, "groups[1].id"),
    ("duplicate-id", "t", "{kind: deadline,", "{id: w, kind: deadline,", "duplicate-id", "error", "t.yaml", 20,
     "tasks[0].schedules[1].id"),
    ("bad-id", "d", "{id: edu,", "{id: 'e du',", "bad-id", "error", "d.yaml", 3, "units[1].id"),
    ("unknown-unit", "t", "lead: [市发改委]", "lead: [市发展委]", "unknown-unit", "error", "t.yaml", 15, "tasks[0].lead[0]"),
    ("unknown-unit", "t", "support: [两个单位]", "support: [三个单位]", "unknown-unit", "error", "t.yaml", 16,
     "tasks[0].support[0]"),
    ("unknown-unit", "t", "deliver_to: 市发改委}", "deliver_to: 市长}", "unknown-unit", "error", "t.yaml", 20,
     "tasks[0].schedules[1].deliver_to"),
    ("unknown-unit", "d", "members: [市发改委, 市教体局]", "members: [市发改委, 市体育局]", "unknown-unit", "error",
     "d.yaml", 5, "groups[0].members[1]"),
    ("unknown-unit", "d", "lead: [市发改委]}", "lead: [市人社局]}", "unknown-unit", "error", "d.yaml", 8,
     "actions[0].lead[0]"),
    ("group-cycle", "d", "members: [市发改委, 市教体局]", "members: [市发改委, 两个单位]", "group-cycle", "error",
     "d.yaml", 5, "groups[0].members"),
    ("task-no-lead", "t", "lead: [市发改委]", "lead: []", "task-no-lead", "error", "t.yaml", 15, "tasks[0].lead"),
    ("name-clash", "d", "aliases: [市教育局]", "aliases: [市教育局, 六安市发改委]", "alias-clash", "error", "d.yaml", 3,
     "units[1].aliases[1]"),
    ("name-clash", "d", "everyone: true}", "everyone: true, aliases: [市教体局]}", "unit-group-clash", "error", "d.yaml",
     6, "groups[1].aliases[0]"),
    ("invisible-char", "d", "{id: edu, name: 市教体局,", '{id: edu, name: "市教\u200b体局",', "invisible-char",
     "error", "d.yaml", 3, "units[1].name"),
    ("invisible-char", "d", "aliases: [市教育局]", 'aliases: [市教育局, "\u202e局育教市"]', "invisible-char",
     "error", "d.yaml", 3, "units[1].aliases[1]"),  # a bidi override
    ("name-clash", "d", "full_name: 六安市教育体育局", "full_name: 六安市发展和改革委员会　", "name-clash", "error",
     "d.yaml", 3, "units[1].full_name"),  # an ideographic space: the same name once folded
    ("group-empty", "d", "members: [市发改委, 市教体局]", "members: []", "group-empty", "warning", "d.yaml", 5, "groups[0]"),
    ("group-empty", "d", "everyone: true}", "everyone: true, excluding: [市发改委, 市教体局]}", "group-empty", "warning",
     "d.yaml", 6, "groups[1]"),
    ("schedule", "t", '"FREQ=MONTHLY;BYMONTH=2,5,8,11"', '"FREQ=MONTHLY;BYMONTH=2,5,8,11;BYMONTHDAY=31;BYMONTH=1"',
     "bad-rrule", "error", "t.yaml", 19, "tasks[0].schedules[0].rrule"),
    ("schedule", "t", '"FREQ=MONTHLY", span', '"FREQ=MONTHLY;BYDAY=XX", span', "bad-rrule", "error", "t.yaml", 21,
     "tasks[0].schedules[2].rrule"),
    ("schedule", "t", '"FREQ=MONTHLY", span', '"FREQ=MONTHLY;UNTIL=20221231", span', "rrule-empty", "warning",
     "t.yaml", 21, "tasks[0].schedules[2].rrule"),
    ("schedule", "t", "after: w,", "after: x,", "bad-after", "error", "t.yaml", 20, "tasks[0].schedules[1].after"),
    ("schedule", "t", "day: 7}", "day: 32}", "bad-relative", "error", "t.yaml", 20, "tasks[0].schedules[1].due.day"),
    ("schedule", "t", "months: 1,", "months: 99999,", "bad-relative", "error", "t.yaml", 20, "tasks[0].schedules[1].due"),
    ("schedule", "t", "count: 2}", "count: -1}", "bad-quota", "error", "t.yaml", 21, "tasks[0].schedules[2].count"),
    ("schedule", "t", "date: 2023-06-01}", "date: 2022-12-31}", "date-outside", "error", "t.yaml", 22,
     "tasks[0].schedules[3].date"),
    ("schedule", "t", "date: 2023-06-01}", "date: 2023-06-01, start: 2024-01-01}", "date-outside", "error", "t.yaml",
     22, "tasks[0].schedules[3].start"),
    ("schedule", "t", "{kind: once, what: 一次,", "{kind: once, basis: assumed, what: 一次,", "assumed-without-note",
     "warning", "t.yaml", 22, "tasks[0].schedules[3].basis"),
    ("schedule", "t", "end: 2023-12-31}", "end: 9999-12-31}", "date-range", "error", "t.yaml", 7, "plan.period.end"),
    ("schedule", "t", "end: 2023-12-31}", "end: 2022-12-31}", "period-order", "error", "t.yaml", 7, "plan.period"),
    ("related", "t", "related: [T2]", "related: [T3]", "bad-related", "error", "t.yaml", 17, "tasks[0].related[0]"),
    ("same-as", "t", "date: 2023-06-01}", "date: 2023-06-01, same_as: T2/w}", "bad-same-as", "error", "t.yaml", 22,
     "tasks[0].schedules[3].same_as"),  # T2 has no entry w: a restatement of nothing
    ("timezone", "t", "timezone: Asia/Shanghai", "timezone: Mars/Olympus", "bad-timezone", "error", "t.yaml", 8,
     "plan.timezone"),
    ("timezone", "t", "timezone: Asia/Shanghai", "timezone: Asia", "bad-timezone", "error", "t.yaml", 8,
     "plan.timezone"),  # a folder of the tz database
    ("timezone", "t", "timezone: Asia/Shanghai", f"timezone: {'x' * 300}", "bad-timezone", "error", "t.yaml", 8,
     "plan.timezone"),  # a name longer than a file name may be
    # import: what nmx import drafted and no one has checked yet
    ("needs-review", "t", "    related: [T2]\n", "    related: [T2]\n    needs_review: 牵头单位待核对\n", "needs-review",
     "warning", "t.yaml", 18, "tasks[0].needs_review"),
    ("needs-review", "t", "{kind: once, what: 一次,", "{kind: once, needs_review: 由“6月1日”推定, what: 一次,",
     "needs-review", "warning", "t.yaml", 22, "tasks[0].schedules[3].needs_review"),
    ("needs-review", "t", "  source_document: seed.txt\n", "  source_document: seed.txt\n  needs_review: 期间为推定\n",
     "needs-review", "warning", "t.yaml", 10, "plan.needs_review"),
    ("needs-review", "d", "aliases: [市教育局]}", "aliases: [市教育局], needs_review: 新单位}", "needs-review",
     "warning", "d.yaml", 3, "units[1].needs_review"),
    ("needs-review", "d", "everyone: true}", "everyone: true, needs_review: 新统称}", "needs-review", "warning",
     "d.yaml", 6, "groups[1].needs_review"),
    ("draft", "t", "doc_number: 文号", 'doc_number: ""', "draft", "warning", "t.yaml", 3, "plan.doc_number"),
    # subplan: a task inherits a parent plan's task only in a plan with a parent
    ("inherits-without-parent", "t", "    related: [T2]\n", "    related: [T2]\n    inherits: M2\n",
     "inherits-without-parent", "error", "t.yaml", 18, "tasks[0].inherits"),
]


def test_every_check_has_a_case() -> None:
    """Each check fires in some case, and the rule it fires with is a key that leads back to it."""
    assert {CHECKS[case[4]] for case in CASES} == set(CHECKS.values())


@pytest.mark.parametrize("case", CASES, ids=[f"{c[4]}:{c[3]}" for c in CASES])
def test_check_fires(case: tuple) -> None:
    _, which, old, new, rule, level, file, line, path = case
    tasks, departments = TASKS, DEPARTMENTS
    if which == "t":
        tasks = _edit(tasks, old, new)
    else:
        departments = _edit(departments, old, new)
    plan, problems = _validate(tasks, departments)
    found = [(p.rule, p.level.value, p.file, p.line, p.path) for p in problems]
    assert (rule, level, file, line, path) in found
    assert {p.rule for p in problems} == {rule}, found  # one fault, one kind of finding
    assert (plan is None) == (level == "error")


def test_a_zero_width_look_alike_is_refused_not_given_the_duties() -> None:
    departments = _edit(DEPARTMENTS, "{id: edu, name: 市教体局,", '{id: edu, name: "市发\u200b改委",')
    plan, problems = _validate(departments=departments)
    assert plan is None
    assert {(p.rule, p.path) for p in problems} >= {("invisible-char", "units[1].name"), ("name-clash", "units[1].name")}


def test_group_cycle_names_the_chain() -> None:
    departments = _edit(DEPARTMENTS, "members: [市发改委, 市教体局]", "members: [市发改委, 三个单位]")
    departments = _edit(departments, "actions:", "  - {id: three, name: 三个单位, members: [两个单位]}\nactions:")
    _, problems = _validate(departments=departments)
    assert sorted(p.message for p in problems) == [
        "分组 'both' 通过 both → three → both 包含了自己",
        "分组 'three' 通过 three → both → three 包含了自己",
    ]


def test_problems_are_sorted_and_all_collected() -> None:
    tasks = _edit(_edit(TASKS, "related: [T2]", "related: [T3]"), "lead: [市发改委]", "lead: [市发展委]")
    departments = _edit(DEPARTMENTS, "members: [市发改委, 市教体局]", "members: []")
    _, problems = _validate(tasks, departments)
    assert [(p.file, p.line, p.rule) for p in problems] == [
        ("d.yaml", 5, "group-empty"), ("t.yaml", 15, "unknown-unit"), ("t.yaml", 17, "bad-related"),
    ]


def test_checks_on_a_plan_built_in_code() -> None:
    from nmx.plan.checks import Context, run_checks
    from nmx.plan.yaml_reader import Document
    from nmx.plan.models import DepartmentsFile, Group, TasksFile, Unit, UnitKind
    from nmx.plan.plan import Plan

    plan_ok, _ = _validate()
    departments = DepartmentsFile(
        units=(Unit(id="a", name="甲", full_name="甲单位", kind=UnitKind.OFFICE),),
        groups=(Group(id="g", name="乙组", members=("乙组",)),),
    )
    plan = Plan.build(TasksFile(plan=plan_ok.meta, tasks=()), departments)
    problems = run_checks(Context(plan, Document("t"), Document("d")))
    assert [(p.file, p.line, p.col, p.level, p.rule) for p in problems] == [
        ("d", 1, 1, Level.ERROR, "group-cycle"), ("d", 1, 1, Level.WARNING, "group-empty"),
    ]


def test_shipped_plan_has_no_problem_at_all(plan) -> None:
    from nmx.plan.source import FILES
    from tests.conftest import DATA

    files = {name: (DATA / name).read_bytes() for name in FILES}
    built, problems = validate_files(files, {name: name for name in FILES})
    assert problems == []
    assert built is not None and len(built.tasks) == len(plan.tasks) == 26


def test_the_check_registry_is_keyed_by_the_rule_ids_its_checks_emit():
    """Every rule id a check's problems carry leads back to that check (CHECKS[rule] is it)."""
    from nmx.plan import checks
    from nmx.plan.plan import Plan
    from nmx.plan.validation import FILE_MODELS, validate_document
    from nmx.plan.yaml_reader import parse

    emitted: dict[str, set[str]] = {}
    faults = [None, *sorted(p for p in (FIXTURES / "invalid").iterdir() if p.suffix in (".yaml", ".patch"))]
    for fault in faults:
        files = {name: (DATA / name).read_bytes() for name in ("tasks.yaml", "departments.yaml")}
        if fault is not None and fault.suffix == ".patch":
            name, raw = patched(fault)
            files[name] = raw
        elif fault is not None:
            files[fault.name.split("--")[0] + ".yaml"] = fault.read_bytes()
        docs = {name: parse(raw, name) for name, raw in files.items()}
        built = {name: validate_document(doc, FILE_MODELS[name])[0] for name, doc in docs.items()
                 if isinstance(doc.data, dict) and not doc.problems}
        if len(built) < 2 or None in built.values():
            continue
        ctx = checks.Context(Plan.build(built["tasks.yaml"], built["departments.yaml"]), docs["tasks.yaml"],
                             docs["departments.yaml"])
        for fn in dict.fromkeys(checks.CHECKS.values()):
            emitted.setdefault(fn.__name__, set()).update(p.rule for p in fn(ctx))
    by_name = {fn.__name__: fn for fn in checks.CHECKS.values()}
    wrong = {(name, rule) for name, rules in emitted.items() for rule in rules if checks.CHECKS.get(rule) is not by_name[name]}
    assert wrong == set()
    reached = set().union(*emitted.values())
    assert {"bad-id", "group-cycle", "alias-clash", "unit-group-clash", "bad-rrule"} <= reached  # patches and files both reach the checks


# --- every problem in one run: the checks run on what validated ------------------------------------
def test_a_structural_and_a_semantic_fault_are_both_reported() -> None:
    tasks = _edit(_edit(TASKS, "lead: [市发改委]", "lead: 市发改委"), "lead: [市教育局, 全部单位]", "lead: [市教育厅]")
    plan, problems = _validate(tasks)
    assert plan is None
    assert [(p.rule, p.path) for p in problems] == [("tuple-type", "tasks[0].lead"), ("unknown-unit", "tasks[1].lead[0]")]


def test_positions_are_the_files_when_an_item_before_failed() -> None:
    tasks = _edit(_edit(TASKS, "title: 任务一", "title: [任务一]"), "related: [T2]", "related: [T2]\n    note: [x]")
    tasks = _edit(tasks, "lead: [市教育局, 全部单位]", "lead: [市教育局, 全部单位]\n    support: [无名单位]")
    _, problems = _validate(tasks)
    assert [(p.rule, p.line, p.path) for p in problems] == [
        ("string-type", 12, "tasks[0].title"), ("string-type", 18, "tasks[0].note"),
        ("unknown-unit", 29, "tasks[1].support[0]"),  # T2 is tasks[1] in the file, though the first kept
    ]


def test_no_finding_that_only_a_failed_item_explains() -> None:
    # 市教体局 fails (a bad kind): T2's lead 市教育局 (its alias) is not unknown, the group that lists it
    # is not empty; T1 fails (a bad count): T2 may still name it as related
    departments = _edit(DEPARTMENTS, "kind: government, aliases: [市教育局]", "kind: ngo, aliases: [市教育局]")
    departments = _edit(departments, "members: [市发改委, 市教体局]", "members: [市教体局]")
    tasks = _edit(_edit(TASKS, "span: month, count: 2}", "span: month, count: two}"),
                  "lead: [市教育局, 全部单位]", "lead: [市教育局, 全部单位]\n    related: [T1, T9]")
    plan, problems = _validate(tasks, departments)
    assert plan is None
    assert [(p.rule, p.path) for p in problems] == [
        ("enum", "units[1].kind"), ("int-parsing", "tasks[0].schedules[2].count"),
        ("bad-related", "tasks[1].related[1]"),  # T9 is no task, failed or not
    ]


def test_a_unit_whose_name_is_not_known_hides_every_unknown_unit() -> None:
    departments = _edit(DEPARTMENTS, "{id: edu, name: 市教体局,", "{id: edu, name: [市教体局],")
    tasks = _edit(TASKS, "lead: [市发改委]", "lead: [市发展委]")  # could be the unit whose name is not text
    _, problems = _validate(tasks, departments)
    assert [(p.rule, p.path) for p in problems] == [("string-type", "units[1].name")]


def test_a_file_that_does_not_parse_leaves_the_other_files_checks() -> None:
    tasks = _edit(_edit(TASKS, "related: [T2]", "related: [T3]"), "timezone: Asia/Shanghai", "timezone: Mars/Olympus")
    tasks = _edit(tasks, "lead: [市发改委]", "lead: [没有的单位]")  # unknown, but departments.yaml is unreadable
    plan, problems = _validate(tasks, "units: [\n")
    assert plan is None
    assert sorted((p.file, p.rule) for p in problems) == [
        ("d.yaml", "syntax"), ("t.yaml", "bad-related"), ("t.yaml", "bad-timezone"),
    ]


def test_without_its_header_the_schedules_are_not_checked() -> None:
    tasks = _edit(_edit(TASKS, "year: 2023", "year: [2023]"), "related: [T2]", "related: [T3]")
    tasks = _edit(tasks, 'rrule: "FREQ=MONTHLY;BYMONTH=2,5,8,11"', 'rrule: "FREQ=NEVER"')
    _, problems = _validate(tasks)
    assert [p.rule for p in problems] == ["int-type", "bad-related"]  # no bad-rrule: no period to check it in


# --- messages that say what to fix ---------------------------------------------------------------------
MESSAGES = [  # (tasks edit, rule, Chinese, English)
    (("lead: [市发改委]", "lead: 市发改委"), "tuple-type", "写成列表：[市发改委]", "write it as a list: [市发改委]"),
    (("date: 2023-06-01}", "date: 2023-02-30}"), "date-from-datetime-parsing",
     "date 的日期 2023-02-30 不存在：2023 年 2 月只有 28 天",
     "the date 2023-02-30 does not exist: day out of range for the month (2023-02 has 28 days)"),
    (("date: 2023-06-01}", "date: 2023-13-01}"), "date-from-datetime-parsing", "月份 13 不在 1–12 之间",
     "month 13 is not between 1 and 12"),
    (("date: 2023-06-01}", "date: 6月1日}"), "date-from-datetime-parsing", "不是日期：写成 YYYY-MM-DD",
     "is not a date: write it as YYYY-MM-DD"),
    (("title: 任务一", "titel: 任务一"), "unknown-key", "未知字段 'titel'，是否指 'title'？",
     "unknown field 'titel'; did you mean 'title'?"),
    (("title: 任务一", "titel: 任务一"), "missing", "缺少必填字段 'title'：请加上 title:", "required field 'title' is missing: add title:"),
    (("year: 2023", "year: 二〇二三"), "int-parsing", "year 应是整数，而不是 '二〇二三'", "year must be a whole number, not '二〇二三'"),
    (("title: 任务一", "title: 1"), "string-type", "title 应是文字，而不是 1", "title must be text, not 1"),
    (("title: 任务一", "title: true"), "string-type", "加引号", "quote text"),
    (("span: month}", "span: month, binding: maybe}"), "bool-parsing", "binding 应是 true 或 false，而不是 'maybe'",
     "binding must be true or false, not 'maybe'"),
    (("span: month}", "span: mnth}"), "enum", "span 的值 'mnth' 不可用，是否指 month？可用的值：day、week、month",
     "span: 'mnth' is not allowed; did you mean month? Allowed values: day, week, month"),
    (("{kind: once,", "{kind: one,"), "union-tag-invalid", "kind 的值 'one' 不可用，是否指 once？",
     "kind: 'one' is not allowed; did you mean once?"),
    (("lead: [市发改委]", "lead: [市发改局]"), "unknown-unit", "未知的单位或分组 '市发改局'，是否指 市发改委",
     "unknown unit or group '市发改局'; did you mean 市发改委"),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case", MESSAGES, ids=[f"{c[1]}:{c[0][1]}" for c in MESSAGES])
def test_messages_name_the_value_and_the_fix(case: tuple, lang: str) -> None:
    from nmx.i18n import set_lang

    (old, new), rule, zh, en = case
    set_lang(lang)
    try:
        _, problems = _validate(_edit(TASKS, old, new))
    finally:
        set_lang(None)
    messages = [p.message for p in problems if p.rule == rule]
    assert any((zh if lang == "zh" else en) in m for m in messages), [str(p) for p in problems]


def test_validate_suggests_what_duties_suggests(plan) -> None:
    """One implementation: the unit names an unknown name gets are the ones `nmx duties` offers."""
    from nmx.duties.match import find_unit
    from nmx.errors import UsageError
    from nmx.plan.checks import unknown_unit_message

    for name in ("市交通运输厅", "jtysjj", "市城管理局"):
        with pytest.raises(UsageError) as err:
            find_unit(plan, name)
        offered = err.value.hint.removeprefix("是否指：")
        assert unknown_unit_message(plan, name) == f"未知的单位或分组 {name!r}，是否指 {offered}？"
    assert unknown_unit_message(plan, "交通运输局") == "未知的单位或分组 '交通运输局'，是否指 市交通运输局？"  # duties finds it
