"""Reading, validating and caching records.yaml and ledger.yaml.

Both files are optional (absent = empty; a file of comments only = empty). The
pipeline is the plan's: loader (positions, duplicate keys, encoding) → pydantic
(dataclass models, extra keys forbidden) → checks against the plan. A file whose
bytes validated before against the same plan is read back from the plan cache
(`nmx.plan.cache`), keyed by the plan's cache key and the file's SHA-256, so 5,000
records cost a hash and a small JSON read instead of a YAML parse.

The records cache holds what commands need, not the records themselves: how
many there are, the dates recorded per obligation (`done`), and where the last
item starts (`tail`) so `nmx done` can check an append without re-parsing the
whole file (see `append.py`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from nmx.lazyclass import dataclass
from nmx.plan import cache
from nmx.errors import DataError
from nmx.fileio import display
from nmx.i18n import t
from nmx.plan.plan import Plan
from nmx.problems import Level, Problem
from nmx.supervision.names import LEDGER, RECORDS, Key

if TYPE_CHECKING:  # the ledger's models load only for ledger commands
    from nmx.supervision.ledger import LedgerState


@dataclass
class Tail:
    """Where the records list ends: the last item's line, the list key's column, its data."""

    offset: int
    key_col: int
    last: dict


@dataclass
class RecordsState:
    count: int = 0
    problems: list[Problem] = field(default_factory=list)
    done: dict[Key, tuple[dt.date, ...]] = field(default_factory=dict)
    tail: Tail | None = None
    seen: set[str] = field(default_factory=set)  # identity() of every record

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level is Level.ERROR]

    def add(self, key: Key, day: dt.date, evidence: str | None = None) -> None:
        """Count a record; the same delivery twice (same date and evidence) counts once."""
        self.count += 1
        ident = identity(key, day, evidence)
        if ident in self.seen:
            return
        self.seen.add(ident)
        self.done[key] = tuple(sorted(self.done.get(key, ()) + (day,)))

    def has(self, key: Key, day: dt.date, evidence: str | None) -> bool:
        """Whether the same delivery (obligation, unit, period, date, evidence) is recorded."""
        return identity(key, day, evidence) in self.seen


def identity(key: Key, day: dt.date, evidence: str | None) -> str:
    """What makes two records the same delivery: the obligation, unit and period (`key`), the
    date and the evidence, as one text (data holds no control characters, so \x1f separates)."""
    return "\x1f".join(map(str, (*key, day, evidence)))


# --- validation (the slow path) -------------------------------------------------------------
def is_blank(raw: bytes | None) -> bool:
    """No file, or nothing but blank lines and comments: an empty file, not an error."""
    if raw is None:
        return True
    try:
        text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines())


def _parse(raw: bytes, name: str, cls: type):
    """(document, model or None, problems): the loader and pydantic stages."""
    from nmx.plan.validation import read_document

    return read_document(raw, name, cls)


def validate_records(plan: Plan, raw: bytes | None, name: str) -> RecordsState:
    """Every problem in a records file, and what it records (when it is valid)."""
    state = RecordsState()
    if is_blank(raw):
        return state
    from nmx.supervision.models import RecordsFile
    from nmx.supervision.records import Resolver

    doc, model, state.problems = _parse(raw, name, RecordsFile)
    if model is None:
        return _sorted(state)
    resolver = Resolver(plan)
    for i, rec in enumerate(model.records):
        found = resolver.resolve(rec.task, rec.dept, rec.item, rec.period, rec.date)
        for f in found.findings:
            message = f"{f.message}（{f.hint}）" if f.hint else f.message
            state.problems.append(doc.problem(("records", i, f.field), f.rule, message, f.level))
        if found.key is not None:
            state.add(found.key, rec.date, rec.evidence)
    if model.records:
        from nmx.supervision.yamltext import tail_anchor

        n = len(model.records) - 1
        anchor = tail_anchor(raw.decode("utf-8-sig"), doc.where(("records",)), doc.positions.get(("records", n), (0, 0)))
        if anchor is not None:  # offsets in the decoded text, without a BOM
            state.tail = Tail(anchor[0], anchor[1], doc.data["records"][n])
    return _sorted(state)


def validate_ledger(plan: Plan, raw: bytes | None, name: str) -> LedgerState:
    from nmx.supervision.ledger import LedgerState, ledger_findings
    from nmx.supervision.models import LedgerFile

    state = LedgerState(LedgerFile())
    if is_blank(raw):
        return state
    doc, model, state.problems = _parse(raw, name, LedgerFile)
    if model is not None:
        state.ledger = model
        state.problems.extend(doc.problem(path, rule, message, level)
                              for path, rule, message, level in ledger_findings(plan, model, lambda p: doc.where(p)[0]))
    state.problems.sort(key=Problem.sort_key)
    return state


def _sorted(state: RecordsState) -> RecordsState:
    state.problems.sort(key=Problem.sort_key)
    return state


# --- loading with the cache -------------------------------------------------------------------
def file_key(plan_key: str, name: str, raw: bytes | None) -> str:
    """Cache key of one supervision file validated against the plan with `plan_key` ('' = no cache)."""
    if not plan_key:
        return ""
    return cache.key("supervision", plan_key, name, b"\0absent" if raw is None else raw)


def records_state(plan: Plan, plan_key: str, path: Path, raw: bytes | None) -> RecordsState:
    """The records file's state from the cache, or validated (and then cached when valid)."""
    return _cached_state(plan, plan_key, path, raw, RecordsState, validate_records)


def ledger_state(plan: Plan, plan_key: str, path: Path, raw: bytes | None) -> LedgerState:
    """The ledger file's state from the cache, or validated (and then cached when valid)."""
    from nmx.supervision.ledger import LedgerState

    return _cached_state(plan, plan_key, path, raw, LedgerState, validate_ledger)


def _cached_state(plan: Plan, plan_key: str, path: Path, raw: bytes | None, cls: type, validate):
    name = display(path)
    key = file_key(plan_key, name, raw)
    hit = cache.read(key, cls)
    if hit is not None:
        return hit
    state = validate(plan, raw, name)
    if not state.errors:
        cache.write(key, state, cls)
    return state


def read(path: Path) -> bytes | None:
    """The file's bytes, None when it does not exist (a regular file only, size-limited)."""
    from nmx.fileio import read_input

    return read_input(path, missing_ok=True)


def require_valid(state: RecordsState | LedgerState, path: Path, writing: bool = True) -> None:
    """DataError (exit 1) listing the problems when the file on disk is invalid."""
    if state.errors:
        key = "sv_file_invalid" if writing else "sv_file_invalid_read"
        raise DataError(t(key, path=display(path), n=len(state.errors)), state.problems)


def load_plan_keyed(data: Path | None):
    """(source, plan, plan cache key) for a supervision command; DataError when the plan is invalid."""
    from nmx.plan.pipeline import load_valid
    from nmx.plan.source import locate

    result = load_valid(locate(data))
    return result.source, result.plan, result.key


def load_records(data: Path | None) -> tuple[Plan, RecordsState, Path]:
    source, plan, key = load_plan_keyed(data)
    path = source.path / RECORDS
    state = records_state(plan, key, path, read(path))
    require_valid(state, path, writing=False)
    return plan, state, path


def load_ledger(data: Path | None):
    source, plan, key = load_plan_keyed(data)
    path = source.path / LEDGER
    state = ledger_state(plan, key, path, read(path))
    require_valid(state, path, writing=False)
    return source, plan, key, state, path


def problems_of(name: str, folder: Path, plan: Plan | None, plan_key: str) -> list[Problem]:
    """What `nmx validate` finds in records.yaml or ledger.yaml (nothing when it is absent)."""
    path = folder / name
    raw = read(path)
    if raw is None:
        return []
    if plan is None:  # the plan is invalid: check the structure only
        from nmx.supervision.models import FILE_MODELS

        return _parse(raw, display(path), FILE_MODELS[name])[2]
    check = records_state if name == RECORDS else ledger_state
    return check(plan, plan_key, path, raw).problems


def cache_state(key: str, state: RecordsState | LedgerState) -> None:
    """Keep the state of a file just written, so the next command reads it from the cache."""
    cache.write(key, state, type(state))
