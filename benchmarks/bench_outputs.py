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
import statistics
import tempfile
from pathlib import Path

from _bench import BASELINE, NMX, bench_env, ratio_line, side_by_side, timed


def startup(runs: int, env: dict[str, str]) -> None:
    cmd = [NMX, "checklist", "--dept", "市交通运输局", "--month", "2023-05", "--today", "2023-05-10"]
    a, b, _ = side_by_side(cmd, BASELINE, runs, env)
    print(ratio_line("startup  nmx checklist --dept 市交通运输局 --month 2023-05", a, b, 1.3, runs))


def report(label: str, data: Path | None, runs: int, env: dict[str, str], target: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        cmd = [NMX, "report", "--output", str(out), "--force", "--today", "2023-05-10"]
        cmd += ["--data", str(data)] if data else []
        cold = timed(cmd, env=env)
        samples = [timed(cmd, env=env) for _ in range(runs)]
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
    with bench_env(COLUMNS="100") as env:
        startup(max(args.runs, 10), env)
        report("bundled plan", None, max(args.runs // 3, 5), env, "target < 2 s")
        if not args.skip_synth:
            import synth  # benchmarks/synth.py (the shared synthetic-plan generator)

            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp) / "plan"
                synth.write_plan(folder, tasks=10_000)
                report("synthetic 10,000 tasks", folder, args.synth_runs, env, "target < 30 s")


if __name__ == "__main__":
    main()
