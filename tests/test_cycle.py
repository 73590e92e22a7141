"""The yearly cycle without Qt: last year's answers carried over to be confirmed, this cycle's status
and due date, overdue actions, and the store migrating from v2 with every answer kept."""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlite_utils import Database

sys.path.insert(0, str(Path(__file__).parent))
from cycle_helpers import PERSON, PROFILE, seed_signed_last_cycle  # noqa: E402

from app.core.audit import (  # noqa: E402
    Answer, Audit, AuditType, Person, Status, carried_forward, overall_progress, signing_blockers,
)
from app.core.checklist import Profile  # noqa: E402
from app.core.cycle import CycleRules  # noqa: E402
from app.core.cycle_status import CycleState, cycle_status, overdue_actions  # noqa: E402
from app.session import AuditSession  # noqa: E402
from app.store import migrations, repository  # noqa: E402
from app.store.repository import AuditRepository, ExportRecord  # noqa: E402

TODAY = date(2026, 11, 20)


@pytest.fixture
def checklist(bundled):
    return bundled["model-policy"]


def last_year(checklist) -> Audit:
    items = [i.id for i in checklist.applicable_items(PROFILE)]
    answers = {i: Answer(Status.DONE, note="private, last year") for i in items}
    answers[items[1]] = Answer(Status.ACTION, "Untag the fete photos", date(2025, 12, 5), note="secret",
                               remind_on=date(2025, 12, 1))
    answers[items[2]] = Answer(Status.NOT_APPLICABLE, reason="No profile photo")
    answers["an-item-since-removed"] = Answer(Status.DONE)
    return Audit(PERSON, checklist.school, checklist.id, "2025.1", "x", "2025-26", AuditType.ANNUAL,
                 datetime(2025, 10, 1), PROFILE, answers)


def test_last_years_answers_come_over_to_be_confirmed_never_as_done(checklist):
    previous = last_year(checklist)
    carried = carried_forward(checklist, previous, PROFILE)
    items = [i.id for i in checklist.applicable_items(PROFILE)]
    assert set(carried) == set(items), "only items that still exist and apply"
    assert all(a.to_confirm and not a.is_answered for a in carried.values())
    assert carried[items[1]] == Answer(Status.ACTION, "Untag the fete photos", date(2025, 12, 5), to_confirm=True)
    assert carried[items[2]] == Answer(Status.NOT_APPLICABLE, reason="No profile photo", to_confirm=True)
    assert not any(a.note or a.remind_on for a in carried.values()), "notes and reminders stay with last year"

    audit = Audit(PERSON, checklist.school, checklist.id, checklist.version, checklist.sha256, "2026-27",
                  AuditType.ANNUAL, datetime(2026, 11, 1), PROFILE, dict(carried))
    assert overall_progress(checklist, audit) == (0, len(items)), "nothing counts as answered"
    blockers = signing_blockers(checklist, audit, TODAY)
    assert len(blockers) == len(items)
    assert all("confirm it is still true" in b.message for b in blockers)

    for item_id in items:
        audit.answers[item_id] = audit.answers[item_id].confirmed()
    # confirmed, last year's action date (now past) must still be dealt with; the rest may be signed
    assert [(b.item_id, b.message.endswith("the date to do it by has passed: mark it done or choose a new date."))
            for b in signing_blockers(checklist, audit, TODAY)] == [(items[1], True)]


def test_a_reminder_after_the_due_date_blocks_signing():
    answer = Answer(Status.ACTION, "Untag", date(2026, 12, 5), remind_on=date(2026, 12, 6))
    assert answer.gaps(TODAY) == ["the reminder is after the date to do it by"]
    assert Answer(Status.ACTION, "Untag", date(2026, 12, 5), remind_on=date(2026, 12, 5)).gaps(TODAY) == []


@pytest.mark.parametrize("today, days_left, overdue", [
    (date(2026, 10, 19), 12, False), (date(2026, 10, 31), 0, False), (date(2026, 11, 3), -3, True)])
def test_this_cycles_status_counts_days_to_the_due_date(checklist, today, days_left, overdue):
    rules = CycleRules()
    status = cycle_status("2026-27", rules.due_date("2026-27"), today, None, checklist, None)
    assert status.state is CycleState.NOT_STARTED and status.due == date(2026, 10, 31)
    assert (status.days_left, status.overdue) == (days_left, overdue)
    signed = cycle_status("2026-27", rules.due_date("2026-27"), today, last_year(checklist), checklist, today)
    assert signed.state is CycleState.SIGNED and not signed.overdue


def test_overdue_actions_from_this_cycle_and_the_last_signed_unless_answered_again(checklist):
    previous = last_year(checklist)
    items = [i.id for i in checklist.applicable_items(PROFILE)]
    current = Audit(PERSON, checklist.school, checklist.id, checklist.version, checklist.sha256, "2026-27",
                    AuditType.ANNUAL, datetime(2026, 11, 1), PROFILE)
    found = overdue_actions(TODAY, current, previous, {checklist.id: checklist})
    assert [(a.cycle, a.item_id, a.action, a.due) for a in found] == [
        ("2025-26", items[1], "Untag the fete photos", date(2025, 12, 5))]
    assert found[0].check == checklist.item(items[1]).check

    current.answers[items[4]] = Answer(Status.ACTION, "Hide my birthday", date(2026, 11, 1))
    current.answers[items[5]] = Answer(Status.ACTION, "Not yet due", date(2026, 12, 1))
    assert [a.item_id for a in overdue_actions(TODAY, current, previous, {checklist.id: checklist})] == [
        items[1], items[4]]
    current.answers[items[1]] = Answer(Status.DONE)  # done this year: last year's action is dealt with
    assert [a.item_id for a in overdue_actions(TODAY, current, previous, {checklist.id: checklist})] == [items[4]]
    current.answers[items[1]] = Answer(Status.DONE, to_confirm=True)  # carried over only: not yet
    assert items[1] in [a.item_id for a in overdue_actions(TODAY, current, previous, {checklist.id: checklist})]


def test_a_session_starts_from_last_cycles_answers_and_keeps_each_mark_on_disk(tmp_path, checklist, bundled):
    db = tmp_path / "self-audit.sqlite3"
    seed_signed_last_cycle(db, checklist)
    repo = AuditRepository.open(db)
    session = AuditSession(repo, bundled, today=lambda: TODAY)
    assert session.audit is None and session.previous is not None
    assert session.cycle_status().state is CycleState.NOT_STARTED
    session.begin(PERSON, checklist.id, PROFILE, from_last_cycle=True)
    items = [i.id for i in checklist.applicable_items(PROFILE)]
    assert session.audit.current_item_id == items[0], "it starts on the first answer to confirm"
    assert session.cycle_status().to_confirm == len(items)
    session.confirm_answer(items[0])
    session.set_answer(items[3], Answer(Status.ACTION, "Untag", date(2026, 12, 4), remind_on=date(2026, 12, 1)))
    repo.close()

    reopened = AuditRepository.open(db)
    try:
        audit = reopened.latest_audit("2026-27")
        assert audit.answers[items[0]] == Answer(Status.DONE)
        assert audit.answers[items[1]].to_confirm and audit.answers[items[1]].status is Status.ACTION
        assert audit.answers[items[3]] == Answer(Status.ACTION, "Untag", date(2026, 12, 4), remind_on=date(2026, 12, 1))
        status = AuditSession(reopened, bundled, today=lambda: TODAY).cycle_status()
        assert (status.state, status.answered, status.to_confirm) == (CycleState.IN_PROGRESS, 2, len(items) - 2)
    finally:
        reopened.close()


def test_without_asking_nothing_is_carried_over(tmp_path, checklist, bundled):
    db = tmp_path / "self-audit.sqlite3"
    seed_signed_last_cycle(db, checklist)
    repo = AuditRepository.open(db)
    try:
        session = AuditSession(repo, bundled, today=lambda: TODAY)
        session.begin(PERSON, checklist.id, PROFILE)
        assert session.audit.answers == {} and repo.latest_audit("2026-27").answers == {}
    finally:
        repo.close()


def test_a_version_2_store_with_data_migrates_keeping_every_answer_and_export(tmp_path):
    path = tmp_path / "self-audit.sqlite3"
    answers = {
        "settings": Answer(Status.DONE, note="Checked on my phone \u2013 \u2018friends only\u2019"),
        "tags": Answer(Status.ACTION, action="Remove the Year 9 trip photo", due=date(2026, 3, 31)),
        "logos": Answer(Status.NOT_APPLICABLE, reason="I don\u2019t use the logo anywhere"),
    }
    audit = Audit(Person("Siân Ŵyn-Nguyễn", "S1", "Teacher"), "Ysgol", "uk-staff", "2.1", "ab" * 32, "2025-26",
                  AuditType.INDUCTION, datetime(2025, 9, 3, 8, 15, tzinfo=timezone.utc),
                  Profile(platforms=frozenset({"facebook"}), new_starter=True, answers={"names_school": True}))
    signed_at = datetime(2025, 9, 5, 10, tzinfo=timezone.utc)
    with closing(sqlite3.connect(path)) as conn:  # written as version 2 of the app wrote it
        db = Database(conn)
        migrations._to_1(db)
        migrations._to_2(db)
        conn.execute("PRAGMA user_version = 2")
        audit_id = db["audits"].insert(repository._audit_row(audit)).last_pk
        for item_id, answer in answers.items():
            db["answers"].insert({"audit_id": audit_id, "item_id": item_id, "status": answer.status.value,
                                  "action": answer.action, "due": answer.due.isoformat() if answer.due else None,
                                  "reason": answer.reason, "note": answer.note})
        db["exports"].insert({"audit_id": audit_id, "document_id": "SA-1", "signed_at": signed_at.isoformat(),
                              "signed_name": "Siân", "certificate_fingerprint": "AB", "pdf_sha256": "cd" * 32,
                              "pdf_path": "/x.pdf"})
        conn.commit()

    repo = AuditRepository.open(path)
    try:
        assert repo.read_only is False
        assert repo._conn.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION == 3
        got = repo.audit(audit_id)
        assert got.answers == answers and got.person == audit.person and got.profile == audit.profile
        assert got.knowledge_answers == {} and all(not a.to_confirm and a.remind_on is None for a in got.answers.values())
        assert [e.document_id for e in repo.exports(audit_id)] == ["SA-1"]
        assert repo.last_signed_audit_id() == audit_id and repo.signed_fingerprints(audit_id) == {}
        assert repo.integrity_ok()
        # and the new columns work on the migrated file
        repo.save_answer(audit_id, "tags", Answer(Status.ACTION, "x", date(2026, 3, 31), remind_on=date(2026, 3, 1),
                                                  to_confirm=True))
        repo.save_knowledge_answers(audit_id, {"q1": 2})
        repo.record_export(ExportRecord(audit_id, "SA-2", signed_at, "Siân", "AB", "ef" * 32, "/y.pdf"), {"tags": "f"})
        again = repo.audit(audit_id)
        assert again.answers["tags"].to_confirm and again.answers["tags"].remind_on == date(2026, 3, 1)
        assert again.knowledge_answers == {"q1": 2} and repo.signed_fingerprints(audit_id) == {"tags": "f"}
    finally:
        repo.close()
