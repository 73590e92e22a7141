"""The real app, started as a person starts it, answering items through its widgets at speed.

Run by tests/test_fault_kill.py, which SIGKILLs it at random moments. It prints, flushed:
  READY                 the window is up with an audit open
  TRY <answer json>     an answer is about to be given (it may be cut off by the kill)
  SAVED <answer json>   the window shows that answer as saved ("All changes saved")
argv: run number (tags every answer so each is unique) and a seed for the pace.
"""

from __future__ import annotations

import json
import random
import sys

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMainWindow

SCHOOL = "bury-ce"
RUN = sys.argv[1]
pace = random.Random(int(sys.argv[2]))


def say(kind: str, payload: dict | None = None) -> None:
    print(kind if payload is None else f"{kind} {json.dumps(payload, ensure_ascii=False)}", flush=True)


def type_into(widget, text: str) -> None:
    """Key events carrying any Unicode text (QTest.keyClicks refuses non-ASCII)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))


def click(button) -> None:
    QTest.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))


class Driver(QObject):
    def __init__(self):
        super().__init__()
        self.window = None
        self.n = 0

    def eventFilter(self, watched, event):
        if self.window is None and event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow):
            self.window = watched
            QTimer.singleShot(0, self.start)
        return False

    def start(self) -> None:
        window = self.window
        if window.session.audit is None:  # the first run fills in the details as a person would
            page = window.profile_page
            QTest.keyClicks(page.name_edit, "Kai Jones")
            QTest.keyClicks(page.staff_id_edit, "K1")
            QTest.keyClicks(page.role_combo.lineEdit(), "Teaching assistant")
            page.school_combo.setCurrentIndex(page.school_combo.findData(SCHOOL))
            click(page.platform_boxes["tiktok"])
            QTest.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
            assert window.session.audit is not None, page.error_label.text()
        say("READY")
        self.answer_next()

    def answer_next(self) -> None:
        window, session = self.window, self.window.session
        if window.stack.currentWidget() is not window.audit_page:
            ids = [i.id for i in session.checklist.applicable_items(session.audit.profile)]
            window.show_item(ids[0])
        item = window.audit_page.item_widget
        self.n += 1
        item_id = session.audit.current_item_id
        done = self.n % 2 == 0
        answer = {"item": item_id, "status": "done" if done else "not-applicable",
                  "note": f"run {RUN} answer {self.n} caf\u00e9 \U0001f44d", "reason": "" if done else f"reason {RUN}-{self.n}"}
        say("TRY", answer)
        item.note_edit.clear()
        type_into(item.note_edit, answer["note"])
        click(item.done_radio if done else item.na_radio)
        if not done:
            item.reason_edit.clear()
            type_into(item.reason_edit, answer["reason"])
        item.flush()  # as leaving the item does: what was typed is saved now
        if session.save_state.all_saved and window.save_label.text() == "All changes saved":
            say("SAVED", answer)
        click(window.audit_page.next_button)
        QTimer.singleShot(pace.randint(0, 3), self.answer_next)


qt = QApplication(["self-audit"])
driver = Driver()
qt.installEventFilter(driver)
from app.ui.launch import run_app  # noqa: E402  (after the QApplication, as app.__main__ does it)

sys.exit(run_app())
