"""Induction, without Qt: the checklist's cards, brief and knowledge check, the rules over them,
and the confirmation a new starter signs (its JSON and its PDF, read back with pdftotext)."""

from __future__ import annotations

import re
import subprocess
from datetime import date, datetime

import pytest

from app.core.audit import (
    KNOWLEDGE_CHECK, Answer, Audit, AuditType, Person, Status, knowledge_check_due, knowledge_result,
    signing_blockers,
)
from app.core.checklist import Profile
from app.core.checklist_reader import read_checklist
from app.core.confirmation import Confirmation, ConfirmationError, build_confirmation

TODAY = date(2026, 11, 20)

CHECKLIST = '''
format = 1
id = "small"
title = "Social media self-audit"
school = "Ysgol Fach"
version = "2026.1"
effective = 2026-09-01
declaration = "I confirm that I have checked my social media."
induction_declaration = "I confirm that I have read the policy and checked my social media during my induction."

[policy]
title = "Social Media Policy"
file = "policy.txt"

[[sections]]
id = "settings"
title = "Privacy settings"

[sections.card]
why = "Settings change: checking them keeps your private life private."
quote = "Check your privacy settings every term."
clause = "§2"

[[sections.items]]
id = "settings-check"
topic = "settings"
check = "Check your privacy settings."
quote = "Check your privacy settings every term."
clause = "§2"

[[sections]]
id = "rest"
title = "Everything else"

[[sections.items]]
id = "disclaimer"
topic = "disclaimer"
check = "Add a disclaimer."
quote = "Add a disclaimer when you name the school."
clause = "§3"

[[sections.items]]
id = "connections"
topic = "connections"
check = "Remove pupils."
quote = "Do not befriend pupils."
clause = "§4"

[[sections.items]]
id = "logos"
topic = "logos"
check = "Remove the logo."
quote = "Never use the school logo."
clause = "§5"

[brief]
intro = "Keep school and social media apart."

[[brief.points]]
text = "No pupils."
quote = "Do not befriend pupils."
clause = "§4"

[[knowledge_check]]
id = "pupils"
question = "May you befriend a pupil?"
options = ["Yes", "No"]
answer = 2
quote = "Do not befriend pupils."
clause = "§4"

[[knowledge_check]]
id = "logo"
question = "May you use the logo?"
options = ["Never", "Sometimes", "Always"]
answer = 1
quote = "Never use the school logo."
clause = "§5"

[[knowledge_check]]
id = "settings"
question = "How often should you check your settings?"
options = ["Every term", "Never"]
answer = 1
quote = "Check your privacy settings every term."
clause = "§2"
'''
POLICY = ("§2 Check your privacy settings every term. §3 Add a disclaimer when you name the school. "
          "§4 Do not befriend pupils. §5 Never use the school logo.")


def read(text: str = CHECKLIST, policy: str | None = POLICY):
    return read_checklist(text, "small.toml", TODAY, policy_text=policy)


def induction_audit(checklist, **answers) -> Audit:
    profile = Profile(new_starter=True)
    audit = Audit(Person("Siân Ŵyn", "S1", "Teacher"), checklist.school, checklist.id, checklist.version,
                  checklist.sha256, "2026-27", AuditType.INDUCTION, datetime(2026, 11, 1, 9), profile)
    for item in checklist.applicable_items(profile):
        audit.answers[item.id] = Answer(Status.DONE)
    audit.knowledge_answers.update(answers)
    return audit


def test_cards_brief_knowledge_check_and_induction_declaration_are_read():
    checklist, problems = read()
    assert problems == []
    card = checklist.sections[0].card
    assert (card.text, card.quote, card.clause) == ("Settings change: checking them keeps your private life private.",
                                                    "Check your privacy settings every term.", "§2")
    assert checklist.sections[1].card is None
    assert checklist.brief_intro == "Keep school and social media apart."
    assert [p.text for _, p in checklist.policy_in_brief()] == ["No pupils."]
    assert [(q.id, q.correct) for q in checklist.knowledge_check] == [("pupils", 1), ("logo", 0), ("settings", 0)]
    assert checklist.declaration_for(induction=True).startswith("I confirm that I have read the policy")
    assert checklist.declaration_for(induction=False) == "I confirm that I have checked my social media."


def test_without_brief_points_the_brief_is_the_section_cards():
    checklist, _ = read(CHECKLIST.replace('[[brief.points]]\ntext = "No pupils."\nquote = "Do not befriend pupils."\n'
                                          'clause = "§4"\n', ""))
    assert [(title, p.quote) for title, p in checklist.policy_in_brief()] == [
        ("Privacy settings", "Check your privacy settings every term.")]


@pytest.mark.parametrize("old, new, where, field", [
    ('quote = "Check your privacy settings every term."\nclause = "§2"\n\n[[sections.items]]',
     'quote = "Check your settings whenever you like."\nclause = "§2"\n\n[[sections.items]]',
     "section 'settings' card", "quote"),
    ('text = "No pupils."\nquote = "Do not befriend pupils."', 'text = "No pupils."\nquote = "Befriend no one."',
     "brief point 1", "quote"),
    ('options = ["Yes", "No"]\nanswer = 2\nquote = "Do not befriend pupils."',
     'options = ["Yes", "No"]\nanswer = 2\nquote = "Pupils are fine."', "knowledge check 'pupils'", "quote"),
])
def test_every_induction_quote_must_be_verbatim_in_the_policy(old, new, where, field):
    assert CHECKLIST.count(old) == 1
    checklist, problems = read(CHECKLIST.replace(old, new))
    assert checklist is None
    assert [(p.where, p.field) for p in problems] == [(where, field)]
    assert "not found verbatim" in problems[0].message


@pytest.mark.parametrize("old, new, field, words", [
    ("answer = 2\n", "answer = 3\n", "answer", "the number of the right option"),
    ("answer = 2\n", "answer = true\n", "answer", "the number of the right option"),
    ('options = ["Yes", "No"]', 'options = ["Yes"]', "options", "2 to 5 options"),
    ('why = "Settings change', 'wy = "Settings change', "wy", "unknown key"),
])
def test_knowledge_check_and_card_mistakes_are_named(old, new, field, words):
    _, problems = read(CHECKLIST.replace(old, new, 1))
    assert any(p.field == field and words in p.message for p in problems), problems


def test_a_knowledge_check_has_three_to_five_questions():
    two = CHECKLIST[: CHECKLIST.rindex("[[knowledge_check]]")]
    _, problems = read(two)
    assert [(p.field, p.message) for p in problems] == [
        ("knowledge_check", "has 2 questions: a knowledge check has 3 to 5")]


def test_every_shipped_checklist_has_induction_material(bundled):
    for checklist in bundled.values():
        assert all(s.card is not None and s.card.text and s.card.quote and s.card.clause
                   for s in checklist.sections), checklist.id
        assert checklist.brief_intro and checklist.policy_in_brief()
        assert 3 <= len(checklist.knowledge_check) <= 5, checklist.id
        for question in checklist.knowledge_check:
            assert 0 <= question.correct < len(question.options) and question.quote and question.clause
        declaration = checklist.declaration_for(induction=True)
        assert declaration != checklist.declaration and "I have read" in declaration and "induction" in declaration


def test_a_new_starter_cannot_sign_before_the_knowledge_check_and_wrong_answers_still_count():
    checklist, _ = read()
    audit = induction_audit(checklist)
    assert knowledge_check_due(checklist, audit) and knowledge_result(checklist, audit) is None
    blockers = signing_blockers(checklist, audit, TODAY)
    assert [(b.target, b.message) for b in blockers] == [
        (KNOWLEDGE_CHECK, "Take the short knowledge check about the policy.")]
    audit.knowledge_answers.update(pupils=0, logo=0)  # one wrong, one right
    assert knowledge_check_due(checklist, audit)
    audit.knowledge_answers["settings"] = 0
    assert signing_blockers(checklist, audit, TODAY) == []
    assert knowledge_result(checklist, audit).score == 2 and knowledge_result(checklist, audit).out_of == 3


def test_an_annual_audit_has_no_knowledge_check():
    checklist, _ = read()
    audit = induction_audit(checklist)
    audit.audit_type = AuditType.ANNUAL
    assert signing_blockers(checklist, audit, TODAY) == [] and knowledge_result(checklist, audit) is None


def test_the_induction_confirmation_says_so_and_carries_the_score():
    checklist, _ = read()
    audit = induction_audit(checklist, pupils=1, logo=2, settings=0)
    audit.completed_at = datetime(2026, 11, 20, 10, 0)
    confirmation = build_confirmation(checklist, audit, "SA-1")
    data = confirmation.to_json()
    assert data["audit_type"] == "induction"
    assert data["declaration"] == checklist.induction_declaration
    assert data["knowledge_check"] == {"score": 2, "out_of": 3}
    assert Confirmation.from_json(data) == confirmation

    audit.audit_type = AuditType.ANNUAL
    annual = build_confirmation(checklist, audit, "SA-2").to_json()
    assert "knowledge_check" not in annual and annual["declaration"] == checklist.declaration
    assert Confirmation.from_json(annual).knowledge_check is None


@pytest.mark.parametrize("bad", [{"score": 6, "out_of": 5}, {"score": "4", "out_of": 5}, {"score": 4}, [4, 5]])
def test_a_damaged_knowledge_check_in_the_json_is_refused(bad):
    checklist, _ = read()
    audit = induction_audit(checklist, pupils=1, logo=0, settings=0)
    audit.completed_at = datetime(2026, 11, 20, 10, 0)
    data = build_confirmation(checklist, audit, "SA-1").to_json()
    data["knowledge_check"] = bad
    with pytest.raises(ConfirmationError, match="knowledge_check"):
        Confirmation.from_json(data)


def test_the_induction_pdf_is_titled_and_declared_as_an_induction(bundled, tmp_path):
    from app.pdf.document import build_pdf

    checklist = bundled["bury-ce"]
    answers = {q.id: q.correct for q in checklist.knowledge_check}
    answers[checklist.knowledge_check[0].id] = (checklist.knowledge_check[0].correct + 1) % 3
    audit = induction_audit(checklist, **answers)
    audit.completed_at = datetime(2026, 11, 20, 10, 0)
    built = build_pdf(build_confirmation(checklist, audit, "SA-2026-27-IND"), fingerprint="AB:CD")
    path = tmp_path / "induction.pdf"
    path.write_bytes(built.data)
    text = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    out_of = len(checklist.knowledge_check)
    assert "Social media induction confirmation" in text and "self-audit confirmation" not in text
    assert f"Knowledge check {out_of - 1} of {out_of} correct" in text
    assert "as a new member of staff, I have read Bury C of E Primary School's social media policy" in text
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Title: +Social media induction confirmation: ", info, re.M)  # what a viewer's title bar shows


def test_the_demos_new_starters_sign_induction_confirmations_with_a_score(bundled):
    import random

    from app.demo import completed_audit, sample_people

    checklist = bundled["barton-st-peters"]
    rng = random.Random(2026)
    confirmations = []
    for sample in sample_people(10):
        audit = completed_audit(checklist, sample, TODAY, rng)
        confirmations.append((sample, build_confirmation(checklist, audit, "SA-DEMO").to_json()))
    new_starters = [data for sample, data in confirmations if sample.new_starter]
    assert new_starters and all(d["audit_type"] == "induction" for d in new_starters)
    assert all(d["declaration"] == checklist.induction_declaration for d in new_starters)
    assert all(d["knowledge_check"]["out_of"] == len(checklist.knowledge_check) for d in new_starters)
    others = [data for sample, data in confirmations if not sample.new_starter]
    assert all(d["audit_type"] == "annual" and "knowledge_check" not in d for d in others)
