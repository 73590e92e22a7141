"""Keyring faults, as a person signing meets them: each its own message in the sign dialog, no PDF,
nothing lost, and never a new key unless the person says yes to a warning.

Run under tests/run_headless.sh (a private, unlocked gnome-keyring). No keyring and a keyring that
keeps nothing are keyring's own fail and null backends. A locked keyring and a dismissed unlock
prompt are a backend raising the very errors keyring's Secret Service backend raises for them
(tests/test_identity.py meets both from a real gnome-keyring daemon). The lost secret is a real
entry deleted from the real Secret Service.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.core.audit import Answer, Person, Status
from app.core.checklist import Profile
from app.signing.identity import (
    KEYRING_SERVICE, REPLACED_MARK, IdentityLocked, IdentityStore, KeyringDoesNotKeepSecrets,
    KeyringNotUnlocked, KeyringUnavailable, keyring_username,
)
from app.signing.verify import verify_pdf

SCHOOL = "barton-st-peters"
NAME, STAFF_ID = "Gwenllian Ap Rhys", "S3003"


class RaisingKeyring(keyring.backend.KeyringBackend):
    """Every call raises `error`, as the Secret Service backend does for a locked keyring."""

    priority = 1

    def __init__(self, error: Exception):
        super().__init__()
        self.error = error

    def get_password(self, service, username):
        raise self.error

    def set_password(self, service, username, password):
        raise self.error

    def delete_password(self, service, username):
        raise self.error


FAULTS = {
    # name: (the backend, the message the person must see)
    "no keyring at all": (keyring.backends.fail.Keyring, str(KeyringUnavailable())),
    "a keyring that keeps nothing": (keyring.backends.null.Keyring, str(KeyringDoesNotKeepSecrets())),
    "a locked keyring": (lambda: RaisingKeyring(keyring.errors.KeyringLocked("Failed to unlock the collection!")),
                         str(KeyringNotUnlocked())),
    "an unlock prompt dismissed": (
        lambda: RaisingKeyring(keyring.errors.InitError("Failed to create the collection: Prompt dismissed.")),
        str(KeyringNotUnlocked(dismissed=True))),
}


@pytest.fixture(autouse=True)
def throwaway_secret_service():
    backend = keyring.get_keyring()
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if type(backend).__module__ != "keyring.backends.SecretService" or not runtime.startswith(tempfile.gettempdir()):
        pytest.fail("needs the private Secret Service of tests/run_headless.sh; it never uses your own keyring")


@pytest.fixture
def identity_folder(tmp_path):
    """The identity folder; afterwards the keyring entries a test made there are removed."""
    folder = tmp_path / "identity"
    yield folder
    for path in folder.glob("signing-certificate*.pem"):
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization

        der = x509.load_pem_x509_certificate(path.read_bytes()).public_bytes(serialization.Encoding.DER)
        try:
            keyring.delete_password(KEYRING_SERVICE, keyring_username(der))
        except keyring.errors.PasswordDeleteError:
            pass


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


# --- the mapping, without a window -----------------------------------------------------------------

@pytest.mark.parametrize("fault", FAULTS)
def test_each_keyring_fault_has_its_own_message_and_makes_nothing(fault, identity_folder):
    make_backend, message = FAULTS[fault]
    with pytest.raises(Exception) as refused:
        IdentityStore(identity_folder, keyring_backend=make_backend()).create(NAME, STAFF_ID, "A School")
    assert str(refused.value) == message
    assert files_in(identity_folder) == {}

    IdentityStore(identity_folder).create(NAME, STAFF_ID, "A School")  # the real keyring
    before = files_in(identity_folder)
    for attempt in ("unlock", "replace"):
        store = IdentityStore(identity_folder, keyring_backend=make_backend())
        with pytest.raises(Exception) as refused:
            store.unlock() if attempt == "unlock" else store.replace(NAME, STAFF_ID, "A School")
        assert str(refused.value) == message, attempt
    assert files_in(identity_folder) == before


def test_the_messages_are_all_different():
    messages = [message for _, message in FAULTS.values()] + [str(IdentityLocked(missing=True))]
    assert len(set(messages)) == len(messages)


# --- in the sign dialog ----------------------------------------------------------------------------

@pytest.fixture
def sign_dialog(qtbot, tmp_path, bundled, identity_folder):
    """The real window on a finished audit; returns a function opening its sign dialog with a backend."""
    from app.session import AuditSession
    from app.store.repository import AuditRepository
    from app.ui.main_window import MainWindow

    repos = []

    def open_with(backend=None):
        repo = AuditRepository.open(tmp_path / "data" / "self-audit.sqlite3")
        repos.append(repo)
        window = MainWindow(AuditSession(repo, bundled), repo.notices,
                            identities=lambda: IdentityStore(identity_folder, keyring_backend=backend))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        session = window.session
        profile = Profile(platforms=frozenset({"facebook"}), answers={"names_school": True})
        session.begin(Person(NAME, STAFF_ID, "Teaching assistant"), SCHOOL, profile)
        for n, item in enumerate(session.checklist.applicable_items(profile)):
            answer = Answer(Status.ACTION, action="Hide my friends list", due=date(2027, 1, 8)) if n == 0 \
                else Answer(Status.DONE)
            assert session.set_answer(item.id, answer)
        window.show_review()
        window.review_page.sign_button.click()
        dialog = window.sign_dialog
        qtbot.waitUntil(dialog.isVisible)
        dialog.agree_box.setChecked(True)
        qtbot.keyClicks(dialog.name_edit, NAME)
        dialog.folder_edit.setText(str(tmp_path / "out"))
        return window, dialog

    yield open_with
    for repo in repos:
        repo.close()


class MessageBoxAnswerer:
    """Answers the next warning box the dialog opens, as the person would, and keeps its text."""

    def __init__(self, button: QMessageBox.StandardButton):
        self.button, self.texts = button, []
        self.timer = QTimer()
        self.timer.timeout.connect(self._answer)
        self.timer.start(50)

    def _answer(self) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            self.texts.append(box.text())
            box.button(self.button).click()

    def stop(self) -> None:
        self.timer.stop()


def sign_and_wait(qtbot, dialog, *, answer=QMessageBox.StandardButton.No) -> MessageBoxAnswerer:
    answerer = MessageBoxAnswerer(answer)
    try:
        dialog.sign_button.click()
        qtbot.waitUntil(lambda: not dialog.isVisible() or (dialog.sign_button.isEnabled() and dialog.status_label.text()
                                                           not in ("", "Signing\u2026")), timeout=60_000)
        qtbot.wait(100)  # a warning box would be answered by now
    finally:
        answerer.stop()
    return answerer


@pytest.mark.gui
@pytest.mark.parametrize("with_identity", [True, False], ids=["with a key", "first signing"])
@pytest.mark.parametrize("fault", FAULTS)
def test_a_keyring_fault_is_shown_as_its_own_message_and_nothing_is_signed(
        qtbot, sign_dialog, identity_folder, tmp_path, fault, with_identity):
    if with_identity:
        IdentityStore(identity_folder).create(NAME, STAFF_ID, "Barton St Peter's")  # the real keyring
    before = files_in(identity_folder)
    make_backend, message = FAULTS[fault]
    window, dialog = sign_dialog(make_backend())

    answered = sign_and_wait(qtbot, dialog)
    assert dialog.isVisible() and dialog.sign_button.isEnabled()
    assert dialog.status_label.text() == message
    assert answered.texts == []  # no offer of a new key: the key is fine, the keyring is not
    assert files_in(identity_folder) == before
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
    assert not window.session.signed and not window.session.read_only


@pytest.mark.gui
def test_a_deleted_keyring_entry_offers_a_new_key_and_makes_none_unless_the_person_agrees(
        qtbot, sign_dialog, identity_folder, tmp_path):
    old = IdentityStore(identity_folder).create(NAME, STAFF_ID, "Barton St Peter's")
    keyring.delete_password(KEYRING_SERVICE, keyring_username(old.certificate_der))  # e.g. the keyring was reset
    before = files_in(identity_folder)
    window, dialog = sign_dialog()

    refused = sign_and_wait(qtbot, dialog, answer=QMessageBox.StandardButton.No)
    [warning] = refused.texts
    assert str(IdentityLocked(missing=True)) in warning
    assert "HR will see a new key" in warning and "kept aside, not deleted" in warning
    assert dialog.status_label.text() == str(IdentityLocked(missing=True))
    assert files_in(identity_folder) == before  # no new key
    assert keyring.get_password(KEYRING_SERVICE, keyring_username(old.certificate_der)) is None
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
    assert not window.session.signed

    accepted = sign_and_wait(qtbot, dialog, answer=QMessageBox.StandardButton.Yes)
    assert len(accepted.texts) == 1
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=60_000)
    [pdf] = (tmp_path / "out").glob("*.pdf")
    verdict = verify_pdf(pdf.read_bytes())
    assert verdict.valid, verdict.reason
    new_fingerprint = IdentityStore(identity_folder).certificate_fingerprint()
    assert verdict.fingerprint == new_fingerprint != old.fingerprint
    kept = {name: data for name, data in files_in(identity_folder).items() if REPLACED_MARK in name}
    assert sorted(kept.values()) == sorted(before.values())  # the old key is kept aside, not deleted
    assert window.session.signed
