"""`nmx burden`: how many deliveries the plan demands of each unit, month by month (基层减负)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from nmx.cli.app import (
    DataOpt,
    DeptOpt,
    FormatOpt,
    FromOpt,
    MonthOpt,
    OutputOpt,
    ToOpt,
    command,
)
from nmx.render import Format

BURDEN_FORMATS = (Format.TABLE, Format.JSON, Format.CSV, Format.MD, Format.XLSX)

ThresholdOpt = Annotated[
    Optional[int],
    typer.Option("--threshold", help="一个单位一个月的交付超过 N 次时标出（默认 4：nmx 的假设，方案未规定）。",
                 min=0, max=10000, metavar="N", show_default=False),
]


@command(name="burden", formats=BURDEN_FORMATS)
def burden_cmd(
    month: MonthOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    dept: DeptOpt = None,
    threshold: ThresholdOpt = None,
    fmt: FormatOpt = Format.TABLE,
    output: OutputOpt = None,
    data: DataOpt = None,
) -> None:
    """各单位每月要交付几次、交给几个接收方：超过阈值的月份和同一月向同一接收方重复要求的交付标出。

    交付＝应完成的、有日期的报送或成果（截止事项、定额按次数、一次性事项；时间窗只在写明报送对象时计），按截止日所在月份计。
    不给范围时为方案全期（单位 × 月份）；--month 时每个单位一行，列出交付事项。
    示例：nmx burden --month 2023-06 --threshold 1
    """
    from nmx.cli.output import show
    from nmx.duties.burden import THRESHOLD, burden
    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import locate
    from nmx.schedule.ranges import range_notes, resolve_range
    from nmx.views.burden import burden_view

    plan = load_plan(locate(data))
    rng = resolve_range(plan, month=month, start=start, end=end, upcoming=None, today=plan.meta.period.start)
    units = None
    if dept is not None:
        from nmx.duties.match import find_unit

        units = {find_unit(plan, dept).id}
    found = burden(plan, rng.start, rng.end, units=units, threshold=THRESHOLD if threshold is None else threshold)
    view = burden_view(plan, found, by_month=month is not None, wide=fmt in (Format.CSV, Format.XLSX),
                       range_notes=range_notes(plan, rng), full=fmt is Format.JSON)
    if fmt is Format.XLSX:
        from nmx.i18n import t
        from nmx.views.workbook import list_workbook

        view = list_workbook(plan, view, t("bd:sheet"))
    show(view, fmt, output)
