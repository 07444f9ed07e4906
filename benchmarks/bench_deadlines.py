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
import statistics
import subprocess
import tempfile
from pathlib import Path

from _bench import BASELINE, HERE, NMX, PY, bench_env, ratio_line, side_by_side, timed_rss


def startup(runs: int, env: dict[str, str]) -> None:
    cmd = [NMX, "deadlines", "--month", "2023-05"]
    a, b, _ = side_by_side(cmd, BASELINE, runs, env)
    print(ratio_line("startup  nmx deadlines --month 2023-05", a, b, 1.3, runs))


def synthetic(runs: int, env: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "plan"
        # benchmarks/synth.py, the shared generator, in its own process: this one stays small
        subprocess.run([PY, str(HERE / "synth.py"), str(folder), "--tasks", "10000"], check=True,
                       stdout=subprocess.DEVNULL)
        cmd = [NMX, "deadlines", "--data", str(folder), "--from", "2023-01-01", "--to", "2023-12-31",
               "--format", "json", "--today", "2023-01-01"]
        cold_t, cold_rss = timed_rss(cmd, env)
        samples = [timed_rss(cmd, env) for _ in range(runs)]
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
    with bench_env(NMX_TODAY="2023-05-01", COLUMNS="100") as env:
        startup(args.runs, env)
        if not args.skip_synth:
            synthetic(max(5, args.runs // 3), env)


if __name__ == "__main__":
    main()
