"""The checks behind verify_pdf, with pyHanko: heavy to import, so only where files are verified.

A valid signature is not an unchanged document: besides the signature itself, this insists on
exactly one signature covering every byte of the file, a PAdES certification that permits no
changes, and embedded data that names the person the certificate belongs to.
"""

from __future__ import annotations

import binascii
import io
import json
import logging
import re
import unicodedata
from datetime import datetime, timezone

import pikepdf
from asn1crypto import algos
from asn1crypto import core as asn1_core
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter, enumerate_sig_fields
from pyhanko.sign.validation.generic_cms import validate_sig_integrity
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature, read_certification_data
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.sign.validation.utils import CMSAlgorithmUsagePolicy
from pyhanko_certvalidator.policy_decl import DEFAULT_WEAK_HASH_ALGOS, DisallowWeakAlgorithmsPolicy

from app.core.confirmation import JSON_NAME, Confirmation, ConfirmationError
from app.core.record import record
from app.signing.embedded_file import embedded_files, stream_bytes
from app.signing.identity_types import certificate_fingerprint
from app.signing.signer_certificate import SignerCertificate, read_signer_certificate
from app.signing.structure import qpdf_open, unexpected_content
from app.signing.verdict import MESSAGES, Verdict, VerdictCode, damaged

logger = logging.getLogger(__name__)

MAX_DATA_BYTES = 2 * 1024 * 1024  # a confirmation is a few kB; bounds a decompression bomb
_HEX_STRING = re.compile(rb"<(?:[0-9A-Fa-f]{2})*>")  # as pyHanko writes /Contents: no spaces, even length
# Where the app puts the staff ID in a certificate (identity_x509), and where IT's may: never the
# name, the school or anything else a certificate for someone else could also hold.
_ID_ATTRIBUTES = ("serial_number", "email_address", "organizational_unit_name", "user_id")
# pyHanko's default, as its full validation applied it: no MD5 or SHA-1, no RSA key under 2048 bits.
_ALGORITHMS = CMSAlgorithmUsagePolicy.lift_policy(DisallowWeakAlgorithmsPolicy(DEFAULT_WEAK_HASH_ALGOS))

# pyHanko logs a traceback for every tampered file it analyses; the verdict says it in one line.
for _name in ("pyhanko.sign.diff_analysis", "pyhanko.sign.validation", "pyhanko.sign.general",
              "pyhanko.pdf_utils", "pyhanko_certvalidator"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
    logging.getLogger(_name).propagate = False


def check_pdf(data: bytes) -> Verdict:
    """verify_pdf's work: any failure inside pyHanko is a verdict, never an exception."""
    if b"%PDF-" not in data[:1024]:
        return Verdict.invalid(VerdictCode.NOT_PDF, MESSAGES[VerdictCode.NOT_PDF])
    try:
        return _check(data)
    except _Invalid as invalid:
        return invalid.verdict
    except Exception as exc:  # noqa: BLE001 - untrusted input may break a parser anywhere
        logger.info("verify: %s while checking a file", type(exc).__name__)
        return damaged()


class _Invalid(Exception):
    def __init__(self, verdict: Verdict):
        self.verdict = verdict


def _check(data: bytes) -> Verdict:
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=True)
        if reader.encrypted:
            return Verdict.invalid(VerdictCode.ENCRYPTED, MESSAGES[VerdictCode.ENCRYPTED])
        signatures = list(enumerate_sig_fields(reader, filled_status=True))
    except Exception as exc:  # noqa: BLE001
        logger.info("verify: unparseable PDF (%s)", type(exc).__name__)
        return damaged()
    if not signatures:
        return Verdict.invalid(VerdictCode.NO_SIGNATURE, MESSAGES[VerdictCode.NO_SIGNATURE])
    if len(signatures) > 1:
        return Verdict.invalid(VerdictCode.MULTIPLE_SIGNATURES,
                               f"it has {len(signatures)} signatures; a confirmation has exactly one")
    name, _, field_ref = signatures[0]
    try:
        signature = EmbeddedPdfSignature(reader, field_ref, name)
        certificate = signature.signer_cert
    except Exception:  # noqa: BLE001
        return Verdict.invalid(VerdictCode.BROKEN_SIGNATURE, "the signature cannot be read")
    try:
        signer_certificate = read_signer_certificate(certificate)
    except ValueError:
        return Verdict.invalid(VerdictCode.CERTIFICATE_PROBLEM, "the signer's certificate cannot be read",
                               fingerprint=certificate_fingerprint(certificate.dump()))
    signer = _signer(signer_certificate)
    _require_app_signature_dictionary(signature, signer)
    _require_exact_byte_range(data, signature, signer)
    integrity = _integrity(signature, certificate, signer)
    signer["signed_at"] = integrity.signed_at

    if not integrity.intact:
        return Verdict.invalid(VerdictCode.BROKEN_SIGNATURE, "the signature does not match the content: "
                               "the file was altered or damaged after signing", **signer)
    if not integrity.valid:
        return Verdict.invalid(VerdictCode.BROKEN_SIGNATURE, "the signature value is not valid", **signer)
    later = reader.xrefs.total_revisions - 1 - signature.signed_revision
    if later > 0:
        return Verdict.invalid(VerdictCode.CHANGED_AFTER_SIGNING, _describe_changes(reader, signature), **signer)
    # With no update after the signed revision and every byte signed, nothing was modified: so
    # there is nothing for pyHanko's analysis of modifications to compare.
    if integrity.coverage is not SignatureCoverageLevel.ENTIRE_FILE:
        return Verdict.invalid(VerdictCode.NOT_WHOLE_FILE, MESSAGES[VerdictCode.NOT_WHOLE_FILE], **signer)
    _require_usable_certificate(signer_certificate, integrity.signed_at, signer)
    _require_certified_no_changes(reader, signature, signer)
    with qpdf_open(data) as pdf:
        unexpected = unexpected_content(reader, field_ref, pdf)
        if unexpected:
            return Verdict.invalid(VerdictCode.UNEXPECTED_CONTENT,
                                   f"it contains {unexpected}, which the app never puts in a confirmation", **signer)
        confirmation = _confirmation(pdf, signer)
    _require_same_person(confirmation, signer_certificate, signer)
    return Verdict(valid=True, reason="", code=VerdictCode.VALID, confirmation=confirmation, **signer)


def _require_app_signature_dictionary(signature, signer: dict) -> None:
    # Checked by name, not assumed: a dictionary without /Filter or /Type is what universal
    # signature forgeries feed to validators that skip what is missing.
    sig = signature.sig_object
    subfilter, handler = sig.get("/SubFilter"), sig.get("/Filter")
    if sig.get("/Type") != "/Sig":
        raise _Invalid(Verdict.invalid(VerdictCode.NOT_CERTIFIED,
                                       "the signature's dictionary does not say it is a signature (/Type /Sig)",
                                       **signer))
    if subfilter not in (
            SigSeedSubFilter.PADES.value, SigSeedSubFilter.ADOBE_PKCS7_DETACHED.value):
        raise _Invalid(Verdict.invalid(VerdictCode.NOT_CERTIFIED,
                                       f"signed in a format the app does not use ({subfilter})", **signer))
    if handler != "/Adobe.PPKLite":
        raise _Invalid(Verdict.invalid(VerdictCode.NOT_CERTIFIED, f"the signature names a handler (/Filter "
                                       f"{handler or 'missing'}) other than the standard one the app uses", **signer))


def _require_exact_byte_range(data: bytes, signature, signer: dict) -> None:
    """The signed bytes are the file's from its first byte, less exactly the /Contents hex string of
    this very signature: a moved, wrapped or partial byte range (signature wrapping) is refused here,
    before the digest is trusted. Whether bytes follow the signed ones is decided later."""
    byte_range = signature.byte_range
    if isinstance(byte_range, generic.IndirectObject):
        byte_range = byte_range.get_object()
    values = list(byte_range) if isinstance(byte_range, generic.ArrayObject) else []
    if len(values) != 4 or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values):
        raise _Invalid(Verdict.invalid(VerdictCode.BROKEN_SIGNATURE,
                                       "the signature's byte range is missing or malformed", **signer))
    start, length, after, rest = values
    gap = data[length:after]
    if start != 0 or after + rest > len(data) or not _HEX_STRING.fullmatch(gap) or \
            binascii.unhexlify(gap[1:-1]) != signature.pkcs7_content:
        raise _Invalid(Verdict.invalid(VerdictCode.NOT_WHOLE_FILE, "the signed bytes are not the whole file "
                                       "less the signature itself: the signature was moved or wrapped", **signer))


@record
class _Integrity:
    intact: bool  # the signed bytes' digest is the one the signature holds
    valid: bool  # the signature over it is the certificate's key's
    coverage: SignatureCoverageLevel
    signed_at: datetime | None  # by the signer's own clock


def _integrity(signature: EmbeddedPdfSignature, certificate, signer: dict) -> _Integrity:
    """pyHanko's integrity checks of the signature, without its trust validation.

    Integrity is all a signature can prove here: whether HR trusts that key for that person is the
    register's decision, by fingerprint. pyHanko's trust validation, against the signer's own
    certificate as the only root, proved nothing more (it checks neither the usage nor the dates of
    a root: _require_usable_certificate does) and took a tenth of each file's time.
    """
    try:
        signature.compute_integrity_info(skip_diff=True)  # the digest, the coverage, pyHanko's xref rules
        coverage = signature.summarise_integrity_info()["coverage"]
        signed_data, signer_info = signature.signed_data, signature.signer_info
        content = signed_data["encap_content_info"]
        if content["content"] is not asn1_core.VOID:
            raise ValueError("a PDF's signature is detached: it holds no content of its own")
        _require_strong_algorithms(signer_info, certificate, signer)
        # Also checks the signed attributes: content type, digest, and the signing certificate's hash.
        intact, valid = validate_sig_integrity(signer_info, certificate, content["content_type"].native,
                                               signature.compute_digest())
        signed_at = signature.self_reported_timestamp  # the signing-time attribute, else /M
    except _Invalid:
        raise
    except Exception as exc:  # noqa: BLE001
        logger.info("verify: signature validation failed (%s)", type(exc).__name__)
        raise _Invalid(Verdict.invalid(VerdictCode.BROKEN_SIGNATURE, "the signature cannot be checked",
                                       **signer)) from exc
    return _Integrity(intact, valid, coverage, signed_at)


def _require_strong_algorithms(signer_info, certificate, signer: dict) -> None:
    digest = signer_info["digest_algorithm"]
    if not _ALGORITHMS.digest_algorithm_allowed(digest, None):
        raise _Invalid(Verdict.invalid(VerdictCode.BROKEN_SIGNATURE, f"it was signed with "
                                       f"{str(digest['algorithm'].native).upper()}, a hash too weak to show "
                                       "that the file is unchanged", **signer))
    method = signer_info["signature_algorithm"]
    if not _ALGORITHMS.signature_algorithm_allowed(method, None, certificate.public_key):
        key = certificate.public_key
        raise _Invalid(Verdict.invalid(VerdictCode.CERTIFICATE_PROBLEM, f"the signature's method is too weak to "
                                       f"trust ({method['algorithm'].native}, a {key.bit_size}-bit "
                                       f"{str(key.algorithm).upper()} key)", **signer))
    # RFC 8933: the signature's method hashes with the message digest's hash. A fresh
    # DigestAlgorithm, as pyHanko builds it: explicit NULL parameters are no mismatch.
    if not _ALGORITHMS.digest_combination_allowed(
            method, algos.DigestAlgorithm({"algorithm": digest["algorithm"].native}), None):
        raise _Invalid(Verdict.invalid(VerdictCode.BROKEN_SIGNATURE, f"the signature's method "
                                       f"({method['algorithm'].native}) does not use the hash of the signed data "
                                       f"({str(digest['algorithm'].native).upper()})", **signer))


def _require_usable_certificate(certificate: SignerCertificate, signed_at: datetime | None, signer: dict) -> None:
    # pyHanko's integrity checks look at neither the usage nor the dates: so here. A certificate
    # without a key usage extension may sign (RFC 5280). Dates against the signer's own clock, the
    # only time there is (B-B).
    def problem(reason: str) -> _Invalid:
        return _Invalid(Verdict.invalid(VerdictCode.CERTIFICATE_PROBLEM, reason, **signer))

    if not certificate.may_sign:
        raise problem("the signer's certificate is not for signing documents")
    if signed_at is not None and not certificate.not_before <= signed_at <= certificate.not_after:
        raise problem(f"the signer's certificate was not valid at the time it says it was signed "
                      f"({signed_at.astimezone(timezone.utc):%d %B %Y %H:%M} UTC)")


def _signer(certificate: SignerCertificate) -> dict:
    common_names = certificate.values("common_name")
    return {"fingerprint": certificate.fingerprint, "signer_name": common_names[0] if len(common_names) == 1 else None}


def _require_certified_no_changes(reader: PdfFileReader, signature: EmbeddedPdfSignature, signer: dict) -> None:
    if signature.sig_object.get("/SubFilter") != SigSeedSubFilter.PADES.value:
        raise _Invalid(Verdict.invalid(VerdictCode.NOT_CERTIFIED,
                                       "signed as adbe.pkcs7.detached, not PAdES as the app signs", **signer))
    certification = read_certification_data(reader)
    ours = signature.sig_field.raw_get("/V")
    if certification is None or not isinstance(ours, generic.IndirectObject) or \
            reader.root["/Perms"].raw_get("/DocMDP") != ours:
        raise _Invalid(Verdict.invalid(VerdictCode.NOT_CERTIFIED, "the signature is an approval signature, "
                                       "not a certification that permits no changes", **signer))
    if certification.permission is not MDPPerm.NO_CHANGES or signature.docmdp_level is not MDPPerm.NO_CHANGES:
        level = signature.docmdp_level.name.lower().replace("_", " ") if signature.docmdp_level else "unknown"
        raise _Invalid(Verdict.invalid(VerdictCode.NOT_CERTIFIED,
                                       f"the certification permits changes ({level}); the app's permits none",
                                       **signer))


def _confirmation(pdf: pikepdf.Pdf, signer: dict) -> Confirmation:
    def invalid(code: VerdictCode, reason: str | None = None) -> _Invalid:
        return _Invalid(Verdict.invalid(code, reason or MESSAGES[code], **signer))

    streams = embedded_files(pdf, JSON_NAME)
    if not streams:
        raise invalid(VerdictCode.DATA_MISSING)
    if len(streams) > 1:
        raise invalid(VerdictCode.DATA_NOT_JSON, f"the file holds {len(streams)} copies of {JSON_NAME}, not one")
    payload = stream_bytes(streams[0], MAX_DATA_BYTES)
    if payload is None:
        raise invalid(VerdictCode.DATA_NOT_JSON, f"{JSON_NAME} is too large or not stored as the app stores it")
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise invalid(VerdictCode.DATA_NOT_JSON) from exc
    try:
        return Confirmation.from_json(data)
    except ConfirmationError as exc:
        raise invalid(VerdictCode.DATA_NOT_CONFIRMATION, f"the confirmation data is not a confirmation: {exc}") from exc
    except Exception as exc:  # noqa: BLE001 - the parser expects the schema's shapes
        raise invalid(VerdictCode.DATA_NOT_CONFIRMATION, "the confirmation data is not a confirmation") from exc


def _require_same_person(confirmation: Confirmation, certificate: SignerCertificate, signer: dict) -> None:
    name, staff_id, signer_name = confirmation.staff.name, confirmation.staff.id, signer["signer_name"]
    if signer_name is None or _nfc(signer_name) != _nfc(name):
        whose = f"for {signer_name}" if signer_name else "that names no one"
        raise _Invalid(Verdict.invalid(VerdictCode.SIGNER_MISMATCH, f"the confirmation is for {name}, but it was "
                                       f"signed with a certificate {whose}", **signer))
    held = [v for kind in _ID_ATTRIBUTES for v in certificate.values(kind)]
    if _nfc(staff_id).casefold() not in {_nfc(v).casefold() for v in held}:
        raise _Invalid(Verdict.invalid(VerdictCode.SIGNER_MISMATCH,
                                       f"the staff ID {staff_id} is not in the signer's certificate", **signer))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _describe_changes(reader: PdfFileReader, signature: EmbeddedPdfSignature) -> str:
    """'it was changed after it was signed (annotations, pages)': what the later updates touched."""
    kinds: set[str] = set()
    try:
        info = reader.trailer_view.raw_get("/Info")
        info_ref = info.reference if isinstance(info, generic.IndirectObject) else None
        for revision in range(signature.signed_revision + 1, reader.xrefs.total_revisions):
            for ref in reader.xrefs.explicit_refs_in_revision(revision):
                kinds.add(_kind(reader.get_object(ref, revision=revision), ref == info_ref))
    except Exception:  # noqa: BLE001 - the description is a courtesy; the verdict stands without it
        kinds.clear()
    detail = ", ".join(kind for kind in _KINDS if kind in kinds)
    detail = f" ({detail})" if detail else ""
    return f"it was changed after it was signed{detail}"


_KINDS = ("pages", "annotations", "form fields", "signatures", "attachments", "metadata", "document properties")


def _kind(obj, is_info: bool) -> str:
    if is_info:
        return "document properties"
    if not isinstance(obj, generic.DictionaryObject):
        return ""
    kind, subtype = obj.get("/Type"), obj.get("/Subtype")
    if kind in ("/Sig", "/DocTimeStamp"):
        return "signatures"
    if "/FT" in obj or subtype == "/Widget":
        return "form fields"
    if kind == "/Annot" or (subtype and "/Rect" in obj):
        return "annotations"
    if kind == "/Page":
        return "pages"
    if kind == "/Metadata":
        return "metadata"
    if kind == "/EmbeddedFile":
        return "attachments"
    return ""
