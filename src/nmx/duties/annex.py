"""The responsibility table laid out like the plan's annex: 序号, 主要任务, 牵头责任部门, 配合责任部门."""

from __future__ import annotations

import re

from nmx.lazyclass import dataclass
from nmx.plan.plan import Plan

_ANNEX_ROW = re.compile(r"^附件\s*序号\s*(\d+)$")


@dataclass(frozen=True, slots=True)
class AnnexRow:
    number: int                 # running 序号: the annex's own rows first, so 1–14 match it
    task: str                   # task id
    title: str
    text: str                   # 主要任务 as the plan writes it
    lead: tuple[str, ...]       # 牵头责任部门, names as written (groups not expanded)
    support: tuple[str, ...]    # 配合责任部门, as written; empty where the plan leaves it empty
    source: str
    note: str | None


def annex_number(source: str) -> int | None:
    """The row number when `source` is an annex row (附件 序号6 → 6)."""
    m = _ANNEX_ROW.match(source.strip())
    return int(m.group(1)) if m else None


def annex_rows(plan: Plan) -> list[AnnexRow]:
    """Every task as a row of the annex table: the annex's rows in its order, then the others in plan order."""
    order = sorted(
        range(len(plan.tasks)),
        key=lambda i: (0, annex_number(plan.tasks[i].source), i) if annex_number(plan.tasks[i].source) is not None
        else (1, 0, i),
    )
    return [
        AnnexRow(n, tk.id, tk.title, tk.text, tk.lead, tk.support, tk.source, tk.note)
        for n, tk in enumerate((plan.tasks[i] for i in order), start=1)
    ]
