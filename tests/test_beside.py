"""A share of a folder's files written by a second process (nmx.beside): the same files either way,
the child's notes and failures raised here, and a child stopped when this side fails."""

from __future__ import annotations

import errno
import os

import pytest

from nmx import beside
from nmx.beside import Beside
from nmx.errors import UsageError
from nmx.fileio import put_files
from tests.conftest import DATA

PATHS = [True, False] if beside.FORK else [False]


@pytest.fixture(params=PATHS, ids=lambda fork: "forked" if fork else "in place")
def fork(request, monkeypatch):
    monkeypatch.setattr(beside, "FORK", request.param)
    return request.param


def _pid_files():
    yield "share/pid.txt", str(os.getpid())
    yield "share/parts.bin", [b"a", b"b"]


def test_a_share_is_written_with_the_rest(tmp_path, fork):
    told, seen = [], []
    files = [("first.txt", "一"), Beside(_pid_files, notes=lambda: ["说一句"], told=told.append), ("last.txt", b"x")]
    written = put_files(tmp_path, files, on_file=seen.append)
    assert written == ["first.txt", "last.txt", "share/pid.txt", "share/parts.bin"] == seen
    assert told == [["说一句"]]
    assert (tmp_path / "share/parts.bin").read_bytes() == b"ab" and (tmp_path / "first.txt").read_text("utf-8") == "一"
    child = int((tmp_path / "share/pid.txt").read_text())
    assert (child != os.getpid()) is fork  # forked: written by another process, which is gone
    if fork:
        with pytest.raises(ChildProcessError):
            os.waitpid(child, os.WNOHANG)


def _job(n: int):
    def files():
        yield f"jobs/{n}.txt", str(os.getpid())
    return files


def test_each_job_is_done_once_by_either_process(tmp_path, fork):
    seen: list[str] = []
    share = Beside(_pid_files, jobs=[_job(n) for n in range(300)])
    written = put_files(tmp_path, [share, ("page.txt", "p")], on_file=seen.append)
    assert sorted(written) == sorted(seen) == sorted(["page.txt", "share/pid.txt", "share/parts.bin",
                                                      *(f"jobs/{n}.txt" for n in range(300))])
    child = int((tmp_path / "share/pid.txt").read_text())
    doers = {int((tmp_path / f"jobs/{n}.txt").read_text()) for n in range(300)}
    assert doers <= {os.getpid(), child} and (child != os.getpid()) is fork


def _failing(exc: BaseException):
    def files():
        yield "share/one.txt", "1"
        raise exc
    return files


@pytest.mark.parametrize("exc, text", [
    (OSError(errno.ENOSPC, "No space left on device"), "No space left on device"),
    (UsageError("用法有误", hint="提示"), "用法有误"),
    (ZeroDivisionError("division by zero"), "division by zero"),  # a bug: from a child, with its traceback
])
def test_the_shares_failure_is_raised_here(tmp_path, fork, exc, text):
    kind = RuntimeError if fork and isinstance(exc, ZeroDivisionError) else type(exc)
    with pytest.raises(kind) as found:
        put_files(tmp_path, [Beside(_failing(exc), jobs=[_job(1)]), ("page.txt", "p")])
    assert text in str(found.value)
    if isinstance(exc, OSError):
        assert found.value.errno == errno.ENOSPC
    if isinstance(exc, UsageError):
        assert found.value.hint == "提示"
    if fork and kind is RuntimeError:
        assert "Traceback" in str(found.value) and "test_beside.py" in str(found.value)  # the child's own


@pytest.mark.skipif(not beside.FORK, reason="no second process where the platform cannot fork")
def test_the_child_is_stopped_when_this_side_fails(tmp_path, monkeypatch):
    import time

    def slow():
        yield "share/pid.txt", str(os.getpid())
        time.sleep(600)
        yield "share/late.txt", "never"

    def pages():
        yield Beside(slow)
        while not (tmp_path / "share/pid.txt").exists() or not (tmp_path / "share/pid.txt").read_text():
            time.sleep(0.01)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        put_files(tmp_path, pages())
    child = int((tmp_path / "share/pid.txt").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)  # killed and reaped
    assert not (tmp_path / "share/late.txt").exists()


def test_a_report_is_the_same_either_way(run, tmp_path, monkeypatch):
    """The report's calendars are the share: the same folder, byte for byte, and a state that cannot
    be used is said once, whether a second process wrote them or this one did."""
    folders = []
    for fork in PATHS if len(PATHS) == 2 else [False, False]:
        monkeypatch.setattr(beside, "FORK", fork)
        out = tmp_path / f"site-{fork}-{len(folders)}"
        for _ in range(2):
            r = run("report", "-o", str(out), "--today", "2023-05-10", "--data", str(DATA), "--base-url",
                    "https://example.gov.cn/nmx/")
            assert r.exit_code == 0, r.output
        (out / "calendars/state.json").write_text("[]", encoding="utf-8")
        r = run("report", "-o", str(out), "--today", "2023-05-10", "--data", str(DATA))
        assert r.exit_code == 0 and r.stderr.count("state.json") == 1, r.stderr
        folders.append(out)
    first, second = ({p.relative_to(f): p.read_bytes() for p in f.rglob("*") if p.is_file()} for f in folders)
    assert first.keys() == second.keys() and first == second
    assert any(str(name).startswith("calendars/units/") for name in first)


def test_a_full_disk_in_the_share_leaves_the_old_site(run, tmp_path, monkeypatch, fork):
    from nmx.handouts import calendars

    out = tmp_path / "site"
    assert run("report", "-o", str(out), "--today", "2023-05-10", "--data", str(DATA)).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def full(*_):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(calendars, "_json", full)  # written by the share only
    r = run("report", "-o", str(out), "--today", "2023-05-10", "--data", str(DATA))
    assert r.exit_code == 2 and "No space left on device" in r.stderr and "Traceback" not in r.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no half-built folder beside it
