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
from app.school_config_files import read_school_config
from app.session import AuditSession
from app.store.errors import StoreError, folder_problem_message
from app.store.instance_lock import take_instance_lock
from app.store.paths import data_dir, database_path, ensure_private_dir, secure_data_folder
from app.store.repository import AuditRepository

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication  # QMessageBox where shown: its enums are no part of start-up

from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)
EXIT_AFTER_PAINT = "SELF_AUDIT_EXIT_AFTER_PAINT"
READ_REST_AFTER_PAINT_MS = 300
CACHE_FOLDER = "cache"  # in the data folder: parsed checklists, rebuilt whenever missing
# A second launch in the first's opening moments finds its lock taken but its window not yet
# listening, so it asks again for this long before saying the app is open already.
HAND_OVER_WAIT_S = 5.0


def _application(argv: list[str] | None, icon_now: bool = True) -> QApplication:
    if os.name == "posix":
        os.umask(0o077)  # everything the app writes is its owner's alone
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("StaffSelfAudit")
    app.setApplicationDisplayName(app.translate("app", "Staff Social Media Self-Audit"))
    app.setApplicationVersion(__version__)
    if icon_now:
        _set_window_icon(app)
    _install_translation(app)
    return app


def _set_window_icon(app: QApplication) -> None:
    # The audit window sets it in _after_first_paint: the icon's class, its SVG engine and its
    # sizes for the window system cost start-up some 10 ms. Until then the title bar and taskbar
    # may show the system's default icon (macOS's Dock shows the bundle's).
    from PySide6.QtGui import QIcon

    app.setWindowIcon(QIcon(str(resource_path("icons", "app.svg"))))


def run_app(argv: list[str] | None = None) -> int:
    app = _application(argv, icon_now=False)
    folder = data_dir()
    lock = None
    try:
        ensure_private_dir(folder)
        lock = take_instance_lock(folder)
        if lock is None:
            _set_window_icon(app)
            return _hand_over_to_running_instance(app, folder)
        setup_logging(folder / "logs")
        tightened = secure_data_folder(folder)
        if tightened:  # someone (a backup restore, a copy) loosened them: owner-only again
            log.warning("made owner-only again: %s", ", ".join(tightened))
        school, school_problem = read_school_config()
        if school is not None and school.hr_only:  # HR's copy: the register, and no staff store at all
            gc.enable()  # the command line turned it off until the audit's first paint
            _set_window_icon(app)
            return _run_hr_only(app, lock, school)
        repository = AuditRepository.open(database_path())
    except (StoreError, OSError) as exc:
        if lock is not None:
            lock.release()
        _set_window_icon(app)
        show_startup_error(_cannot_open_message(exc, folder))
        return 1
    sys.excepthook = _excepthook
    notices = list(repository.notices)
    if school_problem is not None:
        notices.append(_school_config_message(school_problem))
    checklists = BundledChecklists(cache_folder=folder / CACHE_FOLDER)
    session = AuditSession(repository, checklists, **_session_settings(school))
    window = MainWindow(session, notices, identities=lambda: _identity_store(folder), school=school,
                        data_folder=folder)
    # The window is the timer's context, so a window closed within those 300 ms cancels it.
    window.first_painted.connect(_collect_from_now_on)
    window.first_painted.connect(lambda: QTimer.singleShot(
        READ_REST_AFTER_PAINT_MS, window, lambda: _after_first_paint(app, window, checklists, folder)))
    if os.environ.get(EXIT_AFTER_PAINT) == "1":
        window.first_painted.connect(lambda: QTimer.singleShot(0, app.quit))
    window.show()
    log.info("started %s", __version__)
    code = app.exec()
    repository.close()
    lock.release()
    if window.data_deleted:  # everything else went while the app ran; its lock goes last
        from app.data_rights import finish_deletion

        finish_deletion(folder)
    # The process ends next: its last collections would walk every object still alive, Qt's
    # bindings above all (some 35 ms), and nothing left needs collecting.
    gc.freeze()
    return code


def _after_first_paint(app: QApplication, window: MainWindow, checklists: BundledChecklists, folder) -> None:
    """What the first screen need not wait for: the window icon, reading the other checklists
    (a problem in any is shown then) and listening for a second launch."""
    _set_window_icon(app)
    _report_checklist_problems(window, checklists)
    _listen_for_later_launches(window, folder)


def _collect_from_now_on() -> None:
    """Collection back on after the first paint. What start-up made lives as long as the app:
    frozen, it is never walked again; left in the youngest generation, the next collection
    would walk all of it (some 40 ms), in the middle of painting the first frame."""
    gc.freeze()
    gc.enable()


def run_hr_app(register_path=None, argv: list[str] | None = None) -> int:
    """`self-audit hr`: HR's register window, whatever the school configuration says. It takes no
    instance lock: the register is its own file, and HR may have the audit open as well."""
    app = _application(argv)
    folder = data_dir()
    try:
        ensure_private_dir(folder)
        setup_logging(folder / "logs")
    except OSError as exc:
        show_startup_error(_cannot_open_message(exc, folder))
        return 1
    sys.excepthook = _excepthook
    school, _problem = read_school_config()  # a problem is only the audit's: HR works without it
    return _show_hr_window(app, school, register_path)


def _run_hr_only(app: QApplication, lock, school) -> int:
    sys.excepthook = _excepthook
    try:
        return _show_hr_window(app, school)
    finally:
        lock.release()


def _show_hr_window(app: QApplication, school, register_path=None) -> int:
    from app.ui.hr.hr_window import HrWindow

    window = HrWindow(register_path, school=school)
    window.show()
    if os.environ.get(EXIT_AFTER_PAINT) == "1":
        QTimer.singleShot(0, app.quit)
    log.info("started %s (HR register)", __version__)
    return app.exec()


def _session_settings(school) -> dict:
    if school is None:
        return {}
    return {"cycle_rules": school.cycle_rules, "school_name": school.school_name}


def _school_config_message(error) -> str:
    # Where and which setting only: the values (such as HR's address) stay out of the log.
    log.warning("school configuration %s not used: %s", error.source, error.where())
    return QApplication.translate(
        "app", "The school's settings file could not be used, so the app is working without it "
               "(you choose your school yourself). Please tell IT:\n{problems}").format(problems=error)


def _identity_store(folder):
    from app.signing.identity import IdentityStore

    return IdentityStore(folder / "identity")


def _listen_for_later_launches(window: MainWindow, folder) -> None:
    from app.ui.single_instance import InstanceServer, server_name

    server = InstanceServer(server_name(str(folder.resolve())), window)
    server.raise_requested.connect(window.bring_to_front)


def _hand_over_to_running_instance(app: QApplication, folder) -> int:
    import time

    from PySide6.QtWidgets import QMessageBox

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


def show_startup_error(text: str) -> None:
    """The message when the app cannot start; a function, so that a test can read it instead."""
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(None, QApplication.applicationDisplayName(), text)


def _cannot_open_message(exc: Exception, folder) -> str:
    if isinstance(exc, StoreError):
        return str(exc)
    log.warning("data folder unusable: %s", type(exc).__name__)
    return folder_problem_message(folder, exc)


def _excepthook(kind, value, tb) -> None:
    from PySide6.QtWidgets import QMessageBox

    # The traceback names code, not answers: widgets never put answer text in exceptions.
    log.error("unexpected error: %s", "".join(traceback.format_exception(kind, value, tb)))
    QMessageBox.critical(
        None, QApplication.applicationDisplayName(),
        QApplication.translate("app", "Something went wrong. Your saved answers are safe; "
                                      "if it happens again, tell IT and mention the log file."),
    )
