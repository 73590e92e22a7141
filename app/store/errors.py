"""What can go wrong with the local store, each with a message a person can act on."""

from __future__ import annotations

import sqlite3
from pathlib import Path


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


def translate(exc: sqlite3.Error) -> StoreError:
    """Map SQLite's wording onto the error a person can act on."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StoreLockedError()
    if "full" in text:
        return StoreFullError()
    if "readonly" in text or "read-only" in text:
        return StoreReadOnlyError()
    if "disk i/o" in text or "unable to open" in text:
        return StoreIOError()
    return StoreError(f"Your answer could not be saved (the database said: {exc}). It is kept in the window.")


def kept_aside_message(original: Path, kept: Path, reason: str) -> str:
    return (
        f"Your saved audits file could not be read ({reason}). It has been kept, unchanged, as "
        f"\u201c{kept.name}\u201d in {original.parent}, and a new one started. "
        "IT may be able to recover earlier answers from it."
    )
