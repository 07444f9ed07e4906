"""The documentation says what the code does (in the manner of sqlite-utils' test_docs.py).

Every registered command is in the README's command table, and the JSON keys documented for a
command are the keys it emits.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import commands

COMMANDS = commands()

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = ROOT / "docs"


def _table_commands() -> set[str]:
    """`nmx ledger add/close/list` → {ledger add, ledger close, ledger list}."""
    found = set()
    for cell in re.findall(r"^\| `nmx ([^`]+)`", README, flags=re.M):
        words = [w for w in cell.split() if w.isascii() and not w.isupper() and not w.startswith("[")]
        if len(words) > 1 and "/" in words[1]:
            found |= {f"{words[0]} {sub}" for sub in words[1].split("/")}
        else:
            found.add(" ".join(words[:2]) if words[0] in ("export", "import", "ledger") else words[0])
    return found


@pytest.mark.parametrize("path", [" ".join(p) for p, _ in COMMANDS])
def test_every_command_is_in_the_readme_table(path):
    assert path in _table_commands(), f"`nmx {path}` is missing from README.md's command table"


def test_every_doc_the_readme_links_exists():
    for link in re.findall(r"\]\((docs/[^)]+)\)", README):
        assert (ROOT / link).is_file(), link


def _json_block(doc: str, heading: str) -> dict:
    text = (DOCS / doc).read_text(encoding="utf-8")
    block = text[text.index(heading):]
    return json.loads(block[block.index("```json") + 7:block.index("```", block.index("```json") + 7)])


@pytest.mark.parametrize("doc,heading,args,items", [
    ("commands.md", "### JSON (`nmx duties DEPT --format json`)", ("duties", "市交通运输局"), "duties"),
    ("commands.md", "### JSON (`nmx deadlines --format json`)",
     ("deadlines", "--month", "2023-06", "--today", "2023-06-02"), "items"),
])
def test_documented_json_keys_are_the_emitted_keys(run, doc, heading, args, items):
    documented = _json_block(doc, heading)
    emitted = json.loads(run(*args, "-f", "json").stdout)
    assert list(documented) == list(emitted)
    assert list(documented[items][0]) == list(emitted[items][0])


def _brace_keys(spec: str) -> list[str]:
    """Top-level keys of the docs' shorthand `{"a","b":{…},"c":[{…}]}`."""
    keys, depth = [], 0
    for match in re.finditer(r'"([a-z_]+)"|[{\[]|[}\]]', spec):
        token = match.group(0)
        if token in "{[":
            depth += 1
        elif token in "}]":
            depth -= 1
        elif depth == 1:
            keys.append(match.group(1))
    return keys


@pytest.mark.parametrize("command", ["status", "overdue"])
def test_supervision_json_keys_are_documented(run, command):
    text = (DOCS / "supervision.md").read_text(encoding="utf-8")
    entry = text[text.index(f"- `nmx {command} ["):]
    spec = entry[entry.index("JSON: `") + 7:]
    spec = spec[:spec.index("`")].replace("\n", " ")
    emitted = json.loads(run(command, "--today", "2023-06-08", "-f", "json").stdout)
    assert _brace_keys(spec) == list(emitted)
