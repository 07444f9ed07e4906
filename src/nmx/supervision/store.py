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

The lock is the system's own, taken through the standard library: `fcntl.flock` where
there is `fcntl` (Linux, 信创 desktops, macOS), `msvcrt.locking` on Windows. Both are
released by the system when the process dies, so a killed writer leaves no stale lock.
On Windows a locked byte cannot be read by anyone else, so the byte locked is far past
the holder's note (`_WIN_LOCK_AT`) and the note stays readable; and as Windows has no
`O_NOFOLLOW`, a lock file that is a link is told by comparing the opened file with
`lstat` of its name. (filelock and portalocker were weighed: each opens the lock file
itself or locks from byte 0, which would lose the link refusal or the holder's note.)
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
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    if not nofollow and os.path.islink(lock):  # Windows: refused before opening (and checked again after)
        raise UsageError(t("sv_lock_unusable", path=lock, reason=t("sv_lock_is_link")))
    primitive = _primitive(lock)
    flags = os.O_RDWR | os.O_CREAT | nofollow | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(lock, flags, 0o600)
    except OSError as exc:
        reason = t("sv_lock_is_link") if exc.errno == errno.ELOOP else (exc.strerror or exc)
        raise UsageError(t("sv_lock_unusable", path=lock, reason=reason)) from None
    held = False
    try:
        info = os.fstat(fd)
        if not nofollow and not _is_named(lock, info):  # a link swapped in as it was opened
            raise UsageError(t("sv_lock_unusable", path=lock, reason=t("sv_lock_is_link")))
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(t("sv_lock_unusable", path=lock, reason=t("kind_other")))
        if info.st_nlink != 1:  # a hard link to someone's file: writing the holder in would destroy it
            raise UsageError(t("sv_lock_unusable", path=lock, reason=t("sv_lock_hardlink")))
        _acquire(primitive, fd, path, lock, wait)
        held = True
        _note_holder(fd)
        yield
    finally:
        if held:
            primitive.unlock(fd)
        os.close(fd)  # closing releases the lock too (on Windows only eventually: hence the unlock)


def _is_named(lock: Path, opened: os.stat_result) -> bool:
    """Whether the file opened is the one `lock` names, itself not a link."""
    try:
        named = os.lstat(lock)
    except OSError:
        return False
    return not stat.S_ISLNK(named.st_mode) and (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)


class _Flock:
    """`fcntl.flock` on the whole lock file (POSIX)."""

    def __init__(self, fcntl: object) -> None:
        self.fcntl = fcntl

    def try_lock(self, fd: int) -> bool:
        try:
            self.fcntl.flock(fd, self.fcntl.LOCK_EX | self.fcntl.LOCK_NB)  # type: ignore[attr-defined]
            return True
        except BlockingIOError:
            return False

    def unlock(self, fd: int) -> None:
        pass  # closing the file releases it


#: Where Windows' lock is: one byte past anything the holder's note could reach (a locked
#: byte is unreadable to others), below 2 GiB (the C runtime's `_locking` seeks with a long).
_WIN_LOCK_AT = 1 << 20


class _Msvcrt:
    """`msvcrt.locking` on one byte of the lock file (Windows): LK_NBLCK fails at once when held."""

    def __init__(self, msvcrt: object) -> None:
        self.msvcrt = msvcrt

    def try_lock(self, fd: int) -> bool:
        os.lseek(fd, _WIN_LOCK_AT, os.SEEK_SET)
        try:
            self.msvcrt.locking(fd, self.msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            return True
        except OSError:  # PermissionError (EACCES) when another process holds it
            return False

    def unlock(self, fd: int) -> None:
        try:
            os.lseek(fd, _WIN_LOCK_AT, os.SEEK_SET)
            self.msvcrt.locking(fd, self.msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            pass  # closing the file releases it in any case


def _primitive(lock: Path) -> _Flock | _Msvcrt:
    """The system's lock: imported here, on the write path only."""
    try:
        import fcntl
    except ImportError:
        pass
    else:
        return _Flock(fcntl)
    try:
        import msvcrt
    except ImportError:
        raise UsageError(t("sv_lock_unusable", path=lock, reason=t("sv_no_locking"))) from None
    return _Msvcrt(msvcrt)


def _acquire(primitive: _Flock | _Msvcrt, fd: int, path: Path, lock: Path, wait: float) -> None:
    deadline = time.monotonic() + wait
    while not primitive.try_lock(fd):
        if time.monotonic() >= deadline:
            raise UsageError(t("sv_locked", path=path, seconds=f"{wait:g}", holder=_holder(lock)),
                             hint=t("sv_locked_hint", lock=lock))
        time.sleep(_POLL)


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
