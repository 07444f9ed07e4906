"""`nmx schema`: the schemas shipped beside the plan (data/*.schema.json) are what it prints and
writes, the data files' modelines find them wherever the folder is, and the data meets them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA

SCHEMA = DATA  # shipped beside the plan files: the modeline `$schema=./tasks.schema.json` resolves in any copy


def test_committed_schemas_equal_nmx_schema(run) -> None:
    result = run("schema")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert {"tasks.yaml", "departments.yaml"} <= set(printed)
    for name, schema in printed.items():
        committed = SCHEMA / name.replace(".yaml", ".schema.json")
        assert committed.is_file(), f"{committed} is missing: run `nmx schema --output data`"
        assert json.loads(committed.read_text(encoding="utf-8")) == schema, f"{committed} is stale: run `nmx schema --output data`"
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_output_writes_the_committed_bytes(run, tmp_path: Path) -> None:
    result = run("schema", "--output", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(n.replace(".yaml", ".schema.json") for n in json.loads(run("schema").stdout))
    for path in (tmp_path / "out").iterdir():
        assert path.read_bytes() == (SCHEMA / path.name).read_bytes(), path.name


MODELINE = "# yaml-language-server: $schema="


def _modeline_target(yaml_file: Path) -> Path:
    first = yaml_file.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(MODELINE), first
    return yaml_file.parent / first.removeprefix(MODELINE)


def test_data_files_point_at_the_schemas_beside_them() -> None:
    for name in ("tasks", "departments"):
        first = (DATA / f"{name}.yaml").read_text(encoding="utf-8").splitlines()[0]
        assert first == f"{MODELINE}./{name}.schema.json"
        assert _modeline_target(DATA / f"{name}.yaml").resolve() == (SCHEMA / f"{name}.schema.json").resolve()


def test_the_modeline_resolves_in_a_copied_plan_folder(plan_copy: Path) -> None:
    """A plan folder copied anywhere (as a user starting their own plan would) keeps working schema links."""
    for name in ("tasks", "departments"):
        target = _modeline_target(plan_copy / f"{name}.yaml")
        assert target.is_file() and target.resolve().parent == plan_copy.resolve(), target
        assert json.loads(target.read_text(encoding="utf-8"))["$id"] == f"https://nmx.invalid/schema/{name}.schema.json"


def test_the_bundled_plan_folder_has_its_schemas() -> None:
    from nmx.plan.source import bundled_dir

    for name in ("tasks", "departments", "records", "ledger"):
        assert (bundled_dir() / f"{name}.schema.json").read_bytes() == (DATA / f"{name}.schema.json").read_bytes()
    assert _modeline_target(bundled_dir() / "tasks.yaml").is_file()


def test_schema_output_into_a_plan_folder_links_its_files(run, tmp_path: Path) -> None:
    """`nmx schema --output DIR` pointed at a plan folder without schemas makes its modelines resolve."""
    plan = tmp_path / "my plan"
    plan.mkdir()
    for name in ("tasks", "departments"):
        (plan / f"{name}.yaml").write_bytes((DATA / f"{name}.yaml").read_bytes())
        assert not _modeline_target(plan / f"{name}.yaml").exists()
    result = run("schema", "--output", str(plan))
    assert result.exit_code == 0, result.output
    for name in ("tasks", "departments"):
        assert _modeline_target(plan / f"{name}.yaml").read_bytes() == (SCHEMA / f"{name}.schema.json").read_bytes()
    assert run("validate", str(plan)).exit_code == 0  # the schema files beside it do not disturb the plan


def test_schema_ids_are_stable_names() -> None:
    for path in sorted(SCHEMA.glob("*.schema.json")):
        assert json.loads(path.read_text(encoding="utf-8"))["$id"] == f"https://nmx.invalid/schema/{path.name}"


@pytest.mark.parametrize("name", ["tasks", "departments"])
def test_shipped_yaml_meets_its_schema(name: str) -> None:
    tool = Path(sys.executable).parent / "check-jsonschema"
    if not tool.exists():
        tool = shutil.which("check-jsonschema")  # type: ignore[assignment]
    assert tool, "check-jsonschema is in the test extra"
    proc = subprocess.run(
        [str(tool), "--schemafile", str(SCHEMA / f"{name}.schema.json"), str(DATA / f"{name}.yaml")],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok -- validation done" in proc.stdout


def test_schema_catches_an_unknown_key(tmp_path: Path) -> None:
    tool = Path(sys.executable).parent / "check-jsonschema"
    bad = tmp_path / "tasks.yaml"
    bad.write_text((DATA / "tasks.yaml").read_text(encoding="utf-8").replace("  timezone:", "  owner: x\n  timezone:", 1),
                   encoding="utf-8")
    proc = subprocess.run(
        [str(tool if tool.exists() else "check-jsonschema"), "--schemafile", str(SCHEMA / "tasks.schema.json"), str(bad)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "owner" in proc.stdout + proc.stderr
