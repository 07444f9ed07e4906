"""Finding the unit a user means: id, plan name, full name, alias, short name, then pinyin.

The order: an exact name (id, the name as the plan writes it, the full name, an
alias or former name, a county's short name) after folding full-width forms,
spaces and letter case; the same with 市 / 六安市 added or 六安 dropped
(交通运输局 → 市交通运输局); then pinyin, full or initials or a mix (jtysj,
jiaotongyunshuju). The lookups and suggestions live in `nmx.plan.names`, shared with
`nmx validate`; the pinyin and fuzzy libraries are imported only when the exact lookup fails.
"""

from __future__ import annotations

from nmx.errors import UsageError
from nmx.i18n import t
from nmx.plan.models import Group, Task, Unit
from nmx.plan.names import by_pinyin as _by_pinyin, exact as _exact, suggest
from nmx.plan.plan import Plan, normalize

def find_unit(plan: Plan, query: str) -> Unit:
    """The unit `query` names, or UsageError saying why not (with suggestions)."""
    if not query or not normalize(query):
        raise UsageError(t("unit_empty"))
    ref = _exact(plan, query)
    if ref is not None and ref.kind == "unit":
        return plan.unit_by_id[ref.id]
    if ref is not None:
        raise _group_error(plan, query, ref.id)
    found = _by_pinyin(plan, query)
    if len(found) == 1:
        return found[0]
    if found:
        raise UsageError(t("unit_ambiguous", name=query, units="、".join(u.name for u in found)))
    suggestions = suggest(plan, query)
    hint = t("did_you_mean", names="、".join(suggestions)) if suggestions else None
    raise UsageError(t("unit_not_found", name=query), hint=hint)


def _group_error(plan: Plan, query: str, group_id: str) -> UsageError:
    group = plan.group_by_id[group_id]
    if group.everyone:
        hint = t("group_everyone", excluding="、".join(group.excluding) or "—")
    else:
        members = "、".join(plan.unit_by_id[u].name for u in plan.members(group.id))
        hint = t("group_members", members=members) if members else t("group_unlisted")
        if members and not group.members_listed:
            hint += t("group_partly_listed")
    return UsageError(t("is_group", name=query, group=group.name), hint=hint)


# --- completion --------------------------------------------------------------------------
def spells_start(query: str, readings: list[set[str]]) -> bool:
    """Whether `query` begins to spell the characters in order (`spells` for what is typed so far):
    jtys, jtysj and jiaot all begin 交通运输局."""
    reachable = {0}
    for options in readings:
        if len(query) in reachable or any(r.startswith(query[i:]) for i in reachable for r in options):
            return True
        pieces = options | {r[0] for r in options}
        reachable = {i + len(p) for i in reachable for p in pieces if query.startswith(p, i)}
        if not reachable:
            return False
    return len(query) in reachable


def unit_completions(plan: Plan, typed: str) -> list[Unit]:
    """The units a shell offers for what is typed so far: by id, by the start of any of their
    names (as `find_unit` knows them), or by the pinyin the names begin with."""
    from nmx.plan.names import pinyin_query, readings, variants

    q = normalize(typed).casefold()
    if not q:
        return list(plan.units)
    as_pinyin = pinyin_query(typed)
    out = []
    for unit in plan.units:
        names = variants(unit)
        if unit.id.casefold().startswith(q) or any(n.casefold().startswith(q) for n in names) or (
                as_pinyin and any(spells_start(as_pinyin, readings(n)) for n in names)):
            out.append(unit)
    return out


# --- groups and tasks ------------------------------------------------------------------
def find_group(plan: Plan, query: str) -> Group:
    """The group `query` names (id, name or alias), or UsageError listing the groups."""
    ref = _exact(plan, query) if query and normalize(query) else None
    if ref is not None and ref.kind == "group":
        return plan.group_by_id[ref.id]
    raise UsageError(t("d:not_a_group", name=query), hint=t("d:groups_list", names="、".join(g.name for g in plan.groups)))


def find_task(plan: Plan, query: str) -> Task:
    """The task with id `query` (case and full-width forms folded), or UsageError with suggestions."""
    key = normalize(query or "").upper()
    if key in plan.task_by_id:
        return plan.task_by_id[key]
    import difflib

    close = difflib.get_close_matches(key, list(plan.task_by_id), n=3, cutoff=0.5) if key else []
    hint = t("did_you_mean", names="、".join(close)) if close else t("d:task_ids", ids=id_ranges(list(plan.task_by_id)))
    raise UsageError(t("d:task_not_found", task=query), hint=hint)


def id_ranges(ids: list[str]) -> str:
    """A1, A2 … A14, M1 … → 'A1–A14、M1–M5'; ids without a numeric tail are listed as they are."""
    runs: dict[str, list[int]] = {}
    others: list[str] = []
    for tid in ids:
        stem = tid.rstrip("0123456789")
        if stem != tid and tid[len(stem)] != "0":
            runs.setdefault(stem, []).append(int(tid[len(stem):]))
        else:
            others.append(tid)
    parts = []
    for stem, numbers in runs.items():
        numbers = sorted(set(numbers))
        start = prev = numbers[0]
        for n in [*numbers[1:], None]:
            if n is not None and n == prev + 1:
                prev = n
                continue
            parts.append(f"{stem}{start}" if start == prev else f"{stem}{start}–{stem}{prev}")
            if n is not None:
                start = prev = n
    return "、".join(parts[:12] + others[:12]) + ("…" if len(parts) > 12 or len(others) > 12 else "")
