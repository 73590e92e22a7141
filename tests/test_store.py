"""The local store keeps answers safe: real SQLite files under tmp_path, real processes, no mocks."""

from __future__ import annotations

import hashlib
import inspect
import os
import random
import signal
import sqlite3
import stat
import subprocess
import threading
import sys
import time
from contextlib import closing
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlite_utils import Database

import app
from app.core.audit import Answer, Audit, AuditType, Person, Status
from app.core.checklist import Profile
from app.store import repository
from app.store.errors import StoreFullError, StoreLockedError, StoreNewerVersionError, StoreReadOnlyError, translate
from app.store.migrations import SCHEMA_VERSION
from app.store.repository import AuditRepository

NAME = "Si\u00e2n \u0174yn-Nguy\u1ec5n"  # Siân Ŵyn-Nguyễn
CRASH_SEED = 20261120


def make_audit(cycle: str = "2025-26", audit_type: AuditType = AuditType.ANNUAL) -> Audit:
    return Audit(
        person=Person(NAME, "s.wyn-nguyen@ysgol.example", "Athro / Teacher"),
        school="Ysgol Gymraeg Llan\u00eblli",
        checklist_id="uk-staff", checklist_version="2.1", checklist_sha256="ab" * 32,
        cycle=cycle, audit_type=audit_type,
        started_at=datetime(2025, 9, 3, 8, 15, 30, 123456, tzinfo=timezone.utc),
        profile=Profile(platforms=frozenset({"facebook", "tiktok"}), new_starter=False,
                        answers={"has_school_account": True, "coaches_club": False}),
    )


def answer_for(n: int, tag: str = "") -> Answer:
    """A different, exactly checkable answer for each n, cycling through all three statuses."""
    kind = n % 3
    if kind == 0:
        return Answer(Status.DONE, note=f"privacy checked {tag}{n} \u2714")
    if kind == 1:
        return Answer(Status.ACTION, action=f"untag photo {tag}{n} caf\u00e9", due=date(2026, 1, 1) + timedelta(days=n))
    return Answer(Status.NOT_APPLICABLE, reason=f"no account ({tag}{n}) \u2013 d\u00e9j\u00e0 vu")


def raw(path: Path, sql: str, args: tuple = ()) -> list[tuple]:
    """Read the file with plain sqlite3, read-only, to see what really is on disk."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return conn.execute(sql, args).fetchall()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "data" / "self-audit.sqlite3"


@pytest.fixture
def store_with_data(db_path) -> Path:
    """A real, closed store file holding one audit with a few answers."""
    repo = AuditRepository.open(db_path)
    audit = repo.create_audit(make_audit())
    for n in range(30):
        repo.save_answer(audit.id, f"item-{n}", answer_for(n))
    repo.close()
    return db_path


def test_everything_saved_comes_back_equal_after_reopening(db_path):
    repo = AuditRepository.open(db_path)
    audit = repo.create_audit(make_audit())
    answers = {
        "settings-1": Answer(Status.DONE, note="Checked on my phone \u2013 \u2018friends only\u2019"),
        "tags-2": Answer(Status.ACTION, action="Remove the Year 9 trip photo", due=date(2026, 3, 31)),
        "logos-3": Answer(Status.NOT_APPLICABLE, reason="I don\u2019t use the school logo anywhere"),
    }
    for item_id, answer in answers.items():
        repo.save_answer(audit.id, item_id, answer)
    repo.save_position(audit.id, "tags-2")
    done = datetime(2026, 1, 5, 16, 30, tzinfo=timezone.utc)
    repo.mark_completed(audit.id, done)
    # Later the person fixes their role: saving details must not undo the position or completion.
    audit.person = Person(NAME, "S123", "Head of Year 9")
    audit.profile = Profile(platforms=frozenset({"instagram", "x", "whatsapp"}), new_starter=True,
                            answers={"has_school_account": False})
    repo.save_details(audit)
    repo.close()

    reopened = AuditRepository.open(db_path)
    got = reopened.audit(audit.id)
    expected = make_audit()
    expected.id, expected.person, expected.profile = audit.id, audit.person, audit.profile
    expected.answers, expected.current_item_id, expected.completed_at = answers, "tags-2", done
    assert got == expected
    assert reopened.notices == [] and reopened.read_only is False
    reopened.close()


def test_saving_an_item_again_replaces_it(db_path):
    repo = AuditRepository.open(db_path)
    audit = repo.create_audit(make_audit())
    repo.save_answer(audit.id, "item-1", Answer(Status.ACTION, action="Hide my friends list", due=date(2026, 2, 1)))
    repo.save_answer(audit.id, "item-1", Answer(Status.DONE, note="done it"))
    repo.close()

    assert raw(db_path, "SELECT count(*) FROM answers WHERE audit_id = ? AND item_id = 'item-1'", (audit.id,)) == [(1,)]
    reopened = AuditRepository.open(db_path)
    assert reopened.audit(audit.id).answers == {"item-1": Answer(Status.DONE, note="done it")}
    reopened.close()


def test_every_cycles_audit_is_kept(db_path):
    repo = AuditRepository.open(db_path)
    ids = {}
    for cycle, kind in [("2023-24", AuditType.INDUCTION), ("2023-24", AuditType.ANNUAL),
                        ("2024-25", AuditType.ANNUAL), ("2025-26", AuditType.ANNUAL)]:
        audit = repo.create_audit(make_audit(cycle, kind))
        repo.save_answer(audit.id, "item-1", Answer(Status.DONE, note=cycle))
        ids[(cycle, kind)] = audit.id
    repo.mark_completed(ids[("2023-24", AuditType.ANNUAL)], datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc))
    repo.close()

    reopened = AuditRepository.open(db_path)
    summaries = reopened.summaries()
    assert {(s.cycle, s.audit_type): s.id for s in summaries} == ids
    assert [s.id for s in summaries] == sorted(ids.values(), reverse=True)
    completed = {s.id: s.completed_at for s in summaries}
    assert completed[ids[("2023-24", AuditType.ANNUAL)]] == datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
    assert reopened.latest_audit("2024-25").id == ids[("2024-25", AuditType.ANNUAL)]
    for (cycle, _), audit_id in ids.items():
        assert reopened.audit(audit_id).answers == {"item-1": Answer(Status.DONE, note=cycle)}
    reopened.close()


CHILD = """
import sys
from datetime import date, timedelta
from pathlib import Path
from app.core.audit import Answer, Status
from app.store.repository import AuditRepository

{answer_for}
repo = AuditRepository.open(Path(sys.argv[1]))
audit_id, run = int(sys.argv[2]), sys.argv[3]
for n in range(100_000):
    repo.save_answer(audit_id, f"item-{{n % {items}}}", answer_for(n, f"run {{run}} "))
    print(n, flush=True)  # only once save_answer has returned
"""
CRASH_ITEMS = 25  # fewer items than saves, so most saves replace an earlier answer


def test_answers_survive_the_app_being_killed_mid_save(db_path, tmp_path):
    rng = random.Random(CRASH_SEED)
    script = CHILD.format(answer_for=inspect.getsource(answer_for), items=CRASH_ITEMS)
    # The child imports the very `app` this test imported (editable checkout or installed wheel).
    app_root = str(Path(app.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [app_root, os.environ.get("PYTHONPATH")]))}
    repo = AuditRepository.open(db_path)
    audit_id = repo.create_audit(make_audit()).id
    repo.close()

    expected: dict[str, Answer] = {}
    for run in range(15):
        wanted, tag = rng.randint(1, 60), f"run {run} "
        where = f"seed {CRASH_SEED}, run {run}, killed after {wanted}+ saves"
        child = subprocess.Popen([sys.executable, "-c", script, str(db_path), str(audit_id), str(run)],
                                 cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        watchdog = threading.Timer(60, child.kill)  # a hung child fails the test instead of hanging CI
        watchdog.start()
        lines = [child.stdout.readline() for _ in range(wanted)]
        watchdog.cancel()
        assert all(lines), f"{where}: the child stopped early: {child.stderr.read()}"
        deadline = time.perf_counter() + rng.uniform(0, 0.005)  # kill somewhere inside the next saves
        while time.perf_counter() < deadline:
            pass
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
        # Read the rest through the same buffered reader: communicate() would read the raw pipe and
        # miss lines readline() had already buffered, taking saved answers for lost ones.
        lines += child.stdout.read().splitlines(keepends=True)
        printed = [int(line) for line in lines if line.endswith("\n")]  # printed in full: save had returned
        for n in printed:
            expected[f"item-{n % CRASH_ITEMS}"] = answer_for(n, tag)
        # The save after the last printed one may have committed before the kill: either answer is right.
        maybe = printed[-1] + 1
        maybe_id, maybe_answer = f"item-{maybe % CRASH_ITEMS}", answer_for(maybe, tag)

        reopened = AuditRepository.open(db_path)
        assert reopened.notices == [], where
        assert reopened.integrity_ok(), where
        stored = reopened.audit(audit_id).answers
        reopened.close()
        if stored.get(maybe_id) == maybe_answer:
            expected[maybe_id] = maybe_answer
        wrong = sorted(k for k, v in expected.items() if stored.get(k) != v)
        assert not wrong, f"{where}: lost or changed {wrong}: {[stored.get(k) for k in wrong[:3]]}"


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_data_folder_and_files_are_private_to_the_owner(db_path):
    db_path.parent.mkdir()
    db_path.parent.chmod(0o755)
    old_umask = os.umask(0o022)
    try:
        for _ in range(2):  # a new file, then an existing one
            repo = AuditRepository.open(db_path)
            audit = repo.create_audit(make_audit())
            repo.save_answer(audit.id, "item-1", Answer(Status.DONE))
            assert mode(db_path.parent) == 0o700
            for suffix in ("", "-wal", "-shm"):
                f = Path(f"{db_path}{suffix}")
                assert f.exists() and mode(f) == 0o600, f"{f.name} is {oct(mode(f))}"
            repo.close()
            db_path.parent.chmod(0o755)
    finally:
        os.umask(old_umask)


def corrupt_pages(path: Path) -> bytes:
    """A real store whose pages after the first (the tables and their rows) are overwritten with junk."""
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    assert len(data) >= 3 * page_size, "the test store should span several pages"
    data[page_size:] = random.Random(7).randbytes(len(data) - page_size)
    return bytes(data)


def kept_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if ".unreadable-" in p.name and not p.name.endswith(("-wal", "-shm")))


@pytest.mark.parametrize("kind, reason", [("empty", "it is empty"), ("not-sqlite", "it is not an audit database"),
                                          ("damaged-pages", "it is damaged")])
def test_unreadable_file_is_kept_aside_unchanged_and_a_new_store_started(kind, reason, db_path, store_with_data):
    original = {"empty": lambda: b"", "not-sqlite": lambda: random.Random(3).randbytes(10_000),
                "damaged-pages": lambda: corrupt_pages(store_with_data)}[kind]()
    db_path.write_bytes(original)

    repo = AuditRepository.open(db_path)
    assert repo.summaries() == [] and repo.read_only is False
    kept = kept_files(db_path.parent)
    assert len(kept) == 1 and kept[0].read_bytes() == original, [p.name for p in db_path.parent.iterdir()]
    assert len(repo.notices) == 1 and kept[0].name in repo.notices[0]
    assert f"could not be read ({reason})" in repo.notices[0] and "kept, unchanged" in repo.notices[0]
    audit = repo.create_audit(make_audit())  # the new store works
    repo.save_answer(audit.id, "item-1", Answer(Status.DONE))
    repo.close()
    assert kept[0].read_bytes() == original


def test_bad_files_kept_in_the_same_second_do_not_overwrite_each_other(db_path):
    db_path.parent.mkdir()
    originals = [random.Random(seed).randbytes(4096) for seed in range(3)]
    for original in originals:
        db_path.write_bytes(original)
        AuditRepository.open(db_path).close()
    assert sorted(p.read_bytes() for p in kept_files(db_path.parent)) == sorted(originals)


def test_newer_version_opens_read_only_and_is_never_written(store_with_data):
    conn = sqlite3.connect(store_with_data)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    before = sha256(store_with_data)

    repo = AuditRepository.open(store_with_data)
    assert repo.read_only is True
    assert len(repo.notices) == 1 and "newer version" in repo.notices[0]
    [summary] = repo.summaries()
    assert repo.audit(summary.id).answers["item-4"] == answer_for(4)
    with pytest.raises(StoreNewerVersionError, match="newer version"):
        repo.save_answer(summary.id, "item-1", Answer(Status.DONE))
    with pytest.raises(StoreNewerVersionError, match="newer version"):
        repo.create_audit(make_audit())
    assert sha256(store_with_data) == before
    repo.close()

    assert sha256(store_with_data) == before
    assert raw(store_with_data, "PRAGMA user_version") == [(SCHEMA_VERSION + 5,)]


def test_locked_store_says_another_copy_and_saves_once_released(db_path, monkeypatch):
    monkeypatch.setattr(repository, "BUSY_TIMEOUT_S", 0.2)
    repo = AuditRepository.open(db_path)
    audit = repo.create_audit(make_audit())
    other = sqlite3.connect(db_path, isolation_level=None, timeout=0)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreLockedError, match="another copy") as caught:
            repo.save_answer(audit.id, "item-1", Answer(Status.DONE))
        assert not isinstance(caught.value, sqlite3.Error)
        with pytest.raises(StoreLockedError):
            repo.save_position(audit.id, "item-1")
        with pytest.raises(StoreLockedError):
            repo.create_audit(make_audit("2026-27"))
    finally:
        other.execute("ROLLBACK")
        other.close()

    repo.save_answer(audit.id, "item-1", Answer(Status.DONE, note="saved after all"))
    repo.close()
    reopened = AuditRepository.open(db_path)
    assert reopened.audit(audit.id).answers == {"item-1": Answer(Status.DONE, note="saved after all")}
    assert len(reopened.summaries()) == 1
    reopened.close()


def test_a_read_only_database_gives_a_plain_read_only_error(store_with_data):
    """Works as root too: a connection SQLite itself opened read-only refuses every write."""
    conn = sqlite3.connect(f"{store_with_data.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    repo = AuditRepository(Database(conn), store_with_data, read_only=False, notices=[])
    [summary] = repo.summaries()
    with pytest.raises(StoreReadOnlyError, match="cannot be written"):
        repo.save_answer(summary.id, "item-1", Answer(Status.DONE))
    with pytest.raises(StoreReadOnlyError, match="cannot be written"):
        repo.create_audit(make_audit())
    with pytest.raises(StoreReadOnlyError, match="cannot be written"):
        repo.save_position(summary.id, "item-2")
    repo.close()


def test_sqlite_wording_is_translated_for_people():
    assert isinstance(translate(sqlite3.OperationalError("attempt to write a readonly database")), StoreReadOnlyError)
    assert isinstance(translate(sqlite3.OperationalError("database or disk is full")), StoreFullError)
    assert isinstance(translate(sqlite3.OperationalError("database is locked")), StoreLockedError)
    assert "disk is full" in str(translate(sqlite3.OperationalError("database or disk is full")))


def test_fresh_store_is_at_schema_version_and_reopening_keeps_data(db_path):
    repo = AuditRepository.open(db_path)
    audit = repo.create_audit(make_audit())
    repo.save_answer(audit.id, "item-1", Answer(Status.DONE, note="first"))
    repo.close()
    assert raw(db_path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]

    for _ in range(2):
        reopened = AuditRepository.open(db_path)
        assert reopened.notices == []
        assert reopened.audit(audit.id).answers == {"item-1": Answer(Status.DONE, note="first")}
        reopened.close()
    assert raw(db_path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert raw(db_path, "SELECT count(*) FROM audits") == [(1,)]


def test_texts_are_stored_and_read_back_nfc(db_path):
    repo = AuditRepository.open(db_path)
    audit = make_audit()
    audit.person = Person("Sia\u0302n W\u0302yn", "s1", "te\u0301acher")
    audit = repo.create_audit(audit)
    repo.save_answer(audit.id, "item-1", Answer(Status.DONE, note="e\u0301"))
    repo.save_answer(audit.id, "item-2", Answer(Status.ACTION, action="cafe\u0301", due=date(2026, 1, 2)))
    repo.save_answer(audit.id, "item-3", Answer(Status.NOT_APPLICABLE, reason="nai\u0308ve"))
    repo.close()

    assert raw(db_path, "SELECT note, action, reason FROM answers ORDER BY item_id") == [
        ("\u00e9", "", ""), ("", "caf\u00e9", ""), ("", "", "na\u00efve")]
    assert raw(db_path, "SELECT name, role FROM audits") == [("Si\u00e2n \u0174yn", "t\u00e9acher")]
    reopened = AuditRepository.open(db_path)
    assert reopened.audit(audit.id).answers["item-1"].note == "\u00e9"
    reopened.close()
