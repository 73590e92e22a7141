"""What the verifier reads from a signer's certificate for its own rules: who, for what, and when.

The names as asn1crypto reads them, as the verifier always has and as pyHanko, which checks
the signature with this certificate object, does: `cryptography` decodes any string type as
UTF-8, so a T61String of UTF-8 bytes would read as a name that other tools show garbled. The key
usage and dates with `cryptography`, which reads them in about a tenth of the time: asn1crypto
parses every extension to find one. The fingerprint is of the certificate's bytes as signed.
"""

from __future__ import annotations

from datetime import datetime

from app.core.record import record
from app.signing.identity_types import certificate_fingerprint

# The subject attributes the verifier looks at, by the names asn1crypto (and pyHanko) give them.
_KINDS = {
    "2.5.4.3": "common_name",
    "2.5.4.5": "serial_number",
    "1.2.840.113549.1.9.1": "email_address",
    "2.5.4.11": "organizational_unit_name",
    "0.9.2342.19200300.100.1.1": "user_id",
}


@record
class SignerCertificate:
    fingerprint: str  # SHA-256 of the DER, 'AB:CD:...'
    subject: tuple[tuple[str, str], ...]  # (kind, value) of the attributes in _KINDS, in order
    may_sign: bool  # no key usage extension (RFC 5280: any use), or digital signature / non-repudiation
    not_before: datetime
    not_after: datetime

    def values(self, kind: str) -> list[str]:
        return [value for each, value in self.subject if each == kind]


def read_signer_certificate(certificate) -> SignerCertificate:
    """`certificate`, an asn1crypto Certificate (pyHanko's signer_cert). Raises ValueError for one
    that cannot be read (not DER, a malformed or repeated extension, an unreadable name or date)."""
    from cryptography import x509

    try:
        der = certificate.dump()
        subject = tuple((_KINDS[attribute["type"].dotted], attribute["value"].native)
                        for rdn in certificate.subject.chosen for attribute in rdn
                        if attribute["type"].dotted in _KINDS and isinstance(attribute["value"].native, str))
        parsed = x509.load_der_x509_certificate(der)
        try:
            usage = parsed.extensions.get_extension_for_class(x509.KeyUsage).value
            may_sign = usage.digital_signature or usage.content_commitment
        except x509.ExtensionNotFound:
            may_sign = True
        return SignerCertificate(certificate_fingerprint(der), subject, may_sign, parsed.not_valid_before_utc,
                                 parsed.not_valid_after_utc)
    except Exception as exc:  # noqa: BLE001 - anyone's certificate: its parser may fail anywhere
        raise ValueError(f"unreadable certificate ({type(exc).__name__})") from exc
