"""The Typer application, the options every command shares, and error → exit code."""

from __future__ import annotations

import datetime
import functools
import inspect
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from nmx import __version__
from nmx.errors import EXIT_INTERNAL, DataError, NmxError, UsageError
from nmx.i18n import set_lang, t
from nmx.render import Format

app = typer.Typer(
    name="nmx",
    help="六安市 2023 年暖民心行动宣传方案（六民生办〔2023〕3号）：查询职责、期限，校验方案数据。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# --- options shared by every command ------------------------------------------------
DataOpt = Annotated[
    Optional[Path],
    typer.Option("--data", help="方案数据目录（含 tasks.yaml、departments.yaml）。默认：环境变量 NMX_DATA、./data/ 或内置方案。",
                 show_default=False, file_okay=False),
]
OutputOpt = Annotated[
    Optional[Path],
    typer.Option("--output", "-o", help="写入文件（成功后原子写入）而不是打印。", show_default=False, dir_okay=False),
]
LangOpt = Annotated[
    Optional[str],
    typer.Option("--lang", envvar="NMX_LANG", help="语言：zh（默认）或 en。", show_default=False),
]


DeptOpt = Annotated[
    Optional[str],
    typer.Option("--dept", "-d", help="单位：id、名称、全称、别名、县区简称或拼音（如 jtysj）。", show_default=False),
]
MonthOpt = Annotated[Optional[str], typer.Option("--month", "-m", help="月份 YYYY-MM。", show_default=False)]
FromOpt = Annotated[Optional[str], typer.Option("--from", help="起始日期 YYYY-MM-DD（默认：方案期间开始）。", show_default=False)]
ToOpt = Annotated[Optional[str], typer.Option("--to", help="结束日期 YYYY-MM-DD（默认：方案期间结束）。", show_default=False)]
TaskOpt = Annotated[Optional[str], typer.Option("--task", "-t", help="只看一项任务（编号，如 M2）。", show_default=False)]
TodayOpt = Annotated[
    Optional[str],
    typer.Option("--today", envvar="NMX_TODAY", help="视为“今天”的日期 YYYY-MM-DD（默认：实际日期）。", show_default=False),
]


def today_from(value: str | None) -> datetime.date:
    """The --today option as a date; the real date only when it is not given."""

    from nmx.dates import parse_date

    return parse_date(value) if value else datetime.date.today()


#: The one `--format` option; each command checks it with `require_format`.
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="输出格式。", case_sensitive=False)]


def require_format(fmt: Format, allowed: tuple[Format, ...]) -> None:
    if fmt not in allowed:
        raise UsageError(t("bad_format", fmt=fmt.value, allowed=", ".join(f.value for f in allowed)))


# --- errors → exit codes, in one place ------------------------------------------
def report_error(exc: NmxError) -> None:
    err = _stderr()
    if isinstance(exc, DataError):
        for problem in exc.problems:
            err.write(f"{problem}\n")
    err.write(f"nmx: {t('error')}: {exc.message}\n")
    if exc.hint:
        err.write(f"nmx: {t('hint')}: {exc.hint}\n")


def _stderr():
    return sys.stderr


def command(target: typer.Typer = app, name: str | None = None, **kwargs: Any) -> Callable:
    """Register `fn` as a command that takes --lang and turns NmxError into its exit code."""

    def register(fn: Callable) -> Callable:
        sig = inspect.signature(fn, eval_str=True)
        lang_param = inspect.Parameter("lang", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=LangOpt)

        @functools.wraps(fn)
        def wrapper(*args: Any, lang: str | None = None, **kw: Any) -> Any:
            try:
                _set_lang(lang)
                return fn(*args, **kw)
            except NmxError as exc:
                report_error(exc)
                raise typer.Exit(exc.exit_code) from None
            except KeyboardInterrupt:
                raise typer.Exit(130) from None
            except (typer.Exit, typer.Abort, SystemExit):
                raise
            except Exception as exc:  # noqa: BLE001 - the last line of defence
                if os.environ.get("NMX_DEBUG"):
                    raise
                _stderr().write(f"nmx: {t('internal_error', error=f'{type(exc).__name__}: {exc}')}\n")
                raise typer.Exit(EXIT_INTERNAL) from None

        params = [p for p in sig.parameters.values()] + [lang_param]
        wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in params}
        target.command(name, **kwargs)(wrapper)
        return fn

    return register


def _set_lang(lang: str | None) -> None:
    if lang is None:
        return
    try:
        set_lang(lang.lower())
    except ValueError:
        set_lang(None)
        raise UsageError(t("bad_lang", lang=lang)) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"nmx {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本并退出。")
    ] = False,
) -> None:
    """六安市 2023 年暖民心行动宣传方案：职责、期限、核查与导出。"""
