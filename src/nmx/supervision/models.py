"""The records and ledger files' data model: frozen dataclasses pydantic validates.

Like `nmx.plan.models` they are not pydantic models, so a cached file loads without
importing pydantic. YAML keys avoid `on`/`yes`/`no` (booleans in YAML 1.1).
"""

from __future__ import annotations

import datetime as _dt
from enum import Enum

from nmx.plan.models import model
from nmx.supervision.names import LEDGER, RECORDS


@model
class Record:
    """One unit's delivery of one task (one schedule entry, one period)."""

    task: str                   # task id, e.g. M2
    dept: str                   # the unit: id, name, full name or alias (nmx writes the plan's name)
    date: _dt.date              # when it was done
    item: str | None = None     # schedule id within the task (focus, report …); needed when it has several dated ones
    period: str | None = None   # "YYYY-MM" of the occurrence; default: the occurrence `date` falls in
    evidence: str | None = None  # a link or a file path
    note: str | None = None


@model
class RecordsFile:
    records: tuple[Record, ...] = ()


class LedgerSource(str, Enum):
    VISIT = "走访"       # 惠民效果走访 (四（四）)
    INSPECTION = "督查"  # 暗访督查 (五（三）)
    OTHER = "其他"


@model
class LedgerEntry:
    """A problem found, the unit responsible and the deadline to fix it (整改台账 one line)."""

    id: str
    dept: str
    problem: str
    measure: str
    due: _dt.date
    found_on: _dt.date
    source: LedgerSource = LedgerSource.VISIT
    note: str | None = None


@model
class Closure:
    """销号: the entry `id` was closed on `closed_on`; appended, never edited into the entry."""

    id: str
    closed_on: _dt.date
    note: str


@model
class LedgerFile:
    entries: tuple[LedgerEntry, ...] = ()
    closures: tuple[Closure, ...] = ()


FILE_MODELS: dict[str, type] = {RECORDS: RecordsFile, LEDGER: LedgerFile}
