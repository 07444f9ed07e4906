"""What a start imports (issue 16, "cold start near the floor"): a command does not pay for the
modules of the work it does not do. Each case runs the console entry point in a fresh
interpreter and lists what it imported."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CODE = ("import atexit, sys\nfrom nmx.cli import main\nsys.argv = ['nmx', *sys.argv[1:]]\n"
         "atexit.register(lambda: sys.stderr.write('\\n' + repr(sorted(sys.modules)) + '\\n'))\n"
         "main()\n")  # json would count as imported; main ends the process, after the exit functions


def _imported(argv: list[str], tmp_path: Path, **env_extra: str) -> set[str]:
    env = {"PATH": "/usr/bin:/bin", "NMX_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT / "src"),
           **env_extra}
    done = subprocess.run([sys.executable, "-c", _CODE, *argv], capture_output=True, text=True,
                          env=env, timeout=120, check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return set(ast.literal_eval(done.stderr.strip().splitlines()[-1]))


def _command_modules(modules: set[str]) -> set[str]:
    from nmx.cli import MODULES

    return {m for m in MODULES if f"nmx.cli.{m}" in modules}


def test_a_warm_duties_table_reads_no_yaml_validates_nothing_and_writes_nothing(tmp_path):
    argv = ["duties", "市交通运输局", "--data", str(ROOT / "data")]
    _imported(argv, tmp_path)  # fills the cache
    modules = _imported(argv, tmp_path)
    assert "nmx.plan.models" in modules and "json" in modules  # the plan, from the cache
    assert not modules & {"yaml", "pydantic", "pydantic_core", "nmx.plan.yaml_reader", "nmx.plan.validation",
                          "nmx.plan.checks", "tempfile", "csv", "dateutil", "chinese_calendar"}
    assert _command_modules(modules) == {"duty_cmds"}
    assert "rich.console" not in modules  # piped: laid out by nmx.render.flow, Rich only measures


def test_a_first_validate_without_the_cache_hashes_and_encodes_nothing_and_lays_out_no_table(tmp_path):
    import pydantic_core

    from nmx.plan import core_schemas

    modules = _imported(["validate", str(ROOT / "data")], tmp_path, NMX_NO_CACHE="1")
    assert {"yaml", "pydantic_core", "nmx.plan.validation", "nmx.plan.checks"} <= modules  # it validated
    assert not modules & {"hashlib", "json", "rich", "nmx.render.flow"}
    # With the pydantic-core the schemas were generated for, pydantic is not imported at all; with
    # another (CI's lowest versions) pydantic derives them, and its plugin loader brings
    # importlib.metadata (csv) and importlib.resources (tempfile).
    if core_schemas.PYDANTIC_CORE == pydantic_core.__version__:
        assert not modules & {"pydantic", "tempfile", "csv"}
    else:
        assert "pydantic" in modules
    assert _command_modules(modules) == {"plan_cmds"}


def test_a_warm_month_of_deadlines_loads_the_calendar_but_no_other_command(tmp_path):
    argv = ["deadlines", "--month", "2023-05", "--today", "2023-05-10", "--data", str(ROOT / "data")]
    _imported(argv, tmp_path)
    modules = _imported(argv, tmp_path)
    assert {"dateutil", "nmx.schedule.engine"} <= modules
    assert not modules & {"yaml", "pydantic_core", "tempfile", "csv", "nmx.supervision.files"}
    assert _command_modules(modules) == {"date_cmds"}


def test_a_checklist_on_the_terminal_builds_no_export_group_and_escapes_no_html(tmp_path):
    argv = ["checklist", "--dept", "市交通运输局", "--month", "2023-05", "--today", "2023-05-10",
            "--data", str(ROOT / "data")]
    _imported(argv, tmp_path)
    modules = _imported(argv, tmp_path)
    assert "nmx.render.checklist" in modules and not modules & {"html", "nmx.cli.export_cmds"}
    assert _command_modules(modules) == {"handout_cmds"}
