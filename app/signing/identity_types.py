"""What a signer is, shared by the identity store, the signer and the verifier."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class SigningIdentity:
    """A private key and its certificate, unlocked, held in memory only while signing."""

    private_key_der: bytes  # PKCS#8, DER, unencrypted: never written to disk like this
    certificate_der: bytes
    chain_der: tuple[bytes, ...] = ()  # issuers above the certificate, for a school-issued one

    @property
    def fingerprint(self) -> str:
        return certificate_fingerprint(self.certificate_der)


def certificate_fingerprint(certificate_der: bytes) -> str:
    """SHA-256 of the certificate, as 'AB:CD:...', the way certificate viewers show it."""
    digest = hashlib.sha256(certificate_der).hexdigest().upper()
    return ":".join(digest[n:n + 2] for n in range(0, len(digest), 2))
