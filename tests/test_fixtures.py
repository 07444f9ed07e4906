"""Every file under tests/fixtures/{invalid,valid}/ through `nmx validate` in a subprocess.

A fixture is named `<tasks|departments>--<fault>.yaml`, a whole file that replaces that one
file in a copy of the shipped data/, or `<tasks|departments>--<fault>.patch`, a unified diff
over the shipped file, applied to make the file that replaces it. Invalid ones carry exactly
one fault, and their first line says which: `# expect: RULE LINE [TEXT ...]`, the line in the
file as it stands, patched (tests/fixtures/README.md).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, FIXTURES, Expect, also_expected, expectation, patched

pytestmark = pytest.mark.slow

PROBLEM = re.compile(r"^(?P<file>\S+?):(?P<line>\d+):(?P<col>\d+): (?P<level>error|warning) \[(?P<rule>[\w-]+)\] ")
TIMEOUT = 30  # seconds; the brief asks for well under one — this only stops a hang
NAME = re.compile(r"(?P<target>tasks|departments)--[\w-]+\.(?:yaml|patch)")


def _fixtures(kind: str) -> list[Path]:
    return sorted((FIXTURES / kind).iterdir())


def _input(fixture: Path) -> tuple[str, bytes]:
    """(the name of the shipped file a fixture replaces, the bytes to put in its place)."""
    target = fixture.name.split("--")[0] + ".yaml"
    if fixture.suffix == ".patch":
        over, raw = patched(fixture)
        assert over == target, f"{fixture.name} patches {over}"
        return target, raw
    return target, fixture.read_bytes()


#: bad inputs no file can state its expectation in: (name, file it replaces, its bytes, what it gives)
BUILT = [("tasks--empty", "tasks.yaml", b"", Expect("empty", 1))]  # a file of no bytes has no header


def _cases() -> list:
    return [pytest.param(p, id=p.name) for p in _fixtures("invalid")] + [pytest.param(b, id=b[0]) for b in BUILT]


def _validate_with(target: str, raw: bytes, tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, str]:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / target).write_bytes(raw)
    env = {**os.environ, "NMX_CACHE_DIR": str(tmp_path / "cache"), "NMX_LANG": "zh"}
    proc = subprocess.run(
        [sys.executable, "-m", "nmx", "validate", "data", *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=TIMEOUT,
    )
    return proc, f"data/{target}"


def test_every_fixture_file_is_a_case() -> None:
    for kind in ("invalid", "valid"):
        assert [p.name for p in _fixtures(kind) if not NAME.fullmatch(p.name)] == [], kind


@pytest.mark.parametrize("case", _cases())
def test_invalid_fixture(case: Path | tuple[str, str, bytes, Expect], tmp_path: Path) -> None:
    if isinstance(case, Path):
        (target, raw), expects = _input(case), [expectation(case), *also_expected(case)]
    else:
        _, target, raw, expect = case
        expects = [expect]
    proc, file = _validate_with(target, raw, tmp_path, "--no-cache")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "Traceback" not in output
    found = [m.groupdict() for m in map(PROBLEM.match, proc.stdout.splitlines()) if m]
    for expect in expects:
        assert {"file": file, "line": str(expect.line), "level": "error", "rule": expect.rule} in [
            {k: v for k, v in p.items() if k != "col"} for p in found
        ], output
        message = next(ln for ln in proc.stdout.splitlines() if f"[{expect.rule}]" in ln and f":{expect.line}:" in ln)
        for text in expect.texts:
            assert text in message, output
        assert expect.found_in(proc.stdout, file), output
    # the stated faults only: every error is one of them, in that file, and each finding is one line
    assert {(p["file"], p["rule"]) for p in found if p["level"] == "error"} == {(file, e.rule) for e in expects}, output
    assert len(proc.stdout.splitlines()) == len(found) + 1, output  # problems + the summary


@pytest.mark.parametrize("fixture", _fixtures("valid"), ids=lambda p: p.name)
def test_valid_fixture(fixture: Path, tmp_path: Path) -> None:
    proc, _ = _validate_with(*_input(fixture), tmp_path, "--strict", "--no-cache")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "数据有效" in proc.stdout
