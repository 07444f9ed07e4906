"""Benchmarks for `nmx checklist` and `nmx report` (issue 5). Prints figures measured side by side.

1. Start-up: `nmx checklist --dept 市交通运输局 --month 2023-05` on the bundled plan against
   `python -c "import typer, pydantic, yaml, rich.console"`, interleaved, median of N runs
   each, as a ratio (target <= 1.3x).
2. `nmx report` for the bundled plan: median of N runs (target < 2 s).
3. `nmx report` for the 10,000-task synthetic plan of benchmarks/synth.py: median of a few
   runs with the plan cache warm (target < 30 s); the first run, which builds the cache, apart.

Usage: python benchmarks/bench_outputs.py [--runs N] [--skip-synth]
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
NMX = str(Path(sys.executable).parent / "nmx")
BASELINE = [sys.executable, "-c", "import typer, pydantic, yaml, rich.console"]


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.decode(errors='replace')}")
    return elapsed


def startup(runs: int, env: dict[str, str]) -> None:
    cmd = [NMX, "checklist", "--dept", "市交通运输局", "--month", "2023-05", "--today", "2023-05-10"]
    timed(cmd, env), timed(BASELINE, env)  # warm the plan cache and the OS file cache
    ours, base = [], []
    for _ in range(runs):
        ours.append(timed(cmd, env))
        base.append(timed(BASELINE, env))
    a, b = statistics.median(ours), statistics.median(base)
    print(f"startup  nmx checklist --dept 市交通运输局 --month 2023-05: median {a * 1000:.0f} ms; "
          f"baseline: {b * 1000:.0f} ms; ratio {a / b:.2f}x (target <= 1.3x, {runs} interleaved runs each)")


def report(label: str, data: Path | None, runs: int, env: dict[str, str], target: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        cmd = [NMX, "report", "--output", str(out), "--force", "--today", "2023-05-10"]
        cmd += ["--data", str(data)] if data else []
        cold = timed(cmd, env)
        samples = [timed(cmd, env) for _ in range(runs)]
        files = sum(1 for p in out.rglob("*") if p.is_file())
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6
    print(f"report   {label}: median {statistics.median(samples):.2f} s ({target}, {runs} runs, "
          f"{files} files, {size:.1f} MB); first run (cold cache) {cold:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--synth-runs", type=int, default=3)
    parser.add_argument("--skip-synth", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NMX_CACHE_DIR": cache, "COLUMNS": "100"}
        env.pop("NMX_DATA", None)
        # an installed nmx has its bytecode cached, like the libraries of the baseline
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        startup(max(args.runs, 10), env)
        report("bundled plan", None, max(args.runs // 3, 5), env, "target < 2 s")
        if not args.skip_synth:
            sys.path.insert(0, str(HERE))
            import synth  # benchmarks/synth.py (the shared synthetic-plan generator)

            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp) / "plan"
                synth.write_plan(folder, tasks=10_000)
                report("synthetic 10,000 tasks", folder, args.synth_runs, env, "target < 30 s")


if __name__ == "__main__":
    main()
