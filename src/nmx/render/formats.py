"""The output formats `--format` offers."""

from __future__ import annotations

from enum import Enum


class Format(str, Enum):
    TABLE = "table"
    TEXT = "text"
    JSON = "json"
    CSV = "csv"
    MD = "md"
    GITHUB = "github"
    ICS = "ics"
    HTML = "html"
    XLSX = "xlsx"
    DOCX = "docx"


TABULAR = (Format.TABLE, Format.JSON, Format.CSV, Format.MD)
