"""The one place that decides which characters may leave nmx for a terminal.

A C0 or C1 control character (other than tab and newline) in a string can move the
cursor, clear the screen, retitle the window or write the clipboard (`ESC ] 52`) of
whoever reads nmx's output. The plan, records and ledger refuse them at validation and
the CLI refuses them in option values; what could still reach a terminal (a file name in
a message, a value quoted in a problem) is shown escaped, as `\\x1b`.
"""

from __future__ import annotations

import re

#: C0 except tab and newline, DEL, C1.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# The same, but a CR directly before LF is a line end (CSV's) and stays; and the bidi
# embeddings, overrides and isolates, which reorder what a terminal shows ("Trojan source").
_CONTROL_KEEP_CRLF = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")


def first_control(text: str) -> int | None:
    """Index of the first control character in `text`, or None."""
    found = CONTROL.search(text)
    return found.start() if found else None


def visible(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: str) -> str:
    """`text` with every control character but tab, newline and CR LF shown as `\\xNN`."""
    if not _CONTROL_KEEP_CRLF.search(text):
        return text
    return _CONTROL_KEEP_CRLF.sub(lambda m: visible(m.group()), text)


def json_safe(text: str) -> str:
    """JSON text with DEL and C1 escaped too (`json.dumps` leaves them raw without ensure_ascii)."""
    if not CONTROL.search(text):
        return text
    return CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


#: Characters that take no space or reorder text: zero-width spaces and joiners, bidi
#: embeddings, overrides and isolates, the BOM, tag characters (Unicode category Cf).
#: Also what renders as nothing though it is a letter or a mark: Hangul fillers, the Khmer
#: inherent vowels, the combining grapheme joiner, variation selectors, the braille blank,
#: and private-use characters (no font shows them the same way).
INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
                       "\u2060-\u2064\u2066-\u206f\u2800\u3164\ue000-\uf8ff\ufe00-\ufe0f\ufeff\uffa0"
                       "\ufff9-\ufffb\U000e0000-\U000e0fff\U000f0000-\U0010ffff]")
