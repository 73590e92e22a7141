"""A full disk or a read-only folder during a save, during an export and at start.

Real small file systems (tmpfs, see tests/faults/disks.py) where this machine lets us mount
them; SQLite's own limits or a file-size limit where it does not (never a skip). The answer
stays in memory and on screen, the message says what happened, nothing half-written is left,
and saving resumes by itself once there is room again.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

import app
from app.core.audit import Person
from app.core.checklist import Profile
from app.export import ExportError, write_file
from app.session import AuditSession
from app.store.paths import DATABASE_NAME
from app.store.repository import AuditRepository
from app.ui.main_window import MainWindow

sys.path.insert(0, str(Path(__file__).parent))  # tests/faults, the helpers
from faults.disks import can_mount, small_disk  # noqa: E402
from faults.gui import click, start_app, type_into  # noqa: E402

pytestmark = pytest.mark.gui
NOTE = "Checked on my phone \u2013 friends only \U0001f44d " * 200  # bigger than a page: needs new ones
PDF = b"%PDF-1.7\n" + b"0" * 200_000


@contextmanager
def data_disk(tmp_path):
    """The data folder on a 1 MB disk (None: no mount allowed, SQLite's page limit stands in)."""
    if can_mount():
        with small_disk(tmp_path / "disk", size=16 << 20) as disk:
            yield disk, disk.path / "data"
    else:
        yield None, tmp_path / "data"


class DiskFull:
    """Fill the disk, or where none can be mounted, cap the database at the pages it has."""

    def __init__(self, disk, repo: AuditRepository):
        self.disk, self.repo = disk, repo

    def fill(self) -> None:
        if self.disk is not None:
            self.disk.fill()
        else:  # SQLITE_FULL from SQLite itself: the connection is the repository's own
            conn = self.repo._conn
            conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")

    def free(self) -> None:
        if self.disk is not None:
            self.disk.free()
        else:
            self.repo._conn.execute("PRAGMA max_page_count = 1073741823")


@pytest.fixture
def window_on(qtbot, bundled):
    opened = []

    def make(db: Path) -> MainWindow:
        repo = AuditRepository.open(db)
        opened.append(repo)
        session = AuditSession(repo, bundled)
        session.begin(Person("Kai Jones", "K1", "Teaching assistant"), "bury-ce",
                      Profile(platforms=frozenset({"tiktok"})))
        window = MainWindow(session, repo.notices)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        window._show_audit_or_start()
        return window

    yield make
    for repo in opened:
        repo.close()


def answer_current_item(qtbot, window: MainWindow) -> str:
    item = window.audit_page.item_widget
    item.note_edit.insertPlainText(NOTE[:-20])  # pasted, as a long note would be
    type_into(item.note_edit, NOTE[-20:])  # and the end typed
    click(qtbot, item.done_radio)
    item.flush()
    return window.session.audit.current_item_id


def on_disk(db: Path, item_id: str):
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return conn.execute("SELECT status, note FROM answers WHERE item_id = ?", [item_id]).fetchone()


def test_a_full_disk_keeps_the_answer_on_screen_and_saves_it_when_space_returns(qtbot, window_on, tmp_path):
    with data_disk(tmp_path) as (disk, folder):
        window = window_on(folder / DATABASE_NAME)
        full = DiskFull(disk, window.session.repository)
        full.fill()
        item_id = answer_current_item(qtbot, window)

        assert window.save_label.text() == "Not saved yet"
        assert window.banner.isVisible() and "the disk is full" in window.banner.label.text()
        assert "kept in the window" in window.banner.label.text()
        assert window.session.audit.answer(item_id).note == NOTE
        assert item_id in window.session.save_state.pending  # in memory, waiting
        item = window.audit_page.item_widget
        assert item.done_radio.isChecked() and item.note_edit.toPlainText() == NOTE  # and on screen
        assert on_disk(folder / DATABASE_NAME, item_id) is None  # nothing half-written

        full.free()  # the retry timer saves it with no click from the person
        qtbot.waitUntil(lambda: window.save_label.text() == "All changes saved", timeout=15_000)
        assert "saved again" in window.banner.label.text()
        assert on_disk(folder / DATABASE_NAME, item_id) == ("done", NOTE)
        assert window.session.save_state.all_saved


def test_a_folder_turned_read_only_keeps_the_answer_and_saves_it_once_writable(qtbot, window_on, tmp_path):
    """A mounted file system cannot go read-only under open files (EBUSY), so SQLite's query_only
    makes the connection refuse writes exactly as a read-only file does (SQLITE_READONLY)."""
    db = tmp_path / "data" / DATABASE_NAME
    window = window_on(db)
    conn = window.session.repository._conn
    conn.execute("PRAGMA query_only = ON")
    item_id = answer_current_item(qtbot, window)

    assert window.save_label.text() == "Not saved yet"
    assert "cannot be written to" in window.banner.label.text()
    assert window.audit_page.item_widget.done_radio.isChecked()
    assert window.session.audit.answer(item_id).is_answered and on_disk(db, item_id) is None

    conn.execute("PRAGMA query_only = OFF")
    qtbot.waitUntil(lambda: window.save_label.text() == "All changes saved", timeout=15_000)
    assert on_disk(db, item_id) == ("done", NOTE)


def test_a_read_only_data_folder_at_start_is_said_plainly_and_left_unchanged(tmp_path, monkeypatch, qapp):
    if can_mount():
        with small_disk(tmp_path / "disk") as disk:
            folder = disk.path / "data"
            monkeypatch.setenv("SELF_AUDIT_DATA_DIR", str(folder))
            AuditRepository.open(folder / DATABASE_NAME).close()
            before = hashlib.sha256((folder / DATABASE_NAME).read_bytes()).hexdigest()
            disk.remount(read_only=True)
            started = start_app(monkeypatch)
            assert hashlib.sha256((folder / DATABASE_NAME).read_bytes()).hexdigest() == before
        assert "read-only" in started.error
    else:  # root may write anywhere else: sysfs refuses a new folder even to root
        monkeypatch.setenv("SELF_AUDIT_DATA_DIR", "/sys/staff-self-audit-test")
        started = start_app(monkeypatch)
        assert "permission" in started.error or "read-only" in started.error
    assert started.code == 1
    assert "could not be opened" in started.error and "Nothing has been changed" in started.error
    assert "Errno" not in started.error


# -- the PDF ---------------------------------------------------------------------------------

OVER_THE_LIMIT = textwrap.dedent("""
    import resource, signal, sys
    from pathlib import Path
    from app.export import ExportError, write_file
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, 50_000))
    try:
        write_file(Path(sys.argv[1]), b"%PDF" + b"0" * 200_000, replace_existing=False)
        print("WRITTEN")
    except ExportError as exc:
        print("REFUSED", exc)
""")


def test_a_pdf_that_does_not_fit_leaves_nothing_behind_and_saves_once_there_is_room(tmp_path):
    if can_mount():
        with small_disk(tmp_path / "usb", size=1 << 20) as disk:
            disk.fill()
            target = disk.path / "2026-27_Jones_Kai_K1_self-audit.pdf"
            with pytest.raises(ExportError, match="not enough space") as refused:
                write_file(target, PDF, replace_existing=False)
            assert str(disk.path) in str(refused.value) and "Free some space or choose another folder" in str(refused.value)
            assert disk.files() == []  # no half-written PDF, no temporary file
            disk.free()
            write_file(target, PDF, replace_existing=False)
            assert disk.files() == [target.name] and target.read_bytes() == PDF
    else:  # the same ENOSPC-like refusal from a file-size limit (EFBIG) in a child process
        folder = tmp_path / "out"
        folder.mkdir()
        env = {**os.environ, "PYTHONPATH": str(Path(app.__file__).resolve().parents[1])}
        done = subprocess.run([sys.executable, "-c", OVER_THE_LIMIT, str(folder / "a.pdf")], env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.stdout.startswith("REFUSED") and "not enough space" in done.stdout, done.stdout + done.stderr
        assert list(folder.iterdir()) == []
        write_file(folder / "a.pdf", PDF, replace_existing=False)
        assert (folder / "a.pdf").read_bytes() == PDF


def test_a_pdf_to_a_read_only_disk_is_refused_in_plain_words(tmp_path):
    if can_mount():
        with small_disk(tmp_path / "usb") as disk:
            disk.remount(read_only=True)
            with pytest.raises(ExportError, match="read-only disk") as refused:
                write_file(disk.path / "a.pdf", PDF, replace_existing=False)
            assert "Choose another folder" in str(refused.value)
            assert disk.files() == []
    else:
        with pytest.raises(ExportError, match="not allowed to save"):
            write_file(Path("/sys/a.pdf"), PDF, replace_existing=False)
