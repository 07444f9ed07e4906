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
