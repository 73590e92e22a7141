"""The core's rules: what applies to whom, progress, and exactly what blocks signing."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.core.audit import (
    Answer, Audit, AuditType, Person, Status, first_unanswered_id, next_item_id, overall_progress,
    section_progress, signing_blockers,
)
from app.core.checklist import Profile
from app.core.cycle import cycle_for

TODAY = date(2026, 11, 20)


@pytest.fixture
def checklist(bundled):
    return bundled["barton-st-peters"]


def new_audit(checklist, profile: Profile, person=Person("Siân Evans", "S123", "Teacher")) -> Audit:
    return Audit(person=person, school=checklist.school, checklist_id=checklist.id,
                 checklist_version=checklist.version, checklist_sha256=checklist.sha256, cycle="2026-27",
                 audit_type=AuditType.ANNUAL, started_at=datetime(2026, 11, 20, 9, 0), profile=profile)


def test_items_follow_the_profile(checklist):
    nobody = checklist.applicable_items(Profile())
    facebook = checklist.applicable_items(Profile(platforms=frozenset({"facebook"})))
    naming = checklist.applicable_items(Profile(platforms=frozenset({"facebook"}), answers={"names_school": True}))
    assert len(nobody) < len(facebook) < len(naming)
    assert {i.id for i in nobody} <= {i.id for i in facebook} <= {i.id for i in naming}
    assert all(i.when.platforms is None for i in nobody)


def test_a_question_not_asked_counts_as_no(bundled):
    from dataclasses import replace

    from app.core.checklist import Condition, Question

    base = bundled["model-policy"]
    names, posts = base.questions
    # Only those whose profile names the school are asked whether they post for it.
    asked_only_if_naming = replace(posts, when=Condition(questions={"names_school": True}))
    checklist = replace(base, questions=(names, asked_only_if_naming))
    posts_only = Profile(platforms=frozenset({"x"}), answers={"posts_for_school": True})
    both = Profile(platforms=frozenset({"x"}), answers={"posts_for_school": True, "names_school": True})
    assert not checklist.is_asked(asked_only_if_naming, posts_only)
    assert checklist.asked_answers(posts_only)["posts_for_school"] is False
    assert not any(i.topic == "school-accounts" for i in checklist.applicable_items(posts_only))
    assert any(i.topic == "school-accounts" for i in checklist.applicable_items(both))


def test_progress_counts_only_applicable_items(checklist):
    audit = new_audit(checklist, Profile(platforms=frozenset({"instagram"})))
    done, total = overall_progress(checklist, audit)
    assert (done, total) == (0, len(checklist.applicable_items(audit.profile)))
    first = first_unanswered_id(checklist, audit)
    audit = audit.with_answer(first, Answer(Status.DONE))
    assert overall_progress(checklist, audit) == (1, total)
    by_section = section_progress(checklist, audit)
    assert sum(p.answered for p in by_section) == 1 and sum(p.total for p in by_section) == total


def test_answers_for_items_that_stop_applying_are_kept_but_not_counted(checklist):
    profile = Profile(platforms=frozenset({"x"}), answers={"names_school": True})
    audit = new_audit(checklist, profile)
    only_when_naming = next(i for i in checklist.items if i.when.questions.get("names_school"))
    audit = audit.with_answer(only_when_naming.id, Answer(Status.DONE, note="kept"))
    audit.profile = Profile(platforms=frozenset({"x"}))
    assert overall_progress(checklist, audit)[0] == 0
    assert audit.answer(only_when_naming.id).note == "kept"


def test_signing_is_blocked_by_exactly_what_is_missing(checklist):
    profile = Profile(platforms=frozenset({"facebook"}))
    audit = new_audit(checklist, profile, Person("", "S1", ""))
    items = checklist.applicable_items(profile)
    for item in items:
        audit = audit.with_answer(item.id, Answer(Status.DONE))
    a, b, c = items[0].id, items[1].id, items[2].id
    audit = audit.with_answer(a, Answer(Status.ACTION, action="", due=None))
    audit = audit.with_answer(b, Answer(Status.ACTION, action="Untag photos", due=date(2026, 11, 1)))
    audit = audit.with_answer(c, Answer(Status.NOT_APPLICABLE, reason=" "))
    blockers = signing_blockers(checklist, audit, TODAY)
    messages = [bl.message for bl in blockers]
    assert messages[0] == "Your full name is missing." and messages[1] == "Your role is missing."
    assert [bl.item_id for bl in blockers[2:]] == [a, a, b, c]
    assert "say what you will do" in messages[2] and "choose a date" in messages[3]
    assert "has passed" in messages[4] and "why it does not apply" in messages[5]
    assert all(bl.section_id for bl in blockers[2:])


def test_a_complete_audit_has_no_blockers(checklist):
    profile = Profile(platforms=frozenset({"tiktok"}), new_starter=True)
    audit = new_audit(checklist, profile)
    for item in checklist.applicable_items(profile):
        audit = audit.with_answer(item.id, Answer(Status.ACTION, action="Tidy up", due=date(2026, 12, 1)))
    assert signing_blockers(checklist, audit, TODAY) == []


def test_a_changed_checklist_blocks_signing(checklist):
    audit = new_audit(checklist, Profile())
    audit.checklist_sha256 = "0" * 64
    assert any("checklist has changed" in b.message for b in signing_blockers(checklist, audit, TODAY))


def test_next_and_back_walk_the_applicable_items(checklist):
    profile = Profile(platforms=frozenset({"snapchat"}))
    ids = [i.id for i in checklist.applicable_items(profile)]
    assert next_item_id(checklist, profile, None) == ids[0]
    assert next_item_id(checklist, profile, ids[0]) == ids[1]
    assert next_item_id(checklist, profile, ids[1], -1) == ids[0]
    assert next_item_id(checklist, profile, ids[-1]) is None
    assert next_item_id(checklist, profile, ids[0], -1) is None


def test_names_are_normalised_to_nfc():
    decomposed = Person("Sia\u0302n", " S1 ", "TA")
    assert decomposed.name == "Si\u00e2n" and decomposed.staff_id == "S1"
    assert Person("Siân", "S1", "TA") == decomposed


@pytest.mark.parametrize("day, month, expected", [
    (date(2026, 9, 1), 9, "2026-27"), (date(2026, 8, 31), 9, "2025-26"), (date(2027, 1, 5), 9, "2026-27"),
    (date(2099, 12, 31), 9, "2099-00"), (date(2026, 3, 1), 1, "2026"), (date(2026, 3, 1), 4, "2025-26"),
])
def test_the_cycle_is_the_academic_year(day, month, expected):
    assert cycle_for(day, month) == expected


def test_resuming_picks_up_at_the_item_last_shown_while_it_still_applies(checklist):
    from app.core.audit import resume_item_id

    profile = Profile(platforms=frozenset({"facebook"}), answers={"names_school": True})
    audit = new_audit(checklist, profile)
    ids = [i.id for i in checklist.applicable_items(profile)]
    assert resume_item_id(checklist, audit) == ids[0]  # nothing shown yet: the first
    audit = audit.with_answer(ids[0], Answer(Status.DONE))
    audit.current_item_id = ids[3]
    assert resume_item_id(checklist, audit) == ids[3]  # exactly where they were
    naming_only = next(i.id for i in checklist.items if i.when.questions.get("names_school"))
    audit.current_item_id = naming_only
    audit.profile = Profile(platforms=frozenset({"facebook"}))  # no longer applies
    assert resume_item_id(checklist, audit) == ids[1]  # the first unanswered instead
    assert resume_item_id(checklist, new_audit(checklist, Profile(platforms=frozenset({"x"})))) is not None
