"""The local webhooks file: which unit's group chat each reminder goes to.

A YAML mapping, unit (id, name, full name or alias, as the plan knows it) → webhook URL:

```yaml
市交通运输局: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…
jinan: https://oapi.dingtalk.com/robot/send?access_token=…
```

A webhook's URL carries its key, so the file is the person's, never the plan's: it lives in
the user's config folder (`default_path`: platformdirs, `~/.config/nmx/webhooks.yaml` on
Linux) or where `--webhooks FILE` says, and one inside the plan's data folder is refused (a
plan folder is shared and committed). It is read with nmx's own safe YAML reader (no tags,
no duplicate keys, bounded aliases); what is wrong in it is reported by line, URLs redacted.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from nmx.errors import DataError, UsageError
from nmx.i18n import t
from nmx.plan.plan import Plan
from nmx.problems import Level, Problem

FILE = "webhooks.yaml"


def default_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("nmx", appauthor=False)) / FILE


def refuse_in_plan(path: Path, data_dir: Path) -> None:
    """UsageError when `path` (as given, or where its links lead) lies inside the plan's folder."""
    folder = data_dir.resolve()
    for candidate in (Path(os.path.abspath(path)), path.resolve()):
        if candidate == folder or candidate.is_relative_to(folder):
            raise UsageError(t("rm:webhooks_in_plan", path=path, data=data_dir), hint=t("rm:webhooks_in_plan_hint"))


def load(path: Path, plan: Plan, data_dir: Path) -> tuple[dict[str, str], list[str]]:
    """(unit id → URL, warnings) from the webhooks file at `path`; DataError listing its problems."""
    from nmx.fileio import display, read_input
    from nmx.handouts.robots import redact
    from nmx.plan.yaml_reader import parse

    refuse_in_plan(path, data_dir)
    raw = read_input(path)
    name = display(path)
    doc = parse(raw or b"", name)
    problems = [Problem(p.file, p.line, p.col, p.level, p.rule, redact(p.message), p.path) for p in doc.problems]
    found: dict[str, str] = {}
    first: dict[str, int] = {}
    if isinstance(doc.data, dict) and not problems:
        for key, value in doc.data.items():
            line, col = doc.where((key,))
            found_id, fault = _entry(plan, str(key), value, first)
            if fault is not None:
                problems.append(Problem(name, line, col, Level.ERROR, fault[0], fault[1], str(key)))
            else:
                first[found_id] = line
                found[found_id] = value
    if problems:
        raise DataError(t("rm:webhooks_invalid", path=name, n=len(problems)), problems)
    return found, _warnings(path)


def _entry(plan: Plan, key: str, value: object, first: dict[str, int]) -> tuple[str, tuple[str, str] | None]:
    """(unit id, None) for a good entry, else ("", (rule, message))."""
    from nmx.handouts.robots import check_url

    ref = plan.resolve(key)
    if ref is not None and ref.kind != "unit":
        return "", ("unit-is-group", t("rm:wh_group", name=key))
    unit = _unit(plan, key)
    if isinstance(unit, str):
        return "", ("unknown-unit", unit)
    if unit.id in first:
        return "", ("duplicate-unit", t("rm:wh_duplicate", name=key, line=first[unit.id]))
    if not isinstance(value, str):
        return "", ("not-a-url", t("rm:wh_not_text", name=key))
    why = check_url(value, t("rm:url_of_unit", name=key))
    return (unit.id, None) if why is None else ("", ("bad-url", why))


def _unit(plan: Plan, name: str):
    """The unit `name` stands for as `--dept` finds it (pinyin too), or why not (with suggestions)."""
    from nmx.duties.match import find_unit

    try:
        return find_unit(plan, name)
    except UsageError as exc:
        return f"{exc.message}（{exc.hint}）" if exc.hint else exc.message


def _warnings(path: Path) -> list[str]:
    """A file that others may read gives its keys away: said, as ssh says it of a key."""
    if os.name != "posix":
        return []
    mode = stat.S_IMODE(path.stat().st_mode)
    return [t("rm:webhooks_readable", path=path, mode=f"{mode:o}")] if mode & 0o077 else []
