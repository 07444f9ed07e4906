"""Benchmarks for `nmx validate` (issue 2). Prints figures measured side by side in one run.

1. The shipped plan: `nmx validate data` against `python -c "import typer, pydantic, yaml"`,
   interleaved, median of N runs each, as a ratio (target <= 1.3x). Reported twice:
   warm (the plan's bytes were validated before, so the answer comes from the cache:
   the normal case) and cold (`--no-cache`: loader, pydantic and every check).
2. The 10,000-task plan of benchmarks/synth.py: `nmx validate --no-cache` (target < 3 s)
   against check-jsonschema validating the same two files against the schemas
   `nmx schema` writes (two invocations, one per schema, timed together), interleaved,
   median of N runs each, as a ratio (target: nmx faster).

check-jsonschema needs about a minute per run on the 6 MB synthetic plan, so part 2 with
its default 10 runs takes 10–15 minutes; `--synth-runs 3` gives a quick estimate.

Usage: python benchmarks/bench_validate.py [--runs N] [--synth-runs N] [--skip-synth]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from _bench import BIN, DATA, NMX, PY, bench_env, ratio_line, side_by_side, timed

BASELINE = [PY, "-c", "import typer, pydantic, yaml"]


def shipped(runs: int, env: dict[str, str]) -> None:
    for label, extra in (("warm (cache hit)", []), ("cold (--no-cache)", ["--no-cache"])):
        ours, base, _ = side_by_side([NMX, "validate", str(DATA), *extra], BASELINE, runs, env)
        print(ratio_line(f"shipped plan, {label}: nmx validate", ours, base, 1.3, runs,
                         baseline="import typer, pydantic, yaml"))


def synthetic(runs: int, env: dict[str, str]) -> None:
    import synth  # benchmarks/synth.py

    tool = BIN / "check-jsonschema"
    checker = str(tool) if tool.exists() else shutil.which("check-jsonschema")
    with tempfile.TemporaryDirectory() as tmp:
        plan = synth.generate(Path(tmp) / "plan", n_tasks=10_000, n_units=2_000)
        schemas = Path(tmp) / "schema"
        subprocess.run([NMX, "schema", "--output", str(schemas)], check=True, capture_output=True, env=env)
        ours = [[NMX, "validate", str(plan), "--no-cache"]]
        if checker is None:
            t = statistics.median(timed(*ours, env=env) for _ in range(runs))
            print(f"10,000 tasks: nmx validate --no-cache median {t:.2f} s (target < 3 s); check-jsonschema not installed")
            return
        theirs = [[checker, "--schemafile", str(schemas / f"{name}.schema.json"), str(plan / f"{name}.yaml")]
                  for name in ("tasks", "departments")]
        size = sum((plan / f).stat().st_size for f in ("tasks.yaml", "departments.yaml")) / 1e6
        a, b, _ = side_by_side(ours, theirs, runs, env)
    print(f"10,000 tasks, 2,000 units, {size:.1f} MB: nmx validate --no-cache median {a:.2f} s (target < 3 s); "
          f"check-jsonschema on both files {b:.2f} s; ratio nmx/check-jsonschema {a / b:.2f}x "
          f"({runs} interleaved runs each)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command on the shipped plan (>= 10)")
    parser.add_argument("--synth-runs", type=int, default=10, help="runs of each command on the 10,000-task plan")
    parser.add_argument("--skip-synth", action="store_true")
    args = parser.parse_args()
    if args.runs < 10:
        parser.error("--runs must be at least 10 (medians of fewer runs mislead)")
    with bench_env(COLUMNS="100") as env:
        shipped(args.runs, env)
        if not args.skip_synth:
            synthetic(args.synth_runs, env)


if __name__ == "__main__":
    main()
