"""A workspace (nmx.yaml listing a city plan and county plans): nmx duties, nmx validate, precedence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import DATA

CITY_ONLY = "plans:\n  - path: city\n    role: city\n"
WORKSPACE = CITY_ONLY + "  - path: jinan\n    role: county\n    unit: 金安区\n    name: 金安区方案\n"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """city/ (a copy of data/) and jinan/ (金安区's own plan: its own units, named by its tasks)."""
    root = tmp_path_factory.mktemp("ws")
    shutil.copytree(DATA, root / "city")
    shutil.copytree(DATA, root / "jinan")
    for name in ("tasks.yaml", "departments.yaml"):
        path = root / "jinan" / name
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("市委宣传部", "金安区委宣传部").replace("市交通运输局", "金安区交通运输局"),
                        encoding="utf-8")
    (root / "nmx.yaml").write_text(WORKSPACE, encoding="utf-8")
    return root


def _json(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_duties_lists_both_plans(run, ws):
    doc = _json(run("duties", "金安区", "--workspace", str(ws), "-f", "json"))
    assert doc["kind"] == "workspace-duties/1"
    assert doc["plans"] == ["city", "金安区方案"]
    plans = {row["plan"] for row in doc["duties"]}
    assert plans == {"city", "金安区方案"}
    city_rows = [r for r in doc["duties"] if r["plan"] == "city"]
    assert all(r["unit"]["id"] == "jinan" for r in city_rows)
    county_units = {r["unit"]["name"] for r in doc["duties"] if r["plan"] == "金安区方案"}
    assert {"金安区委宣传部", "金安区交通运输局"} <= county_units


def test_duties_table_has_plan_column(run, ws):
    result = run("duties", "金安区", "--workspace", str(ws))
    assert result.exit_code == 0, result.output
    assert "方案" in result.stdout and "金安区方案" in result.stdout and "city" in result.stdout


def test_duties_other_county_only_city(run, ws):
    doc = _json(run("duties", "裕安区", "--workspace", str(ws), "-f", "json"))
    assert {row["plan"] for row in doc["duties"]} == {"city"}


def test_validate_workspace_valid(run, ws):
    result = run("validate", "--workspace", str(ws), "-f", "json")
    doc = _json(result)
    assert doc["kind"] == "validate-workspace/1"
    assert doc["valid"] is True
    assert [(p["name"], p["role"], p["valid"]) for p in doc["plans"]] == [("city", "city", True), ("金安区方案", "county", True)]
    assert run("validate", "--workspace", str(ws)).exit_code == 0


def _bad(tmp_path: Path, ws: Path, text: str) -> Path:
    root = tmp_path / "bad"
    root.mkdir()
    for name in ("city", "jinan"):
        (root / name).symlink_to(ws / name, target_is_directory=True)
    (root / "nmx.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("text, line, rule", [
    (CITY_ONLY + "  - path: jinan\n    role: city\n", 5, "ws-city"),
    (CITY_ONLY + "  - path: nowhere\n    role: other\n", 4, "ws-folder"),
    (CITY_ONLY + "  - path: jinan\n    role: county\n    unit: 不存在区\n", 6, "ws-unit"),
    (CITY_ONLY + "  - path: jinan\n    role: county\n    unit: 市交通运输局\n", 6, "ws-unit"),
    (CITY_ONLY + "  - path: city\n    role: other\n", 4, "ws-twice"),
    (CITY_ONLY + "  - path: jinan\n    role: mayor\n", 5, "literal-error"),
    (CITY_ONLY + "  - path: jinan\n    role: other\n    name: city\n", 6, "ws-twice"),
])
def test_validate_reports_bad_workspace(run, ws, tmp_path, text, line, rule):
    root = _bad(tmp_path, ws, text)
    result = run("validate", "--workspace", str(root))
    assert result.exit_code == 1, result.output
    assert any(f"nmx.yaml:{line}:" in ln and f"[{rule}]" in ln for ln in result.stdout.splitlines()), result.stdout
    doc = json.loads(run("validate", "--workspace", str(root), "-f", "json").stdout)
    assert doc["kind"] == "validate-workspace/1" and doc["valid"] is False
    assert any(p["rule"] == rule and p["line"] == line and p["file"].endswith("nmx.yaml") for p in doc["problems"])


def test_validate_each_plan_with_its_own_paths(run, ws, tmp_path):
    root = tmp_path / "w"
    shutil.copytree(ws, root, symlinks=True)
    tasks = root / "jinan" / "tasks.yaml"
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    result = run("validate", "--workspace", str(root))
    assert result.exit_code == 1
    bad = [ln for ln in result.stdout.splitlines() if ": error [" in ln]
    assert bad and all("jinan/tasks.yaml:" in ln for ln in bad), result.stdout


def test_duties_refuses_invalid_workspace(run, ws, tmp_path):
    root = _bad(tmp_path, ws, CITY_ONLY + "  - path: jinan\n    role: city\n")
    result = run("duties", "金安区", "--workspace", str(root))
    assert result.exit_code == 1
    assert "nmx.yaml:5:" in result.output


def test_missing_workspace_is_usage_error(run, tmp_path):
    result = run("duties", "金安区", "--workspace", str(tmp_path))
    assert result.exit_code == 2
    assert "nmx.yaml" in result.output


# --- precedence: --data > --workspace > NMX_DATA > NMX_WORKSPACE > nmx.yaml upward > ./data > bundled ---
def _plans(result) -> set[str]:
    doc = _json(result)
    return {row.get("plan", "-") for row in doc["duties"]}


def test_data_beats_workspace(run, ws):
    assert _plans(run("duties", "金安区", "--workspace", str(ws), "--data", str(ws / "city"), "-f", "json")) == {"-"}


def test_workspace_option_beats_nmx_data(run, ws):
    result = run("duties", "金安区", "--workspace", str(ws), "-f", "json", env={"NMX_DATA": str(ws / "city")})
    assert _plans(result) == {"city", "金安区方案"}


def test_nmx_data_beats_nmx_workspace_and_upward(run, ws, monkeypatch):
    monkeypatch.chdir(ws / "jinan")
    result = run("duties", "金安区", "-f", "json", env={"NMX_DATA": str(ws / "city"), "NMX_WORKSPACE": str(ws)})
    assert _plans(result) == {"-"}


def test_nmx_workspace_and_upward(run, ws, monkeypatch, tmp_path):
    assert _plans(run("duties", "金安区", "-f", "json", env={"NMX_WORKSPACE": str(ws)})) == {"city", "金安区方案"}
    monkeypatch.chdir(ws / "jinan")  # nmx.yaml is one folder up
    assert _plans(run("duties", "金安区", "-f", "json")) == {"city", "金安区方案"}
    monkeypatch.chdir(tmp_path)  # no nmx.yaml upward: ./data or the bundled plan
    assert _plans(run("duties", "金安区", "-f", "json")) == {"-"}


def test_other_commands_use_the_city_plan(run, ws, monkeypatch):
    monkeypatch.chdir(ws / "jinan")
    doc = _json(run("info", "-f", "json"))
    assert doc["kind"] == "info/1"
    assert "workspace" in json.dumps(doc, ensure_ascii=False) or "工作区" in json.dumps(doc, ensure_ascii=False)
    names = {u["name"] for u in _json(run("departments", "-f", "json"))["departments"]}
    assert "市交通运输局" in names and "金安区交通运输局" not in names


def test_duties_of_a_county_own_unit(run, ws):
    doc = _json(run("duties", "金安区交通运输局", "--workspace", str(ws), "-f", "json"))
    assert doc["department"]["name"] == "金安区交通运输局"
    assert doc["duties"] and {row["plan"] for row in doc["duties"]} == {"金安区方案"}
    assert run("duties", "不存在的单位", "--workspace", str(ws)).exit_code == 2


def test_validate_upward_and_data_argument(run, ws, monkeypatch):
    monkeypatch.chdir(ws / "jinan")
    assert _json(run("validate", "-f", "json"))["kind"] == "validate-workspace/1"
    assert _json(run("validate", ".", "-f", "json"))["kind"] == "validate/1"


def test_output_never_replaces_a_workspace_plan(run, ws):
    target = ws / "jinan" / "tasks.yaml"
    before = target.read_bytes()
    result = run("duties", "金安区", "--workspace", str(ws), "-f", "csv", "-o", str(target))
    assert result.exit_code == 2, result.output
    assert target.read_bytes() == before
    assert run("duties", "金安区", "--workspace", str(ws), "-f", "csv", "-o", str(ws / "nmx.yaml")).exit_code == 2


def test_validate_workspace_in_english(run, ws):
    result = run("validate", "--workspace", str(ws), "--lang", "en")
    assert result.exit_code == 0
    assert "金安区方案 (county): " in result.stdout and "valid workspace (2 plans)" in result.stdout


def test_no_workspace_costs_nothing(tmp_path):
    """A command outside any workspace never imports the workspace loader (only stat calls look upward)."""
    import subprocess
    import sys

    code = ("import sys\nfrom nmx.cli import app\n"
            "app(['duties', '市交通运输局', '-f', 'json'], standalone_mode=False)\n"
            "print('nmx.plan.workspace' in sys.modules, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")})
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "False"
