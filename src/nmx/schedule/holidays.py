"""holidays.yaml: a year's days off and make-up workdays as the State Council's notice states them.

The file is optional and sits beside the plan. It gives one year the calendar package
(chinesecalendar) may not know yet, or knows differently; working-day answers
(`nmx.schedule.workdays`) use it first. `status: provisional` says the notice is not out
(or not final): every deadline computed from it is marked 待定.

    year: 2027
    source: 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕…号）
    status: provisional          # provisional | official
    holidays:
      - name: 元旦
        off: [2027-01-01, 2027-01-02, 2027-01-03]
        work: []                 # make-up workdays (调休上班)

This module is the light part, imported at start-up: the registration and the calendar this
process answers for. The model, reading, checks and cache are in `holidays_file`. Reading is
validated like the plan's files (loader with positions → pydantic → checks) and
cached by the file's bytes. The pipeline never imports this module: it registers with
`nmx.plan.extras`, and its `loaded` hook only notes the plan folder (no reading) — the file is
read the first time a working day is asked for, so a command that shows no dates pays nothing.

The plan's calendar is per process: the folder of the plan loaded last (`use_folder`), read
once. `generation()` changes with it, so `workdays`' memoised answers never outlive it.
"""

from __future__ import annotations

from pathlib import Path

from nmx.plan.extras import Extra, precompiled, register

HOLIDAYS = "holidays.yaml"


# --- the plan's calendar in this process ----------------------------------------------------
_folder: Path | None = None
_years: dict | None = None  # year → holidays_file.YearCalendar, once read
_generation = 0


def use_folder(folder: Path | None) -> None:
    """The plan in `folder` is the one this process answers for: its holidays.yaml, read on first use."""
    global _folder, _years, _generation
    if folder != _folder or _years is not None:
        _folder, _years, _generation = folder, None, _generation + 1


def generation() -> int:
    return _generation


def year_calendar(year: int):
    """The plan's holidays.yaml calendar for `year`, None when it has none; DataError when invalid."""
    return years().get(year)


def years() -> dict:
    global _years
    if _years is None:
        found: dict = {}
        if _folder is not None:
            path = _folder / HOLIDAYS
            from nmx.schedule.holidays_file import YearCalendar, read_state

            state = read_state(path)
            if state is not None and state.errors:  # asked again, it says so again
                from nmx.errors import DataError
                from nmx.fileio import display
                from nmx.i18n import t

                raise DataError(t("hol_invalid", path=display(path), n=len(state.errors)), list(state.problems))
            if state is not None and state.file is not None:
                found[state.file.year] = YearCalendar.of(state.file)
        _years = found
    return _years


def _model() -> type:
    from nmx.schedule.holidays_file import HolidaysFile

    return HolidaysFile


def _problems(folder: Path, plan, plan_key: str) -> list:
    from nmx.schedule.holidays_file import problems_of

    return problems_of(folder / HOLIDAYS)


register(Extra(HOLIDAYS, _model, _problems, loaded=use_folder))


def _core_schemas():
    from nmx.schedule import core_schemas

    return core_schemas


precompiled("nmx.schedule.holidays_file", _core_schemas)
