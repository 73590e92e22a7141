"""The audit in progress: what the window shows, saved through the store as it changes.

Qt-free, so the whole flow is testable without a window. A save that fails keeps the
answer in memory (and on screen) as pending, and `retry_pending` saves it once it can.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from app.core.audit import Answer, Audit, AuditType, Person, carried_forward, first_unanswered_id
from app.core.checklist import Checklist, Profile
from app.core.cycle import CycleRules
from app.core.text_rules import check_details, clean_answer
from app.store.errors import StoreError
from app.store.repository import AuditRepository, AuditSummary, ExportRecord

if TYPE_CHECKING:  # imported where used: none of them is needed for the first paint
    from app.core.calendar_ics import CalendarAction
    from app.core.changes import Change
    from app.core.cycle_status import CycleStatus, OverdueAction

log = logging.getLogger(__name__)


@dataclass
class SaveState:
    """What is waiting to reach the disk after a failed save."""

    pending: dict[str, Answer] = field(default_factory=dict)  # item id -> answer not yet on disk
    details_pending: bool = False
    position_pending: bool = False
    last_error: str = ""

    @property
    def all_saved(self) -> bool:
        return not self.pending and not self.details_pending


class AuditSession:
    def __init__(self, repository: AuditRepository, checklists: Mapping[str, Checklist] | list[Checklist],
                 today: Callable[[], date] = date.today, now: Callable[[], datetime] = datetime.now,
                 cycle_rules: CycleRules = CycleRules(), school_name: str = ""):
        self.repository = repository
        self.cycle_rules = cycle_rules
        # The school configuration's name for the school, else the checklist's own.
        self.school_name = school_name
        self.checklists = checklists if isinstance(checklists, Mapping) else {c.id: c for c in checklists}
        self._today = today
        self._now = now
        self.cycle = cycle_rules.cycle_for(today())
        self.audit: Audit | None = repository.latest_audit(self.cycle)
        self.read_only = repository.read_only or self.signed
        self.viewing_earlier = False  # an earlier cycle's audit is open, read-only
        self.save_state = SaveState()
        self._previous: Audit | None = self._find_previous()
        self._changes: dict[str, Change] | None = None  # worked out on first use

    # -- what is open --------------------------------------------------------------------

    @property
    def checklist(self) -> Checklist | None:
        if self.audit is None:
            return None
        try:
            return self.checklists[self.audit.checklist_id]
        except KeyError:
            return None

    @property
    def signed(self) -> bool:
        """Signed audits are locked: the PDF HR holds must stay the truth about them."""
        return self.audit is not None and self.audit.id is not None and bool(self.exports())

    def exports(self) -> list[ExportRecord]:
        if self.audit is None or self.audit.id is None:
            return []
        return self.repository.exports(self.audit.id)

    def record_export(self, record: ExportRecord) -> None:
        """The signed PDF is written: keep its hash, complete the audit and lock its answers."""
        from app.core.changes import fingerprints

        audit = self._require_open(allow_signed=True)
        self._flush()
        checklist = self.checklist
        self.repository.record_export(record, fingerprints(checklist) if checklist else None)
        self._changes = None
        if audit.completed_at is None:
            audit.completed_at = record.signed_at
        self.read_only = True
        log.info("audit %s signed as document %s", audit.id, record.document_id)

    def today(self) -> date:
        return self._today()

    def summaries(self) -> list[AuditSummary]:
        return self.repository.summaries()

    def open_earlier(self, audit_id: int) -> None:
        """Show an earlier cycle's audit, read-only."""
        audit = self.repository.audit(audit_id)
        if audit is None:
            raise StoreError("That audit could not be found.")
        self.audit, self.read_only, self.viewing_earlier = audit, True, True
        self._previous = None
        self._changes = None

    def open_current(self) -> None:
        self.audit = self.repository.latest_audit(self.cycle)
        self.read_only = self.repository.read_only or self.signed
        self.viewing_earlier = False
        self._previous = self._find_previous()
        self._changes = None

    def previous_answer(self, item_id: str) -> Answer | None:
        """Last cycle's answer to the same item, to show beside this year's."""
        if self._previous is None or self.audit is None or self._previous.checklist_id != self.audit.checklist_id:
            return None
        answer = self._previous.answers.get(item_id)
        return answer if answer and answer.is_answered else None

    # -- changes, each saved at once -------------------------------------------------

    def begin(self, person: Person, checklist_id: str, profile: Profile, from_last_cycle: bool = False) -> Audit:
        """Start this cycle's audit; `from_last_cycle` prefills last cycle's answers, each to be confirmed."""
        check_details(person)  # raises InvalidTextError, saying what to change
        checklist = self.checklists[checklist_id]
        audit = Audit(
            person=person, school=self.school_name or checklist.school, checklist_id=checklist.id,
            checklist_version=checklist.version, checklist_sha256=checklist.sha256, cycle=self.cycle,
            audit_type=AuditType.INDUCTION if profile.new_starter else AuditType.ANNUAL,
            started_at=self._now(), profile=profile,
        )
        previous = self._previous
        if from_last_cycle and previous is not None and previous.checklist_id == checklist.id:
            audit.answers = carried_forward(checklist, previous, profile)
        audit.current_item_id = first_unanswered_id(checklist, audit)
        self.audit = self.repository.create_audit(audit)
        self._previous = self._find_previous()
        self._changes = None
        log.info("audit %s started (checklist %s %s)", audit.id, checklist.id, checklist.version)
        return self.audit

    def update_details(self, person: Person, checklist_id: str, profile: Profile) -> None:
        audit = self._require_open()
        check_details(person)
        checklist = self.checklists[checklist_id]
        audit.person, audit.profile = person, profile
        audit.school = self.school_name or checklist.school
        audit.audit_type = AuditType.INDUCTION if profile.new_starter else AuditType.ANNUAL
        if checklist.id != audit.checklist_id:
            audit.checklist_id = checklist.id
            audit.checklist_version, audit.checklist_sha256 = checklist.version, checklist.sha256
        self.save_state.details_pending = True
        self._flush()

    def set_answer(self, item_id: str, answer: Answer) -> bool:
        """Record an answer; True when it is safely on disk."""
        audit = self._require_open()
        answer = clean_answer(answer)
        audit.answers[item_id] = answer
        self.save_state.pending[item_id] = answer
        return self._flush()

    def set_position(self, item_id: str | None) -> None:
        audit = self._require_open()
        if audit.current_item_id == item_id:
            return
        audit.current_item_id = item_id
        self.save_state.position_pending = True
        self._flush()

    def confirm_answer(self, item_id: str) -> bool:
        """Last cycle's answer is still true: it counts from now on."""
        return self.set_answer(item_id, self._require_open().answer(item_id).confirmed())

    def set_knowledge_answer(self, question_id: str, option: int) -> bool:
        audit = self._require_open()
        audit.knowledge_answers[question_id] = option
        try:
            self.repository.save_knowledge_answers(audit.id, audit.knowledge_answers)
        except StoreError as exc:
            self.save_state.last_error = str(exc)
            return False
        return True

    # -- the yearly cycle ----------------------------------------------------------------

    @property
    def previous(self) -> Audit | None:
        """Last cycle's audit (the latest of the cycles before this one)."""
        return self._previous

    def cycle_status(self) -> CycleStatus:
        """This cycle's audit as the home page shows it: not started, in progress or signed; due when."""
        from app.core.cycle_status import cycle_status

        audit = self.repository.latest_audit(self.cycle) if self.viewing_earlier else self.audit
        exports = self.repository.exports(audit.id) if audit is not None and audit.id is not None else []
        signed_on = exports[0].signed_at.astimezone().date() if exports else None
        checklist = self.checklists.get(audit.checklist_id) if audit is not None else None
        return cycle_status(self.cycle, self.cycle_rules.due_date(self.cycle), self.today(), audit, checklist,
                            signed_on)

    def overdue_actions(self) -> list[OverdueAction]:
        from app.core.cycle_status import overdue_actions

        current = None if self.viewing_earlier else self.audit
        signed_id = self.repository.last_signed_audit_id()
        last_signed = self.repository.audit(signed_id) if signed_id is not None else None
        return overdue_actions(self.today(), current, last_signed, self.checklists)

    def item_changes(self) -> dict[str, Change]:
        """Items of the open audit's checklist that are new or changed since the person last signed it."""
        if self._changes is None:
            from app.core.changes import item_changes

            checklist, self._changes = self.checklist, {}
            signed_id = self._last_signed_id(exclude_open=True)
            if checklist is not None and signed_id is not None:
                self._changes = item_changes(checklist, self.repository.signed_fingerprints(signed_id))
        return self._changes

    def policy_changed(self) -> bool:
        """Whether the checklist is a newer version than the one the person last signed."""
        from app.core.changes import is_newer

        checklist = self.checklist or self._checklist_of(self._previous)
        signed_id = self._last_signed_id(exclude_open=False, checklist=checklist)
        signed = self.repository.audit(signed_id) if signed_id is not None else None
        return checklist is not None and signed is not None and is_newer(checklist.version, signed.checklist_version)

    def calendar_actions(self) -> list[CalendarAction]:
        """The open audit's actions that have a date, for a calendar (no notes)."""
        from app.core.calendar_ics import CalendarAction
        from app.core.audit import Status

        audit, checklist = self.audit, self.checklist
        if audit is None or checklist is None:
            return []
        return [CalendarAction(item.id, answer.action, item.check, answer.due, answer.remind_on)
                for item in checklist.applicable_items(audit.profile)
                for answer in [audit.answer(item.id)]
                if answer.status is Status.ACTION and answer.due is not None and answer.action.strip()]

    def export_calendar(self, path: Path) -> int:
        """Write the actions as an .ics file, owner-only and all or nothing; returns how many."""
        from app.core.calendar_ics import calendar

        actions = self.calendar_actions()
        audit = self.audit
        key = f"{audit.cycle}/{audit.checklist_id}/{audit.started_at.isoformat()}"
        text = calendar(actions, key, self._now().astimezone())
        _write_private_file(path, text.encode("utf-8"))
        return len(actions)

    def _checklist_of(self, audit: Audit | None) -> Checklist | None:
        return self.checklists.get(audit.checklist_id) if audit is not None else None

    def _last_signed_id(self, exclude_open: bool, checklist: Checklist | None = None) -> int | None:
        checklist = checklist or self.checklist
        if checklist is None:
            return None
        signed_id = self.repository.last_signed_audit_id(checklist.id)
        if exclude_open and self.audit is not None and signed_id == self.audit.id and not self.viewing_earlier:
            # The open audit is itself signed: compare with the one signed before it, if any.
            earlier = [s.id for s in self.repository.summaries()
                       if s.id != signed_id and s.checklist_id == checklist.id and self.repository.exports(s.id)]
            return earlier[0] if earlier else None
        return signed_id

    def retry_pending(self) -> bool:
        return self._flush()

    def _flush(self) -> bool:
        audit = self.audit
        if audit is None or audit.id is None or self.read_only:
            return False
        state = self.save_state
        try:
            if state.details_pending:
                self.repository.save_details(audit)
                state.details_pending = False
            for item_id, answer in list(state.pending.items()):
                self.repository.save_answer(audit.id, item_id, answer)
                if state.pending.get(item_id) is answer:
                    del state.pending[item_id]
            if state.position_pending:
                self.repository.save_position(audit.id, audit.current_item_id)
                state.position_pending = False
        except StoreError as exc:
            state.last_error = str(exc)
            log.warning("save failed: %s (%d answers kept in memory)", type(exc).__name__, len(state.pending))
            return False
        state.last_error = ""
        return True

    def _require_open(self, allow_signed: bool = False) -> Audit:
        if self.audit is None:
            raise RuntimeError("no audit is open")
        if self.read_only and not (allow_signed and self.signed and not self.repository.read_only
                                   and not self.viewing_earlier):
            raise StoreError("This audit is open read-only.")
        return self.audit

    def _find_previous(self) -> Audit | None:
        earlier = [s for s in self.repository.summaries() if s.cycle < self.cycle]
        return self.repository.audit(earlier[0].id) if earlier else None


def _write_private_file(path: Path, data: bytes) -> None:
    """Owner-only (mkstemp makes 0600) and all or nothing: written beside, synced, then moved in place.
    Raises OSError; replacing an existing file is the caller's choice (the save dialog asks)."""
    import os
    import tempfile

    fd, temporary = tempfile.mkstemp(prefix=".", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
