"""Files that a second process writes into a folder being built while this one writes the rest.

A report's calendars and its pages are made from the same plan and share nothing else: on a
machine with two cores, a 10,000-task plan's report takes the longer of the two instead of
their sum. `Beside` is such a share of a folder's files; `fileio.put_files` starts it when the
files it is given hold one (`start`), goes on with the others, and collects it at the end.

Where the platform forks (Linux) the share is written by a forked child, which inherits what
this process has computed and sends back only JSON: the paths it wrote and what it has to say
(`notes`, said here by `told`), or what failed. Elsewhere (Windows, macOS), and when this
process cannot fork, the share is written in place, first: the same files, the same bytes.
The child never returns into the caller: it ends with os._exit, so no cleanup of the parent's
(removing the folder on failure, atexit) ever runs twice; the parent kills and reaps it when
its own side fails.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

#: Whether a share may be written by a forked child (tests switch it off to take the other path).
FORK = sys.platform.startswith("linux") and hasattr(os, "fork")

Files = Iterable[tuple[str, "bytes | str | list[bytes]"]]


class Beside:
    """A share of a folder's files: `files()` makes them (in whichever process writes them),
    `notes()` then says what making them had to say, and `told(notes)` hears it in this process."""

    def __init__(self, files: Callable[[], Files], count: int, *, notes: Callable[[], list[str]] = list,
                 told: Callable[[list[str]], None] | None = None) -> None:
        self.files, self.count, self.notes, self.told = files, count, notes, told

    def start(self, folder: Path, put: Callable[[Path, Files], list[str]]) -> Running:
        """Begin writing the share into `folder` with `put` (fileio.put_files)."""
        if FORK:
            try:
                return _Forked(self, folder, put)
            except OSError:  # no process to be had (a limit): the share is written here
                pass
        return _Done(self, put(folder, self.files()), self.notes())


class Running:
    def wait(self) -> list[str]:
        """The paths written (after `told` has heard the notes); the share's failure, raised here."""
        raise NotImplementedError

    def abandon(self) -> None:
        """Stop the share and let it go (this process's side failed)."""


class _Done(Running):
    def __init__(self, share: Beside, written: list[str], notes: list[str]) -> None:
        self.share, self.written, self.notes = share, written, notes

    def wait(self) -> list[str]:
        if self.share.told is not None:
            self.share.told(self.notes)
        return self.written


class _Forked(Running):
    def __init__(self, share: Beside, folder: Path, put: Callable[[Path, Files], list[str]]) -> None:
        self.share = share
        for stream in (sys.stdout, sys.stderr):  # what they hold is written once, by this process
            try:
                stream.flush()
            except (AttributeError, OSError, ValueError):
                pass
        read, write = os.pipe()
        try:
            self.pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            raise
        if self.pid == 0:  # the child: write the share, say how it went, and end here
            os.close(read)
            _child(share, folder, put, write)
        os.close(write)
        self.read = read

    def wait(self) -> list[str]:
        import json

        with os.fdopen(self.read, "rb") as pipe:
            raw = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        try:
            said = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            said = {"bug": f"the process writing {self.share.count} files beside ended with status {status}"}
        if "written" not in said:
            _raise(said)
        if self.share.told is not None:
            self.share.told(said["notes"])
        return said["written"]

    def abandon(self) -> None:
        import signal

        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            self.pid = 0
            try:
                os.close(self.read)
            except OSError:
                pass


def _child(share: Beside, folder: Path, put: Callable[[Path, Files], list[str]], write: int) -> None:
    code = 0
    try:
        import json

        try:
            written = put(folder, share.files())
            said: dict = {"written": written, "notes": list(share.notes())}
        except BaseException as exc:  # noqa: BLE001 - whatever it is, the parent raises it
            said, code = _failure(exc), 1
        data = json.dumps(said, ensure_ascii=False).encode("utf-8")
        view = memoryview(data)
        while view:
            view = view[os.write(write, view):]
    finally:
        os._exit(code)


def _failure(exc: BaseException) -> dict:
    """A failure as the parent raises it again: a usage error, an OSError, or a bug (its traceback)."""
    from nmx.errors import UsageError

    if isinstance(exc, UsageError):
        return {"usage": exc.message, "hint": exc.hint}
    if isinstance(exc, OSError):
        return {"os": [exc.errno, exc.strerror or str(exc), None if exc.filename is None else str(exc.filename)]}
    import traceback

    return {"bug": "".join(traceback.format_exception(exc))}


def _raise(said: dict) -> None:
    from nmx.errors import UsageError

    if "usage" in said:
        raise UsageError(said["usage"], hint=said.get("hint"))
    if "os" in said:
        number, text, name = said["os"]
        raise OSError(number, text, name) if name is not None else OSError(number, text)
    raise RuntimeError(f"the files written beside failed:\n{said.get('bug')}")

