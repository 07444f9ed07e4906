"""The cache of validated files: plain JSON in a folder only its owner can write.

A plan (or a records or ledger file) whose bytes were validated before is answered from
here instead of being parsed and validated again. The rules, from the tools people trust
with their keys (ssh, gpg):

- an entry is JSON, rebuilt into models by `codec` (it cannot construct anything else);
- the folder is created 0700 and entries 0600; a folder or an entry that belongs to
  another user, or that group or others may write, is not used: one warning, and the
  run validates afresh (a planted entry could otherwise make an invalid plan look valid,
  or show duties the plan does not contain);
- an entry that does not decode, or is for another key, is a miss;
- the folder is capped (`NMX_CACHE_MAX_MB`, default 512), oldest entries evicted first;
- its place follows the platform (platformdirs: `~/.cache/nmx`, `%LOCALAPPDATA%\\nmx\\Cache`,
  `~/Library/Caches/nmx`); `NMX_CACHE_DIR` overrides it, `NMX_NO_CACHE` turns it off.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nmx import __version__
from nmx.errors import UsageError
from nmx.fileio import write_atomic
from nmx.plan import codec
from nmx.i18n import lang, t

FORMAT = 3
DEFAULT_MAX_MB = 512
_ENTRY = re.compile(r"^[0-9a-f]{64}\.(json|pickle)$")  # .pickle: entries of nmx before 0.2, never read
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)

_warn: Callable[[str], None] = lambda message: None  # noqa: E731 - set by the CLI
_state: dict[str, Any] = {}  # per process: the folder's verdict, whether the warning was given


def on_warning(callback: Callable[[str], None]) -> None:
    """Where the one warning about an unsafe cache goes (the CLI prints it on stderr)."""
    global _warn
    _warn = callback


def enabled() -> bool:
    return not os.environ.get("NMX_NO_CACHE")


def folder() -> Path:
    """Where the cache lives on this platform, or NMX_CACHE_DIR."""
    override = os.environ.get("NMX_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("nmx", appauthor=False))


def key(*parts: str | bytes) -> str:
    """The one cache key: format, version, language and every part, length-prefixed ('' = off)."""
    if not enabled():
        return ""
    import hashlib  # OpenSSL's library, loaded only when the cache is used

    h = hashlib.sha256(f"{FORMAT}\0{__version__}\0{lang()}\0".encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(f"{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def read(entry_key: str, tp: Any) -> Any | None:
    """The value of type `tp` kept under `entry_key`, or None (a miss, or an entry not to trust)."""
    if not entry_key:
        return None
    where = _trusted_folder(create=False)
    if where is None:
        return None
    try:
        fd = os.open(where / f"{entry_key}.json", os.O_RDONLY | _NOFOLLOW | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            return None
        if not _private(info):
            _refuse(where / f"{entry_key}.json")
            return None
        raw = fh.read()
    import json

    try:
        doc = json.loads(raw)
        if not (isinstance(doc, list) and len(doc) == 3 and doc[0] == FORMAT and doc[1] == entry_key):
            return None
        return codec.load(doc[2], tp)
    except (ValueError, RecursionError, codec.CodecError):  # a corrupt entry is only a miss
        return None


def write(entry_key: str, value: Any, tp: Any) -> None:
    """Keep `value` (of type `tp`) under `entry_key`; never fails a command."""
    if not entry_key:
        return
    import json

    try:
        where = _trusted_folder(create=True)
        if where is None:
            return
        data = json.dumps([FORMAT, entry_key, codec.dump(value, tp)], ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8")
        write_atomic(where / f"{entry_key}.json", data, mode=0o600, durable=False)  # a lost entry is a miss
        evict(where, _max_bytes())
    except (OSError, TypeError, ValueError, UsageError):  # the cache is an optimisation
        pass


def evict(where: Path, limit: int) -> list[str]:
    """Remove the oldest entries until the folder's entries take at most `limit` bytes.

    Only the folder's own entries (64 hex digits and .json/.pickle) are counted or removed:
    anything else a user put there is left alone. Returns the names removed.
    """
    entries = []
    with os.scandir(where) as it:
        for item in it:
            if _ENTRY.match(item.name) and item.is_file(follow_symlinks=False):
                info = item.stat(follow_symlinks=False)
                entries.append((info.st_mtime_ns, item.name, info.st_size))
    total = sum(size for _, _, size in entries)
    removed = []
    for _, name, size in sorted(entries):
        if total <= limit:
            break
        try:
            os.unlink(where / name)
        except OSError:
            continue
        total -= size
        removed.append(name)
    return removed


def _max_bytes() -> int:
    try:
        return max(0, int(os.environ.get("NMX_CACHE_MAX_MB", DEFAULT_MAX_MB))) * 1024 * 1024
    except ValueError:
        return DEFAULT_MAX_MB * 1024 * 1024


def _trusted_folder(create: bool) -> Path | None:
    """The cache folder when it is safe to use (made, 0700, when `create` and missing)."""
    where = folder()
    verdict = _state.get(str(where))
    if verdict is False:
        return None
    try:
        info = os.stat(where)
    except FileNotFoundError:
        if not create:
            return None
        try:
            os.makedirs(where.parent, exist_ok=True)
            os.mkdir(where, 0o700)
            os.chmod(where, 0o700)
        except FileExistsError:
            pass
        except OSError:
            return None
        info = os.stat(where)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or not _private(info):
        _state[str(where)] = False
        _refuse(where, folder=stat.S_ISDIR(info.st_mode))
        return None
    _state[str(where)] = True
    return where


def _private(info: os.stat_result) -> bool:
    """Owned by this user and writable by no one else (POSIX; on Windows the profile's ACL decides)."""
    if not hasattr(os, "getuid"):
        return True
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _refuse(path: Path, folder: bool = True) -> None:
    if _state.get("warned"):
        return
    _state["warned"] = True
    _warn(t("cache_untrusted", path=path) if folder else t("cache_not_folder", path=path))


def reset() -> None:
    """Forget this process's verdicts (tests that change NMX_CACHE_DIR)."""
    _state.clear()
