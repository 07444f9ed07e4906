"""Stage two of validation: named checks over the models, each returning problems.

A check is a function `(Context) -> Iterable[Problem]` registered with `@check(rule, …)`,
naming every rule id its problems carry: `CHECKS[rule]` is the code behind `[rule]` in a
message (as yamllint keys its rules by `ID`).

The checks also run on a partial plan: when a file is not valid as a whole, the plan is
built from the items that validated one by one (`validation.Part`) and `Context.gaps`
says what is missing, so one run reports every problem it can. A check on a partial plan
must not report what only the missing parts would explain:

- per-item checks (bad-id, task-no-lead, invisible-char, the schedule checks within one
  task) and the checks that compare the kept items with each other (duplicate-id,
  name-clash, group-cycle) are safe: a missing item can hide a finding, never make one;
- unknown-unit is not reported for a name that any text of a unit or group that failed
  validation could be (nor at all when the units or groups section is lost, or a failed
  unit or group has no trustworthy id and name: it could be named anything);
- bad-related and bad-same-as are not reported for a task id a failed task could have;
- group-empty is not reported while any unit or group is missing (its members may be);
- the schedule checks and bad-timezone need the `plan` header: without it they do not run.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import field
from functools import lru_cache

from nmx.i18n import t
from nmx.lazyclass import dataclass
from nmx.plan.yaml_reader import Document
from nmx.plan.models import Deadline, Once, Quota, Window
from nmx.plan.plan import Plan, Ref, normalize
from nmx.problems import Level, Problem


@dataclass
class Gaps:
    """What a partial plan lacks (see the module's docstring), section by section."""

    index: dict[str, tuple[int, ...]] = field(default_factory=dict)  # position in the file of each kept item
    failed: dict[str, list] = field(default_factory=dict)  # the data of each item that did not validate
    lost: set[str] = field(default_factory=set)  # sections nothing of which validated
    vague: set[str] = field(default_factory=set)  # sections with a failed item whose name is not known

    def texts(self, *sections: str) -> set[str] | None:
        """Every text in the failed items of `sections`, normalized; None (any name) when a
        section is lost or has a failed item whose name is not known."""
        if self.lost.intersection(sections) or self.vague.intersection(sections):
            return None
        out: set[str] = set()
        stack = [item for s in sections for item in self.failed.get(s, ())]
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                stack.extend(value.values())
            elif isinstance(value, list):
                stack.extend(value)
            elif value is not None:
                out.add(normalize(str(value)))
        return out


@dataclass
class Context:
    plan: Plan
    tasks: Document
    departments: Document
    gaps: Gaps | None = None  # None: the plan is whole

    def each(self, section: str, items: tuple) -> Iterable[tuple[int, object]]:
        """`items` (the plan's kept `section`) with each one's position in the file."""
        index = self.gaps.index.get(section) if self.gaps else None
        return zip(index, items) if index is not None else enumerate(items)

    def whole(self, *sections: str) -> bool:
        return self.gaps is None or not (self.gaps.lost.intersection(sections)
                                         or any(self.gaps.failed.get(s) for s in sections))

    def might_be(self, name: str, *sections: str) -> bool:
        """Whether `name` could name an item of `sections` that failed validation."""
        if self.gaps is None:
            return False
        texts = self.gaps.texts(*sections)
        return texts is None or normalize(name) in texts


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
        for i, item in ctx.each(key, items):
            path = (key, i, "id")
            if item.id in seen:
                yield doc.problem(path, "duplicate-id", t("duplicate_id", id=item.id, line=seen[item.id]))
            else:
                seen[item.id] = doc.where(path)[0]
    for i, task in ctx.each("tasks", ctx.plan.tasks):
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
        for i, item in ctx.each(key, items):
            if not _ID.match(item.id):
                yield doc.problem((key, i, "id"), "bad-id", t("bad_id", id=item.id, why="[A-Za-z0-9_.-]"))


def _references(ctx: Context) -> Iterable[tuple[Document, tuple, str]]:
    """Every place a unit or group is named, with its path."""
    for i, task in ctx.each("tasks", ctx.plan.tasks):
        for role in ("lead", "support"):
            for j, name in enumerate(getattr(task, role)):
                yield ctx.tasks, ("tasks", i, role, j), name
        for j, sched in enumerate(task.schedules):
            if sched.deliver_to is not None:
                yield ctx.tasks, ("tasks", i, "schedules", j, "deliver_to"), sched.deliver_to
    for i, group in ctx.each("groups", ctx.plan.groups):
        for key in ("members", "excluding"):
            for j, name in enumerate(getattr(group, key)):
                yield ctx.departments, ("groups", i, key, j), name
    for i, action in ctx.each("actions", ctx.plan.actions):
        for j, name in enumerate(action.lead):
            yield ctx.departments, ("actions", i, "lead", j), name


@check("unknown-unit")
def unknown_units(ctx: Context) -> Iterable[Problem]:
    for doc, path, name in _references(ctx):
        if ctx.plan.resolve(name) is None and not ctx.might_be(name, "units", "groups"):
            yield doc.problem(path, "unknown-unit", unknown_unit_message(ctx.plan, name))


def unknown_unit_message(plan: Plan, name: str) -> str:
    """The unknown name, with what `nmx duties` would find or suggest for it."""
    from nmx.plan.names import candidates

    found = candidates(plan, name)
    if not found:
        return t("unknown_unit", name=name)
    return t("unknown_unit_suggest", name=name, suggestion=t("v:sep").join(found))


@check("group-cycle")
def group_cycles(ctx: Context) -> Iterable[Problem]:
    plan = ctx.plan

    def children(gid: str) -> list[str]:
        refs = [plan.resolve(n) for n in plan.group_by_id[gid].members]
        return [r.id for r in refs if r is not None and r.kind == "group"]

    for i, group in ctx.each("groups", plan.groups):
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
    for i, task in ctx.each("tasks", ctx.plan.tasks):
        if not task.lead:
            yield ctx.tasks.problem(("tasks", i, "lead"), "task-no-lead", t("task_no_lead", id=task.id))


@check("name-clash", "alias-clash", "unit-group-clash")
def name_clashes(ctx: Context) -> Iterable[Problem]:
    owners: dict[str, Ref] = {}
    for path, ref, name in _names(ctx):
        other = owners.setdefault(normalize(name), ref)
        if other == ref:
            continue
        if other.kind != ref.kind:
            yield ctx.departments.problem(path, "unit-group-clash", t("unit_group_clash", name=name))
        elif path[-1] in ("name", "full_name"):
            yield ctx.departments.problem(path, "name-clash", t("name_clash", name=name, a=other.id, b=ref.id))
        else:
            yield ctx.departments.problem(path, "alias-clash", t("alias_clash", alias=name, a=other.id, b=ref.id))


def _names(ctx: Context) -> Iterable[tuple[tuple, Ref, str]]:
    """Every name field of every unit, then of every group, with its path (as `unit_names` orders them)."""
    for i, unit in ctx.each("units", ctx.plan.units):
        ref = Ref("unit", unit.id)
        for key in ("id", "name", "full_name", "short_name"):
            if getattr(unit, key):
                yield ("units", i, key), ref, getattr(unit, key)
        for key in ("aliases", "former_names"):
            for j, name in enumerate(getattr(unit, key)):
                yield ("units", i, key, j), ref, name
    for i, group in ctx.each("groups", ctx.plan.groups):
        ref = Ref("group", group.id)
        yield ("groups", i, "id"), ref, group.id
        yield ("groups", i, "name"), ref, group.name
        for j, name in enumerate(group.aliases):
            yield ("groups", i, "aliases", j), ref, name


@check("invisible-char")
def invisible_chars(ctx: Context) -> Iterable[Problem]:
    """A zero-width or bidi character makes a name that looks like another and is not."""
    from nmx.safetext import INVISIBLE

    for path, _ref, name in _names(ctx):
        found = INVISIBLE.search(name)
        if found is not None:
            yield ctx.departments.problem(path, "invisible-char",
                                          t("invisible_char", name=name.encode("unicode_escape").decode("ascii"),
                                            char=f"U+{ord(found.group()):04X}"))


@check("group-empty")
def empty_groups(ctx: Context) -> Iterable[Problem]:
    if not ctx.whole("units", "groups"):  # a missing unit or group may be a member
        return
    for i, group in ctx.each("groups", ctx.plan.groups):
        if group.members_listed and not ctx.plan.members(group.id):
            yield ctx.departments.problem(("groups", i), "group-empty", t("group_empty", id=group.id), Level.WARNING)


@check("date-outside", "date-range", "period-order", "bad-after", "bad-quota", "bad-relative", "bad-rrule",
       "rrule-empty", "assumed-without-note")
def schedules(ctx: Context) -> Iterable[Problem]:
    from nmx.plan.models import EARLIEST, LATEST
    from nmx.plan.rules import period_bounds

    meta = ctx.plan.meta
    if meta is None:  # a partial plan without its header: no period to check against
        return
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
    for i, task in ctx.each("tasks", ctx.plan.tasks):
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
    for i, task in ctx.each("tasks", plan.tasks):
        for j, sched in enumerate(task.schedules):
            if not sched.same_as:
                continue
            path = ("tasks", i, "schedules", j, "same_as")
            target = parse_ref(plan, sched.same_as)
            if target is None and ctx.might_be(sched.same_as.partition("/")[0], "tasks"):
                continue
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
    for i, task in ctx.each("tasks", ctx.plan.tasks):
        for j, ref in enumerate(task.related):
            if ref not in ctx.plan.task_by_id and not ctx.might_be(ref, "tasks"):
                yield ctx.tasks.problem(("tasks", i, "related", j), "bad-related", t("bad_related", ref=ref))


@check("bad-timezone")
def timezone(ctx: Context) -> Iterable[Problem]:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if ctx.plan.meta is None:
        return
    try:
        ZoneInfo(ctx.plan.meta.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Asia" is a folder of the tz database
        yield ctx.tasks.problem(("plan", "timezone"), "bad-timezone", t("bad_timezone", tz=ctx.plan.meta.timezone))


@check("needs-review")
def needs_review(ctx: Context) -> Iterable[Problem]:
    """What `nmx import` drafted and marked `needs_review`: a warning each until a person checks it
    (so `nmx validate --strict` fails on an unreviewed draft)."""
    meta = ctx.plan.meta
    if meta is not None and meta.needs_review is not None:
        yield ctx.tasks.problem(("plan", "needs_review"), "needs-review",
                                t("needs_review", id="plan", why=meta.needs_review), Level.WARNING)
    for doc, key, items in _id_lists(ctx):
        if key == "actions":
            continue
        for i, item in ctx.each(key, items):
            if item.needs_review is not None:
                yield doc.problem((key, i, "needs_review"), "needs-review",
                                  t("needs_review", id=item.id, why=item.needs_review), Level.WARNING)
    for i, task in ctx.each("tasks", ctx.plan.tasks):
        for j, sched in enumerate(task.schedules):
            if sched.needs_review is not None:
                yield ctx.tasks.problem(("tasks", i, "schedules", j, "needs_review"), "needs-review",
                                        t("needs_review", id=f"{task.id}/{sched.id or j + 1}", why=sched.needs_review),
                                        Level.WARNING)


@check("draft")
def draft(ctx: Context) -> Iterable[Problem]:
    """A plan without a document number is a draft (`nmx new` makes one): said, never an error."""
    if ctx.plan.meta is not None and not ctx.plan.meta.doc_number.strip():
        yield ctx.tasks.problem(("plan", "doc_number"), "draft", t("draft_plan", year=ctx.plan.meta.year), Level.WARNING)


@check("inherits-without-parent")
def inherits_without_parent(ctx: Context) -> Iterable[Problem]:
    """`inherits` names a task of the parent plan: meaningless in a plan without `plan.parent`."""
    if ctx.plan.meta is None or ctx.plan.meta.parent is not None:
        return
    for i, task in ctx.each("tasks", ctx.plan.tasks):
        if task.inherits is not None:
            yield ctx.tasks.problem(("tasks", i, "inherits"), "inherits-without-parent",
                                    t("inherits_without_parent", id=task.id, task=task.inherits))
