"""Look and feel: the system's palette and font, a little calm spacing, larger headings."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QScrollArea, QWidget

from app.ui.qt_property import set_property_by_key

# Colours come from the palette so light and dark system themes both work.
STYLE_SHEET = """
QLabel#errorText, QLabel#bannerText, QLabel#strongText { font-weight: 600; }
QFrame#banner { border: 1px solid palette(mid); border-radius: 6px; background: palette(alternate-base); }
QLabel#hintText, QLabel#quietText { color: palette(placeholder-text); }
QLabel#quoteText { font-style: italic; padding-left: 10px; border-left: 3px solid palette(mid); }
QGroupBox { font-weight: 600; margin-top: 8px; }
QListWidget::item { padding: 5px 0px; }
QGroupBox QLabel, QGroupBox QCheckBox, QGroupBox QRadioButton { font-weight: normal; }
"""


def heading(text: str, level: int = 1) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * {1: 1.6, 2: 1.3, 3: 1.1}.get(level, 1.0))
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def make_selectable(*labels: QLabel) -> None:
    """Text a person can select with the mouse and copy. The first selectable label builds Qt's
    text-editing machinery (some 12 ms) and each costs its own text document, so the window
    makes its labels selectable just after its first paint, not on the way to it."""
    for label in labels:
        set_property_by_key(label, "textInteractionFlags", "TextSelectableByMouse")


def clear_layout(layout) -> None:
    """Remove and delete a layout's widgets, hidden at once so old and new never overlap."""
    while layout.count():
        widget = layout.takeAt(0).widget()
        if widget is not None:
            widget.hide()
            widget.deleteLater()


PAGE_WIDTH = 860  # a reading page's body at most: wider lines are hard to follow


def page_scroll_area(body: QWidget, name: str, scrolls: str, focusable: bool = False) -> QScrollArea:
    """A reading page's body (home, the brief, the knowledge check) in a frameless scroll area,
    centred, no wider than PAGE_WIDTH, named for screen readers with its scroll bars."""
    body.setMaximumWidth(PAGE_WIDTH)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setWidget(body)
    set_property_by_key(scroll, "alignment", "AlignHCenter|AlignTop")  # no Qt namespace: home may be the first page
    if not focusable:
        set_property_by_key(scroll, "focusPolicy", "NoFocus")
    scroll.setAccessibleName(name)
    name_scroll_bars(scroll, scrolls)
    return scroll


def name_scroll_bars(area, what: str) -> None:
    """Screen readers announce scroll bars: say what each one scrolls."""
    area.verticalScrollBar().setAccessibleName(QCoreApplication.translate("style", "Scroll %s") % what)
    area.horizontalScrollBar().setAccessibleName(QCoreApplication.translate("style", "Scroll %s sideways") % what)
