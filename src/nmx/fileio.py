"""Reading and writing files safely: whole-file atomic replacement, clear errors."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from nmx.errors import UsageError
from nmx.i18n import t


def display(path: Path) -> str:
    """`path` relative to the current folder when it lies below it, else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def check_writable_target(path: Path) -> None:
    """Fail early, before any work, when `path` cannot be written."""
    if path.is_dir():
        raise UsageError(t("output_is_dir", path=path))
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(t("output_dir_missing", path=parent))


def write_atomic(path: Path, data: bytes | str | Iterable[str]) -> None:
    """Write `data` to `path` via a temporary file in the same folder, fsync'd and renamed.

    Readers see the old file or the new one, never a half-written file. `data` may be
    an iterable of text chunks, written as they come (large outputs never sit in memory whole).
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    check_writable_target(path)
    parent = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise UsageError(t("output_not_writable", path=path, reason=exc.strerror or exc)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, bytes):
                fh.write(data)
            else:
                for chunk in data:
                    fh.write(chunk.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UsageError(t("output_not_writable", path=path, reason=exc.strerror or exc)) from None
    except BaseException:  # e.g. a chunk generator that failed: leave no temporary file behind
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
