"""The whole pipeline, file → loader → models → checks, with a cache of valid plans.

A plan whose bytes (and nmx version) were validated before is read back from the
user's cache folder (`nmx.plan.cache`: JSON, never code), skipping pydantic entirely: that
import and its validator build cost more than an interactive command may take. The
cache key is a SHA-256 of the bytes, so any edit validates afresh.
"""

from __future__ import annotations

from dataclasses import field

from nmx.bulk import paused_gc, settle
from nmx.lazyclass import dataclass
from nmx.plan import cache
from nmx.plan.extras import EXTRAS
from nmx.errors import DataError
from nmx.fileio import display
from nmx.i18n import t
from nmx.plan.models import DepartmentsFile, TasksFile
from nmx.plan.plan import Plan
from nmx.problems import Level, Problem
from nmx.plan.source import FILES, DataSource, read_files


@dataclass
class CachedPlan:
    """What the cache keeps of a valid plan: both files' models and the warnings found."""

    tasks: TasksFile
    departments: DepartmentsFile
    problems: tuple[Problem, ...]


@dataclass
class Result:
    source: DataSource
    plan: Plan | None
    problems: list[Problem] = field(default_factory=list)
    cached: bool = False
    key: str = ""  # the plan's cache key ('' without the cache); keys records/ledger entries too

    @property
    def errors(self) -> int:
        return sum(p.level is Level.ERROR for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.level is Level.WARNING for p in self.problems)


def validate_files(files: dict[str, bytes], names: dict[str, str]) -> tuple[Plan | None, list[Problem]]:
    """Validate the two files' bytes; `names` gives the file name shown in problems."""
    with paused_gc():  # a large plan is a million short-lived objects, none of them cyclic
        return _validate_files(files, names)


def _validate_files(files: dict[str, bytes], names: dict[str, str]) -> tuple[Plan | None, list[Problem]]:
    """Every problem of both files in one run: the checks run on whatever validated (a
    partial plan when some items did not, see `nmx.plan.checks`); the plan is None when
    any problem is an error."""
    from nmx.plan.checks import Context, Gaps, run_checks
    from nmx.plan.yaml_reader import parse
    from nmx.plan.validation import validate_part

    problems: list[Problem] = []
    docs, parts = {}, {}
    for name in FILES:
        doc = parse(files[name], names[name])
        docs[name] = doc
        problems.extend(doc.problems)
        parts[name], found = validate_part(doc, name)
        problems.extend(found)
    gaps = None
    if not all(part.whole for part in parts.values()):
        gaps = Gaps()
        for part in parts.values():
            gaps.index.update(part.index)
            gaps.failed.update(part.failed)
            gaps.lost |= part.lost
            gaps.vague |= part.vague
    plan = Plan.build(parts["tasks.yaml"].model, parts["departments.yaml"].model)
    problems.extend(run_checks(Context(plan, docs["tasks.yaml"], docs["departments.yaml"], gaps)))
    problems.sort(key=Problem.sort_key)
    if gaps is not None or any(p.level is Level.ERROR for p in problems):
        plan = None
    return plan, problems


def load(source: DataSource, use_cache: bool = True, extras: bool = True) -> Result:
    """Validate the plan in `source`, from the cache when its bytes were seen before.

    With `extras`, the optional files registered beside it (records.yaml, ledger.yaml)
    are validated too, each cached under the plan's key and its own bytes.
    """
    result = _load_plan(source, use_cache)
    for extra in EXTRAS.values():
        if extra.loaded is not None:
            extra.loaded(source.path)
    if extras:
        for extra in EXTRAS.values():
            result.problems.extend(extra.problems(source.path, result.plan, result.key))
        result.problems.sort(key=Problem.sort_key)
    return result


def _load_plan(source: DataSource, use_cache: bool) -> Result:
    files = read_files(source)
    names = {name: display(source.path / name) for name in FILES}
    key = plan_key(files, names) if use_cache else ""
    with paused_gc():  # a large plan is a hundred thousand objects, none cyclic
        hit = cache.read(key, CachedPlan)
        if hit is not None:
            plan = Plan.build(hit.tasks, hit.departments)
            settle()
            return Result(source, plan, list(hit.problems), cached=True, key=key)
    plan, problems = validate_files(files, names)
    settle()
    if plan is not None:
        cache.write(key, CachedPlan(TasksFile(plan=plan.meta, tasks=plan.tasks),
                                    DepartmentsFile(units=plan.units, groups=plan.groups, actions=plan.actions),
                                    tuple(problems)), CachedPlan)
    return Result(source, plan, problems, key=key)


def load_valid(source: DataSource) -> Result:
    """The plan in `source` without its optional files, or DataError listing why it is invalid."""
    result = load(source, extras=False)
    if result.plan is None:
        raise DataError(t("data_invalid", n=result.errors, path=source.path), result.problems)
    return result


def load_plan(source: DataSource) -> Plan:
    """The valid plan in `source`, or DataError listing why not."""
    return load_valid(source).plan  # type: ignore[return-value]


def plan_key(files: dict[str, bytes], names: dict[str, str]) -> str:
    """The plan's cache key: every file's shown name and bytes ('' when the cache is off)."""
    return cache.key("plan", *(part for name in FILES for part in (names[name], files[name])))
