"""Reminders as plain text, Markdown, JSON and the bodies of the work-chat robots' webhooks.

One message per unit, the same lines in every format: a title (the unit), the as-of line, the
items due soon (due day, the last working day when it differs, `M2/report`, what, to whom,
the clause), the items overdue (days overdue), and a closing line naming the plan and its
document number. `md`, `wecom` and `dingtalk` carry the same Markdown.

The robots' bodies (`nmx.handouts.robots` cites where each limit is documented):

- `wecom` (企业微信群机器人): `{"msgtype": "markdown", "markdown": {"content": …}}`, the content
  at most 4096 bytes of UTF-8;
- `dingtalk` (钉钉自定义机器人): `{"msgtype": "markdown", "markdown": {"title": …, "text": …}}`,
  the whole request body at most 20000 bytes.

A message over its limit is split into several bodies between lines, never inside a line
or a character; each part's title says `（k/n）`. Printed, the bodies are JSON Lines: one
compact body per line, unit by unit in the plan's order and a unit's parts in order — the
exact bytes `--send` posts (`body_bytes`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from nmx.i18n import t
from nmx.render.formats import Format
from nmx.views.remind import Reminders, UnitReminder

WECOM_LIMIT = 4096      # bytes of markdown.content
DINGTALK_LIMIT = 20000  # bytes of the whole request body
LIMITS = {"wecom": WECOM_LIMIT, "dingtalk": DINGTALK_LIMIT}
#: Data text longer than this is shortened in a message (…): no line comes near a robot's limit.
FIELD_CHARS = 200


# --- the lines of one message ---------------------------------------------------------------
def _md(text: str) -> str:
    """Data text as literal Markdown: no emphasis, link, code, HTML or mention made of it."""
    from nmx.render.tabular import md_entities

    out = []
    for i, ch in enumerate(text):
        if ch in "\\`*[]~|":
            out.append("\\" + ch)
        elif ch == "_" and not (0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()):
            out.append("\\_")  # an underscore inside a word (special_reports) is no emphasis: kept
        else:
            out.append(md_entities(ch))
    return "".join(out).replace("\r", " ").replace("\n", " ")


def _short(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= FIELD_CHARS else text[: FIELD_CHARS - 1] + "…"


def title(r: Reminders, u: UnitReminder) -> str:
    return t("rm:title", unit=_short(u.department))


def _item(rec: dict[str, Any], md: bool) -> str:
    esc = _md if md else (lambda s: s)
    due = rec["due"]
    if rec.get("due_workday") and rec["due_workday"] != due:
        due += t("rm:workday", day=rec["due_workday"])
    text = f"{esc(rec['name'])} {esc(_short(rec['what']))}"
    if rec["required"] > 1:
        text += t("rm:quota", done=rec["done"], required=rec["required"])
    to = rec.get("deliver_to")
    extra = [t("rm:deliver_to", to=esc(_short(to)))] if to and to not in rec["what"] else []
    extra.append(t("rm:clause", source=esc(_short(rec["source"]))))
    if "days_overdue" in rec:
        head = t("rm:overdue_item", due=due, n=rec["days_overdue"])
    else:
        head = t("rm:soon_item", due=due)
    return f"- {head}{text}{t('rm:sep')}{t('rm:sep').join(extra)}"


def message_lines(r: Reminders, u: UnitReminder, md: bool) -> list[str]:
    """One unit's message; its first line is the title (repeated, numbered, on each part)."""
    heading = title(r, u)
    lines = [f"### {_md(heading)}" if md else heading,
             t("rm:as_of", today=r.today.isoformat(), days=r.days, soon=len(u.due_soon), late=len(u.overdue))]
    for key, items in (("rm:soon_head", u.due_soon), ("rm:late_head", u.overdue)):
        if items:
            head = t(key, days=r.days)
            lines += ["", f"**{head}**" if md else head]
            lines += [_item(rec, md) for rec in items]
    closing = t("rm:closing", title=_short(r.title), doc=_short(r.doc_number))
    lines += ["", _md(closing) if md else closing]
    return lines


# --- splitting a message under a byte limit -----------------------------------------------------
def _utf8(text: str) -> int:
    return len(text.encode("utf-8"))


def _json_cost(text: str) -> int:
    """Bytes of `text` inside a compact JSON string (`body_bytes`'s escapes)."""
    from nmx.safetext import json_safe

    return len(json_safe(json.dumps(text, ensure_ascii=False))[1:-1].encode("utf-8"))


def split_lines(lines: list[str], budget: int, cost: Callable[[str], int], sep: int) -> list[list[str]]:
    """`lines` in consecutive runs whose cost (each line's, plus `sep` between two) stays within
    `budget`; no run starts or ends with a blank line. Only a line over the budget by itself
    (text no plan holds: data fields are shortened) is cut, between characters."""
    parts: list[list[str]] = []
    part: list[str] = []
    used = 0
    for line in lines:
        for piece in _pieces(line, budget, cost):
            need = cost(piece) + (sep if part else 0)
            if part and used + need > budget:
                parts.append(part)
                part, used, need = [], 0, cost(piece)
            if part or piece.strip():
                part.append(piece)
                used += need
    if part:
        parts.append(part)
    for p in parts:
        while p and not p[-1].strip():
            p.pop()
    return [p for p in parts if p]


def _pieces(line: str, budget: int, cost: Callable[[str], int]) -> list[str]:
    if cost(line) <= budget:
        return [line]
    out, piece, used = [], "", 0
    for ch in line:
        c = cost(ch)
        if piece and used + c > budget:
            out.append(piece)
            piece, used = "", 0
        piece += ch
        used += c
    return out + [piece]


def _numbered(heading: str, k: int, n: int) -> str:
    return heading if n == 1 else heading + t("rm:part", k=k, n=n)


def bodies(r: Reminders, u: UnitReminder, robot: str) -> list[dict[str, Any]]:
    """One unit's message as the robot's webhook bodies, each within its documented limit."""
    lines = message_lines(r, u, md=True)
    head, rest = lines[0], lines[1:]
    plain = title(r, u)
    worst = len(rest) + 1  # no more parts than lines: the numbering's widest case
    if robot == "wecom":
        budget = WECOM_LIMIT - _utf8(_numbered(head, worst, worst)) - 1
        parts = split_lines(rest, budget, _utf8, 1)
        n = len(parts)
        return [{"msgtype": "markdown", "markdown": {"content": "\n".join([_numbered(head, k, n), *p])}}
                for k, p in enumerate(parts, 1)]
    empty = {"msgtype": "markdown", "markdown": {"title": _numbered(plain, worst, worst), "text": ""}}
    budget = DINGTALK_LIMIT - len(body_bytes(empty)) - _json_cost(_numbered(head, worst, worst)) - 2
    parts = split_lines(rest, budget, _json_cost, 2)
    n = len(parts)
    return [{"msgtype": "markdown", "markdown": {"title": _numbered(plain, k, n),
                                                 "text": "\n".join([_numbered(head, k, n), *p])}}
            for k, p in enumerate(parts, 1)]


def body_bytes(body: dict[str, Any]) -> bytes:
    """A body as posted and as printed: compact JSON, UTF-8 (no `\\uXXXX` for Chinese)."""
    from nmx.safetext import json_safe

    return json_safe(json.dumps(body, ensure_ascii=False, separators=(",", ":"))).encode("utf-8")


# --- the formats ----------------------------------------------------------------------------------
def render_text(r: Reminders) -> str:
    return "".join("\n".join(message_lines(r, u, md=False)) + "\n\n" for u in r.units).removesuffix("\n")


def render_md(r: Reminders) -> str:
    return "".join("\n".join(message_lines(r, u, md=True)) + "\n\n" for u in r.units).removesuffix("\n")


def render_json(r: Reminders) -> str:
    from nmx.render.tabular import to_json

    return to_json(r.document())


def json_lines(r: Reminders, robot: str) -> str:
    return "".join(body_bytes(b).decode("utf-8") + "\n" for u in r.units for b in bodies(r, u, robot))


RENDERERS = {
    Format.TEXT: render_text,
    Format.MD: render_md,
    Format.JSON: render_json,
    Format.WECOM: lambda r: json_lines(r, "wecom"),
    Format.DINGTALK: lambda r: json_lines(r, "dingtalk"),
}
