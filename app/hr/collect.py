"""Collecting a folder of confirmations into the register: only new or changed files are checked.

Every PDF in the folder and below (hidden files and folders skipped: macOS's ._name.pdf on a
USB stick, .Trash) is hashed; a file whose SHA-256 the register already holds for that path is
left alone, and bytes it holds under another path (a file moved or copied) take that record
over. The rest are checked with the rules of `self-audit verify`, in worker processes with a
time and memory limit per file, and recorded in batches, so that cancelling keeps what was done.

Made to run on a worker thread (for example a QThread): it reports through `progress(done,
total)` and stops soon after `cancelled()` returns True. Raises CollectError or RegisterError.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from app.hr.worker import check_for_register
from app.hr.records import FileRecord, confirmation_fields
from app.hr.register import Register
from app.hr.rules import first_seen_keys
from app.signing.verify import MAX_BYTES, TIMEOUT_S, iter_verdicts, start_workers

logger = logging.getLogger(__name__)

BATCH_FILES = 200  # results recorded together: one transaction each
BATCH_SECONDS = 1.0


class CollectError(Exception):
    """The folder cannot be collected; `str()` says why in plain English."""


@dataclass(frozen=True)
class CollectResult:
    folder: Path
    found: int  # PDF files found in the folder and below
    checked: int  # new or changed, verified this time
    unchanged: int  # already in the register with the same bytes
    reused: int  # bytes already checked under another path (moved or copied)
    removed: int  # in the register but no longer in the folder
    ignored: int  # files that are not PDFs by name (a .pdf that is not a PDF is checked and reported)
    cancelled: bool = False


def find_pdfs(folder: Path, cancelled: Callable[[], bool] = lambda: False) -> tuple[list[Path], int]:
    """Every file named *.pdf (any case) in `folder` and below, hidden ones skipped; and how many others."""
    found: list[Path] = []
    ignored = 0

    def unreadable(error: OSError) -> None:
        logger.info("collect: a folder could not be listed (%s)", error.strerror)

    for root, folders, files in os.walk(folder, onerror=unreadable):
        if cancelled():
            break
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            if name.lower().endswith(".pdf"):
                found.append(Path(root, name))
            else:
                ignored += 1
    return found, ignored


def collect(folder: Path, register: Register, *, progress: Callable[[int, int], None] | None = None,
            cancelled: Callable[[], bool] | None = None, workers: int | None = None,
            timeout_s: float = TIMEOUT_S, max_bytes: int = MAX_BYTES) -> CollectResult:
    """Bring the register up to date with `folder`; see the module's docstring."""
    folder = Path(folder)
    if not folder.exists():
        raise CollectError(f"The folder {folder} was not found.")
    if not folder.is_dir():
        raise CollectError(f"{folder} is a file, not a folder. Choose the folder the confirmations are in.")
    progress = progress or (lambda done, total: None)
    stop = cancelled or (lambda: False)
    folder = folder.resolve()
    paths, ignored = find_pdfs(folder, stop)

    known = register.file_hashes()
    if any(str(path) not in known for path in paths):
        start_workers()  # there are new files to check: its imports run while the files are hashed
    by_hash: dict[str, str] = {}
    for path, sha256 in known.items():
        by_hash.setdefault(sha256, path)
    records: dict[str, FileRecord] | None = None  # read only if some bytes turn up under a new path
    to_check: list[tuple[Path, str, int, int]] = []
    reused: list[FileRecord] = []
    unchanged = 0
    for path in paths:
        if stop():
            return _result(folder, paths, 0, unchanged, len(reused), 0, ignored, cancelled=True)
        sha256, size, mtime_ns = _fingerprint_file(path, max_bytes)
        if sha256 and known.get(str(path)) == sha256:
            unchanged += 1
        elif sha256 and sha256 in by_hash:
            records = records if records is not None else {r.path: r for r in register.files()}
            reused.append(replace(records[by_hash[sha256]], path=str(path), size=size, mtime_ns=mtime_ns))
        else:
            to_check.append((path, sha256, size, mtime_ns))
    if reused:
        register.record_files(reused)

    checked, was_cancelled = _check(to_check, register, progress, cancelled, workers, timeout_s, max_bytes)
    removed = 0
    if not was_cancelled:
        present = {str(p) for p in paths}
        inside = str(folder) + os.sep
        removed = register.forget_files(p for p in known if p.startswith(inside) and p not in present)
    return _result(folder, paths, checked, unchanged, len(reused), removed, ignored, was_cancelled)


def _check(to_check, register: Register, progress, cancelled, workers, timeout_s, max_bytes) -> tuple[int, bool]:
    total = len(to_check)
    progress(0, total)
    if not total:
        return 0, False
    batch: list[FileRecord] = []
    verified: list[FileRecord] = []  # slim copies, for recording first-seen keys in signing order
    last_write = time.monotonic()
    done = 0
    paths = [path for path, *_ in to_check]
    try:
        for index, _path, verdict in iter_verdicts(paths, max_bytes=max_bytes, timeout_s=timeout_s, workers=workers,
                                                   task=check_for_register, cancelled=cancelled):
            path, sha256, size, mtime_ns = to_check[index]
            record = _record(path, sha256, size, mtime_ns, verdict)
            batch.append(record)
            if record.verified:
                verified.append(replace(record, actions=()))
            done += 1
            progress(done, total)
            if len(batch) >= BATCH_FILES or time.monotonic() - last_write > BATCH_SECONDS:
                register.record_files(batch)
                batch.clear()
                last_write = time.monotonic()
    finally:
        register.record_files(batch)
        now = datetime.now(timezone.utc).replace(microsecond=0)
        register.add_keys(first_seen_keys(verified, register.keys(), now))
    return done, done < total


def _fingerprint_file(path: Path, max_bytes: int) -> tuple[str, int, int]:
    """SHA-256, size and modification time; no hash ("") for a file too large or unreadable,
    which the verifier then reports."""
    try:
        stat = path.stat()
        if stat.st_size > max_bytes:
            return "", stat.st_size, stat.st_mtime_ns
        with path.open("rb") as file:
            digest = hashlib.file_digest(file, "sha256").hexdigest()
        return digest, stat.st_size, stat.st_mtime_ns
    except OSError:
        return "", 0, 0


def _record(path: Path, sha256: str, size: int, mtime_ns: int, verdict) -> FileRecord:
    fields = confirmation_fields(verdict.confirmation) if verdict.valid and verdict.confirmation else {}
    return FileRecord(
        path=str(path), sha256=sha256, size=size, mtime_ns=mtime_ns,
        checked_at=datetime.now(timezone.utc).replace(microsecond=0), code=verdict.code.value, reason=verdict.reason,
        fingerprint=verdict.fingerprint or "", signer_name=verdict.signer_name or "", signed_at=verdict.signed_at,
        **fields)


def _result(folder, paths, checked, unchanged, reused, removed, ignored, cancelled) -> CollectResult:
    return CollectResult(folder, len(paths), checked, unchanged, reused, removed, ignored, cancelled)
