"""Which plan nmx uses: argument, --data, NMX_DATA, ./data/, then the bundled 2023 plan."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import DATA


def info(run, *args: str) -> dict:
    result = run("info", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_bundled_plan_is_used_from_an_empty_folder(run, tmp_path, monkeypatch) -> None:
    from nmx.plan.source import bundled_dir

    monkeypatch.chdir(tmp_path)
    got = info(run)
    assert got["source"] == "bundled"
    assert Path(got["data"]) == bundled_dir()
    assert got["plan"]["doc_number"] == "六民生办〔2023〕3号"


def test_bundled_plan_is_the_repository_data(tmp_path) -> None:
    from nmx.plan.source import FILES, bundled_dir

    for name in FILES:
        assert (bundled_dir() / name).read_bytes() == (DATA / name).read_bytes(), name


def test_cwd_data_folder_wins_over_bundled(run, tmp_path, monkeypatch) -> None:
    shutil.copytree(DATA, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    assert info(run)["source"] == "cwd"


def test_env_then_option(run, tmp_path, monkeypatch, plan_copy) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NMX_DATA", str(plan_copy))
    assert info(run)["source"] == "env"
    assert info(run, "--data", str(plan_copy))["source"] == "option"


def test_missing_data_option_is_a_usage_error(run, tmp_path) -> None:
    result = run("info", "--data", str(tmp_path / "nope"))
    assert result.exit_code == 2, result.output
    assert "数据目录不存在" in result.stderr


def test_console_script_answers_the_main_question_from_anywhere(tmp_path) -> None:
    nmx = Path(sys.executable).parent / "nmx"
    proc = subprocess.run(
        [str(nmx), "duties", "市交通运输局", "--format", "json"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    duties = json.loads(proc.stdout)
    assert duties["department"]["full_name"] == "六安市交通运输局"
    assert {d["task"] for d in duties["duties"] if d["via"] is None} == {"A6"}
