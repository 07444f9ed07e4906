"""The whole pipeline, file → loader → models → checks, with a cache of valid plans.

A plan whose bytes (and nmx version) were validated before is read back from the
user's cache folder (`nmx.cache`: JSON, never code), skipping pydantic entirely: that
import and its validator build cost more than an interactive command may take. The
cache key is a SHA-256 of the bytes, so any edit validates afresh.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from nmx import cache
from nmx.errors import DataError
from nmx.fileio import display
from nmx.i18n import t
from nmx.models import DepartmentsFile, TasksFile
from nmx.plan import Plan
from nmx.problems import Level, Problem
from nmx.source import FILES, DataSource, read_files


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


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while large acyclic data is built.

    Parsing a large plan, or building ~200,000 items from it, makes a million short-lived
    objects and no cyclic garbage worth collecting; but each collection walks every live
    object again, which costs a third of the time or more (three times the parse itself).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def validate_files(files: dict[str, bytes], names: dict[str, str]) -> tuple[Plan | None, list[Problem]]:
    """Validate the two files' bytes; `names` gives the file name shown in problems."""
    with paused_gc():  # a large plan is a million short-lived objects, none of them cyclic
        return _validate_files(files, names)


def _validate_files(files: dict[str, bytes], names: dict[str, str]) -> tuple[Plan | None, list[Problem]]:
    from nmx.checks import Context, run_checks
    from nmx.loader import parse
    from nmx.validation import FILE_MODELS, validate_document

    problems: list[Problem] = []
    docs, built = {}, {}
    for name in FILES:
        doc = parse(files[name], names[name])
        docs[name] = doc
        problems.extend(doc.problems)
        if isinstance(doc.data, dict) and not any(p.level is Level.ERROR for p in doc.problems):
            model, found = validate_document(doc, FILE_MODELS[name])
            problems.extend(found)
            built[name] = model
    plan = None
    if all(built.get(name) is not None for name in FILES):
        plan = Plan.build(built["tasks.yaml"], built["departments.yaml"])
        problems.extend(run_checks(Context(plan, docs["tasks.yaml"], docs["departments.yaml"])))
    problems.sort(key=Problem.sort_key)
    if any(p.level is Level.ERROR for p in problems):
        plan = None
    return plan, problems


def load(source: DataSource, use_cache: bool = True, extras: bool = True) -> Result:
    """Validate the plan in `source`, from the cache when its bytes were seen before.

    With `extras`, the optional records.yaml and ledger.yaml are validated too (each
    cached under the plan's key and its own bytes); `load_plan` leaves them out.
    """
    result = _load_plan(source, use_cache)
    if extras:
        from nmx.supervision.files import extra_problems

        result.problems = sorted(result.problems + extra_problems(source.path, result.plan, result.key),
                                 key=Problem.sort_key)
    return result


def _load_plan(source: DataSource, use_cache: bool) -> Result:
    files = read_files(source)
    names = {name: display(source.path / name) for name in FILES}
    key = plan_key(files, names) if use_cache else ""
    with paused_gc():  # a large plan is a hundred thousand objects, none cyclic
        hit = cache.read(key, CachedPlan)
        if hit is not None:
            plan = Plan.build(hit.tasks, hit.departments)
            _settle()
            return Result(source, plan, list(hit.problems), cached=True, key=key)
    plan, problems = validate_files(files, names)
    _settle()
    if plan is not None:
        cache.write(key, CachedPlan(TasksFile(plan=plan.meta, tasks=plan.tasks),
                                    DepartmentsFile(units=plan.units, groups=plan.groups, actions=plan.actions),
                                    tuple(problems)), CachedPlan)
    return Result(source, plan, problems, key=key)


#: Set by the console entry point: a command's process ends with the command, so the plan
#: it loaded may be frozen (tests that load many plans in one process leave it off).
FREEZE_LOADED = False


def _settle() -> None:
    """The plan lives as long as the command: move it out of the collector's sight, so that
    the collections the command's own work triggers do not walk its objects again and again."""
    if FREEZE_LOADED:
        gc.freeze()


def load_plan(source: DataSource) -> Plan:
    """The valid plan in `source`, or DataError listing why not."""
    result = load(source, extras=False)
    if result.plan is None:
        raise DataError(t("data_invalid", n=result.errors, path=source.path), result.problems)
    return result.plan


def plan_key(files: dict[str, bytes], names: dict[str, str]) -> str:
    """The plan's cache key: every file's shown name and bytes ('' when the cache is off)."""
    return cache.key("plan", *(part for name in FILES for part in (names[name], files[name])))
