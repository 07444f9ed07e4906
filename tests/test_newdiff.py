"""Issue 13: `nmx new` (next year's plan from this one) and `nmx diff` (two plans compared by meaning)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import DATA

LEDGER = """\
# 整改台账
entries:
  - {id: L0001, dept: 市交通局, problem: 客运站无宣传, measure: 设置展板, due: 2023-07-15, found_on: 2023-06-08}
  - id: L0002
    dept: 金安区
    problem: 标语缺失
    measure: 补设
    due: 2023-12-01
    found_on: 2023-11-01
    note: 复查
closures:
  - {id: L0001, closed_on: 2023-07-10, note: 已设置}
"""
RECORDS = "records:\n  - {task: M3, dept: 皖西日报社, date: 2023-05-09}\n"


def _edit(path: Path, *pairs: tuple[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def _json(result) -> dict:
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


# --- nmx new ----------------------------------------------------------------------------------------
@pytest.fixture
def old(plan_copy: Path) -> Path:
    (plan_copy / "ledger.yaml").write_text(LEDGER, encoding="utf-8")
    (plan_copy / "records.yaml").write_text(RECORDS, encoding="utf-8")
    return plan_copy


def test_new_starts_next_years_draft(run, old, tmp_path):
    new = tmp_path / "2024"
    result = run("new", "2024", "--from", str(old), "-o", str(new))
    assert result.exit_code == 0, result.output
    assert "已生成 2024 年方案草稿" in result.stdout
    tasks = (new / "tasks.yaml").read_text(encoding="utf-8")
    assert "title: \"六安市2024年暖民心行动宣传方案\"" in tasks and 'doc_number: ""' in tasks
    assert "period: {start: 2024-01-01, end: 2024-12-31}" in tasks and "year: 2024" in tasks
    assert "# === 四、主要任务 ===" in tasks  # comments kept: the file was edited as text
    assert tasks.startswith("# yaml-language-server: $schema=./tasks.schema.json\n# 草稿：")
    assert (new / "departments.yaml").read_bytes() == (old / "departments.yaml").read_bytes()
    assert not (new / "records.yaml").exists()  # records stay with their year
    assert not (new / "source" / "plan.txt").exists()  # the old text is not the new plan's
    assert "nmx new 没有复制 2023 年方案（六民生办〔2023〕3号）的原文" in (new / "source" / "README.md").read_text(
        encoding="utf-8")
    ledger = (new / "ledger.yaml").read_text(encoding="utf-8")
    assert "L0002" in ledger and "L0001" not in ledger and "closures" not in ledger  # only the open entry
    assert f'note: "复查；由 2023 年台账转入：../{old.name}/ledger.yaml L0002"' in ledger
    validated = run("validate", str(new))
    assert validated.exit_code == 0, validated.output
    assert "warning [draft]" in validated.stdout and "0 个错误，1 个警告" in validated.stdout
    status = run("ledger", "list", "--data", str(new), "--today", "2024-01-10", "-f", "json")
    assert [e["id"] for e in _json(status)["entries"]] == ["L0002"]


def test_new_then_diff_shows_only_the_metadata(run, old, tmp_path):
    new = tmp_path / "2024"
    assert run("new", "2024", "--from", str(old), "-o", str(new)).exit_code == 0
    doc = _json(run("diff", str(old), str(new), "-f", "json"))
    assert doc["kind"] == "diff/1"
    assert {c["field"] for c in doc["plan"]["changed"]} == {"title", "doc_number", "year", "period", "note"}
    assert doc["tasks"] == {"added": [], "removed": [], "changed": []}
    assert doc["units"] == {"added": [], "removed": [], "renamed": []}
    assert doc["groups"] == {"added": [], "removed": [], "changed": []}
    assert doc["by_unit"] == {}
    assert run("diff", str(old), str(new), "--exit-code").exit_code == 1  # the metadata differ


def test_new_moves_one_off_dates_and_rules_that_carry_dates(run, old, tmp_path):
    _edit(old / "tasks.yaml",
          ("        label: 一次性，未定日期\n        note: 方案未给出征集和发布的日期。\n",
           "        label: 一次性，未定日期\n        note: 方案未给出征集和发布的日期。\n"
           "      - {id: award, kind: once, what: 发布标识, label: 6月底前, date: 2023-06-30}  # 发布\n"),
          ("rrule: FREQ=MONTHLY;BYMONTH=2,5,8,11;BYMONTHDAY=1\n        span: month\n      - id: report",
           "rrule: \"FREQ=MONTHLY;BYMONTH=2,5,8,11;BYMONTHDAY=1;UNTIL=20231231\"\n        span: month\n      - id: report"))
    assert run("validate", str(old)).exit_code == 0
    new = tmp_path / "2024"
    result = run("new", "2024", "--from", str(old), "-o", str(new), "-f", "json")
    doc = _json(result)
    assert doc["kind"] == "new/1" and doc["carried"] == ["L0002"] and doc["records_left"] == 1
    assert {(m["task"], m["item"], m["to"], m["review"]) for m in doc["moved"]} == {
        ("M1", "award", "2024-06-30", True),
        ("M2", "focus", "FREQ=MONTHLY;BYMONTH=2,5,8,11;BYMONTHDAY=1;UNTIL=20241231", False)}
    tasks = (new / "tasks.yaml").read_text(encoding="utf-8")
    assert ('{id: award, kind: once, what: 发布标识, label: 6月底前, date: 2024-06-30, '
            'note: "由 2023 年顺延，待核对", basis: "assumed"}  # 发布') in tasks
    assert run("validate", str(new)).exit_code == 0
    diff = _json(run("diff", str(old), str(new), "-f", "json"))
    changed = {c["id"]: c["changes"] for c in diff["tasks"]["changed"]}
    assert set(changed) == {"M1", "M2"}
    award = next(c for c in changed["M1"] if c.get("item") == "award")
    assert award["fields"] == {"basis": {"from": "stated", "to": "assumed"},
                               "date": {"from": "2023-06-30", "to": "2024-06-30"},
                               "note": {"from": None, "to": "由 2023 年顺延，待核对"}}
    assert [c["fields"].keys() for c in changed["M2"]] == [{"rrule": 0}.keys()]
    drc = {e["task"]: e for e in diff["by_unit"]["drc"]}
    assert drc["M1"]["change"] == "schedule" and [i["item"] for i in drc["M1"]["items"]] == ["award"]


@pytest.mark.parametrize("make", ["file", "nonempty"])
def test_new_never_replaces_what_is_there(run, old, tmp_path, make):
    target = tmp_path / "taken"
    if make == "file":
        target.write_text("mine", encoding="utf-8")
    else:
        target.mkdir()
        (target / "mine.txt").write_text("mine", encoding="utf-8")
    result = run("new", "2024", "--from", str(old), "-o", str(target))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "nmx: 错误:" in result.stderr
    mine = target if make == "file" else target / "mine.txt"
    assert mine.read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary folder left


def test_new_into_an_empty_folder_and_bad_years(run, old, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("new", "2024", "--from", str(old), "-o", str(empty)).exit_code == 0
    assert (empty / "tasks.yaml").is_file()
    for year in ("2023", "99999"):
        result = run("new", year, "--from", str(old), "-o", str(tmp_path / year))
        assert result.exit_code == 2 and not (tmp_path / year).exists(), result.output
    assert run("new", "2024", "--from", str(old)).exit_code == 2  # -o is required


# --- nmx diff --------------------------------------------------------------------------------------
@pytest.fixture
def changed(tmp_path: Path) -> Path:
    """data/ with 市交通运输局 renamed (its old name in former_names), a row added, a role changed,
    a group grown."""
    dest = tmp_path / "changed"
    shutil.copytree(DATA, dest)
    _edit(dest / "departments.yaml",
          ("  - id: transport\n    name: 市交通运输局\n    full_name: 六安市交通运输局\n",
           "  - id: transport_bureau\n    name: 市交通运输委\n    full_name: 六安市交通运输委员会\n"
           "    former_names: [市交通运输局, 六安市交通运输局]\n"),
          ("members: [市人社局, 市民政局, 市卫健委, 市教体局, 市城管局, 市商务局]",
           "members: [市人社局, 市民政局, 市卫健委, 市教体局, 市城管局, 市商务局, 市交通运输委]"))
    _edit(dest / "tasks.yaml",
          ("    lead: [市住建局, 市自然资源局]\n", "    lead: [市住建局]\n    support: [市自然资源局]\n"),
          ("text: 在各大医院电子屏幕播出暖民心行动宣传标语。", "text: 在各大医院和社区卫生服务中心电子屏幕播出暖民心行动宣传标语。"))
    with (dest / "tasks.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\n  - id: A15\n    title: 交通站场宣传\n    source: 附件 序号15\n    text: 在高铁站、机场设置宣传内容。\n"
                 "    lead: [市交通运输委]\n    schedules:\n      - {kind: standing, what: 站场宣传, label: 常态化}\n")
    return dest


def test_diff_finds_the_rename_the_row_and_the_role(run, changed):
    assert run("validate", str(changed)).exit_code == 0
    doc = _json(run("diff", str(DATA), str(changed), "-f", "json"))
    assert list(doc)[:2] == ["nmx", "kind"] and doc["kind"] == "diff/1"
    assert [(r["from"], r["to"]) for r in doc["units"]["renamed"]] == [("市交通运输局", "市交通运输委")]
    assert doc["units"]["removed"] == [] and doc["units"]["added"] == []  # a rename, not a removal
    assert [t["id"] for t in doc["tasks"]["added"]] == ["A15"] and doc["tasks"]["removed"] == []
    changes = {c["id"]: c["changes"] for c in doc["tasks"]["changed"]}
    assert set(changes) == {"A5", "A8"}  # A6 still names 市交通运输局: its former name, no change
    assert [c["field"] for c in changes["A5"]] == ["text"]
    assert doc["by_unit"]["health"] == [{"task": "A5", "title": "医院电子屏播出宣传标语", "change": "text", "role": "lead",
                                         "fields": ["text"]}]
    assert changes["A8"] == [{"field": "lead", "added": [], "removed": ["市自然资源局"]},
                             {"field": "support", "added": ["市自然资源局"], "removed": []}]
    assert doc["groups"]["changed"] == [{"id": "action_leads", "name": "暖民心行动牵头部门",
                                         "added": ["市交通运输委"], "removed": []}]
    assert doc["plan"]["changed"] == []
    assert doc["by_unit"]["land"] == [{"task": "A8", "title": "建筑工地和收储地块围挡宣传", "change": "role",
                                       "from": "lead", "to": "support"}]
    transport = doc["by_unit"]["transport_bureau"]
    assert {"task": "A15", "title": "交通站场宣传", "change": "added", "role": "lead"} in transport
    assert {(e["task"], e["change"]) for e in transport} == {("A15", "added"), ("M4", "added"), ("R2", "added")}
    assert "housing" not in doc["by_unit"]  # still leads A8


def test_diff_by_unit_for_one_unit(run, changed):
    result = run("diff", str(DATA), str(changed), "--by-unit", "--dept", "市自然资源局")
    assert result.exit_code == 0, result.output
    assert "各单位的变化" in result.stdout and "A8" in result.stdout and "牵头 → 配合" in result.stdout
    assert "A15" not in result.stdout
    doc = _json(run("diff", str(DATA), str(changed), "--dept", "市交通局", "-f", "json"))
    assert list(doc["by_unit"]) == ["transport_bureau"]  # found by its former alias in the new plan
    md = run("diff", str(DATA), str(changed), "-f", "md").stdout
    assert "| 单位 | 更名 | transport_bureau | 市交通运输委 | 市交通运输局 → 市交通运输委 |" in md


def test_diff_exit_code(run, changed, plan_copy):
    assert run("diff", str(DATA), str(changed)).exit_code == 0
    assert run("diff", str(DATA), str(changed), "--exit-code").exit_code == 1
    same = run("diff", str(DATA), str(plan_copy), "--exit-code")
    assert same.exit_code == 0 and "两份方案含义相同" in same.stdout
    assert _json(run("diff", str(DATA), str(plan_copy), "-f", "json"))["by_unit"] == {}


def test_diff_of_a_missing_or_invalid_folder(run, tmp_path, plan_copy):
    result = run("diff", str(DATA), str(tmp_path / "nope"))
    assert result.exit_code == 2 and "Traceback" not in result.output
    _edit(plan_copy / "tasks.yaml", ("    lead: [市交通运输局]\n", "    lead: [市交通运输厅]\n"))
    result = run("diff", str(DATA), str(plan_copy))
    assert result.exit_code == 1 and "unknown-unit" in result.stderr


def test_diff_as_a_docx_reads_back(run, changed, tmp_path):
    import docx

    target = tmp_path / "补充通知.docx"
    result = run("diff", str(DATA), str(changed), "--by-unit", "-f", "docx", "-o", str(target))
    assert result.exit_code == 0, result.output
    document = docx.Document(io.BytesIO(target.read_bytes()))
    paragraphs = [p.text for p in document.paragraphs]
    assert "附件" in paragraphs and any(p.startswith("各单位的变化") for p in paragraphs)
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["单位", "任务", "任务名称", "变化", "详情"]
    assert ["市自然资源局", "A8", "建筑工地和收储地块围挡宣传", "角色", "牵头 → 配合"] in rows
    assert any(r[:2] == ["市交通运输委", "A15"] for r in rows)


NOTE = "  note: 方案未写明执行起止日期，按年度方案取 2023-01-01 至 2023-12-31；时区取六安所在的 Asia/Shanghai。\n"


@pytest.mark.parametrize("note, kept", [("", True), ("  note: |\n    多行的\n    备注\n", False)])
def test_new_edits_as_text_where_it_can_and_says_when_it_could_not(run, old, tmp_path, note, kept):
    _edit(old / "tasks.yaml", (NOTE, note))
    new = tmp_path / "2024"
    doc = _json(run("new", "2024", "--from", str(old), "-o", str(new), "-f", "json"))
    assert doc["comments_kept"] is kept
    tasks = (new / "tasks.yaml").read_text(encoding="utf-8")
    assert ("# === 四、主要任务 ===" in tasks) is kept
    assert ("注释未能保留" in tasks.split("\n")[1]) is not kept  # the file says when its comments were lost
    if kept:  # the missing note goes in on a line of its own, after source_document
        assert "source/README.md)\n  note: \"草稿：由 nmx new 从" in tasks
    validated = run("validate", str(new), "-f", "json")
    assert _json(validated)["valid"] is True and [p["rule"] for p in _json(validated)["problems"]] == ["draft"]


def test_diff_follows_a_task_whose_id_moved(run, plan_copy):
    _edit(plan_copy / "tasks.yaml", ("  - id: A14\n", "  - id: A16\n"), ("related: [A3, A14]", "related: [A3, A16]"))
    doc = _json(run("diff", str(DATA), str(plan_copy), "-f", "json"))
    assert doc["tasks"]["added"] == [] and doc["tasks"]["removed"] == []
    assert doc["tasks"]["changed"] == [{"id": "A16", "title": "集中宣传月期间短信、彩信、彩铃推送",
                                        "changes": [{"field": "id", "from": "A14", "to": "A16"}]}]
    assert doc["by_unit"] == {}  # the same duties for every unit, under another number


def test_new_keeps_a_bom_and_crlf(run, old, tmp_path):
    tasks = old / "tasks.yaml"
    tasks.write_bytes(b"\xef\xbb\xbf" + tasks.read_bytes().replace(b"\n", b"\r\n"))
    new = tmp_path / "2024"
    assert _json(run("new", "2024", "--from", str(old), "-o", str(new), "-f", "json"))["comments_kept"] is True
    raw = (new / "tasks.yaml").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf# yaml-language-server") and raw.count(b"\n") == raw.count(b"\r\n")
    assert run("validate", str(new)).exit_code == 0
