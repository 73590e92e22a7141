"""The signer with the prebuilt signing-certificate attribute makes the very CMS pyHanko's own SimpleSigner makes."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import datetime, timedelta, timezone

import pytest
from asn1crypto import cms, keys, x509
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from pyhanko.sign.signers import SimpleSigner
from pyhanko.sign.signers.pdf_signer import PdfCMSSignedAttributes
from pyhanko_certvalidator.registry import SimpleCertificateStore

from app.signing.identity import create_self_signed
from app.signing.identity_types import SigningIdentity
from app.signing.pades_signer import pades_signer

DIGEST = hashlib.sha256(b"the document's byte ranges").digest()
SIGNED_AT = datetime(2026, 11, 20, 14, 5, tzinfo=timezone.utc)


def _certificate(subject: str, key, issuer: cx509.Certificate | None, issuer_key) -> cx509.Certificate:
    name = cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, subject)])
    now = datetime.now(timezone.utc)
    return (cx509.CertificateBuilder().subject_name(name).issuer_name(issuer.subject if issuer else name)
            .public_key(key.public_key()).serial_number(cx509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=365))
            .add_extension(cx509.BasicConstraints(ca=issuer is None, path_length=None), critical=True)
            .sign(issuer_key, hashes.SHA256()))


@pytest.fixture(scope="module")
def school_issued() -> SigningIdentity:
    """An RSA key from a school's CA: RSA PKCS#1 v1.5 signatures are deterministic, so whole CMS objects compare."""
    ca_key, staff_key = ec.generate_private_key(ec.SECP256R1()), rsa.generate_private_key(65537, 2048)
    ca = _certificate("Ysgol Trust Staff CA", ca_key, None, ca_key)
    staff = _certificate("Siân Ŵyn", staff_key, ca, ca_key)
    der = serialization.Encoding.DER
    return SigningIdentity(
        private_key_der=staff_key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
        certificate_der=staff.public_bytes(der), chain_der=(ca.public_bytes(der),))


def pyhankos_own(identity: SigningIdentity) -> SimpleSigner:
    return SimpleSigner(
        signing_cert=x509.Certificate.load(identity.certificate_der),
        signing_key=keys.PrivateKeyInfo.load(identity.private_key_der),
        cert_registry=SimpleCertificateStore.from_certs([x509.Certificate.load(c) for c in identity.chain_der]))


def signed_attributes(signer: SimpleSigner) -> bytes:
    return asyncio.run(signer.signed_attrs(DIGEST, "sha256", PdfCMSSignedAttributes(signing_time=SIGNED_AT),
                                           use_pades=True)).dump()


def cms_der(signer: SimpleSigner) -> bytes:
    return asyncio.run(signer.async_sign(DIGEST, "sha256", use_pades=True,
                                         signed_attr_settings=PdfCMSSignedAttributes(signing_time=SIGNED_AT))).dump()


def test_the_signed_attributes_are_pyhankos_for_a_self_signed_identity():
    identity = create_self_signed("Nguyễn Thị Minh Khai", "S1003", "Barton St Peter's")
    ours = signed_attributes(pades_signer(identity))
    assert ours == signed_attributes(pyhankos_own(identity))
    assert ours == signed_attributes(pades_signer(identity))  # and again, from the remembered attribute
    types = [attribute["type"].native for attribute in cms.CMSAttributes.load(ours)]
    assert sorted(types) == ["content_type", "message_digest", "signing_certificate_v2"]  # no signing time: PAdES


def test_the_whole_cms_is_pyhankos_for_a_school_issued_identity_with_its_chain(school_issued):
    ours = cms_der(pades_signer(school_issued))
    assert ours == cms_der(pyhankos_own(school_issued))
    assert school_issued.chain_der[0] in ours and school_issued.certificate_der in ours
