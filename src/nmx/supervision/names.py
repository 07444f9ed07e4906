"""The supervision files' names, and what a record counts towards."""

RECORDS = "records.yaml"
LEDGER = "ledger.yaml"

#: (task id, schedule index or None, period or None, unit id): what a record counts towards.
Key = tuple[str, int | None, str | None, str]
