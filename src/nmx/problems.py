"""One record type for every finding, whatever stage found it."""

from __future__ import annotations

from enum import Enum

from nmx.lazyclass import dataclass


class Level(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    col: int
    level: Level
    rule: str
    message: str
    path: str = ""

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.col, self.rule, self.message)

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "level": self.level.value,
            "rule": self.rule,
            "path": self.path,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = f" ({self.path})" if self.path else ""
        return f"{self.file}:{self.line}:{self.col}: {self.level.value} [{self.rule}] {self.message}{where}"


def has_errors(problems: list[Problem], strict: bool = False) -> bool:
    return any(p.level is Level.ERROR or strict for p in problems)


def shown(problems: list[Problem], limit: int) -> list[str]:
    """The problems as lines, at most `limit` of them (0 = all), then "… and N more"."""
    from nmx.i18n import t

    if limit <= 0 or len(problems) <= limit:
        return [str(p) for p in problems]
    return [str(p) for p in problems[:limit]] + [t("more_problems", n=len(problems) - limit)]
