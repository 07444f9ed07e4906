"""What a unit name a person wrote could have meant: the one implementation of the
lookups and suggestions that `nmx duties` (duties.match) and `nmx validate` (checks) share.

The order: an exact name after folding full-width forms, spaces and letter case; the same
with 市 / 六安市 added or 六安 dropped (交通运输局 → 市交通运输局); then pinyin, full or
initials or a mix (jtysj, jiaotongyunshuju); then the closest names by characters or pinyin.
pypinyin and rapidfuzz are imported only when the exact lookup fails.
"""

from __future__ import annotations

from nmx.plan.models import Unit
from nmx.plan.plan import Plan, Ref, normalize, unit_names

PREFIXES = ("六安市", "六安", "市")


def exact(plan: Plan, query: str) -> Ref | None:
    """The exact-name lookup, with case folded and the city prefix added or dropped."""
    key = normalize(query).casefold()
    bare = next((key[len(p):] for p in PREFIXES if key.startswith(p) and len(key) > len(p)), key)
    for candidate in (query, key, "市" + bare, "六安市" + bare, bare):
        ref = plan.resolve(candidate)
        if ref is not None:
            return ref
    return None


def candidates(plan: Plan, query: str, limit: int = 3) -> list[str]:
    """The names `query` most likely means, as `nmx duties` would find or suggest them:
    the unit or group an exact lookup (prefix added or dropped) finds, else the units its
    pinyin spells, else up to `limit` closest unit names."""
    if not normalize(query):
        return []
    ref = exact(plan, query)
    if ref is not None:
        return [plan.unit_by_id[ref.id].name if ref.kind == "unit" else plan.group_by_id[ref.id].name]
    found = by_pinyin(plan, query)
    if found:
        return [u.name for u in found][:limit]
    return suggest(plan, query, limit)


# --- pinyin -------------------------------------------------------------------------
def pinyin_query(query: str) -> str:
    """The query as bare lowercase letters, or '' when it is not pinyin (Chinese, digits)."""
    q = normalize(query).casefold()
    letters = "".join(ch for ch in q if ch not in "'’-_·.")
    return letters if letters.isascii() and letters.isalpha() else ""


def readings(name: str) -> list[set[str]]:
    """Each character's possible readings: the phrase reading plus every single-character one.

    六安 reads lù'ān as a place name, but people type liuan too; 行 in 人行 is háng.
    """
    from pypinyin import Style, pinyin

    phrase = pinyin(name, style=Style.NORMAL, errors=lambda s: list(s))
    if len(phrase) != len(name):  # a reading did not map one-to-one: use characters only
        phrase = [[ch] for ch in name]
    out: list[set[str]] = []
    for ch, phrase_reading in zip(name, phrase):
        if not ch.isalnum():
            continue
        found = {r.casefold() for r in phrase_reading}
        if "\u4e00" <= ch <= "\u9fff":
            found.update(pinyin(ch, style=Style.NORMAL, heteronym=True)[0])
        out.append(found)
    return out


def spells(query: str, readings: list[set[str]]) -> bool:
    """Whether `query` spells the characters in order, each by a full reading or its initial."""
    reachable = {0}
    for options in readings:
        pieces = options | {r[0] for r in options}
        reachable = {i + len(p) for i in reachable for p in pieces if query.startswith(p, i)}
        if not reachable:
            return False
    return len(query) in reachable


def variants(unit: Unit) -> set[str]:
    names = {unit.name, unit.full_name, *unit.aliases, *unit.former_names}
    if unit.short_name:
        names.add(unit.short_name)
    for name in list(names):
        for prefix in PREFIXES:
            if name.startswith(prefix) and len(name) > len(prefix) + 1:
                names.add(name[len(prefix):])
    return names


def by_pinyin(plan: Plan, query: str) -> list[Unit]:
    q = pinyin_query(query)
    if not q:
        return []
    return [u for u in plan.units if any(spells(q, readings(n)) for n in variants(u))]


def _pinyin_keys(name: str) -> set[str]:
    from pypinyin import Style, lazy_pinyin

    return {
        "".join(lazy_pinyin(name)).casefold(),
        "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).casefold(),
    }


# --- suggestions -------------------------------------------------------------------------
def suggest(plan: Plan, query: str, limit: int = 3) -> list[str]:
    """Up to `limit` unit names closest to `query`, by characters or by pinyin."""
    from rapidfuzz import fuzz, process

    q = normalize(query).casefold()
    as_pinyin = pinyin_query(query)
    choices: dict[str, str] = {}
    for unit in plan.units:
        for name in unit_names(unit):
            choices.setdefault(normalize(name).casefold(), unit.id)
        if as_pinyin:
            for name in variants(unit):
                for key in _pinyin_keys(name):
                    choices.setdefault(key, unit.id)
    hits = process.extract(as_pinyin or q, list(choices), scorer=fuzz.WRatio, limit=limit * 8, score_cutoff=50)
    out: list[str] = []
    for choice, _score, _ in hits:
        name = plan.unit_by_id[choices[choice]].name
        if name not in out:
            out.append(name)
    return out[:limit]
