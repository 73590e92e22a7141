"""Pieces of the page reportlab has no ready-made flowable for."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

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


class WrapOnceParagraph(Paragraph):
    """A Paragraph that lays its lines out once per width: a Table wraps every cell again to draw it."""

    _wrapped: tuple[float, tuple[float, float]] | None = None  # width asked, size given

    def wrap(self, available_width, available_height):
        if self._wrapped is not None and self._wrapped[0] == available_width:
            return self._wrapped[1]
        size = super().wrap(available_width, available_height)  # the lines depend on the width alone
        self._wrapped = (available_width, size)
        return size
