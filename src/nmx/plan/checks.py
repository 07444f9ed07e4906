"""Stage two of validation: named checks over the models, each returning problems.

A check is a function `(Context) -> Iterable[Problem]` registered with `@check(rule, …)`,
naming every rule id its problems carry: `CHECKS[rule]` is the code behind `[rule]` in a
message (as yamllint keys its rules by `ID`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from nmx.i18n import t
from nmx.plan.yaml_reader import Document
from nmx.plan.models import Deadline, Once, Quota, Window
from nmx.plan.plan import Plan, Ref, normalize
from nmx.problems import Level, Problem


@dataclass
class Context:
    plan: Plan
    tasks: Document
    departments: Document


Check = Callable[[Context], Iterable[Problem]]
CHECKS: dict[str, Check] = {}


def check(*rules: str) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        for rule in rules:
            CHECKS[rule] = fn
        return fn

    return register


def run_checks(ctx: Context) -> list[Problem]:
    return [p for fn in dict.fromkeys(CHECKS.values()) for p in fn(ctx)]  # each check once, in order


_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


def _id_lists(ctx: Context) -> Iterable[tuple[Document, str, tuple]]:
    yield ctx.departments, "units", ctx.plan.units
    yield ctx.departments, "groups", ctx.plan.groups
    yield ctx.departments, "actions", ctx.plan.actions
    yield ctx.tasks, "tasks", ctx.plan.tasks


@check("duplicate-id")
def duplicate_ids(ctx: Context) -> Iterable[Problem]:
    seen: dict[str, int] = {}  # units and groups share one namespace: members name either
    for doc, key, items in _id_lists(ctx):
        if key in ("actions", "tasks"):
            seen = {}
        for i, item in enumerate(items):
            path = (key, i, "id")
            if item.id in seen:
                yield doc.problem(path, "duplicate-id", t("duplicate_id", id=item.id, line=seen[item.id]))
            else:
                seen[item.id] = doc.where(path)[0]
    for i, task in enumerate(ctx.plan.tasks):
        ids: dict[str, int] = {}
        for j, sched in enumerate(task.schedules):
            path = ("tasks", i, "schedules", j, "id")
            if sched.id is None:
                continue
            if sched.id in ids:
                yield ctx.tasks.problem(path, "duplicate-id", t("duplicate_id", id=sched.id, line=ids[sched.id]))
            ids[sched.id] = ctx.tasks.where(path)[0]


@check("bad-id")
def bad_ids(ctx: Context) -> Iterable[Problem]:
    for doc, key, items in _id_lists(ctx):
        for i, item in enumerate(items):
            if not _ID.match(item.id):
                yield doc.problem((key, i, "id"), "bad-id", t("bad_id", id=item.id, why="[A-Za-z0-9_.-]"))


def _references(ctx: Context) -> Iterable[tuple[Document, tuple, str]]:
    """Every place a unit or group is named, with its path."""
    for i, task in enumerate(ctx.plan.tasks):
        for role in ("lead", "support"):
            for j, name in enumerate(getattr(task, role)):
                yield ctx.tasks, ("tasks", i, role, j), name
        for j, sched in enumerate(task.schedules):
            if sched.deliver_to is not None:
                yield ctx.tasks, ("tasks", i, "schedules", j, "deliver_to"), sched.deliver_to
    for i, group in enumerate(ctx.plan.groups):
        for key in ("members", "excluding"):
            for j, name in enumerate(getattr(group, key)):
                yield ctx.departments, ("groups", i, key, j), name
    for i, action in enumerate(ctx.plan.actions):
        for j, name in enumerate(action.lead):
            yield ctx.departments, ("actions", i, "lead", j), name


@check("unknown-unit")
def unknown_units(ctx: Context) -> Iterable[Problem]:
    for doc, path, name in _references(ctx):
        if ctx.plan.resolve(name) is None:
            yield doc.problem(path, "unknown-unit", t("unknown_unit", name=name))


@check("group-cycle")
def group_cycles(ctx: Context) -> Iterable[Problem]:
    plan = ctx.plan

    def children(gid: str) -> list[str]:
        refs = [plan.resolve(n) for n in plan.group_by_id[gid].members]
        return [r.id for r in refs if r is not None and r.kind == "group"]

    for i, group in enumerate(plan.groups):
        stack = [(c, [group.id, c]) for c in children(group.id)]
        seen: set[str] = set()
        while stack:
            gid, chain = stack.pop()
            if gid == group.id:
                yield ctx.departments.problem(
                    ("groups", i, "members"), "group-cycle", t("group_cycle", id=group.id, chain=" → ".join(chain))
                )
                break
            if gid in seen or gid not in plan.group_by_id:
                continue
            seen.add(gid)
            stack.extend((c, chain + [c]) for c in children(gid))


@check("task-no-lead")
def tasks_without_lead(ctx: Context) -> Iterable[Problem]:
    for i, task in enumerate(ctx.plan.tasks):
        if not task.lead:
            yield ctx.tasks.problem(("tasks", i, "lead"), "task-no-lead", t("task_no_lead", id=task.id))


@check("name-clash", "alias-clash", "unit-group-clash")
def name_clashes(ctx: Context) -> Iterable[Problem]:
    owners: dict[str, Ref] = {}
    for path, ref, name in _names(ctx.plan):
        other = owners.setdefault(normalize(name), ref)
        if other == ref:
            continue
        if other.kind != ref.kind:
            yield ctx.departments.problem(path, "unit-group-clash", t("unit_group_clash", name=name))
        elif path[-1] in ("name", "full_name"):
            yield ctx.departments.problem(path, "name-clash", t("name_clash", name=name, a=other.id, b=ref.id))
        else:
            yield ctx.departments.problem(path, "alias-clash", t("alias_clash", alias=name, a=other.id, b=ref.id))


def _names(plan: Plan) -> Iterable[tuple[tuple, Ref, str]]:
    """Every name field of every unit, then of every group, with its path (as `unit_names` orders them)."""
    for i, unit in enumerate(plan.units):
        ref = Ref("unit", unit.id)
        for key in ("id", "name", "full_name", "short_name"):
            if getattr(unit, key):
                yield ("units", i, key), ref, getattr(unit, key)
        for key in ("aliases", "former_names"):
            for j, name in enumerate(getattr(unit, key)):
                yield ("units", i, key, j), ref, name
    for i, group in enumerate(plan.groups):
        ref = Ref("group", group.id)
        yield ("groups", i, "id"), ref, group.id
        yield ("groups", i, "name"), ref, group.name
        for j, name in enumerate(group.aliases):
            yield ("groups", i, "aliases", j), ref, name


@check("invisible-char")
def invisible_chars(ctx: Context) -> Iterable[Problem]:
    """A zero-width or bidi character makes a name that looks like another and is not."""
    from nmx.safetext import INVISIBLE

    for path, _ref, name in _names(ctx.plan):
        found = INVISIBLE.search(name)
        if found is not None:
            yield ctx.departments.problem(path, "invisible-char",
                                          t("invisible_char", name=name.encode("unicode_escape").decode("ascii"),
                                            char=f"U+{ord(found.group()):04X}"))


@check("group-empty")
def empty_groups(ctx: Context) -> Iterable[Problem]:
    for i, group in enumerate(ctx.plan.groups):
        if group.members_listed and not ctx.plan.members(group.id):
            yield ctx.departments.problem(("groups", i), "group-empty", t("group_empty", id=group.id), Level.WARNING)


@check("date-outside", "date-range", "period-order", "bad-after", "bad-quota", "bad-relative", "bad-rrule",
       "rrule-empty", "assumed-without-note")
def schedules(ctx: Context) -> Iterable[Problem]:
    from nmx.plan.models import EARLIEST, LATEST
    from nmx.plan.rules import period_bounds

    meta = ctx.plan.meta
    for key in ("start", "end"):
        value = getattr(meta.period, key)
        if not EARLIEST <= value <= LATEST:  # every schedule is computed from the period
            yield ctx.tasks.problem(("plan", "period", key), "date-range",
                                    t("date_out_of_range", value=value, earliest=EARLIEST, latest=LATEST))
            return
    start, end = period_bounds(meta)
    if meta.period.start > meta.period.end:
        yield ctx.tasks.problem(("plan", "period"), "period-order", t("period_order", start=start.date(), end=end.date()))
        return
    for i, task in enumerate(ctx.plan.tasks):
        windows = {s.id: s for s in task.schedules if isinstance(s, (Window, Quota)) and s.id}
        for j, sched in enumerate(task.schedules):
            path = ("tasks", i, "schedules", j)
            if sched.basis == "assumed" and not sched.note:  # every assumption is data with a note
                yield ctx.tasks.problem(path + ("basis",), "assumed-without-note", t("assumed_without_note"),
                                        Level.WARNING)
            if isinstance(sched, (Window, Quota)):
                yield from _recurring(ctx, sched, path, start, end)
            elif isinstance(sched, Deadline):
                yield from _deadline(ctx, sched, windows.get(sched.after), path, start, end)
            elif isinstance(sched, Once):
                for key in ("date", "start"):
                    value = getattr(sched, key)
                    if value is not None and not meta.period.start <= value <= meta.period.end:
                        yield ctx.tasks.problem(
                            path + (key,), "date-outside",
                            t("date_outside", date=value, start=start.date(), end=end.date()),
                        )


def _recurring(ctx: Context, sched: Window | Quota, path: tuple, start: dt.datetime, end: dt.datetime) -> Iterable[Problem]:
    if isinstance(sched, Quota) and sched.count < 1:
        yield ctx.tasks.problem(path + ("count",), "bad-quota", t("bad_quota", count=sched.count))
    try:
        first = _first_occurrence(sched.rrule, start)
    except _BadRule as exc:
        yield ctx.tasks.problem(path + ("rrule",), "bad-rrule", t("bad_rrule", error=exc))
        return
    if first is None or first > end:
        yield ctx.tasks.problem(path + ("rrule",), "rrule-empty", t("rrule_empty"), Level.WARNING)


def _deadline(
    ctx: Context, sched: Deadline, window: Window | Quota | None, path: tuple, start: dt.datetime, end: dt.datetime
) -> Iterable[Problem]:
    from dateutil.relativedelta import relativedelta

    if window is None:
        yield ctx.tasks.problem(path + ("after",), "bad-after", t("bad_after", ref=sched.after))
        return
    if sched.due.day is not None and not 1 <= sched.due.day <= 31:
        yield ctx.tasks.problem(path + ("due", "day"), "bad-relative", t("bad_relative", error=sched.due.day))
        return
    due = sched.due
    try:  # the offset must give a real date from every window in the period
        for opening in (start, end):
            opening + relativedelta(months=due.months, weeks=due.weeks, days=due.days, day=due.day)
    except (ValueError, OverflowError) as exc:
        yield ctx.tasks.problem(path + ("due",), "bad-relative", t("bad_relative", error=exc))


class _BadRule(Exception):
    pass


@lru_cache(maxsize=1024)
def _first_occurrence(rule: str, start: dt.datetime) -> dt.datetime | None:
    """First date of `rule` on or after `start` (its DTSTART unless the rule has one); _BadRule if it does not parse.

    Cached: a large plan repeats the same few rules thousands of times.
    """
    from dateutil.rrule import rrulestr

    from nmx.plan.rules import rrule_error

    error = rrule_error(rule)
    if error:
        raise _BadRule(error)
    try:
        return rrulestr(rule, dtstart=start, forceset=True).after(start, inc=True)
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        raise _BadRule(" ".join(str(exc).split())) from None


@check("bad-same-as")
def restatements(ctx: Context) -> Iterable[Problem]:
    """`same_as` must name another clause's entry of the same kind, which is not itself a restatement."""
    from nmx.plan.obligations import parse_ref

    plan = ctx.plan
    for i, task in enumerate(plan.tasks):
        for j, sched in enumerate(task.schedules):
            if not sched.same_as:
                continue
            path = ("tasks", i, "schedules", j, "same_as")
            target = parse_ref(plan, sched.same_as)
            if target is None or target[0] == task.id:
                yield ctx.tasks.problem(path, "bad-same-as", t("bad_same_as", ref=sched.same_as))
                continue
            other = plan.task_by_id[target[0]].schedules[target[1]]
            if other.same_as:
                yield ctx.tasks.problem(path, "bad-same-as", t("same_as_chain", ref=sched.same_as, other=other.same_as))
            elif other.kind != sched.kind:
                yield ctx.tasks.problem(path, "bad-same-as", t("same_as_kind", ref=sched.same_as, kind=other.kind,
                                                              own=sched.kind))


@check("bad-related")
def related_tasks(ctx: Context) -> Iterable[Problem]:
    for i, task in enumerate(ctx.plan.tasks):
        for j, ref in enumerate(task.related):
            if ref not in ctx.plan.task_by_id:
                yield ctx.tasks.problem(("tasks", i, "related", j), "bad-related", t("bad_related", ref=ref))


@check("bad-timezone")
def timezone(ctx: Context) -> Iterable[Problem]:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(ctx.plan.meta.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Asia" is a folder of the tz database
        yield ctx.tasks.problem(("plan", "timezone"), "bad-timezone", t("bad_timezone", tz=ctx.plan.meta.timezone))
