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
    OutputOpt,
    TodayOpt,
    ToOpt,
    app,
    as_of,
    calendar_notice,
    command,
    require_format,
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
WRITE_FORMATS = (Format.TABLE, Format.JSON)

ledger_app = typer.Typer(
    help="整改台账：登记问题（add）、销号（close）、查看（list）。", no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(ledger_app, name="ledger")


@command(name="done")
def done_cmd(
    task: Annotated[str, typer.Argument(metavar="TASK", help="任务编号，如 M2、M3、A14。", show_default=False)],
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

    示例：nmx done M2 --item report --dept 金安区 --period 2023-05 --on 2023-06-05 --evidence https://…
    """
    from nmx.schedule.dates import parse_date
    from nmx.duties.match import find_unit
    from nmx.supervision import append
    from nmx.supervision.names import RECORDS
    from nmx.supervision.records import prepare

    require_format(fmt, WRITE_FORMATS)
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
    _show_done(plan, prepared, result, fmt)


@command(name="status")
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
) -> None:
    """各项有期限的事项在应完成单位的完成情况和灯色：已完成、逾期完成、即将到期、未到期、逾期。

    定额显示 完成/要求；组织、配合单位不计。不给范围时看“今天”所在的月份（方案期满后看整个期间）。
    示例：nmx status --month 2023-05 --today 2023-06-08 --matrix
    """
    from nmx.supervision import files
    from nmx.views import supervision as views
    from nmx.supervision.status import statuses

    require_format(fmt, LIST_FORMATS)
    plan, records, _ = files.load_records(data)
    day, period_note = as_of(plan, today_from(today), fmt)
    rng = _range(plan, month, start, end, day)
    units = _units(plan, dept)
    found = statuses(plan, records, rng.start, rng.end, day, units, soon=soon)
    assumed = statuses(plan, records, rng.start, rng.end, day, units, soon=soon, assumed=True)
    from nmx.schedule.workdays import range_note

    cal = range_note(rng.start, rng.end)
    calendar_notice(cal, output)
    notes = _status_notes(plan, rng, found, day, cal) + _assumed_notes(assumed)
    if matrix:
        view = views.matrix_view(plan, found, rng.start, rng.end, day, notes)
    else:
        view = views.status_view(plan, found, rng.start, rng.end, day, notes,
                                 wide=fmt in (Format.CSV, Format.XLSX), full=fmt is not Format.TABLE)
    if isinstance(view.payload, dict):
        view.payload.update(period_note=period_note,
                            assumed=[views.status_record(plan, s) for s in assumed])
    _show(plan, view, fmt, output, "sv_sheet_status")


@command(name="overdue")
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
    from nmx.i18n import t
    from nmx.supervision import files
    from nmx.views import supervision as views
    from nmx.supervision.status import overdue

    require_format(fmt, LIST_FORMATS)
    plan, records, _ = files.load_records(data)
    day, period_note = as_of(plan, today_from(today), fmt)
    groups = overdue(plan, records, day, _units(plan, dept))
    notes = [t("sv_note_lead", today=day), t("sv_note_ledger")]
    from nmx.schedule.workdays import range_note

    cal = range_note(plan.meta.period.start, plan.meta.period.end)
    calendar_notice(cal, output)
    view = views.overdue_view(plan, groups, day, notes + ([cal] if cal else []))
    view.payload.update(period_note=period_note, calendar_note=cal)
    if fmt in (Format.CSV, Format.XLSX):
        view = views.flat_overdue_view(view)
    _show(plan, view, fmt, output, "sv_sheet_overdue")


@command(target=ledger_app, name="add")
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
    from nmx.schedule.dates import parse_date
    from nmx.duties.match import find_unit
    from nmx.supervision import append
    from nmx.supervision.names import LEDGER
    from nmx.supervision.ledger import entry_fields, new_entry, parse_source
    from nmx.supervision.models import LedgerFile

    require_format(fmt, WRITE_FORMATS)
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
    _show_ledger_added(entry, source.path / LEDGER, fmt)


@command(target=ledger_app, name="close")
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
    from nmx.schedule.dates import parse_date
    from nmx.supervision import append
    from nmx.supervision.names import LEDGER
    from nmx.supervision.ledger import closure_fields, new_closure

    require_format(fmt, WRITE_FORMATS)
    source, plan, key, day = _open_for_writing(data, today, on, "sv_what_closed_on", "--on")
    closed_on = parse_date(on) if on else day
    text = _required(note, "--note")
    entry_id = entry_id.strip()

    def make(ledger):
        closure = new_closure(ledger, entry_id, closed_on, text, day)
        entry = next(e for e in ledger.entries if e.id == entry_id)
        return closure_fields(closure), (entry, closure)

    entry, closure = append.add_ledger_item(plan, key, source.path / LEDGER, "closures", make, wait=wait)
    _show_ledger_closed(entry, closure, fmt)


@command(target=ledger_app, name="list")
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
    from nmx.i18n import t
    from nmx.supervision import files
    from nmx.views import supervision as views
    from nmx.supervision.ledger import CLOSED, OVERDUE, states

    require_format(fmt, LIST_FORMATS)
    _source, plan, _key, state, _path = files.load_ledger(data)
    day, _note = as_of(plan, today_from(today), fmt)
    found = states(state.ledger, day)
    if open_:
        found = [e for e in found if e.state != CLOSED]
    if overdue_:
        found = [e for e in found if e.state == OVERDUE]
    if dept is not None:
        from nmx.duties.match import find_unit

        unit = find_unit(plan, dept)
        found = [e for e in found if (r := plan.resolve(e.entry.dept)) is not None and r.id == unit.id]
    notes = [t("sv_ledger_note", today=day)]
    view = views.ledger_view(found, day, wide=fmt in (Format.CSV, Format.XLSX), notes=notes,
                             unit_name=lambda name: plan.unit_by_id[plan.resolve(name).id].name)
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


def _range(plan, month, start, end, day):
    from nmx.views.deadlines import Range, resolve_range

    if month is None and start is None and end is None:
        from nmx.schedule.dates import month_end

        if day > plan.meta.period.end:  # the final account: the whole period
            return Range(plan.meta.period.start, plan.meta.period.end)
        return Range(day.replace(day=1), month_end(day))
    return resolve_range(plan, month=month, start=start, end=end, upcoming=None, today=day)


def _units(plan, dept: str | None) -> set[str] | None:
    if dept is None:
        return None
    from nmx.duties.match import find_unit

    return {find_unit(plan, dept).id}


def _assumed_notes(assumed) -> list[str]:
    from nmx.i18n import t
    from nmx.views.supervision import item_name

    names = list(dict.fromkeys(item_name(s.item) for s in assumed))
    return [t("sv_note_assumed", items="、".join(names))] if names else []


def _status_notes(plan, rng, found, day, cal: str | None) -> list[str]:
    from nmx.views.deadlines import range_notes
    from nmx.i18n import t
    from nmx.views.supervision import item_name

    rules = [r.text for r in plan.meta.rules if r.id in ("owed-by", "stated-dates")]
    notes = range_notes(plan, rng) + ([cal] if cal else []) + [t("sv_note_lead", today=day), *rules]
    seen: dict[str, list[str]] = {}
    for s in found:
        for group in s.item.unlisted:
            names = seen.setdefault(group, [])
            if item_name(s.item) not in names:
                names.append(item_name(s.item))
    for group, items in seen.items():
        ref = plan.resolve(group)
        partly = ref is not None and ref.kind == "group" and plan.members(ref.id)
        notes.append(t("sv_note_partly" if partly else "sv_note_unlisted", group=group, items="、".join(items)))
    return notes


def _show(plan, view, fmt: Format, output: Path | None, sheet: str) -> None:
    from nmx.cli.output import show

    if fmt is Format.XLSX:
        import datetime as dt

        from nmx.i18n import t
        from nmx.views.workbook import Workbook, sheet_from_view

        created = dt.datetime.combine(plan.meta.period.start, dt.time())
        view = Workbook([sheet_from_view(view, t(sheet))], created, title=view.title or "")
    show(view, fmt, output)


def _facts(view, fmt: Format) -> None:
    from nmx.cli.output import show

    show(view, Format.JSON if fmt is Format.JSON else Format.TEXT, None)


def _show_done(plan, prepared, result, fmt: Format) -> None:
    from nmx.fileio import display
    from nmx.i18n import t
    from nmx.views.supervision import facts_view

    rec = dict(prepared.fields)
    occ = prepared.occurrence
    unit = plan.unit_by_id[prepared.key[3]]
    task = plan.task_by_id[rec["task"]]
    late = occ is not None and rec["date"] > occ.due
    what = task.schedules[prepared.key[1]].what if prepared.key[1] is not None else ""
    payload = {
        "recorded": {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in rec.items()},
        "department": unit.name, "unit": unit.id, "title": task.title,
        "due": occ.due.isoformat() if occ is not None else None, "late": late,
        "file": display(result.path), "records": result.count,
    }
    due = ""
    if occ is not None:
        due = str(occ.due) + (t("sv_late", n=(rec["date"] - occ.due).days) if late else t("sv_on_time"))
    pairs = [(t("sv_col_task"), f"{task.id} {task.title}"), (t("sv_col_item"), f"{rec.get('item') or ''} {what}".strip()),
             (t("sv_col_period"), rec.get("period")), (t("sv_col_dept"), unit.name), (t("sv_col_date"), rec["date"]),
             (t("sv_col_due"), due), (t("sv_col_evidence"), rec.get("evidence")), (t("sv_col_note"), rec.get("note")),
             (t("sv_col_file"), t("sv_file_count", path=display(result.path), n=result.count))]
    _facts(facts_view(pairs, payload, t("sv_recorded")), fmt)


def _show_ledger_added(entry, path: Path, fmt: Format) -> None:
    from nmx.fileio import display
    from nmx.i18n import t
    from nmx.supervision.ledger import entry_fields
    from nmx.views.supervision import facts_view

    rec = {k: (v.value if hasattr(v, "value") else v) for k, v in entry_fields(entry)}
    payload = {**{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in rec.items()}, "file": display(path)}
    pairs = [(t("sv_col_id"), entry.id), (t("sv_col_dept"), entry.dept), (t("sv_col_problem"), entry.problem),
             (t("sv_col_measure"), entry.measure), (t("sv_col_found_on"), entry.found_on),
             (t("sv_col_source"), entry.source.value), (t("sv_col_deadline"), entry.due), (t("sv_col_note"), entry.note)]
    _facts(facts_view(pairs, payload, t("sv_ledger_added", id=entry.id)), fmt)


def _show_ledger_closed(entry, closure, fmt: Format) -> None:
    from nmx.i18n import t
    from nmx.views.supervision import facts_view

    late = (closure.closed_on - entry.due).days
    payload = {"id": entry.id, "department": entry.dept, "problem": entry.problem, "due": entry.due.isoformat(),
               "closed_on": closure.closed_on.isoformat(), "note": closure.note, "days_late": max(late, 0)}
    pairs = [(t("sv_col_id"), entry.id), (t("sv_col_dept"), entry.dept), (t("sv_col_problem"), entry.problem),
             (t("sv_col_deadline"), entry.due),
             (t("sv_col_closed_on"), str(closure.closed_on) + (t("sv_late", n=late) if late > 0 else t("sv_on_time"))),
             (t("sv_col_close_note"), closure.note)]
    _facts(facts_view(pairs, payload, t("sv_ledger_closed_ok", id=entry.id)), fmt)
