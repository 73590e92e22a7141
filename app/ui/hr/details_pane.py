"""The selected row in full: the file, its hash and key, flags with reasons, other files, actions."""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from app.hr.rules import FileRow
from app.ui.hr.register_rows import RegisterRow, RowState
from app.ui.hr.register_table_model import RegisterTableModel, uk_date


class RegisterDetailsWidget(QWidget):
    """Shows one RegisterRow; emits what HR asks to do with it."""

    open_file_requested = Signal(str)
    show_folder_requested = Signal(str)
    accept_key_requested = Signal()

    def __init__(self, texts: RegisterTableModel, parent: QWidget | None = None):
        super().__init__(parent)
        self._texts = texts  # the status and flag wording, shared with the table
        self._row: RegisterRow | None = None
        self.browser = QTextBrowser()
        self.browser.setAccessibleName(self.tr("Details of the selected staff member"))
        self.browser.setOpenLinks(False)
        self.open_button = QPushButton(self.tr("&Open file"))
        self.open_button.setAccessibleName(self.tr("Open the confirmation file"))
        self.open_button.clicked.connect(lambda: self.open_file_requested.emit(self._path()))
        self.folder_button = QPushButton(self.tr("Show in fol&der"))
        self.folder_button.setAccessibleName(self.tr("Show the folder holding the confirmation file"))
        self.folder_button.clicked.connect(lambda: self.show_folder_requested.emit(self._path()))
        self.accept_button = QPushButton(self.tr("&Accept key\u2026"))
        self.accept_button.setAccessibleName(self.tr("Accept the key this confirmation was signed with"))
        self.accept_button.clicked.connect(self.accept_key_requested)
        buttons = QHBoxLayout()
        for button in (self.open_button, self.folder_button, self.accept_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser, 1)
        layout.addLayout(buttons)
        self.show_row(None, "", date.today())

    @property
    def row(self) -> RegisterRow | None:
        return self._row

    def _path(self) -> str:
        return self._row.file.record.path if self._row and self._row.file else ""

    def show_row(self, row: RegisterRow | None, cycle: str, today: date, read_only: bool = False) -> None:
        self._row = row
        has_file = bool(row and row.file)
        self.open_button.setEnabled(has_file)
        self.folder_button.setEnabled(has_file)
        self.accept_button.setEnabled(bool(row and row.key_to_confirm) and not read_only)
        if row is None:
            self.browser.setHtml(f"<p>{escape(self.tr('Choose a row to see its details.'))}</p>")
            return
        self.browser.setHtml(self._html(row, cycle, today))

    # -- the text -----------------------------------------------------------------------

    def _html(self, row: RegisterRow, cycle: str, today: date) -> str:
        t = self.tr
        title = escape(row.name or t("A file that names nobody"))
        if row.staff_id:
            title += f" ({escape(row.staff_id)})"
        parts = [f"<h3>{title}</h3>", f"<p><b>{escape(self._texts.status_text(row))}</b></p>"]
        facts = []
        if row.role:
            facts.append((t("Role"), row.role))
        if row.email:
            facts.append((t("Email"), row.email))
        if not row.on_roster and row.state is not RowState.UNIDENTIFIED:
            facts.append((t("Staff list"), t("not on the staff list")))
        if row.state is RowState.MISSING:
            parts.append(self._table(facts))
            parts.append(f"<p>{escape(t('No confirmation for {cycle} has been collected.').format(cycle=cycle))}</p>")
            return "".join(parts)
        file = row.file
        facts += self._file_facts(file)
        reasons = list(file.flag_reasons) if row.completed else []
        if file.reason:
            reasons.append(file.reason)
        if reasons:  # what needs HR first, the file's particulars after
            parts.append(f"<p><b>{escape(t('Flags'))}</b></p><ul>")
            parts += [f"<li>{escape(reason)}</li>" for reason in reasons]
            parts.append("</ul>")
        if row.actions:
            parts.append(f"<p><b>{escape(t('Outstanding actions'))}</b></p><ul>")
            for action in row.actions:
                due = uk_date(action.due) if action.due else t("no date")
                text = escape(action.text) + " \u2014 " + escape(t("due {date}").format(date=due))
                if action.due is not None and action.due < today:
                    text += f" <b style='color:#b00020'>{escape(t('(overdue)'))}</b>"
                parts.append(f"<li>{text}</li>")
            parts.append("</ul>")
        if row.other_files:
            parts.append(f"<p><b>{escape(t('Other files from this person'))}</b></p><ul>")
            for other in row.other_files:
                parts.append(f"<li>{escape(self._texts.problem_text(other))}: {escape(other.record.path)}"
                             f"<br/>{escape(other.reason)}</li>")
            parts.append("</ul>")
        parts.append(self._table(facts))
        return "".join(parts)

    def _file_facts(self, file: FileRow) -> list[tuple[str, str]]:
        t = self.tr
        record = file.record
        facts = [(t("File"), record.path), (t("File SHA-256"), record.sha256 or t("not hashed (too large)"))]
        if record.fingerprint:
            facts.append((t("Signer's key"), record.fingerprint))
        if record.signer_name:
            facts.append((t("Signed by"), record.signer_name))
        if record.when:
            facts.append((t("Signed on"), uk_date(record.when.date())))
        if record.verified:
            facts += [(t("Checklist"), f"{record.checklist_id}, version {record.checklist_version}"),
                      (t("Cycle"), record.cycle),
                      (t("Annual or induction"), t("Induction") if record.audit_type == "induction" else t("Annual")),
                      (t("Document ID"), record.document_id)]
        facts.append((t("Checked on"), uk_date(record.checked_at.date())))
        return facts

    @staticmethod
    def _table(facts: list[tuple[str, str]]) -> str:
        rows = "".join(f"<tr><td style='padding-right:12px'><b>{escape(k)}</b></td>"
                       f"<td>{escape(v)}</td></tr>" for k, v in facts)
        return f"<table>{rows}</table>"


def folder_of(path: str) -> str:
    return str(Path(path).parent)
