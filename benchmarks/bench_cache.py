"""Benchmark for the validated-plan cache (issue 9): warm and cold start-up, side by side.

The cache became JSON rebuilt into models (it was a pickle); this measures what that
costs where it is felt, each command against its import floor, interleaved, median of
N runs each:

- warm (the cache holds the plan): `nmx validate data`, `nmx duties 市交通运输局`,
  `nmx status --month 2023-05` with 5,000 records, `nmx duties` on the 10,000-task plan;
- cold (`NMX_NO_CACHE=1`, what the first run after an edit pays): `nmx validate data`.

With `--against PYTHON` (the interpreter of another installation, e.g. a venv with nmx
0.1.0), the same commands of that installation run in the same interleaving, and the
table shows both and their ratio: before and after in one run, on one machine load.
`--against-data DIR` gives that installation its own plan folder (an older nmx may not
read today's data format); its 5,000 records are generated from that plan.

Usage: python benchmarks/bench_cache.py [--runs N] [--against PATH/TO/python [--against-data DIR]] [--skip-synth]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
from pathlib import Path

from _bench import BASELINE, DATA, NMX, bench_env, timed

UNIT = "市交通运输局"


def cases(data: Path, full: Path, synth: Path | None) -> list[tuple[str, list[str], dict[str, str]]]:
    """(label, arguments, extra environment) of each command timed."""
    out = [
        ("warm: validate data", ["validate", str(data)], {}),
        ("warm: duties 市交通运输局", ["duties", UNIT, "--data", str(data)], {}),
        ("warm: status --month 2023-05, 5,000 records",
         ["status", "--month", "2023-05", "--today", "2023-06-08", "--data", str(full)], {}),
        ("cold: validate data (NMX_NO_CACHE=1)", ["validate", str(data)], {"NMX_NO_CACHE": "1"}),
    ]
    if synth is not None:
        out.append(("warm: duties, 10,000-task plan", ["duties", "合成单位00001", "--data", str(synth)], {}))
    return out


def measure(sides: list[list[str]], extra: dict[str, str], runs: int, env: dict[str, str]) -> list[float]:
    """Medians for each command and the baseline, run alternately after one warm-up each."""
    run_env = {**env, **extra}
    sides = sides + [BASELINE]
    for cmd in sides:
        timed(cmd, env=run_env)  # warm-up: fills each installation's cache and the OS file cache
    times: list[list[float]] = [[] for _ in sides]
    for _ in range(runs):
        for i, cmd in enumerate(sides):
            times[i].append(timed(cmd, env=run_env))
    return [statistics.median(t) for t in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--against", help="python of another installation to time beside this one")
    parser.add_argument("--against-data", type=Path, help="the plan folder for the other installation")
    parser.add_argument("--skip-synth", action="store_true")
    args = parser.parse_args()
    if args.runs < 10:
        parser.error("--runs must be at least 10")
    binaries = [NMX] + ([str(Path(args.against).parent / "nmx")] if args.against else [])
    with bench_env(NO_COLOR="1", COLUMNS="100") as env, tempfile.TemporaryDirectory() as tmp:
        from bench_supervision import year_of_records

        full = Path(tmp) / "full"
        shutil.copytree(DATA, full)
        (full / "records.yaml").write_text(year_of_records(5000), encoding="utf-8")
        other_data = args.against_data or DATA
        other_full = Path(tmp) / "other-full"
        shutil.copytree(other_data, other_full)
        (other_full / "records.yaml").write_text(year_of_records(5000, data=other_data), encoding="utf-8")
        synth_dir = None
        if not args.skip_synth:
            import synth

            synth_dir = synth.generate(Path(tmp) / "synth", n_tasks=10_000, n_units=2_000)
        head = "| case | this nmx | ratio to floor |"
        if args.against:
            head += " other nmx | ratio to floor | this / other |"
        print(f"floor: python -c 'import typer, pydantic, yaml, rich.console'; median of {args.runs} interleaved runs")
        print(head)
        print("|" + "---|" * (head.count("|") - 1))
        other_cases = cases(other_data, other_full, synth_dir)
        for (label, argv, extra), (_, other_argv, _) in zip(cases(DATA, full, synth_dir), other_cases):
            sides = [[binaries[0], *argv]] + ([[binaries[1], *other_argv]] if args.against else [])
            medians = measure(sides, extra, args.runs, env)
            floor = medians[-1]
            row = f"| {label} | {medians[0] * 1000:.0f} ms | {medians[0] / floor:.2f}x |"
            if args.against:
                row += f" {medians[1] * 1000:.0f} ms | {medians[1] / floor:.2f}x | {medians[0] / medians[1]:.2f} |"
            print(row, flush=True)


if __name__ == "__main__":
    main()
