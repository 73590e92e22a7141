"""The policy in brief: a page a new starter can come back to from the menu or any induction card."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.checklist import Checklist
from app.ui.style import clear_layout, heading, page_scroll_area


class PolicyBriefPage(QWidget):
    """Shows a checklist's policy in brief; emits back_requested."""

    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = heading(self.tr("The policy in brief"), 1)
        self.source_label = QLabel()
        self.source_label.setObjectName("quietText")
        self.source_label.setWordWrap(True)
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        self.points_box = QWidget()
        self.points_layout = QVBoxLayout(self.points_box)
        self.points_layout.setContentsMargins(0, 0, 0, 0)

        self.back_button = QPushButton(self.tr("\u2190 &Back"))
        self.back_button.setAccessibleName(self.tr("Back to where you were"))
        self.back_button.clicked.connect(self.back_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.title)
        layout.addWidget(self.source_label)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.points_box)
        layout.addStretch(1)
        # Focusable, as it always was: the brief is all reading, scrolled with the arrow keys.
        scroll = page_scroll_area(body, self.tr("The policy in brief"), self.tr("the policy in brief"), focusable=True)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll, 1)
        outer.addLayout(buttons)

    def show_brief(self, checklist: Checklist) -> None:
        self.source_label.setText(self.tr("{school}: {policy}").format(school=checklist.school,
                                                                       policy=checklist.policy.title))
        self.intro_label.setText(checklist.brief_intro)
        self.intro_label.setVisible(bool(checklist.brief_intro))
        clear_layout(self.points_layout)
        for title, point in checklist.policy_in_brief():
            box = QGroupBox(title)
            box.setAccessibleName(title or self.tr("A point of the policy"))
            text = QLabel(point.text)
            text.setWordWrap(True)
            quote = QLabel(f"\u201c{point.quote}\u201d")
            quote.setWordWrap(True)
            quote.setObjectName("quoteText")
            quote.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            clause = QLabel(self.tr("Your school's policy, %s") % point.clause)
            clause.setObjectName("quietText")
            clause.setWordWrap(True)
            box_layout = QVBoxLayout(box)
            for label in (text, quote, clause):
                box_layout.addWidget(label)
            self.points_layout.addWidget(box)
