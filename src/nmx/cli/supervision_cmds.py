"""`nmx done`, `nmx status`, `nmx overdue`, `nmx ledger add|close|list`: supervision (督查问效)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from nmx.cli.app import (
    DataOpt,
    DeptOpt,
    FormatOpt,
    FromOpt,
    MonthOpt,
    NmxGroup,
    OutputOpt,
    TodayOpt,
    ToOpt,
    WorkspaceOpt,
    app,
    as_of,
    calendar_notice,
    command,
    complete_task,
    say,
    today_from,
)
from nmx.errors import UsageError
from nmx.i18n import t
from nmx.render import Format

OnOpt = Annotated[Optional[str], typer.Option("--on", help="完成日期 YYYY-MM-DD（默认：今天）。", show_default=False)]
NoteOpt = Annotated[Optional[str], typer.Option("--note", "-n", help="备注。", show_default=False)]
WaitOpt = Annotated[float, typer.Option("--wait", help="文件被其他进程锁定时最多等待的秒数。", metavar="S",
                                        min=0, max=3600)]

LIST_FORMATS = (Format.TABLE, Format.JSON, Format.CSV, Format.MD, Format.XLSX)
REPORT_FORMATS = LIST_FORMATS + (Format.DOCX,)  # status and overdue: also a 公文 attachment
WRITE_FORMATS = (Format.TABLE, Format.JSON)

ledger_app = typer.Typer(
    help="整改台账：登记问题（add）、销号（close）、查看（list）。", no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]}, cls=NmxGroup,
)
app.add_typer(ledger_app, name="ledger")


@command(name="done", formats=WRITE_FORMATS)
def done_cmd(
    task: Annotated[str, typer.Argument(metavar="TASK", help="任务编号，如 M2、M3、A14。", show_default=False,
                                        autocompletion=complete_task)],
    dept: DeptOpt = None,
    item: Annotated[Optional[str], typer.Option("--item", "-i", help="任务中的哪一项（日程 id，如 focus、report）；"
                                                "任务只有一项有日期的事项时可省略。", show_default=False)] = None,
    period: Annotated[Optional[str], typer.Option("--period", "-p", help="周期 YYYY-MM（默认：完成日期所在的周期）。",
                                                  show_default=False)] = None,
    on: OnOpt = None,
    evidence: Annotated[Optional[str], typer.Option("--evidence", "-e", help="佐证：链接或文件路径。",
                                                    show_default=False)] = None,
    note: NoteOpt = None,
    allow_duplicate: Annotated[bool, typer.Option("--allow-duplicate",
                                                  help="同一事项、单位、周期、日期和佐证已登记过时仍然登记。")] = False,
    wait: WaitOpt = 10.0,
    today: TodayOpt = None,
    fmt: FormatOpt = Format.TABLE,
    data: DataOpt = None,
) -> None:
    """登记一个单位完成了一项任务（追加到数据目录的 records.yaml，保留原有内容和注释）。

    示例：nmx done M2 --item report --dept 金安区 --period 2023-05 --on 2023-06-05 --evidence 报告.pdf
    """
    from nmx.views import supervision as views
    from nmx.schedule.dates import parse_date
    from nmx.duties.match import find_unit
    from nmx.supervision import append
    from nmx.supervision.names import RECORDS
    from nmx.supervision.records import prepare

    if "/" in task:  # M2/report: the task and its item in one id
        task, _, named = task.partition("/")
        if item is not None and item != named:
            raise UsageError(t("sv_item_twice", task=task, named=named, item=item))
        item = named or item
    source, plan, key, day = _open_for_writing(data, today, on, "sv_what_done_on", "--on")
    unit = find_unit(plan, _required(dept, "--dept"))
    when = parse_date(on) if on else day
    if when < plan.meta.period.start:
        raise UsageError(t("sv_date_before_period", day=when, start=plan.meta.period.start))
    prepared = prepare(plan, task, unit.id, item, period, when, evidence, note, day)
    _warn(prepared.warnings)
    path = source.path / RECORDS
    result = append.add_record(plan, key, path, prepared, when, wait=wait, allow_duplicate=allow_duplicate)
    _facts(views.done_facts(plan, prepared, result), fmt)


@command(name="status", formats=REPORT_FORMATS)
def status_cmd(
    month: MonthOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    dept: DeptOpt = None,
    matrix: Annotated[bool, typer.Option("--matrix", help="单位 × 事项总览（每个单位一行）。")] = False,
    soon: Annotated[int, typer.Option("--soon", help="N 个工作日内到期的未完成事项标为“即将到期”（黄灯）。",
                                      min=0, max=366, metavar="N")] = 3,
    today: TodayOpt = None,
    fmt: FormatOpt = Format.TABLE,
    output: OutputOpt = None,
    data: DataOpt = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """各项有期限的事项在应完成单位的完成情况和灯色：已完成、逾期完成、即将到期、未到期、逾期。

    定额显示 完成/要求；组织、配合单位不计。不给范围时看“今天”所在的月份（方案期满后看整个期间）。
    在工作区中（--workspace、NMX_WORKSPACE 或向上找到的 nmx.yaml）从市级方案看：县区方案中承接（inherits）市级任务的完成记录
    计入该县区在市级方案中的事项（按同一日程事项和周期），与市级 records.yaml 合并；JSON 每行注明记录出自哪份方案。
    示例：nmx status --month 2023-05 --today 2023-06-08 --matrix
    """
    from nmx.plan.workspace_locate import find
    from nmx.schedule.ranges import status_range
    from nmx.supervision import files
    from nmx.views import supervision as views

    root = find(workspace, data_given=data is not None) if data is None else None
    rollup = None
    if root is not None:
        from nmx.supervision.rollup import load_workspace

        plan, _, rollup = load_workspace(root)
        records = rollup.records
    else:
        plan, records, _ = files.load_records(data)
    day, period_note = as_of(plan, today_from(today), fmt)
    rng = status_range(plan, month, start, end, day)
    report = views.status_report(plan, records, rng, day, _units(plan, dept), soon, period_note, matrix=matrix,
                                 wide=fmt in (Format.CSV, Format.XLSX), full=fmt is not Format.TABLE, rollup=rollup,
                                 streamed=fmt is Format.JSON)
    calendar_notice(report.calendar_note, output)
    view = report.view
    _show(plan, view, fmt, output, "sv_sheet_status")


@command(name="overdue", formats=REPORT_FORMATS)
def overdue_cmd(
    dept: DeptOpt = None,
    today: TodayOpt = None,
    fmt: FormatOpt = Format.TABLE,
    output: OutputOpt = None,
    data: DataOpt = None,
) -> None:
    """督查清单：已过截止日仍未登记完成的事项，按单位分组，最早的在前。

    示例：nmx overdue --today 2023-06-08 --dept 金安区
    """
    from nmx.supervision import files
    from nmx.views import supervision as views

    plan, records, _ = files.load_records(data)
    day, period_note = as_of(plan, today_from(today), fmt)
    report = views.overdue_report(plan, records, day, _units(plan, dept), period_note,
                                  flat=fmt in (Format.CSV, Format.XLSX))
    calendar_notice(report.calendar_note, output)
    view = report.view
    _show(plan, view, fmt, output, "sv_sheet_overdue")


@command(target=ledger_app, name="add", formats=WRITE_FORMATS)
def ledger_add_cmd(
    dept: DeptOpt = None,
    problem: Annotated[Optional[str], typer.Option("--problem", help="发现的问题。", show_default=False)] = None,
    measure: Annotated[Optional[str], typer.Option("--measure", help="整改措施。", show_default=False)] = None,
    due: Annotated[Optional[str], typer.Option("--due", help="整改期限 YYYY-MM-DD。", show_default=False)] = None,
    found_on: Annotated[Optional[str], typer.Option("--found-on", help="发现日期（默认：今天）。", show_default=False)] = None,
    source_: Annotated[str, typer.Option("--source", help="来源：走访、督查或其他。")] = "走访",
    note: NoteOpt = None,
    wait: WaitOpt = 10.0,
    today: TodayOpt = None,
    fmt: FormatOpt = Format.TABLE,
    data: DataOpt = None,
) -> None:
    """登记一条整改事项（问题、责任单位、整改期限），输出新编号（如 L0001）。

    示例：nmx ledger add --dept 市城管局 --problem "停车泊位标识不清" --measure "重新施划" --due 2023-07-31
    """
    from nmx.views import supervision as views
    from nmx.schedule.dates import parse_date
    from nmx.duties.match import find_unit
    from nmx.supervision import append
    from nmx.supervision.names import LEDGER
    from nmx.supervision.ledger import entry_fields, new_entry, parse_source
    from nmx.supervision.models import LedgerFile

    source, plan, key, day = _open_for_writing(data, today, found_on, "sv_what_found_on", "--found-on")
    unit = find_unit(plan, _required(dept, "--dept"))
    due_day = parse_date(_required(due, "--due"))
    found = parse_date(found_on) if found_on else day
    kind = parse_source(source_)
    problem, measure = _required(problem, "--problem"), _required(measure, "--measure")
    new_entry(LedgerFile(), unit.name, problem, measure, due_day, found, kind, day, note)  # refuse before locking

    def make(ledger):
        entry = new_entry(ledger, unit.name, problem, measure, due_day, found, kind, day, note)
        return entry_fields(entry), entry

    entry = append.add_ledger_item(plan, key, source.path / LEDGER, "entries", make, wait=wait)
    _facts(views.ledger_added_facts(entry, source.path / LEDGER), fmt)


@command(target=ledger_app, name="close", formats=WRITE_FORMATS)
def ledger_close_cmd(
    entry_id: Annotated[str, typer.Argument(metavar="ID", help="台账编号，如 L0001。", show_default=False)],
    on: Annotated[Optional[str], typer.Option("--on", help="销号日期 YYYY-MM-DD（默认：今天）。", show_default=False)] = None,
    note: NoteOpt = None,
    wait: WaitOpt = 10.0,
    today: TodayOpt = None,
    fmt: FormatOpt = Format.TABLE,
    data: DataOpt = None,
) -> None:
    """销号：记下整改完成的日期和说明（追加一条 closures 记录，原条目不改）。

    示例：nmx ledger close L0001 --on 2023-07-20 --note "已重新施划并验收"
    """
    from nmx.views import supervision as views
    from nmx.schedule.dates import parse_date
    from nmx.supervision import append
    from nmx.supervision.names import LEDGER
    from nmx.supervision.ledger import closure_fields, new_closure

    source, plan, key, day = _open_for_writing(data, today, on, "sv_what_closed_on", "--on")
    closed_on = parse_date(on) if on else day
    text = _required(note, "--note")
    entry_id = entry_id.strip()

    def make(ledger):
        closure = new_closure(ledger, entry_id, closed_on, text, day)
        entry = next(e for e in ledger.entries if e.id == entry_id)
        return closure_fields(closure), (entry, closure)

    entry, closure = append.add_ledger_item(plan, key, source.path / LEDGER, "closures", make, wait=wait)
    _facts(views.ledger_closed_facts(entry, closure), fmt)


@command(target=ledger_app, name="list", formats=LIST_FORMATS)
def ledger_list_cmd(
    open_: Annotated[bool, typer.Option("--open", help="只看未销号的（含逾期）。")] = False,
    overdue_: Annotated[bool, typer.Option("--overdue", help="只看已过整改期限仍未销号的。")] = False,
    dept: DeptOpt = None,
    today: TodayOpt = None,
    fmt: FormatOpt = Format.TABLE,
    output: OutputOpt = None,
    data: DataOpt = None,
) -> None:
    """整改台账：每条的问题、责任单位、期限、状态（未销号、逾期、已销号）和销号记录。

    示例：nmx ledger list --overdue --today 2023-08-01
    """
    from nmx.supervision import files
    from nmx.views import supervision as views

    _source, plan, _key, state, _path = files.load_ledger(data)
    day, _note = as_of(plan, today_from(today), fmt)
    unit = _units(plan, dept)
    view = views.ledger_list(plan, state.ledger, day, open_=open_, overdue=overdue_, unit=unit,
                             wide=fmt in (Format.CSV, Format.XLSX))
    _show(plan, view, fmt, output, "sv_sheet_ledger")


# --- helpers -----------------------------------------------------------------------------------
def _required(value: str | None, option: str) -> str:
    from nmx.errors import UsageError
    from nmx.i18n import t

    if value is None or not value.strip():
        raise UsageError(t("sv_option_required", option=option))
    return value


def _open_for_writing(data: Path | None, today: str | None, dated: str | None, what: str, option: str):
    """(source, plan, plan key, today) for a write command. Without an explicit date (`option`)
    the entry is dated today, which must then lie inside the plan's period."""
    from nmx.schedule.period import require_inside
    from nmx.supervision import files

    source, plan, key = files.load_plan_keyed(data)
    _require_writable(source)
    day = today_from(today)
    if dated is None:
        require_inside(plan, day, t(what), option)
    return source, plan, key, day


def _require_writable(source) -> None:
    """Never write into the bundled plan (an installed package, or the repository's data/)."""
    from nmx.errors import UsageError
    from nmx.i18n import t
    from nmx.plan.source import bundled_dir

    if source.path.resolve() == bundled_dir().resolve():
        raise UsageError(t("sv_bundled", path=source.path), hint=t("sv_bundled_hint", path=source.path))


def _warn(lines: list[str]) -> None:
    from nmx.i18n import t

    for line in lines:
        say(f"nmx: {t('warning')}: {line}")


def _units(plan, dept: str | None) -> set[str] | None:
    if dept is None:
        return None
    from nmx.duties.match import find_unit

    return {find_unit(plan, dept).id}


def _show(plan, view, fmt: Format, output: Path | None, sheet: str) -> None:
    from nmx.cli.output import show

    if fmt is Format.XLSX:
        from nmx.views.workbook import list_workbook

        view = list_workbook(plan, view, t(sheet))
    elif fmt is Format.DOCX:
        from nmx.views.workbook import list_paper

        view = list_paper(plan, view)
    show(view, fmt, output)


def _facts(view, fmt: Format) -> None:
    from nmx.cli.output import show

    show(view, Format.JSON if fmt is Format.JSON else Format.TEXT, None)


