"""`nmx schema`: the committed schema/ files are what it prints, and the data meets them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, ROOT

SCHEMA = ROOT / "schema"


def test_committed_schemas_equal_nmx_schema(run) -> None:
    result = run("schema")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert {"tasks.yaml", "departments.yaml"} <= set(printed)
    for name, schema in printed.items():
        committed = SCHEMA / name.replace(".yaml", ".schema.json")
        assert committed.is_file(), f"{committed} is missing: run `nmx schema --output schema`"
        assert json.loads(committed.read_text(encoding="utf-8")) == schema, f"{committed} is stale: run `nmx schema --output schema`"
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_output_writes_the_committed_bytes(run, tmp_path: Path) -> None:
    result = run("schema", "--output", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(n.replace(".yaml", ".schema.json") for n in json.loads(run("schema").stdout))
    for path in (tmp_path / "out").iterdir():
        assert path.read_bytes() == (SCHEMA / path.name).read_bytes(), path.name


def test_data_files_point_at_the_schemas() -> None:
    for name in ("tasks", "departments"):
        first = (DATA / f"{name}.yaml").read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schema/{name}.schema.json"


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
