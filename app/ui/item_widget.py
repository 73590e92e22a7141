"""One checklist item in focus: the check, why, how on each platform, the answer and a private note."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup, QCheckBox, QDateEdit, QFormLayout, QFrame, QGridLayout, QGroupBox, QHBoxLayout, QLabel,
    QLineEdit, QPlainTextEdit, QPushButton, QRadioButton, QVBoxLayout, QWidget,
)

from app.core.audit import Answer, Status
from app.core.checklist import Guide, Item
from app.core.platforms import PLATFORMS
from app.ui.qt_property import set_property_by_key
from app.ui.style import clear_layout, heading, make_selectable, name_scroll_bars
from app.ui.text import describe_answer, long_date

TYPING_PAUSE_MS = 400  # save typed text once typing pauses, and at once on leaving the item
REMIND_DAYS_BEFORE = 3  # the "remind me" date first offered, before the date to do it by


class ItemWidget(QWidget):
    """Shows one item and its answer; emits answer_changed and link_requested, decides nothing."""

    answer_changed = Signal(str, object)  # item id, Answer
    link_requested = Signal(str)  # a platform's settings URL

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._item: Item | None = None
        self._loading = False
        self._to_confirm = False  # last year's answer on show, not yet confirmed
        self._typing_timer = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._typing_timer.timeout.connect(self._emit_answer)

        self.place_label = QLabel()
        self.place_label.setObjectName("quietText")
        self.check_label = heading("", 2)
        self.detail_label = QLabel()
        self.detail_label.setWordWrap(True)
        self.previous_label = QLabel()
        self.previous_label.setWordWrap(True)
        self.previous_label.setObjectName("quietText")
        self.change_label = QLabel()  # new or changed since the person last signed
        self.change_label.setObjectName("bannerText")
        self.change_label.setWordWrap(True)
        self.change_label.hide()

        # Last year's answer, carried over: it counts once the person confirms it (or changes it).
        self.confirm_box = QFrame()
        self.confirm_box.setObjectName("banner")
        self.confirm_label = QLabel(self.tr(
            "This is last year's answer, filled in for you. It does not count until you confirm it is "
            "still true, or change it."))
        self.confirm_label.setWordWrap(True)
        self.confirm_button = QPushButton(self.tr("&Keep last year's answer"))
        self.confirm_button.setAccessibleName(self.tr("Keep last year's answer: it is still true"))
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        confirm_layout = QHBoxLayout(self.confirm_box)
        confirm_layout.addWidget(self.confirm_label, 1)
        confirm_layout.addWidget(self.confirm_button)
        self.confirm_box.hide()

        self.why_box = QGroupBox(self.tr("Why: what your school's policy says"))
        self.quote_label = QLabel()
        self.quote_label.setWordWrap(True)
        self.quote_label.setObjectName("quoteText")
        self.clause_label = QLabel()
        self.clause_label.setObjectName("quietText")
        why_layout = QVBoxLayout(self.why_box)
        why_layout.addWidget(self.quote_label)
        why_layout.addWidget(self.clause_label)

        self.howto_box = QGroupBox(self.tr("How to do it on the platforms you use"))
        self.howto_layout = QVBoxLayout(self.howto_box)

        answer_box = QGroupBox(self.tr("Your answer"))
        self.done_radio = QRadioButton(self.tr("&Done: I have checked this"))
        self.action_radio = QRadioButton(self.tr("Needs a&ction: I will do it"))  # Alt+A is the Audit menu
        self.na_radio = QRadioButton(self.tr("N&ot applicable to me"))
        self._status_group = QButtonGroup(self)
        for radio, status in ((self.done_radio, Status.DONE), (self.action_radio, Status.ACTION),
                              (self.na_radio, Status.NOT_APPLICABLE)):
            radio.setAccessibleName(radio.text().replace("&", ""))
            self._status_group.addButton(radio)
            radio.setProperty("status", status.value)
        self._status_group.buttonToggled.connect(self._on_status_group_button_toggled)

        self.action_edit = QLineEdit()
        self.action_edit.setAccessibleName(self.tr("What you will do"))
        self.action_edit.setPlaceholderText(self.tr("for example: untag myself from the sports day photos"))
        self.due_edit = QDateEdit()
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setDisplayFormat("d MMMM yyyy")
        self.due_edit.setAccessibleName(self.tr("Do it by"))
        self.due_edit.setAccessibleDescription(self.tr("The date by which you will have done it"))
        self.remind_box = QCheckBox(self.tr("Re&mind me on"))
        self.remind_box.setAccessibleName(self.tr("Remind me"))
        self.remind_box.setAccessibleDescription(self.tr(
            "A date to be reminded, kept on this laptop and put in the calendar file if you export one"))
        self.remind_edit = QDateEdit()
        self.remind_edit.setCalendarPopup(True)
        self.remind_edit.setDisplayFormat("d MMMM yyyy")
        self.remind_edit.setAccessibleName(self.tr("Remind me on"))
        self.remind_edit.setAccessibleDescription(self.tr("The date on which you want to be reminded"))
        self.reason_edit = QLineEdit()
        self.reason_edit.setAccessibleName(self.tr("Why it does not apply"))
        self.reason_edit.setPlaceholderText(self.tr("for example: I do not have a profile picture"))

        self.action_form = QWidget()
        action_layout = QFormLayout(self.action_form)
        action_layout.setContentsMargins(24, 0, 0, 0)
        action_layout.addRow(self._buddy(self.tr("&What will you do?"), self.action_edit), self.action_edit)
        action_layout.addRow(self._buddy(self.tr("B&y when?"), self.due_edit), self.due_edit)
        action_layout.addRow(self.remind_box, self.remind_edit)
        self.reason_form = QWidget()
        reason_layout = QFormLayout(self.reason_form)
        reason_layout.setContentsMargins(24, 0, 0, 0)
        reason_layout.addRow(self._buddy(self.tr("W&hy not?"), self.reason_edit), self.reason_edit)

        answer_layout = QVBoxLayout(answer_box)
        answer_layout.addWidget(self.done_radio)
        answer_layout.addWidget(self.action_radio)
        answer_layout.addWidget(self.action_form)
        answer_layout.addWidget(self.na_radio)
        answer_layout.addWidget(self.reason_form)

        note_box = QGroupBox(self.tr("Private note (optional)"))
        self.note_edit = QPlainTextEdit()
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setAccessibleName(self.tr("Private note"))
        privacy = self.tr("Your note stays on this laptop. It is never put in the PDF for HR.")
        self.note_edit.setAccessibleDescription(privacy)
        name_scroll_bars(self.note_edit, self.tr("the note"))
        self.note_edit.setFixedHeight(self.note_edit.fontMetrics().lineSpacing() * 4 + 12)
        note_privacy = QLabel(privacy)
        note_privacy.setObjectName("hintText")
        note_privacy.setWordWrap(True)
        note_label = self._buddy(self.tr("No&te to yourself"), self.note_edit)
        note_layout = QVBoxLayout(note_box)
        note_layout.addWidget(note_label)
        note_layout.addWidget(self.note_edit)
        note_layout.addWidget(note_privacy)

        layout = QVBoxLayout(self)
        layout.addWidget(self.place_label)
        layout.addWidget(self.check_label)
        layout.addWidget(self.detail_label)
        layout.addWidget(self.change_label)
        layout.addWidget(self.previous_label)
        layout.addWidget(self.confirm_box)
        layout.addWidget(answer_box)
        layout.addWidget(self.why_box)
        layout.addWidget(self.howto_box)
        layout.addWidget(note_box)
        layout.addStretch(1)

        self.action_edit.textEdited.connect(self._on_text_edited)
        self.reason_edit.textEdited.connect(self._on_text_edited)
        self.note_edit.textChanged.connect(self._on_note_edit_text_changed)
        self.due_edit.dateChanged.connect(self._on_due_edit_date_changed)
        self.remind_box.toggled.connect(self._on_remind_changed)
        self.remind_edit.dateChanged.connect(self._on_remind_changed)
        self._refresh_answer_fields()

    # -- state in ----------------------------------------------------------------------

    def show_item(self, item: Item, place: str, answer: Answer, guides: list[Guide], today: date,
                  show_detail: bool, previous: Answer | None, read_only: bool, change: str = "") -> None:
        """`change`: "new" or "changed" when the item is so since the person last signed."""
        self.flush()
        self._loading = True
        self._item = item
        self._to_confirm = answer.to_confirm
        self.change_label.setVisible(bool(change))
        self.change_label.setText(self.tr("New since you last signed.") if change == "new" else
                                  self.tr("Changed since you last signed: read it again.") if change else "")
        self.change_label.setAccessibleName(self.change_label.text())
        self.place_label.setText(place)
        self.check_label.setText(item.check)
        self.detail_label.setText(item.detail)
        self.detail_label.setVisible(show_detail and bool(item.detail))
        self.quote_label.setText(f"\u201c{item.quote}\u201d")
        self.clause_label.setText(self.tr("Your school's policy, %s") % item.clause)
        self.previous_label.setVisible(previous is not None)
        if previous is not None:
            self.previous_label.setText(self.tr("Last year you answered: %s") % describe_answer(previous))
        self._show_guides(guides)

        self._status_group.setExclusive(False)
        for radio in self._status_group.buttons():
            radio.setChecked(radio.property("status") == (answer.status.value if answer.status else None))
        self._status_group.setExclusive(True)
        self.action_edit.setText(answer.action)
        self.reason_edit.setText(answer.reason)
        self.note_edit.setPlainText(answer.note)
        self.due_edit.setMinimumDate(QDate(today.year, today.month, today.day).addYears(-1))
        due = answer.due or _default_due(today)
        self.due_edit.setDate(QDate(due.year, due.month, due.day))
        self.remind_box.setChecked(answer.remind_on is not None)
        self.remind_edit.setMinimumDate(self.due_edit.minimumDate())
        remind = answer.remind_on or max(today, due - timedelta(days=REMIND_DAYS_BEFORE))
        self.remind_edit.setDate(QDate(remind.year, remind.month, remind.day))
        for widget in (*self._status_group.buttons(), self.action_edit, self.due_edit, self.reason_edit,
                       self.note_edit, self.remind_box, self.remind_edit, self.confirm_button):
            widget.setEnabled(not read_only)
        self._loading = False
        self._refresh_answer_fields()

    def current_answer(self) -> Answer:
        checked = self._status_group.checkedButton()
        status = Status(checked.property("status")) if checked else None
        due = self.due_edit.date().toPython() if status is Status.ACTION else None
        return Answer(
            status=status,
            action=self.action_edit.text() if status is Status.ACTION else "",
            due=due,
            reason=self.reason_edit.text() if status is Status.NOT_APPLICABLE else "",
            note=self.note_edit.toPlainText(),
            remind_on=(self.remind_edit.date().toPython()
                       if status is Status.ACTION and self.remind_box.isChecked() else None),
            to_confirm=self._to_confirm and status is not None,
        )

    def flush(self) -> None:
        """Emit any typed text still waiting for a pause in typing."""
        if self._typing_timer.isActive():
            self._typing_timer.stop()
            self._emit_answer()

    def focus_answer(self) -> None:
        if self._to_confirm and self.confirm_button.isEnabled():
            self.confirm_button.setFocus()
            return
        checked = self._status_group.checkedButton()
        (checked or self.done_radio).setFocus()

    # -- intents out -------------------------------------------------------------------

    def _emit_answer(self) -> None:
        if self._item is not None and not self._loading:
            self.answer_changed.emit(self._item.id, self.current_answer())

    def _on_confirm_button_clicked(self) -> None:
        self._to_confirm = False
        self._typing_timer.stop()
        self._emit_answer()
        self._refresh_answer_fields()
        self.focus_answer()

    def _on_remind_changed(self, *_: object) -> None:
        self.remind_edit.setEnabled(self.remind_box.isChecked() and self.remind_box.isEnabled())
        if not self._loading:
            self._typing_timer.stop()
            self._emit_answer()

    def _on_status_group_button_toggled(self, button, checked: bool) -> None:
        if checked and not self._loading:
            self._to_confirm = False  # choosing an answer is answering it this year
        self._refresh_answer_fields()
        if checked and not self._loading:
            self._typing_timer.stop()
            self._emit_answer()
            if button is self.action_radio and not self.action_edit.text():
                self.action_edit.setFocus()
            elif button is self.na_radio and not self.reason_edit.text():
                self.reason_edit.setFocus()

    def _on_text_edited(self, *_: object) -> None:
        if not self._loading:
            self._to_confirm = False  # a changed action or reason is this year's answer
            self._typing_timer.start()

    def _on_note_edit_text_changed(self) -> None:
        if not self._loading:  # a private note confirms nothing
            self._typing_timer.start()

    def _on_due_edit_date_changed(self, *_: object) -> None:
        if not self._loading:
            self._to_confirm = False
            self._typing_timer.stop()
            self._emit_answer()

    # -- internals ---------------------------------------------------------------------

    def allow_text_selection(self) -> None:
        """Lets the check and the policy's words be selected and copied."""
        make_selectable(self.check_label, self.quote_label)

    def _refresh_answer_fields(self) -> None:
        self.action_form.setVisible(self.action_radio.isChecked())
        self.reason_form.setVisible(self.na_radio.isChecked())
        self.confirm_box.setVisible(self._to_confirm)
        self.remind_edit.setEnabled(self.remind_box.isChecked() and self.remind_box.isEnabled())

    def _show_guides(self, guides: list[Guide]) -> None:
        clear_layout(self.howto_layout)
        self.howto_box.setVisible(bool(guides))
        for guide in guides:
            self.howto_layout.addWidget(self._guide_panel(guide))

    def _guide_panel(self, guide: Guide) -> QWidget:
        platform = PLATFORMS[guide.platform].name
        panel = QFrame()
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        panel.setAccessibleName(self.tr("{platform}: {title}").format(platform=platform, title=guide.title))
        title = _plain_label(self.tr("{platform}: {title}").format(platform=platform, title=guide.title))
        title.setObjectName("strongText")
        steps = _numbered_steps(guide.steps)
        checked = QLabel(self.tr("Steps last checked %s") % long_date(guide.checked))
        checked.setObjectName("quietText")
        button = QPushButton(self.tr("Open %s settings") % platform)
        button.setAccessibleName(self.tr("Open %s settings in your browser") % platform)
        button.setAccessibleDescription(guide.title)
        button.clicked.connect(lambda _=False, url=guide.url: self.link_requested.emit(url))
        footer = QHBoxLayout()
        footer.addWidget(checked)
        footer.addStretch(1)
        footer.addWidget(button)
        layout = QVBoxLayout(panel)
        layout.addWidget(title)
        layout.addLayout(steps)
        layout.addLayout(footer)
        return panel

    def _buddy(self, text: str, widget: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widget)
        return label


def _default_due(today: date) -> date:
    return today + timedelta(days=14)


def _plain_label(text: str, wrap: bool = False) -> QLabel:
    # Plain text, never rich: a rich-text label lays out through a whole QTextDocument, and the
    # three guides an item shows cost start-up some 20 ms more that way.
    label = QLabel(text)
    set_property_by_key(label, "textFormat", "PlainText")
    label.setWordWrap(wrap)
    return label


def _numbered_steps(steps: tuple[str, ...]) -> QGridLayout:
    """The steps as a numbered list: each number in a column of its own, so a step's wrapped
    lines line up under its first."""
    grid = QGridLayout()
    grid.setVerticalSpacing(2)
    grid.setColumnStretch(1, 1)
    for row, step in enumerate(steps):
        number = _plain_label(f"{row + 1}.")
        set_property_by_key(number, "alignment", "AlignLeft|AlignTop")  # beside a step's first line
        grid.addWidget(number, row, 0)
        grid.addWidget(_plain_label(step, wrap=True), row, 1)
    return grid
