"""What `nmx source` shows: one clause of the plan's text, or the outline of its clauses."""

from __future__ import annotations

from nmx.i18n import t
from nmx.plan.document import Clause, Document
from nmx.plan.plan import Plan
from nmx.views import Column, View


def clause_view(clause: Clause) -> View:
    """The clause id, its title and its text; JSON `{clause, title, text}`."""
    rows = [
        {"key": t("doc:col_clause"), "value": clause.id},
        {"key": t("doc:col_title"), "value": clause.title},
        {"key": t("doc:col_text"), "value": clause.text},
    ]
    payload = {"clause": clause.id, "title": clause.title, "text": clause.text}
    return View([Column("key", "", no_wrap=True), Column("value", "")], rows, payload=payload, show_header=False,
                kind="source/1")


def outline_view(plan: Plan, document: Document) -> View:
    """Every clause, items under their section; JSON `[{clause, title, parent}]`."""
    rows = [{"key": c.id, "value": c.title} for c in document.clauses]  # key/value: `--format text` lists them too
    payload = {"clauses": [{"clause": c.id, "title": c.title, "parent": c.parent} for c in document.clauses]}
    title = t("doc:outline_title", doc=plan.meta.doc_number, title=plan.meta.title, count=len(document.clauses))
    return View([Column("key", t("doc:col_clause"), no_wrap=True), Column("value", t("doc:col_title"), max_width=60)],
                rows, payload=payload, title=title, notes=[t("doc:outline_note")], kind="source-outline/1")
