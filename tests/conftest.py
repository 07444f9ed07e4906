"""Shared fixtures: one CLI runner with a fixed terminal width, isolated cache and env."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    for var in ("NMX_DATA", "NMX_LANG", "NMX_TODAY", "NMX_NO_CACHE", "NMX_DEBUG", "NO_COLOR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NMX_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "nmx-cache"))
    monkeypatch.setenv("COLUMNS", "80")
    from nmx import cache, fileio, i18n

    i18n.set_lang(None)
    cache.reset()
    fileio.forget_inputs()
    fileio.PAUSE = None


@pytest.fixture
def run():
    """Invoke nmx like a user would: `run("duties", "市交通运输局")` → click Result."""
    from nmx.cli import app

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict | None = None):
        return runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False, terminal_width=80)

    return invoke


@pytest.fixture
def plan_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped plan folder."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest


@pytest.fixture(scope="session")
def plan():
    """The shipped plan, validated."""
    from nmx.load import load_plan
    from nmx.source import DataSource

    return load_plan(DataSource(DATA, "argument"))
