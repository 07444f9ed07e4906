"""`nmx export receipt`: the month's receipts (回执), one workbook per unit that owes something."""

from __future__ import annotations

from nmx.errors import UsageError
from nmx.i18n import t
from nmx.plan.plan import Plan
from nmx.render import Format, render
from nmx.supervision import receipts as rc
from nmx.supervision.files import RecordsState
from nmx.views.receipts import Receipt, file_names, receipt


def unit_receipt(plan: Plan, records: RecordsState, unit_id: str, month: str) -> Receipt:
    """One unit's receipt for `month`; a usage error when it owes nothing dated then."""
    rng = rc.month_range(plan, month)
    rows = rc.deliveries(plan, records, rng, {unit_id}).get(unit_id)
    if not rows:
        raise UsageError(t("rc:nothing_owed", unit=plan.unit_by_id[unit_id].name, month=rc.month_name(rng)))
    return receipt(plan, unit_id, rc.month_name(rng), rows)


def month_receipts(plan: Plan, records: RecordsState, month: str) -> list[tuple[str, bytes]]:
    """(file name, workbook) for every unit owing something in `month`, in plan order."""
    rng = rc.month_range(plan, month)
    name = rc.month_name(rng)
    by_unit = rc.deliveries(plan, records, rng)
    if not by_unit:
        raise UsageError(t("rc:nothing_owed_all", month=name))
    files = file_names(plan, name, list(by_unit))
    return [(files[uid], render(receipt(plan, uid, name, rows), Format.XLSX)) for uid, rows in by_unit.items()]
