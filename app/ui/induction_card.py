"""For a new starter, before each section: why it matters, and what the policy says in its own words."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from app.core.checklist import Section
from app.ui.style import heading, name_scroll_bars


class InductionCardPage(QWidget):
    """Shows one section's induction card; emits continue_requested or brief_requested."""

    continue_requested = Signal()
    brief_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.place_label = QLabel()
        self.place_label.setObjectName("quietText")
        self.title = heading("", 1)
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)

        why_box = QGroupBox(self.tr("Why it matters"))
        self.why_label = QLabel()
        self.why_label.setWordWrap(True)
        QVBoxLayout(why_box).addWidget(self.why_label)

        policy_box = QGroupBox(self.tr("What your school's policy says"))
        self.quote_label = QLabel()
        self.quote_label.setWordWrap(True)
        self.quote_label.setObjectName("quoteText")
        self.quote_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.clause_label = QLabel()
        self.clause_label.setObjectName("quietText")
        policy_layout = QVBoxLayout(policy_box)
        policy_layout.addWidget(self.quote_label)
        policy_layout.addWidget(self.clause_label)

        self.brief_button = QPushButton(self.tr("The policy in &brief"))
        self.brief_button.setAccessibleName(self.tr("Read the policy in brief"))
        self.brief_button.clicked.connect(self.brief_requested)
        self.continue_button = QPushButton(self.tr("&Continue \u2192"))
        self.continue_button.setAccessibleName(self.tr("Continue to the checks"))
        self.continue_button.setDefault(True)
        self.continue_button.clicked.connect(self.continue_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.brief_button)
        buttons.addStretch(1)
        buttons.addWidget(self.continue_button)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.place_label)
        layout.addWidget(self.title)
        layout.addWidget(self.intro_label)
        layout.addWidget(why_box)
        layout.addWidget(policy_box)
        layout.addStretch(1)
        body.setMaximumWidth(820)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        scroll.setAccessibleName(self.tr("Before this section"))
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        name_scroll_bars(scroll, self.tr("the card"))
        outer = QVBoxLayout(self)
        outer.addWidget(scroll, 1)
        outer.addLayout(buttons)

    def show_card(self, section: Section, number: int, count: int) -> None:
        card = section.card
        self.place_label.setText(self.tr("New to the school \u00b7 section {n} of {count}").format(
            n=number, count=count))
        self.title.setText(section.title)
        self.intro_label.setText(section.intro)
        self.intro_label.setVisible(bool(section.intro))
        self.why_label.setText(card.text if card else "")
        self.quote_label.setText(f"\u201c{card.quote}\u201d" if card else "")
        self.clause_label.setText(self.tr("Your school's policy, %s") % card.clause if card else "")
        self.setAccessibleName(self.tr("Before the section %s") % section.title)
