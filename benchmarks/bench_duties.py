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
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NMX = str(Path(sys.executable).parent / "nmx")
PY = sys.executable
BASELINE = [PY, "-c", "import typer, pydantic, yaml, rich.console"]
UNIT = "市交通运输局"


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.decode(errors='replace')}")
    return elapsed


def startup(runs: int, env: dict[str, str]) -> None:
    cmd = [NMX, "duties", UNIT]
    timed(cmd, env), timed(BASELINE, env)  # fill the plan cache and the OS file cache
    ours, base = [], []
    for _ in range(runs):
        ours.append(timed(cmd, env))
        base.append(timed(BASELINE, env))
    a, b = statistics.median(ours), statistics.median(base)
    print(f"startup  nmx duties {UNIT}: median {a * 1000:.0f} ms; "
          f"baseline import typer, pydantic, yaml, rich.console: {b * 1000:.0f} ms; "
          f"ratio {a / b:.2f}x (target <= 1.25x, {runs} interleaved runs each)")


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
    sys.path.insert(0, str(HERE))
    import synth  # benchmarks/synth.py, the shared synthetic-plan generator

    unit = "合成单位00002"  # a unit of the synthetic plan (合成单位00001 is outside its everyone-group)
    with tempfile.TemporaryDirectory() as tmp:
        folder = synth.generate(Path(tmp) / "plan", n_tasks=10_000)
        for fmt in ("json", "table"):
            cmd = [NMX, "duties", unit, "--data", str(folder), "--format", fmt]
            cold = timed(cmd, {**env, "NMX_NO_CACHE": "1"})  # validates, as the first run does
            timed(cmd, env)  # fills the cache
            warm = statistics.median(timed(cmd, env) for _ in range(runs))
            if fmt == "json":
                out = subprocess.run(cmd, capture_output=True, env=env, check=True).stdout
                n = len(__import__("json").loads(out)["duties"])
            print(f"synthetic 10,000 tasks, nmx duties {unit} --format {fmt} ({n} duties): "
                  f"cache hit median {warm:.2f} s, cache miss (validates) {cold:.2f} s (target < 1 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--skip-synth", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NMX_CACHE_DIR": cache, "COLUMNS": "80"}
        # PYTHONDONTWRITEBYTECODE would make every run compile nmx from source: measure
        # what an installed nmx does, with its bytecode cached (written by the warm-up run).
        for var in ("NMX_DATA", "NMX_NO_CACHE", "NO_COLOR", "PYTHONDONTWRITEBYTECODE"):
            env.pop(var, None)
        startup(max(args.runs, 10), env)
        imports(env)
        if not args.skip_synth:
            synthetic(max(args.runs, 10), env)


if __name__ == "__main__":
    main()
