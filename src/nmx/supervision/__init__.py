"""Supervision (督查问效): progress records, status and overdue lists, the rectification ledger.

The two files live beside the plan in its data folder, both optional:
`records.yaml` (who did which task for which period) and `ledger.yaml`
(整改台账). They are read and validated like the plan (loader → models →
checks), cached by content hash, and written only by appending text under a
lock (see `store.py`), so comments and hand-written entries survive.
"""

from functools import partial

from nmx.plan.extras import Extra, precompiled, register
from nmx.supervision.names import LEDGER, RECORDS


def _model(name: str) -> type:
    from nmx.supervision.models import FILE_MODELS

    return FILE_MODELS[name]


def _problems(name: str, folder, plan, plan_key: str) -> list:
    from nmx.supervision.files import problems_of

    return problems_of(name, folder, plan, plan_key)


# records.yaml and ledger.yaml join the plan pipeline: `nmx validate` checks them beside the
# plan and `nmx schema` writes their schemas; the pipeline itself never imports supervision.
for _name in (RECORDS, LEDGER):
    register(Extra(_name, partial(_model, _name), partial(_problems, _name)))


def _core_schemas():
    from nmx.supervision import core_schemas

    return core_schemas


precompiled("nmx.supervision.models", _core_schemas)
