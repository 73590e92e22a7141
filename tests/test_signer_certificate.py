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
    der = make().certificate_der
    read = read_signer_certificate(der)
    assert (read.subject, read.may_sign, read.not_before, read.not_after) == _as_asn1crypto_reads_it(der)
    assert read.fingerprint == certificate_fingerprint(der)
    assert read.values("common_name") and read.values("nothing") == []


def test_an_unreadable_certificate_is_a_value_error():
    with pytest.raises(ValueError, match="unreadable certificate"):
        read_signer_certificate(helpers.with_key_usage_twice(helpers.make_identity()).certificate_der)
    with pytest.raises(ValueError, match="unreadable certificate"):
        read_signer_certificate(b"\x30\x03\x02\x01\x01")
