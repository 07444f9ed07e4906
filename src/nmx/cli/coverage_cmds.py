"""`nmx coverage`: how a workspace's county plans cover the city obligations (inheritance checked)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from nmx.cli.app import FormatOpt, OutputOpt, WorkspaceOpt, command
from nmx.cli.output import show
from nmx.errors import EXIT_DATA, EXIT_OK
from nmx.render import Format


@command(name="coverage", formats=(Format.TABLE, Format.JSON, Format.MD))
def coverage_cmd(
    county: Annotated[Optional[str], typer.Option("--county", help="只看这个县区的方案（单位 id 或名称）。",
                                                  show_default=False)] = None,
    workspace: WorkspaceOpt = None,
    fmt: FormatOpt = Format.TABLE,
    output: OutputOpt = None,
) -> None:
    """列出落到县区的每项市级任务，以及县区方案（inherits）如何落实：已落实、偏松、缺失、无对应。

    已落实：有 inherits 它的县区任务，牵头单位不是待定占位，时间安排不比市级松（期内次数不少、截止不晚）。
    退出码：0 全部落实，1 有未落实的，2 用法错误。
    示例：nmx coverage --county 金安区 --workspace ws
    """
    from nmx.compare.coverage import workspace_coverage
    from nmx.errors import DataError, UsageError
    from nmx.fileio import display
    from nmx.i18n import t
    from nmx.plan.workspace import FILE, errors, load
    from nmx.plan.workspace_locate import find
    from nmx.views.coverage import coverage_view

    root = find(workspace)
    if root is None:
        raise UsageError(t("cov:no_workspace"))
    ws = load(root)
    if errors(ws.problems) or ws.city is None or ws.city.plan is None:
        problems = ws.problems + (ws.city.result.problems if ws.city and ws.city.result else [])
        raise DataError(t("ws:invalid", path=display(root / FILE)), problems)
    parts = workspace_coverage(ws, county)
    show(coverage_view([(m.label, cov) for m, cov in parts]), fmt, output)
    raise typer.Exit(EXIT_OK if all(cov.complete for _, cov in parts) else EXIT_DATA)
