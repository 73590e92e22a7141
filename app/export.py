"""Signing and saving the confirmation: identity, PDF, signature, file.

Qt-free and store-free, so it runs on a worker thread (SQLite connections belong to the thread
that opened them: the caller records the result through the session afterwards). reportlab and
pyHanko are imported here, on first export, never at start-up.
"""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from app.core.audit import Audit
from app.core.checklist import Checklist
from app.core.confirmation import Confirmation, build_confirmation, pdf_file_name
from app.signing.identity_types import SigningIdentity

Strokes = tuple[tuple[tuple[float, float], ...], ...]
STEPS = 4


class ExportError(Exception):
    """Why the PDF was not saved, in plain English; nothing was written."""


class TargetExistsError(ExportError):
    def __init__(self, path: Path):
        super().__init__(f"{path.name} is already in {path.parent}.")
        self.path = path


@dataclass(frozen=True)
class ExportJob:
    checklist: Checklist
    audit: Audit
    folder: Path
    handwriting: Strokes = ()
    logo: Path | None = None
    replace_existing: bool = False
    document_id: str = ""
    signed_at: datetime | None = None


@dataclass(frozen=True)
class ExportResult:
    path: Path
    pdf_sha256: str
    document_id: str
    fingerprint: str
    signed_at: datetime
    confirmation: Confirmation


def prepare(checklist: Checklist, audit: Audit, folder: Path, **options) -> ExportJob:
    """A job with its document ID and time fixed now, so the file name is known before signing."""
    signed_at = datetime.now(timezone.utc).replace(microsecond=0)
    document_id = f"SA-{audit.cycle}-{uuid.uuid4().hex[:12].upper()}"
    return ExportJob(checklist, audit, folder, document_id=document_id, signed_at=signed_at, **options)


def confirmation_of(job: ExportJob) -> Confirmation:
    audit = job.audit if job.audit.completed_at else replace(job.audit, completed_at=job.signed_at)
    return build_confirmation(job.checklist, audit, job.document_id)


def target_path(job: ExportJob) -> Path:
    return job.folder / pdf_file_name(confirmation_of(job))


def run_export(job: ExportJob, unlock: Callable[[], SigningIdentity],
               progress: Callable[[int, str], None] = lambda step, text: None) -> ExportResult:
    """Unlock, build, sign and write; raises ExportError (or the identity's own errors)."""
    from app.pdf.document import build_pdf, check_printable
    from app.signing.sign import sign_pdf

    confirmation = confirmation_of(job)
    problems = check_printable(confirmation)
    if problems:
        raise ExportError("\n".join(problems))
    target = job.folder / pdf_file_name(confirmation)
    if target.exists() and not job.replace_existing:
        raise TargetExistsError(target)
    progress(1, "Unlocking your signing key")
    identity = unlock()
    progress(2, "Building the PDF")
    built = build_pdf(confirmation, fingerprint=identity.fingerprint, handwriting=job.handwriting, logo=job.logo)
    progress(3, "Signing")
    signed = sign_pdf(built.data, confirmation, identity, signature_page=built.signature_page,
                      signature_box=built.signature_box, signer_name=confirmation.staff.name)
    progress(4, "Saving")
    write_file(target, signed, replace_existing=job.replace_existing)
    return ExportResult(target, hashlib.sha256(signed).hexdigest(), job.document_id, identity.fingerprint,
                        job.signed_at or datetime.now(timezone.utc), confirmation)


def write_file(target: Path, data: bytes, replace_existing: bool) -> None:
    """All or nothing: a temporary file in the same folder, synced, then moved into place.

    Without replace_existing an existing file is never replaced, even one that appeared
    while signing: the move is a hard link, which fails if the name is taken.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise ExportError(_os_message(exc, target.parent)) from exc
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if replace_existing:
            os.replace(temporary, target)
        else:
            _move_without_replacing(temporary, target)
    except FileExistsError as exc:
        raise TargetExistsError(target) from exc
    except OSError as exc:
        raise ExportError(_os_message(exc, target.parent)) from exc
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _move_without_replacing(source: str, target: Path) -> None:
    if os.name == "nt":
        os.rename(source, target)  # Windows refuses to rename onto an existing file
        return
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        # A file system without hard links (a FAT USB stick): check, then rename.
        if target.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(target)) from exc
        os.rename(source, target)


def _os_message(exc: OSError, folder: Path) -> str:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG):  # full, or over quota
        return f"There is not enough space in {folder} to save the PDF. Free some space or choose another folder."
    if exc.errno == errno.EROFS:
        return f"The app is not allowed to save in {folder}: it is on a read-only disk. Choose another folder, such as Documents."
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"The app is not allowed to save in {folder}. Choose another folder, such as Documents."
    return f"The PDF could not be saved in {folder} ({exc.strerror or exc})."
