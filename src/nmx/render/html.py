"""HTML building blocks: escaping by construction, one style sheet, one page shell.

Every string that does not come wrapped in `Safe` is escaped when it goes into an
element or an attribute, so text from the plan can never become markup. Pages are
self-contained (the CSS is inlined, no external assets, no JavaScript), readable on
a 390-pixel phone without sideways scrolling (wide tables turn into stacked cards)
and printable on A4.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from nmx.views import cell_text


class Safe(str):
    """Markup that is already escaped and may be emitted as is."""

    __slots__ = ()


Child = Any  # str | Safe | None | iterable of those


def esc(value: Any) -> Safe:
    """`value` as escaped text (lists joined with 、); Safe passes through."""
    if isinstance(value, Safe):
        return value
    return Safe(_escape(value if type(value) is str else cell_text(value)))


def _escape(text: str) -> str:
    # html.escape costs five replace() calls; most text from the plan needs none (and a
    # checklist on the terminal none at all: the html module loads its table of entities)
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        import html

        return html.escape(text, quote=True)
    return text


#: The escaping `el` applies to a plain string, for pages written as one template (a row that
#: a 10,000-task plan writes hundreds of thousands of times): text in, markup out.
escape = _escape


def join(children: Iterable[Child], sep: str = "") -> Safe:
    out: list[str] = []
    _render(children, out)
    return Safe(_escape(sep).join(out) if sep else "".join(out))


def _render(children: Iterable[Child], out: list[str]) -> None:
    """Append each child as markup: Safe as is, text escaped, lists and generators flattened."""
    for child in children:
        kind = type(child)
        if kind is Safe:
            out.append(child)
        elif kind is str:
            out.append(_escape(child))
        elif child is None or child is False:
            continue
        elif kind in (list, tuple) or (not isinstance(child, (str, int)) and isinstance(child, Iterable)):
            _render(child, out)
        else:
            out.append(esc(child))


_ATTR_NAMES: dict[str, str] = {}


def attrs(**attributes: Any) -> Safe:
    """` name="value"` pairs; `class_` → class, `data_x` → data-x, None/False dropped, True bare."""
    parts = []
    for name, value in attributes.items():
        if value is None or value is False:
            continue
        key = _ATTR_NAMES.get(name) or _ATTR_NAMES.setdefault(name, name.rstrip("_").replace("_", "-"))
        if value is True:
            parts.append(f" {key}")
        else:
            parts.append(f' {key}="{_escape(value) if type(value) is str else esc(value)}"')
    return Safe("".join(parts))


def el(tag: str, *children: Child, **attributes: Any) -> Safe:
    """`<tag attrs>children</tag>` with every plain-string child and attribute escaped."""
    if len(children) == 1 and type(children[0]) is Safe:  # the common case, made cheap
        inner = children[0]
    elif len(children) == 1 and type(children[0]) is str:
        inner = _escape(children[0])
    else:
        out: list[str] = []
        _render(children, out)
        inner = "".join(out)
    return Safe(f"<{tag}{attrs(**attributes) if attributes else ''}>{inner}</{tag}>")


def void(tag: str, **attributes: Any) -> Safe:
    """An element without content or end tag (`<br>`, `<meta …>`)."""
    return Safe(f"<{tag}{attrs(**attributes)}>")


BR = Safe("<br>")


def table(headers: list[str], rows: Iterable[Any], *, class_: str = "stack", running: str | None = None,
          **attributes: Any) -> Safe:
    """A table that becomes stacked cards on a narrow screen (each cell labelled by its header).

    A row is a list of cells, or a Safe `<tr>` made by `tr` (callers that repeat rows cache them).
    `running`: a line above the headers shown only in print, where the header rows repeat on
    every page (what the printed page is, e.g. the unit and month of a checklist).
    """
    names = _names_row(tuple(headers))
    if running is not None:
        names = join([el("tr", el("th", running, colspan=len(headers)), class_="running"), names])
    head = el("thead", names)
    opens = cell_opens(tuple(headers))
    body = "".join([row if type(row) is Safe else tr(opens, row) for row in rows])
    return Safe(f"<table{attrs(class_=class_, **attributes)}>{head}<tbody>{body}</tbody></table>")


@lru_cache(maxsize=256)
def _names_row(headers: tuple[str, ...]) -> Safe:
    """The header row: the same few for the tables of every page."""
    return el("tr", [el("th", h, scope="col") for h in headers])


@lru_cache(maxsize=256)
def cell_opens(headers: tuple[str, ...]) -> tuple[str, ...]:
    """The `<td data-label=…>` of each column: the label shows on a phone, where rows stack."""
    return tuple(f'<td data-label="{esc(h)}">' for h in headers)


def tr(opens: tuple[str, ...], cells: list[Child]) -> Safe:
    return Safe("<tr>" + "".join([opens[i] + _markup(cell) + "</td>" for i, cell in enumerate(cells)]) + "</tr>")


def markup_tr(opens: tuple[str, ...], cells: tuple[str, ...]) -> Safe:
    """`tr` of cells that are markup already (escaped with `escape`): for rows written as one
    template, hundreds of thousands in a large plan's report."""
    return Safe("<tr>" + "".join([o + c + "</td>" for o, c in zip(opens, cells)]) + "</tr>")


def _markup(child: Child) -> str:
    kind = type(child)
    if kind is Safe:
        return child
    if kind is str:
        return _escape(child)
    out: list[str] = []
    _render((child,), out)
    return "".join(out)


BOX = Safe('<span class="box" aria-hidden="true"></span>')


def box() -> Safe:
    """An empty tick box, drawn with CSS so that it prints."""
    return BOX


def page(title: str, *body: Child, lang: str = "zh", nav: Child = None, footer: Child = None) -> str:
    """A complete, self-contained HTML document (written in one pass: a large plan's report
    writes thousands, and nesting elements copied each page once per level)."""
    parts = [_PAGE_OPEN[lang == "zh"], _markup(title), _PAGE_HEAD]
    if nav is not None:
        parts += ('<nav class="site">', join([nav]), "</nav>")
    parts += ("<main>", join(body), "</main>")
    if footer is not None:
        parts += ('<footer class="site">', join([footer]), "</footer>")
    parts.append("</body></html>\n")
    return "".join(parts)


_PAGE_OPEN = tuple(f'<!DOCTYPE html>\n<html lang="{code}"><head><meta charset="utf-8"><meta name="viewport" '
                   'content="width=device-width, initial-scale=1"><meta name="generator" content="nmx"><title>'
                   for code in ("en", "zh-CN"))


CSS = """
:root{--fg:#1b1b1b;--muted:#5a5a5a;--line:#c8c8c8;--soft:#f3f5f7;--accent:#9b1c1c;--focus:#fff0d0;--due:#b42318;--ok:#1d6b35}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;color:var(--fg);background:#fff;line-height:1.55;
 font-family:system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif}
main,nav.site,footer.site{max-width:62rem;margin:0 auto;padding:0 1rem}
main{padding-bottom:2rem}
h1{font-size:1.45rem;margin:1rem 0 .3rem;line-height:1.3}
h2{font-size:1.2rem;margin:1.6rem 0 .5rem;padding-bottom:.2rem;border-bottom:2px solid var(--accent)}
h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
h1,h2,h3,p,li,td,th,dd,dt,a,span{overflow-wrap:anywhere}
a{color:#0b4f8a}
nav.site{padding-top:.6rem;padding-bottom:.6rem;border-bottom:1px solid var(--line);font-size:.95rem}
nav.site a{margin-right:1rem;display:inline-block}
footer.site{color:var(--muted);font-size:.85rem;border-top:1px solid var(--line);padding-top:.6rem;padding-bottom:1rem}
.meta{color:var(--muted);margin:.2rem 0}
.note{color:var(--muted);font-size:.9rem}
.tag{display:inline-block;font-size:.8rem;padding:0 .35rem;border:1px solid var(--line);border-radius:.25rem;margin-right:.25rem;white-space:nowrap}
.tag.lead{border-color:var(--accent);color:var(--accent)}
.tag.maybe{border-style:dashed}
.tag.focus{background:var(--focus);border-color:#d59a2b}
.tag.holiday{color:var(--due);border-color:var(--due)}
.tag.due{background:var(--due);border-color:var(--due);color:#fff}
.light{display:inline-block;padding:0 .35rem;border-radius:.25rem;white-space:nowrap}
.light.green{background:#d7f0dc}.light.yellow{background:#fff1c2}.light.red{background:#f8d0d0}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem}
th,td{border:1px solid var(--line);padding:.3rem .45rem;text-align:left;vertical-align:top}
thead th{background:var(--soft)}
td.num,th.num{text-align:right;white-space:nowrap}
.box{display:inline-block;width:1em;height:1em;border:1.5px solid var(--fg);vertical-align:-.15em;background:#fff}
dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.2rem .8rem;margin:.5rem 0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0}
ul.plain{list-style:none;padding-left:0}
ul.units{columns:14rem;padding-left:1.2rem}
.calendar{display:grid;grid-template-columns:repeat(auto-fill,minmax(16.5rem,1fr));gap:1rem}
.month{border:1px solid var(--line);border-radius:.3rem;padding:.4rem .5rem;min-width:0}
.month.focus{background:var(--focus);border-color:#d59a2b}
.month h3{margin:.1rem 0 .3rem;font-size:1rem}
.grid{display:grid;grid-template-columns:repeat(7,minmax(0,1fr));text-align:center;font-size:.85rem}
.grid span{padding:.12rem 0;border-radius:.2rem}
.grid .dow{color:var(--muted);font-weight:600}
.grid .off{color:#a33}
.grid .work{text-decoration:underline}
.grid .due{background:var(--due);color:#fff;font-weight:700}
.month ul{margin:.35rem 0 0;padding-left:1.1rem;font-size:.85rem}
.legend span{margin-right:.8rem}
figure.qr{margin:.6rem 0}figure.qr svg{display:block;background:#fff}figure.qr figcaption{color:var(--muted);font-size:.9rem}
.sign{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.8rem 2rem;margin-top:1.5rem}
.sign div{border-bottom:1px solid var(--fg);padding-top:1.6rem}
.blank{display:block;min-height:1.5rem}
.unit-break{break-before:page}
table.checklist td:first-child,table.checklist th:first-child{width:2.6em;text-align:center}
table.dated td:nth-child(2),table.items td:nth-child(-n+2),table.items td:nth-child(7){white-space:nowrap}
table.checklist td:last-child{min-width:6em}
tr.running{display:none}
@media (max-width:40rem){
 table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
 table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:100%}
 table.stack tr{border:1px solid var(--line);border-radius:.3rem;margin-bottom:.6rem;padding:.2rem .1rem}
 table.stack td{border:0;border-bottom:1px dotted var(--line);padding:.25rem .4rem}
 table.stack td:last-child{border-bottom:0}
 table.stack td::before{content:attr(data-label);display:block;font-size:.78rem;color:var(--muted)}
 table.stack td:empty{display:none}
 dl.facts{grid-template-columns:minmax(0,1fr)}
 dl.facts dd{margin-bottom:.3rem}
}
@page{size:A4;margin:14mm 12mm}
@media print{
 body{font-size:10.5pt;line-height:1.45}
 nav.site,.noprint{display:none}
 main,footer.site{max-width:none;padding:0}
 a{color:inherit;text-decoration:none}
 tr,.month,.sign{break-inside:avoid}
 h2,h3{break-after:avoid}
 thead{display:table-header-group}
 tr.running{display:table-row}
 tr.running th{background:none;border:0;border-bottom:1px solid var(--fg);font-weight:400;font-size:9pt;padding:0 0 .2rem}
 table.checklist th:last-child,table.checklist td:last-child{width:28%;min-width:12em}
 table.checklist .blank{min-height:2.6rem}
 .month.focus,.tag.focus,thead th{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
""".strip()

_PAGE_HEAD = f"</title><style>{CSS}</style></head><body>"
