"""A new starter's short knowledge check, before the review: a wrong answer shows the policy's words.

Each question takes one answer, the first: it is recorded as given, so the score says what the
person knew, and the policy's words are there to learn from.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup, QGroupBox, QHBoxLayout, QLabel, QPushButton, QRadioButton, QVBoxLayout, QWidget,
)

from app.core.checklist import Checklist, KnowledgeQuestion
from app.ui.style import clear_layout, heading, page_scroll_area


class KnowledgeQuestionWidget(QGroupBox):
    """One question: its options, then whether the answer was right and, if not, the clause."""

    option_chosen = Signal(str, int)  # question id, option index

    def __init__(self, number: int, question: KnowledgeQuestion, parent: QWidget | None = None):
        super().__init__(self.tr("Question %d") % number, parent)
        self.question = question
        self._showing = False  # True while the answer so far is put on screen: that is no choice
        self.setAccessibleName(self.tr("Question {n}: {question}").format(n=number, question=question.question))
        text = QLabel(question.question)
        text.setWordWrap(True)
        self.group = QButtonGroup(self)
        self.options: list[QRadioButton] = []
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        for index, option in enumerate(question.options):
            radio = QRadioButton(option.replace("&", "&&"))
            radio.setAccessibleName(option)
            self.group.addButton(radio, index)
            self.options.append(radio)
            layout.addWidget(radio)
        self.feedback_label = QLabel()
        self.feedback_label.setWordWrap(True)
        self.feedback_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.feedback_label.hide()
        layout.addWidget(self.feedback_label)
        # Toggled, not clicked: a screen reader's toggle action (AT-SPI) checks a radio without a click.
        self.group.idToggled.connect(self._on_group_id_toggled)

    def show_answer(self, chosen: int | None, read_only: bool) -> None:
        answered = chosen is not None
        self._showing = True
        try:
            for index, radio in enumerate(self.options):
                radio.setChecked(index == chosen)
                radio.setEnabled(not answered and not read_only)
        finally:
            self._showing = False
        self.feedback_label.setVisible(answered)
        if not answered:
            return
        q = self.question
        # In words and a mark, never colour alone; a screen reader gets the words without the mark.
        if chosen == q.correct:
            mark, words = "\u2713", self.tr("Right. The policy says: \u201c{quote}\u201d ({clause})").format(
                quote=q.quote, clause=q.clause)
        else:
            mark, words = "\u2717", self.tr(
                "Not quite: the answer is \u201c{right}\u201d. The policy says, in {clause}: "
                "\u201c{quote}\u201d").format(right=q.options[q.correct], clause=q.clause, quote=q.quote)
        self.feedback_label.setText(f"{mark} {words}")
        self.feedback_label.setAccessibleName(words)

    def _on_group_id_toggled(self, index: int, checked: bool) -> None:
        if checked and not self._showing:
            self.option_chosen.emit(self.question.id, index)


class KnowledgeCheckPage(QWidget):
    """Shows the knowledge check and the answers so far; emits option_chosen, review_requested, brief_requested."""

    option_chosen = Signal(str, int)
    review_requested = Signal()
    brief_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.questions: list[KnowledgeQuestionWidget] = []
        title = heading(self.tr("A short knowledge check"), 1)
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        self.questions_box = QWidget()
        self.questions_layout = QVBoxLayout(self.questions_box)
        self.questions_layout.setContentsMargins(0, 0, 0, 0)
        self.score_label = heading("", 3)
        self.score_label.hide()

        self.brief_button = QPushButton(self.tr("The policy in &brief"))
        self.brief_button.setAccessibleName(self.tr("Read the policy in brief"))
        self.brief_button.clicked.connect(self.brief_requested)
        self.review_button = QPushButton(self.tr("Re&view my answers \u2192"))
        self.review_button.setAccessibleName(self.tr("Go on to review your answers"))
        self.review_button.clicked.connect(self.review_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.brief_button)
        buttons.addStretch(1)
        buttons.addWidget(self.review_button)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(title)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.questions_box)
        layout.addWidget(self.score_label)
        layout.addStretch(1)
        self.scroll = page_scroll_area(body, self.tr("A short knowledge check"), self.tr("the knowledge check"))
        outer = QVBoxLayout(self)
        outer.addWidget(self.scroll, 1)
        outer.addLayout(buttons)

    def show_check(self, checklist: Checklist, answers: Mapping[str, int], read_only: bool) -> None:
        questions = checklist.knowledge_check
        self.intro_label.setText(self.tr(
            "{n} questions about your school's social media policy. Choose one answer for each: it is kept as "
            "you give it, and if it is not right you will see what the policy says.").format(n=len(questions)))
        if [w.question for w in self.questions] != list(questions):
            clear_layout(self.questions_layout)
            self.questions = []
            for number, question in enumerate(questions, 1):
                widget = KnowledgeQuestionWidget(number, question)
                widget.option_chosen.connect(self.option_chosen)
                self.questions.append(widget)
                self.questions_layout.addWidget(widget)
        for widget in self.questions:
            widget.show_answer(answers.get(widget.question.id), read_only)
        done = all(q.id in answers for q in questions)
        score = sum(answers.get(q.id) == q.correct for q in questions)
        self.score_label.setVisible(done)
        self.score_label.setText(self.tr("You got {score} of {total} right.").format(score=score, total=len(questions)))
        self.score_label.setAccessibleName(self.score_label.text())

    def focus_first_open_question(self) -> None:
        for widget in self.questions:
            if widget.options and widget.options[0].isEnabled():
                widget.options[0].setFocus()
                self.scroll.ensureWidgetVisible(widget)
                return
        self.review_button.setFocus()
