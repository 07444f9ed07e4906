"""`nmx validate`, `nmx schema`, `nmx info`: the plan data itself."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from nmx.cli.app import DataOpt, FormatOpt, OutputOpt, WorkspaceOpt, command, say
from nmx.cli.output import show
from nmx.errors import EXIT_DATA, EXIT_OK
from nmx.i18n import t
from nmx.render import Format


@command(name="validate", formats=(Format.TEXT, Format.TABLE, Format.JSON, Format.GITHUB))
def validate_cmd(
    data_dir: Annotated[Optional[Path], typer.Argument(help="方案数据目录；省略时同其他命令。", show_default=False)] = None,
    data: DataOpt = None,
    workspace: WorkspaceOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help="有警告也视为失败。")] = False,
    fmt: FormatOpt = Format.TEXT,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="不使用已校验方案的缓存。")] = False,
    max_problems: Annotated[int, typer.Option("--max-problems", help="最多列出多少个问题（0 为全部；计数总是准确的）。",
                                              min=0, metavar="N")] = 100,
) -> None:
    """校验方案数据，按 file:line:col 报告全部问题。退出码：0 有效，1 数据有问题，2 用法错误。

    在工作区中（--workspace、NMX_WORKSPACE 或向上找到的 nmx.yaml，且未给出目录、--data 或 NMX_DATA）校验 nmx.yaml 和其中的每一份方案。
    示例：nmx validate data --strict --format github
    """
    from nmx.plan.pipeline import load
    from nmx.plan.source import locate
    from nmx.plan.workspace_locate import find
    from nmx.views.problems import problems_view, workspace_problems_view

    given = data is not None or data_dir is not None
    root = None if given else find(workspace)
    if root is not None:
        from nmx.plan.workspace import load as load_workspace

        from nmx.compare.coverage import workspace_problems

        ws = load_workspace(root, use_cache=not no_cache)
        ws.problems.extend(workspace_problems(ws))  # inheritance checked: dangling, looser, missing
        report = workspace_problems_view(ws, max_problems)
        show(report, fmt, None)
        failed = report.errors > 0 or (strict and report.warnings > 0)
        raise typer.Exit(EXIT_DATA if failed else EXIT_OK)
    result = load(locate(data, data_dir), use_cache=not no_cache)
    show(problems_view(result, max_problems), fmt, None)
    failed = result.errors > 0 or (strict and result.warnings > 0)
    raise typer.Exit(EXIT_DATA if failed else EXIT_OK)


@command(name="schema", output="folder")
def schema_cmd(
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="写入目录（每个数据文件一个 *.schema.json）。",
                                     file_okay=False, show_default=False)
    ] = None,
) -> None:
    """输出数据文件（tasks、departments、records、ledger）的 JSON Schema（供编辑器和 check-jsonschema 使用）。

    示例：nmx schema --output schema
    """
    from nmx.plan.schema import schemas, write_schemas
    from nmx.views import View

    from nmx.fileio import is_stdout

    if output is None or is_stdout(output):  # `-o -`: stdout, as for every command
        show(View([], [], payload=schemas()), Format.JSON, None)
        return
    for path in write_schemas(output):
        say(t("schema_written", path=path))


@command(name="info", formats=(Format.TABLE, Format.JSON, Format.MD))
def info_cmd(data: DataOpt = None, fmt: FormatOpt = Format.TABLE) -> None:
    """显示使用的是哪份方案、为什么，以及方案信息和数量。

    示例：nmx info --format json
    """
    from nmx.views.info import info_view
    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import locate

    source = locate(data)
    show(info_view(load_plan(source), source), fmt, None)


@command(name="source", formats=(Format.TABLE, Format.TEXT, Format.JSON, Format.CSV, Format.MD))
def source_cmd(
    clause: Annotated[Optional[list[str]], typer.Argument(
        metavar="[CLAUSE]", help="条款，如 四（二）、4(2)、附件6、全文；省略时列出全部条款。", show_default=False)] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.TABLE,
    output: OutputOpt = None,
) -> None:
    """显示方案原文：一个条款的原文，或（不给条款时）全部条款的目录。数据中的 source 字段引用的就是这些条款。

    示例：nmx source 四（二）
    """
    from nmx.plan.document import document_path, read
    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import locate
    from nmx.views.document import clause_view, outline_view

    source = locate(data)
    plan = load_plan(source)
    document = read(document_path(source.path, plan.meta.source_document))
    show(clause_view(document.find(" ".join(clause))) if clause else outline_view(plan, document), fmt, output)
