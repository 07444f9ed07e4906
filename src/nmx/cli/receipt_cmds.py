"""`nmx export receipt` and `nmx import records`: the office sends each unit a form (回执) for a
month and reads the filled forms back into records.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from nmx.cli.app import (
    DataOpt,
    DeptOpt,
    FormatOpt,
    MonthOpt,
    TodayOpt,
    calendar_notice,
    command,
    new_folder,
    say,
    today_from,
)
from nmx.cli.export_cmds import export_app
from nmx.cli.import_cmds import import_app
from nmx.cli.supervision_cmds import WaitOpt, _require_writable, _required
from nmx.errors import DataError, UsageError
from nmx.i18n import t
from nmx.render import Format

ReceiptOutputOpt = Annotated[
    Optional[Path], typer.Option("--output", "-o", help="写入的 .xlsx 文件（- 或省略为标准输出，不能是终端）；"
                                 "与 --all 一起时为新的或空的目录，每个单位一个文件。", show_default=False)
]


@command(target=export_app, name="receipt", output="none")
def export_receipt_cmd(
    dept: DeptOpt = None,
    month: MonthOpt = None,
    all_: Annotated[bool, typer.Option("--all", help="本月有应完成事项的每个单位各一份（-o 为目录）。")] = False,
    output: ReceiptOutputOpt = None,
    data: DataOpt = None,
) -> None:
    """某单位某月的回执（Excel）：每次应报送一行（同 nmx status --month --dept 的事项，定额 N 次为 N 行），
    单位填写完成日期、佐证和说明后交回，用 nmx import records 读回。

    除三列填写栏外均锁定，隐藏列带有读回所需的编号。
    示例：nmx export receipt --dept 金安区 --month 2023-05 -o 金安区回执.xlsx；nmx export receipt --all --month 2023-05 -o 回执
    """
    from nmx.fileio import display, is_stdout
    from nmx.schedule.workdays import calendar_note
    from nmx.supervision import files
    from nmx.supervision.receipts import month_name, month_range

    ym = _required(month, "--month")
    if all_ == (dept is not None):
        raise UsageError(t("rc:dept_or_all"))
    plan, records, _ = files.load_records(data)
    name = month_name(month_range(plan, ym))
    if all_:
        folder = new_folder(output)
        written = _write_all(plan, records, name, folder)
        calendar_notice(calendar_note(int(name[:4])), None, always=True)
        say(t("rc:written_all", n=written, path=display(folder)))
        return
    _receipt_to(plan, records, dept, name, output, data)
    calendar_notice(calendar_note(int(name[:4])), output, always=True)
    if output is not None and not is_stdout(output):
        say(t("written", path=display(output)))


def _write_all(plan, records, month: str, folder: Path) -> int:
    from nmx.fileio import write_new_folder
    from nmx.handouts.receipts import month_receipts

    made = month_receipts(plan, records, month)
    write_new_folder(folder, made)
    return len(made)


def _receipt_to(plan, records, dept: str, month: str, output: Path | None, data: Path | None) -> None:
    from nmx.cli.output import show
    from nmx.duties.match import find_unit
    from nmx.fileio import check_output
    from nmx.handouts.receipts import unit_receipt
    from nmx.plan.source import input_paths, locate

    if output is not None:
        check_output(output, input_paths(locate(data)))
    show(unit_receipt(plan, records, find_unit(plan, dept).id, month), Format.XLSX, output)


@command(target=import_app, name="records", formats=(Format.TABLE, Format.JSON))
def import_records_cmd(
    paths: Annotated[list[Path], typer.Argument(metavar="FILE...", help="填好的回执：.xlsx，或 Excel 另存的 .csv"
                                                "（UTF-8 或 GBK/GB18030）。", show_default=False)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只显示将登记的记录，不写入。")] = False,
    wait: WaitOpt = 10.0,
    today: TodayOpt = None,
    fmt: FormatOpt = Format.TABLE,
    data: DataOpt = None,
) -> None:
    """读回各单位填好的回执，把填了完成日期的每一行登记到 records.yaml（检查同 nmx done）。

    一个文件有任何错误（以 文件:工作表!单元格 指明）则该文件一条不登记，其他文件照常；已登记过的跳过并计数。
    示例：nmx import records 回执/*.xlsx --dry-run
    """
    from nmx.cli.output import show
    from nmx.fileio import display
    from nmx.supervision import files
    from nmx.supervision.names import RECORDS
    from nmx.views.receipts import import_view

    source, plan, key = files.load_plan_keyed(data)
    if not dry_run:
        _require_writable(source)
    day = today_from(today)
    inputs = _read_all(paths)
    path = source.path / RECORDS
    results = [_import_one(plan, key, path, name, raw, day, wait, dry_run) for name, raw in inputs]
    show(import_view(plan, results, dry_run, display(path)), fmt, None)
    failed = [r for r in results if r.errors]
    if failed:
        if fmt is not Format.JSON:  # one whole line each (a table would wrap them), where errors go
            for line in (str(e) for r in failed for e in r.errors):
                say(line)
        raise DataError(t("rc:files_failed", n=len(failed), files="、".join(r.file for r in failed)), [])


def _read_all(paths: list[Path]) -> list[tuple[Path, bytes]]:
    """Every file's bytes, before anything is imported: an unknown extension, a missing file or one
    over the size limit stops the run here (exit 2) with nothing written."""
    from nmx.fileio import read_input
    from nmx.supervision.receipt_file import EXTENSIONS

    for p in paths:
        if p.suffix.lower() not in EXTENSIONS:
            raise UsageError(t("rc:unknown_ext", path=p, exts="、".join(EXTENSIONS)))
    return [(p, read_input(p)) for p in paths]


def _import_one(plan, key: str, records: Path, path: Path, raw: bytes, day, wait: float, dry_run: bool):
    from nmx.fileio import display
    from nmx.supervision import append, receipt_file, receipts
    from nmx.views.receipts import FileResult

    from nmx.bulk import collect_cycles

    result = FileResult(display(path))
    try:
        found = receipt_file.read(path, raw)
        collect_cycles()  # the workbook openpyxl read
    except receipts.ReceiptError as exc:
        result.errors.append(receipts.CellError(result.file, None, None, str(exc)))
        return result
    checked = receipts.check(plan, found, day)
    if checked.errors:
        result.errors = checked.errors
        return result
    batch = append.add_records(plan, key, records, checked.rows, wait=wait, dry_run=dry_run)
    result.added, result.skipped = batch.added, batch.skipped
    return result
