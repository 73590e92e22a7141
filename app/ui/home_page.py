"""Home: this cycle's audit and when it is due, overdue actions, last cycle's audit, what changed."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.cycle_status import CycleState, CycleStatus, OverdueAction
from app.store.repository import AuditSummary
from app.ui.style import clear_layout, heading, page_scroll_area
from app.ui.text import long_date


class HomePage(QWidget):
    """Shows where the person stands this cycle; emits what they choose to do next."""

    start_requested = Signal(bool)  # True: start from last cycle's answers
    continue_requested = Signal()
    open_earlier_requested = Signal(int)  # an audit id

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._last_id: int | None = None
        self.title = heading(self.tr("Your social media self-audit"), 1)
        self.school_label = QLabel()
        self.school_label.setObjectName("quietText")
        self.changed_label = QLabel()
        self.changed_label.setObjectName("bannerText")
        self.changed_label.setWordWrap(True)
        self.changed_label.hide()

        self.cycle_box = QGroupBox()
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.due_label = QLabel()
        self.due_label.setWordWrap(True)
        self.start_button = QPushButton(self.tr("&Start this year's audit"))
        self.start_button.setAccessibleName(self.tr("Start this year's audit"))
        self.start_button.clicked.connect(lambda: self.start_requested.emit(False))
        self.carry_button = QPushButton(self.tr("Start from &last year's answers"))
        self.carry_button.setAccessibleName(self.tr("Start from last year's answers"))
        self.carry_button.setAccessibleDescription(self.tr(
            "Each of last year's answers is filled in for you to confirm again; none counts until you do."))
        self.carry_button.clicked.connect(lambda: self.start_requested.emit(True))
        self.continue_button = QPushButton(self.tr("&Continue my audit"))
        self.continue_button.clicked.connect(self.continue_requested)
        cycle_buttons = QHBoxLayout()
        for button in (self.start_button, self.carry_button, self.continue_button):
            cycle_buttons.addWidget(button)
        cycle_buttons.addStretch(1)
        cycle_layout = QVBoxLayout(self.cycle_box)
        cycle_layout.addWidget(self.status_label)
        cycle_layout.addWidget(self.due_label)
        cycle_layout.addLayout(cycle_buttons)

        self.overdue_box = QGroupBox(self.tr("Overdue actions"))
        self.overdue_layout = QVBoxLayout(self.overdue_box)

        self.last_box = QGroupBox(self.tr("Last year"))
        self.last_label = QLabel()
        self.last_label.setWordWrap(True)
        self.last_button = QPushButton(self.tr("&Open last year's audit"))
        self.last_button.setAccessibleName(self.tr("Open last year's audit, read-only"))
        self.last_button.clicked.connect(lambda: self.open_earlier_requested.emit(self._last_id))
        last_layout = QHBoxLayout(self.last_box)
        last_layout.addWidget(self.last_label, 1)
        last_layout.addWidget(self.last_button)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.title)
        layout.addWidget(self.school_label)
        layout.addWidget(self.changed_label)
        layout.addWidget(self.cycle_box)
        layout.addWidget(self.overdue_box)
        layout.addWidget(self.last_box)
        layout.addStretch(1)
        scroll = page_scroll_area(body, self.tr("Home"), self.tr("the home page"))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def show_home(self, school: str, status: CycleStatus, last: AuditSummary | None, last_signed_on: date | None,
                  overdue: list[OverdueAction], policy_changed: bool, can_start_from_last: bool) -> None:
        self.school_label.setText(school)
        self.school_label.setVisible(bool(school))
        self.cycle_box.setTitle(self.tr("This year: %s") % status.cycle)
        self.status_label.setText(self._status_text(status))
        self.due_label.setText(self._due_text(status))
        self.due_label.setAccessibleName(self.due_label.text())
        started = status.state is not CycleState.NOT_STARTED
        self.start_button.setVisible(not started)
        self.carry_button.setVisible(not started and can_start_from_last)
        self.continue_button.setVisible(started)
        signed = status.state is CycleState.SIGNED
        self.continue_button.setText(self.tr("&Review my signed audit") if signed else self.tr("&Continue my audit"))
        self.continue_button.setAccessibleName(self.continue_button.text().replace("&", ""))

        self.changed_label.setVisible(policy_changed)
        self.changed_label.setText(self.tr(
            "The policy has changed since you last signed it. New and changed checks are marked in your audit."))
        self.changed_label.setAccessibleName(self.changed_label.text())

        clear_layout(self.overdue_layout)
        self.overdue_box.setVisible(bool(overdue))
        for action in overdue:
            days = (status.today - action.due).days
            label = QLabel(self.tr(
                "\u2022 {action}: was due by {due}, {days} ago, for \u201c{check}\u201d ({cycle})").format(
                action=action.action or self.tr("(no action written)"), due=long_date(action.due),
                days=self._days(days), check=action.check, cycle=action.cycle))
            label.setWordWrap(True)
            label.setAccessibleName(label.text())
            self.overdue_layout.addWidget(label)

        self._last_id = last.id if last is not None else None
        self.last_box.setVisible(last is not None)
        if last is not None:
            self.last_box.setTitle(self.tr("Last year: %s") % last.cycle)
            state = (self.tr("signed on %s") % long_date(last_signed_on) if last_signed_on else
                     self.tr("completed on %s") % long_date(last.completed_at.date()) if last.completed_at else
                     self.tr("not completed"))
            self.last_label.setText(self.tr("Your {kind} audit for {school}: {state}.").format(
                kind=self.tr("induction") if last.audit_type.value == "induction" else self.tr("annual"),
                school=last.school, state=state))

    def focus_main_button(self) -> None:
        for button in (self.carry_button, self.start_button, self.continue_button):
            if button.isVisibleTo(self):
                button.setFocus()
                return

    def _status_text(self, status: CycleStatus) -> str:
        if status.state is CycleState.NOT_STARTED:
            return self.tr("Not started yet.")
        if status.state is CycleState.SIGNED:
            return self.tr("Signed on %s. Thank you.") % long_date(status.signed_on)
        text = self.tr("In progress: {answered} of {total} checks answered.").format(
            answered=status.answered, total=status.total)
        if status.to_confirm:
            text += " " + self.tr("{n} of last year's answers are waiting for you to confirm them.").format(
                n=status.to_confirm)
        return text

    def _due_text(self, status: CycleStatus) -> str:
        due = long_date(status.due)
        if status.state is CycleState.SIGNED:
            return self.tr("It was due by %s.") % due
        if status.days_left > 0:
            return self.tr("Due by {date}: in {days}.").format(date=due, days=self._days(status.days_left))
        if status.days_left == 0:
            return self.tr("Due today, %s.") % due
        return self.tr("Overdue: it was due by {date}, {days} ago.").format(date=due, days=self._days(-status.days_left))

    def _days(self, n: int) -> str:
        return self.tr("1 day") if n == 1 else self.tr("%d days") % n
