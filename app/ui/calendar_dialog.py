"""Choosing where to save the actions' calendar file: behind a function a test can replace."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from app.ui.text import tr


def choose_calendar_path(parent: QWidget, suggested: Path) -> Path | None:
    """A save dialog (it asks before replacing a file); None when the person cancels."""
    name, _ = QFileDialog.getSaveFileName(parent, tr("Export actions to a calendar"), str(suggested),
                                          tr("Calendar files (*.ics)"))
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".ics" else path.with_name(path.name + ".ics")
