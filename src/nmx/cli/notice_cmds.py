"""`nmx notice prompt|urge|bulletin`: the 提示单, 督办单 and 通报 a 督查 office issues (五（三）)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nmx.cli.app import (
    DataOpt,
    DeptOpt,
    FormatOpt,
    FromOpt,
    MonthOpt,
    NmxGroup,
    TodayOpt,
    ToOpt,
    app,
    as_of,
    calendar_notice,
    command,
    new_folder,
    say,
    today_from,
)
from nmx.errors import UsageError
from nmx.i18n import t
from nmx.render import Format

NOTICE_FORMATS = (Format.DOCX, Format.MD, Format.JSON)
SUFFIXES = {".docx": Format.DOCX, ".md": Format.MD, ".json": Format.JSON}

notice_app = typer.Typer(
    help="督查文书：提示单（prompt）、督办单（urge）、通报（bulletin），Word（公文格式）、Markdown 或 JSON。",
    no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]}, cls=NmxGroup,
)
app.add_typer(notice_app, name="notice")

IssuerOpt = Annotated[str | None, typer.Option(
    "--issuer", help="发文机关。默认：方案的发文机关（tasks.yaml 的 plan.issuer：市民生办，负责统筹协调和督查）。",
    show_default=False)]
NumberOpt = Annotated[str | None, typer.Option(
    "--number", help="发文字号，如 六民生办督〔2023〕1号（默认留空 〔    〕 号，手工填写）。", show_default=False)]
FileOpt = Annotated[Path | None, typer.Option(
    "--output", "-o", help="写入文件：格式按后缀（.docx、.md、.json）；-o - 把 md 或 json 输出到标准输出；"
    "与 --all 一起时为目录（不存在或为空）。默认：md 输出到标准输出。", show_default=False)]
DocOpt = Annotated[Path | None, typer.Option(
    "--output", "-o", help="写入文件：格式按后缀（.docx、.md、.json）；-o - 把 md 或 json 输出到标准输出。"
    "默认：md 输出到标准输出。", show_default=False, dir_okay=False)]
AllOpt = Annotated[bool, typer.Option("--all", help="每个有事项的单位各一份，写入 -o 给出的目录（不存在或为空）。")]


@command(target=notice_app, name="prompt", output="folder", formats=NOTICE_FORMATS)
def prompt_cmd(
    dept: DeptOpt = None,
    all_: AllOpt = False,
    days: Annotated[int, typer.Option("--days", help="提示 N 个工作日内到期、尚未登记完成的事项。", min=0, max=366,
                                      metavar="N")] = 3,
    today: TodayOpt = None,
    issuer: IssuerOpt = None,
    number: NumberOpt = None,
    fmt: FormatOpt = None,
    output: FileOpt = None,
    data: DataOpt = None,
) -> None:
    """提示单：一个单位（或 --all 每个单位）N 个工作日内到期、尚未登记完成的事项。

    每项列出截止日期、最后工作日、报送对象和方案依据。没有这样的事项时不写文件，在标准错误上说明，退出码 0。
    示例：nmx notice prompt --dept 金安区 --today 2023-06-05 -o 提示单.docx
    """
    _per_unit("prompt", dept, all_, days, today, issuer, number, fmt, output, data)


@command(target=notice_app, name="urge", output="folder", formats=NOTICE_FORMATS)
def urge_cmd(
    dept: DeptOpt = None,
    all_: AllOpt = False,
    reply_days: Annotated[int, typer.Option(
        "--reply-days", help="要求在成文日期后 N 个工作日内书面回复整改情况（方案未规定，默认 3，为本单的设定）。",
        min=1, max=366, metavar="N")] = 3,
    today: TodayOpt = None,
    issuer: IssuerOpt = None,
    number: NumberOpt = None,
    fmt: FormatOpt = None,
    output: FileOpt = None,
    data: DataOpt = None,
) -> None:
    """督办单：一个单位（或 --all 每个单位）已过截止日期、尚未登记完成的事项，要求限期整改回复。

    每项列出截止日期、逾期天数和方案依据。没有逾期事项时不写文件，在标准错误上说明，退出码 0。
    示例：nmx notice urge --dept 金安区 --today 2023-06-12 --number "六民生办督〔2023〕1号" -o 督办单.docx
    """
    _per_unit("urge", dept, all_, reply_days, today, issuer, number, fmt, output, data)


@command(target=notice_app, name="bulletin", formats=NOTICE_FORMATS)
def bulletin_cmd(
    month: MonthOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    today: TodayOpt = None,
    issuer: IssuerOpt = None,
    number: NumberOpt = None,
    fmt: FormatOpt = None,
    output: DocOpt = None,
    data: DataOpt = None,
) -> None:
    """通报：一段时间内各单位有期限事项的落实情况和灯色，逾期事项按单位列出。

    先是按状态的总数，再是每个单位一行（已完成、逾期完成、逾期、即将到期、未到期、灯色）。灯色取单位最差的一项：有逾期为红灯，有逾期完成或即将到期为黄灯，其余绿灯。不给范围时看“今天”所在的月份（同 nmx status）。
    示例：nmx notice bulletin --month 2023-05 --today 2023-06-12 -o 通报.docx
    """
    from nmx.schedule.ranges import status_range
    from nmx.supervision import files
    from nmx.views import notice as views

    fmt = _format_for(fmt, output)
    plan, records, _ = files.load_records(data)
    issued = today_from(today)
    day, period_note = as_of(plan, issued, fmt)
    rng = status_range(plan, month, start, end, day)
    notice = views.bulletin(plan, records, rng, day, issued, issuer, number, period_note)
    if notice is None:
        say(f"nmx: {t('nt:nothing_bulletin', start=rng.start, end=rng.end)}")
        return
    calendar_notice(notice.payload["calendar_note"], output)
    _show(notice, fmt, output)


# --- helpers -----------------------------------------------------------------------------------
def _per_unit(kind: str, dept: str | None, all_: bool, amount: int, today: str | None, issuer: str | None,
              number: str | None, fmt: Format | None, output: Path | None, data: Path | None) -> None:
    """A prompt or an urge: for `dept` into one file (or stdout), or with `all_` one per unit into a new folder."""
    from nmx.duties.match import find_unit
    from nmx.supervision import files
    from nmx.views import notice as views

    if all_ and dept is not None:
        raise UsageError(t("nt:dept_and_all"))
    if not all_ and dept is None:
        raise UsageError(t("nt:dept_or_all"))
    if all_:
        new_folder(output, t("nt:all_needs_dir"))
        fmt = fmt or Format.DOCX
    else:
        fmt = _format_for(fmt, output)
        _check_file(output, data)
    plan, records, _ = files.load_records(data)
    unit = None if all_ else find_unit(plan, dept or "")
    issued = today_from(today)
    day, period_note = as_of(plan, issued, fmt)
    notices = views.unit_notices(plan, records, kind, day, issued, amount, None if unit is None else {unit.id},
                                 issuer, number, period_note)
    if not notices:
        key = f"nt:nothing_{kind}" + ("_all" if unit is None else "")
        say(f"nmx: {t(key, unit=unit.name if unit else '', today=day, days=amount)}")
        return
    calendar_notice(notices[0].payload["calendar_note"], output)
    if unit is not None:
        _show(notices[0], fmt, output)
        return
    assert output is not None  # new_folder refused anything else
    _write_folder(notices, fmt, output, kind)


def _format_for(fmt: Format | None, output: Path | None) -> Format:
    """--format, else the -o file's suffix, else Markdown on stdout; docx only into a file."""
    from nmx.fileio import is_stdout

    to_stdout = output is None or is_stdout(output)
    if fmt is None:
        fmt = Format.MD if to_stdout else SUFFIXES.get(output.suffix.lower())  # type: ignore[union-attr]
        if fmt is None:
            raise UsageError(t("nt:format_unknown", path=output))
    if fmt is Format.DOCX and to_stdout:
        raise UsageError(t("nt:docx_needs_file"))
    return fmt


def _check_file(output: Path | None, data: Path | None) -> None:
    """-o FILE: not a folder, not one of the plan folder's files (before any work)."""
    from nmx.fileio import check_output, is_stdout
    from nmx.plan.source import input_paths, locate

    if output is not None and not is_stdout(output):
        check_output(output, input_paths(locate(data)))


def _write_folder(notices, fmt: Format, folder: Path, kind: str) -> None:
    """One file per notice, all of them or none (built beside `folder`, then swapped in)."""
    from nmx.fileio import display, write_new_folder
    from nmx.render import render
    from nmx.views.notice import file_name

    files = [(file_name(n, notice, fmt.value), render(notice, fmt)) for n, notice in enumerate(notices, 1)]
    write_new_folder(folder, files)
    say(f"nmx: {t('nt:written_all', n=len(files), what=t(f'nt:what_{kind}'), path=display(folder))}")


def _show(notice, fmt: Format, output: Path | None) -> None:
    from nmx.cli.output import show

    show(notice, fmt, output)
