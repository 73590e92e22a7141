"""Everything at a glance: answers, actions with their dates, and what still blocks signing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout, QHeaderView, QLabel, QPushButton, QScrollArea, QTreeWidget, QTreeWidgetItem,
    QVBoxLayout, QWidget,
)

from app.core.audit import KNOWLEDGE_CHECK, Audit, Blocker, Status, applicable_sections, knowledge_result
from app.core.checklist import Checklist
from app.ui.style import clear_layout, heading, name_scroll_bars
from app.ui.text import describe_answer, long_date

ITEM_ROLE = Qt.ItemDataRole.UserRole


class ReviewPage(QWidget):
    """Shows the review; emits item_requested to go back to an item."""

    item_requested = Signal(str)
    details_requested = Signal()
    back_requested = Signal()
    sign_requested = Signal()
    open_folder_requested = Signal(str)
    knowledge_check_requested = Signal()
    calendar_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = heading(self.tr("Review your answers"), 1)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)

        self.blockers_title = heading("", 2)
        self.blockers_box = QWidget()
        self.blockers_layout = QVBoxLayout(self.blockers_box)
        self.blockers_layout.setContentsMargins(0, 0, 0, 0)
        self.ready_label = QLabel()
        self.ready_label.setWordWrap(True)
        self.sign_button = QPushButton(self.tr("&Sign and export PDF\u2026"))
        self.sign_button.setAccessibleName(self.tr("Sign your confirmation and save the PDF for HR"))
        self.sign_button.clicked.connect(self.sign_requested)
        self.sign_button.hide()
        self.open_folder_button = QPushButton(self.tr("&Open the folder"))
        self.open_folder_button.setAccessibleName(self.tr("Open the folder holding the signed PDF"))
        self.open_folder_button.clicked.connect(lambda: self.open_folder_requested.emit(self._saved_folder))
        self.open_folder_button.hide()
        self._saved_folder = ""
        self.calendar_button = QPushButton(self.tr("Export actions to ca&lendar\u2026"))
        self.calendar_button.setAccessibleName(self.tr("Export your actions with dates to a calendar file"))
        self.calendar_button.clicked.connect(self.calendar_requested)
        self.calendar_button.hide()
        self.send_to = ""  # where HR wants the PDF, from the school configuration

        self.answers_tree = QTreeWidget()
        self.answers_tree.setColumnCount(2)
        self.answers_tree.setHeaderLabels([self.tr("Check"), self.tr("Your answer")])
        self.answers_tree.setAccessibleName(self.tr("All your answers"))
        self.answers_tree.setWordWrap(True)
        self.answers_tree.setUniformRowHeights(False)
        self.answers_tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.answers_tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.answers_tree.itemActivated.connect(self._on_answers_tree_item_activated)
        self.answers_tree.setMinimumHeight(220)

        self.back_button = QPushButton(self.tr("\u2190 Back to the &audit"))
        self.back_button.setAccessibleName(self.tr("Back to the audit"))
        self.back_button.clicked.connect(self.back_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.calendar_button)
        buttons.addWidget(self.open_folder_button)
        buttons.addWidget(self.sign_button)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.title)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.blockers_title)
        layout.addWidget(self.blockers_box)
        layout.addWidget(self.ready_label)
        layout.addWidget(heading(self.tr("Your answers"), 2))
        layout.addWidget(self.answers_tree, 1)
        layout.addLayout(buttons)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setAccessibleName(self.tr("Review your answers"))
        name_scroll_bars(scroll, self.tr("the review"))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def show_review(self, checklist: Checklist, audit: Audit, blockers: list[Blocker], read_only: bool,
                    exports: list | None = None) -> None:
        sections = applicable_sections(checklist, audit.profile)
        answers = [audit.answer(i.id) for _, items in sections for i in items]
        counts = {s: sum(a.status is s and a.is_answered for a in answers) for s in Status}
        summary = self.tr(
            "{name}, {school}, {cycle}. {done} done, {action} needing action, {na} not applicable, "
            "{open} not answered yet."
        ).format(name=audit.person.name or self.tr("(no name yet)"), school=checklist.school, cycle=audit.cycle,
                 done=counts[Status.DONE], action=counts[Status.ACTION], na=counts[Status.NOT_APPLICABLE],
                 open=sum(not a.is_answered for a in answers))
        to_confirm = sum(a.to_confirm for a in answers)
        if to_confirm:
            summary += " " + self.tr("Of those, {n} are last year's answers waiting for you to confirm them.").format(
                n=to_confirm)
        result = knowledge_result(checklist, audit)
        if result is not None:
            summary += " " + self.tr("Knowledge check: {score} of {total} right.").format(
                score=result.score, total=result.out_of)
        self.summary_label.setText(summary)
        self.calendar_button.setVisible(any(a.status is Status.ACTION and a.due for a in answers))
        self._show_blockers(blockers, read_only)
        self._show_signing(blockers, read_only, exports or [])
        self._show_answers(sections, audit)

    def _show_blockers(self, blockers: list[Blocker], read_only: bool) -> None:
        clear_layout(self.blockers_layout)
        self.blockers_title.setVisible(bool(blockers))
        self.blockers_box.setVisible(bool(blockers))
        self.blockers_title.setText(self.tr("Still to finish before you can sign: %d") % len(blockers))
        for blocker in blockers:
            link = QPushButton(blocker.message)
            link.setFlat(True)
            link.setStyleSheet("text-align: left; text-decoration: underline;")
            link.setAccessibleName(self.tr("Go to: %s") % blocker.message)
            if blocker.item_id:
                link.clicked.connect(lambda _=False, item=blocker.item_id: self.item_requested.emit(item))
            elif blocker.target == KNOWLEDGE_CHECK:
                link.clicked.connect(self.knowledge_check_requested)
            else:
                link.clicked.connect(self.details_requested)
            self.blockers_layout.addWidget(link)
        if read_only:
            self.ready_label.setText(self.tr("This audit is read-only."))
        elif blockers:
            self.ready_label.setText("")
        else:
            self.ready_label.setText(self.tr("Everything is answered. You are ready to sign your confirmation for HR."))
        self.ready_label.setVisible(bool(self.ready_label.text()))

    def _show_signing(self, blockers: list[Blocker], read_only: bool, exports: list) -> None:
        """Sign once nothing blocks; once signed, say where the PDF went and offer it again."""
        if exports:
            last = exports[-1]
            self._saved_folder = str(Path(last.pdf_path).parent) if last.pdf_path else ""
            self.ready_label.setText(self.tr(
                "Signed on {date}. Your answers are now locked. Saved as {path}\n"
                "Your signing key's fingerprint: {fingerprint}").format(
                date=long_date(last.signed_at.astimezone().date()), path=last.pdf_path,
                fingerprint=last.certificate_fingerprint))
            if self.send_to:
                self.ready_label.setText(self.ready_label.text() + "\n" + self.tr("Send it to %s.") % self.send_to)
            self.ready_label.setVisible(True)
            self.sign_button.setText(self.tr("&Export again\u2026"))
            self.sign_button.setAccessibleName(self.tr("Sign and save the PDF again"))
        else:
            self.sign_button.setText(self.tr("&Sign and export PDF\u2026"))
            self.sign_button.setAccessibleName(self.tr("Sign your confirmation and save the PDF for HR"))
        can_sign = not blockers and (not read_only or bool(exports))
        self.sign_button.setVisible(can_sign)
        self.open_folder_button.setVisible(bool(exports) and bool(self._saved_folder))

    def _show_answers(self, sections, audit: Audit) -> None:
        self.answers_tree.clear()
        for section, items in sections:
            parent = QTreeWidgetItem([section.title, ""])
            parent.setData(1, Qt.ItemDataRole.AccessibleTextRole, self.tr("{answered} of {total} answered").format(
                answered=sum(audit.answer(i.id).is_answered for i in items), total=len(items)))
            self.answers_tree.addTopLevelItem(parent)
            for item in items:
                answer = audit.answer(item.id)
                text = describe_answer(answer)
                if answer.status is Status.ACTION and answer.due:
                    text = self.tr("Needs action by %s: %s") % (long_date(answer.due), answer.action)
                if answer.to_confirm:
                    text = self.tr("Last year's answer, to confirm: %s") % text
                row = QTreeWidgetItem([item.check, text])
                row.setData(0, ITEM_ROLE, item.id)
                row.setToolTip(0, item.check)
                parent.addChild(row)
            parent.setExpanded(True)

    def _on_answers_tree_item_activated(self, row: QTreeWidgetItem, _column: int) -> None:
        item_id = row.data(0, ITEM_ROLE)
        if item_id:
            self.item_requested.emit(item_id)
