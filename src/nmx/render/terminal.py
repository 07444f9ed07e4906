"""Rich for the terminal: text from the data enters Rich only through `text`."""

from __future__ import annotations

from typing import Any

from nmx.safetext import for_terminal


def text(value: str, style: str | None = None) -> Any:
    """A Rich Text of `value` with control characters shown escaped and no markup parsed."""
    from rich.text import Text

    return Text(for_terminal(value), style=style or "")
