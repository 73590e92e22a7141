"""Staff data rights: export everything, delete everything, and prove nothing remains.

Real parts only: audits made through the real AuditRepository and AuditSession, a real identity
in the private Secret Service of tests/run_headless.sh, real signed PDFs from app.export.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
import subprocess
import sys
import tempfile
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from app.checklist_files import BundledChecklists
from app.core.audit import Answer, Person, Status
from app.core.checklist import Profile
from app.data_rights import (
    EXPORT_PREFIX, JSON_NAME, SCHEMA, DataRightsError, delete_my_data, export_my_data, finish_deletion,
    take_inventory,
)
from app.export import prepare, run_export
from app.logs import setup_logging
from app.session import AuditSession
from app.signing.identity import KEYRING_SERVICE, IdentityStore, keyring_username
from app.store.instance_lock import take_instance_lock
from app.store.paths import DATABASE_NAME, ensure_private_dir
from app.store.repository import AuditRepository, ExportRecord

REPO = Path(__file__).resolve().parents[1]
NAME, STAFF_ID = "Siân Ó Briain-Nguyễn", "S1003"
NOTE = "PRIVATE-NOTE the PTA WhatsApp group"
CHECKLIST = "bury-ce"


@pytest.fixture(scope="module", autouse=True)
def throwaway_secret_service():
    """These tests write to the session keyring: only ever a private one, as run_headless.sh makes."""
    backend = keyring.get_keyring()
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if type(backend).__module__ != "keyring.backends.SecretService" or not runtime.startswith(tempfile.gettempdir()):
        pytest.fail(f"needs the private Secret Service of tests/run_headless.sh (found {backend!r}); "
                    "it never uses your own keyring")


def usernames_in_keyring() -> set[str]:
    import secretstorage

    with closing(secretstorage.dbus_init()) as bus:
        return {item.get_attributes()["username"]
                for item in secretstorage.search_items(bus, {"service": KEYRING_SERVICE})}


@dataclass
class Held:
    data: Path
    pdfs: list[Path]  # as saved; changed since; moved away (missing)
    fingerprint: str
    username: str
    secret: str
    items: int


def answer_all(session: AuditSession, profile: Profile) -> int:
    items = session.checklist.applicable_items(profile)
    for n, item in enumerate(items):
        answer = (Answer(Status.ACTION, action="Untag myself from the fête photos", due=date(2027, 1, 10), note=NOTE)
                  if n == 1 else Answer(Status.DONE, note=NOTE))
        assert session.set_answer(item.id, answer)
    return len(items)


def sign(session: AuditSession, folder: Path, unlock) -> Path:
    result = run_export(prepare(session.checklist, session.audit, folder), unlock)
    session.record_export(ExportRecord(session.audit.id, result.document_id, result.signed_at, NAME,
                                       result.fingerprint, result.pdf_sha256, str(result.path)))
    return result.path


@pytest.fixture
def held(tmp_path, bundled):
    """A data folder as the app leaves it: two cycles, the second signed three times, logs and a cache."""
    data = ensure_private_dir(tmp_path / "data")
    before = usernames_in_keyring()
    setup_logging(data / "logs")
    BundledChecklists(cache_folder=data / "cache")[CHECKLIST]  # writes the parse cache
    repository = AuditRepository.open(data / DATABASE_NAME)
    profile = Profile(platforms=frozenset({"facebook", "instagram"}), answers={"names_school": True})
    last_year = AuditSession(repository, bundled, today=lambda: date(2025, 11, 3))
    last_year.begin(Person(NAME, STAFF_ID, "Teaching assistant"), CHECKLIST, profile)
    last_year.set_answer(last_year.checklist.applicable_items(profile)[0].id, Answer(Status.DONE, note=NOTE))

    session = AuditSession(repository, bundled, today=lambda: date(2026, 11, 20))
    session.begin(Person(NAME, STAFF_ID, "Teaching assistant"), CHECKLIST, profile)
    items = answer_all(session, profile)
    identities = IdentityStore(data / "identity")
    first = sign(session, tmp_path / "Documents", lambda: identities.create(NAME, STAFF_ID, session.audit.school))
    changed = sign(session, tmp_path / "USB stick", identities.unlock)
    changed.write_bytes(b"%PDF-1.4 someone else's file, saved over the app's")
    moved = sign(session, tmp_path / "Moved", identities.unlock)
    moved.unlink()
    repository.close()
    certificate = identities.certificate_der()
    username = keyring_username(certificate)
    secret = keyring.get_password(KEYRING_SERVICE, username)
    assert secret
    yield Held(data, [first, changed, moved], identities.certificate_fingerprint(), username, secret, items)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if str(getattr(handler, "baseFilename", "")).startswith(str(tmp_path)):
            root.removeHandler(handler)
            handler.close()
    for left in usernames_in_keyring() - before:
        keyring.delete_password(KEYRING_SERVICE, left)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- export ------------------------------------------------------------------------------------

def test_export_holds_every_audit_answer_note_and_pdf_but_never_the_key(held, tmp_path):
    first_pdf = held.pdfs[0]
    data_before = {k: v for k, v in tree(held.data).items() if not k.startswith("logs/")}

    folder = export_my_data(held.data, tmp_path / "Export")

    assert folder.parent == tmp_path / "Export" and folder.name.startswith(EXPORT_PREFIX)
    document = json.loads((folder / JSON_NAME).read_text("utf-8"))
    assert document["schema"] == SCHEMA and document["data_folder"] == str(held.data)
    datetime.fromisoformat(document["exported_at"])

    last_year, this_year = document["audits"]
    assert (last_year["cycle"], this_year["cycle"]) == ("2025-26", "2026-27")
    assert this_year["name"] == NAME and this_year["staff_id"] == STAFF_ID and this_year["role"] == "Teaching assistant"
    assert this_year["checklist_id"] == CHECKLIST and this_year["school"] == "Bury C of E Primary School"
    assert this_year["platforms"] == ["facebook", "instagram"] and this_year["profile_answers"] == {"names_school": True}
    assert len(this_year["answers"]) == held.items and {a["note"] for a in this_year["answers"]} == {NOTE}
    assert [a["status"] for a in last_year["answers"]] == ["done"] and last_year["answers"][0]["note"] == NOTE
    action = next(a for a in this_year["answers"] if a["status"] == "action")
    assert action["action"] == "Untag myself from the fête photos" and action["due"] == "2027-01-10"

    exports = this_year["exports"]
    assert [e["pdf_path"] for e in exports] == [str(p) for p in held.pdfs]
    assert [e["pdf_file"]["state"] for e in exports] == ["copied", "changed", "missing"]
    assert "may not be the app's file" in exports[1]["pdf_file"]["why_not_copied"]
    copy = folder / exports[0]["pdf_file"]["copy"]
    assert copy.read_bytes() == first_pdf.read_bytes()
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == exports[0]["pdf_sha256"]
    assert all(e["certificate_fingerprint"] == held.fingerprint for e in exports)
    assert sorted(p.name for p in (folder / "pdfs").iterdir()) == [first_pdf.name]  # only the app's own PDF

    [identity] = document["signing_identities"]
    assert identity["sha256_fingerprint"] == held.fingerprint and identity["in_use"] and identity["self_signed"]
    assert NAME in identity["subject"] and identity["certificate_pem"].startswith("-----BEGIN CERTIFICATE-----")
    assert identity["keyring_entry"] == {"service": KEYRING_SERVICE, "username": held.username,
                                         "note": "holds the secret that opens the key file; not exported"}
    assert "logs/self-audit.log" in document["files"]

    exported = tree(folder)
    for name, content in exported.items():
        assert b"PRIVATE KEY" not in content, f"{name} holds key material"
        assert held.secret.encode() not in content, f"{name} holds the keyring's secret"
    if os.name == "posix":
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        for path in folder.rglob("*"):
            assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    # Exporting changes nothing the app holds, and leaves no -wal or -shm behind.
    assert {k: v for k, v in tree(held.data).items() if not k.startswith("logs/")} == data_before


def test_exporting_twice_makes_two_folders_and_never_into_the_data_folder(held, tmp_path):
    fixed = datetime(2026, 11, 20, 9, 30)
    one = export_my_data(held.data, tmp_path / "Export", now=fixed)
    two = export_my_data(held.data, tmp_path / "Export", now=fixed)
    assert one != two and (one / JSON_NAME).exists() and (two / JSON_NAME).exists()
    with pytest.raises(DataRightsError, match="inside the app's own data folder"):
        export_my_data(held.data, held.data / "logs")


def test_export_with_no_data_says_there_is_none(tmp_path):
    folder = export_my_data(tmp_path / "never used", tmp_path / "Export")
    document = json.loads((folder / JSON_NAME).read_text("utf-8"))
    assert document["audits"] == [] and document["signing_identities"] == []
    assert not (tmp_path / "never used").exists()  # reading never creates the data folder


# -- delete ------------------------------------------------------------------------------------

def test_delete_leaves_nothing_in_the_data_folder_or_the_keyring(held):
    first, changed, moved = held.pdfs
    inventory = take_inventory(held.data)
    described = "\n".join(inventory.describe())
    assert "2 audit cycle(s) (2025-26, 2026-27)" in described and held.fingerprint in described
    assert f"Signed PDF {first}" in described and f"Kept: {changed}" in described and str(moved) not in described

    report = delete_my_data(held.data)
    finish_deletion(held.data)

    assert not held.data.exists(), f"left behind: {sorted(map(str, held.data.rglob('*')))}"
    assert not first.exists()
    assert changed.read_bytes() == b"%PDF-1.4 someone else's file, saved over the app's"  # never the app's to delete
    assert report.kept == [(changed, "it has changed since the app saved it, so it may not be the app's file any more")]
    assert report.complete and report.keyring_removed == [held.username] and not report.keyring_left
    assert keyring.get_password(KEYRING_SERVICE, held.username) is None
    assert held.username not in usernames_in_keyring()
    assert not any(getattr(h, "baseFilename", "").startswith(str(held.data)) for h in logging.getLogger().handlers)


def test_delete_without_a_keyring_still_deletes_the_files_and_says_what_to_do(held):
    report = delete_my_data(held.data, keyring_backend=keyring.backends.fail.Keyring())
    finish_deletion(held.data)
    assert not held.data.exists()
    assert not report.complete and report.keyring_left == [held.username]
    assert "could not be removed from your password store" in report.keyring_problem
    assert "no password store the app can use" in report.keyring_problem
    assert held.username in report.keyring_problem and "Staff Social Media Self-Audit" in report.keyring_problem
    assert report.keyring_problem in report.describe()


def test_delete_never_touches_files_the_app_did_not_make(held):
    mine = held.data / "my own notes.txt"
    mine.write_text("not the app's")
    report = delete_my_data(held.data)
    finish_deletion(held.data)
    assert [p.name for p in held.data.iterdir()] == ["my own notes.txt"]
    assert (mine, "the app did not make it") in report.kept


# -- the command line ----------------------------------------------------------------------------

def self_audit(held: Held, *args: str, typed: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, SELF_AUDIT_DATA_DIR=str(held.data), PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "app", *args], input=typed, capture_output=True, text=True,
                          env=env, cwd=held.data.parent, timeout=120, encoding="utf-8")


def test_the_command_line_exports(held, tmp_path):
    done = self_audit(held, "my-data", "export", str(tmp_path / "Out"))
    assert done.returncode == 0, done.stderr
    [folder] = (tmp_path / "Out").iterdir()
    assert f"Your data is in {folder}" in done.stdout
    assert json.loads((folder / JSON_NAME).read_text("utf-8"))["audits"][1]["name"] == NAME


def test_the_command_line_deletes_only_when_delete_is_typed(held):
    kept = self_audit(held, "my-data", "delete", typed="yes\n")
    assert kept.returncode == 1 and "Nothing was deleted." in kept.stdout
    assert "Type delete to delete it all" in kept.stdout and f"Signed PDF {held.pdfs[0]}" in kept.stdout
    assert (held.data / DATABASE_NAME).exists() and held.pdfs[0].exists()

    done = self_audit(held, "my-data", "delete", typed="delete\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert not held.data.exists() and not held.pdfs[0].exists()
    assert keyring.get_password(KEYRING_SERVICE, held.username) is None
    again = self_audit(held, "my-data", "delete", "--yes")
    assert again.returncode == 0 and "holds no data about you" in again.stdout


def test_the_command_line_refuses_while_the_app_is_open(held):
    lock = take_instance_lock(held.data)  # as the running app holds it
    try:
        refused = self_audit(held, "my-data", "delete", "--yes")
    finally:
        lock.release()
    assert refused.returncode == 2 and "Staff Self-Audit is open. Close its window" in refused.stderr
    assert (held.data / DATABASE_NAME).exists() and (held.data / "identity").is_dir()
    assert keyring.get_password(KEYRING_SERVICE, held.username) == held.secret


def test_hrs_register_in_the_same_data_folder_is_neither_exported_nor_deleted(tmp_path):
    from app.data_rights import delete_my_data, take_inventory

    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "hr-register.sqlite3").write_bytes(b"the school's records")
    (folder / "hr-window.ini").write_text("[General]\n")
    inventory = take_inventory(folder)
    assert sorted(p.name for p in inventory.hr_files) == ["hr-register.sqlite3", "hr-window.ini"]
    assert not inventory.not_the_apps
    report = delete_my_data(folder)
    assert (folder / "hr-register.sqlite3").read_bytes() == b"the school's records"
    assert any("HR's register" in reason for _, reason in report.kept)
