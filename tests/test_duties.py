"""What the plan asks of each unit (nmx.duties.reach) and the responsibility matrix (nmx.duties.matrix)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nmx import __version__
from nmx.duties.reach import Reacher, Way, duties_for, tallies
from nmx.duties.match import find_unit
from nmx.duties.matrix import matrix
from nmx.plan.models import DepartmentsFile, Group, Standing, Task, TasksFile, Unit, UnitKind
from nmx.plan.plan import Plan

GOLDEN = Path(__file__).resolve().parent / "golden"


def summary(duties) -> list[tuple]:
    """(task, role, via, possibly, schedule) per duty."""
    return [(d.task, d.role, d.via, d.possibly, d.schedule) for d in duties]


def test_transport(plan):
    duties = duties_for(plan, find_unit(plan, "市交通运输局"))
    assert summary(duties) == [
        ("M2", "lead", "各县区各部门（四（二））", False, "每季度第二个月"),
        ("M2", "lead", "各县区各部门（四（二））", False, "次月7日前"),
        ("R5", "lead", "各县区各部门（五（三））", False, "长效机制"),
        ("R7", "lead", "各县区各单位（五（一））", False, "贯穿全年"),
        ("A3", "lead", "市民生工作领导小组成员单位", True, "常态化"),
        ("A6", "lead", None, False, "常态化"),
        ("A6", "lead", None, False, "常态化"),
    ]
    # A3's focus month is M2's (same_as M2/focus): one duty, under M2, stated by both clauses
    assert (duties[0].clauses, duties[0].basis) == (("M2", "A3"), "stated")
    assert duties[1].clauses == ("M2",)
    report = duties[1]
    assert (report.what, report.deliver_to, report.source) == ("归纳总结，形成书面报告报送市发改委", "市发改委", "四（二）")
    assert "（规则 departments，假设）" in report.note  # the everyone-group's assumption travels with the duty
    assert duties[4].note.startswith("方案未列出市民生工作领导小组的成员单位")  # the plan's silence, stated
    assert duties[5].what == "公交车内张贴标语，出租车车体和车载屏宣传"
    assert duties[6].what == "督促客运东、西、北、南站在候车区醒目位置宣传"
    assert duties[5].note == "附件本行“配合责任部门”一栏为空。附件未写时间，按常态化理解（推定）。"
    assert (duties[5].basis, duties[3].basis) == ("assumed", "assumed")  # labels the data assumes


def test_golden_json_for_transport(run):
    result = run("duties", "市交通运输局", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc.pop("nmx") == __version__  # the golden file holds the rest, version-free
    assert doc == json.loads((GOLDEN / "duties_transport.json").read_text("utf-8"))


def test_education_bureau_by_its_annex_name(plan):
    unit = find_unit(plan, "市教育局")
    assert unit.name == "市教体局"
    lead = [(d.task, d.via) for d in duties_for(plan, unit) if d.role == "lead"]
    assert ("A9", None) in lead  # the annex writes 市教育局; it is the same unit, named directly
    assert ("R2", "市直牵头部门") in lead  # R2 writes 市直牵头部门, an alias of 暖民心行动牵头部门


def test_county_supports_through_the_county_group(plan):
    duties = duties_for(plan, find_unit(plan, "金安区"))
    support = [(d.task, d.via) for d in duties if d.role == "support"]
    # A2's entries are M3's and A1's is M5/cases: supported once, under the primary task
    assert support == [
        ("M3", "各县区人民政府"), ("M3", "各县区人民政府"), ("M5", "各县区人民政府"), ("M5", "各县区人民政府"),
        ("A5", "各县区人民政府"), ("A9", "各县区人民政府"), ("A10", "各县区人民政府"),
        ("A11", "各县区人民政府"), ("A12", "各县区人民政府"), ("A13", "各县区人民政府"),
    ]
    assert [d.clauses for d in duties if d.task in ("M3", "M5")] == [("M3", "A2"), ("M3", "A2"), ("M5", "A1"), ("M5",)]
    lead = [(d.task, d.via, d.possibly) for d in duties if d.role == "lead"]
    assert lead == [
        # the focus month (M2, restated by A3): A3's 各县区人民政府 is stronger than M2's 各县区各部门
        ("M2", "各县区人民政府", False), ("M2", "各县区各部门（四（二））", False),
        ("R4", "各县区政府（管委）", False), ("R4", "各县区政府（管委）", False),
        ("R5", "各县区各部门（五（三））", False), ("R7", "各县区各单位（五（一））", False),
        # A3 names both 市民生工作领导小组成员单位 and 各县区人民政府: the definite way wins
        ("A3", "各县区人民政府", False),
    ]
    assert [d.role for d in duties] == ["lead"] * 7 + ["support"] * 10  # lead duties first


def test_devzone_named_directly_beats_groups(plan):
    duties = duties_for(plan, find_unit(plan, "开发区"))
    assert {(d.task, d.role, d.via) for d in duties if d.task in ("A3", "A5", "R4")} == {
        ("A3", "lead", None), ("A5", "support", None), ("R4", "lead", "各县区政府（管委）"),
    }


@pytest.mark.parametrize("name", ["六安银保监分局", "国家金融监督管理总局六安监管分局"])
def test_banking_regulator_under_both_names(plan, name):
    duties = duties_for(plan, find_unit(plan, name))
    assert [(d.task, d.role, d.via) for d in duties if d.via is None] == [("A12", "lead", None)]
    assert {d.task for d in duties} == {"M2", "R5", "R7", "A3", "A12"}
    # a bank regulator is not a 部门: 各县区各部门 / 各县区各单位 reach it only possibly
    assert all(d.possibly for d in duties if d.via is not None)


def test_media_listed_in_a_partly_listed_group_are_definite(plan):
    reach = Reacher(plan).best("wxdaily", plan.task_by_id["M3"].lead)  # M3 writes 市（县区）属各媒体平台
    assert (reach.way, reach.written) == (Way.GROUP, "市（县区）属各媒体平台")  # listed: definite, not possibly
    assert "方案未列出县区属媒体" in reach.group.note
    duties = duties_for(plan, find_unit(plan, "皖西日报社"))
    m3 = [(d.role, d.via, d.possibly, d.schedule, d.clauses) for d in duties if d.task == "M3"]
    # M3 and A2 state one column and one quota; A2 names 皖西日报社 directly, the strongest way
    assert m3 == [("lead", None, False, "常态化", ("M3", "A2")), ("lead", None, False, "每月至少2次", ("M3", "A2"))]
    assert [d for d in duties if d.task == "A2"] == []  # A2's entries are M3's, not duties of their own


def test_party_committee_is_outside_everyone(plan):
    duties = duties_for(plan, find_unit(plan, "市委"))
    assert summary(duties) == [
        # the focus month is M2's (restated by A3, whose 市民生工作领导小组成员单位 may include 市委)
        ("M2", "lead", "市民生工作领导小组成员单位", True, "每季度第二个月"),
        ("A3", "lead", "市民生工作领导小组成员单位", True, "常态化"),
    ]
    assert duties[0].clauses == ("M2", "A3")


def test_groups_for_publicity_and_action_leads(plan):
    publicity = duties_for(plan, find_unit(plan, "市委宣传部"))
    assert [(d.task, d.role, d.via) for d in publicity if d.task == "R3"] == [("R3", "lead", "宣传部门")]
    hrss = duties_for(plan, find_unit(plan, "市人社局"))
    assert [(d.task, d.role, d.via) for d in hrss if d.task in ("R2", "M4")] == [
        ("R2", "lead", "市直牵头部门"), ("M4", "support", "暖民心行动牵头部门"), ("M4", "support", "暖民心行动牵头部门"),
    ]
    assert "成员取自下方 actions" in next(d.note for d in hrss if d.task == "R2")


def test_tallies(plan):
    counts = tallies(plan)
    # tasks with a duty, as duties_for lists them: an obligation counted once, under its primary task
    assert counts["transport"] == (4, 0, 1)  # leads, supports, possibly: M2 R5 R7 A6; A3
    assert counts["jinan"] == (5, 8, 0)  # M2 R4 R5 R7 A3; M3 M5 A5 A9 A10 A11 A12 A13 (A1, A2 are M5's, M3's)
    assert counts["drc"] == (6, 1, 1)  # A1 and A4 restate M5 and M1: not counted again
    assert counts["cpc_city"] == (0, 0, 2)  # M2 (its focus month, via A3) and A3
    assert counts["publicity"] == (6, 0, 1)
    assert counts["nfra"] == (1, 0, 4)  # A12; M2 R5 R7 (not a 部门: only possibly) and A3


# --- rules checked on tiny plans built in code --------------------------------------------------
def tiny(plan: Plan, tasks: list[Task], groups: list[Group] = ()) -> Plan:
    units = (
        Unit(id="a", name="甲局", full_name="六安市甲局", kind=UnitKind.GOVERNMENT),
        Unit(id="b", name="乙局", full_name="六安市乙局", kind=UnitKind.GOVERNMENT),
    )
    return Plan.build(TasksFile(plan=plan.meta, tasks=tuple(tasks)),
                      DepartmentsFile(units=units, groups=tuple(groups)))


def task(tid: str, lead: tuple[str, ...], support: tuple[str, ...] = (), schedules=()) -> Task:
    return Task(id=tid, title=f"任务{tid}", text="……", source="附件", lead=lead, support=support,
                schedules=tuple(schedules))


def test_named_directly_and_via_group_in_one_list_gives_one_duty(plan):
    both = Group(id="both", name="甲乙两局", members=("甲局", "乙局"))
    small = tiny(plan, [task("T1", ("乙局", "甲乙两局"), schedules=[Standing(kind="standing", what="做", label="常态化")])],
                 [both])
    assert summary(duties_for(small, small.unit_by_id["b"])) == [("T1", "lead", None, False, "常态化")]
    assert summary(duties_for(small, small.unit_by_id["a"])) == [("T1", "lead", "甲乙两局", False, "常态化")]


def test_lead_and_support_in_one_task_are_one_lead_duty(plan):
    small = tiny(plan, [task("T1", ("甲局",), ("甲局",))])
    assert [(d.role, d.schedule, d.what) for d in duties_for(small, small.unit_by_id["a"])] == [
        ("lead", None, None),  # no schedule: one undated duty; one obligation, and lead beats support
    ]


def test_unlisted_group_without_note_states_the_silence(plan):
    silent = Group(id="silent", name="某领导小组成员单位", members_listed=False)
    small = tiny(plan, [task("T1", ("某领导小组成员单位",))], [silent])
    (duty,) = duties_for(small, small.unit_by_id["a"])
    assert duty.possibly and duty.via == "某领导小组成员单位"
    assert duty.note == "方案未列出“某领导小组成员单位”的成员，本单位是否在内方案未作说明，故列为“可能适用”。"


def test_reacher_members_include_nested_groups(plan):
    reacher = Reacher(plan)
    assert "devzone" in reacher.members["county_level"] and "jinan" in reacher.members["county_level"]
    # 各县区各部门: county governments, 市开发区管委 and city party/government departments (not 市委)
    assert "cpc_city" not in reacher.members["everyone"] and len(reacher.members["everyone"]) == 21
    assert {"publicity", "drc", "transport", "jinan", "devzone"} <= reacher.members["everyone"]
    assert not {"livelihood", "wxdaily", "telecom", "nfra", "union"} & reacher.members["everyone"]
    assert reacher.unlisted(plan.group_by_id["leading_group"])
    assert not reacher.unlisted(plan.group_by_id["media_platforms"])


# --- matrix -------------------------------------------------------------------------------------
def test_matrix_as_written(plan):
    grid = matrix(plan)
    names = [c.name for c in grid.columns]
    assert names[:3] == ["市委宣传部", "市发改委", "市教体局"]
    assert names[-7:] == ["各县区人民政府", "各县区政府（管委）", "各县区各部门", "暖民心行动牵头部门",
                          "市民生工作领导小组成员单位", "市（县区）属各媒体平台", "宣传部门"]
    assert "市委" not in names  # no list names it
    rows = {r.task: r.cells for r in grid.rows}
    assert rows["A9"] == {"edu": "lead", "counties": "support", "devzone": "support"}  # 市教育局 is 市教体局
    assert rows["A3"] == {"leading_group": "lead", "counties": "lead", "devzone": "lead"}
    assert rows["A14"] == {"telecom": "lead", "mobile": "lead", "unicom": "lead"}


def test_matrix_expanded(plan):
    grid = matrix(plan, expand=True)
    assert [c.id for c in grid.columns] == [u.id for u in plan.units]
    rows = {r.task: r.cells for r in grid.rows}
    assert rows["A3"]["jinan"] == "lead" and rows["A3"]["devzone"] == "lead"
    assert rows["A3"]["transport"] == "possibly_lead" and rows["A3"]["cpc_city"] == "possibly_lead"
    assert len(rows["M2"]) == 31 and "cpc_city" not in rows["M2"] and "livelihood" not in rows["M2"]
    assert rows["M2"]["drc"] == "lead" and rows["M2"]["wxdaily"] == "possibly_lead"  # media: not a 部门
    assert rows["M4"] == {"drc": "lead", "hrss": "support", "civil": "support", "health": "support",
                          "edu": "support", "urban": "support", "commerce": "support"}
    assert rows["A6"] == {"transport": "lead"}


def test_tallies_from_the_duties_the_caller_has(plan):
    from nmx.duties.reach import duties_by_unit

    by_unit = duties_by_unit(plan)
    assert tallies(plan, by_unit) == tallies(plan)
    assert tallies(plan, {"transport": []}) == {"transport": (0, 0, 0)}  # counted from what it is given
