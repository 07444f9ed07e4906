"""Issue 14 point 4: a county plan's records count towards the county's duty in the city plan (roll-up)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import DATA

WORKSPACE = ("plans:\n  - path: city\n    role: city\n"
             "  - path: jinan\n    role: county\n    unit: 金安区\n    name: 金安区方案\n")
ASK = ("--month", "2023-05", "--today", "2023-06-08", "--dept", "金安区", "-f", "json")


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def ws(run, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """city/ (the shipped plan), jinan/ (金安区's `nmx subplan` draft) and nmx.yaml."""
    root = tmp_path_factory.mktemp("rollup")
    shutil.copytree(DATA, root / "city")
    result = run("subplan", "金安区", "--from", str(root / "city"), "-o", str(root / "jinan"))
    assert result.exit_code == 0, result.output
    (root / "nmx.yaml").write_text(WORKSPACE, encoding="utf-8")
    checked = run("validate", "--workspace", str(root), "-f", "json")  # the draft: warnings only
    assert checked.exit_code == 0, checked.output
    return root


def _rows(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["kind"] == "status/1"
    return doc["items"]


def _focus(rows: list[dict]) -> dict:
    [row] = [r for r in rows if r["task"] == "M2" and r["item"] == "focus" and r["period"] == "2023-05"]
    return row


def test_county_record_counts_in_city_view(run, ws):
    before = _tree(ws / "city")
    done = run("done", "M2.1", "--item", "focus", "--dept", "金安区待定牵头单位", "--period", "2023-05",
               "--on", "2023-05-20", "--data", str(ws / "jinan"), "--today", "2023-06-01")
    assert done.exit_code == 0, done.output
    rolled = _focus(_rows(run("status", "--workspace", str(ws), *ASK)))
    assert rolled["unit"] == "jinan" and rolled["state"] == "done" and rolled["dates"] == ["2023-05-20"]
    assert rolled["records_from"] == ["金安区方案"]
    city_only = _focus(_rows(run("status", "--data", str(ws / "city"), *ASK)))
    assert city_only["state"] != "done" and city_only["dates"] == [] and "records_from" not in city_only
    assert _tree(ws / "city") == before  # nothing is copied into the city's folder


def test_county_view_unchanged(run, ws):
    rows = _rows(run("status", "--data", str(ws / "jinan"), "--month", "2023-05", "--today", "2023-06-08",
                     "-f", "json"))
    assert all("records_from" not in r for r in rows)
    assert all(r["task"] != "M2" for r in rows)  # the county's own ids (M2.1 …), not the city's


def test_city_records_merge_with_county(run, ws, tmp_path):
    root = tmp_path / "w"
    shutil.copytree(ws, root)
    (root / "jinan" / "records.yaml").unlink(missing_ok=True)
    county = run("done", "M2.1", "--item", "focus", "--dept", "金安区待定牵头单位", "--period", "2023-05",
                 "--on", "2023-05-20", "--data", str(root / "jinan"), "--today", "2023-06-01")
    assert county.exit_code == 0, county.output
    done = run("done", "M2", "--item", "focus", "--dept", "金安区", "--period", "2023-05", "--on", "2023-05-25",
               "--data", str(root / "city"), "--today", "2023-06-01")
    assert done.exit_code == 0, done.output
    rows = _rows(run("status", "--workspace", str(root), *ASK))
    row = _focus(rows)
    assert row["state"] == "done" and row["dates"] == ["2023-05-20", "2023-05-25"]
    assert row["records_from"] == ["金安区方案", "city"]  # in the order of the dates counted
    others = [r for r in rows if r["unit"] != "jinan"]
    assert all(r["records_from"] == [] for r in others if not r["dates"])


def test_workspace_table_and_csv_name_the_plan(run, ws):
    result = run("status", "--workspace", str(ws), "--month", "2023-05", "--today", "2023-06-08")
    assert result.exit_code == 0, result.output
    assert "记录来源" in result.stdout and "工作区汇总" in result.stdout
    csv = run("status", "--workspace", str(ws), *ASK[:-2], "-f", "csv")
    assert csv.exit_code == 0, csv.output
    assert "金安区方案" in csv.stdout
    matrix = run("status", "--workspace", str(ws), *ASK, "--matrix")
    doc = json.loads(matrix.stdout)
    assert doc["kind"] == "status-matrix/1" and _focus(doc["items"])["records_from"] == ["金安区方案"]
    plain = run("status", "--data", str(ws / "city"), "--month", "2023-05", "--today", "2023-06-08")
    assert "记录来源" not in plain.stdout


def test_workspace_found_upward_and_data_wins(run, ws, monkeypatch):
    monkeypatch.chdir(ws / "jinan")  # nmx.yaml one folder up: the city's view, rolled up
    assert all("records_from" in r for r in _rows(run("status", *ASK)))
    assert all("records_from" not in r for r in _rows(run("status", "--data", str(ws / "city"), *ASK)))


def test_invalid_county_records_refused(run, ws, tmp_path):
    root = tmp_path / "w"
    shutil.copytree(ws, root)
    (root / "jinan" / "records.yaml").write_text("records:\n  - task: M2.1\n    dept: 不存在的单位\n"
                                                 "    date: 2023-05-20\n", encoding="utf-8")
    result = run("status", "--workspace", str(root), *ASK)
    assert result.exit_code == 1
    assert "jinan/records.yaml" in result.output
