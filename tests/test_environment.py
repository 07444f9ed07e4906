"""No variable of the person's shell reaches a test, and no test writes the person's cache."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHELL_VARS, TEST_KNOBS

#: One test for each way a shell variable has reached a test before: the variable that broke it.
TOUCHED = [
    "tests/test_checklist.py::test_transport_may",  # NMX_MAX_NODES
    "tests/test_cli_dates.py::test_help_has_an_example",  # TERMINAL_WIDTH (typer's help width)
    "tests/test_cli_contract.py::test_usage_errors_speak_like_nmx",  # TTY_COMPATIBLE, PY_COLORS (rich coloured click errors)
    "tests/test_report.py::test_progress_only_on_a_terminal",  # TERM=dumb (rich shows no progress)
    "tests/test_source.py::test_console_script_answers_the_main_question_from_anywhere",  # PYTHONIOENCODING
    "tests/test_cli_tables.py::test_table_is_plain_text_when_not_a_terminal",  # NO_COLOR, FORCE_COLOR
    "tests/test_source.py::test_bundled_plan_is_used_from_an_empty_folder",  # NMX_DATA
]


def test_no_shell_variable_reaches_a_test(tmp_path_factory) -> None:
    leaked = {k for k in os.environ if k.startswith("NMX_") and k not in TEST_KNOBS} - {"NMX_CACHE_DIR"}
    leaked |= set(SHELL_VARS) & set(os.environ)
    assert leaked == set()
    assert os.environ["COLUMNS"] == "80"
    assert Path(os.environ["NMX_CACHE_DIR"]).parent == tmp_path_factory.getbasetemp()


@pytest.mark.slow
def test_a_hostile_shell_changes_no_test(tmp_path) -> None:
    """Some tests run in a pytest of their own under a shell set against them; they pass, writing no cache."""
    cache, home = tmp_path / "should-not-be-used", tmp_path / "home"
    cache.mkdir()
    home.mkdir()
    hostile = {
        "NMX_LANG": "en", "NMX_TODAY": "2020-01-01", "NMX_DATA": "/nonexistent", "NMX_MAX_NODES": "1",
        "NMX_MAX_FILE_MB": "0", "NMX_CACHE_DIR": str(cache), "XDG_CACHE_HOME": str(cache),
        "HOME": str(home), "NO_COLOR": "1", "FORCE_COLOR": "1", "PY_COLORS": "1", "TTY_COMPATIBLE": "1",
        "COLUMNS": "33", "LINES": "5", "TERMINAL_WIDTH": "20", "TERM": "dumb",
        "PYTHONIOENCODING": "ascii:backslashreplace",
    }
    inner = ["-p", "no:cacheprovider", "--color=no", "--basetemp", str(tmp_path / "inner")]
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", *inner, *TOUCHED],
        cwd=ROOT, env={**os.environ, **hostile}, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(TOUCHED) + 5} passed" in proc.stdout, proc.stdout  # test_table… has three cases, test_usage… four
    assert list(cache.iterdir()) == []
    assert list(home.iterdir()) == []  # so not ~/.cache/nmx either
