"""Windows and 信创 desktops: writers without fcntl, consoles that cannot show every character,
paths with spaces, Chinese names and backslashes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

NMX = str(Path(sys.executable).parent / "nmx")

# --- writers without fcntl ------------------------------------------------------------------------
#: nmx in a process where `import fcntl` fails, as on Windows, and `msvcrt` is a stand-in for Windows'
#: own: `msvcrt.locking` on a byte range, done with POSIX record locks (taken before fcntl is hidden,
#: so store.py cannot reach it). LK_NBLCK fails with EACCES when another process holds the range, as
#: Windows' does; every call is counted, and the counts written at exit to the file in argv[1].
NO_FCNTL = r"""
import atexit, errno, os, sys, types
import subprocess  # noqa: F401  (it tells Windows by whether msvcrt imports: decided before the stand-in)
import fcntl as _posix
sys.modules["fcntl"] = None  # import fcntl -> ImportError
log, sys.argv = sys.argv[1], ["nmx"] + sys.argv[2:]
calls = {"locked": 0, "busy": 0, "unlocked": 0, "offsets": set()}
m = types.ModuleType("msvcrt")
m.LK_UNLCK, m.LK_LOCK, m.LK_NBLCK, m.LK_RLCK, m.LK_NBRLCK = 0, 1, 2, 3, 4
def locking(fd, mode, nbytes):
    at = os.lseek(fd, 0, os.SEEK_CUR)
    calls["offsets"].add(at)
    if mode == m.LK_UNLCK:
        _posix.lockf(fd, _posix.LOCK_UN, nbytes, at)
        calls["unlocked"] += 1
        return
    assert mode == m.LK_NBLCK, mode
    try:
        _posix.lockf(fd, _posix.LOCK_EX | _posix.LOCK_NB, nbytes, at)
    except OSError:
        calls["busy"] += 1
        raise PermissionError(errno.EACCES, "Permission denied") from None
    calls["locked"] += 1
m.locking = locking
sys.modules["msvcrt"] = m
def _report():
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(f"{calls['locked']} {calls['busy']} {calls['unlocked']} {sorted(calls['offsets'])}\n")
atexit.register(_report)
"""


@pytest.fixture
def no_fcntl(tmp_path):
    """`no_fcntl(*args)` → a Popen of nmx with fcntl unimportable; `.calls()` → each run's msvcrt counts."""
    log = tmp_path / "msvcrt-calls.txt"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NMX_")}
    env.update(NMX_CACHE_DIR=str(tmp_path / "cache"), NO_COLOR="1")

    def start(*args: str, code: str = "from nmx.cli import main; main()") -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-c", NO_FCNTL + code, str(log), *args], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def nmx(*args: str) -> tuple[int, str, str]:
        proc = start(*args)
        out, err = proc.communicate(timeout=120)
        return proc.returncode, out.decode("utf-8"), err.decode("utf-8")

    def calls() -> list[tuple[int, int, int, str]]:
        rows = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
        return [(int(a), int(b), int(c), rest) for a, b, c, rest in (row.split(" ", 3) for row in rows)]

    nmx.start, nmx.calls = start, calls  # type: ignore[attr-defined]
    return nmx


def test_the_stand_in_is_what_store_sees(no_fcntl):
    code = ("from nmx.supervision import store; from pathlib import Path\n"
            "print(type(store._primitive(Path('x'))).__name__)\n"
            "try:\n import fcntl\nexcept ImportError:\n print('no fcntl')\n")
    proc = no_fcntl.start(code=code)
    out, err = proc.communicate(timeout=60)
    assert out.decode().split() == ["_Msvcrt", "no", "fcntl"], err.decode()


def test_done_and_ledger_add_and_close_without_fcntl(no_fcntl, plan_copy):
    from nmx.plan.yaml_reader import parse

    data = ("--data", str(plan_copy))
    code, out, err = no_fcntl("done", "M3", "--dept", "皖西日报社", "--on", "2023-05-09", "--today", "2023-05-10", *data)
    assert code == 0, err
    code, out, err = no_fcntl("ledger", "add", "--dept", "市交通局", "--problem", "客运站无宣传", "--measure", "设置展板",
                              "--due", "2023-07-15", "--today", "2023-06-08", "-f", "json", *data)
    assert code == 0, err
    assert json.loads(out)["id"] == "L0001"
    code, out, err = no_fcntl("ledger", "close", "L0001", "--on", "2023-07-10", "--note", "已设置", "--today",
                              "2023-07-11", *data)
    assert code == 0, err
    records = parse((plan_copy / "records.yaml").read_bytes(), "records.yaml").data["records"]
    assert [(r["task"], r["dept"]) for r in records] == [("M3", "皖西日报社")]
    ledger = parse((plan_copy / "ledger.yaml").read_bytes(), "ledger.yaml").data
    assert [e["id"] for e in ledger["entries"]] == ["L0001"] and ledger["closures"][0]["id"] == "L0001"
    calls = no_fcntl.calls()
    assert len(calls) == 3 and all(locked == unlocked == 1 for locked, _, unlocked, _ in calls), calls
    assert {rest for *_, rest in calls} == {"[1048576]"}  # past the holder's note, so it stays readable
    assert not list(plan_copy.glob(".*.tmp"))


def test_a_held_lock_without_fcntl_is_waited_for_and_its_holder_named(no_fcntl, plan_copy):
    hold = ("import sys, time; from pathlib import Path; from nmx.supervision import store\n"
            "with store.locked(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(30)\n")
    holder = no_fcntl.start(str(plan_copy / "records.yaml"), code=hold)
    try:
        assert holder.stdout.readline() == b"held\n"
        code, out, err = no_fcntl("done", "M3", "--dept", "皖西日报社", "--on", "2023-05-09", "--today", "2023-05-10",
                                  "--wait", "0.3", "--data", str(plan_copy))
        assert code == 2, err
        assert f"进程 {holder.pid}" in err and "records.yaml" in err
    finally:
        holder.kill()
        holder.wait()
    assert not (plan_copy / "records.yaml").exists()
    code, _, err = no_fcntl("done", "M3", "--dept", "皖西日报社", "--on", "2023-05-09", "--today", "2023-05-10",
                            "--wait", "5", "--data", str(plan_copy))
    assert code == 0, err  # a killed holder leaves no stale lock


@pytest.mark.slow
def test_twenty_concurrent_writers_without_fcntl(no_fcntl, plan_copy):
    from nmx.plan.yaml_reader import parse

    units = ["金安区", "裕安区", "叶集区", "霍邱县", "舒城县", "金寨县", "霍山县", "市开发区管委"]
    procs = [no_fcntl.start("done", "M2", "--item", "report", "--dept", units[i % len(units)], "--period", "2023-08",
                            "--on", "2023-09-05", "--today", "2023-09-08", "--note", f"run {i}", "--evidence", f"run-{i}.pdf", "--wait", "120",
                            "--data", str(plan_copy)) for i in range(20)]
    outputs = [p.communicate(timeout=240) for p in procs]
    assert [p.returncode for p in procs] == [0] * 20, [o[1].decode() for o in outputs]
    records = parse((plan_copy / "records.yaml").read_bytes(), "records.yaml").data["records"]
    assert sorted(r["note"] for r in records) == sorted(f"run {i}" for i in range(20))  # none lost, none doubled
    calls = no_fcntl.calls()
    assert len(calls) == 20 and all(locked == unlocked == 1 for locked, _, unlocked, _ in calls)
    assert sum(busy for _, busy, _, _ in calls) > 0, calls  # they did wait for one another
    assert not list(plan_copy.glob(".records.yaml.*.tmp"))


DONE = ("done", "M3", "--dept", "皖西日报社", "--on", "2023-05-09", "--today", "2023-05-10")


@pytest.mark.parametrize("kind", ["symlink", "hardlink"])
def test_without_o_nofollow_a_lock_file_that_is_a_link_is_refused(run, plan_copy, tmp_path, monkeypatch, kind):
    """Windows has no O_NOFOLLOW: the link is told from lstat of the name."""
    monkeypatch.delattr(os, "O_NOFOLLOW")
    victim = tmp_path / "victim"
    victim.write_text("keep me", encoding="utf-8")
    (os.symlink if kind == "symlink" else os.link)(victim, plan_copy / ".records.yaml.lock")
    result = run(*DONE, "--data", str(plan_copy))
    assert result.exit_code == 2 and "锁文件" in result.stderr
    assert ("符号链接" if kind == "symlink" else "硬链接") in result.stderr
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not (plan_copy / "records.yaml").exists()


def test_without_o_nofollow_a_plain_lock_file_works(run, plan_copy, monkeypatch):
    monkeypatch.delattr(os, "O_NOFOLLOW")
    assert run(*DONE, "--data", str(plan_copy)).exit_code == 0
    assert run(*DONE, "--evidence", "b.pdf", "--data", str(plan_copy)).exit_code == 0  # the kept lock file again


def test_no_lock_at_all_is_a_clear_usage_error(run, plan_copy, monkeypatch):
    monkeypatch.setitem(sys.modules, "fcntl", None)
    monkeypatch.setitem(sys.modules, "msvcrt", None)
    result = run(*DONE, "--data", str(plan_copy))
    assert result.exit_code == 2, result.output
    assert "fcntl" in result.stderr and "msvcrt" in result.stderr and "Traceback" not in result.output
    assert not (plan_copy / "records.yaml").exists()


# --- consoles that cannot show every character ----------------------------------------------------
def _console_env(tmp_path: Path, encoding: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NMX_") and k not in ("NO_COLOR", "COLUMNS")}
    env.update(NMX_CACHE_DIR=str(tmp_path / "cache"), PYTHONIOENCODING=encoding, COLUMNS="100")
    return env


def _nmx(env: dict[str, str], *args: str) -> tuple[int, bytes, bytes]:
    proc = subprocess.run([NMX, *args], env=env, capture_output=True, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def _notice(out: Path) -> Path:
    """A State Council holiday notice's text, for `nmx holidays --from-text`."""
    path = out / "通知.txt"
    path.write_text("国务院办公厅关于2023年部分节假日安排的通知\n一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。\n"
                    "二、劳动节：4月29日至5月3日放假调休，共5天。4月23日（星期日）、5月6日（星期六）上班。\n", encoding="utf-8")
    return path


def _examples(data: Path, out: Path) -> dict[tuple[str, ...], tuple[tuple[str, ...], int]]:
    """A run of every command (words → (arguments, exit code)), in an order that lets each one work."""
    d = ("--data", str(data))
    return {
        ("calendar",): (("calendar", "2023-05", *d), 0),
        ("burden",): (("burden", "--month", "2023-06", "--threshold", "1", *d), 0),
        ("completion",): (("completion", "bash"), 0),
        ("checklist",): (("checklist", "-d", "市交通运输局", "-m", "2023-05", *d), 0),
        ("diff",): (("diff", str(data), str(data), "--by-unit"), 0),
        ("deadlines",): (("deadlines", "--month", "2023-06", "--today", "2023-06-02", *d), 0),
        ("departments",): (("departments", *d), 0),
        ("done",): (("done", "M3", "--dept", "皖西日报社", "--on", "2023-05-09", "--today", "2023-05-10", *d), 0),
        ("duties",): (("duties", "市交通运输局", *d), 0),
        ("export", "ics"): (("export", "ics", "-o", str(out / "方案.ics"), *d), 0),
        ("export", "xlsx"): (("export", "xlsx", "-o", str(out / "方案.xlsx"), *d), 0),
        ("export", "receipt"): (("export", "receipt", "-d", "金安区", "-m", "2023-05", "-o", str(out / "回执.xlsx"), *d), 0),
        ("import", "plan"): (("import", str(data / "source" / "plan.txt"), "-o", str(out / "草稿")), 0),
        ("import", "records"): (("import", "records", str(out / "回执.xlsx"), "--today", "2023-06-10", *d), 0),
        ("holidays",): (("holidays", "2023", "--from-text", str(_notice(out))), 0),
        ("info",): (("info", *d), 0),
        ("ledger", "add"): (("ledger", "add", "--dept", "市交通局", "--problem", "客运站无宣传", "--measure", "设置展板",
                             "--due", "2023-07-15", "--today", "2023-06-08", *d), 0),
        ("ledger", "close"): (("ledger", "close", "L0001", "--note", "已设置“展板”", "--today", "2023-07-11", *d), 0),
        ("ledger", "list"): (("ledger", "list", *d), 0),
        ("matrix",): (("matrix", *d), 0),
        ("subplan",): (("subplan", "金安区", "--from", str(data), "-o", str(out / "金安区")), 0),
        ("coverage",): (("coverage", "--workspace", str(out)), 2),  # no nmx.yaml there: the usage error, readable
        ("new",): (("new", "2024", "--from", str(data), "-o", str(out / "2024年")), 0),
        ("notice", "prompt"): (("notice", "prompt", "--all", "--today", "2023-06-05", "-o", str(out / "提示单"), *d), 0),
        ("notice", "urge"): (("notice", "urge", "-d", "金安区", "--today", "2023-06-12", "-o", str(out / "督办单.docx"),
                              *d), 0),
        ("notice", "bulletin"): (("notice", "bulletin", "-m", "2023-05", "--today", "2023-06-12", *d), 0),
        ("overdue",): (("overdue", "--today", "2023-06-10", *d), 0),
        ("remind",): (("remind", "--today", "2023-06-05", "--dept", "金安区", *d), 0),
        ("report",): (("report", "-o", str(out / "报告"), "--today", "2023-05-10", *d), 0),
        ("schema",): (("schema",), 0),
        ("source",): (("source", "四（二）", *d), 0),
        ("status",): (("status", "--today", "2023-06-10", *d), 0),
        ("tasks",): (("tasks", *d), 0),
        ("validate",): (("validate", str(data)), 0),
    }


#: What the person must be able to read, by encoding: Chinese as it is under cp936; under ASCII,
#: the documented fallback (nmx.safetext: stand-ins, `??` for a Chinese character, English messages).
UNREADABLE = (b"Traceback", b"\\u", b"\\x", "内部错误".encode("gbk"), b"internal error")


def _readable(encoding: str, out: bytes, err: bytes) -> str | None:
    """Why `out`/`err` would not be readable in `encoding`, or None."""
    for name, raw in (("stdout", out), ("stderr", err)):
        try:
            raw.decode("gbk" if encoding == "cp936" else "ascii")
        except UnicodeDecodeError as exc:
            return f"{name} is not {encoding}: {exc}"
        found = [bad for bad in UNREADABLE if bad in raw]
        if found:
            return f"{name} has {found}: {raw[:400]!r}"
    return None


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["cp936", "ascii"])
def test_every_command_on_a_console_that_cannot_show_everything(plan_copy, tmp_path, encoding):
    from tests.conftest import commands

    env = _console_env(tmp_path, encoding)
    out = tmp_path / "out"
    out.mkdir()
    examples = _examples(plan_copy, out)
    assert set(examples) == {words for words, _ in commands()}, "a command without an example here"
    failures = []
    for words in examples:
        args, expected = examples[words]
        code, stdout, stderr = _nmx(env, *args)
        why = _readable(encoding, stdout, stderr)
        if code != expected or why:
            failures.append(f"nmx {' '.join(words)}: exit {code} (expected {expected}); {why or stderr[-300:]!r}")
    assert not failures, "\n".join(failures)
    # files are UTF-8 whatever the console
    assert "客运站无宣传" in (plan_copy / "ledger.yaml").read_text(encoding="utf-8")
    assert "开展集中宣传月活动" in (out / "方案.ics").read_text(encoding="utf-8")
    assert "市交通运输局" in (out / "报告" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("encoding", ["cp936", "ascii"])
def test_a_checklist_on_a_redirected_console(tmp_path, encoding):
    """cmd.exe redirected to a file writes cp936, which has no ☐: it is written as [ ]."""
    code, out, err = _nmx(_console_env(tmp_path, encoding), "checklist", "-d", "市交通运输局", "-m", "2023-05",
                          "--today", "2023-05-10")
    assert code == 0, err
    assert _readable(encoding, out, err) is None
    assert b"[ ]" in out and "☐".encode("utf-8") not in out
    if encoding == "cp936":
        text = out.decode("gbk")
        assert "市交通运输局" in text and "自查清单" in text and "─" in text  # Chinese and the table's lines kept
    else:
        text = out.decode("ascii")
        assert "self-inspection checklist" in text and "????????????" in text  # 市交通运输局: 6 characters, 12 columns
        assert "---" in text


@pytest.mark.parametrize("encoding,says", [("cp936", "错误"), ("ascii", "error: unit not found")])
def test_messages_on_a_console_that_cannot_show_everything(tmp_path, encoding, says):
    code, out, err = _nmx(_console_env(tmp_path, encoding), "duties", "不存在局")
    assert code == 2
    assert _readable(encoding, out, err) is None
    assert says in err.decode("gbk" if encoding == "cp936" else "ascii")


def test_a_language_asked_for_is_kept_on_an_ascii_console(tmp_path):
    env = _console_env(tmp_path, "ascii")
    code, _, err = _nmx(env, "duties", "不存在局", "--lang", "zh")
    assert code == 2 and b"nmx: ??" in err and b"error" not in err  # Chinese asked for: its stand-ins
    code, _, err = _nmx({**env, "NMX_LANG": "zh"}, "duties", "不存在局")
    assert code == 2 and b"error" not in err


def test_a_csv_file_is_utf8_whatever_the_console(tmp_path):
    target = tmp_path / "清单.csv"
    code, _, err = _nmx(_console_env(tmp_path, "ascii"), "duties", "市交通运输局", "-f", "csv", "-o", str(target))
    assert code == 0, err
    assert target.read_bytes().startswith(b"\xef\xbb\xbf") and "开展集中宣传月活动" in target.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("text,encoding,shown", [
    ("☐ 市", "cp936", "[ ] 市"), ("✓ ✗", "cp936", "√ ×"), ("✓ ✗", "ascii", "v x"), ("☐", "ascii", "[ ]"),
    # a wide character keeps its two columns, so a table stays aligned
    ("市交通（局），《方案》", "ascii", "?????? (??) ,  <????> "), ("２０２３…é", "ascii", "2 0 2 3 ...e"),
    ("┏━┳┓┃╋├─", "ascii", "+-++|++-"), ("\U0001f600", "cp936", "??"), ("\u0301", "ascii", "?"),
])
def test_stand_ins(text, encoding, shown):
    from nmx.safetext import register_stand_ins

    assert text.encode(encoding, register_stand_ins()).decode(encoding) == shown


# --- paths with spaces, Chinese names and backslashes ---------------------------------------------
@pytest.fixture
def odd_folder(tmp_path):
    """A copy of the shipped plan in `我的 方案\\目录` (on POSIX the backslash is part of the name),
    and a folder for outputs beside it, `输出 文件\\夹`."""
    import shutil

    from tests.conftest import DATA

    data = tmp_path / "我的 方案\\目录"
    shutil.copytree(DATA, data)
    out = tmp_path / "输出 文件\\夹"
    out.mkdir()
    return data, out


def test_duties_and_validate_read_a_plan_in_an_odd_folder(run, odd_folder):
    data, _ = odd_folder
    duties = run("duties", "市交通运输局", "--data", str(data), "-f", "json")
    assert duties.exit_code == 0, duties.output
    assert json.loads(duties.stdout)["duties"]
    checked = run("validate", str(data))
    assert checked.exit_code == 0, checked.output
    (data / "tasks.yaml").write_text("plan: [\n", encoding="utf-8")
    broken = run("validate", str(data))
    assert broken.exit_code == 1 and "我的 方案\\目录" in broken.output  # the path shown as it is


def test_outputs_go_to_an_odd_folder(run, odd_folder):
    data, out = odd_folder
    target = out / "清单 5月.md"
    result = run("checklist", "-d", "市交通运输局", "-m", "2023-05", "-f", "md", "-o", str(target), "--data", str(data))
    assert result.exit_code == 0, result.output
    assert "市交通运输局" in target.read_text(encoding="utf-8")
    site = out / "报告 网站"
    result = run("report", "-o", str(site), "--today", "2023-05-10", "--data", str(data))
    assert result.exit_code == 0, result.output
    assert "市交通运输局" in (site / "index.html").read_text(encoding="utf-8")
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no temporary folder left beside it


def test_done_writes_records_in_an_odd_folder(odd_folder, tmp_path):
    """Through a real process: the lock file and the temporary file are named after the odd path too."""
    from nmx.plan.yaml_reader import parse

    data, _ = odd_folder
    env = {k: v for k, v in os.environ.items() if not k.startswith("NMX_")}
    env.update(NMX_CACHE_DIR=str(tmp_path / "缓存 目录\\x"))
    for evidence in ("a.pdf", "b.pdf"):
        proc = subprocess.run([NMX, *DONE, "--evidence", evidence, "--data", str(data)], env=env, capture_output=True)
        assert proc.returncode == 0, proc.stderr.decode()
    records = parse((data / "records.yaml").read_bytes(), "records.yaml").data["records"]
    assert [r["evidence"] for r in records] == ["a.pdf", "b.pdf"]
    assert (data / ".records.yaml.lock").is_file() and not list(data.glob(".records.yaml.*.tmp"))
    assert subprocess.run([NMX, "validate", str(data)], env=env, capture_output=True).returncode == 0


# --- folders -----------------------------------------------------------------------------------
def test_only_the_cache_chooses_a_folder_of_the_users_and_through_platformdirs():
    """No module but plan/cache.py (and handouts/webhooks.py, for the webhooks file's default place) names a
    per-user folder, and they ask platformdirs (%LOCALAPPDATA% on Windows); nothing builds a POSIX path such
    as ~/.cache or /tmp by hand."""
    import re

    from tests.conftest import ROOT

    src = ROOT / "src" / "nmx"
    pattern = re.compile(r"expanduser|Path\.home|['\"]HOME['\"]|XDG_|APPDATA|['\"]/tmp|['\"]~/|platformdirs|gettempdir")
    found = {str(p.relative_to(src)): sorted(set(pattern.findall(p.read_text(encoding="utf-8"))))
             for p in src.rglob("*.py") if pattern.search(p.read_text(encoding="utf-8"))}
    # the cache (APPDATA only in its docstring); publish's Path.home() is a folder it refuses to replace
    assert found == {"plan/cache.py": ["APPDATA", "platformdirs"], "handouts/publish.py": ["Path.home"],
                     "handouts/webhooks.py": ["platformdirs"], "cli/completion.py": ['"~/']}, found  # completion only names the shells' profile files in its advice
