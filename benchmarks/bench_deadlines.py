"""Benchmarks for `nmx deadlines` (issue 4). Prints figures measured side by side in one run.

1. Start-up: `nmx deadlines --month 2023-05` on the bundled plan against
   `python -c "import typer, pydantic, yaml, rich.console"`, interleaved, median of N
   runs each, as a ratio (target <= 1.3x).
2. Scale: a whole year of deadlines (JSON) on the 10,000-task synthetic plan from
   benchmarks/synth.py: wall time (target < 2 s) and peak memory of the child
   process (max RSS from /usr/bin/time, target < 300 MB), median of N runs,
   with the plan cache warm (the first run builds it and is reported apart).

Usage: python benchmarks/bench_deadlines.py [--runs N] [--skip-synth]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
NMX = str(BIN / "nmx")
PY = sys.executable
BASELINE = [PY, "-c", "import typer, pydantic, yaml, rich.console"]


TIME = Path("/usr/bin/time")


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
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
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.stderr:
            proc.stderr.close()
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"failed: {' '.join(cmd)}\n{err}")
        rss = int(report.read().split()[-1]) if TIME.exists() else usage.ru_maxrss
    return elapsed, rss


def startup(runs: int, env: dict[str, str]) -> None:
    cmd = [NMX, "deadlines", "--month", "2023-05"]
    timed(cmd, env), timed(BASELINE, env)  # warm the plan cache and the OS file cache
    ours, base = [], []
    for _ in range(runs):
        ours.append(timed(cmd, env)[0])
        base.append(timed(BASELINE, env)[0])
    a, b = statistics.median(ours), statistics.median(base)
    print(f"startup  nmx deadlines --month 2023-05: median {a * 1000:.0f} ms; "
          f"baseline import typer, pydantic, yaml, rich.console: {b * 1000:.0f} ms; "
          f"ratio {a / b:.2f}x (target <= 1.3x, {runs} interleaved runs each)")


def synthetic(runs: int, env: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "plan"
        # benchmarks/synth.py, the shared generator, in its own process: this one stays small
        subprocess.run([PY, str(HERE / "synth.py"), str(folder), "--tasks", "10000"], check=True,
                       stdout=subprocess.DEVNULL)
        cmd = [NMX, "deadlines", "--data", str(folder), "--from", "2023-01-01", "--to", "2023-12-31",
               "--format", "json", "--today", "2023-01-01"]
        cold_t, cold_rss = timed(cmd, env)
        samples = [timed(cmd, env) for _ in range(runs)]
        out = folder.parent / "out.json"
        subprocess.run([*cmd, "--output", str(out)], env=env, check=True)
        size = out.stat().st_size
        n = out.read_text(encoding="utf-8").count('\n      "task": ')
    t = statistics.median(s[0] for s in samples)
    rss = max(s[1] for s in samples) / 1024
    print(f"synthetic 10,000 tasks, whole year, JSON ({n} items, {size / 1e6:.0f} MB): median {t:.2f} s "
          f"(target < 2 s), peak RSS {rss:.0f} MB (target < 300 MB), {runs} runs with the plan cache warm; "
          f"first run (validates and builds the cache) {cold_t:.2f} s, {cold_rss / 1024:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--skip-synth", action="store_true")
    args = parser.parse_args()
    env = {**os.environ, "NMX_TODAY": "2023-05-01", "COLUMNS": "100"}
    env.pop("NMX_DATA", None)
    with tempfile.TemporaryDirectory() as cache:
        env["NMX_CACHE_DIR"] = cache
        startup(args.runs, env)
        if not args.skip_synth:
            synthetic(max(5, args.runs // 3), env)


if __name__ == "__main__":
    main()
