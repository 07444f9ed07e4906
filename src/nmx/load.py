"""The whole pipeline, file → loader → models → checks, with a cache of valid plans.

A plan whose bytes (and nmx version) were validated before is read back from a
pickle in the user's cache folder, skipping pydantic entirely: that import and
its validator build cost more than an interactive command may take. The cache
key is a SHA-256 of the bytes, so any edit validates afresh.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from nmx import __version__
from nmx.errors import DataError
from nmx.fileio import display
from nmx.i18n import lang, t
from nmx.plan import Plan
from nmx.problems import Level, Problem
from nmx.source import FILES, DataSource, read_files

_CACHE_FORMAT = 2


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
    use_cache = use_cache and not os.environ.get("NMX_NO_CACHE")
    key = _key(files, names) if use_cache else ""
    if use_cache:
        hit = _read_cache(key)
        if hit is not None:
            return Result(source, hit[0], list(hit[1]), cached=True, key=key)
    plan, problems = validate_files(files, names)
    if use_cache and plan is not None:
        write_cache(key, (plan, problems))
    return Result(source, plan, problems, key=key)


def load_plan(source: DataSource) -> Plan:
    """The valid plan in `source`, or DataError listing why not."""
    result = load(source, extras=False)
    if result.plan is None:
        raise DataError(t("data_invalid", n=result.errors, path=source.path), result.problems)
    return result.plan


def cache_dir() -> Path:
    if os.environ.get("NMX_CACHE_DIR"):
        return Path(os.environ["NMX_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "nmx"


def _key(files: dict[str, bytes], names: dict[str, str]) -> str:
    h = hashlib.sha256(f"{_CACHE_FORMAT}\0{__version__}\0{lang()}\0".encode())
    for name in FILES:
        h.update(f"{names[name]}\0{len(files[name])}\0".encode())
        h.update(files[name])
    return h.hexdigest()


def _read_cache(key: str) -> tuple[Plan, list[Problem]] | None:
    value = read_cache(key)
    return value if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], Plan) else None


def read_cache(key: str) -> object | None:
    """What the cache holds under `key` ('' = no cache); None for a miss."""
    if not key:
        return None
    try:
        with open(cache_dir() / f"{key}.pickle", "rb") as fh:
            return pickle.load(fh)
    except Exception:  # a missing, stale or corrupt cache entry is just a miss
        return None


def write_cache(key: str, value: object) -> None:
    """Keep `value` under `key` ('' = no cache)."""
    if not key:
        return
    from nmx.fileio import write_atomic

    try:
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / f"{key}.pickle", pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # the cache is an optimisation; never fail a command over it
        pass
