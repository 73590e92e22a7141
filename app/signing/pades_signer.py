"""pyHanko's in-memory signer, with the PAdES signed attribute that never changes for a certificate built once.

pyHanko assembles the signing-certificate-v2 attribute (the certificate's hash, issuer and serial
number) from freshly built asn1crypto objects, and asn1crypto re-encodes a freshly built structure
from scratch every time it is asked for its bytes, each nested level twice: about 30 ms a signing,
most of the time pyHanko spends. Given the attribute as parsed DER instead, the signed attributes
are the same bytes (the tests compare them with pyHanko's own) in a tenth of the time.

Imported only when signing: it imports pyHanko.
"""

from __future__ import annotations

from functools import lru_cache

from asn1crypto import keys, tsp, x509
from pyhanko.sign.attributes import CMSAttributeProvider, SignedAttributeProviderSpec
from pyhanko.sign.general import as_signing_certificate_v2
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from app.signing.identity_types import SigningIdentity


def pades_signer(identity: SigningIdentity) -> SimpleSigner:
    """A SimpleSigner for `identity` whose signed attributes are those pyHanko gives a PAdES signature:
    content type, message digest and signing-certificate-v2, and no signing time (PAdES keeps that
    in the signature dictionary)."""
    signer = SimpleSigner(
        signing_cert=x509.Certificate.load(identity.certificate_der),
        signing_key=keys.PrivateKeyInfo.load(identity.private_key_der),
        cert_registry=SimpleCertificateStore.from_certs([x509.Certificate.load(c) for c in identity.chain_der]),
    )
    # pyHanko adds content type and message digest itself; the spec supplies the rest.
    signer.signed_attr_prov_spec = _PadesSignedAttributes(identity.certificate_der)
    return signer


class _PadesSignedAttributes(SignedAttributeProviderSpec):
    """What pyHanko's CAdES spec yields for a PAdES signature without CAdES extras: the signing
    certificate alone (no signing-time attribute, which PAdES forbids)."""

    def __init__(self, certificate_der: bytes):
        self.certificate_der = certificate_der

    def signed_attr_providers(self, data_digest: bytes, digest_algorithm: str):
        yield _SigningCertificateV2(self.certificate_der)


class _SigningCertificateV2(CMSAttributeProvider):
    attribute_type = "signing_certificate_v2"

    def __init__(self, certificate_der: bytes):
        self.certificate_der = certificate_der

    async def build_attr_value(self, dry_run: bool = False) -> tsp.SigningCertificateV2:
        # A fresh object from DER each time: asn1crypto objects are mutable, the bytes are not.
        return tsp.SigningCertificateV2.load(signing_certificate_v2_der(self.certificate_der))


@lru_cache(maxsize=8)
def signing_certificate_v2_der(certificate_der: bytes) -> bytes:
    """The ESS signing-certificate-v2 value (RFC 5035, SHA-256) for the certificate, as pyHanko builds it."""
    return as_signing_certificate_v2(x509.Certificate.load(certificate_der), "sha256").dump()
