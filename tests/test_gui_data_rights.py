"""Your data and the school configuration, driven through the real window: menus, real message
boxes answered by clicking, a real keyring (tests/run_headless.sh) and real PDFs read back."""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication, QMessageBox

from app.core.audit import Answer, Person, Status
from app.core.checklist import Profile
from app.data_rights import finish_deletion
from app.export import prepare, run_export
from app.school_config_files import load_school_config
from app.session import AuditSession
from app.signing.identity import KEYRING_SERVICE, IdentityStore, keyring_username
from app.store.paths import DATABASE_NAME, ensure_private_dir
from app.store.repository import AuditRepository, ExportRecord

pytestmark = pytest.mark.gui
NAME, STAFF_ID = "Łucja Ó Briain", "S2001"
NOTE = "PRIVATE-NOTE-MARKER the PTA group"


@pytest.fixture(autouse=True)
def throwaway_secret_service():
    backend = keyring.get_keyring()
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if type(backend).__module__ != "keyring.backends.SecretService" or not runtime.startswith(tempfile.gettempdir()):
        pytest.fail("needs the private Secret Service of tests/run_headless.sh; it never uses your own keyring")


@pytest.fixture
def open_window(qtbot, tmp_path, bundled):
    from app.ui.main_window import MainWindow

    opened, urls = [], []

    def make(school=None, **kwargs) -> MainWindow:
        data = ensure_private_dir(tmp_path / "data")
        repo = AuditRepository.open(data / DATABASE_NAME)
        opened.append(repo)
        session = AuditSession(repo, bundled, **({"cycle_rules": school.cycle_rules,
                                                  "school_name": school.school_name} if school else {}))
        window = MainWindow(session, repo.notices, open_url=lambda url: urls.append(url) or True,
                            identities=lambda: IdentityStore(data / "identity"), school=school, **kwargs)
        window.opened_urls = urls
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        return window

    yield make
    for repo in opened:
        repo.close()
    for username in _usernames_made(tmp_path):
        keyring.delete_password(KEYRING_SERVICE, username)


def _usernames_made(tmp_path: Path) -> list[str]:
    left = []
    for certificate in (tmp_path / "data" / "identity").glob("signing-certificate*.pem"):
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization

        der = x509.load_pem_x509_certificate(certificate.read_bytes()).public_bytes(serialization.Encoding.DER)
        if keyring.get_password(KEYRING_SERVICE, keyring_username(der)) is not None:
            left.append(keyring_username(der))
    return left


def answer_every_item(session: AuditSession) -> None:
    for n, item in enumerate(session.checklist.applicable_items(session.audit.profile)):
        answer = (Answer(Status.ACTION, action="Untag myself from the fete photos", due=date(2027, 1, 10), note=NOTE)
                  if n == 1 else Answer(Status.DONE, note=NOTE))
        assert session.set_answer(item.id, answer)


def when_box_opens(qtbot, name: str, button: str | QMessageBox.StandardButton, seen: dict) -> None:
    """Answer the message box `name` by clicking `button` (an object name or a standard button) once it opens."""

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box.objectName() != name:
            QTimer.singleShot(20, answer)
            return
        seen[name] = {"text": box.text(), "details": box.informativeText(), "default": box.defaultButton(),
                      "cancel": box.button(QMessageBox.StandardButton.Cancel),
                      "buttons": [b.text() for b in box.buttons()]}
        target = box.button(button) if isinstance(button, QMessageBox.StandardButton) else \
            next(b for b in box.buttons() if b.objectName() == button or b.text() == button)
        qtbot.mouseClick(target, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, answer)


def data_menu(window):
    [menu] = [a.menu() for a in window.menuBar().actions() if a.text() == "Yo&ur data"]
    return {a.text(): a for a in menu.actions()}


def signed_window(open_window, tmp_path):
    window = open_window(data_folder=tmp_path / "data")
    session = window.session
    session.begin(Person(NAME, STAFF_ID, "Class teacher"), "barton-st-peters",
                  Profile(platforms=frozenset({"facebook"}), answers={"names_school": True}))
    answer_every_item(session)
    identities = IdentityStore(tmp_path / "data" / "identity")
    result = run_export(prepare(session.checklist, session.audit, tmp_path / "Documents"),
                        lambda: identities.create(NAME, STAFF_ID, session.audit.school))
    session.record_export(ExportRecord(session.audit.id, result.document_id, result.signed_at, NAME,
                                       result.fingerprint, result.pdf_sha256, str(result.path)))
    return window, result.path, keyring_username(identities.certificate_der())


# -- Your data ---------------------------------------------------------------------------------

def test_the_menu_offers_export_and_delete(open_window, tmp_path):
    window = open_window(data_folder=tmp_path / "data")
    actions = data_menu(window)
    assert list(actions) == ["&Export my data\u2026", "De&lete my data\u2026"]
    assert all(a.isEnabled() for a in actions.values())


def test_export_my_data_saves_a_folder_and_offers_to_open_it(qtbot, open_window, tmp_path, monkeypatch):
    window, pdf, _ = signed_window(open_window, tmp_path)
    asked = []
    monkeypatch.setattr("app.ui.data_rights_dialogs.choose_export_folder",
                        lambda parent, start: asked.append(start) or tmp_path / "Export")
    seen: dict = {}
    when_box_opens(qtbot, "exportDoneBox", "&Open folder", seen)
    data_menu(window)["&Export my data\u2026"].trigger()

    [folder] = (tmp_path / "Export").iterdir()
    assert str(folder) in seen["exportDoneBox"]["text"] and "private notes" in seen["exportDoneBox"]["text"]
    assert [u.toLocalFile() for u in window.opened_urls] == [str(folder)]
    assert (folder / "pdfs" / pdf.name).read_bytes() == pdf.read_bytes()
    assert NOTE in (folder / "my-data.json").read_text("utf-8")


def test_delete_my_data_asks_first_with_cancel_the_default_then_deletes_and_closes(qtbot, open_window, tmp_path):
    window, pdf, username = signed_window(open_window, tmp_path)
    data = tmp_path / "data"
    seen: dict = {}
    when_box_opens(qtbot, "confirmDeleteBox", QMessageBox.StandardButton.Cancel, seen)
    data_menu(window)["De&lete my data\u2026"].trigger()
    asked = seen["confirmDeleteBox"]
    assert asked["default"] is asked["cancel"]  # Enter keeps the data
    assert "Your answers, details and private notes: 1 audit cycle(s) (2026-27)" in asked["details"]
    assert f"Signed PDF {pdf}" in asked["details"] and "password store (keyring)" in asked["details"]
    assert "Export my data" in asked["text"]
    assert window.isVisible() and not window.data_deleted
    assert (data / DATABASE_NAME).exists() and pdf.exists() and window.session.exports()

    when_box_opens(qtbot, "confirmDeleteBox", "deleteButton", seen)
    when_box_opens(qtbot, "deleteDoneBox", QMessageBox.StandardButton.Close, seen)
    data_menu(window)["De&lete my data\u2026"].trigger()
    qtbot.waitUntil(lambda: not window.isVisible())
    assert window.data_deleted
    assert "The app closes now" in seen["deleteDoneBox"]["text"]
    assert "Deleted" in seen["deleteDoneBox"]["details"]
    finish_deletion(data)  # what launch.py does once the app has let go of its lock
    assert not data.exists() and not pdf.exists()
    assert keyring.get_password(KEYRING_SERVICE, username) is None


# -- the school configuration --------------------------------------------------------------------

def write_logo(path: Path) -> None:
    image = QImage(240, 96, QImage.Format.Format_RGB32)
    image.fill(QColor("#1d4f91"))
    painter = QPainter(image)
    painter.fillRect(12, 12, 72, 72, QColor("#f2c94c"))
    painter.setPen(QColor("white"))
    painter.drawText(100, 56, "BURY TEST")
    painter.end()
    assert image.save(str(path), "PNG")


def school_config(tmp_path: Path, extra: str = ""):
    folder = tmp_path / "it"
    folder.mkdir(exist_ok=True)
    write_logo(folder / "crest.png")
    (folder / "school.toml").write_text(
        '[school]\nname = "Bury Test Primary"\nlogo = "crest.png"\nchecklist = "bury-ce"\n'
        '[hr]\nname = "Mrs A Patel"\nemail = "hr@bury.sch.uk"\n' + extra, encoding="utf-8")
    return load_school_config(folder / "school.toml")


def sign_through_the_dialog(qtbot, window, folder: Path) -> None:
    window.show_review()
    qtbot.mouseClick(window.review_page.sign_button, Qt.MouseButton.LeftButton)
    dialog = window.sign_dialog
    qtbot.waitUntil(dialog.isVisible)
    qtbot.mouseClick(dialog.agree_box, Qt.MouseButton.LeftButton, pos=QPoint(8, dialog.agree_box.height() // 2))
    dialog.name_edit.setText(NAME)
    dialog.folder_edit.setText(str(folder))
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)


def test_the_school_configuration_fixes_the_school_and_its_logo_reaches_the_pdf(qtbot, open_window, tmp_path):
    config = school_config(tmp_path)
    window = open_window(school=config)
    page = window.profile_page
    assert window.stack.currentWidget() is page
    assert page.school_fixed.isVisible() and page.school_fixed.text() == "Bury Test Primary"
    assert not page.school_combo.isVisible()
    qtbot.keyClicks(page.name_edit, "Lucja O Briain")
    qtbot.keyClicks(page.staff_id_edit, STAFF_ID)
    qtbot.keyClicks(page.role_combo.lineEdit(), "Class teacher")
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    audit = window.session.audit
    assert audit.checklist_id == "bury-ce" and audit.school == "Bury Test Primary"

    window.show_details()  # editing the details keeps the school the configuration names
    assert page.school_fixed.isVisible() and not page.school_combo.isVisible()
    page.name_edit.setText(NAME)
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    assert window.session.audit.checklist_id == "bury-ce" and window.session.audit.person.name == NAME

    answer_every_item(window.session)
    out = tmp_path / "Documents"
    sign_through_the_dialog(qtbot, window, out)
    qtbot.waitUntil(lambda: not window.sign_dialog.isVisible(), timeout=60_000)
    [pdf] = out.glob("*.pdf")
    assert window.banner.label.text() == (f"Your signed confirmation is saved as {pdf}. "
                                          "Send it to Mrs A Patel (HR), hr@bury.sch.uk.")
    assert "Send it to Mrs A Patel (HR), hr@bury.sch.uk." in window.review_page.ready_label.text()

    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert any(line.split()[3:5] == ["240", "96"] for line in images.splitlines()[2:]), images
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Bury Test Primary" in text and NOTE not in text


@pytest.fixture
def school_p12(tmp_path):
    """A certificate from the school's IT, as a .p12 with its password."""
    from datetime import datetime, timedelta, timezone

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Bury Test Primary Staff CA")])
    now = datetime.now(timezone.utc)

    def issue(subject, public_key, ca: bool):
        return (x509.CertificateBuilder().subject_name(subject).issuer_name(ca_name).public_key(public_key)
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=365))
                .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
                .sign(ca_key, hashes.SHA256()))

    ca = issue(ca_name, ca_key.public_key(), ca=True)
    staff = issue(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, NAME),
                             x509.NameAttribute(NameOID.SERIAL_NUMBER, STAFF_ID)]), key.public_key(), ca=False)
    path = tmp_path / "it" / "certs" / "staff.p12"
    path.parent.mkdir(parents=True)
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"staff", key, staff, [ca], serialization.BestAvailableEncryption(b"from IT")))
    return path, hashlib.sha256(staff.public_bytes(serialization.Encoding.DER)).hexdigest()


def test_a_school_issued_certificate_is_asked_for_and_no_key_of_the_apps_own_is_made(
        qtbot, open_window, tmp_path, monkeypatch, school_p12):
    p12, certificate_sha256 = school_p12
    config = school_config(tmp_path, '[certificate]\nschool_issued = true\npath = "certs/staff.p12"\n')
    offered = []
    monkeypatch.setattr("app.ui.sign_dialog.choose_certificate_file", lambda parent, start: offered.append(start)
                        or str(start))
    monkeypatch.setattr("app.ui.sign_dialog.ask_certificate_password", lambda parent: ("from IT", True))
    window = open_window(school=config)
    window.session.begin(Person(NAME, STAFF_ID, "Class teacher"), "bury-ce",
                         Profile(platforms=frozenset({"facebook"})))
    answer_every_item(window.session)
    out = tmp_path / "Documents"
    sign_through_the_dialog(qtbot, window, out)
    dialog = window.sign_dialog
    assert offered == [p12]  # the certificate option opened at the configured file
    assert "The certificate from IT will sign your PDF." in dialog.status_label.text()
    assert not list(out.glob("*.pdf"))  # nothing signed until the certificate was in place

    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=60_000)
    [pdf] = out.glob("*.pdf")
    from app.signing.verify import verify_pdf

    verdict = verify_pdf(pdf.read_bytes())
    assert verdict.valid, verdict.reason
    assert verdict.fingerprint.replace(":", "").lower() == certificate_sha256
    identity_files = sorted(p.name for p in (tmp_path / "data" / "identity").iterdir())
    assert not any(".replaced-" in name for name in identity_files)  # no self-signed key was ever made
