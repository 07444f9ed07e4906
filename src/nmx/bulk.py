"""Building large acyclic data fast: the cyclic garbage collector paused while it is built."""

from __future__ import annotations

import gc
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


def settle() -> None:
    """What was just loaded lives as long as the command: move it out of the collector's
    sight, so the collections the command's own work triggers do not walk it again and again."""
    if FREEZE_LOADED:
        gc.freeze()
