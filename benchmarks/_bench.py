"""What every benchmark script shares: the commands, timing, interleaved medians, the environment.

The scripts run as `python benchmarks/bench_*.py`, so this folder is on sys.path and they
`import _bench` (and `import synth`) directly.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = ROOT / "data"
PY = sys.executable
BIN = Path(PY).parent
NMX = str(BIN / "nmx")  # the installed console script, as users run it
BASELINE_LIBS = "typer, pydantic, yaml, rich.console"
BASELINE = [PY, "-c", f"import {BASELINE_LIBS}"]
TIME = Path("/usr/bin/time")

Cmd = list[str]


@contextmanager
def bench_env(**extra: str | None) -> Iterator[dict[str, str]]:
    """The environment for timed runs, with a private, temporary plan cache (NMX_CACHE_DIR).

    No NMX_DATA / NMX_NO_CACHE / NMX_LANG / NMX_TODAY from the caller, and no
    PYTHONDONTWRITEBYTECODE: an installed nmx has its bytecode cached (written by the
    warm-up run), like the libraries of the baseline. `extra` sets variables (None unsets).
    """
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NMX_CACHE_DIR": cache}
        for var in ("NMX_DATA", "NMX_NO_CACHE", "NMX_LANG", "NMX_TODAY", "PYTHONDONTWRITEBYTECODE"):
            env.pop(var, None)
        for var, value in extra.items():
            if value is None:
                env.pop(var, None)
            else:
                env[var] = value
        yield env


def _failed(cmd: Cmd, code: int, err: bytes) -> SystemExit:
    return SystemExit(f"failed ({code}): {' '.join(cmd)}\n{err.decode(errors='replace')}")


def timed(*cmds: Cmd, env: dict[str, str]) -> float:
    """Wall seconds for running `cmds` one after the other; each must exit 0."""
    start = time.perf_counter()
    for cmd in cmds:
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        if proc.returncode != 0:
            raise _failed(cmd, proc.returncode, proc.stderr)
    return time.perf_counter() - start


def timed_rss(cmd: Cmd, env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and the command's max RSS in KiB.

    RSS comes from /usr/bin/time when present: the rusage of a child forked from this
    (large) benchmark process would count the parent's pages it started with.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        wrapped = [str(TIME), "-f", "%M", "-o", report.name, *cmd] if TIME.exists() else cmd
        start = time.perf_counter()
        proc = subprocess.Popen(wrapped, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        err = proc.stderr.read() if proc.stderr else b""
        if proc.stderr:
            proc.stderr.close()
        if os.waitstatus_to_exitcode(status) != 0:
            raise _failed(cmd, os.waitstatus_to_exitcode(status), err)
        rss = int(report.read().split()[-1]) if TIME.exists() else usage.ru_maxrss
    return elapsed, rss


def side_by_side(ours: Cmd | list[Cmd] | Callable[[int], Cmd], base: Cmd | list[Cmd], runs: int,
                 env: dict[str, str]) -> tuple[float, float, float]:
    """Medians of `ours` and `base`, run alternately so both see the same machine load,
    and the time of the first (warm-up) run of `ours`.

    A side is one command, a list of commands timed together, or (ours only) a function of
    the run's index (-1 for the warm-up run) giving the command.
    """
    def make(side) -> Callable[[int], list[Cmd]]:
        if callable(side):
            return lambda i: [side(i)]
        return lambda i: side if side and isinstance(side[0], list) else [side]

    a, b = make(ours), make(base)
    first = timed(*a(-1), env=env)  # warms the plan cache and the OS file cache
    timed(*b(-1), env=env)
    ta, tb = [], []
    for i in range(runs):
        ta.append(timed(*a(i), env=env))
        tb.append(timed(*b(i), env=env))
    return statistics.median(ta), statistics.median(tb), first


def ratio_line(label: str, ours: float, base: float, target: float, runs: int, *,
               baseline: str = f"import {BASELINE_LIBS}", extra: str = "") -> str:
    """`label: median … ms; baseline … ms; ratio …x (target <= …x, N interleaved runs each[; extra])`."""
    tail = f"; {extra}" if extra else ""
    return (f"{label}: median {ours * 1000:.0f} ms; baseline {baseline} {base * 1000:.0f} ms; "
            f"ratio {ours / base:.2f}x (target <= {target}x, {runs} interleaved runs each{tail})")
