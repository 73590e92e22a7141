"""Last cycle's audit as the app would have left it: answered, signed, with an older checklist."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

from app.core.audit import Answer, Audit, AuditType, Person, Status
from app.core.changes import fingerprints
from app.core.checklist import Checklist, Profile
from app.store.repository import AuditRepository, ExportRecord

PERSON = Person("Siân Ŵyn Evans", "S1234", "Teaching assistant")
PROFILE = Profile(platforms=frozenset({"facebook", "instagram"}), answers={"names_school": True})


def seed_signed_last_cycle(db_path: Path, checklist: Checklist, *, version: str = "", changed: str = "",
                           new: str = "", overdue: str = "", cycle: str = "2025-26",
                           audit_type: AuditType = AuditType.ANNUAL) -> Audit:
    """A signed audit of `checklist` in `cycle`, every applicable item answered (the second as an
    action, the third not applicable). `version`: the checklist version it was signed at. `changed`
    and `new` name items whose text was different, or that did not exist, when it was signed.
    `overdue` names an item answered as an action due before today."""
    items = [i.id for i in checklist.applicable_items(PROFILE)]
    answers = {item_id: Answer(Status.DONE) for item_id in items}
    answers[items[1]] = Answer(Status.ACTION, "Untag myself from the fete photos", date(2025, 12, 5),
                               note="private: ask Jo", remind_on=date(2025, 12, 1))
    answers[items[2]] = Answer(Status.NOT_APPLICABLE, reason="I have no profile photo")
    if overdue:
        answers[overdue] = Answer(Status.ACTION, "Tell the head about the PTA group", date(2026, 10, 1))
    prints = fingerprints(checklist)
    if changed:
        prints[changed] = "0" * 64
    if new:
        del prints[new]
        answers.pop(new, None)
    repo = AuditRepository.open(db_path)
    try:
        audit = repo.create_audit(Audit(
            person=PERSON, school=checklist.school, checklist_id=checklist.id,
            checklist_version=version or checklist.version, checklist_sha256=checklist.sha256, cycle=cycle,
            audit_type=audit_type, started_at=datetime(2025, 10, 1, 9, tzinfo=timezone.utc), profile=PROFILE,
            answers=answers))
        signed_at = datetime(2025, 10, 3, 15, 30, tzinfo=timezone.utc)
        repo.record_export(ExportRecord(audit.id, "SA-2025-26-0123456789AB", signed_at, PERSON.name, "AB:CD",
                                        "ab" * 32, "/home/s/Documents/last-year.pdf"), prints)
        return replace(audit, completed_at=signed_at)
    finally:
        repo.close()
