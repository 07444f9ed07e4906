"""The collector in the console process (bulk.command_mode) and where cycles are still freed."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _python(code: str, tmp_path: Path, *args: str, check: bool = False, **env_extra: str) -> subprocess.CompletedProcess:
    """`code` in a fresh interpreter with only the package on its path and a private cache."""
    env = {"PATH": "/usr/bin:/bin", "NMX_CACHE_DIR": str(tmp_path / "c"), "PYTHONPATH": str(ROOT / "src"), **env_extra}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=120,
                          check=check, cwd=tmp_path)


def test_the_console_entry_point_runs_without_automatic_collections(tmp_path):
    code = ("import atexit, gc, sys\n"
            "atexit.register(lambda: sys.stderr.write(f'enabled={gc.isenabled()}\\n'))\n"
            "from nmx.cli import main\nsys.argv = ['nmx', 'info']\nmain()\n")
    done = _python(code, tmp_path)
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


def _registered_after(argv: list[str], tmp_path, **env_extra: str) -> tuple[list[str], list[str], list[str]]:
    """What the console entry point registers for `argv` (`nmx.cli.registered`), in a fresh
    interpreter: the commands, the groups, and the command modules it imported."""
    code = ("import json, sys\nfrom nmx.cli import MODULES, registered\n"
            "app = registered(json.loads(sys.argv[1]))\n"
            "print(json.dumps([[c.name for c in app.registered_commands],"
            " [g.name or g.typer_instance.info.name for g in app.registered_groups],"
            " [m for m in MODULES if 'nmx.cli.' + m in sys.modules]]))\n")
    import json

    return json.loads(_python(code, tmp_path, json.dumps(argv), check=True, **env_extra).stdout)


def test_only_the_named_command_is_built(tmp_path):
    """The console entry point has typer build only the command it runs, and imports only the
    modules registering it; anything that lists or suggests commands keeps them all."""
    from nmx.cli import MODULES

    everything = _registered_after([], tmp_path)
    assert len(everything[0]) > 20 and "ledger" in everything[1]
    assert everything[2] == list(MODULES)
    assert _registered_after(["duties", "市交通运输局"], tmp_path) == [["duties"], [], ["duty_cmds"]]
    assert _registered_after(["--lang", "en", "ledger", "list"], tmp_path) == [[], ["ledger"], ["supervision_cmds"]]
    assert _registered_after(["--lang=en", "status", "-h"], tmp_path) == [["status"], [], ["supervision_cmds"]]
    exported = _registered_after(["export", "receipt"], tmp_path)
    assert exported[:2] == [[], ["export"]] and {"export_cmds", "handout_cmds", "receipt_cmds"} <= set(exported[2])
    for argv in (["--help"], ["--version"], ["dutie"], ["--lang", "en"], ["-x", "duties"]):
        assert _registered_after(argv, tmp_path) == everything, argv
    assert _registered_after(["duties"], tmp_path, _NMX_COMPLETE="complete_bash") == everything


def test_the_command_table_names_every_command_s_modules_in_the_help_s_order(tmp_path):
    """`nmx.cli.COMMANDS` is what the whole app registers: each command and group, in the order
    `nmx --help` lists them, with the modules its callbacks (a group's subcommands') live in."""
    import json

    from nmx.cli import COMMANDS

    code = ("import json\nfrom nmx.cli import app\n"
            "short = lambda c: c.callback.__module__.rpartition('.')[2]\n"
            "found = [[c.name, [short(c)]] for c in app.registered_commands]\n"
            "found += [[g.name, list(dict.fromkeys(short(c) for c in g.typer_instance.registered_commands)),"
            " [c.name for c in g.typer_instance.registered_commands]] for g in app.registered_groups]\n"
            "print(json.dumps(found))\n")
    done = _python(code, tmp_path, check=True)
    found = json.loads(done.stdout)
    assert [(entry[0], tuple(entry[1])) for entry in found] == list(COMMANDS.items())


def test_the_whole_app_keeps_its_order_whichever_command_module_came_first(tmp_path):
    code = ("import json, sys\nimport nmx.cli.receipt_cmds, nmx.cli.burden_cmds, nmx.cli.handout_cmds\n"
            "from nmx.cli import app\n"
            "print(json.dumps([[c.name for c in app.registered_commands],"
            " [[c.name for c in g.typer_instance.registered_commands] for g in app.registered_groups]]))\n")
    done = _python(code, tmp_path, check=True)
    import json

    from nmx.cli import COMMANDS

    commands, groups = json.loads(done.stdout)
    assert commands == [name for name in COMMANDS if name not in ("export", "import", "notice", "ledger")]
    assert groups == [["ics", "xlsx", "receipt"], ["plan", "records"], ["prompt", "urge", "bulletin"],
                      ["add", "close", "list"]]


def test_a_pruned_run_prints_what_the_whole_app_prints(tmp_path, run):
    for argv in (["duties", "市交通运输局", "-f", "json"], ["ledger", "list", "--today", "2023-06-01", "-f", "json"]):
        done = _python("from nmx.cli import main; main()", tmp_path, *argv, COLUMNS="100")
        whole = run(*argv)
        assert done.returncode == whole.exit_code == 0, done.stderr
        assert done.stdout == whole.stdout


@pytest.mark.slow
def test_every_command_s_help_from_a_pruned_run_is_the_whole_app_s(tmp_path, run):
    """Each command (each group and its subcommands) registered alone, as the console entry point
    does, describes itself as in the whole app: the same options, texts and order."""
    from nmx.cli import COMMANDS, registered

    groups = {g.name: [c.name for c in g.typer_instance.registered_commands] for g in registered().registered_groups}
    for name in COMMANDS:
        for argv in [[name, "--help"]] + [[name, sub, "--help"] for sub in groups.get(name, [])]:
            done = _python("import sys; sys.argv[0] = 'nmx'\nfrom nmx.cli import main; main()", tmp_path, *argv,
                           COLUMNS="80")
            whole = run(*argv)
            assert done.returncode == whole.exit_code == 0, (argv, done.stderr)
            assert done.stdout == whole.stdout, argv


# --- the way out: bulk.leave ------------------------------------------------------------------
def test_the_entry_point_ends_without_tearing_the_heap_down_yet_says_everything(tmp_path):
    """Output written, the exit functions run, the command's exit code kept; no object's
    destructor runs at the end (the teardown a large plan's heap cost for nothing)."""
    code = ("import atexit, sys\nfrom nmx.cli import main\n"
            "class Told:\n    def __del__(self):\n        sys.stderr.write('torn down\\n')\n"
            "kept = Told()\natexit.register(lambda: sys.stderr.write('exit functions ran\\n'))\n"
            "sys.argv = ['nmx', *sys.argv[1:]]\nmain()\n")
    done = _python(code, tmp_path, "duties", "市交通运输局", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["department"]["name"] == "市交通运输局"  # the whole output, flushed
    assert "exit functions ran" in done.stderr and "torn down" not in done.stderr
    done = _python(code, tmp_path, "duties", "没有这个单位")
    assert done.returncode == 2 and "没有这个单位" in done.stderr


@pytest.mark.parametrize("code, said, status", [(None, "", 0), (0, "", 0), (4, "", 4), ("再见", "再见", 1)])
def test_leave_ends_with_the_code_python_would(tmp_path, code, said, status):
    done = _python(f"import sys\nfrom nmx import bulk\nprint('out', end='')\nbulk.leave({code!r})\n", tmp_path,
                   PYTHONIOENCODING="utf-8")
    assert (done.returncode, done.stdout, done.stderr.strip()) == (status, "out", said)


def test_leave_takes_the_usual_way_while_another_thread_runs(tmp_path):
    code = ("import sys, threading, time\nfrom nmx import bulk\n"
            "def late():\n    time.sleep(0.3)\n    print('thread done', flush=True)\n"
            "threading.Thread(target=late).start()\nbulk.leave(5)\n")
    done = _python(code, tmp_path)
    assert (done.returncode, done.stdout) == (5, "thread done\n")


def test_a_reader_that_stops_reading_is_no_error(tmp_path):
    """`nmx deadlines … | head`: the rest of the output goes nowhere, quietly, exit 0 (not an internal error)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import synth
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    plan = synth.write_plan(tmp_path / "plan", tasks=300, units=60)
    env = {"PATH": "/usr/bin:/bin", "NMX_CACHE_DIR": str(tmp_path / "c"), "PYTHONPATH": str(ROOT / "src")}
    for fmt in ("table", "json"):
        proc = subprocess.Popen([sys.executable, "-m", "nmx", "deadlines", "--data", str(plan), "--from", "2023-01-01",
                                 "--to", "2023-12-31", "--format", fmt], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env, cwd=tmp_path)
        assert proc.stdout.read(100)  # some of it, then the reader goes
        proc.stdout.close()
        err = proc.stderr.read().decode("utf-8")
        assert proc.wait(timeout=120) == 0, err
        assert "BrokenPipe" not in err and "内部错误" not in err and "Exception" not in err, err


def test_a_full_disk_under_the_output_is_said_not_a_bug(tmp_path):
    """Standard output that cannot be written (a full disk under `> file`): exit 2 and the reason."""
    code = ("import errno, io, sys\n"
            "class Full(io.RawIOBase):\n    def writable(self):\n        return True\n"
            "    def write(self, data):\n        raise OSError(errno.ENOSPC, 'No space left on device')\n"
            "sys.stdout = io.TextIOWrapper(io.BufferedWriter(Full()), encoding='utf-8')\n"
            "from nmx.cli import main\nsys.argv = ['nmx', *sys.argv[1:]]\nmain()\n")
    for fmt in ("table", "json"):
        done = _python(code, tmp_path, "duties", "市交通运输局", "--format", fmt, PYTHONIOENCODING="utf-8")
        assert done.returncode == 2, done.stderr
        assert "无法写出结果" in done.stderr and "No space left on device" in done.stderr
        assert "内部错误" not in done.stderr and "Traceback" not in done.stderr
