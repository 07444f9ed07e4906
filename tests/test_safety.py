"""Nothing nmx reads can run code; nothing it writes can destroy what is not its own (issue 9).

Each test here failed on the code before this issue: a planted cache entry ran, outputs
replaced devices and inputs, `report --force` deleted the current folder, control
characters reached the terminal, a hand edit was lost, a FIFO hung the run, a held lock
waited for ever, dates far out ended in exit 3, and csv/ics said nothing of missing
holiday data.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import DATA

NMX = [sys.executable, "-m", "nmx"]
ESC = "\x1b"


def _cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NMX_")}
    env.update(NMX_CACHE_DIR=str(tmp_path / "cache"), NO_COLOR="1", **extra)
    return env


# --- 1. the cache is data, not code -------------------------------------------------------------
class _Planted:
    """What an attacker plants: unpickling it creates a marker file."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


def _plan_key(data: Path = DATA) -> str:
    from nmx.fileio import display
    from nmx.plan.pipeline import plan_key
    from nmx.plan.source import FILES

    return plan_key({n: (data / n).read_bytes() for n in FILES}, {n: display(data / n) for n in FILES})


def test_a_planted_pickle_never_runs(run, tmp_path, monkeypatch):
    cache = tmp_path / "shared-cache"
    cache.mkdir(mode=0o700)
    monkeypatch.setenv("NMX_CACHE_DIR", str(cache))
    marker = tmp_path / "pwned"
    key = _plan_key()
    payload = pickle.dumps(_Planted(str(marker)))
    for name in (f"{key}.pickle", f"{key}.json"):  # where nmx 0.1 read it, and where entries are now
        (cache / name).write_bytes(payload)
        os.chmod(cache / name, 0o600)
    result = run("duties", "市交通运输局", "--data", str(DATA))
    assert result.exit_code == 0, result.output
    assert not marker.exists()
    entry = json.loads((cache / f"{key}.json").read_bytes())  # the corrupt entry was replaced by data
    assert entry[0] == 3 and entry[1] == key


def test_cache_folder_and_entries_are_private(run, tmp_path, monkeypatch):
    cache = tmp_path / "new" / "nmx"
    monkeypatch.setenv("NMX_CACHE_DIR", str(cache))
    assert run("validate", str(DATA)).exit_code == 0
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    entries = list(cache.iterdir())
    assert entries and all(stat.S_IMODE(e.stat().st_mode) == 0o600 for e in entries)


@pytest.mark.parametrize("what", ["folder", "entry"])
def test_a_cache_others_may_write_is_not_used(run, tmp_path, monkeypatch, what):
    cache = tmp_path / "cache"
    monkeypatch.setenv("NMX_CACHE_DIR", str(cache))
    assert run("validate", str(DATA)).exit_code == 0  # fills the cache
    entry = cache / f"{_plan_key()}.json"
    target = cache if what == "folder" else entry
    os.chmod(target, 0o777 if what == "folder" else 0o666)
    import nmx.plan.pipeline

    calls = []
    real = nmx.plan.pipeline.validate_files
    monkeypatch.setattr(nmx.plan.pipeline, "validate_files", lambda *a: calls.append(1) or real(*a))
    result = run("validate", str(DATA))
    assert result.exit_code == 0, result.output
    assert calls == [1]  # validated afresh, not answered from the cache
    assert result.stderr.count("nmx: 警告: 缓存") == 1 and str(target) in result.stderr


def test_a_cache_of_another_user_is_not_used(run, tmp_path, monkeypatch):
    monkeypatch.setenv("NMX_CACHE_DIR", str(tmp_path / "cache"))
    assert run("validate", str(DATA)).exit_code == 0
    monkeypatch.setattr(os, "getuid", lambda: os.stat(tmp_path / "cache").st_uid + 1)  # as someone else sees it
    result = run("validate", str(DATA))
    assert result.exit_code == 0 and "缓存" in result.stderr and "不属于当前用户" in result.stderr


@pytest.mark.parametrize("content", [b"", b"{not json", b"[3, \"other\", []]", b"[3, \"KEY\", [1, 2]]",
                                     b"[" * 100_000, b"\xff\xfe"])
def test_a_corrupt_entry_is_only_a_miss(run, tmp_path, monkeypatch, content):
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    monkeypatch.setenv("NMX_CACHE_DIR", str(cache))
    key = _plan_key()
    (cache / f"{key}.json").write_bytes(content.replace(b"KEY", key.encode()))
    os.chmod(cache / f"{key}.json", 0o600)
    result = run("duties", "市交通运输局", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["department"]["id"]


def test_eviction_removes_the_oldest_entries_and_nothing_else(tmp_path):
    from nmx.plan import cache

    for n, name in enumerate(("a", "b", "c", "d")):
        entry = tmp_path / f"{name * 64}.json"
        entry.write_bytes(b"x" * 1000)
        os.utime(entry, ns=(n * 10**9, n * 10**9))
    (tmp_path / "notes.txt").write_bytes(b"y" * 10_000)  # not an entry: never counted, never removed
    removed = cache.evict(tmp_path, 2500)
    assert removed == ["a" * 64 + ".json", "b" * 64 + ".json"]
    assert sorted(p.name[0] for p in tmp_path.iterdir()) == ["c", "d", "n"]


def test_cache_place_follows_the_platform(monkeypatch, tmp_path):
    import platformdirs

    from nmx.plan import cache

    monkeypatch.delenv("NMX_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.folder() == Path(platformdirs.user_cache_dir("nmx", appauthor=False))


def test_codec_rebuilds_the_plan_and_refuses_other_shapes(plan):
    from nmx.plan import codec
    from nmx.plan.pipeline import CachedPlan
    from nmx.plan.models import DepartmentsFile, TasksFile

    value = CachedPlan(TasksFile(plan=plan.meta, tasks=plan.tasks),
                       DepartmentsFile(units=plan.units, groups=plan.groups, actions=plan.actions), ())
    data = json.loads(json.dumps(codec.dump(value, CachedPlan)))
    assert codec.load(data, CachedPlan) == value
    with pytest.raises(codec.CodecError):
        codec.load(data[:2], CachedPlan)
    data[0][1][0][6][0] = [99, []]  # a schedule of a kind that does not exist
    with pytest.raises(codec.CodecError):
        codec.load(data, CachedPlan)


# --- 2. outputs never destroy -----------------------------------------------------------------------
@pytest.mark.parametrize("cmd", [
    ("duties", "市交通运输局"), ("status", "--month", "2023-05", "--today", "2023-06-08"),
    ("deadlines", "--month", "2023-05", "-f", "json"), ("export", "xlsx"),
])
@pytest.mark.parametrize("target", ["tasks.yaml", "records.yaml", "hardlink", "symlink"])
def test_an_output_that_is_an_input_is_refused_before_any_work(run, plan_copy, cmd, target, monkeypatch):
    (plan_copy / "records.yaml").write_text("records: []\n", encoding="utf-8")
    out = plan_copy / target
    if target == "hardlink":
        os.link(plan_copy / "departments.yaml", out)
    elif target == "symlink":
        os.symlink(plan_copy / "records.yaml", out)
    before = {p: p.read_bytes() for p in plan_copy.rglob("*") if p.is_file()}  # the plan folder has source/ too
    import nmx.plan.pipeline

    monkeypatch.setattr(nmx.plan.pipeline, "load", lambda *a, **k: pytest.fail("work started"))
    result = run(*cmd, "--data", str(plan_copy), "-o", str(out))
    assert result.exit_code == 2, result.output
    assert "拒绝覆盖" in result.stderr
    assert {p: p.read_bytes() for p in plan_copy.rglob("*") if p.is_file()} == before


def test_dash_is_stdout_for_every_writer(run):
    assert json.loads(run("duties", "市交通运输局", "-f", "json", "-o", "-").stdout)["department"]["id"]
    assert run("export", "ics", "-o", "-").stdout.startswith("BEGIN:VCALENDAR")
    xlsx = run("export", "xlsx", "-o", "-")
    assert xlsx.exit_code == 0 and xlsx.stdout_bytes[:2] == b"PK"
    assert not Path("-").exists()


def test_a_fifo_output_is_written_into_not_replaced(run, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    result = run("duties", "市交通运输局", "-f", "json", "-o", str(fifo))
    reader.join(10)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert json.loads(got[0])["department"]["id"]


def _device(tmp_path: Path) -> Path:
    """A character device node in the temporary folder (a /dev/null twin), never the real /dev."""
    node = tmp_path / "null-device"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    return node


def test_a_device_output_is_written_into_not_replaced(run, tmp_path):
    node = _device(tmp_path) if os.geteuid() == 0 else Path(os.ttyname(os.openpty()[1]))
    result = run("export", "ics", "-o", str(node))
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat(node).st_mode)


def test_dev_stdout_is_the_stream_not_a_file_to_replace(tmp_path):
    out = tmp_path / "captured.json"
    with open(out, "wb") as fh:
        proc = subprocess.run([*NMX, "duties", "市交通运输局", "-f", "json", "-o", "/dev/stdout"], stdout=fh,
                              stderr=subprocess.PIPE, env=_cli_env(tmp_path), timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(out.read_bytes())["department"]["id"]


def test_a_link_to_an_output_file_stays_a_link(run, tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    os.symlink(real, link)
    assert run("duties", "市交通运输局", "-f", "json", "-o", str(link)).exit_code == 0
    assert link.is_symlink() and json.loads(real.read_text(encoding="utf-8"))["department"]["id"]


# --- report -o: never a folder that holds what is not nmx's ------------------------------------------
@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    (home / "work").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(home / "work")
    return home


@pytest.mark.parametrize("where", ["", ".", "..", "HOME", "/", "DATA", "ABOVE_DATA"])
def test_report_refuses_folders_it_would_destroy_whatever_force_says(run, plan_copy, home, where):
    (home / "keep.txt").write_text("mine", encoding="utf-8")
    target = {"HOME": str(home), "DATA": str(plan_copy), "ABOVE_DATA": str(plan_copy.parent)}.get(where, where)
    result = run("report", "-o", target, "--force", "--data", str(plan_copy))
    assert result.exit_code == 2, result.output
    assert "--force 也不行" in result.stderr
    assert (home / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert (plan_copy / "tasks.yaml").is_file()
    assert not [p for p in plan_copy.parent.iterdir() if p.name.endswith((".tmp", ".old"))]


def test_report_decides_from_the_marker_and_the_top_level(run, home, tmp_path):
    site = home / "work" / "site"
    assert run("report", "-o", str(site), "--today", "2023-05-10").exit_code == 0
    assert run("report", "-o", str(site), "--today", "2023-05-10").exit_code == 0  # its own: replaced
    (site / "units" / "notes.txt").write_text("mine", encoding="utf-8")
    result = run("report", "-o", str(site), "--today", "2023-05-10")
    assert result.exit_code == 2 and "units/notes.txt" in result.stderr
    bare = home / "work" / "bare"
    (bare / "deep" / "er").mkdir(parents=True)
    (bare / "deep" / "er" / "x").write_text("x", encoding="utf-8")
    from nmx.handouts import publish

    assert publish.foreign_files(bare) == ["deep"]  # no marker: the top level is enough


def test_a_failed_swap_leaves_the_old_site_and_nothing_beside_it(run, home, monkeypatch):
    site = home / "work" / "site"
    assert run("report", "-o", str(site), "--today", "2023-05-10").exit_code == 0
    before = sorted(p.relative_to(site).as_posix() for p in site.rglob("*"))
    real = os.rename

    def failing(src, dst):
        if str(dst) == str(site) and ".tmp" in str(src):
            raise PermissionError(13, "Permission denied", str(dst))
        return real(src, dst)

    monkeypatch.setattr(os, "rename", failing)
    result = run("report", "-o", str(site), "--today", "2023-05-10")
    assert result.exit_code == 2, result.output
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == before
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"]


# --- 3. inputs are bounded --------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["records.yaml", "ledger.yaml", "tasks.yaml"])
def test_a_fifo_input_is_refused_not_waited_for(plan_copy, tmp_path, name):
    (plan_copy / name).unlink(missing_ok=True)
    os.mkfifo(plan_copy / name)
    cmd = {"records.yaml": ["status"], "ledger.yaml": ["ledger", "list"], "tasks.yaml": ["validate"]}[name]
    proc = subprocess.run([*NMX, *cmd, "--data", str(plan_copy)], capture_output=True, env=_cli_env(tmp_path),
                          timeout=120)
    assert proc.returncode == 2, proc.stderr.decode()
    assert f"{name} 不是普通文件（是命名管道）" in proc.stderr.decode()


def test_a_link_to_a_device_is_refused(run, plan_copy, tmp_path):
    node = _device(tmp_path) if os.geteuid() == 0 else Path(os.ttyname(os.openpty()[1]))
    os.symlink(node, plan_copy / "records.yaml")
    result = run("status", "--data", str(plan_copy))
    assert result.exit_code == 2 and "不是普通文件（是设备）" in result.stderr


def test_inputs_have_a_size_limit(run, plan_copy, monkeypatch):
    (plan_copy / "records.yaml").write_bytes(b"# " + b"x" * (2 * 1024 * 1024) + b"\nrecords: []\n")
    monkeypatch.setenv("NMX_MAX_FILE_MB", "1")
    result = run("status", "--data", str(plan_copy))
    assert result.exit_code == 2 and "NMX_MAX_FILE_MB" in result.stderr


def test_a_million_unknown_keys_is_one_problem(run, plan_copy):
    with open(plan_copy / "tasks.yaml", "a", encoding="utf-8") as fh:
        fh.writelines(f"k{i}: 1\n" for i in range(1_000_000))
    result = run("validate", str(plan_copy), "-f", "json")
    doc = json.loads(result.stdout)
    assert result.exit_code == 1 and doc["errors"] == 1
    assert [p["rule"] for p in doc["problems"]] == ["mapping-size"]


def test_problems_printed_are_capped_and_counted_exactly(run, plan_copy):
    lines = ["records:"] + [f"  - {{task: M9{i}, dept: 金安区, date: 2023-05-09}}" for i in range(150)]
    (plan_copy / "records.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = run("validate", str(plan_copy))
    assert text.exit_code == 1
    assert text.stdout.count("error [") == 100 and "另有 50 个问题未列出" in text.stdout and "150 个错误" in text.stdout
    doc = json.loads(run("validate", str(plan_copy), "-f", "json", "--max-problems", "10").stdout)
    assert (doc["errors"], len(doc["problems"]), doc["omitted"]) == (150, 10, 140)
    assert len(json.loads(run("validate", str(plan_copy), "-f", "json", "--max-problems", "0").stdout)["problems"]) == 150
    status = run("status", "--data", str(plan_copy))
    assert status.exit_code == 1 and "另有 50 个问题未列出" in status.stderr


# --- 4. no control characters in, none out ----------------------------------------------------------
@pytest.mark.parametrize("file,old,new,line", [
    ("tasks.yaml", "  title: 六安市2023年暖民心行动宣传方案\n", '  title: "\\e]52;c;aGk=\\a"\n', None),
    ("departments.yaml", "    name: 市交通运输局\n", '    name: "市交通\\x1b[2J运输局"\n', None),
])
def test_control_characters_in_the_plan_are_errors_where_they_are(run, plan_copy, file, old, new, line):
    path = plan_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    where = text[: text.index(old)].count("\n") + 1
    result = run("validate", str(plan_copy))
    assert result.exit_code == 1
    assert f"{file}:{where}:" in result.stdout and "[control-char]" in result.stdout
    assert ESC not in result.stdout and "\a" not in result.stdout


def test_control_characters_in_records_and_ledger_are_errors(run, plan_copy):
    (plan_copy / "records.yaml").write_text(
        'records:\n  - {task: M3, dept: 皖西日报社, date: 2023-05-09, note: "ok \\e[2J"}\n', encoding="utf-8")
    (plan_copy / "ledger.yaml").write_text(
        'entries:\n  - {id: L0001, dept: 市城管局, problem: "\\u009b31m", measure: x, due: 2023-07-31,'
        ' found_on: 2023-06-01}\n', encoding="utf-8")
    result = run("validate", str(plan_copy))
    assert result.exit_code == 1
    assert "records.yaml:2:" in result.stdout and "ledger.yaml:2:" in result.stdout
    assert result.stdout.count("[control-char]") == 2


@pytest.mark.parametrize("option", ["--note", "--evidence", "--dept", "--period"])
def test_control_characters_in_option_values_are_refused(run, plan_copy, option):
    args = {"--note": "n", "--evidence": "e", "--dept": "皖西日报社", "--period": "2023-05"}
    args[option] = args[option] + "\x1b]52;c;aGk=\x07"
    flat = [x for pair in args.items() for x in pair]
    result = run("done", "M3", *flat, "--on", "2023-05-09", "--today", "2023-05-10", "--data", str(plan_copy))
    assert result.exit_code == 2 and option in result.stderr
    assert ESC not in result.stderr and "\\x1b" in result.stderr
    assert not (plan_copy / "records.yaml").exists()


def test_ledger_options_with_control_characters_are_refused(run, plan_copy):
    base = ["ledger", "add", "--dept", "市城管局", "--due", "2023-07-31", "--today", "2023-06-01", "--data", str(plan_copy)]
    for option in ("--problem", "--measure"):
        values = {"--problem": "p", "--measure": "m", option: "\x1b[2J清屏"}
        result = run(*base, *[x for pair in values.items() for x in pair])
        assert result.exit_code == 2 and option in result.stderr


def test_every_renderer_escapes_what_could_still_reach_it():
    from nmx.render import Format, render
    from nmx.views import Column, View

    hostile = f"{ESC}]52;c;aGk={chr(7)}{ESC}[2J<img src=x onerror=alert(1)>&\x9b"
    view = View([Column("a", hostile)], [{"a": hostile}], payload={"a": hostile}, title=hostile, notes=[hostile])
    for fmt in (Format.TABLE, Format.JSON, Format.CSV, Format.MD):
        text = render(view, fmt)
        if fmt in (Format.TABLE,):
            assert ESC not in text and "\x07" not in text and "\x9b" not in text, fmt
        if fmt is Format.JSON:
            assert ESC not in text and "\x9b" not in text and json.loads(text) == {"a": hostile}
        if fmt is Format.MD:
            assert "<img" not in text and "&lt;img" in text and "&amp;" in text


def test_text_reaching_the_terminal_is_escaped(capsys):
    from nmx.cli.app import report_error
    from nmx.cli.output import write_text
    from nmx.errors import UsageError

    write_text(f"a{ESC}[2Jb\r\n")
    report_error(UsageError(f"bad {ESC}]0;title{chr(7)}"))
    out, err = capsys.readouterr()
    assert out == "a\\x1b[2Jb\r\n"
    assert ESC not in err and "\\x1b]0;title\\x07" in err


def test_a_zero_width_look_alike_unit_is_an_error(run, plan_copy):
    path = plan_copy / "departments.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("units:\n", 'units:\n  - {id: fake, name: "市交通\\u200b运输局", full_name: 假, kind: government}\n', 1),
                    encoding="utf-8")
    result = run("validate", str(plan_copy))
    assert result.exit_code == 1
    assert "[invisible-char]" in result.stdout and "[name-clash]" in result.stdout


# --- 5. writers keep every byte ---------------------------------------------------------------------
DONE = ("done", "M3", "--dept", "皖西日报社", "--on", "2023-05-09", "--today", "2023-05-10")


def test_a_hand_edit_during_a_write_survives(run, plan_copy, monkeypatch):
    from nmx import fileio

    path = plan_copy / "records.yaml"
    path.write_text("records:\n  - {task: M3, dept: 皖西日报社, date: 2023-05-02}\n", encoding="utf-8")
    paused, edited = threading.Event(), threading.Event()

    def pause(step: str) -> None:
        if step == "before-replace" and not paused.is_set():
            paused.set()
            assert edited.wait(10)

    def hand_edit() -> None:
        assert paused.wait(10)
        with open(path, "a", encoding="utf-8") as fh:  # an editor saving, taking no lock
            fh.write("  # 手工补录\n  - {task: M3, dept: 市广电台, date: 2023-05-03}\n")
        edited.set()

    monkeypatch.setattr(fileio, "PAUSE", pause)
    editor = threading.Thread(target=hand_edit)
    editor.start()
    result = run(*DONE, "--data", str(plan_copy))
    editor.join(10)
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert "# 手工补录" in text and "市广电台" in text and "2023-05-09" in text
    assert run("validate", str(plan_copy)).exit_code == 0


def test_a_held_lock_is_waited_for_a_bounded_time(run, plan_copy):
    from nmx.supervision import store

    with store.locked(plan_copy / "records.yaml"):
        start = time.monotonic()
        result = run(*DONE, "--wait", "0.3", "--data", str(plan_copy))
        waited = time.monotonic() - start
    assert result.exit_code == 2, result.output
    assert "records.yaml" in result.stderr and f"进程 {os.getpid()}" in result.stderr
    assert waited < 60  # bounded (the figure itself is not asserted: the machine is shared)
    assert run(*DONE, "--wait", "0", "--data", str(plan_copy)).exit_code == 0  # free again


def test_a_lock_held_by_another_process(run, plan_copy, tmp_path):
    code = ("import sys, time; from pathlib import Path; from nmx.supervision import store\n"
            "with store.locked(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(30)\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(plan_copy / "records.yaml")], stdout=subprocess.PIPE,
                              env=_cli_env(tmp_path))
    try:
        assert holder.stdout.readline() == b"held\n"
        result = run(*DONE, "--wait", "0.2", "--data", str(plan_copy))
        assert result.exit_code == 2 and f"进程 {holder.pid}" in result.stderr
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("link,says", [(os.symlink, "符号链接"), (os.link, "硬链接")])
def test_a_lock_file_that_is_a_link_is_refused_and_its_target_kept(run, plan_copy, tmp_path, link, says):
    victim = tmp_path / "victim"
    victim.write_text("keep me", encoding="utf-8")
    link(victim, plan_copy / ".records.yaml.lock")
    result = run(*DONE, "--data", str(plan_copy))
    assert result.exit_code == 2 and "锁文件" in result.stderr and says in result.stderr
    assert victim.read_text(encoding="utf-8") == "keep me"


def test_a_read_only_records_file_is_refused_not_replaced(run, plan_copy):
    path = plan_copy / "records.yaml"
    path.write_text("records: []\n", encoding="utf-8")
    os.chmod(path, 0o444)
    result = run(*DONE, "--data", str(plan_copy))
    assert result.exit_code == 2 and "只读" in result.stderr
    assert path.read_text(encoding="utf-8") == "records: []\n"


def test_the_same_record_twice_is_refused_unless_allowed(run, plan_copy):
    assert run(*DONE, "--evidence", "a.pdf", "--data", str(plan_copy)).exit_code == 0
    again = run(*DONE, "--evidence", "a.pdf", "--data", str(plan_copy))
    assert again.exit_code == 2 and "--allow-duplicate" in again.stderr
    assert run(*DONE, "--evidence", "b.pdf", "--data", str(plan_copy)).exit_code == 0  # other evidence: another delivery
    assert run(*DONE, "--evidence", "a.pdf", "--allow-duplicate", "--data", str(plan_copy)).exit_code == 0
    text = (plan_copy / "records.yaml").read_text(encoding="utf-8")
    assert text.count("a.pdf") == 2 and text.count("b.pdf") == 1


# --- 6. exit 3 is only for bugs ---------------------------------------------------------------------
@pytest.mark.parametrize("args", [
    ("deadlines", "--today", "9999-12-31", "--upcoming", "30"), ("calendar", "9999-12"), ("calendar", "0001"),
    ("deadlines", "--upcoming", "2147483648"), ("deadlines", "--from", "0001-01-01"),
    ("status", "--today", "9999-12-31"), ("overdue", "--today", "0001-01-01"), ("checklist", "-d", "金安区", "-m", "9999-12"),
    ("ledger", "list", "--today", "9999-12-31"),
])
def test_dates_off_the_calendar_are_usage_errors(run, args):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "超出" in result.stderr


def test_source_date_epoch_off_the_calendar_is_a_usage_error(run, monkeypatch, tmp_path):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999999")
    result = run("export", "ics", "-o", str(tmp_path / "x.ics"))
    assert result.exit_code == 2 and "SOURCE_DATE_EPOCH" in result.stderr


def test_a_permission_error_on_a_path_is_exit_2_naming_it(run, monkeypatch):
    import nmx.duties.reach

    def denied(*_a, **_k):
        raise PermissionError(13, "Permission denied", "/srv/share/plan")

    monkeypatch.setattr(nmx.duties.reach, "duties_for", denied)
    result = run("duties", "市交通运输局")
    assert result.exit_code == 2 and "/srv/share/plan" in result.stderr


# --- 7. missing holiday data is said in every format -----------------------------------------------
@pytest.fixture
def plan_2031(tmp_path) -> Path:
    """The shipped plan moved to 2031, a year chinesecalendar has no data for."""
    dest = tmp_path / "p2031"
    shutil.copytree(DATA, dest)
    path = dest / "tasks.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("2023", "2031"), encoding="utf-8")
    return dest


def test_csv_says_weekends_only(run, plan_2031, tmp_path):
    import csv
    import io

    result = run("deadlines", "--data", str(plan_2031), "--month", "2031-05", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and all("2031" in r["calendar_note"] for r in rows)
    assert "2031" in result.stderr  # the output is a pipe here: said on stderr as well
    shipped = run("deadlines", "--month", "2023-05", "-f", "csv").stdout
    assert all(r["calendar_note"] == "" for r in csv.DictReader(io.StringIO(shipped)))


def test_ics_says_weekends_only(run, plan_2031, tmp_path):
    from icalendar import Calendar

    out = tmp_path / "p.ics"
    result = run("export", "ics", "--data", str(plan_2031), "-o", str(out))
    assert result.exit_code == 0 and "2031" in result.stderr
    cal = Calendar.from_ical(out.read_bytes())
    assert "2031" in str(cal["X-NMX-CALENDAR-NOTE"])
    deadlines = [e for e in cal.walk("VEVENT") if "前一工作日" in str(e["description"])]
    assert deadlines and all("chinesecalendar" in str(e["description"]) for e in deadlines)
    assert "X-NMX-CALENDAR-NOTE" not in run("export", "ics", "-o", "-").stdout  # 2023 is known


def test_json_and_files_say_weekends_only(run, plan_2031, tmp_path):
    doc = json.loads(run("deadlines", "--data", str(plan_2031), "--month", "2031-05", "-f", "json").stdout)
    assert "2031" in doc["calendar_note"]
    for fmt, name in (("table", "d.txt"), ("md", "d.md")):
        result = run("deadlines", "--data", str(plan_2031), "--month", "2031-05", "-f", fmt, "-o", str(tmp_path / name))
        assert result.exit_code == 0 and result.stderr.count("2031 年的节假日") == 1
    xlsx = run("export", "xlsx", "--data", str(plan_2031), "-o", str(tmp_path / "p.xlsx"))
    assert "2031 年的节假日" in xlsx.stderr


# --- found by a second pair of eyes -----------------------------------------------------------------
def test_wait_must_be_a_finite_number(run, plan_copy):
    for value in ("nan", "inf"):
        result = run(*DONE, "--wait", value, "--data", str(plan_copy))
        assert result.exit_code == 2, (value, result.output)


@pytest.mark.parametrize("char", ["\u3164", "\uffa0", "\u115f", "\u17b4", "\u034f", "\ufe0f", "\u2800", "\ue000"])
def test_blank_letters_and_private_use_are_invisible_too(run, plan_copy, char):
    path = plan_copy / "departments.yaml"
    text = path.read_text(encoding="utf-8")
    fake = f'  - {{id: fake, name: "市交通运输局\\u{ord(char):04x}", full_name: 假, kind: government}}\n'
    path.write_text(text.replace("units:\n", "units:\n" + fake, 1), encoding="utf-8")
    result = run("validate", str(plan_copy))
    assert result.exit_code == 1 and "[invisible-char]" in result.stdout and "[name-clash]" in result.stdout


def test_overdue_says_weekends_only(run, plan_2031):
    doc = json.loads(run("overdue", "--today", "2031-09-10", "--data", str(plan_2031), "-f", "json").stdout)
    assert "2031" in doc["calendar_note"]
    assert "2031 年的节假日" in run("overdue", "--today", "2031-09-10", "--data", str(plan_2031)).stderr


def test_report_refuses_stdout_and_keeps_a_link(run, home):
    assert run("report", "-o", "-", "--today", "2023-05-10").exit_code == 2 and not Path("-").exists()
    real = home / "work" / "site"
    assert run("report", "-o", str(real), "--today", "2023-05-10").exit_code == 0
    link = home / "work" / "linksite"
    os.symlink(real, link)
    assert run("report", "-o", str(link), "--today", "2023-05-10").exit_code == 0
    assert link.is_symlink() and (real / "index.html").is_file()
    assert sorted(p.name for p in (home / "work").iterdir()) == ["linksite", "site"]


def test_an_input_that_does_not_exist_yet_is_still_an_input(run, plan_copy):
    result = run("status", "--today", "2023-06-08", "--data", str(plan_copy), "-o", str(plan_copy / "records.yaml"))
    assert result.exit_code == 2 and not (plan_copy / "records.yaml").exists()


def test_a_record_dated_before_the_plan_is_refused(run, plan_copy):
    result = run("done", "M2", "--item", "report", "--dept", "金安区", "--on", "2022-12-05", "--today", "2023-06-01",
                 "--data", str(plan_copy))
    assert result.exit_code == 2 and "早于方案期间" in result.stderr


def test_a_file_of_too_many_nodes_is_refused_early(run, plan_copy, monkeypatch):
    monkeypatch.setenv("NMX_MAX_NODES", "1000")
    result = run("validate", str(plan_copy), "-f", "json")
    assert result.exit_code == 1
    assert "node-budget" in {p["rule"] for p in json.loads(result.stdout)["problems"]}


def test_status_csv_says_weekends_only(run, plan_2031):
    import csv
    import io

    text = run("status", "--data", str(plan_2031), "-m", "2031-05", "--today", "2031-06-09", "-f", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and all("2031" in r["calendar_note"] for r in rows)


def test_schema_output_does_not_write_through_a_planted_link(run, tmp_path):
    out = tmp_path / "schemas"
    out.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("keep me", encoding="utf-8")
    os.symlink(victim, out / "records.schema.json")
    result = run("schema", "--output", str(out))
    assert result.exit_code == 2 and "符号链接" in result.stderr
    assert victim.read_text(encoding="utf-8") == "keep me"


def test_bidi_controls_are_shown_escaped_on_a_terminal(capsys):
    from nmx.cli.output import write_text

    write_text("市交通\u202e局\u2066x\n")
    assert capsys.readouterr().out == "市交通\\u202e局\\u2066x\n"


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from(list("市a\t\n\r\x00\x1b\x7f\x85\x9f\u202a\u202e\u2066\u2069\u2070\x0d\x0c"))))
def test_terminal_text_is_escaped_exactly_where_a_control_is(text):
    """for_terminal's quick check (one character class, any CR) never lets a control through:
    what it returns is each control (a CR only when no LF follows) shown as its escape."""
    from nmx.safetext import for_terminal

    expected = "".join(
        ch if ch in "\t\n" or (ch == "\r" and text[i + 1:i + 2] == "\n") or not (
            ord(ch) < 0x20 or 0x7f <= ord(ch) <= 0x9f or "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069")
        else (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        for i, ch in enumerate(text))
    assert for_terminal(text) == expected


@pytest.mark.parametrize("value", ["abc", "nan", "1e3", "0", "-1", "99999999999999999999"])
def test_a_bad_size_limit_is_a_usage_error(run, monkeypatch, value):
    monkeypatch.setenv("NMX_MAX_FILE_MB", value)
    result = run("validate", str(DATA))
    assert result.exit_code == 2 and "NMX_MAX_FILE_MB" in result.stderr


def test_a_cache_location_that_is_a_file_is_said_to_be_one(run, tmp_path, monkeypatch):
    where = tmp_path / "cache-file"
    where.write_text("", encoding="utf-8")
    monkeypatch.setenv("NMX_CACHE_DIR", str(where))
    result = run("validate", str(DATA))
    assert result.exit_code == 0 and "不是目录" in result.stderr


@pytest.mark.parametrize("args", [("status", "--soon", "-1"), ("status", "--soon", "x"), ("status", "--soon", "367"),
                                  ("validate", "--max-problems", "-1"), ("validate", "--max-problems", "many")])
def test_new_number_options_refuse_bad_values(run, args):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and args[1] in result.output
