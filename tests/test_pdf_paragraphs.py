"""FastParagraph lays text out and draws it exactly as reportlab's own Paragraph does, byte for byte.

Line breaks and the whole confirmation are compared with reportlab's Paragraph itself; PDFs of
random text with reportlab's Paragraph laid out once per width (see WrapOnceParagraph)."""

from __future__ import annotations

import io
import sys
from datetime import datetime, timezone
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import LayoutError, Paragraph, SimpleDocTemplate, Table, TableStyle

import app.pdf.layout
from app.pdf.document import build_pdf
from app.pdf.flowables import FastParagraph
from app.pdf.fonts import BOLD, REGULAR, register_fonts

sys.path.insert(0, str(Path(__file__).parent))
from test_pdf_document import SIGNATURE, confirm  # noqa: E402

register_fonts()
CELL = ParagraphStyle("cell", fontName=REGULAR, fontSize=8.5, leading=11)
HEADING = ParagraphStyle("heading", CELL, fontName=BOLD, fontSize=12, leading=15)


class WrapOnceParagraph(Paragraph):
    """reportlab's Paragraph laid out once per column width, as FastParagraph and the app before it do.

    The reference for text with markup: reportlab turns a parsed paragraph's fragments into words
    as it breaks the lines, so breaking them a second time (as a Table does to draw a cell) can
    move a space in the page's text operators, though never a letter on the page."""

    _wrapped = None

    def wrap(self, available_width, available_height):
        if (self._wrapped is not None and abs(self._wrapped[0] - available_width) < 1e-9
                and hasattr(self, "blPara")):
            return self._wrapped[1]
        self._wrapped = (available_width, super().wrap(available_width, available_height))
        return self._wrapped[1]


def lines(paragraph_class, markup: str, style: ParagraphStyle, width: float):
    paragraph = paragraph_class(markup, style)
    paragraph.wrap(width, 10_000)
    laid_out = paragraph.blPara
    if laid_out.kind == 0:
        return [(round(extra, 9), [str(word) for word in words]) for extra, words in laid_out.lines]
    return [(round(line.extraSpace, 9), [word.text for word in line.words]) for line in laid_out.lines]


def pdf(paragraph_class, texts: list[str], width: float) -> bytes:
    """A document of the texts as paragraphs, and again as the cells of a table that splits across pages."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, invariant=1, initialFontName=REGULAR)
    table = Table([[paragraph_class(text, CELL), paragraph_class(text, HEADING)] for text in texts],
                  colWidths=[width, width], splitInRow=1)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    try:
        document.build([*(paragraph_class(text, CELL) for text in texts), table])
    except LayoutError:  # a cell taller than a page that even splitting cannot place: both must say so
        return b"LayoutError"
    return buffer.getvalue()


def test_every_bundled_checklist_text_breaks_into_the_same_lines(bundled):
    texts = set()
    for checklist in bundled.values():
        for item in checklist.items:
            texts.update(value for value in vars(item).values() if isinstance(value, str))
    assert len(texts) > 100
    for text in sorted(texts):
        for width in (120.0, 233.5, 400.0):
            assert lines(FastParagraph, escape(text), CELL, width) == lines(Paragraph, escape(text), CELL, width), text


def test_the_largest_confirmation_is_the_same_file_as_with_reportlabs_paragraph(bundled, monkeypatch):
    confirmation = confirm(max(bundled.values(), key=lambda c: len(c.items)), "Nguyễn Thị Minh Khai",
                           action="Untag the photos <of> me & my class")
    made = datetime(2026, 11, 20, 14, 5, tzinfo=timezone.utc)
    fast = build_pdf(confirmation, fingerprint="AB:CD", handwriting=SIGNATURE, created_at=made)
    monkeypatch.setattr(app.pdf.layout, "Paragraph", Paragraph)
    reference = build_pdf(confirmation, fingerprint="AB:CD", handwriting=SIGNATURE, created_at=made)
    assert fast.data == reference.data and fast.signature_box == reference.signature_box


def test_markup_is_still_parsed():
    assert lines(FastParagraph, "Signed by <b>Siân</b> &amp; co", CELL, 300) == \
        lines(Paragraph, "Signed by <b>Siân</b> &amp; co", CELL, 300)
    assert [f.fontName for f in FastParagraph("a <b>b</b>", CELL).frags] == [REGULAR, BOLD]


LETTERS = "abcdefghijklmnopqrstuvwxyzŵŷâêîôûéèçñøåßœłđNHGYTŁ0123456789'\"‘’“”–—-.,;:!?()/@#%"
plain_words = st.text(alphabet=LETTERS, min_size=1, max_size=14)
long_words = st.text(alphabet="abcdefghij", min_size=30, max_size=90)  # wider than a narrow line: split
odd_words = st.sampled_from(["&", "<b>", "a<b", "\xa0", "a\xadb", "\t", "\n", "\r\n", "\x0c", "  "])
plain_texts = st.lists(st.one_of(plain_words, long_words), max_size=40).map(" ".join)
mixed_texts = st.lists(st.one_of(plain_words, plain_words, long_words, odd_words), max_size=40).map(" ".join)
texts = st.one_of(plain_texts, mixed_texts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, st.floats(min_value=25, max_value=450))
def test_any_text_breaks_into_the_same_lines(text, width):
    markup = escape(text)
    assert lines(FastParagraph, markup, CELL, width) == lines(Paragraph, markup, CELL, width)
    assert lines(FastParagraph, markup, HEADING, width) == lines(Paragraph, markup, HEADING, width)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(texts, min_size=1, max_size=25), st.floats(min_value=40, max_value=250))
def test_any_text_makes_the_same_pdf(some_texts, width):
    markups = [escape(text) for text in some_texts]
    assert pdf(FastParagraph, markups, width) == pdf(WrapOnceParagraph, markups, width)


@pytest.mark.parametrize("markup", ["", "   ", "\n\n", "one", "x" * 500])
def test_edge_cases_make_the_same_pdf(markup):
    made = pdf(FastParagraph, [markup], 100)
    assert made == pdf(Paragraph, [markup], 100) == pdf(WrapOnceParagraph, [markup], 100)
