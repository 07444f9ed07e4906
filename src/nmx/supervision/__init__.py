"""Supervision (督查问效): progress records, status and overdue lists, the rectification ledger.

The two files live beside the plan in its data folder, both optional:
`records.yaml` (who did which task for which period) and `ledger.yaml`
(整改台账). They are read and validated like the plan (loader → models →
checks), cached by content hash, and written only by appending text under a
lock (see `store.py`), so comments and hand-written entries survive.
"""

RECORDS = "records.yaml"
LEDGER = "ledger.yaml"

#: (task id, schedule index or None, period or None, unit id): what a record counts towards.
Key = tuple[str, int | None, str | None, str]



def _register() -> None:
    """records.yaml and ledger.yaml join the plan pipeline: `nmx validate` checks them and
    `nmx schema` writes their schemas. The code that reads them is imported only then."""
    from functools import partial

    from nmx.plan.pipeline import Extra, register

    for name in (RECORDS, LEDGER):
        register(Extra(name, partial(_model, name), partial(_problems, name)))


def _model(name: str) -> type:
    from nmx.supervision.models import FILE_MODELS

    return FILE_MODELS[name]


def _problems(name: str, folder, plan, plan_key: str) -> list:
    from nmx.supervision.files import problems_of

    return problems_of(name, folder, plan, plan_key)


_register()
