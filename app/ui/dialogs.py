"""Modal dialogs behind small functions, so tests can replace them without patching Qt."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.store.repository import AuditSummary
from app.ui.text import long_date, tr

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

# QMessageBox and QInputDialog are imported where they are shown: first touched, PySide makes
# each class's Python enums, which start-up need not wait for.


def choose_earlier_audit(parent: QWidget, summaries: list[AuditSummary]) -> int | None:
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    if not summaries:
        QMessageBox.information(parent, tr("Earlier audits"), tr("There are no earlier audits on this laptop."))
        return None
    labels = [
        tr("{cycle}: {school} ({kind}, {state})").format(
            cycle=s.cycle, school=s.school, kind=tr(s.audit_type.value),
            state=tr("completed {date}").format(date=long_date(s.completed_at.date())) if s.completed_at
            else tr("not completed"))
        for s in summaries
    ]
    label, ok = QInputDialog.getItem(parent, tr("Earlier audits"), tr("Open an earlier audit (read-only):"),
                                     labels, 0, False)
    return summaries[labels.index(label)].id if ok else None


def confirm_close_unsaved(parent: QWidget) -> bool:
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.warning(
        parent, tr("Some answers are not saved"),
        tr("Some of your latest answers could not be saved yet (see the message in the window). "
           "If you close now, they will be lost. Close anyway?"),
        QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Close


def show_about(parent: QWidget, version: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.about(parent, tr("About Staff Social Media Self-Audit"), tr(
        "Staff Social Media Self-Audit {version}\n\nCheck your own social media against your school's policy. "
        "Your answers stay on this laptop; nothing is sent over the network.").format(version=version))
