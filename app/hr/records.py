"""What the register holds, as plain values: a checked file, a recorded key, an outstanding action.

Frozen dataclasses with no I/O, so the rules (rules.py) are tested without SQLite and the
results cross threads safely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from app.core.confirmation import Confirmation
from app.hr.roster import normalise_id


class FileStatus(StrEnum):
    """Why the register does not accept a file that verified, besides the verifier's own codes."""

    VALID = "valid"  # accepted: it counts as that person's confirmation for the cycle
    CHANGED_KEY = "changed-key"  # signed by a different key from the first one seen for that staff ID
    UNKNOWN_KEY = "unknown-key"  # not the key HR entered for that staff ID
    SHARED_KEY = "shared-key"  # the key is already recorded for another staff ID
    DUPLICATE = "duplicate"  # an earlier confirmation by the same person for the cycle; the latest counts
    WRONG_CYCLE = "wrong-cycle"


class Flag(StrEnum):
    """Worth HR's attention on an accepted file; the file still counts."""

    OLD_CHECKLIST = "old-checklist"
    OVERDUE_ACTIONS = "overdue-actions"
    NOT_ON_ROSTER = "not-on-roster"


class KeySource(StrEnum):
    FIRST_SEEN = "first-seen"  # recorded automatically: the first key seen for that staff ID
    HR_ENTERED = "hr-entered"  # HR entered it, for example as noted at induction
    HR_ACCEPTED = "hr-accepted"  # HR confirmed a key the register had flagged


@dataclass(frozen=True)
class Action:
    text: str
    due: date | None


@dataclass(frozen=True)
class FileRecord:
    """One file as last checked. The confirmation's fields are set only when it verified."""

    path: str
    sha256: str
    size: int
    mtime_ns: int
    checked_at: datetime
    code: str  # a VerdictCode value: "valid" or what failed
    reason: str = ""  # the verifier's plain-English reason; "" when valid
    fingerprint: str = ""  # the signer certificate's SHA-256, when it could be read
    signer_name: str = ""
    signed_at: datetime | None = None
    document_id: str = ""
    staff_id: str = ""
    name: str = ""
    role: str = ""
    school: str = ""
    cycle: str = ""
    audit_type: str = ""
    checklist_id: str = ""
    checklist_version: str = ""
    completed_at: datetime | None = None
    actions: tuple[Action, ...] = ()

    @property
    def verified(self) -> bool:
        return self.code == FileStatus.VALID.value

    @property
    def staff_key(self) -> str:
        return normalise_id(self.staff_id)

    @property
    def when(self) -> datetime | None:
        """When it was signed (the signer's clock), else completed: what 'latest' means."""
        return self.signed_at or self.completed_at


def confirmation_fields(confirmation: Confirmation) -> dict:
    """The FileRecord fields that come from a verified confirmation (never its item texts)."""
    return {
        "document_id": confirmation.document_id, "staff_id": confirmation.staff.id,
        "name": confirmation.staff.name, "role": confirmation.staff.role, "school": confirmation.school,
        "cycle": confirmation.cycle, "audit_type": confirmation.audit_type.value,
        "checklist_id": confirmation.checklist_id, "checklist_version": confirmation.checklist_version,
        "completed_at": confirmation.completed_at,
        "actions": tuple(Action(" ".join(item.action.split()), item.due) for item in confirmation.actions),
    }


@dataclass(frozen=True)
class KeyRecord:
    staff_id: str
    fingerprint: str
    source: KeySource
    recorded_at: datetime
    file: str = ""  # for FIRST_SEEN: the file it was first seen in
    note: str = ""  # HR's own note, for HR_ENTERED and HR_ACCEPTED

    @property
    def staff_key(self) -> str:
        return normalise_id(self.staff_id)


_FINGERPRINT = re.compile(r"[0-9A-F]{64}")


def normalise_fingerprint(text: str) -> str | None:
    """'AB:CD:…' (as the app and the PDF show it) from any spacing, colons or case; None if not SHA-256."""
    digits = re.sub(r"[\s:\-]", "", text).upper()
    if not _FINGERPRINT.fullmatch(digits):
        return None
    return ":".join(digits[n:n + 2] for n in range(0, 64, 2))
