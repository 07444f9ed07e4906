"""`nmx new` (next year's plan from this one) and `nmx diff` (what changed between two plans)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from nmx.cli.app import DeptOpt, FormatOpt, OutputOpt, command, complete_unit, new_folder
from nmx.errors import EXIT_DATA, UsageError
from nmx.render import Format


@command(name="new", output="folder", formats=(Format.TEXT, Format.JSON))
def new_cmd(
    year: Annotated[int, typer.Argument(metavar="YEAR", help="新方案的年度，如 2024。", show_default=False)],
    source: Annotated[Optional[Path], typer.Option(
        "--from", help="从哪份方案开始（方案目录；默认同其他命令的 --data）。", show_default=False, file_okay=False)] = None,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="新方案目录（不存在或为空）。", show_default=False, file_okay=False)] = None,
    fmt: FormatOpt = Format.TEXT,
) -> None:
    """由本年方案开始下一年度的方案草稿：元数据重置（文号空）、日期顺延、未销号的台账条目转入。

    一次性日期顺延并标为推定、待核对；记录和方案原文不复制。
    示例：nmx new 2024 --from data -o data2024
    """
    from nmx.cli.output import show
    from nmx.drafts.new import start_plan, write_plan
    from nmx.plan.source import locate
    from nmx.views.drafts import new_facts

    output = new_folder(output)
    folder = locate(source).path
    draft = start_plan(folder, year, output)
    write_plan(draft, output)
    show(new_facts(draft, folder, output), Format.JSON if fmt is Format.JSON else Format.TEXT, None)


@command(name="diff", formats=(Format.TABLE, Format.JSON, Format.MD, Format.DOCX))
def diff_cmd(
    old: Annotated[Path, typer.Argument(metavar="OLD", help="原方案目录。", show_default=False, file_okay=False)],
    new: Annotated[Path, typer.Argument(metavar="NEW", help="新方案目录。", show_default=False, file_okay=False)],
    by_unit: Annotated[bool, typer.Option("--by-unit", help="按单位列出变化（给各单位的补充通知）。")] = False,
    dept: DeptOpt = None,
    exit_code: Annotated[bool, typer.Option("--exit-code", help="有差异时退出码为 1（同 git diff --exit-code）。")] = False,
    fmt: FormatOpt = Format.TABLE,
    output: OutputOpt = None,
) -> None:
    """按含义比较两份方案：任务增删改（文字、单位和角色、时间安排），单位增删和更名，分组成员变化。

    示例：nmx diff data data2024 --by-unit --dept 金安区
    """
    from nmx.cli.output import show
    from nmx.compare.plans import compare
    from nmx.duties.match import find_unit
    from nmx.fileio import display
    from nmx.plan.pipeline import load_valid
    from nmx.plan.source import locate
    from nmx.views.compare import diff_view

    old_source, new_source = locate(argument=old), locate(argument=new)
    before, after = load_valid(old_source).plan, load_valid(new_source).plan
    units = None
    if dept is not None:
        try:
            units = {find_unit(after, dept).id}
        except UsageError:
            units = {find_unit(before, dept).id}  # a unit the new plan no longer has
    diff = compare(before, after)
    view = diff_view(diff, display(old_source.path), display(new_source.path), by_unit, units)
    if fmt is Format.DOCX:
        from nmx.views.workbook import list_paper

        view = list_paper(after, view)
    show(view, fmt, output)
    if exit_code and not diff.empty:
        raise typer.Exit(EXIT_DATA)


@command(name="subplan", output="folder", formats=(Format.TEXT, Format.JSON))
def subplan_cmd(
    unit: Annotated[str, typer.Argument(metavar="UNIT", help="县区（或市开发区管委），如 金安区。", show_default=False,
                                          autocompletion=complete_unit)],
    source: Annotated[Optional[Path], typer.Option(
        "--from", help="上级（市级）方案目录（默认同其他命令的 --data）。", show_default=False, file_okay=False)] = None,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="县区方案草稿目录（不存在或为空）。", show_default=False, file_okay=False)] = None,
    fmt: FormatOpt = Format.TEXT,
) -> None:
    """由市级方案起草一个县区的方案：上级方案中落到该县区的每项任务各一项（inherits），时间安排照抄为最低要求。

    牵头单位、本级部门和乡镇留作占位并标 needs_review；草稿校验通过（有警告），--strict 不通过。
    示例：nmx subplan 金安区 --from data -o jinan
    """
    from nmx.cli.output import show
    from nmx.drafts.subplan import start_subplan, write_subplan
    from nmx.plan.source import locate
    from nmx.views.drafts import subplan_facts

    output = new_folder(output)
    folder = locate(source).path
    draft = start_subplan(folder, unit, output)
    write_subplan(draft, output)
    show(subplan_facts(draft, folder, output), Format.JSON if fmt is Format.JSON else Format.TEXT, None)

