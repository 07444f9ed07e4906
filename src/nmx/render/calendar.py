"""Month grids for `nmx calendar` (Rich): windows, due days, holidays, make-up workdays."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nmx.i18n import t
from nmx.render.formats import Format
from nmx.render.tabular import render_json, render_table
from nmx.views import View
from nmx.views.calendar import Day, MonthCalendar

STYLE = {
    "window": "on grey23",
    "weekend": "dim",
    "holiday": "bold red",
    "makeup": "bold blue",
    "due": "bold yellow",
    "today": "reverse",
}


def render_calendar(cal: MonthCalendar) -> Any:
    """Grids month by month, a legend, notes, and (for one month) the items under the grid."""
    from rich.columns import Columns
    from rich.console import Group

    from nmx.render.flow import Para as Text

    months: dict[tuple[int, int], list[Day]] = {}
    for day in cal.days:
        months.setdefault((day.date.year, day.date.month), []).append(day)
    grids = [_month(month_days, cal.today) for month_days in months.values()]
    title = t("cal_title", start=cal.rng.start, end=cal.rng.end) + (f" · {cal.dept}" if cal.dept else "")
    parts: list[Any] = [Text(title, style="bold"), Columns(grids, padding=(0, 2)) if len(grids) > 1 else grids[0]]
    parts.append(Text(t("cal_legend")))
    parts += [Text(n, style="dim") for n in cal.notes]
    if cal.listing is not None:
        parts.append(render_table(cal.listing))
    return Group(*parts)


def _month(days: list[Day], today: dt.date) -> Any:
    from rich.table import Table
    from rich.text import Text

    first = days[0].date
    from nmx.render.terminal import text

    table = Table(title=text(_month_title(days)), box=None, title_justify="left", pad_edge=False,
                  show_edge=False, padding=(0, 0, 0, 1), header_style="bold underline")
    for name in t("cal_weekdays").split():
        table.add_column(name, justify="right", width=5, no_wrap=True)
    week: list[Text] = [Text("")] * (first.isoweekday() - 1)
    for day in days:
        week.append(_cell(day, today))
        if len(week) == 7:
            table.add_row(*week)
            week = []
    if week:
        table.add_row(*(week + [Text("")] * (7 - len(week))))
    return table


def _month_title(days: list[Day]) -> str:
    first = days[0].date
    title = t("cal_month", year=first.year, month=first.month)
    windows: dict[str, None] = {}
    for day in days:
        windows.update(dict.fromkeys(day.windows))
    if not windows:
        return title
    covered = [d.date for d in days if d.windows]
    whole = len(covered) == len(days)
    span = "" if whole else f" {covered[0]:%m-%d}—{covered[-1]:%m-%d}"
    return f"{title} ★{span} {' '.join(windows)}"


def _cell(day: Day, today: dt.date) -> Any:
    from rich.text import Text

    text = Text(f"{day.date.day:>2}")
    if day.official_holiday:
        text.append(t("cal_mark_holiday"), STYLE["holiday"])
        text.stylize(STYLE["holiday"], 0, 2)
    elif day.makeup:
        text.append(t("cal_mark_makeup"), STYLE["makeup"])
    elif not day.workday:
        text.stylize(STYLE["weekend"], 0, 2)
    if day.due:
        text.append("!", STYLE["due"])
    if day.windows:
        text.stylize(STYLE["window"])
    if day.date == today:
        text.stylize(STYLE["today"])
    return text


RENDERERS = {
    Format.TABLE: render_calendar,
    Format.JSON: lambda cal: render_json(View([], [], payload=cal.payload, kind="calendar/1")),
}
