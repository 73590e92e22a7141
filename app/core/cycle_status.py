"""Where a person stands in the yearly cycle: this cycle's audit, its due date, overdue actions.

What the home page shows, worked out without Qt so the rules can be tested on their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum

from app.core.audit import Audit, Status, overall_progress
from app.core.checklist import Checklist
from app.core.record import record


class CycleState(StrEnum):
    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    SIGNED = "signed"


@record
class OverdueAction:
    cycle: str
    item_id: str
    check: str
    action: str
    due: date


@record
class CycleStatus:
    cycle: str
    due: date
    today: date
    state: CycleState
    answered: int = 0
    total: int = 0
    to_confirm: int = 0
    signed_on: date | None = None

    @property
    def days_left(self) -> int:
        """Days until the due date; negative once it has passed."""
        return (self.due - self.today).days

    @property
    def overdue(self) -> bool:
        return self.state is not CycleState.SIGNED and self.days_left < 0


def cycle_status(cycle: str, due: date, today: date, audit: Audit | None, checklist: Checklist | None,
                 signed_on: date | None) -> CycleStatus:
    if audit is None or checklist is None:
        return CycleStatus(cycle, due, today, CycleState.NOT_STARTED)
    answered, total = overall_progress(checklist, audit)
    to_confirm = sum(audit.answer(i.id).to_confirm for i in checklist.applicable_items(audit.profile))
    state = CycleState.SIGNED if signed_on is not None else CycleState.IN_PROGRESS
    return CycleStatus(cycle, due, today, state, answered, total, to_confirm, signed_on)


def overdue_actions(today: date, current: Audit | None, last_signed: Audit | None,
                    checklists: Mapping[str, Checklist]) -> list[OverdueAction]:
    """Actions whose date has passed, soonest first: this cycle's, and the last signed audit's
    unless this cycle has answered that item again."""
    found: list[OverdueAction] = []
    audits = [a for a in (current, last_signed) if a is not None]
    seen: set[str] = set()
    for audit in audits:
        checklist = checklists.get(audit.checklist_id)
        for item_id, answer in audit.answers.items():
            if item_id in seen:
                continue
            if audit is not current and current is not None and current.answer(item_id).is_answered:
                continue  # answered again this cycle: that answer is the one that counts
            if answer.status is Status.ACTION and not answer.to_confirm and answer.due and answer.due < today:
                item = checklist.item(item_id) if checklist else None
                found.append(OverdueAction(audit.cycle, item_id, item.check if item else item_id,
                                           answer.action, answer.due))
                seen.add(item_id)
        if audit is last_signed and last_signed is current:
            break
    return sorted(found, key=lambda a: (a.due, a.item_id))
