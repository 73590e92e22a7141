"""HR's modal dialogs and file pickers behind small functions, so tests replace them without patching Qt."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.ui.text import tr


def choose_folder(parent: QWidget, start: Path | None) -> Path | None:
    chosen = QFileDialog.getExistingDirectory(parent, tr("Collect the confirmations in"), str(start or Path.home()))
    return Path(chosen) if chosen else None


def choose_roster(parent: QWidget, start: Path | None) -> Path | None:
    chosen, _ = QFileDialog.getOpenFileName(parent, tr("Import the staff list"), str(start or Path.home()),
                                            tr("Staff list (*.csv *.txt);;All files (*)"))
    return Path(chosen) if chosen else None


def choose_save_path(parent: QWidget, title: str, suggested: Path, file_filter: str) -> Path | None:
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), file_filter)
    return Path(chosen) if chosen else None


def confirm_accept_key(parent: QWidget, name: str, staff_id: str, fingerprint: str, reason: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Warning, tr("Accept this key?"), tr(
        "The confirmation from {name} ({staff_id}) was not accepted: {reason}.\n\n"
        "Accept it only if you have checked with {name} that this is their key, for example by comparing "
        "the fingerprint printed on their PDF with the one shown in their app:\n\n{fingerprint}").format(
        name=name or tr("this person"), staff_id=staff_id, reason=reason, fingerprint=fingerprint),
        QMessageBox.StandardButton.Cancel, parent)
    accept = box.addButton(tr("&Accept the key"), QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is accept


def show_problem(parent: QWidget, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)
