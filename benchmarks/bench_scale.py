"""Scale benchmark (issue 16): every heavy command on 1k, 10k and 100k-task plans, and cold start.

1. **Scale.** Builds the synthetic plans of `synth.py` once (N tasks, N/5 units), warms each
   plan's cache, then times every command on every size in one run: median wall time of
   `--runs` runs (1 at the largest size), peak RSS (from /usr/bin/time), and the growth
   exponent between neighbouring sizes, log(t2/t1) / log(n2/n1): 1.0 is linear, ~1.1 is
   n log n over a decade; a command growing faster than that stands out. Output that is not
   a terminal (stdout goes to /dev/null, files to a temporary folder), as in a script or CI.
   A run longer than `--timeout` seconds is stopped and shown as `> T s`; that command is
   not run on the larger sizes.
2. **Cold start.** On the bundled plan, each everyday command with no plan cache
   (`NMX_NO_CACHE=1`: the first run after an edit) and warm, against its import floor
   (`python -c "import typer, pydantic, yaml"` for validate, with `rich.console` for the
   others), interleaved, median of `--cold-runs` runs each; and `status` warm on a copy of the
   bundled plan with a year of records (5,000, as `bench_supervision.py` writes them). Its
   cold run parses and validates an 800 KB records file: that is the scale table's subject.

With `--against PYTHON` (another installation's interpreter, e.g. a venv with an older nmx),
each command of that installation runs beside ours, their runs interleaved and each writing
into its own folder, one per size (a report's first run is a fresh build, the next rebuild over
its last: over a smaller plan's site it would carry that plan's events as cancelled), and
the tables show both: before and after in one run.

Usage: python benchmarks/bench_scale.py [--sizes 1000,10000,100000] [--runs 3] [--timeout 300]
                                        [--cold-runs 10] [--skip-scale] [--skip-cold] [--against PYTHON]
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _bench import DATA, NMX, PY, TIME, bench_env, timed

UNIT = "合成单位00001"
YEAR = ["--from", "2023-01-01", "--to", "2023-12-31", "--today", "2023-05-10"]

#: (label, arguments; {data} and {out} are filled in). The commands of the issue's table, and
#: the everyday ones a unit's staff run.
SCALE = [
    ("deadlines year, table", ["deadlines", *YEAR]),
    ("deadlines year, json", ["deadlines", *YEAR, "--format", "json"]),
    ("export ics", ["export", "ics", "--output", "{out}/plan.ics"]),
    ("status 2023-05, table", ["status", "--month", "2023-05", "--today", "2023-06-08"]),
    ("status 2023-05, json", ["status", "--month", "2023-05", "--today", "2023-06-08", "--format", "json"]),
    ("export xlsx", ["export", "xlsx", "--output", "{out}/plan.xlsx"]),
    ("report", ["report", "--output", "{out}/site", "--force", "--today", "2023-05-10"]),
    ("duties one unit", ["duties", UNIT]),
    ("checklist one unit, month", ["checklist", "--dept", UNIT, "--month", "2023-05", "--today", "2023-05-10"]),
    ("validate, cold (no cache)", ["validate", "{data}"]),
]
COLD_ENV = {"validate, cold (no cache)": {"NMX_NO_CACHE": "1"}}

FLOOR_VALIDATE = "typer, pydantic, yaml"
FLOOR = "typer, pydantic, yaml, rich.console"
EVERYDAY = [
    ("validate data", ["validate", str(DATA)], FLOOR_VALIDATE),
    ("duties 市交通运输局", ["duties", "市交通运输局"], FLOOR),
    ("deadlines --month 2023-05", ["deadlines", "--month", "2023-05", "--today", "2023-05-10"], FLOOR),
    ("checklist --dept 市交通运输局 --month 2023-05",
     ["checklist", "--dept", "市交通运输局", "--month", "2023-05", "--today", "2023-05-10"], FLOOR),
    ("status --month 2023-05", ["status", "--month", "2023-05", "--today", "2023-06-08"], FLOOR),
    ("status --month 2023-05, 5,000 records",
     ["status", "--month", "2023-05", "--today", "2023-06-08", "--data", "{records}"], FLOOR),
]
WARM_ONLY = {"status --month 2023-05, 5,000 records"}


def run_rss(cmd: list[str], env: dict[str, str], timeout: float) -> tuple[float | None, int | None]:
    """(wall seconds, peak RSS in MiB) of one run; (None, None) when it ran past `timeout`."""
    import time

    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        wrapped = [str(TIME), "-f", "%M", "-o", report.name, *cmd] if TIME.exists() else cmd
        start = time.perf_counter()
        # its own process group: past the timeout nmx goes too, not only /usr/bin/time above it
        proc = subprocess.Popen(wrapped, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                                start_new_session=True)
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return None, None
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{stderr.decode(errors='replace')}")
        text = report.read().split()
        return elapsed, (int(text[-1]) // 1024 if text else None)


def fill(args: list[str], data: Path, out: Path) -> list[str]:
    filled = [a.replace("{data}", str(data)).replace("{out}", str(out)) for a in args]
    return filled if "{data}" in " ".join(args) else [*filled, "--data", str(data)]


def scale(sizes: list[int], runs: int, timeout: float, installs: list[tuple[str, str]], env: dict[str, str],
          commands: list[tuple[str, list[str]]] = SCALE) -> None:
    import synth  # benchmarks/synth.py

    # The 100k plan's tasks.yaml holds ~5.5 million YAML nodes, past the reader's safety limit of
    # 2 million (MAX_NODES): the documented override lifts it, as a province office would.
    env = {**env, "NMX_MAX_NODES": str(100 * max(sizes))}
    with tempfile.TemporaryDirectory() as tmp:
        plans = {}
        for n in sizes:
            plans[n] = synth.write_plan(Path(tmp) / f"plan{n}", tasks=n, units=max(50, n // 5))
        results: dict[tuple[str, str, int], tuple[float | None, int | None]] = {}
        given_up: set[tuple[str, str]] = set()
        for n in sizes:
            for name, nmx in installs:  # warm each installation's cache for this plan
                warm = subprocess.run([nmx, "validate", str(plans[n])], env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, timeout=max(timeout, 600), check=False)
                if warm.returncode != 0:
                    raise SystemExit(f"{name}: the {n}-task plan does not validate:\n{warm.stderr.decode(errors='replace')}")
            for label, args in commands:
                # the installations' runs interleaved (this machine's speed drifts within minutes),
                # each into its own folder: its first report is built fresh, the next over its last
                live = [(name, nmx) for name, nmx in installs if (label, name) not in given_up]
                samples: dict[str, list] = {name: [] for name, _ in live}
                run_env = {**env, **COLD_ENV.get(label, {})}
                for _ in range(runs if n != sizes[-1] or len(sizes) == 1 else 1):
                    for name, nmx in live:
                        if samples[name] and samples[name][-1][0] is None:
                            continue
                        out = Path(tmp) / f"out-{name}-{n}"  # a size's report rebuilds over its own, not a smaller plan's
                        out.mkdir(exist_ok=True)
                        samples[name].append(run_rss([nmx, *fill(args, plans[n], out)], run_env, timeout))
                for name, _ in live:
                    if any(s[0] is None for s in samples[name]):
                        results[(label, name, n)] = (None, None)
                        given_up.add((label, name))
                    else:
                        results[(label, name, n)] = (statistics.median(s[0] for s in samples[name]),
                                                     max(s[1] or 0 for s in samples[name]))
                    print(f"  {n:>7} tasks  {name:<8} {label:<28} {_cell(results[(label, name, n)], timeout)}",
                          file=sys.stderr, flush=True)
            for name, _ in installs:  # the 100k plan's site is 20 GB: one size's outputs at a time
                shutil.rmtree(Path(tmp) / f"out-{name}-{n}", ignore_errors=True)
        _table(sizes, installs, results, timeout, commands)


def _short(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def _cell(result: tuple[float | None, int | None], timeout: float) -> str:
    took, rss = result
    if took is None:
        return f"> {timeout:.0f} s"
    return f"{took:.2f} s, {rss} MB" if rss is not None else f"{took:.2f} s"


def _table(sizes, installs, results, timeout, commands) -> None:
    heads = [f"{n:,} tasks" for n in sizes] + [f"growth {_short(a)}→{_short(b)}" for a, b in zip(sizes, sizes[1:])]
    print("\n| command | nmx | " + " | ".join(heads) + " |")
    print("|---|---|" + "---|" * len(heads))
    for label, _ in commands:
        for name, _ in installs:
            cells = [_cell(results.get((label, name, n), (None, None)), timeout) for n in sizes]
            growth = []
            for a, b in zip(sizes, sizes[1:]):
                ta, tb = results.get((label, name, a), (None,))[0], results.get((label, name, b), (None,))[0]
                growth.append(f"{math.log(tb / ta) / math.log(b / a):.2f}" if ta and tb else "—")
            print(f"| {label} | {name} | " + " | ".join(cells + growth) + " |")


def _with_records(folder: Path, n: int = 5000) -> Path:
    """A copy of the bundled plan with `n` records (bench_supervision.year_of_records)."""
    from bench_supervision import year_of_records

    shutil.copytree(DATA, folder)
    (folder / "records.yaml").write_text(year_of_records(n), encoding="utf-8")
    return folder


def cold(runs: int, installs: list[tuple[str, str]], env: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        records = _with_records(Path(tmp) / "records")
        _cold_table(runs, installs, env, records)


def _cold_table(runs: int, installs: list[tuple[str, str]], env: dict[str, str], records: Path) -> None:
    rows = []
    for label, template, floor in EVERYDAY:
        args = [a.replace("{records}", str(records)) for a in template]
        states = (("cold", {"NMX_NO_CACHE": "1"}), ("warm", {}))
        for state, extra in states[1:] if label in WARM_ONLY else states:
            sides = [[nmx, *args] for _, nmx in installs] + [[PY, "-c", f"import {floor}"]]
            rows.append((label, state, floor, _medians(sides, runs, {**env, **extra})))
    _print_cold(rows, [name for name, _ in installs], runs)


def _medians(sides: list[list[str]], runs: int, env: dict[str, str]) -> list[float]:
    """Median seconds of each command, run in turn `runs` times after one warm-up run each."""
    for cmd in sides:
        timed(cmd, env=env)
    times: list[list[float]] = [[] for _ in sides]
    for _ in range(runs):
        for i, cmd in enumerate(sides):
            times[i].append(timed(cmd, env=env))
    return [statistics.median(t) for t in times]


def _print_cold(rows: list, names: list[str], runs: int) -> None:
    print("\n| command (bundled plan) | cache | floor | floor ms | " +
          " | ".join(f"{n} ms | {n} ratio" for n in names) + " |")
    print("|---|---|---|---|" + "---|---|" * len(names))
    for label, state, floor, medians in rows:
        *ours, base = medians
        cells = " | ".join(f"{t * 1000:.0f} | {t / base:.2f}x" for t in ours)
        print(f"| {label} | {state} | import {floor} | {base * 1000:.0f} | {cells} |")
    print(f"({runs} interleaved runs each; cold = NMX_NO_CACHE=1, the first run after an edit;"
          " targets: cold <= 1.5x, warm <= 1.1x; output to /dev/null, as in a script)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="task counts, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--cold-runs", type=int, default=10)
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-cold", action="store_true")
    parser.add_argument("--only", help="comma-separated words: only the commands whose label has one (e.g. report,xlsx)")
    parser.add_argument("--against", type=Path, help="another installation's python: its nmx runs beside ours")
    args = parser.parse_args()
    installs = [("this", NMX)]
    if args.against:
        installs.append(("against", str(args.against.parent / "nmx")))
    sizes = sorted(int(s) for s in args.sizes.split(","))
    with bench_env(COLUMNS="100") as env:
        if not args.skip_scale:
            words = [w.strip() for w in (args.only or "").split(",") if w.strip()]
            commands = [c for c in SCALE if not words or any(w in c[0] for w in words)]
            scale(sizes, args.runs, args.timeout, installs, env, commands)
        if not args.skip_cold:
            cold(args.cold_runs, installs, env)


if __name__ == "__main__":
    main()
