"""Optional files beside a plan (records.yaml, ledger.yaml …): they register here.

The pipeline checks every registered file after the plan, and `nmx schema` writes their
schemas; it never imports the packages that own them. Registering costs nothing: the
owner hands over callables that import its code only when a folder is checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nmx.plan.plan import Plan
    from nmx.problems import Problem


@dataclass(frozen=True)
class Extra:
    """A file that may sit beside the plan and is checked against it."""

    name: str
    model: Callable[[], type]  # its file model, for `nmx schema` (imported when asked)
    problems: Callable[[Path, Plan | None, str], list[Problem]]  # (folder, plan or None if invalid, plan key)
    # told the folder of every plan loaded (holidays.yaml: the working days answered for); must not read
    loaded: Callable[[Path], None] | None = None


EXTRAS: dict[str, Extra] = {}


def register(extra: Extra) -> None:
    EXTRAS[extra.name] = extra
