"""The cryptography behind a signing identity: no keyring, no data folder.

A self-signed certificate made so PDF tools can trust it as an anchor, reading a PKCS#12 file
from IT, and the text format of the encrypted key file (PKCS#8 PEM under a line with its
SHA-256, so a damaged file can be told apart from a wrong secret).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from app.signing.identity_errors import IdentityDetailsInvalid, Pkcs12NotReadable, Pkcs12WithoutKey, Pkcs12WrongPassword
from app.signing.identity_types import SigningIdentity

VALIDITY = timedelta(days=5 * 365 + 1)
BACKDATE = timedelta(minutes=10)  # a laptop clock a little behind still accepts it
MAX_NAME_LENGTH = 64  # RFC 5280's upper bound for a common name

KEY_FILE_HEADER = (
    "Staff Social Media Self-Audit signing key. It is encrypted: the secret that opens it is in\n"
    "this computer's keyring (password store), never in this folder.\n"
)
_CHECKSUM_LABEL = "SHA-256 of the key below: "
_PEM_BEGIN, _PEM_END = "-----BEGIN ENCRYPTED PRIVATE KEY-----", "-----END ENCRYPTED PRIVATE KEY-----"
_CHECKSUM_RE = re.compile(rf"^{re.escape(_CHECKSUM_LABEL)}([0-9a-f]{{64}})$", re.MULTILINE)
_PEM_RE = re.compile(rf"{_PEM_BEGIN}\s*(.*?)\s*{_PEM_END}", re.DOTALL)
_EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_PRINTABLE_RE = re.compile(r"^[A-Za-z0-9 '()+,\-./:=?]+$")  # ASN.1 PrintableString


def create_self_signed(name: str, staff_id: str, school: str, *, now: datetime | None = None) -> SigningIdentity:
    """A new EC P-256 key and a self-signed certificate for this person. Touches no keyring or file.

    Raises `IdentityDetailsInvalid` when a detail is empty or the name longer than a certificate allows.
    """
    subject, alt_names = _subject(name, staff_id, school)
    key = ec.generate_private_key(ec.SECP256R1())
    now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    key_id = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_cert_sign=True,
                key_encipherment=False, data_encipherment=False, key_agreement=False,
                crl_sign=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(key_id, critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(key_id), critical=False)
    )
    if alt_names:
        builder = builder.add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
    certificate = builder.sign(key, hashes.SHA256())
    return SigningIdentity(private_key_der(key), certificate.public_bytes(serialization.Encoding.DER))


def _subject(name: str, staff_id: str, school: str) -> tuple[x509.Name, list[x509.GeneralName]]:
    name, staff_id, school = name.strip(), staff_id.strip(), school.strip()
    if not name or not staff_id or not school:
        raise IdentityDetailsInvalid("Your name, your staff ID or work email, and your school are all needed to make your signing key.")
    if len(name) > MAX_NAME_LENGTH:
        raise IdentityDetailsInvalid(f"Your name is too long for a certificate (at most {MAX_NAME_LENGTH} characters): "
                           "shorten it, for example by leaving out a middle name.")
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, name)]
    alt_names: list[x509.GeneralName] = []
    # Each attribute only where its ASN.1 string type can hold the value; otherwise OU (UTF-8).
    if _EMAIL_RE.match(staff_id):
        attributes.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, staff_id))
        alt_names.append(x509.RFC822Name(staff_id))
    elif _PRINTABLE_RE.match(staff_id):
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, staff_id))
    else:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, staff_id))
    attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, school))
    return x509.Name(attributes), alt_names


def read_pkcs12(path: Path, password: str) -> SigningIdentity:
    """The key, certificate and chain in a PKCS#12 (.p12/.pfx) file; `Pkcs12Error` when it cannot."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Pkcs12NotReadable(path, exc.strerror or str(exc)) from exc
    # "No password" may be stored as an empty one or as none; a file without one opens whatever is typed.
    for attempt in ([password.encode("utf-8")] if password else []) + [b"", None]:
        try:
            key, certificate, others = pkcs12.load_key_and_certificates(data, attempt)
            break
        except ValueError:
            continue
    else:
        if looks_like_pkcs12(data):
            raise Pkcs12WrongPassword(path)
        raise Pkcs12NotReadable(path)
    if key is None or certificate is None:
        raise Pkcs12WithoutKey(path)
    if not same_public_key(key, certificate):
        raise Pkcs12NotReadable(path, "its key does not belong to its certificate")
    leaf = certificate.public_bytes(serialization.Encoding.DER)
    chain = tuple(dict.fromkeys(c.public_bytes(serialization.Encoding.DER) for c in others or ()))
    return SigningIdentity(private_key_der(key), leaf, tuple(c for c in chain if c != leaf))


def private_key_der(key) -> bytes:
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def encrypt_key_file(key_der: bytes, secret: str) -> bytes:
    """The key file's text: header, checksum line, then PKCS#8 PEM encrypted with `secret`."""
    key = serialization.load_der_private_key(key_der, None)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.BestAvailableEncryption(secret.encode("ascii")))
    der = base64.b64decode(b"".join(pem.splitlines()[1:-1]))
    return (KEY_FILE_HEADER + _CHECKSUM_LABEL + hashlib.sha256(der).hexdigest() + "\n").encode("ascii") + pem


def encrypted_key_der(key_file: bytes) -> bytes:
    """The encrypted PKCS#8 DER inside a key file; ValueError says how the file is damaged."""
    text = key_file.decode("ascii", errors="replace")
    checksum, block = _CHECKSUM_RE.search(text), _PEM_RE.search(text)
    if not checksum or not block:
        raise ValueError("the key file is incomplete")
    try:
        der = base64.b64decode("".join(block.group(1).split()), validate=True)
    except binascii.Error as exc:
        raise ValueError("the key file is damaged") from exc
    if hashlib.sha256(der).hexdigest() != checksum.group(1):
        raise ValueError("the key file is damaged")
    return der


def decrypt_key(encrypted_der: bytes, secret: str):
    """The private key, or ValueError when `secret` does not open it."""
    try:
        return serialization.load_der_private_key(encrypted_der, secret.encode("ascii"))
    except (TypeError, UnicodeEncodeError) as exc:
        raise ValueError("wrong secret") from exc


def same_public_key(key, certificate: x509.Certificate) -> bool:
    def spki(public_key) -> bytes:
        return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return spki(key.public_key()) == spki(certificate.public_key())


def looks_like_pkcs12(data: bytes) -> bool:
    """Whether `data` is one DER PFX (SEQUENCE, version 3) of exactly its own length, whatever its password."""
    if len(data) < 5 or data[0] != 0x30:
        return False
    first, pos = data[1], 2
    if first == 0x80:  # BER indefinite length, as some older exporters write
        return data[2:5] == b"\x02\x01\x03"
    if first & 0x80:
        count = first & 0x7F
        if not 1 <= count <= 4:
            return False
        length, pos = int.from_bytes(data[2:2 + count], "big"), 2 + count
    else:
        length = first
    return pos + length == len(data) and data[pos:pos + 3] == b"\x02\x01\x03"
