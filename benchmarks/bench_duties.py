"""Benchmarks for `nmx duties` (issue 3). Prints figures measured side by side in one run.

1. Start-up: `nmx duties 市交通运输局` on the bundled plan against
   `python -c "import typer, pydantic, yaml, rich.console"`, interleaved, median of N runs
   each, as a ratio (target <= 1.25x). The plan cache is warm (the first run fills it).
2. Imports: whether rapidfuzz / pypinyin were imported on that path (they must not be),
   read from `python -X importtime`; the same check on a pinyin query (`jtysj`), which
   must import pypinyin, shows the check can see them.
3. Scale: `nmx duties` for one unit on the 10,000-task synthetic plan from
   benchmarks/synth.py (target < 1 s): the first run, which validates the plan and fills
   the cache (cache miss), and the median of N runs answering from the cache (cache hit).

Usage: python benchmarks/bench_duties.py [--runs N] [--skip-synth]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
from pathlib import Path

from _bench import BASELINE, NMX, PY, bench_env, ratio_line, side_by_side, timed

UNIT = "市交通运输局"


def startup(runs: int, env: dict[str, str]) -> None:
    a, b, _ = side_by_side([NMX, "duties", UNIT], BASELINE, runs, env)  # the warm-up run fills the plan cache
    print(ratio_line(f"startup  nmx duties {UNIT}", a, b, 1.25, runs))


def imported(query: str, env: dict[str, str]) -> list[str]:
    """Which of rapidfuzz / pypinyin `nmx duties QUERY` imports (python -X importtime)."""
    proc = subprocess.run([PY, "-X", "importtime", NMX, "duties", query],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    names = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.decode(errors="replace").splitlines()
             if line.startswith("import time:")}
    return [lib for lib in ("rapidfuzz", "pypinyin") if lib in names]


def imports(env: dict[str, str]) -> None:
    found = imported(UNIT, env)
    control = imported("jtysj", env)
    verdict = "OK, not imported" if not found else "FAIL, imported: " + ", ".join(found)
    print(f"imports  nmx duties {UNIT}: rapidfuzz/pypinyin {verdict}; "
          f"control `nmx duties jtysj` (pinyin path) imports: {', '.join(control) or 'nothing (check broken!)'}")


def synthetic(runs: int, env: dict[str, str]) -> None:
    import synth  # benchmarks/synth.py, the shared synthetic-plan generator

    unit = "合成单位00002"  # a unit of the synthetic plan (合成单位00001 is outside its everyone-group)
    with tempfile.TemporaryDirectory() as tmp:
        folder = synth.generate(Path(tmp) / "plan", n_tasks=10_000)
        for fmt in ("json", "table"):
            cmd = [NMX, "duties", unit, "--data", str(folder), "--format", fmt]
            cold = timed(cmd, env={**env, "NMX_NO_CACHE": "1"})  # validates, as the first run does
            timed(cmd, env=env)  # fills the cache
            warm = statistics.median(timed(cmd, env=env) for _ in range(runs))
            if fmt == "json":
                out = subprocess.run(cmd, capture_output=True, env=env, check=True).stdout
                n = len(json.loads(out)["duties"])
            print(f"synthetic 10,000 tasks, nmx duties {unit} --format {fmt} ({n} duties): "
                  f"cache hit median {warm:.2f} s, cache miss (validates) {cold:.2f} s (target < 1 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--skip-synth", action="store_true")
    args = parser.parse_args()
    with bench_env(COLUMNS="80", NO_COLOR=None) as env:
        startup(max(args.runs, 10), env)
        imports(env)
        if not args.skip_synth:
            synthetic(max(args.runs, 10), env)


if __name__ == "__main__":
    main()
