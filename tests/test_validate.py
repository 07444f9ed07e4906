"""`nmx validate`: formats, --strict, exit codes, and a cache that never hides an edit."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from nmx import __version__
from tests.conftest import DATA

FAULT = ("lead: [市交通运输局]", "lead: [市交通运输厅]")  # one unknown unit in task A6


def _break(folder: Path) -> tuple[int, int]:
    """Put FAULT into folder/tasks.yaml; the line and column of the unknown name."""
    path = folder / "tasks.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(FAULT[0]) == 1
    start = text.index(FAULT[0]) + len("lead: [")
    path.write_text(text.replace(*FAULT), encoding="utf-8")
    line = text.count("\n", 0, start) + 1
    return line, start - text.rfind("\n", 0, start)


def test_text_lists_each_problem_then_a_summary(run, plan_copy: Path, monkeypatch) -> None:
    monkeypatch.chdir(plan_copy.parent)
    line, col = _break(plan_copy)
    result = run("validate", "data")
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [
        f"data/tasks.yaml:{line}:{col}: error [unknown-unit] 未知的单位或分组 '市交通运输厅'，是否指 市交通运输局、市委？ (tasks[{_a6()}].lead[0])",
        "1 个错误，0 个警告",
    ]


def _a6() -> int:
    from nmx.plan.yaml_reader import parse

    tasks = parse((DATA / "tasks.yaml").read_bytes(), "tasks.yaml").data["tasks"]
    return [t["id"] for t in tasks].index("A6")


def test_english_text(run, plan_copy: Path) -> None:
    _break(plan_copy)
    result = run("validate", str(plan_copy), "--lang", "en")
    assert result.exit_code == 1, result.output
    assert "error [unknown-unit] unknown unit or group '市交通运输厅'" in result.stdout
    assert result.stdout.endswith("1 error(s), 0 warning(s)\n")


def test_json_on_the_shipped_plan(run) -> None:
    result = run("validate", str(DATA), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "nmx": __version__, "kind": "validate/1", "data": str(DATA), "valid": True, "errors": 0, "warnings": 0, "problems": [], "omitted": 0,
    }


def test_json_with_a_problem(run, plan_copy: Path, monkeypatch) -> None:
    monkeypatch.chdir(plan_copy.parent)
    line, col = _break(plan_copy)
    result = run("validate", "data", "--format", "json", "--lang", "en")
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout) == {
        "nmx": __version__, "kind": "validate/1", "data": "data",
        "valid": False,
        "errors": 1,
        "warnings": 0,
        "problems": [{
            "file": "data/tasks.yaml", "line": line, "col": col, "level": "error", "rule": "unknown-unit",
            "path": f"tasks[{_a6()}].lead[0]", "message": "unknown unit or group '市交通运输厅'; did you mean 市交通运输局, 市委?",
        }],
        "omitted": 0,
    }


def test_github_annotations_escape_properties(run, tmp_path: Path, monkeypatch) -> None:
    odd = tmp_path / "d%a:t,a"  # every character a property must escape
    shutil.copytree(DATA, odd)
    line, col = _break(odd)
    monkeypatch.chdir(tmp_path)
    result = run("validate", odd.name, "--format", "github", "--lang", "en")
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [
        f"::error file=d%25a%3At%2Ca/tasks.yaml,line={line},col={col},title=unknown-unit::"
        "unknown unit or group '市交通运输厅'; did you mean 市交通运输局, 市委?",
        f"d%a:t,a/tasks.yaml:{line}:{col}: error [unknown-unit] unknown unit or group '市交通运输厅'; did you mean 市交通运输局, 市委? (tasks[{_a6()}].lead[0])",
        "1 error(s), 0 warning(s)",
    ]


def test_github_escapes_message_data() -> None:
    from nmx.plan.pipeline import Result
    from nmx.problems import Level, Problem
    from nmx.plan.source import DataSource
    from nmx.render import Format, render
    from nmx.views.problems import problems_view

    problem = Problem("a:b,c%.yaml", 3, 4, Level.WARNING, "r,1", "50% done\r\nnext: a,b")
    out = render(problems_view(Result(DataSource(Path("x"), "argument"), None, [problem])), Format.GITHUB)
    assert out.splitlines()[0] == "::warning file=a%3Ab%2Cc%25.yaml,line=3,col=4,title=r%2C1::50%25 done%0D%0Anext: a,b"


def _warn(folder: Path) -> None:
    """Add a group that reaches no unit: a warning, not an error."""
    path = folder / "departments.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ngroups:\n", "\ngroups:\n  - {id: nobody, name: 无人分组, members: []}\n", 1), encoding="utf-8")


def test_warning_passes_without_strict(run, plan_copy: Path) -> None:
    _warn(plan_copy)
    result = run("validate", str(plan_copy), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "warning [group-empty] group 'nobody' reaches no unit" in result.stdout
    assert result.stdout.endswith("0 error(s), 1 warning(s)\n")


def test_strict_fails_on_a_warning(run, plan_copy: Path) -> None:
    _warn(plan_copy)
    result = run("validate", str(plan_copy), "--strict", "--format", "json")
    assert result.exit_code == 1, result.output
    payload = json.loads(result.stdout)
    assert (payload["valid"], payload["errors"], payload["warnings"]) == (True, 0, 1)
    assert payload["problems"][0]["rule"] == "group-empty"


def test_shipped_plan_strict_has_no_problem(run) -> None:
    result = run("validate", str(DATA), "--strict", "--no-cache", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{DATA}: valid (26 tasks, 33 units, 7 groups)\n"  # R7 (五（一）) is new


# --- exit 2: usage errors -----------------------------------------------------------
def test_missing_folder(run, tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nope"), "--lang", "en")
    assert result.exit_code == 2, result.output
    assert f"data folder does not exist: {tmp_path / 'nope'}" in result.stderr


def test_folder_without_tasks(run, plan_copy: Path) -> None:
    (plan_copy / "tasks.yaml").unlink()
    result = run("validate", str(plan_copy), "--lang", "en")
    assert result.exit_code == 2, result.output
    assert f"tasks.yaml is missing from data folder {plan_copy}" in result.stderr


def test_tasks_yaml_is_a_folder(run, plan_copy: Path) -> None:
    (plan_copy / "tasks.yaml").unlink()
    (plan_copy / "tasks.yaml").mkdir()
    result = run("validate", str(plan_copy))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_unreadable_file(run, plan_copy: Path) -> None:
    # a regular file that fails to read even for root: reading offset 0 of /proc/self/mem is EIO
    (plan_copy / "tasks.yaml").unlink()
    (plan_copy / "tasks.yaml").symlink_to("/proc/self/mem")
    result = run("validate", str(plan_copy), "--lang", "en")
    assert result.exit_code == 2, result.output
    assert f"cannot read {plan_copy / 'tasks.yaml'}" in result.stderr


@pytest.mark.parametrize("fmt", ["csv", "bogus"])
def test_bad_format(run, fmt: str) -> None:
    result = run("validate", str(DATA), "--format", fmt)
    assert result.exit_code == 2, result.output


# --- the cache ---------------------------------------------------------------------
def test_cache_hit_then_an_edit_is_seen(plan_copy: Path) -> None:
    from nmx.plan.pipeline import load
    from nmx.plan.source import DataSource

    source = DataSource(plan_copy, "argument")
    first, second = load(source), load(source)
    assert (first.cached, second.cached) == (False, True)
    assert second.plan is not None and len(second.plan.tasks) == 26
    path = plan_copy / "departments.yaml"
    stat = path.stat()
    data = path.read_bytes()
    path.write_bytes(data.replace(b"kind: media", b"kind: medib", 1))  # one byte, same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same mtime
    third = load(source)
    assert (third.cached, third.plan, third.errors) == (False, None, 1)
    assert third.problems[0].rule == "enum"


def test_cli_never_answers_an_edit_from_the_cache(run, plan_copy: Path) -> None:
    assert run("validate", str(plan_copy)).exit_code == 0
    assert run("validate", str(plan_copy)).exit_code == 0  # from the cache
    path = plan_copy / "tasks.yaml"
    path.write_bytes(path.read_bytes().replace(b"day: 7}", b"day: 0}", 1))
    result = run("validate", str(plan_copy), "--lang", "en")
    assert result.exit_code == 1, result.output
    assert "error [bad-relative] invalid relative deadline: 0" in result.stdout
