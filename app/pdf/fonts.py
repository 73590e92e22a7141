"""The fonts embedded in the PDF (DejaVu Sans, regular and bold) and which characters they can show."""

from __future__ import annotations

import threading

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus.paragraph import _wsc as _PARAGRAPH_WHITESPACE

from app.resources import resource_path

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
FAMILY = "DejaVuSans"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}

_lock = threading.Lock()
_printable: frozenset[str] = frozenset()  # every character both fonts can show, and paragraph whitespace


def register_fonts() -> None:
    """Registers the fonts with reportlab once per process; safe from any thread."""
    global _printable
    if _printable:
        return
    with _lock:
        if _printable:
            return
        # Binary streams: ASCII85 only makes the file a quarter larger and the build slower.
        rl_config.useA85 = 0
        fonts = []
        for name, file_name in _FILES.items():
            path = resource_path("fonts", file_name)
            if not path.is_file():
                raise FileNotFoundError(f"the PDF font {path} is missing from this installation")
            font = TTFont(name, str(path))
            pdfmetrics.registerFont(font)
            fonts.append(font)
        pdfmetrics.registerFontFamily(FAMILY, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
        regular, bold = (font.face.charToGlyph for font in fonts)
        shown = {chr(code) for code, glyph in regular.items() if glyph and bold.get(code)}  # glyph 0 is .notdef: a box
        _printable = frozenset(shown | set(_PARAGRAPH_WHITESPACE))


def unprintable_characters(text: str) -> str:
    """Each character of `text` that the regular or the bold font cannot show, once, in order.

    Whitespace that a paragraph folds into a plain space counts as printable."""
    register_fonts()
    return "".join(char for char in dict.fromkeys(text) if char not in _printable)
