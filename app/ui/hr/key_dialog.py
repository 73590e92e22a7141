"""Known keys: HR enters a staff ID's key fingerprint (for example as noted at induction)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from app.hr.records import KeyRecord, KeySource
from app.hr.register import RegisterError

EnterKey = Callable[[str, str, str], object]  # staff ID, fingerprint, note; raises RegisterError


class KnownKeyDialog(QDialog):
    """Lists the keys recorded and adds one; `enter_key` does the recording and raises on bad input."""

    key_entered = Signal(str)  # the staff ID

    def __init__(self, keys: Iterable[KeyRecord], enter_key: EnterKey, parent: QWidget | None = None,
                 read_only: bool = False):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Known keys"))
        self._enter_key = enter_key
        intro = QLabel(self.tr(
            "The register trusts the first key it sees for each staff ID. Enter a key you already know, for "
            "example the fingerprint noted at induction, and a file signed with any other key is flagged."))
        intro.setWordWrap(True)

        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Staff ID"), self.tr("Fingerprint"), self.tr("Recorded"), self.tr("Note or file")])
        self.table.setAccessibleName(self.tr("Keys recorded"))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a fingerprint's both ends are what people compare
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(3, 200)
        self.show_keys(keys)

        self.staff_id_edit = QLineEdit()
        self.staff_id_edit.setAccessibleName(self.tr("Staff ID"))
        self.fingerprint_edit = QLineEdit()
        self.fingerprint_edit.setAccessibleName(self.tr("Fingerprint"))
        self.fingerprint_edit.setPlaceholderText(self.tr("64 letters and digits, as printed on the PDF"))
        self.note_edit = QLineEdit()
        self.note_edit.setAccessibleName(self.tr("Note"))
        self.note_edit.setPlaceholderText(self.tr("For example: noted at induction, 3 September"))
        form = QFormLayout()
        for text, edit in ((self.tr("&Staff ID:"), self.staff_id_edit),
                           (self.tr("&Fingerprint:"), self.fingerprint_edit), (self.tr("N&ote:"), self.note_edit)):
            label = QLabel(text)
            label.setBuddy(edit)
            form.addRow(label, edit)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.add_button = QPushButton(self.tr("&Record this key"))
        self.add_button.setAccessibleName(self.tr("Record this key for the staff ID"))
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.add_button.setEnabled(not read_only)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(buttons)
        self.resize(900, 480)

    def show_keys(self, keys: Iterable[KeyRecord]) -> None:
        sources = {KeySource.FIRST_SEEN: self.tr("First seen in a file"),
                   KeySource.HR_ENTERED: self.tr("Entered by HR"),
                   KeySource.HR_ACCEPTED: self.tr("Accepted by HR")}
        keys = list(keys)
        self.table.setRowCount(len(keys))
        for n, key in enumerate(keys):
            note = key.note or (key.file.replace("\\", "/").rsplit("/", 1)[-1] if key.file else "")
            for column, text in enumerate((key.staff_id, key.fingerprint, sources.get(key.source, key.source), note)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(n, column, item)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(2)

    def _on_add_button_clicked(self) -> None:
        staff_id = self.staff_id_edit.text()
        try:
            self._enter_key(staff_id, self.fingerprint_edit.text(), " ".join(self.note_edit.text().split()))
        except RegisterError as error:  # says what to fix, in plain English
            self.error_label.setText(str(error))
            self.error_label.setAccessibleName(str(error))
            self.error_label.show()
            return
        self.error_label.hide()
        self.staff_id_edit.clear()
        self.fingerprint_edit.clear()
        self.note_edit.clear()
        self.key_entered.emit(" ".join(staff_id.split()))
