"""Start-up does only what the first screen needs, and that first screen is the audit in progress.

The app is started as a person starts it (`python -m app`), in a process of its own, on a data
folder holding this cycle's audit half answered, with SELF_AUDIT_EXIT_AFTER_PAINT=1 so that it
quits straight after the window's first paint. Not timed: `make bench` holds the speed targets.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parent / "perf" / "seed_audit.py"

# Signing, the OS keyring and PDF building cost about 0.75 s of imports together: they belong
# to the moment someone signs or exports, never to opening the window.
HEAVY = {"pyhanko", "pyhanko_certvalidator", "keyring", "reportlab"}
# sqlite-utils (with click, dateutil, tabulate and pluggy's plugin scan, about 0.2 s) is only
# for migrating an older store; an up-to-date one opens with sqlite3 alone.
MIGRATIONS_ONLY = {"sqlite_utils", "click", "dateutil", "tabulate", "pluggy"}

START_AS_A_PERSON_DOES = """
import json, runpy, sys
sys.argv = ["self-audit"]
try:
    runpy.run_module("app", run_name="__main__", alter_sys=True)
except SystemExit as exit:
    code = exit.code
print(json.dumps({"exit": code, "modules": sorted({m.split(".")[0] for m in sys.modules}),
                  "window": "app.ui.main_window" in sys.modules}))
"""

WATCH_THE_FIRST_PAINT = """
import json, sys
import PySide6.QtCore
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow

class FirstPaintWatcher(QObject):
    seen = None

    def eventFilter(self, watched, event):
        if self.seen is None and event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow):
            page = watched.stack.currentWidget()
            self.seen = {"page": type(page).__name__, "visible": page.isVisible(),
                         "check": watched.audit_page.item_widget.check_label.text(),
                         "progress": watched.audit_page.progress_bar.value(),
                         # PySide6 builds the Qt namespace (99 enums, ~60 ms) on its first use
                         "qt_namespace_built": "Qt" in vars(PySide6.QtCore)}
        return False

qt = QApplication(["self-audit"])
watcher = FirstPaintWatcher()
qt.installEventFilter(watcher)
from app.ui.launch import run_app
code = run_app()
print(json.dumps({"exit": code, "first_paint": watcher.seen}))
"""

# The command line turns garbage collection off for start-up (app/cli.py); the window must turn
# it back on, or a day's use would keep every reference cycle it ever made.
WATCH_COLLECTION = """
import gc, json
from PySide6.QtWidgets import QApplication

qt = QApplication(["self-audit"])
seen = {}
qt.aboutToQuit.connect(lambda: seen.update(collecting=gc.isenabled(), start_up_frozen=gc.get_freeze_count() > 0))
from app.cli import main
code = main([])
print(json.dumps({"exit": code, "after_first_paint": seen}))
"""

# The window icon is set just after the first paint (app/ui/launch.py): it must still come.
WATCH_THE_ICON = """
import json
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

qt = QApplication(["self-audit"])
seen = {}

def look():
    seen.update(window_shown=any(w.isVisible() for w in qt.topLevelWidgets()), icon=not qt.windowIcon().isNull())
    qt.quit()

QTimer.singleShot(1500, look)
from app.cli import main
code = main([])
print(json.dumps({"exit": code, "after_a_moment": seen}))
"""


@pytest.fixture
def audit_in_progress(tmp_path) -> tuple[Path, dict]:
    folder = tmp_path / "data"
    seeded = subprocess.run([sys.executable, str(SEED), str(folder)], capture_output=True, text=True, timeout=120)
    assert seeded.returncode == 0, seeded.stderr
    return folder, json.loads(seeded.stdout)


def _start(code: str, folder: Path, cwd: Path, exit_after_paint: bool = True) -> dict:
    env = dict(os.environ, SELF_AUDIT_DATA_DIR=str(folder), QT_QPA_PLATFORM="offscreen",
               SELF_AUDIT_EXIT_AFTER_PAINT="1" if exit_after_paint else "0")
    # From an empty folder, so the app is imported as it is installed.
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["exit"] == 0, done.stderr
    return result


def test_the_window_opens_without_signing_keyring_or_pdf_imports(audit_in_progress, tmp_path):
    folder, _ = audit_in_progress
    started = _start(START_AS_A_PERSON_DOES, folder, tmp_path)
    assert started["window"], "the app quit before building its window"
    assert not HEAVY.intersection(started["modules"]), "imported on the way to the first paint"
    assert not MIGRATIONS_ONLY.intersection(started["modules"]), "imported though the store needed no migration"


def test_the_first_paint_shows_the_audit_in_progress(audit_in_progress, tmp_path):
    folder, seeded = audit_in_progress
    first_paint = _start(WATCH_THE_FIRST_PAINT, folder, tmp_path)["first_paint"]
    assert first_paint == {"page": "AuditPage", "visible": True, "check": seeded["check"],
                           "progress": seeded["answered"], "qt_namespace_built": False}


def test_garbage_collection_is_back_on_once_the_window_has_painted(audit_in_progress, tmp_path):
    folder, _ = audit_in_progress
    started = _start(WATCH_COLLECTION, folder, tmp_path)
    assert started["after_first_paint"] == {"collecting": True, "start_up_frozen": True}


def test_the_window_has_the_apps_icon_a_moment_after_it_opens(audit_in_progress, tmp_path):
    folder, _ = audit_in_progress
    started = _start(WATCH_THE_ICON, folder, tmp_path, exit_after_paint=False)
    assert started["after_a_moment"] == {"window_shown": True, "icon": True}
