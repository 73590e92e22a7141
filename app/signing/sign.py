"""Signs a confirmation PDF: its JSON embedded and a PAdES certification signature, in one revision.

The certification permits no changes at all (DocMDP P=1), so any later edit, even one a PDF
reader would call harmless, shows up as a change when HR verifies the file. No timestamp
server: the laptops are offline, so the signing time is the laptop's own clock (PAdES B-B).
"""

from __future__ import annotations

import io
import json
import unicodedata

from app.core.confirmation import JSON_NAME, Confirmation
from app.signing.identity_types import SigningIdentity

FIELD_NAME = "StaffSignature"
REASON = "Social media self-audit confirmation"
STAMP_TEXT = "Digitally signed by %(signer)s\n%(ts)s"
STAMP_TIME_FORMAT = "%d %B %Y, %H:%M %Z"


def confirmation_json_bytes(confirmation: Confirmation) -> bytes:
    return json.dumps(confirmation.to_json(), ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


def sign_pdf(pdf: bytes, confirmation: Confirmation, identity: SigningIdentity, *, signature_page: int,
             signature_box: tuple[float, float, float, float], signer_name: str) -> bytes:
    """The signed PDF. `signature_page` is 0-based; `signature_box` is (x1, y1, x2, y2) in points."""
    return sign_pdf_with_payload(pdf, confirmation_json_bytes(confirmation), identity, signature_page=signature_page,
                                 signature_box=signature_box, signer_name=signer_name)


def sign_pdf_with_payload(pdf: bytes, payload: bytes | None, identity: SigningIdentity, *, signature_page: int,
                          signature_box: tuple[float, float, float, float], signer_name: str) -> bytes:
    """sign_pdf with the embedded bytes as given (None: nothing embedded), for tests that need doctored data."""
    from pyhanko.sign.general import SigningError

    # A tight reservation (in hex digits) spares pyHanko a dummy signature to size it, which halves
    # the signing time, and keeps the file small; an unusually large chain falls back to its estimate.
    reserved = 2 * (1536 + len(identity.certificate_der) + sum(map(len, identity.chain_der)))
    try:
        return _sign(pdf, payload, identity, signature_page, signature_box, signer_name, reserved)
    except SigningError as error:
        if "larger than expected" not in str(error):
            raise
        return _sign(pdf, payload, identity, signature_page, signature_box, signer_name, None)


def _sign(pdf: bytes, payload: bytes | None, identity: SigningIdentity, signature_page: int,
          signature_box: tuple[float, float, float, float], signer_name: str, reserved: int | None) -> bytes:
    from pyhanko.pdf_utils import embed
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    from app.signing.pades_signer import pades_signer

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=True)
    if payload is not None:
        # Same revision as the signature, so the signature covers it. No af_relationship: it
        # declares PDF 2.0 for nothing. (An EC key does that anyway: pyHanko declares ISO/TS 32002.)
        data = embed.EmbeddedFileObject.from_file_data(
            writer, payload, mime_type="application/json",
            params=embed.EmbeddedFileParams(embed_size=True, embed_checksum=True),
        )
        embed.embed_file(writer, embed.FileSpec(
            file_spec_string=JSON_NAME, file_name=JSON_NAME, embedded_data=data,
            description="The confirmation, as data",
        ))

    signer = pades_signer(identity)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, md_algorithm="sha256", reason=REASON, name=signer_name,
        certify=True, docmdp_permissions=fields.MDPPerm.NO_CHANGES, subfilter=fields.SigSeedSubFilter.PADES,
    )
    style = TextStampStyle(stamp_text=STAMP_TEXT, timestamp_format=STAMP_TIME_FORMAT, border_width=1)
    pdf_signer = signers.PdfSigner(
        metadata, signer=signer, stamp_style=style,
        new_field_spec=fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=signature_page,
                                           box=tuple(signature_box)),  # type: ignore[arg-type]
    )
    out = pdf_signer.sign_pdf(writer, bytes_reserved=reserved,
                              appearance_text_params={"signer": stamp_safe(signer_name)})
    return out.getvalue()


# Letters that NFKD leaves whole, so that Łucja is not stamped as ?ucja.
_NO_DECOMPOSITION = {"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Œ": "OE", "œ": "oe",
                     "Ŧ": "T", "ŧ": "t", "Ŋ": "N", "ŋ": "n", "ĸ": "k", "Ŀ": "L", "ŀ": "l"}


def stamp_safe(text: str) -> str:
    """Text the stamp's standard font can show: Latin-1 kept (Siân), others lose accents (ŵ -> w) or become '?'.

    The stamp uses a PDF standard font (pyHanko's own TrueType support needs fontTools); the exact
    name is in the certificate and the embedded data either way.
    """
    out = []
    for char in unicodedata.normalize("NFC", text):
        if 0x20 <= ord(char) <= 0x7E or (0xA1 <= ord(char) <= 0xFF and char != "\xad"):
            out.append(char)
            continue
        base = _NO_DECOMPOSITION.get(char) or unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        out.append(base if base.isprintable() and base else "?")
    return "".join(out)
