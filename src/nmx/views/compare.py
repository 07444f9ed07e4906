"""`nmx diff`'s tables: every change in one list, or what changed for each unit (the 补充通知)."""

from __future__ import annotations

from typing import Any

from nmx.compare.plans import Diff
from nmx.i18n import t
from nmx.views import Column, View, cell_text


def _value(value: Any) -> str:
    if isinstance(value, dict) and set(value) == {"start", "end"}:
        return f"{value['start']} – {value['end']}"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return t("df_n_items", n=len(value))
    text = cell_text(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _from_to(before: Any, after: Any) -> str:
    return f"{_value(before) or '—'} → {_value(after) or '—'}"


def _role(role: str) -> str:
    return t(f"df_role_{role}")


def change_text(change: dict) -> str:
    """One change of a task, in words."""
    name = change["field"]
    if name in ("lead", "support"):
        parts = []
        if change["added"]:
            parts.append(t("df_added_names", names="、".join(change["added"])))
        if change["removed"]:
            parts.append(t("df_removed_names", names="、".join(change["removed"])))
        return f"{t('df_field_' + name)}：{'；'.join(parts)}"
    if name == "schedule":
        item = change["item"]
        if change["change"] != "changed":
            return t(f"df_schedule_{change['change']}", item=item, what=change["what"])
        fields = "；".join(f"{k} {_from_to(v['from'], v['to'])}" for k, v in change["fields"].items())
        return t("df_schedule_changed", item=item, what=change["what"], fields=fields)
    if name in ("text", "note"):
        return t(f"df_field_{name}") + t("df_changed")
    return f"{t('df_field_' + name)}：{_from_to(change['from'], change['to'])}"


def unit_change_text(entry: dict) -> str:
    kind = entry["change"]
    if kind in ("added", "removed"):
        return t(f"df_unit_{kind}", role=_role(entry["role"]))
    if kind == "role":
        return t("df_unit_role", before=_role(entry["from"]), after=_role(entry["to"]))
    if kind == "text":
        return t("df_unit_text", fields="、".join(t("df_field_" + f) for f in entry["fields"]))
    return "；".join(change_text(c) for c in entry["items"])


def diff_rows(diff: Diff) -> list[dict]:
    rows: list[dict] = []

    def add(what: str, change: str, ident: str, name: str, detail: str = "") -> None:
        rows.append({"what": t(f"df_what_{what}"), "change": t(f"df_change_{change}"), "id": ident, "name": name,
                     "detail": detail})

    for c in diff.plan:
        add("plan", "changed", c["field"], t("df_meta_" + c["field"]), _from_to(c["from"], c["to"]))
    for u in diff.units_added:
        add("unit", "added", u["id"], u["name"])
    for u in diff.units_removed:
        add("unit", "removed", u["id"], u["name"])
    for u in diff.units_renamed:
        add("unit", "renamed", u["id"], u["to"], _from_to(u["from"], u["to"]))
    for g in diff.groups_added:
        add("group", "added", g["id"], g["name"])
    for g in diff.groups_removed:
        add("group", "removed", g["id"], g["name"])
    for g in diff.groups_changed:
        detail = "；".join(p for p in (t("df_added_names", names="、".join(g["added"])) if g["added"] else "",
                                       t("df_removed_names", names="、".join(g["removed"])) if g["removed"] else "") if p)
        add("group", "changed", g["id"], g["name"], detail)
    for task in diff.tasks_added:
        add("task", "added", task["id"], task["title"], task["source"])
    for task in diff.tasks_removed:
        add("task", "removed", task["id"], task["title"], task["source"])
    for task in diff.tasks_changed:
        add("task", "changed", task["id"], task["title"], "\n".join(change_text(c) for c in task["changes"]))
    return rows


def unit_rows(diff: Diff, units: set[str] | None) -> list[dict]:
    rows = []
    names = {**{u.id: u.name for u in diff.old.units}, **{u.id: u.name for u in diff.new.units}}
    for uid, entries in diff.by_unit.items():
        if units is not None and uid not in units:
            continue
        for entry in entries:
            rows.append({"unit": names.get(uid, uid), "task": entry["task"], "title": entry["title"],
                         "change": t(f"df_kind_{entry['change']}"), "detail": unit_change_text(entry)})
    return rows


def diff_view(diff: Diff, old_label: str, new_label: str, by_unit: bool = False, units: set[str] | None = None) -> View:
    """The whole difference (or, `by_unit`, each unit's), with the JSON document `diff/1`."""
    payload = {"old": old_label, "new": new_label, **diff.as_json(units)}
    notes = [t("df_none")] if diff.empty else []
    if by_unit or units is not None:
        columns = [Column("unit", t("df_col_unit"), 16, items=True), Column("task", t("df_col_task"), 6, no_wrap=True),
                   Column("title", t("df_col_title"), 24), Column("change", t("df_col_change"), 8, no_wrap=True),
                   Column("detail", t("df_col_detail"), 50)]
        rows = unit_rows(diff, units)
        title = t("df_title_units", old=diff.old.meta.title, new=diff.new.meta.title)
    else:
        columns = [Column("what", t("df_col_what"), 6, no_wrap=True), Column("change", t("df_col_change"), 6, no_wrap=True),
                   Column("id", t("df_col_id"), 14), Column("name", t("df_col_name"), 22),
                   Column("detail", t("df_col_detail"), 50)]
        rows = diff_rows(diff)
        title = t("df_title", old=diff.old.meta.title, new=diff.new.meta.title)
    return View(columns, rows, payload=payload, title=title, notes=notes, kind="diff/1")
