"""Pieces of the page reportlab has no ready-made flowable for."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.platypus.paraparser import ParaFrag

Strokes = Sequence[Sequence[tuple[float, float]]]


class HandwritingBox(Flowable):
    """A drawn signature as vector lines: points 0..1 from the top left, stretched to the box."""

    def __init__(self, strokes: Strokes, width: float, height: float, *, ink: Color, border: Color,
                 padding: float = 4, line_width: float = 1.2):
        super().__init__()
        self.strokes = [_clean_stroke(s) for s in strokes]
        self.width, self.height = width, height
        self.ink, self.border, self.padding, self.line_width = ink, border, padding, line_width

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(self.border)
        canvas.setLineWidth(0.5)
        canvas.rect(0, 0, self.width, self.height)
        canvas.setStrokeColor(self.ink)
        canvas.setFillColor(self.ink)
        canvas.setLineWidth(self.line_width)
        canvas.setLineCap(1)  # round, so a tap shows as a dot
        canvas.setLineJoin(1)
        inner_w, inner_h = self.width - 2 * self.padding, self.height - 2 * self.padding
        for stroke in self.strokes:
            if not stroke:
                continue
            points = [(self.padding + x * inner_w, self.padding + (1 - y) * inner_h) for x, y in stroke]
            if len(points) == 1:
                x, y = points[0]
                canvas.circle(x, y, self.line_width / 2, stroke=0, fill=1)
                continue
            path = canvas.beginPath()
            path.moveTo(*points[0])
            for point in points[1:]:
                path.lineTo(*point)
            canvas.drawPath(path, stroke=1, fill=0)
        canvas.restoreState()


def _clean_stroke(stroke: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    # A pad can report points a little outside itself, or none at all for a glitch.
    return [(min(max(float(x), 0.0), 1.0), min(max(float(y), 0.0), 1.0))
            for x, y in stroke if math.isfinite(x) and math.isfinite(y)]


class ReservedArea(Flowable):
    """Empty space kept for something drawn later (the signature stamp); reports where it landed."""

    def __init__(self, width: float, height: float,
                 on_placed: Callable[[int, tuple[float, float, float, float]], None]):
        super().__init__()
        self.width, self.height = width, height
        self.hAlign = "LEFT"
        self._on_placed = on_placed

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, 0)
        self._on_placed(self.canv.getPageNumber() - 1, (x, y, x + self.width, y + self.height))


class PageCountingCanvas(Canvas):
    """Holds every page back until the end, so each can say "Page x of y"."""

    def __init__(self, *args, decorate_page: Callable[[Canvas, int, int], None], **kwargs):
        super().__init__(*args, **kwargs)
        self._decorate_page = decorate_page
        self._held_pages: list[dict] = []

    def showPage(self) -> None:
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held_pages)
        for number, state in enumerate(self._held_pages, start=1):
            self.__dict__.update(state)
            self._decorate_page(self, number, total)
            super().showPage()
        super().save()


class FastParagraph(Paragraph):
    """A Paragraph that draws exactly as reportlab's does, for less work.

    Plain text (no tags or entities) skips the markup parser: it would give one fragment in the
    style's font, which is cloned instead. Such one-font text is broken into lines with remembered
    word widths, the way reportlab's simple case breaks it; anything that case does not cover (a
    word wider than the line, soft hyphens, no-break spaces, hyphenation, bullets) goes to
    reportlab. And the lines are laid out once per width: a Table wraps every cell again to draw
    it. tests/test_pdf_paragraphs.py compares lines and whole PDFs with reportlab's own."""

    _wrapped: tuple[float, tuple[float, float]] | None = None  # width asked, size given

    def __init__(self, text, style=None, bulletText=None, frags=None, caseSensitive=1, encoding="utf8"):
        plain = None
        if style is not None and not style.textTransform and bulletText is None and frags is None:
            plain = _plain_text(text)
        if plain is None:
            super().__init__(text, style, bulletText, frags, caseSensitive, encoding)
        else:
            plain = cleanBlockQuotedText(plain)  # what the parser is given: lines joined, ends trimmed
            template = _plain_fragment(style)  # a copy of its lists too (links, underlines): none shared
            lists = {name: list(value) for name, value in vars(template).items() if isinstance(value, list)}
            super().__init__(plain, style, frags=[template.clone(text=plain, **lists)], encoding=encoding)

    def wrap(self, available_width, available_height):
        # A Table works a column's width out twice, a rounding error apart (1e-14 pt); split()
        # drops blPara when it gives up, and then the lines are laid out again.
        if (self._wrapped is not None and abs(self._wrapped[0] - available_width) < 1e-9
                and hasattr(self, "blPara")):
            return self._wrapped[1]
        size = super().wrap(available_width, available_height)  # the lines depend on the width alone
        self._wrapped = (available_width, size)
        return size

    def breakLines(self, width):
        return _simple_lines(self, width) or super().breakLines(width)


def _plain_text(markup: str) -> str | None:
    """The text `markup` stands for when it is plain text, else None: tags and entities (even
    &amp;, which the parser turns into fragments of their own) and the characters reportlab breaks
    lines at specially go to the parser."""
    if "<" in markup or ">" in markup or "&" in markup or "\xa0" in markup or "\xad" in markup:
        return None
    return markup


_fragments: dict[tuple, ParaFrag] = {}


def _plain_fragment(style: ParagraphStyle) -> ParaFrag:
    # The fragment's fields come from the style's font, size and colour alone.
    key = (style.fontName, style.fontSize, type(style.textColor), style.textColor)
    fragment = _fragments.get(key)
    if fragment is None:
        fragment = _fragments[key] = Paragraph("x", style).frags[0]
    return fragment


_widths: dict[tuple[str, float], dict[str, float]] = {}
_WORDS_KEPT = 20_000  # per font and size: a whole school's checklists are a few thousand words


def _word_widths(font_name: str, font_size: float) -> dict[str, float]:
    widths = _widths.get((font_name, font_size))
    if widths is None or len(widths) > _WORDS_KEPT:
        widths = _widths[(font_name, font_size)] = {}
    return widths


def _simple_lines(paragraph: Paragraph, width):
    """reportlab's line breaking for one plain fragment (Paragraph.breakLines, kind 0), or None
    for anything beyond it."""
    style = paragraph.style
    frags = paragraph.frags
    if (len(frags) != 1 or not hasattr(frags[0], "text") or hasattr(frags[0], "cbDefn")
            or hasattr(frags[0], "backColor") or paragraph.bulletText or style.endDots or style.wordWrap
            or style.shaping or style.hyphenationLang or style.uriWasteReduce or style.embeddedHyphenation
            or not style.splitLongWords):
        return None
    fragment = frags[0]
    words = fragment.text.split()
    if not words or "\xa0" in fragment.text or "\xad" in fragment.text:
        return None
    font_name, font_size = fragment.fontName, fragment.fontSize
    widths = _word_widths(font_name, font_size)

    def width_of(word: str) -> float:
        found = widths.get(word)
        if found is None:
            found = widths[word] = stringWidth(word, font_name, font_size, paragraph.encoding)
        return found

    max_widths = list(width) if isinstance(width, (tuple, list)) else [width]
    last = len(max_widths) - 1
    space = width_of(" ")
    shrink = style.spaceShrinkage * space
    lines: list[tuple[float, list[str]]] = []
    line: list[str] = []
    line_width, line_number, widest = -space, 0, 0.0
    max_width = max_widths[0]
    for word in words:
        word_width = width_of(word)
        new_width = line_width + space + word_width
        if new_width > max_width + shrink * len(line):
            if word_width > max_widths[min(line_number, last)]:
                return None  # a word wider than a line: reportlab splits it
            if line:
                lines.append((max_width - line_width, line))
                widest = max(widest, line_width)
                line, new_width = [], word_width
                line_number += 1
                max_width = max_widths[min(line_number, last)]
        line.append(word)
        line_width = new_width
    lines.append((max_width - line_width, line))
    paragraph._width_max = max(widest, line_width)
    paragraph._splitLongWordCount = paragraph._hyphenations = 0
    ascent, descent = getAscentDescent(font_name, font_size)
    return fragment.clone(kind=0, lines=lines, ascent=ascent, descent=descent, fontSize=font_size)
