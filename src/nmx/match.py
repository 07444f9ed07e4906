"""Finding the unit a user means: id, plan name, full name, alias, short name, then pinyin.

The pinyin and fuzzy-suggestion libraries are imported only when the exact
lookup fails, so the everyday path stays fast.
"""

from __future__ import annotations

from nmx.errors import UsageError
from nmx.i18n import t
from nmx.models import Unit
from nmx.plan import Plan, normalize, unit_names

_PREFIXES = ("六安市", "市")


def find_unit(plan: Plan, query: str) -> Unit:
    """The unit `query` names, or UsageError saying why not (with suggestions)."""
    if not query or not query.strip():
        raise UsageError(t("unit_empty"))
    ref = plan.resolve(query)
    for prefix in _PREFIXES:  # 交通运输局 → 市交通运输局
        ref = ref or plan.resolve(prefix + query)
    if ref is not None and ref.kind == "unit":
        return plan.unit_by_id[ref.id]
    if ref is not None:
        group = plan.group_by_id[ref.id]
        members = "、".join(plan.unit_by_id[u].name for u in plan.members(group.id))
        hint = t("group_members", members=members) if members else t("group_unlisted")
        raise UsageError(t("is_group", name=query, group=group.name), hint=hint)
    found = _by_pinyin(plan, query)
    if len(found) == 1:
        return found[0]
    if found:
        raise UsageError(t("unit_ambiguous", name=query, units="、".join(u.name for u in found)))
    suggestions = suggest(plan, query)
    hint = t("did_you_mean", names="、".join(suggestions)) if suggestions else None
    raise UsageError(t("unit_not_found", name=query), hint=hint)


def _pinyin_keys(name: str) -> set[str]:
    from pypinyin import Style, lazy_pinyin

    keys = set()
    for variant in {name, *(name[len(p):] for p in _PREFIXES if name.startswith(p) and len(name) > len(p))}:
        syllables = lazy_pinyin(variant, errors="default")
        keys.add("".join(syllables).lower())
        keys.add("".join(lazy_pinyin(variant, style=Style.FIRST_LETTER)).lower())
    return keys


def _by_pinyin(plan: Plan, query: str) -> list[Unit]:
    q = normalize(query).lower()
    if not q.isascii() or not q.isalpha():
        return []
    return [u for u in plan.units if any(q in _pinyin_keys(n) for n in (u.name, u.full_name, *u.aliases))]


def suggest(plan: Plan, query: str, limit: int = 3) -> list[str]:
    """Up to `limit` unit names closest to `query`, by characters or by pinyin."""
    from rapidfuzz import fuzz, process

    choices: dict[str, str] = {}
    for unit in plan.units:
        for name in unit_names(unit):
            choices.setdefault(normalize(name).lower(), unit.id)
        if normalize(query).isascii():
            for name in (unit.name, unit.full_name):
                for key in _pinyin_keys(name):
                    choices.setdefault(key, unit.id)
    hits = process.extract(normalize(query).lower(), list(choices), scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=50)
    out: list[str] = []
    for choice, _score, _ in hits:
        name = plan.unit_by_id[choices[choice]].name
        if name not in out:
            out.append(name)
    return out[:limit]
