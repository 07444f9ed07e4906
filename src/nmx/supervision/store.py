"""Never losing an entry: one writer at a time, a file that is always whole, hand edits kept.

`update(path, change)` takes an exclusive lock on a lock file beside `path`
(`.records.yaml.lock`, opened without following links; kept, as removing a lock file
races with the next writer), waiting at most `wait` seconds for another writer (then a
usage error naming the file and, where it can be known, the process holding it). Under
the lock it reads the current bytes, lets `change` compute the new bytes (it raises to
refuse, and then nothing is touched) and writes them with `fileio.write_atomic`.

Someone editing the file by hand takes no lock. So just before the rename the writer
checks that the file is still the one it read (device, inode, size, modification time
and, where those match, the bytes); if it changed, the change is computed again on the
new content, so the hand edit and the new entry both survive.
"""

from __future__ import annotations

import os
import socket
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple, TypeVar

from nmx.errors import UsageError
from nmx.fileio import mode_of, read_input, write_atomic
from nmx.i18n import t

T = TypeVar("T")

DEFAULT_WAIT = 10.0
MAX_WAIT = 3600.0
_RETRIES = 5  # redos after hand edits before giving up (someone is saving in a loop)
_POLL = 0.05


class Snapshot(NamedTuple):
    """What the writer read: enough to tell whether the file changed since."""

    raw: bytes | None
    ident: tuple[int, int, int, int] | None  # device, inode, size, mtime (ns)


class _Changed(Exception):
    """The file changed between the read and the rename."""


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


@contextmanager
def locked(path: Path, wait: float = DEFAULT_WAIT) -> Iterator[None]:
    """Hold the exclusive lock for `path`, waiting at most `wait` seconds for it."""
    import errno
    import math

    if not math.isfinite(wait) or not 0 <= wait <= MAX_WAIT:
        raise UsageError(t("sv_bad_wait", value=wait, max=f"{MAX_WAIT:g}"))
    lock = lock_path(path)
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(lock, flags, 0o600)
    except OSError as exc:
        reason = t("sv_lock_is_link") if exc.errno == errno.ELOOP else (exc.strerror or exc)
        raise UsageError(t("sv_lock_unusable", path=lock, reason=reason)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(t("sv_lock_unusable", path=lock, reason=t("kind_other")))
        if info.st_nlink != 1:  # a hard link to someone's file: writing the holder in would destroy it
            raise UsageError(t("sv_lock_unusable", path=lock, reason=t("sv_lock_hardlink")))
        _acquire(fd, path, lock, wait)
        _note_holder(fd)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _acquire(fd: int, path: Path, lock: Path, wait: float) -> None:
    deadline = time.monotonic() + wait
    while not _try_lock(fd):
        if time.monotonic() >= deadline:
            raise UsageError(t("sv_locked", path=path, seconds=f"{wait:g}", holder=_holder(lock)),
                             hint=t("sv_locked_hint", lock=lock))
        time.sleep(_POLL)


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows: lock the first byte of the lock file
        import msvcrt

        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _note_holder(fd: int) -> None:
    """Write who holds the lock into the lock file, for the message of a writer that waits."""
    try:
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"{os.getpid()} {socket.gethostname()}\n".encode("utf-8", "replace"))
    except OSError:
        pass


def _holder(lock: Path) -> str:
    try:
        with open(lock, "rb") as fh:
            pid, _, host = fh.read(200).decode("utf-8", "replace").strip().partition(" ")
    except OSError:
        pid = ""
    if not pid.isdigit():
        return t("sv_holder_unknown")
    return t("sv_holder", pid=pid, host=host or "?")


def snapshot(path: Path) -> Snapshot:
    """The file's bytes (None when it does not exist yet) and its identity."""
    raw = read_input(path, missing_ok=True)
    return Snapshot(raw, _ident(path))


def _ident(path: Path) -> tuple[int, int, int, int] | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UsageError(t("data_unreadable", path=path, reason=exc.strerror or exc)) from None
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def _still(path: Path, seen: Snapshot) -> None:
    """Raise _Changed unless `path` is still what `seen` recorded."""
    now = _ident(path)
    if now != seen.ident:
        raise _Changed
    if now is not None and read_input(path, missing_ok=True) != seen.raw:
        raise _Changed


def require_writable(path: Path) -> None:
    """A file the user made read-only is refused, not replaced (rename would ignore its mode)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UsageError(t("data_unreadable", path=path, reason=exc.strerror or exc)) from None
    if not info.st_mode & 0o222 or not os.access(path, os.W_OK):
        raise UsageError(t("sv_read_only", path=path))


def update(path: Path, change: Callable[[bytes | None], tuple[bytes, T]], wait: float = DEFAULT_WAIT) -> T:
    """Replace `path` by `change(current bytes)[0]` under the lock; return `change`'s second value."""
    path = Path(os.path.realpath(path))  # a link to the records is kept; its target is written
    with locked(path, wait):
        _remove_strays(path)
        for _ in range(_RETRIES + 1):
            require_writable(path)
            seen = snapshot(path)
            new, result = change(seen.raw)
            try:
                write_atomic(path, new, mode=mode_of(path), before_replace=lambda: _still(path, seen))
            except _Changed:
                continue  # a hand edit since the read: compute the change again on the new content
            return result
    raise UsageError(t("sv_keeps_changing", path=path))


def _remove_strays(path: Path) -> None:
    """Temporary files of writers killed mid-write (only a lock holder creates them)."""
    for stray in path.parent.glob(f".{path.name}.*.tmp"):
        stray.unlink(missing_ok=True)
