"""The yardstick for start-up: a bare PySide6 window showing a label, quitting after its first paint.

It quits the way the app does under SELF_AUDIT_EXIT_AFTER_PAINT=1: a signal emitted from the
window's first paintEvent queues `app.quit`, so both processes pay for the same event-loop exit.
"""

import sys

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel


class BareWindow(QLabel):
    first_painted = Signal()

    def __init__(self) -> None:
        super().__init__("Staff Social Media Self-Audit")
        self._painted = False

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_painted.emit()


def main() -> int:
    app = QApplication(sys.argv)
    window = BareWindow()
    window.resize(760, 520)
    window.first_painted.connect(lambda: QTimer.singleShot(0, app.quit))
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
