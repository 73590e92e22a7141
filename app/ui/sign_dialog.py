"""Signing: the declaration, the typed name, an optional drawn signature, where to save.

The slow part (keyring, PDF, signature, file) runs on a worker thread, so the window keeps
painting; the dialog shows each step. Whoever opened the dialog records the result.
"""

from __future__ import annotations

import logging
import unicodedata
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QFileDialog, QFormLayout, QHBoxLayout, QInputDialog, QLabel, QLineEdit,
    QMessageBox, QProgressBar, QPushButton, QVBoxLayout, QWidget,
)

from app.core.audit import Audit, AuditType
from app.core.checklist import Checklist
from app.ui.signature_pad import SignaturePad
from app.ui.style import heading

log = logging.getLogger(__name__)


class ExportWorker(QObject):
    """Runs app.export.run_export off the GUI thread; reports steps, then finished or failed."""

    step = Signal(int, str)
    finished = Signal(object)  # ExportResult
    failed = Signal(object)  # the exception

    def __init__(self, job, unlock):
        super().__init__()
        self._job, self._unlock = job, unlock

    def run(self) -> None:
        from app.export import run_export

        try:
            result = run_export(self._job, self._unlock, lambda n, text: self.step.emit(n, text))
        except Exception as exc:  # every failure is shown; none may kill the thread silently
            log.warning("export failed: %s", type(exc).__name__)
            self.failed.emit(exc)
        else:
            self.finished.emit(result)


def same_name(typed: str, name: str) -> bool:
    fold = lambda text: " ".join(unicodedata.normalize("NFC", text).casefold().split())  # noqa: E731
    return bool(typed.strip()) and fold(typed) == fold(name)


def default_folder() -> Path:
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents else Path.home()


def choose_certificate_file(parent: QWidget, start: Path) -> str:
    """The .p12/.pfx chosen ('' for none); `start` is preselected when it is a file, opened when a folder."""
    path, _ = QFileDialog.getOpenFileName(parent, parent.tr("Certificate from IT"), str(start),
                                          parent.tr("Certificates (*.p12 *.pfx)"))
    return path


def ask_certificate_password(parent: QWidget) -> tuple[str, bool]:
    return QInputDialog.getText(parent, parent.tr("Certificate password"),
                                parent.tr("The password IT gave you with the certificate:"),
                                QLineEdit.EchoMode.Password)


class SignDialog(QDialog):
    """Emits signed(ExportResult) once the PDF is safely written."""

    signed = Signal(object)

    def __init__(self, checklist: Checklist, audit: Audit, identities, parent: QWidget | None = None,
                 folder: Path | None = None, logo: Path | None = None, school_certificate: Path | None = None):
        super().__init__(parent)
        self._checklist, self._audit, self._identities, self._logo = checklist, audit, identities, logo
        # The school issues certificates (its configuration says where): sign only with one of those.
        self._school_certificate = school_certificate
        self._replace_identity = False
        self._thread: QThread | None = None
        self.setWindowTitle(self.tr("Sign your confirmation"))
        self.setMinimumWidth(560)

        intro = QLabel(self.tr("You are signing the confirmation of your {cycle} audit for {school}. "
                               "HR receives the PDF; your private notes are never in it.")
                       .format(cycle=audit.cycle, school=audit.school or checklist.school))
        intro.setWordWrap(True)
        # The same text the confirmation carries: a new starter's declaration is the induction one.
        declaration = QLabel(checklist.declaration_for(audit.audit_type is AuditType.INDUCTION))
        declaration.setWordWrap(True)
        declaration.setObjectName("quoteText")
        self.agree_box = QCheckBox(self.tr("I &confirm the declaration above"))
        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName(self.tr("Type your full name to sign"))
        self.name_edit.setPlaceholderText(audit.person.name)
        self.pad = SignaturePad()
        clear_button = QPushButton(self.tr("C&lear drawing"))
        clear_button.setAccessibleName(self.tr("Clear the drawn signature"))
        clear_button.clicked.connect(self.pad.clear)
        self.folder_edit = QLineEdit(str(folder or default_folder()))
        self.folder_edit.setAccessibleName(self.tr("Folder to save the PDF in"))
        browse = QPushButton(self.tr("C&hoose\u2026"))
        browse.setAccessibleName(self.tr("Choose the folder to save the PDF in"))
        browse.clicked.connect(self._on_browse_clicked)
        self.key_label = QLabel()
        self.key_label.setWordWrap(True)
        self.key_label.setObjectName("quietText")
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.import_button = QPushButton(self.tr("Use a certificate from &IT\u2026"))
        self.import_button.setAccessibleName(self.tr("Use a certificate file from IT instead of your own key"))
        self.import_button.clicked.connect(self._on_import_clicked)
        self.progress = QProgressBar()
        self.progress.setRange(0, 4)
        self.progress.setAccessibleName(self.tr("Signing progress"))
        self.progress.hide()
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName(self.tr("Signing status"))
        self.sign_button = QPushButton(self.tr("&Sign and save PDF"))
        self.sign_button.setDefault(True)
        self.sign_button.clicked.connect(self._on_sign_clicked)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.reject)

        pad_row = QHBoxLayout()
        pad_row.addWidget(self.pad, 1)
        pad_row.addWidget(clear_button, 0, Qt.AlignmentFlag.AlignBottom)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse)
        form = QFormLayout()
        name_label = QLabel(self.tr("Your &name"))
        name_label.setBuddy(self.name_edit)
        form.addRow(name_label, self.name_edit)
        form.addRow(self.tr("Drawn signature"), pad_row)
        folder_label = QLabel(self.tr("Sa&ve in"))
        folder_label.setBuddy(self.folder_edit)
        form.addRow(folder_label, folder_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.sign_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("Sign your confirmation"), 2))
        layout.addWidget(intro)
        layout.addWidget(declaration)
        layout.addWidget(self.agree_box)
        layout.addLayout(form)
        layout.addWidget(self.key_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        self._show_key()
        self.name_edit.setFocus()

    # -- state shown -----------------------------------------------------------------------

    def _show_key(self) -> None:
        if self._needs_school_certificate():
            self.key_label.setText(self.tr("Your school gives each member of staff a signing certificate. Choose "
                                           "yours with \u201cUse a certificate from IT\u2026\u201d before you sign."))
            return
        fingerprint = self._identities.certificate_fingerprint()
        if fingerprint:
            self.key_label.setText(self.tr("Your signing key's fingerprint (also printed on the PDF):\n%s")
                                   % fingerprint)
        else:
            self.key_label.setText(self.tr("A signing key will be made for you on this laptop when you sign; "
                                           "its fingerprint is printed on the PDF."))

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.sign_button, self.import_button, self.name_edit, self.agree_box, self.folder_edit,
                       self.pad):
            widget.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)
        self.progress.setVisible(busy)

    def _say(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setAccessibleDescription(text)

    # -- intents ---------------------------------------------------------------------------

    def _on_browse_clicked(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Save the PDF in"), self.folder_edit.text())
        if chosen:
            self.folder_edit.setText(chosen)

    def _on_import_clicked(self) -> None:
        path = choose_certificate_file(self, self._school_certificate or Path.home())
        if not path:
            return
        password, ok = ask_certificate_password(self)
        if not ok:
            return
        from app.signing.identity import IdentityError, IdentityExists

        try:
            self._identities.import_pkcs12(Path(path), password)
        except IdentityExists:
            answer = QMessageBox.warning(
                self, self.tr("Replace your signing key?"),
                self.tr("You already have a signing key. If the certificate from IT replaces it, HR will see "
                        "a new key on your confirmation. Your old key is kept aside, not deleted. Replace it?"),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return
            try:
                self._identities.import_pkcs12(Path(path), password, replace=True)
            except IdentityError as exc:
                self._say(str(exc))
                return
        except IdentityError as exc:
            self._say(str(exc))
            return
        self._say(self.tr("The certificate from IT will sign your PDF."))
        self._show_key()

    def _on_sign_clicked(self) -> None:
        if not self.agree_box.isChecked():
            self._say(self.tr("Tick the box to confirm the declaration first."))
            self.agree_box.setFocus()
            return
        if not same_name(self.name_edit.text(), self._audit.person.name):
            self._say(self.tr("Type your name as it is on your details: %s") % self._audit.person.name)
            self.name_edit.setFocus()
            return
        if self._needs_school_certificate():
            self._say(self.tr("Your school signs with certificates from IT: choose yours first."))
            self._on_import_clicked()
            return
        folder = Path(self.folder_edit.text()).expanduser()
        from app.export import prepare, target_path

        job = prepare(self._checklist, self._audit, folder, handwriting=self.pad.strokes(), logo=self._logo)
        target = target_path(job)
        if target.exists():
            answer = QMessageBox.question(
                self, self.tr("Replace the PDF?"),
                self.tr("%s is already in that folder. Replace it with the new one?") % target.name,
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                self._say(self.tr("Nothing was saved. Choose another folder, or sign again to replace it."))
                return
            from dataclasses import replace

            job = replace(job, replace_existing=True)
        self._start(job)

    def _start(self, job) -> None:
        self._set_busy(True)
        self._say(self.tr("Signing\u2026"))
        self.progress.setValue(0)
        worker = ExportWorker(job, self._unlock_function())
        thread = QThread(self)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.step.connect(self._on_worker_step)
        worker.finished.connect(self._on_worker_finished)
        worker.failed.connect(self._on_worker_failed)
        worker.finished.connect(thread.quit)
        worker.failed.connect(thread.quit)
        thread.finished.connect(worker.deleteLater)
        self._thread, self._worker = thread, worker
        thread.start()

    def _unlock_function(self):
        identities, person, school = self._identities, self._audit.person, self._audit.school or self._checklist.school
        replace_identity = self._replace_identity

        def unlock():
            if replace_identity:
                return identities.replace(person.name, person.staff_id, school)
            if identities.exists():
                return identities.unlock()
            return identities.create(person.name, person.staff_id, school)

        return unlock

    def _on_worker_step(self, step: int, text: str) -> None:
        self.progress.setValue(step)
        self._say(self.tr(text))

    def _on_worker_finished(self, result) -> None:
        self._set_busy(False)
        self.signed.emit(result)
        self.accept()

    def _on_worker_failed(self, error: Exception) -> None:
        self._set_busy(False)
        self.progress.hide()
        from app.signing.identity import IdentityLocked, IdentityUnreadable

        if isinstance(error, (IdentityLocked, IdentityUnreadable)):
            self._offer_new_identity(str(error))
            return
        self._say(str(error) or self.tr("The PDF could not be signed."))

    def _needs_school_certificate(self) -> bool:
        """The school issues certificates, and no certificate from IT is in place yet."""
        if self._school_certificate is None:
            return False
        from app.signing.identity import IdentityError

        try:
            der = self._identities.certificate_der()
        except IdentityError:
            return True
        if der is None:
            return True
        from cryptography import x509

        certificate = x509.load_der_x509_certificate(der)
        return certificate.issuer == certificate.subject  # one the app made itself

    def _offer_new_identity(self, why: str) -> None:
        if self._school_certificate is not None:  # never a key of the app's own making
            self._say(why + "\n" + self.tr("Choose your certificate from IT again with "
                                           "\u201cUse a certificate from IT\u2026\u201d."))
            return
        answer = QMessageBox.warning(
            self, self.tr("Your signing key cannot be unlocked"),
            why + "\n\n" + self.tr(
                "You can make a new signing key. HR will see a new key on your confirmation, and may "
                "ask you about it. Your old key is kept aside, not deleted. Make a new key and sign?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            self._replace_identity = True
            self._on_sign_clicked()
        else:
            self._say(why)

    def reject(self) -> None:
        if self._thread is not None and self._thread.isRunning():
            return  # never abandon a half-written PDF: the worker finishes or fails first
        super().reject()

    def done(self, code: int) -> None:
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait(5000)
        super().done(code)
