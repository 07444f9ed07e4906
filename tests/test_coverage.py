"""nmx coverage and validate --workspace: county plans checked against the city obligations they inherit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import DATA

WORKSPACE = ("plans:\n  - path: city\n    role: city\n"
             "  - path: jinan\n    role: county\n    unit: 金安区\n    name: 金安区方案\n"
             "  - path: yuan\n    role: county\n    unit: 裕安区\n    name: 裕安区方案\n")


def _subplan(run, city: Path, unit: str, dest: Path, lead: str) -> None:
    """`nmx subplan`, then its placeholder lead replaced by a real local unit."""
    result = run("subplan", unit, "--from", str(city), "-o", str(dest))
    assert result.exit_code == 0, result.output
    deps = yaml.safe_load((dest / "departments.yaml").read_text(encoding="utf-8"))
    placeholder = next(u for u in deps["units"] if u["id"] == "lead-tbd")
    old = placeholder["name"]
    placeholder.update(name=lead, full_name=lead, kind="party")
    del placeholder["needs_review"]
    (dest / "departments.yaml").write_text(yaml.safe_dump(deps, allow_unicode=True, sort_keys=False), encoding="utf-8")
    text = (dest / "tasks.yaml").read_text(encoding="utf-8")
    (dest / "tasks.yaml").write_text(text.replace(old, lead), encoding="utf-8")


def _edit(folder: Path, change) -> None:
    path = folder / "tasks.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc["tasks"])
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _loosen(tasks: list[dict]) -> None:
    """裕安区: A13 dropped, the monthly quota of two reports lowered to one, M2's report due later."""
    tasks[:] = [t for t in tasks if t["inherits"] != "A13"]
    by_id = {t["id"]: t for t in tasks}
    quota = next(s for s in by_id["M3.2"]["schedules"] if s["kind"] == "quota")
    quota["count"] = 1
    report = next(s for s in by_id["M2.2"]["schedules"] if s["kind"] == "deadline")
    report["due"]["day"] = 20


@pytest.fixture(scope="module")
def ws(run, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cov")
    shutil.copytree(DATA, root / "city")
    _subplan(run, root / "city", "金安区", root / "jinan", "金安区委宣传部")
    _subplan(run, root / "city", "裕安区", root / "yuan", "裕安区委宣传部")
    _edit(root / "yuan", _loosen)
    (root / "nmx.yaml").write_text(WORKSPACE, encoding="utf-8")
    return root


def _coverage(run, ws: Path, *args: str) -> tuple[int, dict]:
    result = run("coverage", "--workspace", str(ws), "-f", "json", *args)
    assert result.stdout, result.output
    return result.exit_code, json.loads(result.stdout)


def _rows(doc: dict, plan: str) -> dict[str, dict]:
    part = next(p for p in doc["plans"] if p["plan"] == plan)
    return {r["entry"]: r for r in part["obligations"]}


def test_completed_subplan_is_covered(run, ws):
    code, doc = _coverage(run, ws, "--county", "金安区")
    assert code == 0
    assert doc["kind"] == "coverage/1"
    [part] = doc["plans"]
    assert part["plan"] == "金安区方案" and part["complete"] is True
    assert part["counts"] == {"covered": 17, "looser": 0, "missing": 0, "dangling": 0}
    rows = _rows(doc, "金安区方案")
    assert rows["M2/report"]["city_items"] == rows["M2/report"]["county_items"] == 4
    assert rows["M3/special_reports"]["county_tasks"] == ["M3.1", "M3.2"]


def test_loosened_subplan(run, ws):
    code, doc = _coverage(run, ws, "--county", "裕安区")
    assert code == 1
    part = doc["plans"][0]
    assert part["complete"] is False
    rows = _rows(doc, "裕安区方案")
    assert rows["A13#1"]["status"] == "missing" and rows["A13#1"]["county_tasks"] == []
    assert rows["M3/special_reports"]["status"] == "looser"
    assert rows["M3/special_reports"]["how"] == ["fewer"]
    assert rows["M2/report"]["status"] == "looser" and rows["M2/report"]["how"] == ["later"]
    assert rows["M2/focus"]["status"] == "covered"
    assert part["counts"]["missing"] == 1 and part["counts"]["looser"] == 2


def test_placeholder_lead_is_looser(run, ws, tmp_path):
    shutil.copytree(DATA, tmp_path / "city")
    result = run("subplan", "金安区", "--from", str(tmp_path / "city"), "-o", str(tmp_path / "jinan"))
    assert result.exit_code == 0, result.output
    (tmp_path / "nmx.yaml").write_text(WORKSPACE.split("  - path: yuan")[0], encoding="utf-8")
    code, doc = _coverage(run, tmp_path)
    assert code == 1
    assert {tuple(r["how"]) for r in doc["plans"][0]["obligations"]} == {("placeholder-lead",)}


def test_table_and_md(run, ws):
    result = run("coverage", "--workspace", str(ws))
    assert result.exit_code == 1
    assert "缺失" in result.stdout and "偏松" in result.stdout and "金安区方案" in result.stdout
    md = run("coverage", "--workspace", str(ws), "-f", "md")
    assert md.exit_code == 1 and "|" in md.stdout


def test_unknown_county_is_usage_error(run, ws):
    assert run("coverage", "--workspace", str(ws), "--county", "霍邱县").exit_code == 2


def test_validate_workspace_warns_looser_and_missing(run, ws):
    result = run("validate", "--workspace", str(ws), "-f", "json")
    assert result.exit_code == 0, result.output
    problems = json.loads(result.stdout)["problems"]
    rules = {(p["rule"], p["level"]) for p in problems if p["rule"].startswith("cov-")}
    assert rules == {("cov-looser", "warning"), ("cov-missing", "warning")}
    assert all("yuan" in p["file"] for p in problems if p["rule"].startswith("cov-"))
    looser = {p["path"] for p in problems if p["rule"] == "cov-looser"}
    assert looser == {"tasks[M2.2]", "tasks[M3.2]"}  # the county tasks whose schedules were loosened


def test_dangling_inherits(run, ws, tmp_path):
    root = tmp_path / "ws"
    shutil.copytree(ws, root)

    def dangle(tasks):
        tasks.append({**tasks[-1], "id": "X1", "inherits": "Z9", "title": "上级方案没有的任务"})

    _edit(root / "jinan", dangle)
    code, doc = _coverage(run, root, "--county", "金安区")
    assert code == 1
    rows = _rows(doc, "金安区方案")
    assert rows["Z9"]["status"] == "dangling" and rows["Z9"]["county_tasks"] == ["X1"]
    result = run("validate", "--workspace", str(root), "-f", "json")
    assert result.exit_code == 1
    [err] = [p for p in json.loads(result.stdout)["problems"] if p["rule"] == "cov-dangling"]
    assert err["level"] == "error" and "Z9" in err["message"] and "jinan" in err["file"]


def test_no_schedule_and_fewer_windows(run, ws, tmp_path):
    root = tmp_path / "ws"
    shutil.copytree(ws, root)

    def strip(tasks):
        by_id = {t["id"]: t for t in tasks}
        del by_id["A3"]["schedules"]  # the city's 集中宣传月 signs, without a schedule
        by_id["M2.1"]["schedules"][0]["rrule"] = "FREQ=MONTHLY;BYMONTH=5,11;BYMONTHDAY=1"  # two focus months of four

    _edit(root / "jinan", strip)
    code, doc = _coverage(run, root, "--county", "金安区")
    assert code == 1
    rows = _rows(doc, "金安区方案")
    assert rows["A3/signs"]["how"] == ["no-schedule"]
    assert rows["M2/focus"]["how"] == ["fewer"] and rows["M2/focus"]["county_items"] == 2
