"""Rich, for the terminal: the one module that prints through it.

Text from the data enters Rich only through `text`, which shows control characters
escaped. A table is laid out for a `Screen` and comes back as a string (`Screened`):
styled with escape codes for a colour terminal, plain for files, pipes and NO_COLOR.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from itertools import islice
from typing import Any

from nmx.lazyclass import dataclass
from nmx.safetext import for_terminal

FILE_WIDTH = 100  # a table written to a file or a pipe: wide enough for the longest cells


class Screened(str):
    """Text laid out by Rich: every piece of data in it was escaped on the way in, so the
    escape codes it carries are Rich's own and it goes to the terminal as it is."""


class ScreenedLines:
    """Plain lines laid out without Rich (`flow.*.plain_lines`), from text escaped on the way in,
    handed out in chunks of `CHUNK` pieces (a line, or a table row's lines) as they are laid
    out: a long table is written while it is made, never held whole."""

    CHUNK = 512

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines

    def __iter__(self) -> ScreenedLines:
        return self

    def __next__(self) -> str:
        lines = list(islice(self._lines, self.CHUNK))
        if not lines:
            raise StopIteration
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Screen:
    width: int
    styled: bool

    @staticmethod
    def file() -> Screen:
        return Screen(FILE_WIDTH, False)

    @staticmethod
    def stdout() -> Screen:
        """The terminal nmx prints to: its width, and styles unless NO_COLOR, a pipe, or a
        Windows console without escape codes (where they would show as text)."""
        if plain_terminal() and (width := plain_width()) is not None:
            return Screen(width, False)  # laid out without Rich: no need to import it for the width
        console = _console(styled=not plain_terminal())
        styled = not plain_terminal() and not console.legacy_windows
        return Screen(console.width, styled)


def plain_terminal() -> bool:
    """No styles: NO_COLOR, or stdout is not a terminal and FORCE_COLOR does not ask for them
    anyway (a pager, a CI log). NO_COLOR wins over FORCE_COLOR."""
    if os.environ.get("NO_COLOR"):
        return True
    return not forced_colour() and not sys.stdout.isatty()


def forced_colour() -> bool:
    """FORCE_COLOR set to anything but "" or "0" (the force-color.org convention)."""
    return os.environ.get("FORCE_COLOR", "") not in ("", "0")


def plain_width() -> int | None:
    """The width Rich gives a console without styles on stdout (`_console(styled=False).width`),
    found as Rich finds it but without importing its console (~20 ms of a start): COLUMNS, else the
    size of the first of stdin, stdout and stderr that is a terminal, else 80. None where Rich
    knows more than this (Windows consoles, Jupyter, IDLE) or where its versions decide apart (a
    dumb terminal, TTY_COMPATIBLE or FORCE_COLOR set: Rich 13.0 and 15 read them differently)."""
    import builtins

    if sys.platform == "win32" or hasattr(builtins, "get_ipython") or \
            getattr(sys.stdin, "__module__", "").startswith("idlelib"):
        return None
    if os.environ.get("TERM", "").lower() in ("dumb", "unknown") or \
            "TTY_COMPATIBLE" in os.environ or "FORCE_COLOR" in os.environ:
        return None
    width = _digits("COLUMNS")
    if width is not None:
        return width
    for stream, standard in ((sys.__stdin__, 0), (sys.__stdout__, 1), (sys.__stderr__, 2)):
        try:
            return os.get_terminal_size(_descriptor(stream, standard)).columns or 80
        except (AttributeError, ValueError, OSError):  # not a terminal
            continue
    return 80


def _descriptor(stream: Any, standard: int) -> int:
    """The stream's file descriptor, or the standard one when it has none (as Rich takes it)."""
    try:
        return stream.fileno()
    except Exception:  # noqa: BLE001 - a closed, replaced or missing stream
        return standard


def _digits(name: str) -> int | None:
    value = os.environ.get(name)
    return int(value) if value is not None and value.isdigit() else None


def _console(styled: bool, file: Any = None, width: int | None = None) -> Any:
    """Rich on its own keeps bold/dim/italic under NO_COLOR and honours FORCE_COLOR even
    when writing to a file, so the style decision is made here, once."""
    from rich.console import Console

    return Console(file=file, width=width, highlight=False, soft_wrap=False, emoji=False,
                   color_system="auto" if styled else None, force_terminal=True if styled else None)


def screened(renderable: Any, screen: Screen) -> Screened | ScreenedLines:
    """A Rich renderable laid out for `screen`: as lines when it has a plain layout and no
    styles are wanted, else by Rich."""
    if screen.styled:
        console = _console(styled=True, width=screen.width)
        with console.capture() as capture:
            console.print(renderable)
        return Screened(capture.get())
    plain = getattr(renderable, "plain_lines", None)
    lines = plain(screen.width) if plain is not None else None
    if lines is not None:  # the same lines, laid out without Rich (nmx.render.flow)
        return ScreenedLines(lines)
    buf = io.StringIO()
    _console(styled=False, file=buf, width=screen.width).print(renderable)
    return Screened("".join(line.rstrip() + "\n" for line in buf.getvalue().splitlines()))


def text(value: str, style: str | None = None) -> Any:
    """A Rich Text of `value` with control characters shown escaped and no markup parsed."""
    from rich.text import Text

    return Text(for_terminal(value), style=style or "")


class Progress:
    """A transient progress bar on stderr while a long job runs: `with Progress(label, n) as p: … p.advance()`.

    It is redrawn by `advance` (at most every REDRAW seconds), never by a thread of its own: the
    report forks a process beside it (`nmx.beside`), and a fork takes no other thread along."""

    REDRAW = 0.1

    def __init__(self, label: str, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn

        self._bar = Bar(TextColumn(for_terminal(label)), BarColumn(), MofNCompleteColumn(),
                        console=Console(file=sys.stderr, force_terminal=True), transient=True, auto_refresh=False)
        self._task = self._bar.add_task("job", total=total)
        self._drawn = 0.0

    def __enter__(self) -> Progress:
        self._bar.__enter__()
        return self

    def advance(self, *_: Any) -> None:
        import time

        self._bar.advance(self._task)
        now = time.monotonic()
        if now - self._drawn >= self.REDRAW:
            self._drawn = now
            self._bar.refresh()

    def __exit__(self, *exc: Any) -> None:
        self._bar.__exit__(*exc)


def help_table() -> type:
    """A Rich Table for typer's help panels whose cells fold at the width instead of ending in
    "…": Chinese help has no spaces to wrap at, and a cut line loses its end."""
    from rich.table import Table

    class FoldingTable(Table):
        folds = True

        def add_column(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("overflow", "fold")
            super().add_column(*args, **kwargs)

        def add_row(self, *renderables: Any, **kwargs: Any) -> None:
            while len(self.columns) < len(renderables):
                self.add_column()
            super().add_row(*renderables, **kwargs)

    return FoldingTable


def help_columns() -> type:
    """Rich Columns for typer's help cells (an option's help, default, env var) whose texts fold
    like `help_table`'s cells: Columns lays them out in a table of its own."""
    from rich.columns import Columns
    from rich.text import Text

    class FoldingColumns(Columns):
        folds = True

        def __init__(self, renderables: Any = None, *args: Any, **kwargs: Any) -> None:
            super().__init__(renderables, *args, **kwargs)
            for item in self.renderables:
                if isinstance(item, Text) and item.overflow is None:
                    item.overflow = "fold"

    return FoldingColumns
