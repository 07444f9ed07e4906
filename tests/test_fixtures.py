"""Every file under tests/fixtures/{invalid,valid}/ through `nmx validate` in a subprocess.

A fixture is named `<tasks|departments>--<fault>.yaml`: it replaces that one file in a
copy of the shipped data/. Invalid ones carry exactly one fault, listed in EXPECTED with
the rule and the line it must be reported at.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, FIXTURES

pytestmark = pytest.mark.slow

# fixture → (rule, line of the fault)
EXPECTED: dict[str, tuple[str, int]] = {
    "departments--alias-clash.yaml": ("alias-clash", 186),
    "departments--bad-id.yaml": ("bad-id", 42),
    "departments--bad-kind.yaml": ("enum", 158),
    "departments--duplicate-id.yaml": ("duplicate-id", 42),
    "departments--duplicate-key-nested.yaml": ("duplicate-key", 150),
    "departments--group-cycle.yaml": ("group-cycle", 197),
    "departments--unit-group-clash.yaml": ("unit-group-clash", 205),
    "departments--unknown-member.yaml": ("unknown-unit", 230),
    "departments--yaml11-no.yaml": ("yaml11-bool", 156),
    "tasks--alias-bomb.yaml": ("alias-budget", 43),
    "tasks--bad-after.yaml": ("bad-after", 29),
    "tasks--bad-date.yaml": ("date-from-datetime-parsing", 43),
    "tasks--bad-quota.yaml": ("bad-quota", 39),
    "tasks--bad-related.yaml": ("bad-related", 38),
    "tasks--bad-relative.yaml": ("bad-relative", 30),
    "tasks--bad-rrule-feb30.yaml": ("bad-rrule", 23),
    "tasks--bad-rrule-freq.yaml": ("bad-rrule", 23),
    "tasks--bad-rrule-interval0.yaml": ("bad-rrule", 23),
    "tasks--bad-rrule-monthday.yaml": ("bad-rrule", 23),
    "tasks--bad-timezone.yaml": ("bad-timezone", 9),
    "tasks--comments-only.yaml": ("empty", 1),
    "tasks--control-char.yaml": ("syntax", 35),
    "tasks--custom-tag.yaml": ("tag", 9),
    "tasks--date-outside.yaml": ("date-outside", 43),
    "tasks--deep-nesting.yaml": ("nesting-depth", 37),
    "tasks--duplicate-id.yaml": ("duplicate-id", 32),
    "tasks--duplicate-key-deep.yaml": ("duplicate-key", 30),
    "tasks--duplicate-key-nested.yaml": ("duplicate-key", 37),
    "tasks--duplicate-key-top.yaml": ("duplicate-key", 33),
    "tasks--empty.yaml": ("empty", 1),
    "tasks--gbk.yaml": ("encoding", 3),
    "tasks--list-not-mapping.yaml": ("dataclass-type", 8),
    "tasks--merge-key.yaml": ("merge-key", 38),
    "tasks--missing-field.yaml": ("missing", 32),
    "tasks--multi-document.yaml": ("multi-document", 44),
    "tasks--no-lead.yaml": ("task-no-lead", 36),
    "tasks--null-title.yaml": ("string-type", 33),
    "tasks--period-order.yaml": ("period-order", 8),
    "tasks--recursive-alias.yaml": ("alias-recursive", 37),
    # libyaml notices the missing ']' on the next line; the message names line 36
    "tasks--syntax-error.yaml": ("syntax", 37),
    "tasks--tab-indent.yaml": ("syntax", 34),
    "tasks--top-level-list.yaml": ("structure", 2),
    "tasks--undefined-alias.yaml": ("syntax", 36),
    "tasks--unknown-key.yaml": ("unknown-key", 38),
    "tasks--unknown-kind.yaml": ("union-tag-invalid", 39),
    "tasks--unknown-unit.yaml": ("unknown-unit", 36),
    "tasks--unsafe-tag.yaml": ("tag", 38),
    "tasks--utf16.yaml": ("encoding", 1),
    "tasks--wrong-type.yaml": ("int-parsing", 30),
    "tasks--yaml11-octal.yaml": ("yaml11-int", 30),
    "tasks--yaml11-sexagesimal.yaml": ("yaml11-sexagesimal", 7),
    "tasks--yaml11-yes.yaml": ("yaml11-bool", 36),
}
# what a fixture's message must also say
MESSAGE_HAS = {
    "tasks--gbk.yaml": ("GB18030", "UTF-8"),
    "tasks--utf16.yaml": ("UTF-16", "UTF-8"),
    "tasks--syntax-error.yaml": ("36",),
    "tasks--alias-bomb.yaml": ("100000",),
    "tasks--duplicate-key-top.yaml": ("'tasks'", "12"),
    "tasks--duplicate-key-nested.yaml": ("'lead'", "36"),
    "tasks--unsafe-tag.yaml": ("python/object/apply",),
    "tasks--yaml11-yes.yaml": ("'yes'",),
    "departments--yaml11-no.yaml": ("'no'",),
    "tasks--bad-rrule-monthday.yaml": ("BYMONTHDAY", "32"),
    "departments--alias-clash.yaml": ("六安移动", "telecom", "mobile"),
}
PROBLEM = re.compile(r"^(?P<file>\S+?):(?P<line>\d+):(?P<col>\d+): (?P<level>error|warning) \[(?P<rule>[\w-]+)\] ")
TIMEOUT = 30  # seconds; the brief asks for well under one — this only stops a hang


def _fixtures(kind: str) -> list[str]:
    return sorted(p.name for p in (FIXTURES / kind).glob("*.yaml"))


def _validate_with(fixture: Path, tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, str]:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    target = fixture.name.split("--")[0] + ".yaml"
    shutil.copyfile(fixture, data / target)
    env = {**os.environ, "NMX_CACHE_DIR": str(tmp_path / "cache"), "NMX_LANG": "zh"}
    proc = subprocess.run(
        [sys.executable, "-m", "nmx", "validate", "data", *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=TIMEOUT,
    )
    return proc, f"data/{target}"


def test_every_invalid_fixture_is_listed() -> None:
    assert _fixtures("invalid") == sorted(EXPECTED)
    assert all(name.split("--")[0] in ("tasks", "departments") for name in _fixtures("valid"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_fixture(name: str, tmp_path: Path) -> None:
    proc, file = _validate_with(FIXTURES / "invalid" / name, tmp_path, "--no-cache")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "Traceback" not in output
    rule, line = EXPECTED[name]
    found = [m.groupdict() for m in map(PROBLEM.match, proc.stdout.splitlines()) if m]
    assert {"file": file, "line": str(line), "level": "error", "rule": rule} in [
        {k: v for k, v in p.items() if k != "col"} for p in found
    ], output
    # one fault: every error is that fault, in that file, and each finding is one line
    assert {(p["file"], p["rule"]) for p in found if p["level"] == "error"} == {(file, rule)}, output
    assert len(proc.stdout.splitlines()) == len(found) + 1, output  # problems + the summary
    message = next(ln for ln in proc.stdout.splitlines() if f"[{rule}]" in ln)
    for text in MESSAGE_HAS.get(name, ()):
        assert text in message, output


@pytest.mark.parametrize("name", _fixtures("valid"))
def test_valid_fixture(name: str, tmp_path: Path) -> None:
    proc, _ = _validate_with(FIXTURES / "valid" / name, tmp_path, "--strict", "--no-cache")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "数据有效" in proc.stdout
