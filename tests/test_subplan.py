"""Issue 14 point 2: `nmx subplan UNIT --from CITY -o DIR`, a county's plan drafted from the city's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import DATA


@pytest.fixture(scope="module")
def jinan(run, tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("subplan") / "金安区"
    result = run("subplan", "金安区", "--from", str(DATA), "-o", str(out), "-f", "json")
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout)


def _load(folder: Path, name: str) -> dict:
    return yaml.safe_load((folder / name).read_text(encoding="utf-8"))


def test_one_inheriting_task_per_city_obligation_reaching_the_county(jinan, plan):
    from nmx.duties.reach import duties_by_unit, duties_for

    folder, _ = jinan
    tasks = _load(folder, "tasks.yaml")["tasks"]
    expected = sorted((d.task, d.index) for d in duties_for(plan, plan.unit_by_id["jinan"]))
    assert sorted((d.task, d.index) for d in duties_by_unit(plan)["jinan"]) == expected
    assert len(tasks) == len(expected) and expected
    assert sorted(t["inherits"] for t in tasks) == sorted(task for task, _ in expected)
    assert len({t["id"] for t in tasks}) == len(tasks)
    for t in tasks:
        city = plan.task_by_id[t["inherits"]]
        assert t["text"] == city.text and t["title"] == city.title
        assert t["lead"] == ["金安区待定牵头单位"] and t["needs_review"]
        assert "金安区人民政府为" in t["note"]  # the county's role in the city plan


def test_the_role_and_group_and_schedule_come_from_the_city(jinan, plan):
    folder, doc = jinan
    tasks = {t["id"]: t for t in _load(folder, "tasks.yaml")["tasks"]}
    roles = {t["id"]: t for t in doc["tasks"]}
    assert roles["M2.1"]["role"] == "lead" and roles["M2.1"]["via"] == "各县区人民政府"
    assert "牵头单位（通过“各县区人民政府”）" in tasks["M2.1"]["note"]
    assert [s["id"] for s in tasks["M2.1"]["schedules"]] == ["focus"]
    assert tasks["M2.1"]["schedules"][0]["rrule"] == plan.task_by_id["M2"].schedules[0].rrule
    # the report deadline takes its window along, counted once, under M2.1
    report = tasks["M2.2"]["schedules"]
    assert [s["kind"] for s in report] == ["window", "deadline"] and report[0]["same_as"] == "M2.1/focus"
    assert report[1]["deliver_to"] == "市发改委"
    assert any(r["role"] == "support" for r in doc["tasks"])


def test_the_header_names_the_parent_and_the_units_file_has_placeholders(jinan):
    folder, doc = jinan
    meta = _load(folder, "tasks.yaml")["plan"]
    assert meta["parent"] == {"doc_number": "六民生办〔2023〕3号", "title": "六安市2023年暖民心行动宣传方案"}
    assert meta["doc_number"] == "" and meta["needs_review"]
    deps = _load(folder, "departments.yaml")
    units = {u["id"]: u for u in deps["units"]}
    assert units["jinan"]["name"] == "金安区人民政府" and "needs_review" not in units["jinan"]
    assert units["lead-tbd"]["needs_review"]
    assert {g["id"] for g in deps["groups"] if g.get("needs_review")} == {"local-departments", "local-towns"}
    assert doc["kind"] == "subplan/1" and doc["unit"] == "jinan"
    assert doc["placeholders"] == len(doc["tasks"]) + 4  # tasks, the header, the lead, departments, towns


def test_the_draft_validates_with_warnings_and_fails_strict(run, jinan):
    folder, doc = jinan
    result = run("validate", str(folder))
    assert result.exit_code == 0, result.output
    assert "needs-review" in result.output
    assert run("validate", "--strict", str(folder)).exit_code != 0
    checked = json.loads(run("validate", str(folder), "-f", "json").stdout)
    assert sum(1 for p in checked["problems"] if p["rule"] == "needs-review") == doc["placeholders"]


def test_the_text_answer_says_how_many_placeholders_are_left(run, tmp_path):
    result = run("subplan", "开发区", "--from", str(DATA), "-o", str(tmp_path / "kfq"))
    assert result.exit_code == 0, result.output
    assert "处待核对" in result.output
    assert _load(tmp_path / "kfq", "tasks.yaml")["plan"]["issuer"] == "市开发区管委"


def test_refuses_a_non_empty_output(run, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("x", encoding="utf-8")
    result = run("subplan", "金安区", "--from", str(DATA), "-o", str(out))
    assert result.exit_code == 2 and "不为空" in result.output and "nmx new" not in result.output
    assert sorted(p.name for p in out.iterdir()) == ["mine.txt"]


@pytest.mark.parametrize("unit, words", [("市委宣传部", "不是县区"), ("无此单位", "找不到")])
def test_an_unknown_unit_or_one_that_is_not_a_county_is_exit_2(run, tmp_path, unit, words):
    result = run("subplan", unit, "--from", str(DATA), "-o", str(tmp_path / "x"))
    assert result.exit_code == 2 and words in result.output
    assert not (tmp_path / "x").exists()


def test_inherits_needs_a_parent(plan_copy, run):
    path = plan_copy / "tasks.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("  - id: M2\n") == 1
    path.write_text(text.replace("  - id: M2\n", "  - id: M2\n    inherits: X1\n"), encoding="utf-8")
    result = run("validate", str(plan_copy))
    assert result.exit_code == 1 and "inherits-without-parent" in result.output


def test_diff_sees_the_parent_and_inherits(run, jinan, tmp_path):
    import shutil

    folder, _ = jinan
    other = tmp_path / "other"
    shutil.copytree(folder, other)
    path = other / "tasks.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("inherits: A13\n") == 1 and text.count("title: 六安市2023年暖民心行动宣传方案\n") == 1
    path.write_text(text.replace("inherits: A13\n", "inherits: A12\n")
                    .replace("title: 六安市2023年暖民心行动宣传方案\n", "title: 另一份方案\n"), encoding="utf-8")
    doc = json.loads(run("diff", str(folder), str(other), "-f", "json").stdout)
    assert any(c["field"] == "parent" for c in doc["plan"]["changed"]), doc["plan"]
    text_out = run("diff", str(folder), str(other)).output
    assert "承接上级任务" in text_out and "上级方案" in text_out


def test_every_county_of_the_city_plan_gets_a_valid_draft(plan, tmp_path):
    from nmx.drafts.subplan import start_subplan
    from nmx.duties.reach import duties_by_unit
    from nmx.plan.models import UnitKind

    reached = duties_by_unit(plan)
    for unit in (u for u in plan.units if u.kind is UnitKind.COUNTY):
        draft = start_subplan(DATA, unit.name, tmp_path / unit.id)  # check(): valid, warnings only
        assert len(draft.tasks) == len(reached[unit.id]) and draft.placeholders == len(draft.tasks) + 4


def test_tasks_and_info_show_what_the_draft_inherits(run, jinan):
    folder, _ = jinan
    detail = run("tasks", "M2.2", "--data", str(folder))
    assert detail.exit_code == 0 and "承接上级任务" in detail.output and "M2（六民生办〔2023〕3号）" in detail.output
    assert json.loads(run("tasks", "M2.2", "--data", str(folder), "-f", "json").stdout)["inherits"] == "M2"
    info = json.loads(run("info", "--data", str(folder), "-f", "json").stdout)
    assert info["plan"]["parent"]["doc_number"] == "六民生办〔2023〕3号"
    assert "上级方案" in run("info", "--data", str(folder)).output
    assert "parent" not in json.loads(run("info", "-f", "json").stdout)["plan"]  # the city plan has none
