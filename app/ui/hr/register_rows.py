"""The register's rows as HR sees them: one per staff member for the cycle, plus files that name nobody.

Qt-free. Which rows count as completed, flagged or missing is decided here, once, for the
table's filters, the summary line and the "Remind" list alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.hr.records import Action, FileStatus
from app.hr.rules import FileRow, RegisterView, StaffRow, StaffState

KEY_PROBLEMS = frozenset({FileStatus.CHANGED_KEY.value, FileStatus.UNKNOWN_KEY.value, FileStatus.SHARED_KEY.value})


class RowState(StrEnum):
    COMPLETED = "completed"
    NEEDS_ATTENTION = "needs attention"  # sent something the register cannot accept as it stands
    MISSING = "missing"
    UNIDENTIFIED = "unidentified"  # a file that failed its checks before it could say whose it is


class Category(StrEnum):
    """The table's filter choices."""

    ALL = "all"
    COMPLETED = "completed"
    ACTIONS = "actions"
    FLAGGED = "flagged"
    MISSING = "missing"


@dataclass(frozen=True)
class RegisterRow:
    state: RowState
    name: str
    staff_id: str
    role: str
    email: str
    file: FileRow | None  # the confirmation that counts; else the file most worth HR's look
    other_files: tuple[FileRow, ...] = ()  # duplicates, flagged keys, other cycles
    on_roster: bool = True

    @property
    def completed(self) -> bool:
        return self.state is RowState.COMPLETED

    @property
    def actions(self) -> tuple[Action, ...]:
        """The counting confirmation's outstanding actions, soonest due first."""
        if not (self.completed and self.file):
            return ()
        return tuple(sorted(self.file.record.actions, key=lambda a: (a.due is None, a.due or date.min)))

    def overdue(self, today: date) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.due is not None and a.due < today)

    def next_due(self) -> date | None:
        return min((a.due for a in self.actions if a.due is not None), default=None)

    @property
    def key_to_confirm(self) -> FileRow | None:
        """A verified file whose key HR has to confirm before it can count."""
        files = ((self.file,) if self.file else ()) + self.other_files
        return next((f for f in files if f.status in KEY_PROBLEMS), None)

    @property
    def duplicates(self) -> tuple[FileRow, ...]:
        return tuple(f for f in self.other_files if f.status == FileStatus.DUPLICATE.value)

    @property
    def flagged(self) -> bool:
        if self.state in (RowState.NEEDS_ATTENTION, RowState.UNIDENTIFIED):
            return True
        if self.completed and self.file is not None:
            return bool(self.file.flags or self.duplicates or self.key_to_confirm)
        return False

    @property
    def missing(self) -> bool:
        """Nothing collected from them this cycle (as app.hr's reminders count it)."""
        return self.state is RowState.MISSING

    def is_in(self, category: Category) -> bool:
        return {
            Category.ALL: True,
            Category.COMPLETED: self.completed,
            Category.ACTIONS: bool(self.actions),
            Category.FLAGGED: self.flagged,
            Category.MISSING: self.missing,
        }[category]


@dataclass(frozen=True)
class Summary:
    staff: int
    completed: int
    with_actions: int
    flagged: int
    missing: int


def rows_of(view: RegisterView) -> list[RegisterRow]:
    rows = [_staff_row(s) for s in view.staff]
    for file in view.files:
        if not file.record.staff_id:  # failed before its data could be read: it names nobody
            record = file.record
            rows.append(RegisterRow(RowState.UNIDENTIFIED, record.signer_name, "", "", "", file, on_roster=False))
    return rows


def summarise(rows: list[RegisterRow]) -> Summary:
    staff = [r for r in rows if r.state is not RowState.UNIDENTIFIED]
    return Summary(len(staff), sum(r.completed for r in staff), sum(bool(r.actions) for r in staff),
                   sum(r.flagged for r in rows), sum(r.missing for r in staff))


def missing_without_email(rows: list[RegisterRow]) -> list[RegisterRow]:
    return [row for row in rows if row.missing and not row.email]


def _staff_row(staff: StaffRow) -> RegisterRow:
    state = {StaffState.COMPLETED: RowState.COMPLETED, StaffState.NEEDS_ATTENTION: RowState.NEEDS_ATTENTION,
             StaffState.MISSING: RowState.MISSING}[staff.state]
    shown = staff.file
    others = staff.other_files
    if shown is None and others:  # what HR should look at first: a key to confirm, else the latest
        shown = next((f for f in others if f.status in KEY_PROBLEMS), None) or max(
            others, key=lambda f: (f.record.when is not None, f.record.when or 0, f.record.path))
        others = tuple(f for f in others if f is not shown)
    role = staff.role or (shown.record.role if shown else "")  # a staff list may give departments only
    return RegisterRow(state, staff.name, staff.staff_id, role, staff.email, shown, others, staff.on_roster)
