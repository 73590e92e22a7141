"""An audit: one person's answers to one checklist in one cycle, and the rules over them."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from app.core.checklist import Checklist, Item, Profile, Section
from app.core.record import record

KNOWLEDGE_CHECK = "knowledge-check"  # a Blocker's target: the induction's knowledge check


def clean_text(text: str) -> str:
    """NFC, so that the same name typed two ways is stored, signed and compared alike."""
    return unicodedata.normalize("NFC", text).strip()


class Status(StrEnum):
    DONE = "done"
    ACTION = "action"  # needs action: what, and by when
    NOT_APPLICABLE = "not-applicable"


class AuditType(StrEnum):
    ANNUAL = "annual"
    INDUCTION = "induction"


@record
class Person:
    """Who is doing the audit, as they typed it (NFC, trimmed)."""

    name: str = ""
    staff_id: str = ""  # a staff ID or a work email address
    role: str = ""

    def __post_init__(self) -> None:
        for name in ("name", "staff_id", "role"):
            object.__setattr__(self, name, clean_text(getattr(self, name)))


@record
class Answer:
    """One item's answer: its status and what goes with it."""

    status: Status | None = None
    action: str = ""  # what needs doing (status ACTION)
    due: date | None = None  # by when (status ACTION)
    reason: str = ""  # why it does not apply (status NOT_APPLICABLE)
    note: str = ""  # private: stays on this laptop, never in the PDF
    remind_on: date | None = None  # status ACTION: when to remind the person (private, like the note)
    to_confirm: bool = False  # carried over from last year: not counted until confirmed again

    def __post_init__(self) -> None:
        for name in ("action", "reason", "note"):
            object.__setattr__(self, name, unicodedata.normalize("NFC", getattr(self, name)))

    @property
    def is_answered(self) -> bool:
        """Answered this cycle: last year's answer waiting to be confirmed is not."""
        return self.status is not None and not self.to_confirm

    def confirmed(self) -> Answer:
        return replace(self, to_confirm=False)

    def gaps(self, today: date) -> list[str]:
        """What this answer still lacks before it can be signed, in plain words."""
        if self.status is None:
            return ["not answered yet"]
        if self.to_confirm:
            return ["last year's answer: confirm it is still true, or change it"]
        if self.status is Status.ACTION:
            gaps = []
            if not self.action.strip():
                gaps.append("say what you will do")
            if self.due is None:
                gaps.append("choose a date to do it by")
            elif self.due < today:
                gaps.append("the date to do it by has passed: mark it done or choose a new date")
            if self.remind_on is not None and self.due is not None and self.remind_on > self.due:
                gaps.append("the reminder is after the date to do it by")
            return gaps
        if self.status is Status.NOT_APPLICABLE and not self.reason.strip():
            return ["say why it does not apply to you"]
        return []


@record
class Blocker:
    """One thing that stops the audit being signed; `item_id` links back to the item."""

    message: str
    item_id: str | None = None
    section_id: str | None = None
    target: str = ""  # where to fix it when not an item or the details: KNOWLEDGE_CHECK


@record
class SectionProgress:
    """How many of a section's items that apply are answered."""

    section: Section
    answered: int
    total: int

    @property
    def complete(self) -> bool:
        return self.answered == self.total


@dataclass
class Audit:
    """One person's audit of one checklist in one cycle."""

    person: Person
    school: str
    checklist_id: str
    checklist_version: str
    checklist_sha256: str
    cycle: str
    audit_type: AuditType
    started_at: datetime
    profile: Profile = field(default_factory=Profile)
    answers: dict[str, Answer] = field(default_factory=dict)
    current_item_id: str | None = None
    completed_at: datetime | None = None
    id: int | None = None
    knowledge_answers: dict[str, int] = field(default_factory=dict)  # question id -> option chosen

    def answer(self, item_id: str) -> Answer:
        return self.answers.get(item_id, Answer())

    def with_answer(self, item_id: str, answer: Answer) -> Audit:
        return replace(self, answers={**self.answers, item_id: answer})


def applicable_sections(checklist: Checklist, profile: Profile) -> list[tuple[Section, list[Item]]]:
    """Sections with the items that apply to this person; sections left empty are dropped."""
    applying = {i.id for i in checklist.applicable_items(profile)}
    result = []
    for section in checklist.sections:
        items = [i for i in section.items if i.id in applying]
        if items:
            result.append((section, items))
    return result


def section_progress(checklist: Checklist, audit: Audit) -> list[SectionProgress]:
    return [
        SectionProgress(section, sum(audit.answer(i.id).is_answered for i in items), len(items))
        for section, items in applicable_sections(checklist, audit.profile)
    ]


def overall_progress(checklist: Checklist, audit: Audit) -> tuple[int, int]:
    progress = section_progress(checklist, audit)
    return sum(p.answered for p in progress), sum(p.total for p in progress)


def signing_blockers(checklist: Checklist, audit: Audit, today: date) -> list[Blocker]:
    """Exactly what still stops this audit being signed, in the order a person would fix it."""
    blockers = []
    person = audit.person
    if not person.name:
        blockers.append(Blocker("Your full name is missing."))
    if not person.staff_id:
        blockers.append(Blocker("Your staff ID or work email is missing."))
    if not person.role:
        blockers.append(Blocker("Your role is missing."))
    if audit.checklist_sha256 != checklist.sha256:
        blockers.append(Blocker("The checklist has changed since you started: review your answers against the new version."))
    for section, items in applicable_sections(checklist, audit.profile):
        for item in items:
            for gap in audit.answer(item.id).gaps(today):
                blockers.append(Blocker(f"{section.title}: \u201c{_short(item.check)}\u201d: {gap}.", item.id, section.id))
    if knowledge_check_due(checklist, audit):
        blockers.append(Blocker("Take the short knowledge check about the policy.", target=KNOWLEDGE_CHECK))
    return blockers


@record
class KnowledgeResult:
    """An induction's knowledge-check score."""

    score: int
    out_of: int


def knowledge_check_applies(checklist: Checklist, audit: Audit) -> bool:
    """New starters take the checklist's knowledge check, when it has one."""
    return audit.audit_type is AuditType.INDUCTION and bool(checklist.knowledge_check)


def knowledge_check_due(checklist: Checklist, audit: Audit) -> bool:
    return knowledge_check_applies(checklist, audit) and any(
        q.id not in audit.knowledge_answers for q in checklist.knowledge_check)


def knowledge_result(checklist: Checklist, audit: Audit) -> KnowledgeResult | None:
    """The score once every question is answered; None before, or when no check applies."""
    if not knowledge_check_applies(checklist, audit) or knowledge_check_due(checklist, audit):
        return None
    questions = checklist.knowledge_check
    return KnowledgeResult(sum(audit.knowledge_answers[q.id] == q.correct for q in questions), len(questions))


def carried_forward(checklist: Checklist, previous: Audit, profile: Profile) -> dict[str, Answer]:
    """Last cycle's answers to start this cycle from: each one to be confirmed again, never done.

    Only items that still exist and apply; private notes and reminders stay with last year."""
    carried = {}
    for item in checklist.applicable_items(profile):
        last = previous.answers.get(item.id)
        if last is None or last.status is None:
            continue
        carried[item.id] = Answer(
            status=last.status, action=last.action if last.status is Status.ACTION else "",
            due=last.due if last.status is Status.ACTION else None,
            reason=last.reason if last.status is Status.NOT_APPLICABLE else "", to_confirm=True)
    return carried


def to_confirm_count(checklist: Checklist, audit: Audit) -> int:
    return sum(audit.answer(i.id).to_confirm for i in checklist.applicable_items(audit.profile))


def next_item_id(checklist: Checklist, profile: Profile, item_id: str | None, step: int = 1) -> str | None:
    """The applicable item `step` places from `item_id` (the first when None); None past either end."""
    ids = [i.id for i in checklist.applicable_items(profile)]
    if not ids:
        return None
    if item_id not in ids:
        return ids[0] if step > 0 else None
    index = ids.index(item_id) + step
    return ids[index] if 0 <= index < len(ids) else None


def resume_item_id(checklist: Checklist, audit: Audit) -> str | None:
    """Where to pick up: the item last shown if it still applies, else the first unanswered,
    else the first; None when nothing applies."""
    applying = [i.id for i in checklist.applicable_items(audit.profile)]
    if audit.current_item_id in applying:
        return audit.current_item_id
    return first_unanswered_id(checklist, audit) or (applying[0] if applying else None)


def first_unanswered_id(checklist: Checklist, audit: Audit) -> str | None:
    return next((i.id for i in checklist.applicable_items(audit.profile) if not audit.answer(i.id).is_answered), None)


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
