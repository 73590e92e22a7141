"""The verifier's reading of a signer's certificate (with `cryptography`) against asn1crypto's, which
pyHanko uses and the verifier used before: the same names, usage and dates."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import signing_helpers as helpers  # noqa: E402

from app.signing.identity_types import certificate_fingerprint  # noqa: E402
from app.signing.signer_certificate import read_signer_certificate  # noqa: E402

KINDS = ("common_name", "serial_number", "email_address", "organizational_unit_name", "user_id")


def _as_asn1crypto_reads_it(der: bytes):
    from asn1crypto import x509

    certificate = x509.Certificate.load(der)
    subject = tuple((attribute["type"].native, attribute["value"].native) for rdn in certificate.subject.chosen
                    for attribute in rdn if attribute["type"].native in KINDS and isinstance(attribute["value"].native, str))
    usage = certificate.key_usage_value
    may_sign = usage is None or bool({"digital_signature", "non_repudiation"} & set(usage.native))
    validity = certificate["tbs_certificate"]["validity"]
    return subject, may_sign, validity["not_before"].native, validity["not_after"].native


def _app_identity(name: str, staff_id: str):
    from app.signing.identity_x509 import create_self_signed

    return create_self_signed(name, staff_id, "Ysgol Gymraeg Aberystwyth")


@pytest.mark.parametrize("make", [
    lambda: helpers.make_identity(),
    lambda: helpers.make_identity("Zoë Ní Bhriain", "S0042", "École d'été"),
    lambda: helpers.make_identity(key="RSA-2048", can_sign=False),
    lambda: helpers.make_identity(key="P-384", key_usage=False, days=3),
    lambda: _app_identity("Siân Ó Briain", "S1234"),
    lambda: _app_identity("Aoife Ní Bhriain", "aoife.238@school.example"),
], ids=["helpers", "non-ASCII", "RSA, not for signing", "no key usage", "the app's", "the app's, email ID"])
def test_it_reads_what_asn1crypto_reads(make):
    from asn1crypto import x509

    der = make().certificate_der
    read = read_signer_certificate(x509.Certificate.load(der))
    assert (read.subject, read.may_sign, read.not_before, read.not_after) == _as_asn1crypto_reads_it(der)
    assert read.fingerprint == certificate_fingerprint(der)
    assert read.values("common_name") and read.values("nothing") == []


@pytest.mark.parametrize("tag", [0x14, 0x16, 0x1A], ids=["T61String", "IA5String", "VisibleString"])
def test_a_name_in_another_string_type_reads_as_asn1crypto_reads_it(tag):
    """cryptography decodes every string type as UTF-8: a name of UTF-8 bytes under another type
    would read as the person's name, where asn1crypto (and other tools) read something else, or
    nothing."""
    from asn1crypto import x509

    certificate = x509.Certificate.load(helpers.make_identity().certificate_der)
    utf8 = "Siân Ó Briain".encode()
    common_name = b"\x06\x03\x55\x04\x03" + bytes([tag, len(utf8)]) + utf8
    rdn = b"\x31" + bytes([len(common_name) + 2]) + b"\x30" + bytes([len(common_name)]) + common_name
    certificate["tbs_certificate"]["subject"] = x509.Name.load(b"\x30" + bytes([len(rdn)]) + rdn)
    der = certificate.dump()
    assert utf8 in der
    try:
        expected = _as_asn1crypto_reads_it(der)[0]
    except ValueError:  # asn1crypto cannot read it (a UnicodeDecodeError is one): nor can the verifier
        with pytest.raises(ValueError, match="unreadable certificate"):
            read_signer_certificate(x509.Certificate.load(der))
        return
    read = read_signer_certificate(x509.Certificate.load(der))
    assert read.subject == expected and read.values("common_name") != ["Siân Ó Briain"]


def test_an_unreadable_certificate_is_a_value_error():
    from asn1crypto import x509

    with pytest.raises(ValueError, match="unreadable certificate"):
        read_signer_certificate(x509.Certificate.load(helpers.with_key_usage_twice(helpers.make_identity()).certificate_der))
    with pytest.raises(ValueError, match="unreadable certificate"):
        read_signer_certificate(x509.Certificate.load(b"\x30\x03\x02\x01\x01"))
