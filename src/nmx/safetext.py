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
#: What `_CONTROL_KEEP_CRLF` can match, as one character class: any CR. A class alone is searched
#: three times as fast as the alternation (a 30 MB JSON document is scanned before it is written).
_MAYBE_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def first_control(text: str) -> int | None:
    """Index of the first control character in `text`, or None."""
    found = CONTROL.search(text)
    return found.start() if found else None


def visible(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class Clean(str):
    """Text made of pieces each found `terminal_clean`: `for_terminal` passes it as it is, without
    searching it again (a large plan's JSON is hundreds of megabytes of a few distinct pieces)."""


def terminal_clean(text: str) -> bool:
    """Whether `text` holds nothing `for_terminal` or `json_safe` would change."""
    return not _MAYBE_CONTROL.search(text)


def for_terminal(text: str) -> str:
    """`text` with every control character but tab, newline and CR LF shown as `\\xNN`."""
    if type(text) is Clean or not _MAYBE_CONTROL.search(text):
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


# --- characters an output's encoding cannot carry ------------------------------------------------
#: The name of the codec error handler that `register_stand_ins` installs. A cmd.exe whose output
#: is redirected writes cp936 (GBK), which has Chinese but not ☐ or ✓; a C locale or
#: PYTHONIOENCODING=ascii has neither. With this handler a character the stream cannot carry
#: becomes the first of its `STAND_INS` that it can, else its compatibility form (full-width
#: `，` → `,`), else the letter without its accents, else `?`. A wide character (Chinese) keeps
#: its two columns (`市` → `??`, `，` → `, `, `（` → ` (`), so a table stays aligned.
STAND_IN = "nmx-stand-in"

STAND_INS: dict[str, tuple[str, ...]] = {
    "☐": ("[ ]",), "☑": ("[v]",), "☒": ("[x]",), "✓": ("√", "v"), "✔": ("√", "v"), "✗": ("×", "x"),
    "✘": ("×", "x"), "×": ("x",), "√": ("v",), "•": ("·", "*"), "·": ("-",), "…": ("...",), "—": ("-",),
    "–": ("-",), "―": ("-",), "→": ("->",), "←": ("<-",), "↑": ("^",), "↓": ("v",), "≤": ("<=",),
    "≥": (">=",), "“": ('"',), "”": ('"',), "‘": ("'",), "’": ("'",), "「": ('"',), "」": ('"',),
    "『": ('"',), "』": ('"',), "《": ("<",), "》": (">",), "〈": ("<",), "〉": (">",), "【": ("[",),
    "】": ("]",), "〔": ("[",), "〕": ("]",), "〖": ("[",), "〗": ("]",), "、": (",",), "。": (".",),
    "〇": ("0",), "\ufffd": ("?",),
}


def _fits(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except (UnicodeError, LookupError):
        return False
    return True


def stand_in(char: str, encoding: str) -> str:
    """What `char` is written as in `encoding` when the encoding cannot carry it: as wide as
    `char` where it can be (a wide `，` is `, `), so a table stays aligned."""
    import unicodedata

    found = _stand_in(char, encoding, unicodedata)
    if len(found) == 1 and unicodedata.east_asian_width(char) in ("W", "F"):
        return "??" if found == "?" else " " + found if found in "([<{" else found + " "
    return found


def _stand_in(char: str, encoding: str, unicodedata) -> str:  # noqa: ANN001 - the module, imported once
    for candidate in STAND_INS.get(char, ()):
        if _fits(candidate, encoding):
            return candidate
    if "\u2500" <= char <= "\u257f":  # box drawing, as Rich's tables use: ASCII lines
        name = unicodedata.name(char, "")
        if " AND " in name or ("HORIZONTAL" in name and "VERTICAL" in name) or "DIAGONAL" in name:
            return "+"  # a corner, a tee, a cross
        if "VERTICAL" in name or name.endswith((" UP", " DOWN")):
            return "|"
        return "=" if "DOUBLE" in name else "-"
    if "\u2580" <= char <= "\u259f":  # block elements (progress bars)
        return "#"
    for form in (unicodedata.normalize("NFKC", char),
                 "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))):
        if form and form != char and _fits(form, encoding):
            return form
    return "?"


def _handler(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    text = exc.object[exc.start:exc.end]
    return "".join(stand_in(c, exc.encoding) for c in text), exc.end


def register_stand_ins() -> str:
    """Install the `STAND_IN` error handler (idempotent); its name, for `errors=`."""
    import codecs

    codecs.register_error(STAND_IN, _handler)
    return STAND_IN


def can_show(text: str, encoding: str | None) -> bool:
    """Whether `encoding` (a stream's; None: unknown, taken as UTF-8) carries every character of `text`."""
    return encoding is None or _fits(text, encoding)
