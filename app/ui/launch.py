"""The composition root: wires the store, the checklists and the window together."""

from __future__ import annotations

import gc
import logging
import os
import sys
import traceback

# The Qt-free modules come first: PySide6 installs an import hook that reads the source of
# every module imported after it (about 25 ms for these).
from app import __version__
from app.checklist_files import BundledChecklists
from app.logs import setup_logging
from app.resources import resource_path
from app.session import AuditSession
from app.store.errors import StoreError
from app.store.instance_lock import take_instance_lock
from app.store.paths import data_dir, database_path, ensure_private_dir
from app.store.repository import AuditRepository

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)
EXIT_AFTER_PAINT = "SELF_AUDIT_EXIT_AFTER_PAINT"
READ_REST_AFTER_PAINT_MS = 300
CACHE_FOLDER = "cache"  # in the data folder: parsed checklists, rebuilt whenever missing
# A second launch in the first's opening moments finds its lock taken but its window not yet
# listening, so it asks again for this long before saying the app is open already.
HAND_OVER_WAIT_S = 5.0


def run_app(argv: list[str] | None = None) -> int:
    if os.name == "posix":
        os.umask(0o077)  # everything the app writes is its owner's alone
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("StaffSelfAudit")
    app.setApplicationDisplayName(app.translate("app", "Staff Social Media Self-Audit"))
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(resource_path("icons", "app.svg"))))
    _install_translation(app)

    folder = data_dir()
    try:
        ensure_private_dir(folder)
        lock = take_instance_lock(folder)
        if lock is None:
            return _hand_over_to_running_instance(app, folder)
        setup_logging(folder / "logs")
        repository = AuditRepository.open(database_path())
    except (StoreError, OSError) as exc:
        QMessageBox.critical(None, app.applicationDisplayName(), _cannot_open_message(exc))
        return 1
    sys.excepthook = _excepthook
    checklists = BundledChecklists(cache_folder=folder / CACHE_FOLDER)
    session = AuditSession(repository, checklists)
    window = MainWindow(session, list(repository.notices), identities=lambda: _identity_store(folder))
    # The other checklists are read just after the first paint; a problem in any is shown then.
    window.first_painted.connect(
        lambda: QTimer.singleShot(READ_REST_AFTER_PAINT_MS, lambda: _report_checklist_problems(window, checklists)))
    window.first_painted.connect(lambda: QTimer.singleShot(
        READ_REST_AFTER_PAINT_MS, lambda: _listen_for_later_launches(window, folder)))
    if os.environ.get(EXIT_AFTER_PAINT) == "1":
        window.first_painted.connect(lambda: QTimer.singleShot(0, app.quit))
    window.show()
    log.info("started %s", __version__)
    code = app.exec()
    repository.close()
    lock.release()
    # The process ends next: its last collections would walk every object still alive, Qt's
    # bindings above all (some 35 ms), and nothing left needs collecting.
    gc.freeze()
    return code


def _identity_store(folder):
    from app.signing.identity import IdentityStore

    return IdentityStore(folder / "identity")


def _listen_for_later_launches(window: MainWindow, folder) -> None:
    from app.ui.single_instance import InstanceServer, server_name

    server = InstanceServer(server_name(str(folder.resolve())), window)
    server.raise_requested.connect(window.bring_to_front)


def _hand_over_to_running_instance(app: QApplication, folder) -> int:
    import time

    from app.ui.single_instance import ask_running_instance_to_raise, server_name

    name = server_name(str(folder.resolve()))
    deadline = time.monotonic() + HAND_OVER_WAIT_S
    while not ask_running_instance_to_raise(name):
        if time.monotonic() > deadline:
            QMessageBox.information(None, app.applicationDisplayName(), app.translate(
                "app", "Staff Self-Audit is already open. Look for its window in the taskbar."))
            return 0
        time.sleep(0.1)
    print(app.translate("app", "Staff Self-Audit is already open: its window has been brought to the front."))
    return 0


def _report_checklist_problems(window: MainWindow, checklists: BundledChecklists) -> None:
    checklists.read_all()
    if checklists.problems:
        window.banner.show_message("\n".join(str(p) for p in checklists.problems))


def _install_translation(app: QApplication) -> None:
    """English (UK) is built in; another language loads when its .qm file is shipped."""
    folder = resource_path("i18n")
    if not any(folder.glob("self-audit_*.qm")):
        return  # only English (UK) ships so far: no locale to look up
    from PySide6.QtCore import QLocale, QTranslator

    translator = QTranslator(app)
    if translator.load(QLocale(), "self-audit", "_", str(folder)):
        app.installTranslator(translator)


def _cannot_open_message(exc: Exception) -> str:
    if isinstance(exc, StoreError):
        return str(exc)
    return QApplication.translate(
        "app", "Your data folder could not be opened ({error}). Ask IT to check that you can write to it."
    ).format(error=getattr(exc, "strerror", None) or exc)


def _excepthook(kind, value, tb) -> None:
    # The traceback names code, not answers: widgets never put answer text in exceptions.
    log.error("unexpected error: %s", "".join(traceback.format_exception(kind, value, tb)))
    QMessageBox.critical(
        None, QApplication.applicationDisplayName(),
        QApplication.translate("app", "Something went wrong. Your saved answers are safe; "
                                      "if it happens again, tell IT and mention the log file."),
    )
