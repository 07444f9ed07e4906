"""fileio.LastBuild: a rebuild takes over the last build's unchanged files as links, and nothing else."""

from __future__ import annotations

import os
import sys

import pytest

from nmx.fileio import LastBuild, Parts, put_files
from tests.conftest import DATA

TODAY = "2023-05-10"
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="links and modes as POSIX has them")


def _old(tmp_path, files: dict[str, bytes]):
    old = tmp_path / "old"
    for rel, data in files.items():
        path = old / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    new = tmp_path / "new"
    new.mkdir()
    return old, new


def _same_file(a, b) -> bool:
    return os.path.samefile(a, b)


def test_unchanged_files_are_linked_changed_ones_written(tmp_path):
    old, new = _old(tmp_path, {"a.ics": b"BEGIN:VCALENDAR\r\nEND\r\n", "p/b.html": "<p>中</p>".encode(), "c.txt": b"old"})
    last = LastBuild(old, ["a.ics", "p/b.html", "c.txt"])
    written = put_files(new, [("a.ics", [b"BEGIN:", b"", b"VCALENDAR\r\n", b"END\r\n"]), ("p/b.html", "<p>中</p>"),
                              ("c.txt", b"new"), ("d.txt", b"d")], last=last)
    assert written == ["a.ics", "p/b.html", "c.txt", "d.txt"]
    assert _same_file(old / "a.ics", new / "a.ics") and _same_file(old / "p/b.html", new / "p/b.html")
    assert not _same_file(old / "c.txt", new / "c.txt")
    assert (new / "c.txt").read_bytes() == b"new" and (old / "c.txt").read_bytes() == b"old"
    assert (new / "d.txt").read_bytes() == b"d"


@pytest.mark.parametrize("parts", [False, True])  # a list, or Parts made anew for the compare and the write
def test_same_size_other_bytes_and_longer_or_shorter_files_are_written(tmp_path, parts):
    big = os.urandom(3 * LastBuild._CHUNK + 17)  # compared over several reads
    changed = bytearray(big)
    changed[-1] ^= 1
    old, new = _old(tmp_path, {"same.bin": big, "edit.bin": bytes(changed), "short.bin": big[:-1], "long.bin": big + b"x"})
    last = LastBuild(old, ["same.bin", "edit.bin", "short.bin", "long.bin"])
    pieces = [big[:1000], big[1000:LastBuild._CHUNK + 5], big[LastBuild._CHUNK + 5:]]
    made = (lambda: Parts(len(big), lambda: (p for p in pieces))) if parts else (lambda: list(pieces))
    put_files(new, [(name, made()) for name in ("same.bin", "edit.bin", "short.bin", "long.bin")], last=last)
    assert _same_file(old / "same.bin", new / "same.bin")
    for name in ("edit.bin", "short.bin", "long.bin"):
        assert not _same_file(old / name, new / name) and (new / name).read_bytes() == big
    assert (old / "edit.bin").read_bytes() == bytes(changed)


def test_only_the_names_the_last_build_owns(tmp_path):
    old, new = _old(tmp_path, {"mine.txt": b"x", "yours.txt": b"x"})
    put_files(new, [("mine.txt", b"x"), ("yours.txt", b"x")], last=LastBuild(old, ["mine.txt"]))
    assert _same_file(old / "mine.txt", new / "mine.txt") and not _same_file(old / "yours.txt", new / "yours.txt")


@posix_only
def test_a_file_with_another_link_a_symlink_or_another_mode_is_written(tmp_path):
    old, new = _old(tmp_path, {"linked.txt": b"x", "target.txt": b"x", "mode.txt": b"x"})
    elsewhere = tmp_path / "elsewhere.txt"
    os.link(old / "linked.txt", elsewhere)  # the user's own second name for it
    (old / "sym.txt").symlink_to(old / "target.txt")
    (old / "mode.txt").chmod(0o600)
    last = LastBuild(old, ["linked.txt", "sym.txt", "mode.txt"])
    put_files(new, [("linked.txt", b"x"), ("sym.txt", b"x"), ("mode.txt", b"x")], last=last)
    assert not _same_file(elsewhere, new / "linked.txt") and os.stat(elsewhere).st_nlink == 2
    assert not (new / "sym.txt").is_symlink() and not _same_file(old / "target.txt", new / "sym.txt")
    assert not _same_file(old / "mode.txt", new / "mode.txt")
    assert all((new / n).read_bytes() == b"x" for n in ("linked.txt", "sym.txt", "mode.txt"))


def test_a_file_changed_while_it_was_compared_is_written(tmp_path, monkeypatch):
    old, new = _old(tmp_path, {"a.txt": b"same"})
    real = os.link

    def edit_then_link(src, dst, **kwargs):  # a hand edit lands between the comparison and the link
        with open(old / "a.txt", "r+b") as fh:
            fh.write(b"SAME")
        os.utime(old / "a.txt", ns=(1, 1))
        return real(src, dst, **kwargs)

    monkeypatch.setattr(os, "link", edit_then_link)
    put_files(new, [("a.txt", b"same")], last=LastBuild(old, ["a.txt"]))
    assert not _same_file(old / "a.txt", new / "a.txt")
    assert (new / "a.txt").read_bytes() == b"same" and (old / "a.txt").read_bytes() == b"SAME"


def test_no_links_on_the_file_system_means_written(tmp_path, monkeypatch):
    old, new = _old(tmp_path, {"a.txt": b"x"})

    def refuse(*args, **kwargs):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", refuse)
    put_files(new, [("a.txt", b"x")], last=LastBuild(old, ["a.txt"]))
    assert (new / "a.txt").read_bytes() == b"x" and not _same_file(old / "a.txt", new / "a.txt")


def test_a_report_rebuilt_keeps_its_unchanged_files_and_is_byte_identical(run, tmp_path):
    out, fresh = tmp_path / "s", tmp_path / "fresh"
    assert run("report", "-o", str(out), "--today", TODAY, "--data", str(DATA)).exit_code == 0
    inodes = {p.relative_to(out): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    (out / "units" / "transport.html").write_text("hand edit", encoding="utf-8")
    assert run("report", "-o", str(out), "--today", TODAY, "--data", str(DATA)).exit_code == 0
    assert run("report", "-o", str(fresh), "--today", TODAY, "--data", str(DATA)).exit_code == 0
    files = {p.relative_to(out): p for p in out.rglob("*") if p.is_file()}
    assert files.keys() == {p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file()}
    assert all(p.read_bytes() == (fresh / rel).read_bytes() for rel, p in files.items())
    kept = {rel for rel, p in files.items() if p.stat().st_ino == inodes.get(rel)}
    assert "units/transport.html" not in {str(rel.as_posix()) for rel in kept}
    assert {"calendars/all.ics", "calendars/state.json", "index.html"} <= {rel.as_posix() for rel in kept}
    assert all(p.stat().st_nlink == 1 for p in files.values())  # the old folder is gone, its names with it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh", "s"]
