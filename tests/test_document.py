"""The plan's text ships with the data, cut into clauses (`nmx source`), and every `source:` of the
data names one of them: each duty traces to a clause of the document."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from nmx.plan.document import clause_id, parse, read
from tests.conftest import DATA, ROOT

TEXT = DATA / "source" / "plan.txt"
NOTE = DATA / "source" / "README.md"


@pytest.fixture(scope="module")
def document():
    return read(TEXT)


# --- the text and its origin ---------------------------------------------------------------------
def test_the_text_is_the_recorded_copy() -> None:
    """Byte for byte the document the note names (line ends folded: a Windows checkout may add CRs)."""
    recorded = re.search(r"SHA-256 `([0-9a-f]{64})`", NOTE.read_text(encoding="utf-8"))
    assert recorded, "data/source/README.md records the text's SHA-256"
    assert hashlib.sha256(TEXT.read_bytes().replace(b"\r\n", b"\n")).hexdigest() == recorded.group(1)


def test_the_note_states_the_origin() -> None:
    note = NOTE.read_text(encoding="utf-8")
    for fact in ("六民生办〔2023〕3号", "六安市民生工作领导小组办公室", "成文日期", "shared/seed/000_b71bcdbc2ff3228d.txt"):
        assert fact in note, fact
    text = TEXT.read_text(encoding="utf-8")
    assert "六民生办〔2023〕3号" in text and "六安市 2023 年暖民心行动宣传方案" in text


def test_the_plan_names_its_text_inside_its_folder() -> None:
    meta = yaml.safe_load((DATA / "tasks.yaml").read_text(encoding="utf-8"))["plan"]
    assert (DATA / meta["source_document"]).resolve() == TEXT.resolve()


def test_the_readme_links_to_the_shipped_text() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\((data/[^)]+)\)", readme)
    assert "data/source/plan.txt" in links
    assert all((ROOT / link).is_file() for link in links), links
    assert "../shared/" not in readme


def test_the_text_ships_in_the_wheel_and_the_sdist() -> None:
    """The wheel force-includes the whole data folder as nmx/data; the sdist includes it."""
    build = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]["build"]["targets"]
    assert build["wheel"]["force-include"]["data"] == "nmx/data"
    assert "data" in build["sdist"]["include"]
    from nmx.plan.source import bundled_dir

    assert (bundled_dir() / "source" / "plan.txt").read_bytes() == TEXT.read_bytes()


# --- its structure -----------------------------------------------------------------------------
def test_the_clauses_of_the_plan(document) -> None:
    ids = [c.id for c in document.clauses]
    assert ids == [
        "全文", "通知", "前言", "一", "二", "三", "三（一）", "三（二）", "三（三）", "三（四）",
        "四", "四（一）", "四（二）", "四（三）", "四（四）", "四（五）", "五", "五（一）", "五（二）", "五（三）",
        "附件", *(f"附件 序号{n}" for n in range(1, 15)),
    ]
    titles = {c.id: c.title for c in document.clauses}
    assert (titles["一"], titles["四"], titles["五"]) == ("总体目标", "主要任务", "相关要求")
    assert titles["四（二）"] == "开展集中宣传月活动" and titles["三（四）"] == "户外+户内"
    assert titles["附件"] == "六安市 2023 年暖民心行动宣传任务分工表"
    assert titles["附件 序号4"] == "面向全社会开展暖民心行动系列形象标识征集活动。"


def test_clause_texts_are_the_documents(document) -> None:
    whole = TEXT.read_text(encoding="utf-8")
    m2 = document.by_id["四（二）"].text
    assert m2.startswith("开展集中宣传月活动。每季度第二个月为暖民心集中宣传月") and m2.endswith("报送市发改委。")
    assert "（二）" + m2 in whole
    assert "（三）" not in m2  # an item stops where the next begins
    section = document.by_id["四"].text
    assert section.startswith("（一）制作暖民心行动标识。") and section.endswith("打造更多具有六安特色的暖民心品牌。")
    assert document.by_id["全文"].text == whole.strip()
    row6 = document.by_id["附件 序号6"].text.splitlines()
    assert row6[0].startswith("主要任务：城市公交车") and row6[1:] == ["牵头责任部门：市交通运输局", "配合责任部门："]
    assert document.by_id["附件 序号14"].text.splitlines()[1] == (
        "牵头责任部门：中国电信六安分公司 中国移动六安分公司 中国联通六安分公司")


def test_a_sentence_cut_by_a_page_break_is_joined(document) -> None:
    assert "切实提升广大群众的知晓率、满意度。" in document.by_id["三"].text
    assert "形成我市暖民心行动标识。在宣传品" in document.by_id["四（一）"].text
    assert "广大群\n" in TEXT.read_text(encoding="utf-8")  # the file itself keeps the break


def test_line_ends_and_a_bom_do_not_change_the_clauses(document) -> None:
    text = TEXT.read_text(encoding="utf-8")
    crlf = parse("\ufeff" + text.replace("\n", "\r\n"))
    assert [(c.id, c.title, c.text) for c in crlf.clauses][1:] == [(c.id, c.title, c.text) for c in document.clauses][1:]


@pytest.mark.parametrize(("typed", "clause"), [
    ("四（二）", "四（二）"), ("4(2)", "四（二）"), ("四(二)", "四（二）"), ("４（２）", "四（二）"), ("4.2", "四（二）"),
    ("四、（二）", "四（二）"), (" 4 ( 2 ) ", "四（二）"), ("5-3", "五（三）"), ("三", "三"), ("3", "三"), ("第三部分", "三"),
    ("附件6", "附件 序号6"), ("附件 6", "附件 序号6"), ("附件 序号6", "附件 序号6"), ("附件序号14", "附件 序号14"),
    ("附件（6）", "附件 序号6"), ("附件第6项", "附件 序号6"), ("附件", "附件"), ("全文", "全文"),
])
def test_what_people_type_names_the_clause(document, typed, clause) -> None:
    assert clause_id(typed) == clause
    assert document.find(typed).id == clause


# --- traceability: every source: of the data names a clause ----------------------------------------
def _sources(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "source" and isinstance(value, str):
                yield f"{path}.source", value
            else:
                yield from _sources(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _sources(item, f"{path}[{i}]")


def test_every_source_in_the_data_names_a_clause_of_the_text(document) -> None:
    cited = [(f"{name}{where}", value) for name in ("tasks.yaml", "departments.yaml")
             for where, value in _sources(yaml.safe_load((DATA / name).read_text(encoding="utf-8")))]
    kinds = {re.sub(r"\[\d+\]", "[]", where) for where, _ in cited}  # the walk reached every kind of citation
    # (a schedule may cite its own clause too, tasks[].schedules[].source: the shipped plan has none)
    assert {"tasks.yaml.tasks[].source", "tasks.yaml.plan.channels[].source",
            "tasks.yaml.plan.rules[].source", "departments.yaml.groups[].source"} <= kinds, kinds
    unresolved = [(where, value, document.unresolved(value)) for where, value in cited if document.unresolved(value)]
    assert not unresolved, unresolved


def test_every_task_and_schedule_traces_to_a_clause(document) -> None:
    """The same through the validated models: each task, and each schedule that names its own clause."""
    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import locate

    plan = load_plan(locate(DATA))
    for task in plan.tasks:
        assert document.cited(task.source) and not document.unresolved(task.source), (task.id, task.source)
        for schedule in task.schedules:
            if schedule.source:
                assert not document.unresolved(schedule.source), (task.id, schedule.source)
    annex_tasks = {t.id: t.source for t in plan.tasks if t.id.startswith("A")}
    assert annex_tasks == {f"A{n}": f"附件 序号{n}" for n in range(1, 15)}


def test_an_unknown_citation_is_found(document) -> None:
    assert document.unresolved("四（二）、五（九）、附件 序号15") == ["五（九）", "附件 序号15"]
    assert document.unresolved("四（二）、五（三）") == []


# --- nmx source ---------------------------------------------------------------------------------
def test_source_prints_a_clause(run) -> None:
    result = run("source", "四（二）")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "四（二）" in out and "开展集中宣传月活动" in out and "报送市发改委" in out
    assert "条款" in out and "原文" in out


def test_source_json_is_clause_title_text(run, document) -> None:
    got = json.loads(run("source", "附件", "6", "--format", "json").stdout)
    assert list(got) == ["nmx", "kind", "clause", "title", "text"] and got["kind"] == "source/1"
    assert got["clause"] == "附件 序号6" and got["text"] == document.by_id["附件 序号6"].text


def test_source_text_format_shows_id_and_text(run) -> None:
    result = run("source", "5(3)", "-f", "text", "--lang", "en")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Clause", "五（三）"]
    assert lines[2].split(maxsplit=1) == ["Text", "严格督查问效。各县区各部门要建立长效宣传工作机制，有序开展各项宣传活动。"
                                          "市民生办将对以上各项宣传任务完成情况适时开展暗访督查，督查结果纳入年度政府目标绩效考核内容。"
                                          "同时将各县区各专项行动的民意调查结果，作为市委季度工作评议会的重要内容。"]


def test_source_alone_is_the_outline(run, document) -> None:
    result = run("source", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["kind"] == "source-outline/1"
    outline = doc["clauses"]
    assert [c["clause"] for c in outline] == [c.id for c in document.clauses]
    assert outline[12] == {"clause": "四（二）", "title": "开展集中宣传月活动", "parent": "四"}
    table = run("source").stdout
    assert "六民生办〔2023〕3号" in table and "附件 序号14" in table and "nmx source 四（二）" in table


@pytest.mark.parametrize(("typed", "expect"), [
    ("四（九）", "是否指：四（四）"),
    ("六", "现有条款：全文、通知、前言、一、二、三、三（一）–三（四）"),
    ("A6", "A6 是任务编号"),
])
def test_an_unknown_clause_is_a_usage_error_listing_the_clauses(run, typed, expect) -> None:
    result = run("source", typed)
    assert result.exit_code == 2, result.output
    assert f"方案原文中没有条款 '{typed}'" in result.stderr and expect in result.stderr
    assert "附件 序号1–14" in result.stderr and "Traceback" not in result.output


def test_a_plan_folder_without_its_text_says_so(run, plan_copy: Path) -> None:
    (plan_copy / "source" / "plan.txt").unlink()
    result = run("source", "四（二）", "--data", str(plan_copy))
    assert result.exit_code == 2, result.output
    assert "方案原文不存在" in result.stderr and "plan.source_document" in result.stderr
    assert "Traceback" not in result.output


def test_source_document_must_stay_inside_the_plan_folder(run, plan_copy: Path) -> None:
    tasks = plan_copy / "tasks.yaml"
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("source_document: source/plan.txt",
                                                              "source_document: ../../outside.txt"), encoding="utf-8")
    result = run("source", "--data", str(plan_copy))
    assert result.exit_code == 2, result.output
    assert "plan.source_document 应是方案目录内的相对路径" in result.stderr


def test_source_refuses_to_write_over_the_text(run, plan_copy: Path) -> None:
    before = (plan_copy / "source" / "plan.txt").read_bytes()
    result = run("source", "四（二）", "--data", str(plan_copy), "-o", str(plan_copy / "source" / "plan.txt"))
    assert result.exit_code == 2, result.output
    assert (plan_copy / "source" / "plan.txt").read_bytes() == before
