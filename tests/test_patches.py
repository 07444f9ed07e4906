"""Fixture patches (tests/fixtures/**/*.patch): each applies to the shipped data, strictly, or fails saying which."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import DATA, FIXTURES, PatchError, apply_patch, patched

PATCHES = sorted(FIXTURES.rglob("*.patch"))
BAD_ID = FIXTURES / "invalid" / "departments--bad-id.patch"


def _hunks(*lines: str) -> str:
    return "# fixture: x\n--- a/data/f.yaml\n+++ b/data/f.yaml\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize("patch", PATCHES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_every_fixture_patch_applies_to_the_shipped_data(patch):
    name, raw = patched(patch)
    assert raw != (DATA / name).read_bytes()
    lines = patch.read_text(encoding="utf-8").split("\n")
    hunks = lines[next(n for n, ln in enumerate(lines) if ln.startswith("+++ ")) + 1:]
    added = [ln[1:] for ln in hunks if ln[:1] == "+"]
    assert added and set(added) <= set(raw.decode("utf-8").split("\n"))


def _shipped_copy(tmp_path, change):
    (tmp_path / "data").mkdir()
    text = (DATA / "departments.yaml").read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text
    (tmp_path / "data" / "departments.yaml").write_text(changed, encoding="utf-8")
    return tmp_path


def test_a_patch_applies_to_an_unchanged_copy(tmp_path):
    shutil.copytree(DATA, tmp_path / "data")
    assert patched(BAD_ID, root=tmp_path) == patched(BAD_ID)


@pytest.mark.parametrize(("change", "says"), [
    # a context line of the patch edited
    (lambda t: t.replace("    full_name: 六安市商务局\n", "    full_name: 六安市商务局（改）\n"),
     "line 50 of the shipped file is '    full_name: 六安市商务局（改）'; line 12 of the patch expects"),
    # the line the patch changes is gone
    (lambda t: t.replace("  - id: commerce\n", "  - id: trade\n"),
     "line 48 of the shipped file is '  - id: trade'; line 9 of the patch expects '  - id: commerce' there"),
    # a line added above the hunk: no offset is looked for, so the stated lines stay true
    (lambda t: "# one more line\n" + t, "line 45 of the shipped file is '  - id: civil'; line 6 of the patch expects '    name: 市民政局'"),
    # cut short
    (lambda t: t[:1000], "line 45 of the shipped file is past its end"),
], ids=["context-edited", "changed-line-gone", "line-added-above", "cut-short"])
def test_a_patch_that_no_longer_applies_fails_naming_it(tmp_path, change, says):
    root = _shipped_copy(tmp_path, change)
    with pytest.raises(pytest.fail.Exception) as err:
        patched(BAD_ID, root=root)
    message = str(err.value)
    assert message.startswith("tests/fixtures/invalid/departments--bad-id.patch no longer applies to data/departments.yaml: ")
    assert says in message, message


BASE = ["a", "b", "", "d"]


@pytest.mark.parametrize(("patch", "result"), [
    (_hunks("@@ -2 +2 @@", "-b", "+B"), ["a", "B", "", "d"]),  # counts of 1 left out, as diff -U0 writes them
    (_hunks("@@ -1,0 +2 @@", "+new"), ["a", "new", "b", "", "d"]),  # an insertion after line 1
    (_hunks("@@ -0,0 +1 @@", "+top"), ["top", "a", "b", "", "d"]),
    (_hunks("@@ -4 +3,0 @@", "-d"), ["a", "b", ""]),
    (_hunks("@@ -1,4 +1,4 @@", " a", "-b", "+B", "", " d"), ["a", "B", "", "d"]),  # a blank line for ' '
    (_hunks("@@ -1 +1 @@", "-a", "+A", "@@ -4 +4 @@", "-d", "+D"), ["A", "b", "", "D"]),
    ("diff --git a/data/f.yaml b/data/f.yaml\nindex 1..2 100644\n" + _hunks("@@ -2 +2 @@", "-b", "+B"),
     ["a", "B", "", "d"]),
], ids=["counts-left-out", "insert", "insert-at-top", "delete-last", "blank-context", "two-hunks", "git-header"])
def test_apply_patch(patch, result):
    assert apply_patch(patch, list(BASE)) == result


@pytest.mark.parametrize(("patch", "says"), [
    ("# no diff here\n", "no '--- a/FILE' and '+++ b/FILE' lines"),
    (_hunks("@@ -1,3 +1,3 @@", " a", "-b", "+B"), "fewer lines than its @@ line counts"),  # cut short
    (_hunks("@@ -1,2 +1,3 @@", " a", "-b", "+B", " ", "+x"), "more lines than its @@ line counts"),
    (_hunks("@@ -2 +2 @@", "-x", "+B"), "line 2 of the shipped file is 'b'; line 5 of the patch expects 'x' there"),
    (_hunks("@@ -2 +2 @@", "-b", "+B", "@@ -1 +1 @@", "-a", "+A"), "overlaps the one before it"),
    (_hunks("@@ -4 +4 @@", "-d", "+D", "\\ No newline at end of file"), "should begin a hunk"),
    (_hunks("@@ -5 +5 @@", "-e", "+E"), "line 5 of the shipped file is past its end"),
], ids=["no-diff", "hunk-cut-short", "hunk-too-long", "mismatch", "out-of-order", "no-final-newline", "past-the-end"])
def test_apply_patch_refuses(patch, says):
    with pytest.raises(PatchError) as err:
        apply_patch(patch, list(BASE))
    assert says in str(err.value), err.value
