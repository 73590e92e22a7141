"""What can go wrong with the local store, each with a message a person can act on."""

from __future__ import annotations

import errno
import logging
import sqlite3
from pathlib import Path

log = logging.getLogger(__name__)


class StoreError(Exception):
    """Base: `str(error)` is plain English for the person at the laptop."""


class StoreLockedError(StoreError):
    def __init__(self) -> None:
        super().__init__(
            "Your answers are in use by another copy of Staff Self-Audit. "
            "Close the other window, then try again."
        )


class StoreFullError(StoreError):
    def __init__(self) -> None:
        super().__init__(
            "Your answer could not be saved because the disk is full. It is kept in the window: "
            "free some space and it will be saved."
        )


class StoreReadOnlyError(StoreError):
    def __init__(self, reason: str = "") -> None:
        super().__init__(reason or (
            "Your answer could not be saved because the data folder cannot be written to. "
            "It is kept in the window; ask IT to check the folder's permissions."
        ))


class StoreNewerVersionError(StoreReadOnlyError):
    def __init__(self, found: int, supported: int) -> None:
        super().__init__(
            f"Your saved audits were written by a newer version of Staff Self-Audit (data version {found}; "
            f"this one reads up to {supported}). They are open read-only so nothing is lost: "
            "install the newer version to carry on."
        )
        self.found = found


class StoreIOError(StoreError):
    def __init__(self) -> None:
        super().__init__(
            "Your answer could not be saved because the disk reported an error. It is kept in the window; "
            "if this happens again, ask IT to check the laptop's disk."
        )


class StoreOpenError(StoreError):
    """The saved audits could not be opened at start: nothing was changed."""


class StoreUnexpectedError(StoreError):
    def __init__(self) -> None:
        super().__init__(
            "Your answer could not be saved because of an unexpected problem with the saved audits file. "
            "It is kept in the window; if this happens again, tell IT and mention the log file."
        )


_OPENING = {
    "full": "Your saved audits could not be opened because the disk is full. Nothing has been changed: "
            "free some space, then start Staff Self-Audit again.",
    "readonly": "Your saved audits could not be opened because the data folder cannot be written to. "
                "Nothing has been changed: ask IT to check that you can write to it.",
    "io": "Your saved audits could not be opened because the disk reported an error. Nothing has been changed: "
          "ask IT to check the laptop's disk.",
    "other": "Your saved audits could not be opened because of an unexpected problem. Nothing has been changed: "
             "tell IT and mention the log file.",
}


def translate(exc: sqlite3.Error, opening: bool = False) -> StoreError:
    """Map SQLite's wording onto the error a person can act on; SQLite's own words go to the log only."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StoreLockedError()
    kind = ("full" if "full" in text else "readonly" if "readonly" in text or "read-only" in text
            else "io" if "disk i/o" in text or "unable to open" in text else "other")
    if kind == "other":
        log.warning("unexpected database error: %s: %s", type(exc).__name__, exc)  # SQLite's words name no answer
    if opening:
        return StoreOpenError(_OPENING[kind])
    return {"full": StoreFullError, "readonly": StoreReadOnlyError, "io": StoreIOError,
            "other": StoreUnexpectedError}[kind]()


def folder_problem_message(folder: Path, exc: OSError) -> str:
    """Why the data folder could not be used at start, in plain words (never the OS's wording alone)."""
    code = exc.errno
    if code == errno.EROFS:
        why = "it is on a disk that is read-only"
    elif code in (errno.EACCES, errno.EPERM):
        why = "you do not have permission to write to it"
    elif code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        why = "the disk is full"
    elif code == errno.ENOENT:
        why = "it, or a folder above it, could not be found"
    else:
        why = f"the system said: {exc.strerror or type(exc).__name__}"
    return (f"Your data folder {folder} could not be opened: {why}. Nothing has been changed. "
            "Ask IT to check that you can write to it.")


def network_drive_message(folder: Path) -> str:
    return (f"Your data folder {folder} is on a network drive. Your answers are saved there, one copy at a "
            "time, but a network drive can lose them if the connection drops: ask IT to keep the folder on "
            "this laptop.")


def kept_aside_message(original: Path, kept: Path, reason: str) -> str:
    return (
        f"Your saved audits file could not be read ({reason}). It has been kept, unchanged, as "
        f"\u201c{kept.name}\u201d in {original.parent}, and a new one started. "
        "IT may be able to recover earlier answers from it."
    )
