"""A QR code as inline SVG for an HTML page, with `segno` (imported here only).

segno's `svg_inline` leaves out the XML declaration and the namespace (HTML5 needs
neither). What it writes depends only on the code's modules and the options below, never
on the encoded text as text; it is still checked against the shape it must have before
it goes into a page as markup, so no later segno can slip anything else in.
"""

from __future__ import annotations

import re

from nmx.render.html import Safe

#: Pixels per module and the quiet zone in modules (4 is what ISO/IEC 18004 asks for).
SCALE = 4
BORDER = 4
OPTIONS = {"error": "m", "scale": SCALE, "border": BORDER, "svgclass": "qr-code", "lineclass": None}

_SHAPE = re.compile(r'<svg(?: (?:width|height|class|viewBox)="[A-Za-z0-9. -]*")*>'
                    r'(?:<path(?: (?:transform|stroke|fill|d|class)="[A-Za-z0-9#. ()-]*")*/>)*</svg>')


def qr_svg(text: str) -> Safe:
    """`text` (a URL) as a QR code: an `<svg>` element to put into a page as is."""
    import segno

    options = dict(OPTIONS)
    code = segno.make(text, error=options.pop("error"))
    svg = code.svg_inline(**options)
    if not _SHAPE.fullmatch(svg):
        raise ValueError(f"segno wrote an SVG of an unexpected shape: {svg[:80]!r}")  # a bug
    return Safe(svg)
