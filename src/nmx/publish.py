"""Writing a generated folder (the report site) without ever leaving half of it behind.

The site is written into a temporary folder beside the destination, then swapped in
with renames. A marker file, `.nmx-report`, lists every file nmx wrote, so a second
run may replace a folder that nmx made, but refuses one that holds anything else
(a user's own files) unless forced.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from nmx.errors import UsageError
from nmx.i18n import t

MARKER = ".nmx-report"
_MARKER_HEAD = "# written by nmx report; nmx replaces this folder only while it holds just these files\n"


def foreign_files(folder: Path) -> list[str]:
    """Files under `folder` that nmx's marker does not list (all of them when there is no marker)."""
    listed = _listed(folder / MARKER)
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_dir() and not path.is_symlink():
            continue
        if rel != MARKER and rel not in listed:
            found.append(rel)
    return found


def _listed(marker: Path) -> set[str]:
    try:
        text = marker.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return set()
    return {line for line in text.splitlines() if line and not line.startswith("#")}


def check_destination(dest: Path, force: bool) -> None:
    """Fail before any work when `dest` cannot take a new site."""
    dest = Path(os.path.abspath(dest))
    parent = dest.parent if str(dest.parent) else Path(".")
    if dest.exists() and not dest.is_dir():
        raise UsageError(t("report_not_dir", path=dest))
    if not parent.is_dir():
        raise UsageError(t("output_dir_missing", path=parent))
    if dest.is_dir() and not force:
        foreign = foreign_files(dest)
        if foreign:
            shown = "、".join(foreign[:5]) + ("…" if len(foreign) > 5 else "")
            raise UsageError(t("report_foreign", path=dest, files=shown), hint=t("report_force_hint"))


def write_folder(dest: Path, files: Iterable[tuple[str, bytes | str]], *, force: bool = False,
                 on_file: Callable[[str], None] | None = None) -> list[str]:
    """Write `files` (relative posix path, content) as the folder `dest`, replacing it whole.

    Builds in a temporary folder beside `dest` and swaps it in; on any failure the
    temporary folder is removed and `dest` is left as it was.
    """
    dest = Path(os.path.abspath(dest))
    check_destination(dest, force)
    parent = dest.parent
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise UsageError(t("output_not_writable", path=dest, reason=exc.strerror or exc)) from None
    try:
        written = _fill(tmp, files, on_file)
        os.chmod(tmp, (dest.stat().st_mode & 0o7777) if dest.is_dir() else 0o777 & ~_umask())
        _swap(tmp, dest)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise UsageError(t("output_not_writable", path=dest, reason=exc.strerror or exc)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return written


def _fill(tmp: Path, files: Iterable[tuple[str, bytes | str]], on_file: Callable[[str], None] | None) -> list[str]:
    written: list[str] = []
    for rel, content in files:
        target = tmp.joinpath(*_safe_parts(rel))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        written.append(rel)
        if on_file:
            on_file(rel)
    (tmp / MARKER).write_text(_MARKER_HEAD + "".join(f"{rel}\n" for rel in sorted(written)), encoding="utf-8")
    return written


def _safe_parts(rel: str) -> list[str]:
    parts = rel.split("/")
    if not parts or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"bad site path {rel!r}")
    return parts


def _swap(tmp: Path, dest: Path) -> None:
    """Put `tmp` where `dest` is; the old folder is removed only after the new one is in place."""
    if not dest.exists():
        os.replace(tmp, dest)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".old", dir=dest.parent))
    os.replace(dest, old / "site")
    try:
        os.replace(tmp, dest)
    except OSError:
        os.replace(old / "site", dest)
        old.rmdir()
        raise
    shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
