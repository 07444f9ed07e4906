"""Building large acyclic data fast: the cyclic garbage collector paused while it is built."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while large acyclic data is built.

    Parsing a large plan, or building ~200,000 items from it, makes a million short-lived
    objects and no cyclic garbage worth collecting; but each collection walks every live
    object again, which costs a third of the time or more (three times the parse itself).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


#: Set by the console entry point: a command's process ends with the command, so what it
#: loaded may be frozen (tests that load many plans in one process leave it off).
FREEZE_LOADED = False


def command_mode() -> None:
    """The console entry point's process runs one command and ends: no automatic cyclic
    collections at all. nmx's data is acyclic; the collector's passes over a large plan's
    heap cost 13–17% of a 10,000-task report or status (measured: 82 -> 71 s, 7.3 -> 6.0 s)
    and freed nothing (the same peak memory). What can leave cycles per input (a workbook
    read by openpyxl) calls `collect_cycles` after each."""
    gc.disable()


def collect_cycles() -> None:
    """Free the cycles one input left (the collector does not run by itself in `command_mode`)."""
    if not gc.isenabled():
        gc.collect()


def settle() -> None:
    """What was just loaded lives as long as the command: move it out of the collector's
    sight, so the collections the command's own work triggers do not walk it again and again."""
    if FREEZE_LOADED:
        gc.freeze()


def leave(code: object) -> None:
    """End the console entry point's process with `code` (a SystemExit's) once what it wrote is
    out, without taking its heap apart object by object: the interpreter's teardown of a large
    plan's heap is work for nothing (measured: 1.5–1.9 s of a 10.5 s `checklist` of the 100,000-task
    plan). The exit functions run as they would, and the streams are flushed; files nmx writes
    are closed where they are written. Where another thread still runs (none of nmx's do), or the
    exit functions cannot be reached, the process ends the usual way."""
    import atexit
    import threading

    if code is None:
        code = 0
    elif not isinstance(code, int):  # sys.exit("text"): said on stderr, exit 1, as Python does
        print(code, file=sys.stderr)
        code = 1
    run = getattr(atexit, "_run_exitfuncs", None)
    if run is None or threading.active_count() > 1:
        sys.exit(code)
    run()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # the reader has stopped reading (`| head`): nothing more to say
            pass
        except OSError as exc:  # a full disk under `> file`: what was left could not be written
            if stream is sys.stdout and not code:
                code = 2
                _say_unwritten(exc)
        except (AttributeError, ValueError):  # no such stream, or closed
            pass
    os._exit(code)


def _say_unwritten(exc: OSError) -> None:
    """What the command wrapper says of the same failure met while the command ran (cli.app)."""
    from nmx.i18n import t

    try:
        print(f"nmx: {t('error')}: {t('write_failed', reason=exc.strerror or exc)}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass
