"""click's and typer's own texts (usage errors, `-h`, help panel titles) in the user's language.

typer 0.28 carries its own copy of click, with its messages as plain English text; typer's
help panels read module constants. Chinese by default, their English under `--lang en` /
NMX_LANG=en. The Chinese is keyed by the English (or matched by pattern, for usage errors),
so a text typer changes falls back to its English, never to an error.
"""

from __future__ import annotations

from typing import Any

#: click 8.x / typer 0.2x message id → Chinese.
ZH: dict[str, str] = {
    # help
    "Show this message and exit.": "显示此帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "Usage: ": "用法：",
    "Options": "选项",
    "Arguments": "参数",
    "Commands": "命令",
    "Positional arguments": "位置参数",
    "Error": "错误",
    "[default: {}]": "[默认：{}]",
    "[env var: {}]": "[环境变量：{}]",
    "[required]": "[必填]",
    "(deprecated) ": "（已弃用）",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "required": "必填",
    "deprecated": "已弃用",
    # usage errors
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Invalid value: {message}": "值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such option: {name}": "没有选项：{name}",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Did you mean {possibility}?": "是不是 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是不是以下之一：{possibilities}？）",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是可选值 {choices} 之一。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "integer": "整数",
    "float": "数",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean.": "{value!r} 不是有效的布尔值。",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，给了 {len} 个。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Value must be an iterable.": "值必须是一个序列。",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，应为目录。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录，应为文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不可执行。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "Aborted!": "已中止。",
    "Aborted.": "已中止。",
    "unknown error": "未知错误",
}

#: typer.rich_utils constants, evaluated once at its import, as (name, English id).
_TYPER_CONSTANTS = (
    ("ARGUMENTS_PANEL_TITLE", "Arguments"), ("OPTIONS_PANEL_TITLE", "Options"),
    ("COMMANDS_PANEL_TITLE", "Commands"), ("ERRORS_PANEL_TITLE", "Error"), ("ABORTED_TEXT", "Aborted."),
    ("DEFAULT_STRING", "[default: {}]"), ("ENVVAR_STRING", "[env var: {}]"), ("REQUIRED_LONG_STRING", "[required]"),
    ("DEPRECATED_STRING", "(deprecated) "),
)

#: typer 0.28 carries its own click, without gettext: its usage errors are English text, put
#: into Chinese here by pattern (an unknown one stays English). (English regex, Chinese.)
_ERRORS = (
    (r"Missing argument (.+)\.", "缺少参数 \\1。"),
    (r"Missing option (.+)\.", "缺少选项 \\1。"),
    (r"Missing parameter: (.+)", "缺少参数：\\1"),
    (r"Missing command\.", "缺少命令。"),
    (r"No such option: (\S+) \(Possible options: (.+)\)", "没有选项 \\1（是不是：\\2）"),
    (r"No such option '(\S+)'\. Did you mean (.+)\?", "没有选项 \\1（是不是：\\2）"),  # click 8.2+ (typers below 0.28)
    (r"No such option '(\S+)'\.", "没有选项 \\1"),
    (r"No such option: (\S+)", "没有选项 \\1"),
    (r"No such command (.+)\.", "没有命令 \\1。"),
    (r"Invalid value for (.+?): (.+)", None),  # the reason translated in turn
    (r"Invalid value: (.+)", None),
    (r"(.+) is not one of (.+)\.", "\\1 不是可选值 \\2 之一。"),
    (r"(.+) is not a valid int(?:eger)?\.", "\\1 不是有效的整数。"),
    (r"(.+) is not a valid float\.", "\\1 不是有效的数。"),
    (r"(.+) is not a valid boolean\..*", "\\1 不是有效的布尔值。"),
    (r"(.+) is not in the range (.+)\.", "\\1 不在范围 \\2 内。"),
    (r"Option (.+) does not take a value\.", "选项 \\1 不带值。"),
    (r"Option (.+) requires an argument\.", "选项 \\1 需要一个值。"),
    (r"Option (.+) requires (\d+) arguments\.", "选项 \\1 需要 \\2 个值。"),
    (r"Got unexpected extra arguments? ?(?:\(s\))? \((.+)\)", "多余的参数（\\1）"),
    (r"Directory (.+) does not exist\.", "目录 \\1 不存在。"),
    (r"File (.+) does not exist\.", "文件 \\1 不存在。"),
    (r"Path (.+) does not exist\.", "路径 \\1 不存在。"),
    (r"(?:Directory|File|Path) (.+) is a file\.", "\\1 是文件，应为目录。"),
    (r"(?:Directory|File|Path) (.+) is a directory\.", "\\1 是目录，应为文件。"),
    (r"(?:Directory|File|Path) (.+) is not readable\.", "\\1 不可读。"),
    (r"(?:Directory|File|Path) (.+) is not writable\.", "\\1 不可写。"),
)
_INVALID = {"Invalid value for (.+?): (.+)": "{0} 的值无效：{1}", "Invalid value: (.+)": "值无效：{0}"}


def error_text(message: str, lang: str) -> str:
    """click's usage error `message` in `lang`."""
    import re

    if lang == "en":
        return re.sub(r"^No such option '(\S+)'\.", r"No such option: \1", message)  # one wording, whichever click
    for pattern, zh in _ERRORS:
        m = re.fullmatch(pattern, message, flags=re.S)
        if m is None:
            continue
        if zh is None:
            groups = [*m.groups()[:-1], error_text(m.groups()[-1], lang)]
            return _INVALID[pattern].format(*groups)
        return m.expand(zh)
    return message


def text(english: str, lang: str) -> str:
    """One of click's or typer's help texts in `lang`."""
    return english if lang == "en" else ZH.get(english, english)


def for_help(lang: str) -> None:
    """typer's Rich help in `lang`, its cells folded at the width rather than cut with "…"."""
    import typer.rich_utils as rich_utils

    from nmx.render.terminal import help_columns, help_table

    for name, english in _TYPER_CONSTANTS:
        setattr(rich_utils, name, text(english, lang))
    if not getattr(rich_utils.Table, "folds", False):
        rich_utils.Table = help_table()
        rich_utils.Columns = help_columns()


def usage_hint(ctx: Any) -> str | None:
    """`nmx duties [OPTIONS] DEPT` and how to get help, for a usage error in `ctx`'s command."""
    if ctx is None:
        return None
    usage = " ".join([ctx.command_path, *ctx.command.collect_usage_pieces(ctx)])
    option = (ctx.help_option_names or ["--help"])[0]
    from nmx.i18n import t

    return t("cli_usage_hint", usage=usage, help=f"{ctx.command_path} {option}")
