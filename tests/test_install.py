"""The README's first command, as a newcomer runs it: a clean copy of the project, no venv of
one's own, no root, a fresh HOME (so no pip cache or user site-packages help it along)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
IGNORE = shutil.ignore_patterns(".git", ".venv", "venv", "__pycache__", "*.egg-info", "build", "dist", ".pytest_cache")


def _first_commands() -> tuple[str, str]:
    block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert block, "the README starts with a sh block"
    install, tests = block.group(1).splitlines()[:2]
    return install, tests


def test_the_readme_starts_with_the_two_commands():
    install, tests = _first_commands()
    assert install.startswith("python3 -m venv .venv && ") and install.endswith("nmx duties 市交通运输局")
    assert tests.startswith(".ci/run")
    windows = re.search(r"`(py -m venv .venv && .*?)`", README)
    assert windows, "a Windows line follows"
    # the same steps, with Windows' Scripts folder
    assert windows.group(1) == install.replace("python3", "py").replace(".venv/bin/", ".venv\\Scripts\\")


@pytest.mark.slow
def test_the_readmes_first_command_works_in_a_clean_copy(tmp_path):
    install, _ = _first_commands()
    copy = tmp_path / "nmx"
    shutil.copytree(ROOT, copy, ignore=IGNORE)
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "PIP_CACHE_DIR": str(tmp_path / "pip-cache"),
           "PIP_DISABLE_PIP_VERSION_CHECK": "1", "NMX_CACHE_DIR": str(tmp_path / "nmx-cache"), "LANG": "C.UTF-8"}
    proc = subprocess.run(["bash", "-c", install], cwd=copy, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    answer = proc.stdout[proc.stdout.rfind("市交通运输局（"):]  # after pip's own lines
    assert answer.startswith("市交通运输局（六安市交通运输局）：牵头") and "四（二）" in answer, proc.stdout[-2000:]
    assert (copy / ".venv" / "bin" / "nmx").exists()


@pytest.mark.slow
def test_ci_says_what_is_missing_when_it_cannot_install_the_browser():
    """Without root and without Chromium, .ci/run stops before installing anything, says what is
    missing and how to get it, and exits 2 (as root it would apt-get install it)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:  # not under pytest's 0700 root: the other user writes here
        tmp_path = Path(folder)
        tmp_path.chmod(0o777)
        _ci_without_browser(tmp_path)


def _ci_without_browser(tmp_path: Path) -> None:
    cmd = [str(ROOT / ".ci" / "run")]
    if os.geteuid() == 0:  # be the newcomer without root
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) drops root for this test"
        cmd = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "TMPDIR": str(tmp_path),
           "NMX_CHROMIUM": str(tmp_path / "no-chromium")}
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "needs root" in proc.stderr and "apt-get install chromium" in proc.stderr, proc.stderr
    assert "pip install" not in proc.stdout  # nothing was installed first
