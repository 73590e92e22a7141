"""A bad database file at start, seen as the person sees it: the real app (run_app) opening it.

Damaged, empty, not SQLite at all (a text file, a PNG) or written by a newer version: the file
is kept aside byte for byte or opened read-only, never overwritten or downgraded, and the
window says what happened and what the person can do. Also: a data folder on a network drive
and a second copy of the app, each with a message and never SQLite's own words.
"""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

import pytest

import app
from app.core.audit import Answer, Audit, AuditType, Person, Status
from app.core.checklist import Profile
from app.store.migrations import SCHEMA_VERSION
from app.store.paths import DATABASE_NAME, NETWORK_ENV, on_network_drive
from app.store.repository import AuditRepository
sys.path.insert(0, str(Path(__file__).parent))  # tests/faults, the helpers
from faults.gui import start_app  # noqa: E402

pytestmark = pytest.mark.gui
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")  # a PNG's first bytes
NOTE = "Private note: ask Jo about the PTA group"


def cycle_now() -> str:
    from app.core.cycle import cycle_for

    return cycle_for(datetime.now().date(), 9)


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("SELF_AUDIT_DATA_DIR", str(folder))
    monkeypatch.delenv(NETWORK_ENV, raising=False)
    return folder


def real_store(folder: Path, answers: int = 40) -> Path:
    """A real store with this cycle's audit in bury-ce and some answers, closed."""
    path = folder / DATABASE_NAME
    repo = AuditRepository.open(path)
    audit = repo.create_audit(Audit(
        person=Person("Kai Jones", "K1", "Teaching assistant"), school="Bury C of E", checklist_id="bury-ce",
        checklist_version="1", checklist_sha256="0" * 64, cycle=cycle_now(), audit_type=AuditType.ANNUAL,
        started_at=datetime.now(timezone.utc), profile=Profile(platforms=frozenset({"tiktok"}))))
    for n in range(answers):
        repo.save_answer(audit.id, f"item-{n}", Answer(Status.DONE, note=f"{NOTE} {n} " + "x" * 500))
    repo.close()
    return path


def damaged(path: Path) -> bytes:
    """Random bytes over the middle of the file: its tables' pages, not its header."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    assert len(data) >= 6 * page
    start, end = 2 * page, len(data) - page
    data[start:end] = random.Random(11).randbytes(end - start)
    return bytes(data)


def kept_aside(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if ".unreadable-" in p.name and not p.name.endswith(("-wal", "-shm")))


@pytest.mark.parametrize("kind, reason", [
    ("damaged", "it is damaged"),
    ("empty", "it is empty"),
    ("text", "it is not an audit database"),
    ("png", "it is not an audit database"),
])
def test_an_unreadable_file_is_kept_aside_and_the_window_says_so(kind, reason, data, monkeypatch, qapp):
    data.mkdir(mode=0o700)
    original = {"damaged": lambda: damaged(real_store(data)), "empty": lambda: b"",
                "text": lambda: "My answers, typed out by hand \u2013 Kai\n".encode() * 50,
                "png": lambda: PNG + random.Random(5).randbytes(3000)}[kind]()
    (data / DATABASE_NAME).write_bytes(original)
    for suffix in ("-wal", "-shm"):  # a damaged store's journal files go aside with it
        Path(f"{data / DATABASE_NAME}{suffix}").unlink(missing_ok=True)

    started = start_app(monkeypatch)

    assert started.code == 0 and started.error is None
    [kept] = kept_aside(data)
    assert kept.read_bytes() == original  # byte for byte, never overwritten
    assert started.banner_visible
    assert f"could not be read ({reason})" in started.banner and kept.name in started.banner
    assert "kept, unchanged" in started.banner and "IT may be able to recover" in started.banner
    assert started.page == "ProfilePage" or started.answers == {}  # a new, empty store: start again
    assert not any(raw in started.banner for raw in ("malformed", "disk image", "file is not a database"))
    with closing(sqlite3.connect(data / DATABASE_NAME)) as conn:  # the new store is a sound one
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    log = (data / "logs" / "self-audit.log").read_text(encoding="utf-8")
    assert NOTE not in log and "My answers" not in log


def test_a_newer_versions_store_opens_read_only_and_is_never_written(data, monkeypatch, qapp):
    path = real_store(data)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    names_before = sorted(p.name for p in data.iterdir())

    started = start_app(monkeypatch)

    assert started.code == 0 and started.error is None
    assert started.read_only and started.save_label == "Read-only"
    assert "newer version" in started.banner and "read-only" in started.banner
    assert "install the newer version" in started.banner  # what to do
    assert len(started.answers) == 40 and started.answers["item-3"].note.startswith(NOTE)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert kept_aside(data) == []
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION + 3,)  # never downgraded
    left = sorted(p.name for p in data.iterdir() if p.name not in ("logs", "cache", "self-audit.lock"))
    assert [n for n in left if not n.endswith(("-wal", "-shm"))] == names_before
    wal = Path(f"{path}-wal")  # SQLite's reader may leave an empty journal beside it, never a change
    assert not wal.exists() or wal.stat().st_size == 0


def test_a_network_drive_gets_a_rollback_journal_an_exclusive_lock_and_a_warning(data, monkeypatch, qapp):
    real_store(data)
    monkeypatch.setenv(NETWORK_ENV, "1")  # as if on SMB or NFS: their locks and WAL cannot be trusted

    started = start_app(monkeypatch)

    assert started.code == 0 and started.error is None
    assert "network drive" in started.banner and "keep the folder on this laptop" in started.banner
    assert not started.read_only and len(started.answers) == 40
    with closing(sqlite3.connect(data / DATABASE_NAME)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # no WAL left behind
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


OTHER_COPY = textwrap.dedent("""
    import sys
    from pathlib import Path
    from app.store.errors import StoreError
    from app.store.repository import AuditRepository
    repository = __import__("app.store.repository", fromlist=["x"])
    repository.BUSY_TIMEOUT_S = 0.2
    try:
        AuditRepository.open(Path(sys.argv[1]))
        print("OPENED")
    except StoreError as exc:
        print("REFUSED", type(exc).__name__, exc)
""")


def test_a_second_copy_on_a_network_drive_is_refused_in_plain_words(data, monkeypatch):
    """On a network drive the instance lock cannot be trusted; SQLite's exclusive lock still holds."""
    path = real_store(data)
    monkeypatch.setenv(NETWORK_ENV, "1")
    first = AuditRepository.open(path)
    try:
        env = {**os.environ, "PYTHONPATH": str(Path(app.__file__).resolve().parents[1])}
        second = subprocess.run([sys.executable, "-c", OTHER_COPY, str(path)], capture_output=True, text=True,
                                env=env, timeout=60)
        assert second.returncode == 0, second.stderr
        assert second.stdout.startswith("REFUSED StoreLockedError"), second.stdout
        assert "another copy of Staff Self-Audit" in second.stdout and "Close the other window" in second.stdout
        assert "database is locked" not in second.stdout
        assert first.audit(first.latest_audit().id).answers["item-1"].note.startswith(NOTE)
    finally:
        first.close()
    assert kept_aside(data) == []  # a busy store is never taken for a damaged one


def test_the_real_data_folder_here_is_not_taken_for_a_network_drive(tmp_path, monkeypatch):
    monkeypatch.delenv(NETWORK_ENV, raising=False)
    assert on_network_drive(tmp_path) is False
    monkeypatch.setenv(NETWORK_ENV, "0")
    assert on_network_drive(tmp_path) is False


def test_sqlite_wording_never_reaches_the_person():
    from app.store.errors import translate

    for raw in ("no such table: answers", "UNIQUE constraint failed: answers.item_id", "SQL logic error"):
        for opening in (False, True):
            message = str(translate(sqlite3.OperationalError(raw), opening=opening))
            assert raw not in message and "database said" not in message
            assert ("could not be opened" if opening else "is kept in the window") in message


def test_a_window_gone_within_its_first_300_ms_leaves_no_timer_to_fire_on_it(qtbot, tmp_path, monkeypatch):
    # The checklists still to read and the single-instance listener start 300 ms after the first
    # paint; the window is their timers' context, so a window already gone cancels them rather
    # than have them raise "Internal C++ object already deleted" in the event loop.
    monkeypatch.setenv("SELF_AUDIT_DATA_DIR", str(tmp_path / "data"))
    started = start_app(monkeypatch)  # quits after the first paint; the window is then deleted
    assert started.code == 0 and started.error is None
    qtbot.wait(700)  # pytest-qt fails the test on any exception raised in the event loop meanwhile
