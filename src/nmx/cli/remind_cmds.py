"""`nmx remind`: each unit's due-soon and overdue items as a message, printed or posted to a
work-chat robot (企业微信, 钉钉)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from nmx.cli.app import (
    DataOpt,
    DeptOpt,
    FormatOpt,
    OutputOpt,
    TodayOpt,
    as_of,
    calendar_notice,
    command,
    say,
    today_from,
)
from nmx.errors import EXIT_DATA, UsageError
from nmx.i18n import t
from nmx.render import Format

REMIND_FORMATS = (Format.TEXT, Format.MD, Format.JSON, Format.WECOM, Format.DINGTALK)
ROBOT_FORMATS = {Format.WECOM: "wecom", Format.DINGTALK: "dingtalk"}
EACH = "units"  # --send units: each unit to its own webhook (the webhooks file)


@command(name="remind", formats=REMIND_FORMATS)
def remind_cmd(
    today: TodayOpt = None,
    days: Annotated[int, typer.Option("--days", help="提醒 N 个工作日内到期的未完成事项（另加全部逾期事项）。",
                                      min=0, max=60, metavar="N")] = 3,
    dept: DeptOpt = None,
    fmt: FormatOpt = Format.TEXT,
    output: OutputOpt = None,
    send: Annotated[Optional[str], typer.Option(
        "--send", metavar="URL", show_default=False,
        help="发送到机器人 webhook（http/https，一个群）；写 units 时每个单位发到 webhooks 文件中它自己的群。")] = None,
    webhooks: Annotated[Optional[Path], typer.Option(
        "--webhooks", metavar="FILE", show_default=False, dir_okay=False,
        help="单位 → webhook 的本地 YAML 文件（默认：用户配置目录下 nmx/webhooks.yaml；不得放在方案目录中）；"
             "给出时即按单位发送。")] = None,
    timeout: Annotated[float, typer.Option("--timeout", metavar="S", min=0.1, max=300,
                                           help="每次请求的超时秒数。")] = 10.0,
    data: DataOpt = None,
) -> None:
    """工作群提醒：每个单位一条消息，列出 N 个工作日内到期和已逾期未完成的事项。

    没有事项的单位不发消息。wecom、dingtalk：企业微信、钉钉机器人的消息体，每行一个 JSON，超过长度限制时按行拆成几条。
    --send URL 发到一个群，--send units 或 --webhooks FILE 按单位发到各自的群；企业微信、钉钉的地址自动选择消息体，
    其他地址需 --format wecom 或 dingtalk。每个机器人每分钟最多 20 条；webhook 的 key 从不显示；有单位未送达时退出码为 1。
    示例：nmx remind --today 2023-06-05 --dept 金安区 -f wecom --send "$WEBHOOK"
    """
    from nmx.schedule.workdays import range_note
    from nmx.supervision import files
    from nmx.views.remind import reminders

    robot = ROBOT_FORMATS.get(fmt)
    targets = _targets(send, webhooks, timeout, robot)
    plan, records, records_path = files.load_records(data)
    urls = _webhooks(plan, targets, records_path.parent, robot, output)  # a bad file is said even with nothing to send
    day, period_note = as_of(plan, today_from(today), fmt)
    cal = range_note(plan.meta.period.start, plan.meta.period.end)
    units = {_unit(plan, dept)} if dept is not None else None
    found = reminders(plan, records, day, days, units, period_note, cal)
    calendar_notice(cal, output)
    if not found.units:
        say(f"nmx: {t('rm:nothing', today=day, days=days)}")
    if targets is None:
        if found.units or fmt is Format.JSON:
            from nmx.cli.output import show

            show(found, fmt, output)
    elif found.units:
        _send(found, urls if urls is not None else {u.unit: str(targets) for u in found.units}, fmt, output, timeout)


def _targets(send: str | None, webhooks: Path | None, timeout: float, asked: str | None) -> str | Path | None:
    """Where to send: a URL (one chat), the webhooks file (each unit its own), or None (print)."""
    import math

    from nmx.handouts.robots import check_url, robot_for

    if not math.isfinite(timeout):
        raise UsageError(t("rm:bad_timeout"))
    if send is not None and send.strip().lower() == EACH:
        from nmx.handouts.webhooks import default_path

        return webhooks or default_path()
    if send is not None:
        if webhooks is not None:
            raise UsageError(t("rm:send_and_webhooks"))
        why = check_url(send.strip(), t("rm:url_of_send"))
        if why is not None:
            raise UsageError(why, hint=t("rm:send_hint"))
        robot_for(send.strip(), asked)  # an unknown host without --format wecom|dingtalk: said before any work
        return send.strip()
    return webhooks


def _unit(plan, dept: str) -> str:
    from nmx.duties.match import find_unit

    return find_unit(plan, dept).id


def _webhooks(plan, targets: str | Path | None, data_dir: Path, asked: str | None,
              output: Path | None) -> dict[str, str] | None:
    """The webhooks file's unit → URL, each URL's robot known (else a usage error, before any work)."""
    if not isinstance(targets, Path):
        return None
    from nmx.handouts import webhooks
    from nmx.handouts.robots import robot_for

    urls, warnings = webhooks.load(targets, plan, data_dir)
    if output is not None:
        from nmx.fileio import check_output, is_stdout

        if not is_stdout(output):
            check_output(output, [targets])  # the report never replaces the webhooks file
    for url in urls.values():
        robot_for(url, asked)
    for line in warnings:
        say(f"nmx: {t('warning')}: {line}")
    return urls


def _send(found, urls: dict[str, str], fmt: Format, output: Path | None, timeout: float) -> None:
    from nmx.cli.output import show
    from nmx.handouts import robots
    from nmx.views.remind import SendReport

    sends = robots.sends_for(found, urls, ROBOT_FORMATS.get(fmt))
    outcomes = robots.deliver(sends, timeout, on_wait=lambda s: say(f"nmx: {t('rm:waiting', s=round(s))}"))
    report = SendReport(found.today, outcomes)
    show(report, Format.JSON if fmt is Format.JSON else Format.TEXT, output)
    if report.failed:
        raise typer.Exit(EXIT_DATA)
