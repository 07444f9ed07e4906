"""`nmx duties`, `nmx departments`, `nmx tasks`, `nmx matrix`: who does what under the plan."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from nmx.cli.app import DataOpt, FormatOpt, OutputOpt, WorkspaceOpt, command, complete_task, complete_unit
from nmx.render import TABULAR, Format


class Role(str, Enum):
    LEAD = "lead"
    SUPPORT = "support"


def _plan(data: Path | None):
    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import locate

    return load_plan(locate(data))


@command(name="duties", formats=TABULAR)
def duties_cmd(
    dept: Annotated[str, typer.Argument(metavar="DEPT", help="单位：id、名称、全称、别名、县区简称或拼音（如 jtysj）。", show_default=False,
                                        autocompletion=complete_unit)],
    role: Annotated[Optional[Role], typer.Option("--role", "-r", help="只看牵头（lead）或配合（support）。",
                                                 case_sensitive=False, show_default=False)] = None,
    data: DataOpt = None,
    workspace: WorkspaceOpt = None,
    fmt: FormatOpt = Format.TABLE,
    output: OutputOpt = None,
) -> None:
    """列出方案交给一个单位的全部任务：牵头还是配合、经由哪个分组、何时、报送谁、依据哪一条。

    在工作区中（--workspace、NMX_WORKSPACE 或向上找到的 nmx.yaml）列出市级方案和该县区自己方案中的任务，每行注明出自哪份方案。
    示例：nmx duties 市交通运输局 --format json
    """
    from nmx.cli.output import show
    from nmx.duties.reach import duties_for
    from nmx.views.duties import duties_view
    from nmx.duties.match import find_unit
    from nmx.plan.workspace_locate import find

    root = find(workspace, data_given=data is not None) if data is None else None
    if root is not None:
        show(_workspace_duties(root, dept, fmt, role.value if role else None), fmt, output)
        return
    plan = _plan(data)
    unit = find_unit(plan, dept)
    view = duties_view(unit, duties_for(plan, unit), compact=fmt is Format.TABLE, role=role.value if role else None)
    show(view, fmt, output)


def _workspace_duties(root: Path, dept: str, fmt: Format, role: str | None):
    """What the city plan asks of `dept`, then what each county plan of that unit asks (of its units)."""
    from nmx.duties.match import find_unit
    from nmx.duties.reach import duties_by_unit, duties_for
    from nmx.errors import DataError, UsageError
    from nmx.i18n import t
    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import DataSource
    from nmx.plan.workspace import FILE, errors, load
    from nmx.views.duties import workspace_duties_view

    ws = load(root, plans=False)
    if errors(ws.problems) or ws.city is None or ws.city.plan is None:
        from nmx.fileio import display

        problems = ws.problems + (ws.city.result.problems if ws.city and ws.city.result else [])
        raise DataError(t("ws:invalid", path=display(root / FILE)), problems)
    city = ws.city.plan
    try:
        unit = find_unit(city, dept)
    except UsageError as missing:  # perhaps a unit of a county's (or another) plan only
        return _own_plan_duties(ws, dept, fmt, role, missing)
    parts = [(ws.city.label, [(unit, d) for d in duties_for(city, unit)])]
    for member in ws.members:
        if member.role == "county" and member.unit == unit.id:
            plan = load_plan(DataSource(member.path, "workspace"))
            by_unit = duties_by_unit(plan)
            parts.append((member.label, [(u, d) for u in plan.units for d in by_unit[u.id]]))
    return workspace_duties_view(unit, parts, compact=fmt is Format.TABLE, role=role)


def _own_plan_duties(ws, dept: str, fmt: Format, role: str | None, missing: Exception):
    """`dept` as named exactly by the workspace's other plans (a county's own units): its duties there."""
    from nmx.duties.reach import duties_for
    from nmx.plan.names import exact
    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import DataSource
    from nmx.views.duties import workspace_duties_view

    parts, unit = [], None
    for member in ws.members:
        if member.role == "city":
            continue
        plan = load_plan(DataSource(member.path, "workspace"))
        ref = exact(plan, dept)
        if ref is not None and ref.kind == "unit":
            found = plan.unit_by_id[ref.id]
            unit = unit or found
            parts.append((member.label, [(found, d) for d in duties_for(plan, found)]))
    if unit is None:
        raise missing
    return workspace_duties_view(unit, parts, compact=fmt is Format.TABLE, role=role)


@command(name="departments", formats=TABULAR)
def departments_cmd(
    kind: Annotated[Optional[str], typer.Option("--kind", "-k", help="只列此类别：party、government、county、media、enterprise、people、finance、office。",
                                                show_default=False)] = None,
    group: Annotated[Optional[str], typer.Option("--group", "-g", help="只列此分组的成员（分组名称或 id）。", show_default=False)] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.TABLE,
    output: OutputOpt = None,
) -> None:
    """列出全部单位：全称、类别、别名、所属分组、牵头和配合的任务数。

    示例：nmx departments --kind county
    """
    from nmx.cli.output import show
    from nmx.duties.departments import select_units
    from nmx.duties.reach import tallies
    from nmx.views.duties import departments_view

    plan = _plan(data)
    units, notes = select_units(plan, kind, group)
    view = departments_view(plan, units, tallies(plan), compact=fmt is Format.TABLE)
    view.notes = notes + view.notes
    show(view, fmt, output)


@command(name="tasks", formats=TABULAR)
def tasks_cmd(
    task_id: Annotated[Optional[str], typer.Argument(metavar="[ID]", help="任务编号（如 A6、M2）；省略时列出全部任务。",
                                                     show_default=False, autocompletion=complete_task)] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.TABLE,
    output: OutputOpt = None,
) -> None:
    """列出方案的全部任务；给出编号时显示该任务的原文、单位（原文和展开）、时间安排和依据。

    示例：nmx tasks M2
    """
    from nmx.cli.output import show
    from nmx.views.duties import task_view, tasks_view
    from nmx.duties.match import find_task

    plan = _plan(data)
    if task_id is None:
        view = tasks_view(plan, compact=fmt is Format.TABLE)
    else:
        view = task_view(plan, find_task(plan, task_id))
    show(view, fmt, output)


@command(name="matrix", formats=TABULAR)
def matrix_cmd(
    expand: Annotated[bool, typer.Option("--expand", "-e", help="把分组展开成单位。")] = False,
    data: DataOpt = None,
    fmt: FormatOpt = Format.TABLE,
    output: OutputOpt = None,
) -> None:
    """责任矩阵：任务 × 单位，● 牵头 ○ 配合，分组按原文或展开（--expand）。

    终端表格按任务列出单位；完整的网格请用 csv、md 或 json。
    示例：nmx matrix --expand --format csv --output 矩阵.csv
    """
    from nmx.cli.output import show
    from nmx.views.duties import matrix_view
    from nmx.duties.matrix import matrix

    plan = _plan(data)
    show(matrix_view(plan, matrix(plan, expand), compact=fmt is Format.TABLE), fmt, output)
