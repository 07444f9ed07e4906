"""The Typer application, the options every command shares, and error → exit code."""

from __future__ import annotations

import datetime
import errno
import functools
import inspect
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer
from typer.core import TyperCommand, TyperGroup

import nmx.supervision  # noqa: F401  registers records.yaml and ledger.yaml with the plan pipeline
import nmx.schedule.holidays  # noqa: F401  registers holidays.yaml (the plan's own holiday calendar)
from nmx import __version__
from nmx.errors import EXIT_INTERNAL, EXIT_USAGE, DataError, NmxError, UsageError
from nmx.i18n import set_lang, t
from nmx.render import Format

COMPLETE_VAR = "_NMX_COMPLETE"  # set by the scripts `nmx completion SHELL` prints


def _localised_help(cls: type) -> type:
    """`cls` (a typer command or group) with its help in the user's language, never cut at the
    terminal's width: the usage line, `-h`'s own help, typer's panel titles."""

    class Localised(cls):  # type: ignore[valid-type, misc]
        def format_help(self, ctx: Any, formatter: Any) -> None:
            from nmx.cli import texts
            from nmx.i18n import lang

            texts.for_help(lang())
            super().format_help(ctx, formatter)

        def format_usage(self, ctx: Any, formatter: Any) -> None:
            from nmx.cli.texts import text
            from nmx.i18n import lang

            formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)),
                                  prefix=text("Usage: ", lang()))

        def get_help_option(self, ctx: Any) -> Any:
            from nmx.cli.texts import text
            from nmx.i18n import lang

            option = super().get_help_option(ctx)
            if option is not None:
                option.help = text("Show this message and exit.", lang())
            return option

    Localised.__name__ = Localised.__qualname__ = f"Nmx{cls.__name__.removeprefix('Typer')}"
    return Localised


NmxCommand = _localised_help(TyperCommand)


def _click_exceptions() -> Any:
    """click's exceptions module: typer 0.28 carries its own click, older typers use the package."""
    try:
        from typer._click import exceptions
    except ImportError:
        from click import exceptions
    return exceptions


class NmxGroup(_localised_help(TyperGroup)):  # type: ignore[misc]
    """The root (and sub-app) group: help as `NmxCommand`'s; the root's `main` reads `--lang`
    and `--format json` wherever they are on the line, and reports click's usage errors in the
    user's language as nmx reports its own (`nmx: 错误: …`, exit 2)."""


    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        click = _click_exceptions()

        from nmx.i18n import lang

        argv = list(sys.argv[1:] if args is None else args)
        _prescan(argv)
        if os.environ.get(complete_var or COMPLETE_VAR):
            from typer._completion_classes import completion_init

            completion_init()
        try:
            code = super().main(argv, prog_name, complete_var or COMPLETE_VAR, standalone_mode=False, **extra)
        except click.NoArgsIsHelpError as exc:  # `nmx`, `nmx ledger`: the help, as asked
            sys.stdout.write(exc.ctx.get_help() + "\n")
            code = 0
        except click.ClickException as exc:
            from nmx.cli import texts

            hint = texts.usage_hint(getattr(exc, "ctx", None)) if isinstance(exc, click.UsageError) else None
            report_error(UsageError(texts.error_text(exc.format_message(), lang()), hint=hint))
            code = EXIT_USAGE
        except typer.Abort:
            say(f"nmx: {t('aborted')}")
            code = 130
        finally:
            _run.update(json_errors=False, root_lang=None)
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


def command_word(argv: list[str]) -> str | None:
    """The first word after the root's own options, when it may name a command or group; None
    when there is none, or the root answers (`--help`, `--version`, an unknown option) or the
    shell completes (all of them then: listings, suggestions and completions see every command)."""
    if os.environ.get(COMPLETE_VAR):
        return None
    words = iter(argv)
    for word in words:
        if word == "--lang":
            next(words, None)
            continue
        if word.startswith("--lang="):
            continue
        return None if word.startswith("-") else word
    return None


def only_the_command(argv: list[str]) -> None:
    """Keep only the command `argv` names (`command_word`), when it names one exactly.

    Typer builds click's objects for every registered command on each run (reading each
    function's signature and type hints), though only one runs. When `argv` names no
    command exactly, everything is kept, so a typo still gets its suggestions.
    """
    word = command_word(argv)
    if word is None:
        return
    commands = [c for c in app.registered_commands if c.name == word]
    groups = [g for g in app.registered_groups if (g.name or g.typer_instance.info.name) == word]
    if commands or groups:
        app.registered_commands[:] = commands
        app.registered_groups[:] = groups


#: What the command line says before a command runs: its language and whether errors are JSON.
_run: dict[str, Any] = {"json_errors": False, "root_lang": None}


def _prescan(argv: list[str]) -> None:
    """`--lang L` and `--format json` anywhere before `--` (click's own texts and errors come
    before any command runs; a bad value is left for the command to report)."""
    words = argv[: argv.index("--")] if "--" in argv else argv
    fmt = lang_value = None
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else None
        if word == "--lang" or word.startswith("--lang="):
            lang_value = word.partition("=")[2] if "=" in word else following
        elif word in ("--format", "-f") or word.startswith("--format="):
            fmt = word.partition("=")[2] if "=" in word else following
        elif word.startswith("-f") and not word.startswith("--"):
            fmt = word[2:]
    _run["json_errors"] = (fmt or "").lower() == Format.JSON.value
    try:
        set_lang(lang_value.lower() if lang_value else None)
    except ValueError:
        set_lang(None)


app = typer.Typer(
    name="nmx",
    cls=NmxGroup,
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
WorkspaceOpt = Annotated[
    Optional[Path],
    typer.Option("--workspace", "-w", help="工作区目录（含 nmx.yaml，列出市级、县区等多份方案）。默认：环境变量 NMX_WORKSPACE "
                 "或从当前目录向上找到的 nmx.yaml；--data 或 NMX_DATA 给出时不用工作区。", show_default=False),
]
OutputOpt = Annotated[
    Optional[Path],
    typer.Option("--output", "-o", help="写入文件（成功后原子写入）而不是打印。", show_default=False, dir_okay=False),
]
LangOpt = Annotated[
    Optional[str],
    typer.Option("--lang", envvar="NMX_LANG", help="语言：zh（默认）或 en。", show_default=False),
]


def complete_unit(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion of a unit (nmx.cli.completers, imported only when a shell asks)."""
    from nmx.cli.completers import units

    return units(ctx, incomplete)


def complete_task(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion of a task id."""
    from nmx.cli.completers import tasks

    return tasks(ctx, incomplete)


DeptOpt = Annotated[
    Optional[str],
    typer.Option("--dept", "-d", help="单位：id、名称、全称、别名、县区简称或拼音（如 jtysj）。", show_default=False,
                 autocompletion=complete_unit),
]
MonthOpt = Annotated[Optional[str], typer.Option("--month", "-m", help="月份 YYYY-MM。", show_default=False)]
FromOpt = Annotated[Optional[str], typer.Option("--from", help="起始日期 YYYY-MM-DD（默认：方案期间开始）。", show_default=False)]
ToOpt = Annotated[Optional[str], typer.Option("--to", help="结束日期 YYYY-MM-DD（默认：方案期间结束）。", show_default=False)]
TaskOpt = Annotated[Optional[str], typer.Option("--task", "-t", help="只看一项任务（编号，如 M2）。", show_default=False,
                                                autocompletion=complete_task)]
TodayOpt = Annotated[
    Optional[str],
    typer.Option("--today", envvar="NMX_TODAY", help="视为“今天”的日期 YYYY-MM-DD（默认：实际日期）。", show_default=False),
]


def today_from(value: str | None) -> datetime.date:
    """The --today option as a date; the real date only when it is not given."""

    from nmx.schedule.dates import parse_date

    return parse_date(value) if value else datetime.date.today()


#: The one `--format` option. A command declares the formats it accepts once, as
#: `@command(formats=(...))`: they become the option's choices, its help, its completions and its check.
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="输出格式。", case_sensitive=False)]


def _format_param(param: inspect.Parameter, formats: tuple[Format, ...]) -> inspect.Parameter:
    """The `fmt` parameter as a choice of these formats' names (case-insensitive): its help
    shows them, click checks them, shell completion offers them."""
    from typing import Literal

    default = param.default.value if isinstance(param.default, Format) else param.default
    if default is not None and Format(default) not in formats:  # None: the command chooses (from -o's name)
        raise TypeError(f"default format {default} is not among {formats}")  # a bug in a command's declaration
    choices = Literal[tuple(f.value for f in formats)]  # type: ignore[valid-type]
    # the choices go in the help text, where they wrap at ", " (as a metavar they would be cut)
    option = typer.Option("--format", "-f", help=f"输出格式：{', '.join(f.value for f in formats)}。",
                          metavar="<format>", case_sensitive=False)
    return param.replace(annotation=Annotated[choices, option], default=default)


# --- errors → exit codes, in one place ------------------------------------------
#: How many problems an error prints before "… and N more" (`nmx validate --max-problems` for its own list).
MAX_PROBLEMS_SHOWN = 100


def report_error(exc: NmxError) -> None:
    from nmx.problems import shown

    if _run["json_errors"]:
        return _json_error(exc)
    if isinstance(exc, DataError):
        for line in shown(exc.problems, MAX_PROBLEMS_SHOWN):
            say(line)
    say(f"nmx: {t('error')}: {exc.message}")
    if exc.hint:
        say(f"nmx: {t('hint')}: {exc.hint}")


def _json_error(exc: NmxError) -> None:
    """The error as one JSON object on stderr (`--format json`; docs/commands.md, "JSON output")."""
    import json

    from nmx.safetext import json_safe
    from nmx.views import envelope

    doc = {**envelope("error/1"), "code": exc.exit_code, "message": exc.message, "hint": exc.hint,
           "problems": [p.to_dict() for p in exc.problems] if isinstance(exc, DataError) else []}
    sys.stderr.write(json_safe(json.dumps(doc, ensure_ascii=False)) + "\n")


def warn(message: str) -> None:
    say(f"nmx: {t('warning')}: {message}")


def off_terminal(output: Path | None) -> bool:
    """Whether the result goes to a file or a pipe (where notes inside it may go unread)."""
    from nmx.fileio import is_stdout

    return (output is not None and not is_stdout(output)) or not sys.stdout.isatty()


def calendar_notice(note: str | None, output: Path | None, always: bool = False) -> None:
    """Say on stderr that working days were counted without official holiday data, once,
    whenever the result goes to a file or a pipe (or `always`)."""
    if note and (always or off_terminal(output)):
        say(f"nmx: {note}")


def as_of(plan, day, fmt=None):
    """The day a dated command answers for, and its note about the plan's period: said once,
    on stderr (a JSON document carries it as `period_note` instead)."""
    from nmx.schedule.period import as_of as period_as_of
    from nmx.render import Format

    effective, note = period_as_of(plan, day)
    if note and fmt is not Format.JSON:
        say(f"nmx: {note}")
    return effective, note


def say(line: str) -> None:
    """One line for the person on stderr, control characters shown escaped (a message may
    quote data or a path)."""
    from nmx.safetext import for_terminal

    sys.stderr.write(for_terminal(line) + "\n")


def command(target: typer.Typer = app, name: str | None = None, *, output: str = "file",
            formats: tuple[Format, ...] | None = None, **kwargs: Any) -> Callable:
    """Register `fn` as a command that takes --lang and turns NmxError into its exit code.

    A command with a `fmt` parameter names the `formats` it accepts (the first is not implied:
    the parameter's default must be one of them, or None for a command that picks the format
    itself when none is given, as `nmx notice` does from the -o file's suffix).

    Before the command runs, every text option is checked for control characters and,
    when `output` is "file", an `--output` is checked against the run's inputs (so a
    table never replaces the plan or the records, whatever the work costs).
    """

    def register(fn: Callable) -> Callable:
        sig = inspect.signature(fn, eval_str=True)
        if ("fmt" in sig.parameters) != (formats is not None):
            raise TypeError(f"{fn.__name__}: a command with --format declares its formats, and only then")
        if formats is not None:
            sig = sig.replace(parameters=[_format_param(p, formats) if p.name == "fmt" else p
                                          for p in sig.parameters.values()])
        lang_param = inspect.Parameter("lang", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=LangOpt)

        @functools.wraps(fn)
        def wrapper(*args: Any, lang: str | None = None, **kw: Any) -> Any:
            try:
                _start_run()
                if isinstance(kw.get("fmt"), str):
                    kw["fmt"] = Format(kw["fmt"].lower())
                    _run["json_errors"] = kw["fmt"] is Format.JSON
                _set_lang(lang if lang is not None else _run["root_lang"])
                _refuse_controls(kw)
                if output == "file" and isinstance(kw.get("output"), Path):
                    _check_output(kw["output"], kw.get("data"), kw.get("workspace"))
                return fn(*args, **kw)
            except NmxError as exc:
                report_error(exc)
                raise typer.Exit(exc.exit_code) from None
            except KeyboardInterrupt:
                raise typer.Exit(130) from None
            except (typer.Exit, typer.Abort, SystemExit):
                raise
            except BrokenPipeError:  # the reader of the output stopped (`nmx deadlines | head`): not an error
                _reader_gone()
                raise typer.Exit(0) from None
            except OSError as exc:  # a path of the user's that cannot be used: their setup, not a bug
                if os.environ.get("NMX_DEBUG") or (exc.filename is None and exc.errno not in _FULL):
                    return _internal(exc)
                report_error(UsageError(t("os_error", path=exc.filename, reason=exc.strerror or exc)
                                        if exc.filename is not None else t("write_failed", reason=exc.strerror or exc)))
                raise typer.Exit(EXIT_USAGE) from None
            except (OverflowError, RecursionError) as exc:
                if os.environ.get("NMX_DEBUG"):
                    raise
                report_error(UsageError(t("out_of_range", error=str(exc) or type(exc).__name__)))
                raise typer.Exit(EXIT_USAGE) from None
            except Exception as exc:  # noqa: BLE001 - the last line of defence
                return _internal(exc)

        params = [p for p in sig.parameters.values()] + [lang_param]
        wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in params}
        target.command(name, cls=NmxCommand, **kwargs)(wrapper)
        return fn

    return register


#: What a write of the output (standard output, where no file is named) meets on a full disk or
#: quota, or a file too large: the user's setup, not a bug.
_FULL = frozenset(getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EFBIG") if hasattr(errno, name))


def _reader_gone() -> None:
    """What is left of the output goes nowhere, quietly: standard output is pointed at the null
    device, so that flushing it at the end fails no more (and says nothing)."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, sys.stdout.fileno())
        finally:
            os.close(null)
    except (AttributeError, OSError, ValueError):  # no file descriptor to point (a test's stream)
        pass


def _internal(exc: BaseException) -> None:
    if os.environ.get("NMX_DEBUG"):
        raise exc
    say(f"nmx: {t('internal_error', error=f'{type(exc).__name__}: {exc}')}")
    raise typer.Exit(EXIT_INTERNAL) from None


def _start_run() -> None:
    """A command starts afresh: no inputs seen yet, the cache's verdicts and warning to come."""
    from nmx.plan import cache
    from nmx.fileio import forget_inputs

    forget_inputs()
    cache.reset()
    cache.on_warning(warn)


def _refuse_controls(values: dict[str, Any]) -> None:
    from nmx.safetext import first_control, visible

    for key, value in values.items():
        text = str(value) if isinstance(value, (str, Path)) else None
        if text is None or (index := first_control(text)) is None:
            continue
        option = "--" + key.rstrip("_").replace("_", "-")
        raise UsageError(t("option_control", option=option, char=visible(text[index])))


def new_folder(output: Path | None, missing: str | None = None) -> Path:
    """`-o NEWDIR` of a command that writes a folder: given (else `missing`, or "--output is
    required"), not stdout, and a new or empty folder (`fileio.refuse_folder`)."""
    from nmx.fileio import is_stdout, refuse_folder

    if output is None:
        raise UsageError(missing or t("sv_option_required", option="--output"))
    if is_stdout(output):
        raise UsageError(t("cli_folder_not_stdout", option="--output"))
    refuse_folder(output)
    return output


def _check_output(output: Path, data: Path | None, workspace: Path | None = None) -> None:
    """`--output` must not be a folder, nor any file the command reads (plan, records, ledger;
    in a workspace, nmx.yaml and every plan's)."""
    from nmx.fileio import check_output, is_stdout
    from nmx.plan.source import DataSource, input_paths, locate

    if is_stdout(output):
        return
    data = data if isinstance(data, Path) else None
    inputs: list[Path] = []
    try:
        inputs += input_paths(locate(data))
    except NmxError:
        pass  # the command itself will report the data folder's problem
    try:
        from nmx.plan.workspace_locate import FILE, find, plan_folders

        root = find(workspace if isinstance(workspace, Path) else None, data_given=data is not None)
        if root is not None:
            inputs += [root / FILE] + [p for f in plan_folders(root) for p in input_paths(DataSource(f, "workspace"))]
    except NmxError:
        pass  # likewise the workspace's
    check_output(output, inputs)


def _set_lang(lang: str | None) -> None:
    if lang is None:
        set_lang(None)  # NMX_LANG, read afresh for this command
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
    lang: LangOpt = None,
) -> None:
    """六安市 2023 年暖民心行动宣传方案：职责、期限、核查与导出。"""
    _run["root_lang"] = lang  # `nmx --lang en duties …`: the command's own --lang, if given, wins
