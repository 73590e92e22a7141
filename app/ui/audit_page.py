"""The guided audit: sections down the side, one item in focus, Back and Next, overall progress."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout, QListWidget, QListWidgetItem, QProgressBar, QPushButton, QScrollArea,
    QSplitter, QVBoxLayout, QWidget,
)

from app.core.audit import SectionProgress
from app.ui.item_widget import ItemWidget
from app.ui.qt_property import set_property_by_key
from app.ui.style import name_scroll_bars

# Item data roles are plain ints in Qt's API; these two spare this page the Qt namespace.
SECTION_ROLE = 256  # Qt.ItemDataRole.UserRole
ACCESSIBLE_TEXT_ROLE = 11  # Qt.ItemDataRole.AccessibleTextRole


class SectionListWidget(QListWidget):
    """Each section with its progress; activating one asks to go there."""

    section_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(self.tr("Sections"))
        self.setAccessibleDescription(self.tr("Choose a section to jump to it"))
        self.setWordWrap(True)
        set_property_by_key(self, "horizontalScrollBarPolicy", "ScrollBarAlwaysOff")  # rows wrap instead
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.itemActivated.connect(self._on_item_activated)
        self.itemClicked.connect(self._on_item_activated)

    def show_progress(self, progress: list[SectionProgress], current_section_id: str | None,
                      changed: frozenset[str] = frozenset()) -> None:
        """`changed`: sections holding checks that are new or changed since the person last signed."""
        # Rows are updated in place: this runs inside the list's own click signal, and deleting
        # the clicked row there would pull it from under Qt.
        self.blockSignals(True)
        ids = [entry.section.id for entry in progress]
        if [self.item(n).data(SECTION_ROLE) for n in range(self.count())] != ids:
            self.clear()
            for section_id in ids:
                row = QListWidgetItem()
                row.setData(SECTION_ROLE, section_id)
                self.addItem(row)
        for n, entry in enumerate(progress):
            row = self.item(n)
            mark = "\u2713 " if entry.complete else ""
            title = entry.section.title
            if entry.section.id in changed:
                title = self.tr("%s (new or changed)") % title
            row.setText(self.tr("%s%s\n%d of %d answered") % (mark, title, entry.answered, entry.total))
            row.setData(ACCESSIBLE_TEXT_ROLE, self.tr("%s, %d of %d answered") % (title, entry.answered, entry.total))
            if entry.section.id == current_section_id:
                self.setCurrentItem(row)
        self.blockSignals(False)

    def _on_item_activated(self, row: QListWidgetItem) -> None:
        self.section_requested.emit(row.data(SECTION_ROLE))


class AuditPage(QWidget):
    """Shows where the person is; emits their intents (next, back, jump, review, answer)."""

    next_requested = Signal()
    back_requested = Signal()
    review_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.sections = SectionListWidget()
        self.item_widget = ItemWidget()
        self.progress_bar = QProgressBar()
        self.progress_bar.setAccessibleName(self.tr("Overall progress"))
        self.progress_bar.setFormat(self.tr("%v of %m answered"))

        self.back_button = QPushButton(self.tr("\u2190 &Back"))
        self.back_button.setAccessibleName(self.tr("Back to the previous item"))
        self.next_button = QPushButton(self.tr("&Next \u2192"))
        self.next_button.setAccessibleName(self.tr("Next item"))
        self.next_button.setAccessibleDescription(self.tr("Enter also goes to the next item"))
        self.review_button = QPushButton(self.tr("Re&view all"))
        self.review_button.setAccessibleName(self.tr("Review all answers"))
        self.back_button.clicked.connect(self.back_requested)
        self.next_button.clicked.connect(self.next_requested)
        self.review_button.clicked.connect(self.review_requested)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.item_widget)
        set_property_by_key(self.scroll, "focusPolicy", "NoFocus")
        name_scroll_bars(self.scroll, self.tr("the item"))

        nav = QHBoxLayout()
        nav.addWidget(self.back_button)
        nav.addWidget(self.progress_bar, 1)
        nav.addWidget(self.review_button)
        nav.addWidget(self.next_button)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.scroll, 1)
        right_layout.addLayout(nav)

        splitter = QSplitter()
        splitter.addWidget(self.sections)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([230, 800])
        splitter.setChildrenCollapsible(False)
        splitter.setAccessibleName(self.tr("Sections and the current item"))
        splitter.handle(1).setAccessibleName(self.tr("Resize the sections list"))
        self.sections.setMinimumWidth(170)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        # Enter goes to the next item, except where Enter means something else (a note's new line,
        # a pressed button, an open date popup): those widgets take the key first.
        for key in ("Return", "Enter"):
            shortcut = QShortcut(QKeySequence(key), self)
            set_property_by_key(shortcut, "context", "WidgetWithChildrenShortcut")
            shortcut.activated.connect(self._on_enter_shortcut_activated)
        QWidget.setTabOrder(self.sections, self.item_widget.done_radio)

    def show_position(self, progress: list[SectionProgress], current_section_id: str | None,
                      answered: int, total: int, is_first: bool, is_last: bool,
                      changed_sections: frozenset[str] = frozenset()) -> None:
        self.sections.show_progress(progress, current_section_id, changed_sections)
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(answered)
        self.progress_bar.setAccessibleDescription(self.tr("%d of %d items answered") % (answered, total))
        self.back_button.setEnabled(not is_first)
        self.next_button.setText(self.tr("&Review \u2192") if is_last else self.tr("&Next \u2192"))
        self.next_button.setAccessibleName(self.tr("Review all answers") if is_last else self.tr("Next item"))
        self.scroll.verticalScrollBar().setValue(0)

    def _on_enter_shortcut_activated(self) -> None:
        focused = self.focusWidget()
        if isinstance(focused, QPushButton) and focused is not self.next_button:
            focused.click()
            return
        self.next_button.click()
