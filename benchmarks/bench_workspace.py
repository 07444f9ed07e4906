"""Benchmark for the roll-up (issue 14 point 4): `nmx status --workspace` beside `nmx status`.

The workspace: the bundled city plan and one `nmx subplan` draft for each of its county-kind
units (eight), each county with one record of its inherited focus month (M2.1/focus, 2023-05)
in its own records.yaml. Both sides run warm (the plan cache filled by a warm-up run), as
`--month 2023-05 --today 2023-06-08 --format json`, interleaved, median of N runs each:

- single plan: `nmx status --data city` (the city's records only);
- workspace: `nmx status --workspace WS` (the city's records and the eight counties', rolled up).

Usage: python benchmarks/bench_workspace.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from _bench import DATA, NMX, bench_env, side_by_side, timed

ASK = ["--month", "2023-05", "--today", "2023-06-08", "--format", "json"]


def counties(env: dict[str, str]) -> list[tuple[str, str]]:
    """(id, name) of every county-kind unit of the bundled plan."""
    out = subprocess.run([NMX, "departments", "--kind", "county", "-f", "json", "--data", str(DATA)],
                         capture_output=True, text=True, env=env, check=True).stdout
    return [(u["id"], u["name"]) for u in json.loads(out)["departments"]]


def workspace(root: Path, env: dict[str, str]) -> Path:
    """city/ (the bundled plan), one drafted plan per county, nmx.yaml listing them all."""
    shutil.copytree(DATA, root / "city")
    lines = ["plans:", "  - path: city", "    role: city"]
    for unit_id, name in counties(env):
        folder = root / unit_id
        timed([NMX, "subplan", name, "--from", str(root / "city"), "-o", str(folder)], env=env)
        tasks = (folder / "tasks.yaml").read_text(encoding="utf-8")
        lead = next(ln.strip()[2:] for ln in tasks.splitlines() if ln.strip().endswith("待定牵头单位"))
        if "id: M2.1" in tasks:
            timed([NMX, "done", "M2.1", "--item", "focus", "--dept", lead, "--period", "2023-05",
                   "--on", "2023-05-20", "--today", "2023-06-01", "--data", str(folder)], env=env)
        lines += [f"  - path: {unit_id}", "    role: county", f"    unit: {unit_id}"]
    (root / "nmx.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if args.runs < 5:
        parser.error("--runs must be at least 5")
    with bench_env(NO_COLOR="1", COLUMNS="100") as env, tempfile.TemporaryDirectory() as tmp:
        root = workspace(Path(tmp), env)
        n = len(list(root.glob("*/tasks.yaml"))) - 1
        sides = [[NMX, "status", "--data", str(root / "city"), *ASK], [NMX, "status", "--workspace", str(root), *ASK]]
        ws, single, first = side_by_side(sides[1], sides[0], args.runs, env)
        print(f"city plan + {n} county plans; median of {args.runs} interleaved runs")
        print("| case | median |")
        print("|---|---|")
        print(f"| nmx status --data city (single plan) | {single * 1000:.0f} ms |")
        print(f"| nmx status --workspace ({1 + n} plans, rolled up) | {ws * 1000:.0f} ms |")
        print(f"| ratio workspace / single | {ws / single:.2f}x |")
        print(f"(first (warm-up) run of the workspace: {first * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
