"""A folder of confirmations as HR receives it, mixing every case the register must tell apart.

Real signed PDFs (the signing tests' helpers), signed by real keys, changed after signing with
real bytes: nothing is mocked. `TODAY` is the day the tests judge overdue actions on.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import signing_helpers as helpers  # noqa: E402

from app.core.audit import Status  # noqa: E402
from app.core.confirmation import ConfirmedItem  # noqa: E402
from app.signing.sign import sign_pdf  # noqa: E402

CYCLE = helpers.CYCLE  # 2026-27
TODAY = date(2026, 11, 20)
CHECKLIST = "ysgol-aberdyfi"
CURRENT_VERSIONS = {CHECKLIST: "2026.1"}
ROSTER_CSV = (
    "Staff ID,Name,Email,Role,Department,Start date\r\n"
    "S1001,Siân Ó Briain,s.obriain@school.example,Teacher,English,01/09/2019\r\n"
    "S1002,Tomos Rhys,t.rhys@school.example,Teacher,Maths,01/09/2020\r\n"
    "S1003,Łucja Wójcik,l.wojcik@school.example,Teaching assistant,Learning support,04/01/2022\r\n"
    "S1004,Grace Mensah,g.mensah@school.example,Teacher,Science,01/09/2015\r\n"
    "S1005,Tom Smith,t.smith@school.example,Site manager,Site,01/04/2018\r\n"
    "S1006,Tom Smith,tom.smith2@school.example,Lunchtime supervisor,Support staff,01/04/2018\r\n"
    "S1007,Ayşe Yılmaz,a.yilmaz@school.example,Teacher,Maths,01/09/2023\r\n"
    "S1008,Rhodri Evans,r.evans@school.example,Office manager,Office,01/09/2010\r\n"
    "S1009,Priya Sharma,p.sharma@school.example,Teacher,English,01/09/2021\r\n"
    "S1010,Hannah Williams,h.williams@school.example,SENCo,Learning support,01/09/2017\r\n"
)


def identity_for(name: str, *staff_ids: str):
    """A self-signed identity like the app's; more than one staff ID puts the others in OU."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from app.signing.identity_types import SigningIdentity

    if len(staff_ids) == 1:
        return helpers.make_identity(name, staff_ids[0])
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name),
                         x509.NameAttribute(NameOID.SERIAL_NUMBER, staff_ids[0]),
                         *[x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, s) for s in staff_ids[1:]],
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, helpers.SCHOOL)])
    now = datetime.now(timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256()))
    return SigningIdentity(
        private_key_der=key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()),
        certificate_der=certificate.public_bytes(serialization.Encoding.DER))


def signed(identity, name: str, staff_id: str, *, cycle: str = CYCLE, version: str = "2026.1",
           completed: datetime = datetime(2026, 11, 2, 10, 0), due: date = date(2026, 12, 1)) -> bytes:
    confirmation = helpers.make_confirmation(name, staff_id)
    items = tuple(replace(i, due=due) if i.status is Status.ACTION else i for i in confirmation.items)
    confirmation = replace(confirmation, cycle=cycle, checklist_version=version, completed_at=completed,
                           items=items + (ConfirmedItem("logo2", "Branding", "No logo.", Status.DONE),))
    return sign_pdf(_unsigned(), confirmation, identity, signature_page=helpers.SIGNATURE_PAGE,
                    signature_box=helpers.SIGNATURE_BOX, signer_name=name)


_UNSIGNED: list[bytes] = []


def _unsigned() -> bytes:
    if not _UNSIGNED:
        _UNSIGNED.append(helpers.make_pdf(pages=3))
    return _UNSIGNED[0]


# What each file in the mixed folder should come out as: path relative to the folder -> status.
EXPECTED = {
    "S1001_valid.pdf": "valid",
    "S1002_tampered.pdf": "broken-signature",
    "S1003_first.pdf": "duplicate",
    "S1003_second.pdf": "valid",
    "S1004_own-key.pdf": "valid",
    "S1004_other-key.pdf": "changed-key",
    "S1005_shared.pdf": "valid",
    "S1006_shared.pdf": "shared-key",
    "S1007_last-year.pdf": "wrong-cycle",
    "S1008_old-checklist.pdf": "valid",
    "overdue/S1009_overdue.pdf": "valid",
    "not-a-pdf.pdf": "not-pdf",
}


def mixed_folder(folder: Path) -> Path:
    """The folder HR drops the files into; S1010 sends nothing at all."""
    folder.mkdir(parents=True, exist_ok=True)
    people = {
        "S1001": identity_for("Siân Ó Briain", "S1001"),
        "S1002": identity_for("Tomos Rhys", "S1002"),
        "S1003": identity_for("Łucja Wójcik", "S1003"),
        "S1004": identity_for("Grace Mensah", "S1004"),
        "S1005": identity_for("Tom Smith", "S1005", "S1006"),  # one key, two staff IDs
        "S1007": identity_for("Ayşe Yılmaz", "S1007"),
        "S1008": identity_for("Rhodri Evans", "S1008"),
        "S1009": identity_for("Priya Sharma", "S1009"),
    }
    write = lambda name, data: (folder / name).parent.mkdir(exist_ok=True) or (folder / name).write_bytes(data)  # noqa: E731
    write("S1001_valid.pdf", signed(people["S1001"], "Siân Ó Briain", "S1001"))
    write("S1002_tampered.pdf", helpers.flip_byte(signed(people["S1002"], "Tomos Rhys", "S1002"), b"/Title (", 2))
    write("S1003_first.pdf", signed(people["S1003"], "Łucja Wójcik", "S1003", completed=datetime(2026, 10, 1, 9)))
    write("S1004_own-key.pdf", signed(people["S1004"], "Grace Mensah", "S1004"))
    write("S1005_shared.pdf", signed(people["S1005"], "Tom Smith", "S1005"))
    write("S1007_last-year.pdf", signed(people["S1007"], "Ayşe Yılmaz", "S1007", cycle="2025-26"))
    write("S1008_old-checklist.pdf", signed(people["S1008"], "Rhodri Evans", "S1008", version="2025.2"))
    write("overdue/S1009_overdue.pdf", signed(people["S1009"], "Priya Sharma", "S1009", due=date(2026, 11, 1)))
    # Signed later than the files above (the signer's clock, in whole seconds), so those keys are the first seen.
    time.sleep(1.1)
    write("S1003_second.pdf", signed(people["S1003"], "Łucja Wójcik", "S1003", completed=datetime(2026, 11, 3, 9)))
    write("S1004_other-key.pdf", signed(identity_for("Grace Mensah", "S1004"), "Grace Mensah", "S1004"))
    write("S1006_shared.pdf", signed(people["S1005"], "Tom Smith", "S1006"))
    write("not-a-pdf.pdf", "Dear HR, my confirmation is attached. Best wishes\n".encode())
    write("notes.txt", b"not a PDF by name: ignored")
    write(".hidden.pdf", b"a hidden file, as macOS leaves on a USB stick: skipped")
    return folder
