"""nmx.render.terminal: the width of a plain (unstyled) screen is the one Rich would give, found
without importing Rich."""

from __future__ import annotations

import io
import itertools
import os

import pytest

from nmx.render import terminal


class _Stdout(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


SETTINGS = {
    "COLUMNS": [None, "120", "0", "abc", " 90"],
    "LINES": [None, "40"],
    "TERM": [None, "dumb", "xterm-256color", "UNKNOWN"],
    "TTY_COMPATIBLE": [None, "0", "1"],
    "FORCE_COLOR": [None, "", "0"],
}


@pytest.mark.parametrize("tty", [False, True], ids=["pipe", "tty"])
@pytest.mark.parametrize("size", [None, 132, 0], ids=["no-terminal", "132", "zero"])
def test_the_plain_width_is_rich_s(monkeypatch, tty, size):
    from rich.console import Console

    def terminal_size(fd: int) -> os.terminal_size:
        if size is None or fd != 2:  # only stderr is a terminal, when one is there at all
            raise OSError("not a terminal")
        return os.terminal_size((size, 30))

    monkeypatch.setattr(os, "get_terminal_size", terminal_size)
    monkeypatch.setattr("sys.stdout", _Stdout(tty))
    compared = 0
    for values in itertools.product(*SETTINGS.values()):
        for name, value in zip(SETTINGS, values):
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        rich = Console(highlight=False, soft_wrap=False, emoji=False, color_system=None).width
        ours = terminal.plain_width()
        asks_rich = values[2] in ("dumb", "UNKNOWN") or values[3] is not None or values[4] is not None
        assert ours == (None if asks_rich else rich), dict(zip(SETTINGS, values))
        compared += not asks_rich
    assert compared == 5 * 2 * 2  # COLUMNS × LINES × the TERMs it decides itself


def test_a_screen_for_a_pipe_is_plain_and_as_wide_as_columns(monkeypatch):
    monkeypatch.setattr("sys.stdout", _Stdout(False))
    monkeypatch.setenv("COLUMNS", "77")
    assert terminal.Screen.stdout() == terminal.Screen(77, False)


def test_the_progress_bar_is_drawn_without_a_thread(capsys, monkeypatch):
    """The report forks a process beside its progress bar (nmx.beside): no thread may be running then."""
    import threading

    from nmx.render.terminal import Progress

    before = threading.active_count()
    monkeypatch.setattr(Progress, "REDRAW", 0.0)
    with Progress("生成报告", 3) as bar:
        assert threading.active_count() == before
        bar.advance()
        bar.advance()
    assert "2/3" in capsys.readouterr().err
