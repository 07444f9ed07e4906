"""Reading and writing the user's files without ever destroying what is not nmx's own.

Reading: only regular files are read as inputs (a FIFO, a device or a socket is a usage
error naming it, never a hang), each up to a size limit (`NMX_MAX_FILE_MB`, default 128),
and every file read is remembered, so that no output of the same run can replace it.

Writing: `write_output` puts a command's result where `--output` says — `-` is standard
output; a device, a FIFO or `/dev/stdout` is written into directly; a regular file (or a
link to one: the link is kept) is replaced atomically by `write_atomic`, the one atomic
writer: a temporary file beside the target, fsync'd, renamed over it, and the folder
fsync'd, so readers see the old file or the new one, never half of one.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from nmx.errors import UsageError
from nmx.i18n import t

T = TypeVar("T")

DEFAULT_MAX_FILE_MB = 128
STDOUT = "-"

#: Test hook: called with the step's name ("half", "before-replace", "after-replace")
#: during a write. Tests set it to pause a write (a SIGKILL or a hand edit lands there).
PAUSE: Callable[[str], None] | None = None

_inputs: dict[tuple[int, int], Path] = {}  # (device, inode) of every file read in this run


def display(path: Path) -> str:
    """`path` relative to the current folder when it lies below it, else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


# --- inputs --------------------------------------------------------------------------------
def max_input_bytes() -> int:
    """NMX_MAX_FILE_MB in bytes: a whole number of megabytes, 1 … 1,000,000 (else a usage error)."""
    value = os.environ.get("NMX_MAX_FILE_MB", "").strip()
    if not value:
        return DEFAULT_MAX_FILE_MB * 1024 * 1024
    if not value.isdigit() or not 1 <= int(value) <= 1_000_000:
        raise UsageError(t("bad_max_file_mb", value=value[:40]))
    return int(value) * 1024 * 1024


def read_input(path: Path, missing_ok: bool = False, *, limit: int | None = None) -> bytes | None:
    """The bytes of the regular file `path` (None when absent and `missing_ok`); UsageError otherwise.
    At most `limit` bytes (default `max_input_bytes`: what the user allows of any input; a file
    nmx wrote for itself has its own, from what it could hold).

    Opened non-blocking, so a FIFO cannot hang the run; checked with fstat on the open
    file, so what is checked is what is read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        if missing_ok:
            return None
        raise UsageError(t("data_unreadable", path=path, reason=os.strerror(errno.ENOENT))) from None
    except OSError as exc:
        raise UsageError(t("data_unreadable", path=path, reason=exc.strerror or exc)) from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(t("input_not_regular", path=path, kind=file_kind(info.st_mode)))
        limit = max_input_bytes() if limit is None else limit
        if info.st_size > limit:
            raise UsageError(t("input_too_large", path=path, size=info.st_size // (1024 * 1024) + 1,
                               limit=limit // (1024 * 1024)), hint=t("input_too_large_hint"))
        try:
            data = _read_bounded(fh, info.st_size, limit)
        except OSError as exc:
            raise UsageError(t("data_unreadable", path=path, reason=exc.strerror or exc)) from None
        if len(data) > limit:  # it grew while being read
            raise UsageError(t("input_too_large", path=path, size=len(data) // (1024 * 1024) + 1,
                               limit=limit // (1024 * 1024)), hint=t("input_too_large_hint"))
        _inputs[(info.st_dev, info.st_ino)] = path
    return data


def _read_bounded(fh, size: int, limit: int) -> bytes:
    """The file's bytes, at most `limit` + 1 of them (one more: it grew past the limit): its `size`
    and one more at first, then on in steps of 1 MiB while it grows; never a buffer of `limit`
    bytes at once (a read of n bytes allocates n first: `limit` may be tens of gigabytes)."""
    parts, total, want = [], 0, size + 1
    while total <= limit:
        more = fh.read(min(want, limit + 1 - total))
        if not more:
            break
        parts.append(more)
        total += len(more)
        want = 1 << 20
    return b"".join(parts)  # one part: itself


def file_kind(mode: int) -> str:
    for test, key in ((stat.S_ISDIR, "kind_dir"), (stat.S_ISFIFO, "kind_fifo"), (stat.S_ISCHR, "kind_device"),
                      (stat.S_ISBLK, "kind_device"), (stat.S_ISSOCK, "kind_socket")):
        if test(mode):
            return t(key)
    return t("kind_other")


def forget_inputs() -> None:
    """Start a new run (the CLI calls this once per command; tests run many in one process)."""
    _inputs.clear()


# --- outputs -------------------------------------------------------------------------------
def is_stdout(path: Path | str | None) -> bool:
    return path is not None and str(path) == STDOUT


def check_output(path: Path, inputs: Iterable[Path] = ()) -> None:
    """Fail early, before any work, when `path` cannot take a command's output.

    Refused: a folder, a missing parent folder, and any file that is one of the run's
    inputs (`inputs`, or any file read so far), compared by device and inode through links.
    """
    if is_stdout(path):
        return
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise UsageError(t("output_not_writable", path=path, reason=exc.strerror or exc)) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise UsageError(t("output_is_dir", path=path))
    if info is None:
        parent = path.parent if str(path.parent) else Path(".")
        if not parent.is_dir():
            raise UsageError(t("output_dir_missing", path=parent))
        real = os.path.realpath(path)
        for candidate in inputs:  # an input that does not exist yet (records.yaml) is still the input
            if os.path.realpath(candidate) == real:
                raise UsageError(t("output_is_input", path=path, input=display(candidate)))
        return
    same = _same_as_input(info, inputs)
    if same is not None:
        raise UsageError(t("output_is_input", path=path, input=display(same)))


def _same_as_input(info: os.stat_result, inputs: Iterable[Path]) -> Path | None:
    ident = (info.st_dev, info.st_ino)
    if ident in _inputs:
        return _inputs[ident]
    for candidate in inputs:
        try:
            other = os.stat(candidate)
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == ident:
            return candidate
    return None


def write_output(path: Path, data: bytes | str | Iterable[str]) -> None:
    """Write a command's result to `path`: `-` is stdout, a device or FIFO is written into,
    a regular file (through links) is replaced atomically. Never one of the run's inputs."""
    if is_stdout(path):
        sys.stdout.flush()
        return _write_stream(sys.stdout.buffer, data)
    check_output(path)
    try:
        info = os.stat(path)
    except OSError:
        info = None
    stream = _open_stream(info) if info is not None else None
    if stream is not None:  # /dev/stdout, /dev/fd/1 …: write where the stream already goes
        stream.flush()
        return _write_stream(stream.buffer, data)
    if info is not None and not stat.S_ISREG(info.st_mode):
        return _write_direct(path, data)
    write_atomic(Path(os.path.realpath(path)), data)


def _open_stream(info: os.stat_result):
    """stdout or stderr when `info` is the file it writes to, else None."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if os.path.samestat(info, os.fstat(stream.fileno())):
                return stream
        except (OSError, ValueError, AttributeError):
            continue
    return None


def _write_direct(path: Path, data: bytes | str | Iterable[str]) -> None:
    """Into a device or FIFO: opened for writing as it is, never created or truncated."""
    try:
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_BINARY", 0))  # no O_CREAT, no O_TRUNC: it is not a file
    except OSError as exc:
        raise UsageError(t("output_not_writable", path=path, reason=exc.strerror or exc)) from None
    with os.fdopen(fd, "wb") as fh:
        _write_stream(fh, data)


def _write_stream(fh, data: bytes | str | Iterable[str]) -> None:
    if isinstance(data, str):
        data = data.encode("utf-8")
    if isinstance(data, bytes):
        fh.write(data)
    else:
        for chunk in data:
            fh.write(chunk.encode("utf-8"))
    fh.flush()


def write_atomic(path: Path, data: bytes | str | Iterable[str], *, mode: int | None = None,
                 before_replace: Callable[[], None] | None = None, durable: bool = True) -> None:
    """Write `data` to `path` via a temporary file in the same folder: fsync, rename, fsync the folder.

    `data` may be an iterable of text chunks, written as they come (large outputs never sit
    in memory whole). The new file keeps the old one's permissions (`mode` when given).
    `before_replace` runs just before the rename and may raise to abandon the write; no
    temporary file is left behind whatever happens. Without `durable` nothing is fsynced:
    for a file whose loss in a crash costs only time (a cache entry).
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(t("output_dir_missing", path=parent))
    import tempfile  # only a run that writes pays for it (and for random, which it imports)

    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise UsageError(t("output_not_writable", path=path, reason=exc.strerror or exc)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, bytes):
                half = len(data) // 2
                fh.write(data[:half])
                _pause("half")
                fh.write(data[half:])
            else:
                for chunk in data:
                    fh.write(chunk.encode("utf-8"))
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, mode if mode is not None else mode_of(path))
        _pause("before-replace")
        if before_replace is not None:
            before_replace()
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UsageError(t("output_not_writable", path=path, reason=exc.strerror or exc)) from None
    except BaseException:  # e.g. a chunk generator that failed: leave no temporary file behind
        Path(tmp).unlink(missing_ok=True)
        raise
    _pause("after-replace")
    if durable:
        fsync_dir(parent)


def build_folder(dest: Path, fill: Callable[[Path], T], *, mode: int | None = None,
                 before_swap: Callable[[], None] | None = None) -> T:
    """Build a folder beside `dest` with `fill(tmp)`, then swap it in for `dest`: all of it or none.

    `before_swap` runs just before the swap (to check once more that nothing of anyone's is at
    `dest`); on any failure the temporary folder is removed and `dest` is left as it was.
    """
    import shutil
    import tempfile

    parent = dest.parent if str(dest.parent) else Path(".")
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise UsageError(t("output_not_writable", path=dest, reason=exc.strerror or exc)) from None
    try:
        result = fill(tmp)
        os.chmod(tmp, mode if mode is not None else 0o777 & ~umask())
        if before_swap is not None:
            before_swap()
        swap_folder(tmp, dest)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise UsageError(t("output_not_writable", path=dest, reason=exc.strerror or exc)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return result


_UNSAFE_IN_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_DEVICE_NAME = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)


def safe_stem(text: str, limit: int = 60) -> str:
    """`text` as (part of) a file name Windows accepts: each character it refuses (<>:"/\\|?*,
    controls) becomes `_`, at most `limit` characters, no dot or space at either end; '' when
    nothing is left. A device name (`is_device_name`) is still the caller's to avoid."""
    return _UNSAFE_IN_NAME.sub("_", text).strip(" .")[:limit].rstrip(" .")


def is_device_name(stem: str) -> bool:
    """CON, PRN, AUX, NUL, COM0–9, LPT0–9, with or without an extension: Windows opens the device."""
    return bool(_DEVICE_NAME.match(stem))


def refuse_folder(dest: Path) -> None:
    """`-o NEWDIR` must be a folder that does not exist yet (its parent does) or an empty one —
    not a file, not a link: nothing the user has is ever replaced."""
    if dest.is_symlink() or (dest.exists() and not dest.is_dir()):
        raise UsageError(t("nw_target_not_dir", path=dest))
    if dest.is_dir() and any(dest.iterdir()):
        raise UsageError(t("nw_target_not_empty", path=dest), hint=t("nw_target_hint"))
    parent = dest.parent if str(dest.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(t("output_dir_missing", path=parent))


def write_new_folder(dest: Path, files: Iterable[tuple[str, bytes | str]]) -> list[str]:
    """`files` as the new folder `dest` (see `refuse_folder`): built beside it and swapped in,
    all or none, after checking once more that nothing appeared there meanwhile."""
    refuse_folder(dest)
    return build_folder(dest, lambda tmp: put_files(tmp, files), before_swap=lambda: refuse_folder(dest))


class Parts:
    """A file's bytes in parts that are made one after the other as the file is written (or
    compared, `LastBuild`), `size` bytes in all: never joined, nor all held at once (a large
    plan's whole calendar is 66 MB). `make()` gives the parts, anew each time they are read."""

    __slots__ = ("size", "make")

    def __init__(self, size: int, make: Callable[[], Iterable[bytes]]) -> None:
        self.size, self.make = size, make

    def __iter__(self):
        return iter(self.make())


def put_files(folder: Path, files: Iterable, on_file: Callable[[str], None] | None = None, *,
              last: LastBuild | None = None) -> list[str]:
    """Write `files` (relative posix path, content; text as UTF-8; a list of bytes or `Parts` one
    part after the other, so that a large file is never joined in memory) into the new `folder` being
    built; a path that would leave it is a bug. An entry may instead be a `nmx.beside.Beside`
    share, which a second process writes meanwhile where it can (else it is written there and
    then), and whose jobs both take turns at once this process is done with the rest. A file
    that `last` (the build this one replaces) holds with the same bytes is linked from it
    (`LastBuild`). Returns the paths written: this process's in order, then each share's."""
    from functools import partial

    from nmx.beside import Beside

    written: list[str] = []
    running = []
    made: set[Path] = set()  # the folders made so far: one mkdir a folder, not one a file
    try:
        for entry in files:
            if isinstance(entry, Beside):
                running.append(entry.start(folder, put_files if last is None else partial(put_files, last=last)))
                continue
            rel, content = entry
            _put_file(folder, rel, content, last, made)
            written.append(rel)
            if on_file:
                on_file(rel)
        for share in running:  # this process's turn at the jobs the shares bring
            written += share.take(on_file)
        while running:
            done = running.pop(0).wait()
            written += done
            for rel in done if on_file else ():
                on_file(rel)
    finally:
        for share in running:  # this side failed: the other is stopped before the folder goes
            share.abandon()
    return written


def _put_file(folder: Path, rel: str, content: bytes | str | list[bytes] | Parts, last: LastBuild | None,
              made: set[Path]) -> None:
    parts = rel.split("/")
    if not parts or any(p in ("", ".", "..") for p in parts) or Path(rel).is_absolute():
        raise ValueError(f"not a path inside the new folder: {rel!r}")  # a bug
    target = folder.joinpath(*parts)
    if target.parent not in made:  # the folders this build has made: one mkdir a folder
        target.parent.mkdir(parents=True, exist_ok=True)
        made.add(target.parent)
    pieces = content if isinstance(content, (list, Parts)) else [content.encode("utf-8") if isinstance(content, str) else content]
    if last is not None and last.link(rel, pieces, target):
        return
    with open(target, "wb") as out:
        out.writelines(pieces)


class LastBuild:
    """The folder a build replaces, whose files `names` (its own, as its marker lists them) may
    be taken over: a file the new build would write with the same bytes is hard-linked from it
    instead of written (a rebuild's unchanged calendars, most of a report's bytes), and the old
    folder's removal then frees nothing of it. Only a regular file with no other link, this
    user's, with the mode a new file gets, that nothing changed while it was compared; anything
    else (or a file system without links) is written as usual. The file keeps its time."""

    _CHUNK = 1 << 18

    def __init__(self, folder: Path, names: Iterable[str]) -> None:
        self.folder, self.names = folder, frozenset(names)
        self.mode = 0o666 & ~umask()
        self.uid = os.getuid() if hasattr(os, "getuid") else None

    def link(self, rel: str, pieces: list[bytes] | Parts, target: Path) -> bool:
        """Whether `target` was made a link to the last build's `rel`, which holds `pieces` joined."""
        if rel not in self.names:
            return False
        old = self.folder.joinpath(*rel.split("/"))
        try:
            fd = os.open(old, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
        except OSError:
            return False
        try:
            before = os.fstat(fd)
            size = pieces.size if isinstance(pieces, Parts) else sum(map(len, pieces))
            if not self._usable(before, size) or not self._same(fd, pieces):
                return False
            os.link(old, target, follow_symlinks=False)
        except OSError:
            return False
        finally:
            os.close(fd)
        try:  # the name still the file compared, untouched since: else written after all
            after = os.lstat(old)
            if (after.st_ino, after.st_dev, after.st_mtime_ns, after.st_size) == \
                    (before.st_ino, before.st_dev, before.st_mtime_ns, before.st_size):
                return True
        except OSError:
            pass
        target.unlink()
        return False

    def _usable(self, info: os.stat_result, size: int) -> bool:
        return (stat.S_ISREG(info.st_mode) and info.st_nlink == 1 and info.st_size == size
                and stat.S_IMODE(info.st_mode) == self.mode and (self.uid is None or info.st_uid == self.uid))

    def _same(self, fd: int, pieces: list[bytes] | Parts) -> bool:
        """Whether the open file holds exactly `pieces` (its size is known to be theirs). Compared
        as bytes with bytes, in chunks (a memoryview compares byte by byte: ten times as long)."""
        chunk = self._CHUNK
        with os.fdopen(fd, "rb", buffering=0, closefd=False) as raw:
            for piece in pieces:
                for start in range(0, len(piece), chunk):
                    part = piece if len(piece) <= chunk else piece[start:start + chunk]
                    if _read_exactly(raw, len(part)) != part:
                        return False
        return True


def _read_exactly(raw, size: int) -> bytes:
    """`size` bytes from the unbuffered file `raw`, or fewer at its end."""
    data = raw.read(size)
    while data and len(data) < size:
        more = raw.read(size - len(data))
        if not more:
            break
        data += more
    return data or b""


def swap_folder(tmp: Path, dest: Path) -> None:
    """Put the folder `tmp` where `dest` is; the old folder is removed only after the new one is
    in place. On a failed swap the old folder is renamed back, so nothing is left beside `dest`."""
    import secrets
    import shutil

    if not dest.exists():
        os.replace(tmp, dest)
        return
    old = dest.with_name(f".{dest.name}.{os.getpid()}.{secrets.token_hex(4)}.old")
    os.rename(dest, old)
    try:
        os.rename(tmp, dest)
    except OSError:
        os.rename(old, dest)
        raise
    shutil.rmtree(old, ignore_errors=True)


def mode_of(path: Path) -> int:
    """The permissions a replacement of `path` gets: the old file's, or the umask's for a new one."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~umask()


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (where the platform and file system allow it)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:  # some file systems cannot fsync a folder; the rename is done
        if exc.errno not in (errno.EINVAL, errno.EBADF, errno.ENOTSUP, errno.EACCES):
            raise
    finally:
        os.close(fd)


def umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _pause(step: str) -> None:
    if PAUSE is not None:
        PAUSE(step)
