"""Signing from the review page, as a person does it: real dialog, real keyring, real PDF checked back."""

from __future__ import annotations

import os
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import QPoint, Qt

from app.core.audit import Answer, Person, Status
from app.core.checklist import Profile
from app.export import write_file, TargetExistsError
from app.signing.identity import IdentityStore
from app.signing.verify import verify_pdf

pytestmark = pytest.mark.gui
SCHOOL = "barton-st-peters"
NAME = "Łucja Ó Briain"
NOTE = "PRIVATE-NOTE-MARKER the PTA group"


@pytest.fixture(autouse=True)
def throwaway_secret_service():
    backend = keyring.get_keyring()
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if type(backend).__module__ != "keyring.backends.SecretService" or not runtime.startswith(tempfile.gettempdir()):
        pytest.fail("needs the private Secret Service of tests/run_headless.sh; it never uses your own keyring")


@pytest.fixture
def open_window(qtbot, tmp_path, bundled):
    from app.session import AuditSession
    from app.store.repository import AuditRepository
    from app.ui.main_window import MainWindow

    opened = []

    def make(**kwargs) -> MainWindow:
        repo = AuditRepository.open(tmp_path / "data" / "self-audit.sqlite3")
        opened.append(repo)
        window = MainWindow(AuditSession(repo, bundled), repo.notices, **kwargs)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        return window

    yield make
    for repo in opened:
        repo.close()


def answered_window(open_window, tmp_path):
    window = open_window(identities=lambda: IdentityStore(tmp_path / "identity"))
    session = window.session
    profile = Profile(platforms=frozenset({"facebook", "instagram"}), answers={"names_school": True})
    session.begin(Person(NAME, "S2001", "Class teacher"), SCHOOL, profile)
    items = session.checklist.applicable_items(profile)
    for n, item in enumerate(items):
        answer = (Answer(Status.ACTION, action="Untag myself from the fete photos", due=date(2027, 1, 10), note=NOTE)
                  if n == 1 else Answer(Status.DONE, note=NOTE))
        assert session.set_answer(item.id, answer)
    return window, items


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))


def test_signing_saves_a_valid_pdf_without_notes_and_locks_the_answers(qtbot, open_window, tmp_path):
    window, items = answered_window(open_window, tmp_path)
    out = tmp_path / "out folder"
    window.show_review()
    review = window.review_page
    assert review.sign_button.isVisible()
    qtbot.mouseClick(review.sign_button, Qt.MouseButton.LeftButton)
    dialog = window.sign_dialog
    qtbot.waitUntil(dialog.isVisible)

    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert "Tick the box" in dialog.status_label.text()
    click(qtbot, dialog.agree_box)
    qtbot.keyClicks(dialog.name_edit, "Someone Else")
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert NAME in dialog.status_label.text()  # says which name to type
    dialog.name_edit.setText(NAME.upper())  # case and spacing do not matter
    qtbot.mousePress(dialog.pad, Qt.MouseButton.LeftButton, pos=QPoint(20, 60))
    for x in range(30, 200, 10):
        qtbot.mouseMove(dialog.pad, QPoint(x, 60 + (x % 40) - 20))
    qtbot.mouseRelease(dialog.pad, Qt.MouseButton.LeftButton, pos=QPoint(200, 50))
    assert not dialog.pad.is_empty()
    dialog.folder_edit.setText(str(out))
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert not dialog.sign_button.isEnabled()  # busy: the work is on another thread
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=60_000)

    pdfs = list(out.glob("*.pdf"))
    assert [p.name for p in pdfs] == ["2026-27_O-Briain_Lucja_S2001_self-audit.pdf"]
    data = pdfs[0].read_bytes()
    verdict = verify_pdf(data)
    assert verdict.valid, verdict.reason
    assert verdict.confirmation.staff.name == NAME
    assert [i.id for i in verdict.confirmation.items] == [i.id for i in items]
    assert verdict.fingerprint == IdentityStore(tmp_path / "identity").certificate_fingerprint()
    text = subprocess.run(["pdftotext", "-layout", str(pdfs[0]), "-"], capture_output=True, text=True).stdout
    assert NAME in text and "Untag myself from the fete photos" in text
    assert NOTE not in text and b"PRIVATE-NOTE-MARKER" not in data

    session = window.session
    assert session.signed and session.read_only and "(signed)" in window.windowTitle()
    [record] = session.exports()
    import hashlib
    assert record.pdf_sha256 == hashlib.sha256(data).hexdigest() and record.pdf_path == str(pdfs[0])
    assert "Signed on" in review.ready_label.text() and verdict.fingerprint in review.ready_label.text()
    assert review.sign_button.isVisible() and "again" in review.sign_button.text()
    window.show_item(items[0].id)
    assert not window.audit_page.item_widget.done_radio.isEnabled()  # answers are locked once signed


def test_a_saved_pdf_is_never_replaced_without_asking(tmp_path):
    target = tmp_path / "a.pdf"
    target.write_bytes(b"HR already has this one")
    with pytest.raises(TargetExistsError):
        write_file(target, b"%PDF new", replace_existing=False)
    assert target.read_bytes() == b"HR already has this one"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]  # no temporary file left behind
    write_file(target, b"%PDF new", replace_existing=True)
    assert target.read_bytes() == b"%PDF new"


def test_a_folder_that_cannot_be_written_gets_a_plain_message(tmp_path):
    from app.export import ExportError

    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    # root may write anywhere under tmp_path; /sys refuses even root
    target = (locked if not os.access(locked, os.W_OK) else Path("/sys")) / "a.pdf"
    try:
        with pytest.raises(ExportError, match="not allowed to save"):
            write_file(target, b"%PDF", replace_existing=False)
    finally:
        locked.chmod(0o700)
    assert not target.exists()


def test_signing_by_keyboard_alone_with_a_mnemonic_for_each_field(qtbot, open_window, tmp_path):
    import re

    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel

    window, _ = answered_window(open_window, tmp_path)
    window.show_review()
    window.review_page.sign_button.setFocus()
    qtbot.keyClick(window.review_page.sign_button, Qt.Key.Key_Space)
    dialog = window.sign_dialog
    qtbot.waitUntil(dialog.isVisible)
    texts = [w.text() for w in dialog.findChildren(QAbstractButton) + dialog.findChildren(QLabel)]
    keys = [m.group(1).lower() for t in texts for m in re.finditer(r"&(\w)", t)]
    assert len(keys) == len(set(keys)), f"two controls share a mnemonic: {sorted(keys)}"

    dialog.activateWindow()  # as the window manager does for a new dialog; mnemonics need it
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert dialog.focusWidget() is dialog.name_edit  # typing starts at once
    for char in NAME:  # QTest.keyClicks refuses letters outside Latin-1; a key event carries any text
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(dialog.focusWidget(),
                                   QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))
    assert dialog.name_edit.text() == NAME
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # I &confirm
    qtbot.waitUntil(dialog.agree_box.isChecked)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)  # Sa&ve in
    assert dialog.focusWidget() is dialog.folder_edit
    dialog.folder_edit.selectAll()
    qtbot.keyClicks(dialog.folder_edit, str(tmp_path / "keyboard"))
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # &Sign and save PDF
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=60_000)
    assert len(list((tmp_path / "keyboard").glob("*.pdf"))) == 1
    assert window.session.signed
