"""A new starter's induction, driven through the real window: a card before each section, the policy
in brief, the knowledge check (a wrong answer shows the clause), and an induction confirmation."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QRadioButton

from app.checklist_files import load_bundled
from app.core.audit import AuditType, applicable_sections
from app.core.confirmation import build_confirmation
from app.session import AuditSession
from app.store.repository import AuditRepository
from app.ui.main_window import MainWindow

TODAY = date(2026, 11, 20)
SCHOOL = "model-policy"
pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, tmp_path):
    repo = AuditRepository.open(tmp_path / "data" / "self-audit.sqlite3")
    window = MainWindow(AuditSession(repo, load_bundled()[0], today=lambda: TODAY))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    yield window
    repo.close()


def click(qtbot, button) -> None:
    if isinstance(button, (QCheckBox, QRadioButton)):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
    else:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def start_as_a_new_starter(qtbot, window) -> None:
    page = window.profile_page
    qtbot.keyClicks(page.name_edit, "Ffion Hughes")
    qtbot.keyClicks(page.staff_id_edit, "S2001")
    qtbot.keyClicks(page.role_combo.lineEdit(), "Teaching assistant")
    page.school_combo.setCurrentIndex(page.school_combo.findData(SCHOOL))
    click(qtbot, page.platform_boxes["facebook"])
    click(qtbot, page.new_starter_box)
    click(qtbot, page.submit_button)


def test_a_new_starter_meets_a_card_before_each_section_and_takes_the_knowledge_check(qtbot, window, tmp_path):
    start_as_a_new_starter(qtbot, window)
    session = window.session
    checklist = session.checklist
    assert session.audit.audit_type is AuditType.INDUCTION
    sections = applicable_sections(checklist, session.audit.profile)

    # The first card, and the policy in brief from it, and back.
    card = window.card_page
    assert window.stack.currentWidget() is card
    first = sections[0][0]
    assert card.title.text() == first.title and first.card.quote in card.quote_label.text()
    assert first.card.clause in card.clause_label.text() and card.why_label.text() == first.card.text
    click(qtbot, card.brief_button)
    assert window.stack.currentWidget() is window.brief_page
    assert checklist.brief_intro == window.brief_page.intro_label.text()
    click(qtbot, window.brief_page.back_button)
    assert window.stack.currentWidget() is card

    cards_seen = []
    item = window.audit_page.item_widget
    for _ in range(200):
        current = window.stack.currentWidget()
        if current is card:
            cards_seen.append(card.title.text())
            click(qtbot, card.continue_button)
            assert window.stack.currentWidget() is window.audit_page
            # the card comes before the section's first check
            section = checklist.section_of(session.audit.current_item_id)
            assert section.title == cards_seen[-1]
            assert session.audit.current_item_id == next(items for s, items in sections if s.id == section.id)[0].id
            continue
        if current is not window.audit_page:
            break
        click(qtbot, item.done_radio)
        click(qtbot, window.audit_page.next_button)
    assert cards_seen == [s.title for s, _ in sections], "one card before each section, in order"

    # After the last check: the knowledge check, not yet the review.
    page = window.knowledge_page
    assert window.stack.currentWidget() is page
    questions = checklist.knowledge_check
    wrong = page.questions[0]
    wrong_option = (questions[0].correct + 1) % len(questions[0].options)
    click(qtbot, wrong.options[wrong_option])
    assert wrong.feedback_label.isVisible()
    feedback = wrong.feedback_label.text()
    assert "Not quite" in feedback and questions[0].clause in feedback and questions[0].quote in feedback
    assert not any(o.isEnabled() for o in wrong.options), "the first answer is the one kept"
    for widget, question in zip(page.questions[1:], questions[1:]):
        click(qtbot, widget.options[question.correct])
        assert widget.feedback_label.text().startswith("\u2713 Right")
    assert page.score_label.text() == f"You got {len(questions) - 1} of {len(questions)} right."
    stored = AuditRepository.open(tmp_path / "data" / "self-audit.sqlite3")
    try:
        assert stored.latest_audit().knowledge_answers == {
            q.id: (wrong_option if n == 0 else q.correct) for n, q in enumerate(questions)}
    finally:
        stored.close()

    click(qtbot, page.review_button)
    review = window.review_page
    assert window.stack.currentWidget() is review
    assert f"Knowledge check: {len(questions) - 1} of {len(questions)} right." in review.summary_label.text()
    assert review.sign_button.isVisible(), "nothing blocks signing"

    audit = replace(session.audit, completed_at=datetime(2026, 11, 20, 10, tzinfo=timezone.utc))
    data = build_confirmation(checklist, audit, "SA-TEST").to_json()
    assert data["audit_type"] == "induction"
    assert data["knowledge_check"] == {"score": len(questions) - 1, "out_of": len(questions)}
    assert data["declaration"] == checklist.induction_declaration and "I have read" in data["declaration"]

    # The sign dialog shows the same induction declaration.
    from app.signing.identity import IdentityStore

    window._identities = lambda: IdentityStore(tmp_path / "identity")
    click(qtbot, review.sign_button)
    dialog = window.sign_dialog
    shown = [label.text() for label in dialog.findChildren(QLabel)]
    assert checklist.induction_declaration in shown and checklist.declaration not in shown
    dialog.reject()


def test_the_review_sends_a_new_starter_back_to_an_unfinished_knowledge_check(qtbot, window):
    start_as_a_new_starter(qtbot, window)
    click(qtbot, window.card_page.continue_button)
    click(qtbot, window.audit_page.review_button)
    review = window.review_page
    links = [review.blockers_layout.itemAt(n).widget() for n in range(review.blockers_layout.count())]
    knowledge = [link for link in links if "knowledge check" in link.text()]
    assert len(knowledge) == 1
    click(qtbot, knowledge[0])
    assert window.stack.currentWidget() is window.knowledge_page


def test_the_policy_in_brief_is_on_the_menu_by_keyboard_and_back_returns_to_the_item(qtbot, window):
    start_as_a_new_starter(qtbot, window)
    click(qtbot, window.card_page.continue_button)
    assert window.stack.currentWidget() is window.audit_page
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.brief_page
    points = window.brief_page.points_layout.count()
    assert points == len(window.session.checklist.policy_in_brief())
    click(qtbot, window.brief_page.back_button)
    assert window.stack.currentWidget() is window.audit_page


def test_an_annual_audit_shows_no_cards_and_goes_straight_to_the_review(qtbot, window):
    page = window.profile_page
    qtbot.keyClicks(page.name_edit, "Ffion Hughes")
    qtbot.keyClicks(page.staff_id_edit, "S2001")
    qtbot.keyClicks(page.role_combo.lineEdit(), "Teacher")
    page.school_combo.setCurrentIndex(page.school_combo.findData(SCHOOL))
    click(qtbot, page.submit_button)
    assert window.stack.currentWidget() is window.audit_page
    item = window.audit_page.item_widget
    while window.stack.currentWidget() is window.audit_page:
        click(qtbot, item.done_radio)
        click(qtbot, window.audit_page.next_button)
    assert window.stack.currentWidget() is window.review_page
    assert window._card_page is None and window._knowledge_page is None, "never built"


def test_a_new_starter_closing_mid_section_resumes_at_the_item_not_the_card_again(qtbot, window, tmp_path):
    start_as_a_new_starter(qtbot, window)
    click(qtbot, window.card_page.continue_button)
    item_widget = window.audit_page.item_widget
    click(qtbot, item_widget.done_radio)
    click(qtbot, window.audit_page.next_button)
    where = window.session.audit.current_item_id
    first_section = applicable_sections(window.session.checklist, window.session.audit.profile)[0][0]
    assert where in {i.id for i in first_section.items}, "still in the first section"
    window.close()

    repo = AuditRepository.open(tmp_path / "data" / "self-audit.sqlite3")
    reopened = MainWindow(AuditSession(repo, load_bundled()[0], today=lambda: TODAY))
    qtbot.addWidget(reopened)
    reopened.show()
    qtbot.waitExposed(reopened)
    try:
        assert reopened.stack.currentWidget() is reopened.audit_page, "the section's card came back"
        assert reopened.session.audit.current_item_id == where
        item = reopened.session.checklist.item(where)
        assert reopened.audit_page.item_widget.check_label.text() == item.check
    finally:
        repo.close()
