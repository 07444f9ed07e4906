"""Adding a record, a ledger entry or a closure: text appended under the lock, checked first.

Every write goes through `store.update`, so the steps below happen while holding
the file's lock, on the bytes read under it:

1. the file on disk must be valid (else DataError listing its problems; nothing
   is touched);
2. the new text is the old text with one item inserted (`yamltext`);
3. the new text is checked before it replaces the file. The full check re-parses
   the whole text, requires it to read as "the old lists plus exactly this item",
   and validates it against the plan. For records there is a quicker check with
   the same guarantee when the old bytes are in the cache (known valid, with
   the position of the last item): the last item and the new one are re-parsed
   in the same context (`records:` at the same column), must read back as the
   cached last item and the new record, and the new record has passed the same
   resolver `nmx validate` uses. A 5,000-record file is then not re-parsed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from nmx.errors import NmxError, UsageError
from nmx.fileio import display
from nmx.i18n import t
from nmx.lazyclass import dataclass
from nmx.plan.plan import Plan
from nmx.supervision import files, store
from nmx.problems import Problem
from nmx.supervision.files import RecordsState, Tail
from nmx.supervision.records import Prepared
from nmx.supervision.yamltext import Fields, LayoutError, append_items, newline_of, plain, render_item

_BOM = b"\xef\xbb\xbf"


@dataclass
class Appended:
    count: int          # items in the list after the append
    path: Path


def add_record(plan: Plan, plan_key: str, path: Path, prepared: Prepared, day: dt.date, *,
               wait: float = store.DEFAULT_WAIT, allow_duplicate: bool = False) -> Appended:
    """Append one record (already resolved against the plan by `records.prepare`) to records.yaml.

    The same delivery recorded twice (obligation, unit, period, date, evidence) is refused
    unless `allow_duplicate`.
    """
    fields = prepared.fields
    evidence = dict(fields).get("evidence")

    def change(raw: bytes | None) -> tuple[bytes, Appended]:
        state = files.records_state(plan, plan_key, path, raw)
        files.require_valid(state, path)
        if not allow_duplicate and state.has(prepared.key, day, evidence):
            raise UsageError(t("sv_duplicate", path=display(path)), hint=t("sv_duplicate_hint"))
        text, bom = _decode(raw)
        fast = _fast_append(text, state.tail, fields)
        if fast is not None:
            new_text, at = fast
            state.add(prepared.key, day, evidence)
            state.problems = sorted(state.problems + _warnings(new_text, at, prepared, state, display(path)),
                                    key=Problem.sort_key)
            state.tail = Tail(at, state.tail.key_col, plain(fields))
        else:
            new_text = _checked_append(text, "records", fields, t("sv_records_header"))
            state = files.validate_records(plan, _encode(new_text, bom), display(path))
            _require_clean(state, path)
        new = _encode(new_text, bom)
        files.cache_state(files.file_key(plan_key, display(path), new), state)
        return new, Appended(state.count, path)

    return store.update(path, change, wait)


@dataclass
class Batch:
    """What `add_records` did with one file's records: those added (or, dry, to add), those skipped."""

    added: list[Prepared]
    skipped: int
    count: int          # records in the file after (or, dry, as it would be)
    path: Path


def add_records(plan: Plan, plan_key: str, path: Path, batch: list[tuple[Prepared, dt.date]], *,
                wait: float = store.DEFAULT_WAIT, dry_run: bool = False) -> Batch:
    """Append a batch of records (each resolved by `records.prepare`) in one `store.update`: one
    lock, one atomic write, the full check (the new text must read as the old lists plus exactly
    these items, and validate against the plan). A record of a delivery already in the file, or
    earlier in the batch, is skipped. Nothing is written when nothing is new, or `dry_run` (which
    still makes, and checks, the text it would write)."""

    def change(raw: bytes | None) -> tuple[bytes, Batch]:
        state = files.records_state(plan, plan_key, path, raw)
        files.require_valid(state, path)
        new_items, skipped = _new_records(state, batch)
        if not new_items:  # all of them added meanwhile by another writer: the file as it was
            return raw or b"", Batch([], skipped, state.count, path)
        text, bom = _decode(raw)
        new_text = _checked_append_many(text, "records", [p.fields for p in new_items], t("sv_records_header"))
        new = _encode(new_text, bom)
        new_state = files.validate_records(plan, new, display(path))
        _require_clean(new_state, path)
        if not dry_run:
            files.cache_state(files.file_key(plan_key, display(path), new), new_state)
        return new, Batch(new_items, skipped, new_state.count, path)

    raw = files.read(path)
    if dry_run:
        return change(raw)[1]
    state = files.records_state(plan, plan_key, path, raw)
    files.require_valid(state, path)
    new_items, skipped = _new_records(state, batch)
    if not new_items:  # records are only ever added: what is present now stays present under the lock
        return Batch([], skipped, state.count, path)
    return store.update(path, change, wait)


def _new_records(state: RecordsState, batch: list[tuple[Prepared, dt.date]]) -> tuple[list[Prepared], int]:
    """The records of `batch` not yet in `state` nor earlier in the batch, and how many were skipped."""
    new_items, seen, skipped = [], set(), 0
    for prepared, day in batch:
        evidence = dict(prepared.fields).get("evidence")
        ident = files.identity(prepared.key, day, evidence)
        if state.has(prepared.key, day, evidence) or ident in seen:
            skipped += 1
            continue
        seen.add(ident)
        new_items.append(prepared)
    return new_items, skipped


def add_ledger_item(plan: Plan, plan_key: str, path: Path, section: str, make, *,
                    wait: float = store.DEFAULT_WAIT) -> object:
    """Append to the ledger's `section` the item `make(current LedgerFile)` returns as (fields, result)."""

    def change(raw: bytes | None) -> tuple[bytes, object]:
        state = files.ledger_state(plan, plan_key, path, raw)
        files.require_valid(state, path)
        fields, result = make(state.ledger)
        text, bom = _decode(raw)
        new_text = _checked_append(text, section, fields, t("sv_ledger_header"))
        new = _encode(new_text, bom)
        new_state = files.validate_ledger(plan, new, display(path))
        _require_clean(new_state, path)
        files.cache_state(files.file_key(plan_key, display(path), new), new_state)
        return new, result

    return store.update(path, change, wait)


def _warnings(text: str, at: int, prepared: Prepared, state: RecordsState, name: str) -> list[Problem]:
    """The new record's warnings where `nmx validate` would put them: its field's line in the new item."""
    line = text.count("\n", 0, at) + 1
    keys = [k for k, v in prepared.fields if v is not None]
    col = len(text[at:].split("\n", 1)[0]) - len(text[at:].split("\n", 1)[0].lstrip(" -")) + 1
    out = []
    for f in prepared.findings:
        row = line + (keys.index(f.field) if f.field in keys else 0)
        message = f"{f.message}（{f.hint}）" if f.hint else f.message
        out.append(Problem(name, row, col, f.level, f.rule, message, f"records[{state.count - 1}].{f.field}"))
    return out


# --- the two checks -------------------------------------------------------------------------
def _fast_append(text: str, tail: Tail | None, fields: Fields) -> tuple[str, int] | None:
    """(old text + the new item at the end, where the item starts) when the quick check proves
    it reads as intended; None sends the caller to the full check."""
    if tail is None or tail.offset > len(text):
        return None
    from nmx.plan.yaml_reader import parse

    nl = newline_of(text)
    line = text[tail.offset:].split("\n", 1)[0]
    dash = len(line) - len(line.lstrip(" "))
    if line[dash:dash + 1] != "-":
        return None
    rest = line[dash + 1:]
    content = dash + 1 + len(rest) - len(rest.lstrip(" "))
    head = text if text.endswith("\n") else text + nl
    new_text = head + render_item(fields, dash, max(content, dash + 2), nl)
    probe = " " * tail.key_col + "records:" + nl + new_text[tail.offset:]
    doc = parse(probe.encode("utf-8"), "probe")
    if doc.problems or doc.data != {"records": [tail.last, plain(fields)]}:
        return None
    return new_text, len(head)


def _checked_append(text: str, section: str, fields: Fields, header: str) -> str:
    """Old text + the new item, re-parsed whole: it must read as the old lists plus this item."""
    return _checked_append_many(text, section, [fields], header)


def _checked_append_many(text: str, section: str, items: list[Fields], header: str) -> str:
    """Old text + the new items, re-parsed whole: it must read as the old lists plus these items."""
    from nmx.plan.yaml_reader import parse

    try:
        new_text = append_items(text, section, items, header)
    except LayoutError as exc:
        raise UsageError(t("sv_layout", section=section, error=exc)) from None
    old = parse(text.encode("utf-8"), "old").data if not files.is_blank(text.encode("utf-8")) else {}
    new = parse(new_text.encode("utf-8"), "new")
    expected = dict(old or {})
    expected[section] = list(expected.get(section) or []) + [plain(fields) for fields in items]
    if new.problems or new.data != expected:
        raise UsageError(t("sv_layout", section=section, error=t("sv_layout_mismatch")))
    return new_text


def _require_clean(state, path: Path) -> None:
    """The new text must validate (the inputs were checked first, so this is a safety net)."""
    if state.errors:
        problems = "; ".join(p.message for p in state.errors[:3])
        raise NmxError(t("sv_would_break", path=display(path), problems=problems))


def _decode(raw: bytes | None) -> tuple[str, bool]:
    if raw is None:
        return "", False
    bom = raw.startswith(_BOM)
    return raw[3 if bom else 0:].decode("utf-8"), bom


def _encode(text: str, bom: bool) -> bytes:
    return (_BOM if bom else b"") + text.encode("utf-8")
