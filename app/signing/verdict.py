"""What verifying one signed confirmation found: valid, or exactly why not. Imports nothing heavy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.core.confirmation import Confirmation


class VerdictCode(StrEnum):
    VALID = "valid"
    UNREADABLE = "unreadable"  # the file could not be opened
    TOO_LARGE = "too-large"
    TIMED_OUT = "timed-out"
    NOT_PDF = "not-pdf"
    DAMAGED = "damaged"  # a PDF that cannot be parsed (or that broke the checker)
    ENCRYPTED = "encrypted"  # a confirmation never is; and encryption hides what was signed
    NO_SIGNATURE = "no-signature"
    MULTIPLE_SIGNATURES = "multiple-signatures"
    BROKEN_SIGNATURE = "broken-signature"  # digest mismatch or a bad signature value
    CERTIFICATE_PROBLEM = "certificate-problem"  # the signer's certificate cannot sign documents
    NOT_WHOLE_FILE = "not-whole-file"  # bytes after the signed ones that are no PDF update
    CHANGED_AFTER_SIGNING = "changed-after-signing"  # an update of any kind after the signature
    NOT_CERTIFIED = "not-certified"  # not a PAdES certification that permits no changes
    UNEXPECTED_CONTENT = "unexpected-content"  # signed, but holds what the app never makes: scripts, overlays
    DATA_MISSING = "data-missing"
    DATA_NOT_JSON = "data-not-json"
    DATA_NOT_CONFIRMATION = "data-not-confirmation"  # JSON, but not this schema
    SIGNER_MISMATCH = "signer-mismatch"  # the certificate is not the staff member's the data names


@dataclass(frozen=True)
class Verdict:
    """`confirmation` only when valid; `fingerprint`, `signer_name` and `signed_at` whenever the
    signer's certificate could be read. `signed_at` is the signer's own clock (no timestamp server)."""

    valid: bool
    reason: str  # plain English, to follow the file name; "" when valid
    code: VerdictCode
    confirmation: Confirmation | None = None
    fingerprint: str | None = None  # SHA-256 of the signer's certificate, as certificate_fingerprint
    signer_name: str | None = None  # the certificate's common name
    signed_at: datetime | None = None

    @classmethod
    def invalid(cls, code: VerdictCode, reason: str, **signer) -> Verdict:
        return cls(valid=False, reason=reason, code=code, **signer)


# The fixed messages; those that carry details are built where the detail is known.
MESSAGES = {
    VerdictCode.NOT_PDF: "not a PDF file",
    VerdictCode.DAMAGED: "the PDF is damaged and cannot be read",
    VerdictCode.ENCRYPTED: "the PDF is encrypted, which a confirmation never is",
    VerdictCode.NO_SIGNATURE: "not signed",
    VerdictCode.NOT_WHOLE_FILE: "the signature does not cover the whole file: bytes were added after signing",
    VerdictCode.DATA_MISSING: "the confirmation data (confirmation.json) is missing from the file",
    VerdictCode.DATA_NOT_JSON: "the confirmation data (confirmation.json) is not valid JSON",
}


def too_large(max_bytes: int) -> Verdict:
    return Verdict.invalid(VerdictCode.TOO_LARGE, f"larger than {_size(max_bytes)}, more than a confirmation can be")


def timed_out(timeout_s: float) -> Verdict:
    return Verdict.invalid(VerdictCode.TIMED_OUT, f"checking it took too long (over {timeout_s:g} s), so it was stopped")


def unreadable(error: OSError) -> Verdict:
    return Verdict.invalid(VerdictCode.UNREADABLE, f"could not be opened: {error.strerror or error}")


def damaged(reason: str = "") -> Verdict:
    return Verdict.invalid(VerdictCode.DAMAGED, reason or MESSAGES[VerdictCode.DAMAGED])


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:g} MB" if n >= 1024 * 1024 else f"{n:,} bytes"
