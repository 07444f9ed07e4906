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


def _registered_after(argv: list[str], tmp_path, **env_extra: str) -> tuple[list[str], list[str]]:
    code = ("import json, sys\nfrom nmx.cli.app import app, only_the_command\nimport nmx.cli\n"
            "only_the_command(json.loads(sys.argv[1]))\n"
            "print(json.dumps([[c.name for c in app.registered_commands],"
            " [g.name or g.typer_instance.info.name for g in app.registered_groups]]))\n")
    import json

    env = {"PATH": "/usr/bin:/bin", "NMX_CACHE_DIR": str(tmp_path / "c"), "PYTHONPATH": str(ROOT / "src"), **env_extra}
    done = subprocess.run([sys.executable, "-c", code, json.dumps(argv)], capture_output=True, text=True, env=env,
                          timeout=120, check=True)
    return json.loads(done.stdout)


def test_only_the_named_command_is_built(tmp_path):
    """The console entry point has typer build only the command it runs; anything that lists or
    suggests commands keeps them all."""
    everything = _registered_after([], tmp_path)
    assert len(everything[0]) > 20 and "ledger" in everything[1]
    assert _registered_after(["duties", "市交通运输局"], tmp_path) == [["duties"], []]
    assert _registered_after(["--lang", "en", "ledger", "list"], tmp_path) == [[], ["ledger"]]
    assert _registered_after(["--lang=en", "status", "-h"], tmp_path) == [["status"], []]
    for argv in (["--help"], ["--version"], ["dutie"], ["--lang", "en"], ["-x", "duties"]):
        assert _registered_after(argv, tmp_path) == everything, argv
    assert _registered_after(["duties"], tmp_path, _NMX_COMPLETE="complete_bash") == everything


def test_a_pruned_run_prints_what_the_whole_app_prints(tmp_path, run):
    env = {"PATH": "/usr/bin:/bin", "NMX_CACHE_DIR": str(tmp_path / "c"), "PYTHONPATH": str(ROOT / "src"),
           "COLUMNS": "100"}
    for argv in (["duties", "市交通运输局", "-f", "json"], ["ledger", "list", "--today", "2023-06-01", "-f", "json"]):
        done = subprocess.run([sys.executable, "-c", "from nmx.cli import main; main()", *argv], capture_output=True,
                              text=True, env=env, timeout=120, check=False, cwd=tmp_path)
        whole = run(*argv)
        assert done.returncode == whole.exit_code == 0, done.stderr
        assert done.stdout == whole.stdout
