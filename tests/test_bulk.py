"""The collector in the console process (bulk.command_mode) and where cycles are still freed."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_console_entry_point_runs_without_automatic_collections(tmp_path):
    code = ("import atexit, gc, sys\n"
            "atexit.register(lambda: sys.stderr.write(f'enabled={gc.isenabled()}\\n'))\n"
            "from nmx.cli import main\nsys.argv = ['nmx', 'info']\nmain()\n")
    env = {"PATH": "/usr/bin:/bin", "NMX_CACHE_DIR": str(tmp_path / "c"), "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                          check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "enabled=False" in done.stderr


def test_collect_cycles_frees_a_cycle_only_when_the_collector_is_off():
    from nmx.bulk import collect_cycles

    class Node:
        pass

    was = gc.isenabled()
    gc.disable()
    try:
        a, b = Node(), Node()
        a.other, b.other = b, a
        gone = weakref.ref(a)
        del a, b
        assert gone() is not None  # a cycle: reference counting alone does not free it
        collect_cycles()
        assert gone() is None
    finally:
        if was:
            gc.enable()
