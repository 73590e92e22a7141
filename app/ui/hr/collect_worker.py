"""Collecting a folder off the GUI thread: a worker object living in its own QThread."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from app.ui.text import tr

log = logging.getLogger(__name__)


class CollectWorker(QObject):
    """Opens its own connection to the register (one thread each) and runs app.hr.collect.

    Start with `start()`; `cancel()` stops it soon after, keeping what was already recorded.
    """

    progress_changed = Signal(int, int)  # done, total
    collect_finished = Signal(object)  # app.hr.collect.CollectResult
    collect_failed = Signal(str)

    def __init__(self, folder: Path, register_path: Path, options: dict | None = None):
        super().__init__()
        self.folder = Path(folder)
        self._register_path = Path(register_path)
        self._options = dict(options or {})
        self._cancel = threading.Event()
        self.thread = QThread()
        self.thread.setObjectName("hr-collect")
        self.moveToThread(self.thread)
        self.thread.started.connect(self._run)

    def start(self) -> None:
        self.thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelling(self) -> bool:
        return self._cancel.is_set()

    def wait(self) -> None:
        """Until the thread has ended (used when the window closes)."""
        self.thread.wait()

    def _run(self) -> None:
        from app.hr.collect import CollectError, collect
        from app.hr.register import Register, RegisterError

        try:
            with Register.open(self._register_path) as register:
                result = collect(self.folder, register, progress=self.progress_changed.emit,
                                 cancelled=self._cancel.is_set, **self._options)
        except (CollectError, RegisterError) as error:
            self.collect_failed.emit(str(error))
        except Exception:  # noqa: BLE001 - the thread must end with a message, never silently
            log.exception("collecting a folder failed")
            self.collect_failed.emit(tr(
                "Collecting stopped because of an unexpected problem. What was checked so far is kept; "
                "collect again to carry on. If it happens again, tell IT and mention the log file."))
        else:
            self.collect_finished.emit(result)
        finally:
            self.thread.quit()
