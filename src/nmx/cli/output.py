"""Turning a rendered result into bytes on stdout or in a file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from nmx.errors import UsageError
from nmx.fileio import check_output, is_stdout, write_output
from nmx.i18n import t
from nmx.render import Format, Rendered, Screen, Screened, ScreenedLines, render
from nmx.safetext import for_terminal

BOM = "\ufeff"


def fit_streams() -> None:
    """Let stdout and stderr never fail on an encoding: a character they cannot carry is written
    as its stand-in (`nmx.safetext.STAND_INS`: ☐ → [ ], ✓ → √ or v, …). Where they cannot
    carry Chinese (an ASCII console), messages are in English unless a language is asked for.
    Files are not concerned: nmx writes them as UTF-8 whatever the console."""
    from nmx.i18n import default_lang
    from nmx.safetext import can_show, register_stand_ins

    errors = register_stand_ins()
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors=errors)
            except (OSError, ValueError):  # closed, or not a plain text stream: left as it is
                pass
    if not all(can_show("中文", getattr(s, "encoding", None)) for s in (sys.stdout, sys.stderr)):
        default_lang("en")


def emit(rendered: Rendered, fmt: Format, output: Path | None) -> None:
    """Print `rendered`, or write it to `output` (`-` = stdout; CSV files with a BOM for Excel)."""
    if output is not None and not is_stdout(output):
        if fmt is Format.CSV and isinstance(rendered, str):
            rendered = BOM + rendered
        write_output(output, rendered)
        return
    if isinstance(rendered, bytes):
        if stdout_is_terminal():
            raise UsageError(t("binary_to_terminal", fmt=fmt.value))
        sys.stdout.buffer.write(rendered)
    elif isinstance(rendered, Screened):  # laid out by Rich from escaped text: its escape codes are its own
        sys.stdout.write(rendered)
    elif isinstance(rendered, ScreenedLines):  # laid out from escaped text, written as it comes
        for chunk in rendered:
            sys.stdout.write(chunk)
    elif isinstance(rendered, str):
        sys.stdout.write(for_terminal(rendered))
    else:
        for chunk in rendered:
            sys.stdout.write(for_terminal(chunk))
    sys.stdout.flush()


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def write_text(text: str) -> None:
    """Text on stdout, with control characters shown escaped (see `nmx.safetext`)."""
    emit(text, Format.TEXT, None)


#: Formats whose output is bytes for a program, not text for a person: a pipe or a file takes
#: them, a terminal does not (`emit` refuses; `show` refuses before any work).
BINARY = tuple(f for f in Format if f.value in ("xlsx", "docx"))


def show(subject: Any, fmt: Format, output: Path | None) -> None:
    """Render `subject` in `fmt` and emit it: to `output`, or stdout when it is None or `-`.
    `--output` is checked, and a binary format refused a terminal, before rendering."""
    to_file = output is not None and not is_stdout(output)
    if not to_file and fmt in BINARY and stdout_is_terminal():
        raise UsageError(t("binary_to_terminal", fmt=fmt.value))
    if to_file:
        check_output(output)
    emit(render(subject, fmt, Screen.file if to_file else Screen.stdout), fmt, output)

