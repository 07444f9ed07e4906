"""Choosing units for `nmx departments`: by kind, by group."""

from __future__ import annotations

from nmx.errors import UsageError
from nmx.i18n import t
from nmx.duties.match import find_group
from nmx.plan.models import Unit, UnitKind
from nmx.plan.plan import Plan


def parse_kind(value: str) -> UnitKind:
    """A kind given as its value (county) or its label in either language (县区)."""
    key = value.strip().casefold()
    for kind in UnitKind:
        labels = {kind.value, *(label.casefold() for label in _labels(kind))}
        if key in labels:
            return kind
    raise UsageError(t("d:bad_kind", kind=value, allowed=", ".join(k.value for k in UnitKind)))


def _labels(kind: UnitKind) -> tuple[str, str]:
    from nmx.i18n import CATALOG

    return CATALOG[f"d:kind_{kind.value}"]


def select_units(plan: Plan, kind: str | None, group: str | None) -> tuple[list[Unit], list[str]]:
    """The units of `kind` in `group` (either may be None), and notes to show with them."""
    units = list(plan.units)
    notes: list[str] = []
    if kind is not None:
        wanted = parse_kind(kind)
        units = [u for u in units if u.kind is wanted]
    if group is not None:
        found = find_group(plan, group)
        members = set(plan.members(found.id))
        units = [u for u in units if u.id in members]
        if not found.members_listed:
            notes.append(t("d:unlisted_members", group=found.name) + (f"：{found.note}" if found.note else ""))
    return units, notes
