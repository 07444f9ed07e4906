"""Generate a large, valid plan in nmx's own format, for benchmarks.

    python benchmarks/synth.py OUT_DIR [--tasks 10000] [--units 2000] [--seed 2023]

Writes OUT_DIR/tasks.yaml and OUT_DIR/departments.yaml. The same arguments give the
same bytes (seeded). The plan uses every feature the validator checks: units of every
kind with aliases and former names, nested groups, an `everyone` group, a group whose
members are not listed, actions, and tasks with lead and support lists naming units and
groups, related tasks and every schedule kind (window, deadline, quota, once, standing,
irregular, undated).

The `everyone` group is named by the same number of tasks at every size (`EVERYONE_TASKS`,
spread evenly), as a province's general duties are: drawn like any other name, it fell to 23, 25
and 38 tasks of the 1k, 10k and 100k plans, and as every unit owes those tasks, the 100k plan's
pages and calendars held a third more per unit than the 10k plan's, by chance alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

import yaml

KINDS = ["party", "government", "county", "media", "enterprise", "people", "finance", "office"]
RRULES = [
    "FREQ=MONTHLY;BYMONTH=2,5,8,11;BYMONTHDAY=1",
    "FREQ=MONTHLY;BYMONTHDAY=1",
    "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1",
    "FREQ=WEEKLY;BYDAY=MO",
    "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=1",
    "FREQ=MONTHLY;BYDAY=-1FR",
    "FREQ=MONTHLY;BYDAY=1MO,3MO",
    "FREQ=DAILY;INTERVAL=14",
]
SPANS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
YEAR = 2023
EVERYONE = "全部合成单位"
#: How many tasks name the `everyone` group, at every size (what drawing it gave on average).
EVERYONE_TASKS = 32


def departments(units: int, rng: random.Random) -> tuple[dict, list[str]]:
    """The departments file and the names tasks may use (unit and group names)."""
    unit_list = []
    for i in range(1, units + 1):
        unit = {"id": f"u{i:05d}", "name": f"合成单位{i:05d}", "full_name": f"六安市合成单位{i:05d}", "kind": KINDS[i % 8]}
        if i % 3 == 0:
            unit["aliases"] = [f"单位别名{i:05d}", f"别名乙{i:05d}"]
        if i % 7 == 0:
            unit["former_names"] = [f"旧名{i:05d}"]
        if i % 11 == 0:
            unit["note"] = "合成数据，不对应真实单位。"
        unit_list.append(unit)
    names = [u["name"] for u in unit_list]
    groups = [
        {"id": "everyone", "name": EVERYONE, "everyone": True, "excluding": [names[0]], "note": "除第一个单位外的全部单位"},
        {"id": "unlisted", "name": "未列名单的分组", "members_listed": False, "note": "成员未列出"},
    ]
    for g in range(1, max(2, units // 50) + 1):
        members = rng.sample(names, k=min(len(names), rng.randint(5, 40)))
        if g > 1 and g % 4 == 0:
            members.append(f"合成分组{g - 1:04d}")  # nested: the previous group
        groups.append({"id": f"g{g:04d}", "name": f"合成分组{g:04d}", "aliases": [f"分组别名{g:04d}"], "members": members,
                       "source": "合成"})
    actions = [{"id": f"X{i}", "name": f"合成行动{i}", "lead": rng.sample(names, k=2)} for i in range(1, 11)]
    group_names = [g["name"] for g in groups if g["id"] != "unlisted"]
    return {"units": unit_list, "groups": groups, "actions": actions}, names + group_names


def schedules(rng: random.Random, task: int) -> list[dict]:
    out: list[dict] = []
    kinds = ["window", "quota", "once", "standing", "irregular", "undated"]
    for n, kind in enumerate(rng.sample(kinds, k=rng.randint(1, 4))):
        base = {"what": f"事项{task}-{n}", "label": kind}
        if kind == "window":
            rule = rng.choice(RRULES)
            out.append({"id": f"w{n}", "kind": "window", **base, "rrule": rule, "span": SPANS[rule.split(";")[0][5:]]})
            out.append({"kind": "deadline", "what": f"报送{task}-{n}", "label": "次月7日前", "after": f"w{n}",
                        "due": {"months": 1, "day": 7}, "deliver_to": "合成单位00001"})
        elif kind == "quota":
            rule = rng.choice(RRULES)
            out.append({"id": f"q{n}", "kind": "quota", **base, "rrule": rule, "span": SPANS[rule.split(";")[0][5:]],
                        "count": rng.randint(1, 4)})
        elif kind == "once":
            day = dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
            out.append({"kind": "once", **base, "date": day, "source": "合成"})
        else:
            out.append({"kind": kind, **base, "note": "合成"} if rng.random() < 0.3 else {"kind": kind, **base})
    return out


def tasks(count: int, names: list[str], rng: random.Random) -> dict:
    plan = {
        "title": "合成的大型方案", "doc_number": "合成〔2023〕1号", "issuer": "合成发文单位", "issuer_short": "合成",
        "year": YEAR, "period": {"start": dt.date(YEAR, 1, 1), "end": dt.date(YEAR, 12, 31)},
        "timezone": "Asia/Shanghai", "source_document": "benchmarks/synth.py",
    }
    out = []
    every = max(1, count // EVERYONE_TASKS)
    for i in range(1, count + 1):
        task = {
            "id": f"T{i:05d}", "title": f"合成任务{i}", "source": f"合成 序号{i}",
            "text": f"合成任务{i}的原文：" + "宣传暖民心行动。" * rng.randint(1, 6),
            "lead": rng.sample(names, k=rng.randint(1, 3)),
            "support": rng.sample(names, k=rng.randint(0, 8)),
            "schedules": schedules(rng, i),
        }
        _name_everyone(task, (i // every) if i % every == 0 and i // every <= EVERYONE_TASKS else 0, names, i)
        if i > 1 and rng.random() < 0.2:
            task["related"] = [f"T{rng.randint(1, i - 1):05d}"]
        out.append(task)
    return {"plan": plan, "tasks": out}


def _name_everyone(task: dict, turn: int, names: list[str], n: int) -> None:
    """Take the `everyone` group out of what task `n` drew, and name it where `turn` (1, 2, …) says:
    as lead every third time, else as support. A lead left empty gets the list's n-th other name."""
    for role in ("lead", "support"):
        task[role] = [name for name in task[role] if name != EVERYONE]
    if turn:
        task["lead" if turn % 3 == 0 else "support"].append(EVERYONE)
    if not task["lead"]:
        task["lead"] = [next(name for name in names[n % len(names):] + names if name != EVERYONE)]


def dump(data: dict, path: Path, schema: str) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1_000_000, default_flow_style=None)
    path.write_text(f"# yaml-language-server: $schema={schema}\n# generated by benchmarks/synth.py\n{text}",
                    encoding="utf-8")


def generate(out: Path, n_tasks: int = 10_000, n_units: int = 2_000, seed: int = 2023) -> Path:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    depts, names = departments(n_units, rng)
    dump(depts, out / "departments.yaml", "departments.schema.json")
    dump(tasks(n_tasks, names, rng), out / "tasks.yaml", "tasks.schema.json")
    return out


def write_plan(out: Path, tasks: int = 10_000, units: int = 2_000, seed: int = 2023) -> Path:
    """`generate` under the keyword names some benchmarks use."""
    return generate(out, tasks, units, seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write tasks.yaml and departments.yaml into")
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args()
    generate(args.out, args.tasks, args.units, args.seed)
    print(f"{args.out}: {args.tasks} tasks, {args.units} units")


if __name__ == "__main__":
    main()
