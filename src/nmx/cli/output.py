"""Turning a rendered result into bytes on stdout or in a file."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from nmx.errors import UsageError
from nmx.fileio import check_writable_target, write_atomic
from nmx.render import Format, View, render

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
    """Print `rendered`, or write it atomically to `output` (CSV with a BOM for Excel)."""
    if output is not None:
        data = to_text(rendered)
        if fmt is Format.CSV and isinstance(data, str):
            data = BOM + data
        write_atomic(output, data)
        return
    if isinstance(rendered, bytes):
        if sys.stdout.isatty():
            raise UsageError(f"--format {fmt.value} needs --output FILE")
        sys.stdout.buffer.write(rendered)
        sys.stdout.flush()
        return
    if isinstance(rendered, str):
        sys.stdout.write(rendered)
        sys.stdout.flush()
        return
    if plain_terminal():  # a pipe, a file or NO_COLOR: the same table, as plain text
        sys.stdout.write(to_text(rendered, width=console().width))
        sys.stdout.flush()
        return
    console().print(rendered)


def show(view: View, fmt: Format, output: Path | None) -> None:
    """Render a View in `fmt` and emit it. `--output` is checked before rendering."""
    if output is not None:
        check_writable_target(output)
    emit(render(view, fmt), fmt, output)


def plain_terminal() -> bool:
    return bool(os.environ.get("NO_COLOR")) or not sys.stdout.isatty()
