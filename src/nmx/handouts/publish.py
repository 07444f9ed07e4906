"""Writing a generated folder (the report site) without ever leaving half of it behind.

The site is written into a temporary folder beside the destination, then swapped in
with renames. A marker file, `.nmx-report`, lists every file nmx wrote, so a second
run may replace a folder that nmx made, but refuses one that holds anything else
(a user's own files) unless forced.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

from nmx.errors import UsageError
from nmx.fileio import LastBuild, build_folder, put_files
from nmx.i18n import t

MARKER = ".nmx-report"
_MARKER_HEAD = "# written by nmx report; nmx replaces this folder only while it holds just these files\n"
_MAX_MARKER = 16 * 1024 * 1024


def protected(dest: Path, keep: Iterable[Path] = ()) -> Path | None:
    """The folder `dest` would destroy if replaced, or None: never a file system root, the
    home folder, the current folder, a folder above any of them, or a folder holding `keep`
    (the plan's data folder). No `--force` overrides this."""
    real = Path(os.path.realpath(dest))
    if real.parent == real:
        return real
    for guarded in (Path.home(), Path.cwd(), *keep):
        try:
            inside = Path(os.path.realpath(guarded))
        except OSError:
            continue
        if inside == real or real in inside.parents:
            return inside
    return None


def foreign_files(folder: Path) -> list[str]:
    """Entries of `folder` that nmx's marker does not list (at most a few are named).

    Decided from the folder's top level and the marker: without a marker every entry is
    foreign; with one, only the subfolders it lists are looked into, and never beyond as
    many entries as it lists, so a large tree (`/`, a home folder) is never walked.
    """
    listed = _listed(folder / MARKER)
    found: list[str] = []
    dirs = {"/".join(rel.split("/")[:i]) for rel in listed for i in range(1, rel.count("/") + 1)}
    budget = len(listed) + len(dirs) + 1
    queue = [""]
    while queue and len(found) < 6:
        rel_dir = queue.pop()
        try:
            entries = sorted(os.scandir(folder / rel_dir), key=lambda e: e.name)
        except OSError:
            found.append(rel_dir or ".")
            continue
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            budget -= 1
            if budget < 0:  # more entries than the marker lists: something was added
                return found or [rel]
            if rel == MARKER:
                continue
            if rel in dirs and entry.is_dir(follow_symlinks=False):
                queue.append(rel)
            elif rel not in listed or not entry.is_file(follow_symlinks=False):
                found.append(rel)
                if len(found) >= 6:
                    break
    return found


def own_file(folder: Path, rel: str) -> Path | None:
    """`folder`/`rel` when `folder` is a site nmx wrote whose marker lists `rel`, else None
    (the last build's own files are read only from nmx's own output)."""
    return folder / rel if rel in _listed(folder / MARKER) else None


def _listed(marker: Path) -> set[str]:
    try:
        info = os.lstat(marker)
        if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_MARKER:
            return set()
        text = marker.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return set()
    return {line for line in text.splitlines() if line and not line.startswith("#")}


def check_destination(dest: Path, force: bool, keep: Iterable[Path] = ()) -> None:
    """Fail before any work when `dest` cannot take a new site."""
    if str(dest) == "-":
        raise UsageError(t("report_stdout"))
    guarded = protected(dest, keep)
    if guarded is not None:
        raise UsageError(t("report_protected", path=dest, guarded=guarded))
    dest = Path(os.path.realpath(dest))
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


def write_folder(dest: Path, files: Iterable[tuple[str, bytes | str | list[bytes]]], *, force: bool = False,
                 on_file: Callable[[str], None] | None = None, keep: Iterable[Path] = ()) -> list[str]:
    """Write `files` (relative posix path, content) as the folder `dest`, replacing it whole.

    Builds in a temporary folder beside `dest` and swaps it in; on any failure the
    temporary folder is removed and `dest` is left as it was.
    """
    keep = tuple(keep)
    check_destination(dest, force, keep)
    dest = Path(os.path.realpath(dest))  # a link to the site folder stays a link; its target is replaced
    mode = (dest.stat().st_mode & 0o7777) if dest.is_dir() else None
    # the last build's own files: what this one writes again unchanged is linked from it
    last = LastBuild(dest, _listed(dest / MARKER)) if dest.is_dir() else None
    return build_folder(dest, lambda tmp: _fill(tmp, files, on_file, last), mode=mode)


def _fill(tmp: Path, files: Iterable[tuple[str, bytes | str | list[bytes]]], on_file: Callable[[str], None] | None,
          last: LastBuild | None = None) -> list[str]:
    written = put_files(tmp, files, on_file, last=last)
    (tmp / MARKER).write_text(_MARKER_HEAD + "".join(f"{rel}\n" for rel in sorted(written)), encoding="utf-8")
    return written
