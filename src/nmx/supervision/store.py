"""Never losing an entry: one writer at a time, and a file that is always whole.

`update(path, change)` takes an exclusive `fcntl.flock` on a lock file beside
`path` (`.records.yaml.lock`; kept, as removing a lock file races with the next
writer), reads the current bytes under the lock, lets `change` compute the new
bytes (it raises to refuse, and then nothing is touched), writes them to a
temporary file in the same folder, fsyncs it, renames it over `path` and fsyncs
the folder. A reader sees the old file or the new one, never a mix; a writer
killed at any moment leaves the old or the new file (and perhaps a stray
temporary file, removed by the next writer while it holds the lock).
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, TypeVar

from nmx.errors import UsageError
from nmx.i18n import t

T = TypeVar("T")

#: Test hook: seconds to pause at each step of a write, widening the window a SIGKILL can hit.
SLOW_ENV = "NMX_TEST_SLOW_WRITE"


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the exclusive lock for `path` (blocking until the current writer is done)."""
    import fcntl

    try:
        fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise UsageError(t("sv_not_writable", path=path.parent, reason=exc.strerror or exc)) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def read_current(path: Path) -> bytes | None:
    """The file's bytes, or None when it does not exist yet."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UsageError(t("data_unreadable", path=path, reason=exc.strerror or exc)) from None


def update(path: Path, change: Callable[[bytes | None], tuple[bytes, T]]) -> T:
    """Replace `path` by `change(current bytes)[0]` under the lock; return `change`'s second value."""
    with locked(path):
        _remove_strays(path)
        new, result = change(read_current(path))
        replace(path, new)
    return result


def replace(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, fsync, rename over `path`, fsync the folder."""
    folder = path.parent
    tmp = folder / f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp"
    pause = _pause()
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _mode(path))
        try:
            half = len(data) // 2
            _write_all(fd, data[:half])
            pause()
            _write_all(fd, data[half:])
            os.fsync(fd)
        finally:
            os.close(fd)
        pause()
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(t("sv_not_writable", path=path, reason=exc.strerror or exc)) from None
    pause()
    _fsync_dir(folder)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666  # os.open applies the umask


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:  # some file systems cannot fsync a folder; the rename is done
        if exc.errno not in (errno.EINVAL, errno.EBADF, errno.ENOTSUP):
            raise
    finally:
        os.close(fd)


def _remove_strays(path: Path) -> None:
    """Temporary files of writers killed mid-write (only a lock holder creates them)."""
    for stray in path.parent.glob(f".{path.name}.*.tmp"):
        stray.unlink(missing_ok=True)


def _pause() -> Callable[[], None]:
    value = os.environ.get(SLOW_ENV)
    if not value:
        return lambda: None
    seconds = float(value)
    return lambda: time.sleep(seconds)
