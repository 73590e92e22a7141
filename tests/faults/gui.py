"""Helpers the fault tests share: typing any Unicode, clicking as a person does, and starting the
real app in this process (run_app, the composition root) to see what the person is shown."""

from __future__ import annotations

import gc
import logging
import os
import sys
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QEventLoop, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QMainWindow, QRadioButton


def type_into(widget, text: str) -> None:
    """Key events carrying any Unicode text (QTest.keyClicks refuses non-ASCII)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))


def click(qtbot, button) -> None:
    if isinstance(button, (QCheckBox, QRadioButton)):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
    else:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@dataclass
class Started:
    """What a start of the app showed: the startup error, or the window at its first paint."""

    code: int = -1
    error: str | None = None
    banner: str = ""
    banner_visible: bool = False
    save_label: str = ""
    title: str = ""
    read_only: bool = False
    page: str = ""
    answers: dict = field(default_factory=dict)


class _FirstPaint(QObject):
    def __init__(self, started: Started):
        super().__init__()
        self.started, self.window = started, None

    def eventFilter(self, watched, event):
        if self.window is None and event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow) \
                and hasattr(watched, "banner"):
            self.window = watched
            s = self.started
            s.banner, s.banner_visible = watched.banner.label.text(), watched.banner.isVisible()
            s.save_label, s.title = watched.save_label.text(), watched.windowTitle()
            s.read_only = watched.session.read_only
            s.page = type(watched.stack.currentWidget()).__name__
            audit = watched.session.audit
            s.answers = dict(audit.answers) if audit else {}
        return False


def start_app(monkeypatch) -> Started:
    """run_app as `self-audit` runs it, quitting after its first paint (SELF_AUDIT_DATA_DIR set by the caller)."""
    from app.ui import launch

    started = Started()
    monkeypatch.setattr(launch, "show_startup_error", lambda text: setattr(started, "error", text))
    monkeypatch.setenv(launch.EXIT_AFTER_PAINT, "1")
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_app installs its own
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    umask = os.umask(0o077)
    os.umask(umask)
    watcher = _FirstPaint(started)
    qt = QApplication.instance()
    qt.installEventFilter(watcher)
    try:
        started.code = launch.run_app()
    finally:
        qt.removeEventFilter(watcher)
        # app.quit() leaves the thread's "quit now" flag set, and later waits would then process no
        # timers; a nested loop's start clears it again, as a real process never needs to.
        loop = QEventLoop()
        QTimer.singleShot(0, loop.quit)
        loop.exec()
        gc.unfreeze()  # run_app freezes the collector just before a real process would exit
        os.umask(umask)
        for handler in root.handlers[len(handlers):]:
            handler.close()
        root.handlers[:] = handlers
        root.setLevel(level)
        if watcher.window is not None:
            watcher.window.session.repository.close()
            watcher.window.hide()
            watcher.window.deleteLater()
    return started
