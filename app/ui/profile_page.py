"""Getting started: who you are, your school, your platforms, and the questions that decide what applies."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
    QPushButton, QScrollArea, QVBoxLayout, QWidget,
)

from app.core.audit import Person
from app.core.checklist import Checklist, Profile
from app.core.platforms import PLATFORMS
from app.ui.style import clear_layout, heading, name_scroll_bars

ROLES = ("Teacher", "Teaching assistant", "Support staff", "Office staff", "Senior leadership",
         "Governor", "Volunteer")


class ProfilePage(QWidget):
    """Shows a person's details; emits details_submitted when they are complete."""

    details_submitted = Signal(object, str, object)  # Person, checklist id, Profile
    cancel_requested = Signal()
    hr_requested = Signal()  # "I work in HR": the register, no audit needed

    def __init__(self, checklists: list[Checklist], parent: QWidget | None = None):
        super().__init__(parent)
        self._checklists = sorted(checklists, key=lambda c: c.school)
        self._question_boxes: dict[str, QCheckBox] = {}
        self._question_hints: dict[str, QLabel] = {}

        self._title = heading(self.tr("Before you start"), 1)
        intro = QLabel(self.tr("Tell us who you are and which social media you use, so that you only see "
                               "the checks that apply to you. You can change these later."))
        intro.setWordWrap(True)

        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName(self.tr("Full name"))
        self.staff_id_edit = QLineEdit()
        self.staff_id_edit.setAccessibleName(self.tr("Staff ID or work email"))
        self.staff_id_edit.setPlaceholderText(self.tr("for example S1234 or j.smith@school.sch.uk"))
        self.role_combo = QComboBox()
        self.role_combo.setEditable(True)
        self.role_combo.addItems([self.tr(r) for r in ROLES])
        self.role_combo.setCurrentIndex(-1)
        self.role_combo.lineEdit().setPlaceholderText(self.tr("choose or type your role"))
        self.role_combo.lineEdit().setAccessibleName(self.tr("Role"))
        self.role_combo.setAccessibleName(self.tr("Role"))
        self.role_combo.setMinimumContentsLength(24)
        self.role_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.new_starter_box = QCheckBox(self.tr("I am &new to this school (this is my induction)"))
        self.new_starter_box.setAccessibleDescription(self.tr("New starters see more explanation of each rule."))
        self.school_combo = QComboBox()
        for checklist in self._checklists:
            self.school_combo.addItem(checklist.school, checklist.id)
        self.school_combo.setAccessibleName(self.tr("School"))
        self.school_fixed = QLabel()
        self.school_fixed.setWordWrap(True)
        self.school_fixed.hide()
        self._fixed_checklist_id = ""  # set by the school configuration: staff cannot change it

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(self._buddy(self.tr("&Full name"), self.name_edit), self.name_edit)
        form.addRow(self._buddy(self.tr("Staff &ID or work email"), self.staff_id_edit), self.staff_id_edit)
        form.addRow(self._buddy(self.tr("&Role"), self.role_combo), self.role_combo)
        school_row = QHBoxLayout()  # the choice, or the school the configuration fixes, in one row
        school_row.addWidget(self.school_combo, 1)
        school_row.addWidget(self.school_fixed, 1)
        form.addRow(self._buddy(self.tr("S&chool"), self.school_combo), school_row)
        form.addRow("", self.new_starter_box)

        platforms_box = QGroupBox(self.tr("Which of these do you use?"))
        grid = QGridLayout(platforms_box)
        self.platform_boxes: dict[str, QCheckBox] = {}
        for n, platform in enumerate(PLATFORMS.values()):
            box = QCheckBox(platform.name)
            box.setAccessibleName(platform.name)
            self.platform_boxes[platform.id] = box
            grid.addWidget(box, n // 4, n % 4)

        self._questions_box = QGroupBox(self.tr("About your profiles"))
        self._questions_layout = QVBoxLayout(self._questions_box)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setObjectName("errorText")
        self.error_label.setAccessibleName(self.tr("Problem"))
        self.error_label.hide()

        self.submit_button = QPushButton(self.tr("&Start my audit"))
        self.submit_button.setDefault(True)
        self.submit_button.setAccessibleName(self.tr("Start my audit"))
        self.submit_button.clicked.connect(self._on_submit_button_clicked)
        self.cancel_button = QPushButton(self.tr("Back to my &audit"))
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.cancel_button.hide()
        self.hr_button = QPushButton(self.tr("I work in HR: open the register"))
        self.hr_button.setFlat(True)
        self.hr_button.setStyleSheet("QPushButton { color: palette(link); text-decoration: underline; border: none; }"
                                     "QPushButton:focus { border: 1px dotted palette(link); }")  # reads as a link
        self.hr_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.hr_button.setAccessibleName(self.tr("I work in HR: open the register of staff confirmations"))
        self.hr_button.clicked.connect(self.hr_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.hr_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.submit_button)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self._title)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(platforms_box)
        layout.addWidget(self._questions_box)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        layout.addStretch(1)
        body.setMaximumWidth(760)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        scroll.setAccessibleName(self.tr("Your details"))
        name_scroll_bars(scroll, self.tr("your details"))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self.school_combo.currentIndexChanged.connect(self._on_school_combo_changed)
        for box in self.platform_boxes.values():
            box.toggled.connect(self._refresh_questions)
        self.new_starter_box.toggled.connect(self._refresh_questions)
        self._on_school_combo_changed()
        for edit in (self.name_edit, self.staff_id_edit):
            edit.returnPressed.connect(self.submit_button.click)
        self.role_combo.lineEdit().returnPressed.connect(self.submit_button.click)

    # -- state in --------------------------------------------------------------------

    def show_details(self, person: Person, checklist_id: str, profile: Profile, editing: bool) -> None:
        self.name_edit.setText(person.name)
        self.staff_id_edit.setText(person.staff_id)
        self.role_combo.setCurrentText(person.role)
        index = self.school_combo.findData(self._fixed_checklist_id or checklist_id)
        if index >= 0:
            self.school_combo.setCurrentIndex(index)
        self.new_starter_box.setChecked(profile.new_starter)
        for platform, box in self.platform_boxes.items():
            box.setChecked(platform in profile.platforms)
        self._on_school_combo_changed()
        for qid, box in self._question_boxes.items():
            box.setChecked(profile.answer(qid))
        self.set_editing(editing)

    def set_editing(self, editing: bool) -> None:
        self._title.setText(self.tr("Your details") if editing else self.tr("Before you start"))
        self.submit_button.setText(self.tr("&Save and go back") if editing else self.tr("&Start my audit"))
        self.submit_button.setAccessibleName(self.submit_button.text().replace("&", ""))
        self.cancel_button.setVisible(editing)
        self.hr_button.setVisible(not editing)

    def fix_school(self, checklist_id: str, school_name: str = "") -> None:
        """The school configuration names the school: show it, do not offer a choice."""
        index = self.school_combo.findData(checklist_id)
        if index >= 0:
            self._fixed_checklist_id = checklist_id
            self.school_combo.setCurrentIndex(index)
            self.school_combo.hide()
            self.school_fixed.setText(school_name or self.school_combo.currentText())
            self.school_fixed.setAccessibleName(self.tr("School: %s") % self.school_fixed.text())
            self.school_fixed.show()

    # -- reading the form -------------------------------------------------------------

    def person(self) -> Person:
        return Person(self.name_edit.text(), self.staff_id_edit.text(), self.role_combo.currentText())

    def profile(self) -> Profile:
        return Profile(
            platforms=frozenset(p for p, box in self.platform_boxes.items() if box.isChecked()),
            new_starter=self.new_starter_box.isChecked(),
            # unasked questions count as "no" in the core, whatever their box says
            answers={qid: box.isChecked() for qid, box in self._question_boxes.items()},
        )

    def checklist(self) -> Checklist | None:
        checklist_id = self.school_combo.currentData()
        return next((c for c in self._checklists if c.id == checklist_id), None)

    def _on_submit_button_clicked(self) -> None:
        person = self.person()
        missing = [label for label, value in ((self.tr("your full name"), person.name),
                                              (self.tr("your staff ID or work email"), person.staff_id),
                                              (self.tr("your role"), person.role)) if not value]
        checklist = self.checklist()
        if checklist is None:
            missing.append(self.tr("your school"))
        if missing:
            self.error_label.setText(self.tr("Please fill in %s.") % self.tr(" and ").join(missing))
            self.error_label.show()
            (self.name_edit if not person.name else self.staff_id_edit if not person.staff_id
             else self.role_combo).setFocus()
            return
        self.error_label.hide()
        self.details_submitted.emit(person, checklist.id, self.profile())

    def _on_school_combo_changed(self, *_: object) -> None:
        kept = {qid: box.isChecked() for qid, box in self._question_boxes.items()}
        clear_layout(self._questions_layout)
        self._question_boxes = {}
        self._question_hints: dict[str, QLabel] = {}
        checklist = self.checklist()
        if checklist is None:
            return
        for question in checklist.questions:
            box = QCheckBox(question.text)  # ticked means yes
            box.setChecked(kept.get(question.id, False))
            box.setAccessibleName(question.text)
            if question.help:
                box.setToolTip(question.help)
                box.setAccessibleDescription(question.help)
            box.toggled.connect(self._refresh_questions)
            self._question_boxes[question.id] = box
            self._questions_layout.addWidget(box)
            if question.help:
                hint = QLabel(question.help)
                hint.setWordWrap(True)
                hint.setObjectName("hintText")
                hint.setIndent(24)
                self._questions_layout.addWidget(hint)
                self._question_hints[question.id] = hint
        self._refresh_questions()

    def _refresh_questions(self, *_: object) -> None:
        checklist = self.checklist()
        if checklist is None:
            return
        profile = self.profile()
        for question in checklist.questions:
            asked = checklist.is_asked(question, profile)
            self._question_boxes[question.id].setVisible(asked)
            if question.id in self._question_hints:
                self._question_hints[question.id].setVisible(asked)

    def _buddy(self, text: str, widget: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widget)
        return label
