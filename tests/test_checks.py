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
