"""Your data: "Export my data…" and "Delete my data…", the dialogs around app.data_rights.

The folder picker is a small function a test can replace; the confirmations are real message
boxes that a test answers by clicking their buttons.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.ui.text import tr

log = logging.getLogger(__name__)


def choose_export_folder(parent: QWidget, start: str) -> Path | None:
    chosen = QFileDialog.getExistingDirectory(parent, tr("Export my data into"), start)
    return Path(chosen) if chosen else None


def export_my_data(parent: QWidget, data_folder: Path | None, open_url: Callable[[QUrl], bool]) -> Path | None:
    """Ask where, export, then say where it went with a button to open it; the folder or None."""
    from app.data_rights import DataRightsError, export_my_data as export
    from app.ui.sign_dialog import default_folder

    if data_folder is None:
        return None
    out = choose_export_folder(parent, str(default_folder()))
    if out is None:
        return None
    try:
        folder = export(data_folder, out)
    except DataRightsError as exc:
        QMessageBox.warning(parent, tr("Your data was not exported"), str(exc))
        return None
    box = QMessageBox(QMessageBox.Icon.Information, tr("Your data is exported"), tr(
        "Everything the app holds about you is in:\n{folder}\n\nmy-data.json holds your details, answers, "
        "private notes and signing certificate; the signed PDFs are copied beside it. It includes your "
        "private notes: keep it safe.").format(folder=folder), QMessageBox.StandardButton.Close, parent)
    box.setObjectName("exportDoneBox")
    open_button = box.addButton(tr("&Open folder"), QMessageBox.ButtonRole.ActionRole)
    box.setDefaultButton(open_button)
    box.exec()
    if box.clickedButton() is open_button:
        open_url(QUrl.fromLocalFile(str(folder)))
    return folder


def delete_my_data(parent: QWidget, data_folder: Path | None, let_go: Callable[[], None]) -> bool:
    """Confirm (Cancel is the default), let the app let go of its files, delete, report. True once deleted."""
    from app.data_rights import delete_my_data as delete, take_inventory

    if data_folder is None:
        return False
    inventory = take_inventory(data_folder)
    if not confirm_delete(parent, inventory.describe()):
        return False
    let_go()
    report = delete(data_folder)
    box = QMessageBox(QMessageBox.Icon.Information if report.complete else QMessageBox.Icon.Warning,
                      tr("Your data is deleted"),
                      tr("Your data is deleted. The app closes now; if you open it again it starts afresh."),
                      QMessageBox.StandardButton.Close, parent)
    box.setObjectName("deleteDoneBox")
    box.setInformativeText("\n\n".join(report.describe()))
    box.exec()
    return True


def confirm_delete(parent: QWidget, what: list[str]) -> bool:
    box = QMessageBox(QMessageBox.Icon.Warning, tr("Delete your data?"), tr(
        "This deletes everything Staff Self-Audit holds about you on this computer, for good. It cannot be "
        "undone. If you may need it, choose Cancel and use Export my data first."), parent=parent)
    box.setObjectName("confirmDeleteBox")
    listed = "\n".join(f"\u2022 {line}" for line in what) or tr("\u2022 Nothing: the app holds no data about you.")
    box.setInformativeText(tr("It deletes:\n{list}\n\nIt does not delete copies you made with Export my data, PDFs "
                              "you have moved or sent, or anything HR holds.").format(list=listed))
    delete_button = box.addButton(tr("&Delete my data"), QMessageBox.ButtonRole.DestructiveRole)
    delete_button.setObjectName("deleteButton")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is delete_button
