"""Checking that a quote stands verbatim in a policy's text.

White space, dash style and quote-mark style are forgiven (policies arrive via Word and
PDF conversions); nothing else is.
"""

from __future__ import annotations

import re
import unicodedata

_FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
        "\u00a0": " ",
    }
)
_SPACE = re.compile(r"\s+")
# A quote mark or dash may sit with or without spaces around it in the source
# (`St Peter’s ” ,`), so spaces next to them are dropped before comparing.
_SPACE_AROUND_MARK = re.compile(r" ?([\"'\-]) ?")
ELLIPSIS = re.compile(r"\s*(?:\.\.\.|\u2026)\s*")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_FOLD)
    text = _SPACE.sub(" ", text).strip()
    return _SPACE_AROUND_MARK.sub(r"\1", text)


def quote_pieces(quote: str) -> list[str]:
    """The verbatim pieces of a quote: `...` joins pieces that need not be adjacent."""
    return [p for p in (piece.strip() for piece in ELLIPSIS.split(quote)) if p]


def missing_pieces(quote: str, normalised_source: str) -> list[str]:
    """Pieces of `quote` not found in the source (already passed through normalise)."""
    return [p for p in quote_pieces(quote) if normalise(p) not in normalised_source]
