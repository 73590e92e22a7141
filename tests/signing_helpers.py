"""Test identities, PDFs and confirmations for the signing tests, built without the app's own builders."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone

from app.core.audit import AuditType, Status
from app.core.confirmation import Confirmation, ConfirmedItem, Staff
from app.signing.identity_types import SigningIdentity

NAME = "Siân Ó Briain"
STAFF_ID = "S1234"
SCHOOL = "Ysgol Gymraeg Aberdyfi"
CYCLE = "2026-27"
# Where the test PDF leaves room for the stamp: page index 0-based, box in points (x1, y1, x2, y2).
SIGNATURE_PAGE = 2
SIGNATURE_BOX = (72.0, 90.0, 300.0, 140.0)


def make_identity(name: str = NAME, staff_id: str = STAFF_ID, school: str = SCHOOL, *,
                  days: int = 365, can_sign: bool = True, key: str = "P-256",
                  key_usage: bool = True) -> SigningIdentity:
    """A self-signed identity shaped like the app's own (EC P-256): CA, so pdfsig can be told to trust
    it. `key` may also be "P-384" or "RSA-<bits>", as a certificate from IT may be; `key_usage` False
    leaves that extension out."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID

    private_key = (rsa.generate_private_key(65537, int(key.removeprefix("RSA-"))) if key.startswith("RSA-")
                   else ec.generate_private_key(ec.SECP384R1() if key == "P-384" else ec.SECP256R1()))
    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, name),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, staff_id),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, school),
    ])
    now = datetime.now(timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject)
        .public_key(private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(private_key.public_key()), critical=False)
    )
    if key_usage:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=can_sign, content_commitment=can_sign, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=True, crl_sign=False, encipher_only=False, decipher_only=False,
        ), critical=True)
    certificate = builder.sign(private_key, hashes.SHA256())
    return SigningIdentity(
        private_key_der=private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()),
        certificate_der=certificate.public_bytes(serialization.Encoding.DER),
    )


def with_key_usage_twice(identity: SigningIdentity) -> SigningIdentity:
    """The same identity, its certificate's key usage extension repeated: readable by asn1crypto (and
    so by pyHanko, which signs with it), refused by `cryptography`, as DER and RFC 5280 require."""
    from dataclasses import replace

    from asn1crypto import x509

    certificate = x509.Certificate.load(identity.certificate_der)
    tbs = certificate["tbs_certificate"]
    extensions = list(tbs["extensions"])
    usage = next(e for e in extensions if e["extn_id"].native == "key_usage")
    tbs["extensions"] = x509.Extensions(extensions + [x509.Extension.load(usage.dump())])
    twice = x509.Certificate({"tbs_certificate": tbs, "signature_algorithm": certificate["signature_algorithm"],
                              "signature_value": certificate["signature_value"]})
    return replace(identity, certificate_der=twice.dump(force=True))


def certificate_pem(identity: SigningIdentity) -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    return x509.load_der_x509_certificate(identity.certificate_der).public_bytes(serialization.Encoding.PEM)


def make_confirmation(name: str = NAME, staff_id: str = STAFF_ID) -> Confirmation:
    items = (
        ConfirmedItem("privacy", "Privacy settings", "Your profiles are private.", Status.DONE),
        ConfirmedItem("pupils", "Connections", "You are not connected with pupils.", Status.ACTION,
                      action="Remove two former pupils", due=date(2026, 12, 1)),
        ConfirmedItem("logo", "Branding", "You do not use the school logo.", Status.NOT_APPLICABLE,
                      reason="I have no public profiles"),
    )
    return Confirmation(
        document_id="2f0c5a8e-0000-4000-8000-000000000001", staff=Staff(name, staff_id, "Teacher"),
        school=SCHOOL, cycle=CYCLE, audit_type=AuditType.ANNUAL, checklist_id="ysgol-aberdyfi",
        checklist_title="Social media policy", checklist_version="2026.1", checklist_sha256="ab" * 32,
        completed_at=datetime(2026, 11, 20, 14, 5, 0), items=items,
        declaration="I have checked my own social media against the school's policy.",
    )


def make_pdf(pages: int = 3) -> bytes:
    """A small reportlab PDF, the last page leaving room for the stamp at SIGNATURE_BOX."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setTitle("Social media self-audit")
    for page in range(pages):
        pdf.setFont("Helvetica", 12)
        for line in range(40):
            pdf.drawString(72, 780 - 16 * line, f"Page {page + 1}, line {line + 1}: a confirmation of the checks.")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# Altered copies of a signed PDF: each returns new bytes, the input is left alone.

def flip_byte(data: bytes, marker: bytes, offset: int = 0) -> bytes:
    """One byte changed inside the signed bytes, just after the first `marker`."""
    at = data.index(marker) + len(marker) + offset
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


def update(data: bytes, edit) -> bytes:
    """An incremental update made with pyHanko, as any PDF editor would add one."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    edit(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def add_page_content(writer) -> None:
    from pyhanko.pdf_utils import generic

    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 400 Td (All checks done) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))


def add_text_annotation(writer) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    annotation = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/Text"),
        pdf_name("/Rect"): generic.ArrayObject(map(generic.FloatObject, (100, 100, 120, 120))),
        pdf_name("/Contents"): generic.TextStringObject("Ignore item 3"),
    })
    page_ref, _ = writer.find_page_for_modification(0)
    writer.register_annotation(page_ref, writer.add_object(annotation))


def change_title(writer) -> None:
    from pyhanko.pdf_utils import generic

    info = writer.trailer["/Info"]
    info[generic.pdf_name("/Title")] = generic.TextStringObject("Something else")
    writer.update_container(info)


def add_xmp_metadata(writer) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    xmp = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
           b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""'
           b' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">'
           b'Changed</rdf:li></rdf:Alt></dc:title></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')
    stream = generic.StreamObject({pdf_name("/Type"): pdf_name("/Metadata"),
                                   pdf_name("/Subtype"): pdf_name("/XML")}, stream_data=xmp)
    writer.root[pdf_name("/Metadata")] = writer.add_object(stream)
    writer.update_root()


def add_text_field(writer) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    page_ref, _ = writer.find_page_for_modification(0)
    field = writer.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/Widget"),
        pdf_name("/FT"): pdf_name("/Tx"), pdf_name("/T"): generic.TextStringObject("Comment"),
        pdf_name("/V"): generic.TextStringObject("Approved by HR"), pdf_name("/P"): page_ref,
        pdf_name("/Rect"): generic.ArrayObject(map(generic.FloatObject, (72, 300, 300, 320))),
    }))
    form = writer.root["/AcroForm"]
    form["/Fields"].append(field)
    writer.update_container(form["/Fields"])
    writer.update_container(form)
    writer.register_annotation(page_ref, field)


def add_second_signature(data: bytes, identity: SigningIdentity) -> bytes:
    """An approval signature on top, as a careless tool would add one (pyHanko itself refuses)."""
    from asn1crypto import keys, x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    signer = signers.SimpleSigner(x509.Certificate.load(identity.certificate_der),
                                  keys.PrivateKeyInfo.load(identity.private_key_der), SimpleCertificateStore())
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    metadata = signers.PdfSignatureMetadata(field_name="Countersignature", md_algorithm="sha256",
                                            subfilter=fields.SigSeedSubFilter.PADES)

    class CarelessPdfSigner(signers.PdfSigner):
        def _enforce_certification_constraints(self, reader):
            pass

    return CarelessPdfSigner(metadata, signer).sign_pdf(writer).getvalue()


def replace_attachment(writer) -> None:
    """A later revision that swaps the embedded confirmation.json for other bytes."""
    from pyhanko.pdf_utils import embed

    spec = writer.root["/Names"]["/EmbeddedFiles"]["/Names"][1]
    data = embed.EmbeddedFileObject.from_file_data(writer, b'{"schema": "forged"}')
    spec["/EF"]["/F"] = data.ef_stream_ref
    spec["/EF"]["/UF"] = data.ef_stream_ref
    writer.update_container(spec)


def bad_signature_value(data: bytes) -> bytes:
    """The signed bytes untouched, the signature value itself altered (same length, still DER)."""
    import binascii

    from asn1crypto import cms

    start = data.index(b"/Contents <") + len(b"/Contents <")
    end = data.index(b">", start)
    raw = binascii.unhexlify(data[start:end])
    content = cms.ContentInfo.load(raw.rstrip(b"\0"))
    signer_info = content["content"]["signer_infos"][0]
    value = bytearray(signer_info["signature"].native)
    value[-1] ^= 0x01  # the last byte of the ECDSA value's s: the DER stays well formed
    signer_info["signature"] = bytes(value)
    new = binascii.hexlify(content.dump(force=True)).upper()
    return data[:start] + new.ljust(end - start, b"0") + data[end:]


def sign_differently(pdf: bytes, payload: bytes, identity: SigningIdentity, **metadata) -> bytes:
    """Signed as the app does except for `metadata` (e.g. certify=False), to check the verifier's rules."""
    from asn1crypto import keys, x509
    from pyhanko.pdf_utils import embed
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    embed.embed_file(writer, embed.FileSpec(
        file_spec_string="confirmation.json", file_name="confirmation.json",
        embedded_data=embed.EmbeddedFileObject.from_file_data(writer, payload)))
    settings = dict(field_name="StaffSignature", md_algorithm="sha256", certify=True,
                    docmdp_permissions=fields.MDPPerm.NO_CHANGES, subfilter=fields.SigSeedSubFilter.PADES)
    settings.update(metadata)
    signer = signers.SimpleSigner(x509.Certificate.load(identity.certificate_der),
                                  keys.PrivateKeyInfo.load(identity.private_key_der), SimpleCertificateStore())
    return signers.PdfSigner(signers.PdfSignatureMetadata(**settings), signer).sign_pdf(writer).getvalue()


def huge_signature_contents(pdf: bytes, megabytes: float = 1) -> bytes:
    """A PDF whose one signature holds megabytes of contents: slow for pyHanko to read (seconds a MB)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    def edit(writer) -> None:
        page_ref, _ = writer.find_page_for_modification(0)
        signature = writer.add_object(generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Sig"), pdf_name("/Filter"): pdf_name("/Adobe.PPKLite"),
            pdf_name("/SubFilter"): pdf_name("/ETSI.CAdES.detached"),
            pdf_name("/ByteRange"): generic.ArrayObject(map(generic.NumberObject, (0, 10, 20, 30))),
            pdf_name("/Contents"): generic.ByteStringObject(bytes(int(megabytes * 1024 * 1024))),
        }))
        field = writer.add_object(generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/FT"): pdf_name("/Sig"), pdf_name("/T"): generic.TextStringObject("Signature"),
            pdf_name("/V"): signature, pdf_name("/P"): page_ref,
            pdf_name("/Rect"): generic.ArrayObject(map(generic.NumberObject, (0, 0, 0, 0))),
        }))
        writer.root[pdf_name("/AcroForm")] = generic.DictionaryObject(
            {pdf_name("/Fields"): generic.ArrayObject([field])})
        writer.update_root()

    return update(pdf, edit)


def crash_if_named_crash(path, max_bytes):
    """A worker task that dies like a segfaulting parser would, for files named crash*.pdf."""
    import os

    from app.signing.verify import verify_file

    if path.name.startswith("crash"):
        os._exit(70)
    return verify_file(path, max_bytes)
