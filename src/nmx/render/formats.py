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
    WECOM = "wecom"  # 企业微信群机器人 webhook bodies (nmx remind)
    DINGTALK = "dingtalk"  # 钉钉自定义机器人 webhook bodies (nmx remind)


TABULAR = (Format.TABLE, Format.JSON, Format.CSV, Format.MD)
