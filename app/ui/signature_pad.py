"""A signature pad: draw with a mouse, a pen or a finger; the strokes go into the PDF as lines."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QFrame, QWidget

Strokes = tuple[tuple[tuple[float, float], ...], ...]
MIN_POINT_GAP = 1.5  # pixels: fewer points, same line


class SignaturePad(QFrame):
    """Shows the strokes drawn so far; emits changed. strokes() are normalised to 0..1."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._strokes: list[list[QPointF]] = []
        self._drawing = False
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFixedSize(360, 120)  # the PDF's handwriting box is 3:1 too, so nothing is stretched
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setAccessibleName(self.tr("Signature pad"))
        self.setAccessibleDescription(self.tr(
            "Optional. Draw your signature with the mouse, a pen or your finger. Your typed name signs the PDF."))

    def strokes(self) -> Strokes:
        w, h = max(self.width(), 1), max(self.height(), 1)
        return tuple(tuple((round(p.x() / w, 4), round(p.y() / h, 4)) for p in stroke)
                     for stroke in self._strokes if len(stroke) > 1)

    def is_empty(self) -> bool:
        return not self.strokes()

    def clear(self) -> None:
        self._strokes.clear()
        self.update()
        self.changed.emit()

    # -- drawing ---------------------------------------------------------------------------

    def _begin(self, point: QPointF) -> None:
        self._drawing = True
        self._strokes.append([point])
        self.update()

    def _extend(self, point: QPointF) -> None:
        if not self._drawing or not self._strokes:
            return
        last = self._strokes[-1][-1]
        if (point - last).manhattanLength() >= MIN_POINT_GAP:
            self._strokes[-1].append(QPointF(min(max(point.x(), 0), self.width()),
                                             min(max(point.y(), 0), self.height())))
            self.update()

    def _end(self) -> None:
        if self._drawing:
            self._drawing = False
            self.changed.emit()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position())

    def mouseMoveEvent(self, event) -> None:
        self._extend(event.position())

    def mouseReleaseEvent(self, event) -> None:
        self._end()

    def tabletEvent(self, event) -> None:
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._begin(event.position())
        elif kind == QEvent.Type.TabletMove:
            self._extend(event.position())
        elif kind == QEvent.Type.TabletRelease:
            self._end()
        event.accept()

    def event(self, event) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd):
            points = event.points()
            if points:
                position = points[0].position()
                if kind == QEvent.Type.TouchBegin:
                    self._begin(position)
                elif kind == QEvent.Type.TouchUpdate:
                    self._extend(position)
                else:
                    self._end()
            event.accept()
            return True
        return super().event(event)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not self._strokes:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("Sign here (optional)"))
            return
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Text), 2.2, Qt.PenStyle.SolidLine,
                            Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        for stroke in self._strokes:
            path = QPainterPath(stroke[0])
            for point in stroke[1:]:
                path.lineTo(point)
            if len(stroke) == 1:
                painter.drawPoint(stroke[0])
            else:
                painter.drawPath(path)
