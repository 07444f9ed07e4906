"""Turning a rendered result into bytes on stdout or in a file."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from nmx.errors import UsageError
from nmx.fileio import check_output, is_stdout, write_output
from nmx.i18n import t
from nmx.render import Format, render
from nmx.views import View

BOM = "\ufeff"


def console(file: Any = None, width: int | None = None):
    """A Rich console; plain (no escape codes at all) for files, pipes and NO_COLOR.

    Rich on its own keeps bold/dim/italic under NO_COLOR and honours FORCE_COLOR even
    when writing to a file, so the style decision is made here, once.
    """
    from rich.console import Console

    plain = file is not None or plain_terminal()
    return Console(file=file, width=width, highlight=False, soft_wrap=False, emoji=False,
                   color_system=None if plain else "auto")


def to_text(rendered: Any, width: int = 100) -> str:
    """A Rich renderable as plain text (for --output and pipes); strings pass through."""
    if isinstance(rendered, (str, bytes)):
        return rendered  # type: ignore[return-value]
    import io

    buf = io.StringIO()
    console(file=buf, width=width).print(rendered)
    return "".join(line.rstrip() + "\n" for line in buf.getvalue().splitlines())


def emit(rendered: Any, fmt: Format, output: Path | None) -> None:
    """Print `rendered`, or write it to `output` (`-` = stdout; CSV files with a BOM for Excel)."""
    if output is not None and not is_stdout(output):
        data = to_text(rendered)
        if fmt is Format.CSV and isinstance(data, str):
            data = BOM + data
        write_output(output, data)
        return
    if isinstance(rendered, bytes):
        if sys.stdout.isatty():
            raise UsageError(t("binary_to_terminal", fmt=fmt.value))
        sys.stdout.buffer.write(rendered)
        sys.stdout.flush()
        return
    if isinstance(rendered, str):
        write_text(rendered)
        return
    if plain_terminal():  # a pipe, a file or NO_COLOR: the same table, as plain text
        write_text(to_text(rendered, width=console().width))
        return
    console().print(rendered)  # the renderers built it from escaped text (render.terminal_text)


def write_text(text: str) -> None:
    """Text on stdout, with control characters shown escaped (see `nmx.safetext`)."""
    from nmx.safetext import for_terminal

    sys.stdout.write(for_terminal(text))
    sys.stdout.flush()


def show(view: View, fmt: Format, output: Path | None) -> None:
    """Render a View in `fmt` and emit it. `--output` is checked before rendering."""
    if output is not None:
        check_output(output)
    emit(render(view, fmt), fmt, output)


def plain_terminal() -> bool:
    return bool(os.environ.get("NO_COLOR")) or not sys.stdout.isatty()
