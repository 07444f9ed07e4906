"""Files that a second process writes into a folder being built while this one writes the rest.

A report's calendars and its pages are made from the same plan and share nothing else: on a
machine with two cores, a 10,000-task plan's report takes the longer of the two instead of
their sum. `Beside` is such a share of a folder's files; `fileio.put_files` starts it when the
files it is given hold one (`start`), goes on with the others, and collects it at the end.

A share may also bring `jobs` that either process may do (a report's unit pages): each takes
the next one not yet taken once it is done with its own files, so the two end together.

Where the platform forks (Linux) the share is written by a forked child, which inherits what
this process has computed and sends back only JSON: the paths it wrote and what it has to say
(`notes`, said here by `told`), or what failed. The jobs are handed out as numbers through a
pipe, which both read. Elsewhere (Windows, macOS), and when this process cannot fork, the
share is written in place, first, and the jobs after the rest: the same files, the same bytes.
The child never returns into the caller: it ends with os._exit, so no cleanup of the parent's
(removing the folder on failure, atexit) ever runs twice; the parent kills and reaps it when
its own side fails.
"""

from __future__ import annotations

import os
import struct
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

#: Whether a share may be written by a forked child (tests switch it off to take the other path).
FORK = sys.platform.startswith("linux") and hasattr(os, "fork")

Files = Iterable[tuple[str, "bytes | str | list[bytes]"]]


class Beside:
    """A share of a folder's files: `files()` makes them (in whichever process writes them),
    `notes()` then says what making them had to say, and `told(notes)` hears it in this process;
    `jobs` make more files, each done by whichever process is free first."""

    def __init__(self, files: Callable[[], Files], *, notes: Callable[[], list[str]] = list,
                 told: Callable[[list[str]], None] | None = None, jobs: Iterable[Callable[[], Files]] = ()) -> None:
        self.files, self.notes, self.told = files, notes, told
        self.jobs = list(jobs)

    def start(self, folder: Path, put: Put) -> Running:
        """Begin writing the share into `folder` with `put` (fileio.put_files)."""
        if FORK and len(self.jobs) < _MAX_JOBS:
            try:
                return _Forked(self, folder, put)
            except OSError:  # no process to be had (a limit): the share is written here
                pass
        return _Done(self, folder, put)


Put = Callable[..., list[str]]  # fileio.put_files(folder, files, on_file=None)
_JOB = struct.Struct("<I")
_MAX_JOBS = 4096  # their numbers fit the pipe's buffer (64 KiB on Linux), written before the fork


class Running:
    """A share being written: this process `take`s its turn at the jobs, then `wait`s for the rest."""

    def __init__(self, share: Beside, folder: Path, put: Put) -> None:
        self.share, self.folder, self.put = share, folder, put

    def take(self, on_file: Callable[[str], None] | None = None) -> list[str]:
        """Do the jobs this process takes, as they come; the paths written."""
        written: list[str] = []
        for job in self._turns():
            written += self.put(self.folder, job(), on_file)
        return written

    def _turns(self) -> Iterator[Callable[[], Files]]:
        raise NotImplementedError

    def wait(self) -> list[str]:
        """The paths written on the other side (after `told` has heard the notes); its failure, raised here."""
        raise NotImplementedError

    def abandon(self) -> None:
        """Stop the share and let it go (this process's side failed)."""


class _Done(Running):
    """The share written here and now; its jobs when this process takes its turn."""

    def __init__(self, share: Beside, folder: Path, put: Put) -> None:
        super().__init__(share, folder, put)
        self.written = put(folder, share.files())
        self.notes = share.notes()

    def _turns(self) -> Iterator[Callable[[], Files]]:
        return iter(self.share.jobs)

    def wait(self) -> list[str]:
        if self.share.told is not None:
            self.share.told(self.notes)
        return self.written


class _Forked(Running):
    def __init__(self, share: Beside, folder: Path, put: Put) -> None:
        super().__init__(share, folder, put)
        for stream in (sys.stdout, sys.stderr):  # what they hold is written once, by this process
            try:
                stream.flush()
            except (AttributeError, OSError, ValueError):
                pass
        self.queue = _job_queue(len(share.jobs))
        read, write = os.pipe()
        try:
            self.pid = os.fork()
        except OSError:
            for fd in (self.queue, read, write):
                os.close(fd)
            raise
        if self.pid == 0:  # the child: write the share, say how it went, and end here
            os.close(read)
            _child(self, write)
        os.close(write)
        self.read = read

    def _turns(self) -> Iterator[Callable[[], Files]]:
        while True:
            number = os.read(self.queue, _JOB.size)
            if not number:
                return
            yield self.share.jobs[_JOB.unpack(number)[0]]

    def wait(self) -> list[str]:
        import json

        with os.fdopen(self.read, "rb") as pipe:
            raw = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self._let_go()
        try:
            said = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            said = {"bug": f"the process writing files beside ended with status {status} and said nothing"}
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
            try:
                os.close(self.read)
            except OSError:
                pass
            self._let_go()

    def _let_go(self) -> None:
        self.pid = 0
        if self.queue >= 0:
            os.close(self.queue)
            self.queue = -1


def _job_queue(count: int) -> int:
    """A pipe holding the numbers 0 … count-1, its writing end closed: each read takes the next one
    (reads of a pipe are one at a time, and every number is as long as a read asks), then nothing."""
    read, write = os.pipe()
    try:
        os.write(write, b"".join(_JOB.pack(n) for n in range(count)))
    finally:
        os.close(write)
    return read


def _child(running: _Forked, write: int) -> None:
    code = 0
    try:
        import json

        share = running.share
        try:
            written = running.put(running.folder, share.files())
            written += running.take()
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

