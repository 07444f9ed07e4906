"""`nmx import`: a plan folder drafted from the plan's document (`nmx import [plan] DOCUMENT`, .txt,
.docx, .xlsx, .csv); `nmx import records` (cli/receipt_cmds.py) reads filled receipts back."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from nmx.cli.app import NmxGroup, app, command, new_folder, say
from nmx.errors import UsageError
from nmx.i18n import t

DEFAULT = "plan"


class PlanByDefault(NmxGroup):
    """A group whose first word, when it names none of its commands (nor asks for help), is the
    first argument of `plan`: `nmx import 方案.docx -o 草稿` is `nmx import plan 方案.docx -o 草稿`,
    and `nmx import plan records.docx -o X` reaches a file named like a command. Shell completion
    resolves commands through the same `parse_args`, so it follows the same rule."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:  # type: ignore[override]
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = [DEFAULT, *args]
        return super().parse_args(ctx, args)


import_app = typer.Typer(
    name="import", help="导入：从方案原文起草方案目录（plan，默认），或读回各单位填好的回执（records）。",
    no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]}, cls=PlanByDefault,
)
app.add_typer(import_app, name="import")


@command(target=import_app, name=DEFAULT, output="folder")
def import_cmd(
    document: Annotated[Path, typer.Argument(metavar="DOCUMENT", help="方案文件：.txt、.docx、.xlsx 或 .csv（分工表）。", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="写入的方案目录（新的或空的目录）。",
                                         show_default=False)],
    units: Annotated[Optional[Path], typer.Option("--units", help="单位名册所在目录（其中的 departments.yaml）；默认用内置名册。",
                                                  file_okay=False, show_default=False)] = None,
    review: Annotated[Optional[Path], typer.Option("--review", help="另写一页 HTML：每个起草条目与原文对照，附待核对事项。",
                                                   dir_okay=False, show_default=False)] = None,
) -> None:
    """从方案原文起草一个方案目录（tasks.yaml、departments.yaml、source/plan.txt），每项注明出处，
    无法确定的标 needs_review（nmx validate 报为警告）。

    “plan”可省略：nmx import 方案.docx 即 nmx import plan 方案.docx。
    示例：nmx import 方案.docx -o 草稿 --review 核对.html
    """
    from nmx.cli.output import show
    from nmx.drafts.importer import draft, load_registry, write
    from nmx.fileio import check_output
    from nmx.render import Format
    from nmx.views.imported import import_review

    new_folder(output)
    if review is not None:
        if review.suffix.lower() not in (".html", ".htm"):
            raise UsageError(t("imp:review_ext", path=review))
        check_output(review, [document])
    started = time.perf_counter()
    import datetime as dt

    drafted = draft(document, load_registry(units), dt.date.today().year)
    write(drafted, output)
    if review is not None:
        show(import_review(drafted), Format.HTML, review)
    ms = round((time.perf_counter() - started) * 1000)
    say(t("imp:done", source=document, path=output, tasks=len(drafted.tasks), units=len(drafted.units) + len(drafted.groups),
          review=drafted.review_count, ms=ms))
