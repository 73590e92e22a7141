"""The confirmation's content: what HR sees, the JSON that travels with it, and its file name."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from app.core.audit import Answer, Audit, AuditType, Person, Status
from app.core.checklist import Profile
from app.core.confirmation import (
    SCHEMA, Confirmation, ConfirmationError, build_confirmation, pdf_file_name,
)

NOTE = "PRIVATE-NOTE-MARKER my sister's account"


def completed_audit(checklist, name="Siân Ó Briain", staff_id="S1234", audit_type=AuditType.ANNUAL) -> Audit:
    profile = Profile(platforms=frozenset({"facebook", "instagram"}), answers={"names_school": True})
    audit = Audit(Person(name, staff_id, "Teaching assistant"), checklist.school, checklist.id, checklist.version,
                  checklist.sha256, "2026-27", audit_type, datetime(2026, 9, 2, 8, tzinfo=timezone.utc), profile)
    for n, item in enumerate(checklist.applicable_items(profile)):
        answer = [Answer(Status.DONE, note=NOTE),
                  Answer(Status.ACTION, action="Untag the staff party photos", due=date(2026, 12, 1), note=NOTE),
                  Answer(Status.NOT_APPLICABLE, reason="No account there", note=NOTE)][n % 3]
        audit = audit.with_answer(item.id, answer)
    audit.completed_at = datetime(2026, 9, 3, 10, 15, 42, 901, tzinfo=timezone.utc)
    return audit


@pytest.fixture
def checklist(bundled):
    return bundled["evendons-bpet"]


def test_every_applicable_item_is_confirmed_in_order_without_private_notes(checklist):
    audit = completed_audit(checklist)
    confirmation = build_confirmation(checklist, audit, "SA-1")
    assert [i.id for i in confirmation.items] == [i.id for i in checklist.applicable_items(audit.profile)]
    assert NOTE not in repr(confirmation) and NOTE not in repr(confirmation.to_json())
    action = confirmation.actions[0]
    assert (action.action, action.due) == ("Untag the staff party photos", date(2026, 12, 1))
    assert confirmation.count(Status.DONE) + len(confirmation.actions) + confirmation.count(Status.NOT_APPLICABLE) \
        == len(confirmation.items)


def test_the_json_has_the_documented_fields_and_reads_back_equal(checklist):
    confirmation = build_confirmation(checklist, completed_audit(checklist), "SA-1")
    data = confirmation.to_json()
    assert data["schema"] == SCHEMA
    assert data["staff"] == {"name": "Siân Ó Briain", "id": "S1234", "role": "Teaching assistant"}
    assert data["checklist"]["sha256"] == checklist.sha256 and data["audit_type"] == "annual"
    assert data["completed_at"] == "2026-09-03T10:15:42+00:00"
    action = next(i for i in data["items"] if i["status"] == "action")
    assert set(action) == {"id", "section", "check", "status", "action", "due"} and action["due"] == "2026-12-01"
    assert Confirmation.from_json(data) == confirmation


@pytest.mark.parametrize("damage, field", [
    (lambda d: d.update(schema="other/9"), "schema"),
    (lambda d: d["staff"].pop("name"), "staff.name"),
    (lambda d: d.update(audit_type="weekly"), "audit_type"),
    (lambda d: d["items"][0].update(status="maybe"), "items[0].status"),
    (lambda d: d.update(items=[]), "items"),
    (lambda d: d.update(completed_at="yesterday"), "completed_at"),
])
def test_damaged_json_is_refused_naming_the_field(checklist, damage, field):
    data = build_confirmation(checklist, completed_audit(checklist), "SA-1").to_json()
    damage(data)
    with pytest.raises(ConfirmationError, match=field.replace("[", r"\[").replace("]", r"\]")):
        Confirmation.from_json(data)


@pytest.mark.parametrize("name, staff_id, audit_type, expected", [
    ("Siân Ó Briain", "S1234", AuditType.ANNUAL, "2026-27_O-Briain_Sian_S1234_self-audit.pdf"),
    ("Łucja van der Wójcik", "l.wojcik@school.example", AuditType.INDUCTION,
     "2026-27_van-der-Wojcik_Lucja_l-wojcik_induction.pdf"),
    ("Anna/..\\Smith", "../../etc", AuditType.ANNUAL, "2026-27_Anna-Smith_etc_self-audit.pdf"),
])
def test_file_names_sort_by_cycle_and_surname_and_are_safe(checklist, name, staff_id, audit_type, expected):
    audit = completed_audit(checklist, name, staff_id, audit_type)
    file_name = pdf_file_name(build_confirmation(checklist, audit, "SA-1"))
    assert file_name == expected
    assert "/" not in file_name and "\\" not in file_name and ".." not in file_name


def test_an_incomplete_audit_cannot_be_confirmed(checklist):
    audit = completed_audit(checklist)
    audit.completed_at = None
    with pytest.raises(ValueError):
        build_confirmation(checklist, audit, "SA-1")
