"""What a shell is offered for a unit or a task id (`nmx completion SHELL` prints the scripts).

Imported only when a shell asks (`app.complete_unit`, `app.complete_task`): it loads the plan,
through the cache, like the command being completed would.
"""

from __future__ import annotations

from typing import Any


class Offered(str):
    """A completion offered whatever was typed: typer keeps only the completions that begin with
    the typed word, and a unit found by its pinyin (jtysj → 市交通运输局) does not."""

    def startswith(self, *_: Any) -> bool:  # type: ignore[override]
        return True


def _plan(ctx: Any):
    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import locate

    data = (ctx.params or {}).get("data") if ctx is not None else None
    return load_plan(locate(data))


def units(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """Unit names for what is typed so far (id, name, alias, pinyin initials: jtysj), with their full names."""
    try:
        from nmx.duties.match import unit_completions

        return [(Offered(u.name), u.full_name) for u in unit_completions(_plan(ctx), incomplete)]
    except Exception:  # noqa: BLE001 - a shell asking must never see a traceback
        return []


def tasks(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """Task ids starting with what is typed (any case), with their titles."""
    try:
        plan = _plan(ctx)
        typed = incomplete.strip().casefold()
        return [(Offered(tk.id), tk.title) for tk in plan.tasks if tk.id.casefold().startswith(typed)]
    except Exception:  # noqa: BLE001
        return []
