"""Benchmark for receipts (issue 15 part 1): a month's round trip for every unit, timed step by step.

One round, on a fresh copy of the bundled plan:
1. `nmx export receipt --all --month 2023-05 -o DIR` (one workbook per owing unit);
2. every row of every receipt filled in with openpyxl (in this process: what the units do);
3. `nmx import records DIR/*.xlsx` (one locked, atomic append per file);
4. `nmx status --month 2023-05` on the result.
Each round is run alternately with one plain `nmx status --month 2023-05` on the bundled plan
(same machine load), and the median of the whole round trip is reported as a ratio to the
median status run. No threshold: the figures are for the notes that close the issue.

Usage: python benchmarks/bench_receipts.py [--runs N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from _bench import DATA, NMX, bench_env, timed

MONTH, TODAY = "2023-05", "2023-06-10"


def fill(folder: Path) -> int:
    """Fill 完成日期 and 佐证 on every row of every receipt in `folder`; the rows filled."""
    import openpyxl

    rows = 0
    for path in sorted(folder.glob("*.xlsx")):
        wb = openpyxl.load_workbook(path)
        ws = wb[dict(wb["nmx"].iter_rows(values_only=True))["sheet"]]
        header = next(r for r in ws.iter_rows(min_row=1, max_row=10) if any(c.value == "nmx:task" for c in r))
        cols = {c.value: c.column for c in header if c.value}
        for r in range(header[0].row + 1, ws.max_row + 1):
            ws.cell(r, cols["完成日期"]).value = dt.date(2023, 5, 8 + r % 20)
            ws.cell(r, cols["佐证（链接或文件名）"]).value = f"{path.stem}-{r}.pdf"
            rows += 1
        wb.save(path)
    return rows


def round_trip(tmp: Path, i: int, env: dict[str, str]) -> dict[str, float]:
    data, out = tmp / f"data{i}", tmp / f"receipts{i}"
    shutil.copytree(DATA, data)
    steps = {"export": timed([NMX, "export", "receipt", "--all", "--month", MONTH, "-o", str(out), "--data", str(data)],
                             env=env)}
    start = time.perf_counter()
    steps["rows"] = fill(out)
    steps["fill"] = time.perf_counter() - start
    files = sorted(str(p) for p in out.glob("*.xlsx"))
    steps["files"] = len(files)
    steps["import"] = timed([NMX, "import", "records", *files, "--today", TODAY, "--data", str(data)], env=env)
    steps["status"] = timed([NMX, "status", "--month", MONTH, "--today", TODAY, "--data", str(data)], env=env)
    steps["total"] = steps["export"] + steps["fill"] + steps["import"] + steps["status"]
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    status = [NMX, "status", "--month", MONTH, "--today", TODAY]
    with bench_env(NO_COLOR="1") as env, tempfile.TemporaryDirectory() as tmp:
        round_trip(Path(tmp), -1, env)  # warms the plan cache and the OS file cache
        timed(status, env=env)
        rounds, plain = [], []
        for i in range(args.runs):
            rounds.append(round_trip(Path(tmp), i, env))
            plain.append(timed(status, env=env))
        med = {k: statistics.median(r[k] for r in rounds) for k in ("export", "fill", "import", "status", "total")}
        base = statistics.median(plain)
        first = rounds[0]
        print(f"round trip {MONTH}, all units: {first['files']:.0f} receipts, {first['rows']:.0f} rows "
              f"(medians of {args.runs} rounds)")
        for step, label in (("export", "nmx export receipt --all"), ("fill", "fill every row (openpyxl)"),
                            ("import", "nmx import records (all files)"), ("status", "nmx status --month")):
            print(f"  {label:34} {med[step] * 1000:7.0f} ms")
        print(f"  {'whole round trip':34} {med['total'] * 1000:7.0f} ms")
        print(f"one nmx status --month {MONTH}: median {base * 1000:.0f} ms; round trip / status = "
              f"{med['total'] / base:.2f}x ({args.runs} interleaved runs each)")


if __name__ == "__main__":
    main()
