"""The audit in progress: what the window shows, saved through the store as it changes.

Qt-free, so the whole flow is testable without a window. A save that fails keeps the
answer in memory (and on screen) as pending, and `retry_pending` saves it once it can.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from collections.abc import Mapping
from typing import Callable

from app.core.audit import Answer, Audit, AuditType, Person, first_unanswered_id
from app.core.checklist import Checklist, Profile
from app.core.cycle import cycle_for
from app.store.errors import StoreError
from app.store.repository import AuditRepository, AuditSummary, ExportRecord

log = logging.getLogger(__name__)


@dataclass
class SaveState:
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
                 cycle_start_month: int = 9):
        self.repository = repository
        self.checklists = checklists if isinstance(checklists, Mapping) else {c.id: c for c in checklists}
        self._today = today
        self._now = now
        self.cycle = cycle_for(today(), cycle_start_month)
        self.audit: Audit | None = repository.latest_audit(self.cycle)
        self.read_only = repository.read_only or self.signed
        self.viewing_earlier = False  # an earlier cycle's audit is open, read-only
        self.save_state = SaveState()
        self._previous: Audit | None = self._find_previous()

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
        audit = self._require_open(allow_signed=True)
        self._flush()
        self.repository.record_export(record)
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

    def open_current(self) -> None:
        self.audit = self.repository.latest_audit(self.cycle)
        self.read_only = self.repository.read_only or self.signed
        self.viewing_earlier = False
        self._previous = self._find_previous()

    def previous_answer(self, item_id: str) -> Answer | None:
        """Last cycle's answer to the same item, to show beside this year's."""
        if self._previous is None or self.audit is None or self._previous.checklist_id != self.audit.checklist_id:
            return None
        answer = self._previous.answers.get(item_id)
        return answer if answer and answer.is_answered else None

    # -- changes, each saved at once -------------------------------------------------

    def begin(self, person: Person, checklist_id: str, profile: Profile) -> Audit:
        checklist = self.checklists[checklist_id]
        audit = Audit(
            person=person, school=checklist.school, checklist_id=checklist.id,
            checklist_version=checklist.version, checklist_sha256=checklist.sha256, cycle=self.cycle,
            audit_type=AuditType.INDUCTION if profile.new_starter else AuditType.ANNUAL,
            started_at=self._now(), profile=profile,
        )
        audit.current_item_id = first_unanswered_id(checklist, audit)
        self.audit = self.repository.create_audit(audit)
        self._previous = self._find_previous()
        log.info("audit %s started (checklist %s %s)", audit.id, checklist.id, checklist.version)
        return self.audit

    def update_details(self, person: Person, checklist_id: str, profile: Profile) -> None:
        audit = self._require_open()
        checklist = self.checklists[checklist_id]
        audit.person, audit.profile = person, profile
        audit.audit_type = AuditType.INDUCTION if profile.new_starter else AuditType.ANNUAL
        if checklist.id != audit.checklist_id:
            audit.checklist_id, audit.school = checklist.id, checklist.school
            audit.checklist_version, audit.checklist_sha256 = checklist.version, checklist.sha256
        self.save_state.details_pending = True
        self._flush()

    def set_answer(self, item_id: str, answer: Answer) -> bool:
        """Record an answer; True when it is safely on disk."""
        audit = self._require_open()
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

