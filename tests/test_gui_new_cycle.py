"""A new cycle through the real window: home with the due date, overdue actions and a changed policy;
starting from last year's answers (each to confirm, none done, signing blocked until all are); the
remind-me date and the calendar export."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QRadioButton

sys.path.insert(0, str(Path(__file__).parent))
from cycle_helpers import PERSON, PROFILE, seed_signed_last_cycle  # noqa: E402

from app.checklist_files import load_bundled  # noqa: E402
from app.core.audit import Status, signing_blockers  # noqa: E402
from app.session import AuditSession  # noqa: E402
from app.store.repository import AuditRepository  # noqa: E402
from app.ui import calendar_dialog  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402

TODAY = date(2026, 11, 20)
pytestmark = pytest.mark.gui


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "data" / "self-audit.sqlite3"


@pytest.fixture
def checklist():
    return next(c for c in load_bundled()[0] if c.id == "model-policy")


@pytest.fixture
def open_window(qtbot, db_path):
    repos = []

    def make() -> MainWindow:
        repo = AuditRepository.open(db_path)
        repos.append(repo)
        window = MainWindow(AuditSession(repo, load_bundled()[0], today=lambda: TODAY))
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        return window

    yield make
    for repo in repos:
        repo.close()


def click(qtbot, button) -> None:
    if isinstance(button, (QCheckBox, QRadioButton)):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
    else:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def stored_answers(db_path: Path):
    repo = AuditRepository.open(db_path)
    try:
        return repo.latest_audit("2026-27").answers
    finally:
        repo.close()


def test_home_shows_the_due_date_overdue_actions_last_year_and_a_changed_policy(qtbot, open_window, db_path,
                                                                              checklist):
    seed_signed_last_cycle(db_path, checklist, version="2025.1", changed="connections-review",
                           overdue="conduct-nothing-private")
    window = open_window()
    home = window.home_page
    assert window.stack.currentWidget() is home
    assert home.status_label.text() == "Not started yet."
    assert home.due_label.text() == "Overdue: it was due by 31 October 2026, 20 days ago."
    assert home.changed_label.isVisible() and "policy has changed" in home.changed_label.text()
    overdue = [home.overdue_layout.itemAt(n).widget().text() for n in range(home.overdue_layout.count())]
    assert len(overdue) == 2
    assert "Untag myself from the fete photos: was due by 5 December 2025" in overdue[0]
    assert "Tell the head about the PTA group: was due by 1 October 2026, 50 days ago" in overdue[1]
    assert home.last_box.title() == "Last year: 2025-26" and "signed on 3 October 2025" in home.last_label.text()
    assert home.start_button.isVisible() and home.carry_button.isVisible() and not home.continue_button.isVisible()

    click(qtbot, home.last_button)  # last cycle's audit, read-only
    assert window.session.read_only and window.session.viewing_earlier
    assert window.stack.currentWidget() is window.review_page
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)  # Audit > Home
    assert window.stack.currentWidget() is home and not window.session.viewing_earlier


def test_starting_from_last_years_answers_marks_each_to_confirm_and_blocks_signing_until_all_are(
        qtbot, open_window, db_path, checklist, tmp_path, monkeypatch):
    seed_signed_last_cycle(db_path, checklist, version="2025.1", changed="connections-review", new="images-tagging")
    window = open_window()
    click(qtbot, window.home_page.carry_button)
    profile = window.profile_page
    assert window.stack.currentWidget() is profile
    assert profile.name_edit.text() == PERSON.name and not profile.new_starter_box.isChecked()
    assert profile.platform_boxes["facebook"].isChecked() and profile._question_boxes["names_school"].isChecked()
    click(qtbot, profile.submit_button)

    session = window.session
    items = [i.id for i in checklist.applicable_items(PROFILE)]
    assert [i.id for i in checklist.applicable_items(session.audit.profile)] == items
    on_disk = stored_answers(db_path)
    assert set(on_disk) == set(items) - {"images-tagging"}, "every answer but the new item's came over"
    assert all(a.to_confirm for a in on_disk.values()), "each one to confirm: none copied across as done"

    page, item = window.audit_page, window.audit_page.item_widget
    assert window.stack.currentWidget() is page and session.audit.current_item_id == items[0]
    assert item.confirm_box.isVisible() and item.done_radio.isChecked()
    assert page.progress_bar.value() == 0, "last year's answers count for nothing yet"
    assert "Last year you answered: Done" in item.previous_label.text()
    rows = {page.sections.item(n).text() for n in range(page.sections.count())}
    assert any(r.startswith("Connections (new or changed)") for r in rows)
    assert any(r.startswith("Photos, video and tagging (new or changed)") for r in rows)

    # Signing is blocked by every answer still to confirm.
    click(qtbot, page.review_button)
    review = window.review_page
    assert not review.sign_button.isVisible()
    assert review.blockers_layout.count() == len(items)
    assert "last year's answers waiting for you to confirm them" in review.summary_label.text()
    click(qtbot, review.back_button)

    for _ in range(len(items) + 5):
        if window.stack.currentWidget() is not page:
            break
        current = session.audit.current_item_id
        if current == "connections-review":
            assert item.change_label.text() == "Changed since you last signed: read it again."
        if current == "images-tagging":
            assert item.change_label.text() == "New since you last signed." and not item.confirm_box.isVisible()
        if session.audit.answer(current).status is Status.ACTION:  # last year's action, its date gone
            click(qtbot, item.done_radio)
        elif item.confirm_box.isVisible():
            click(qtbot, item.confirm_button)
            assert not item.confirm_box.isVisible() and session.audit.answer(current).is_answered
        else:
            click(qtbot, item.done_radio)
        click(qtbot, page.next_button)

    assert window.stack.currentWidget() is review
    assert signing_blockers(checklist, session.audit, TODAY) == []
    assert review.sign_button.isVisible()
    on_disk = stored_answers(db_path)
    assert not any(a.to_confirm for a in on_disk.values()) and len(on_disk) == len(items)
    assert on_disk[items[2]].status is Status.NOT_APPLICABLE and on_disk[items[2]].reason == "I have no profile photo"


def test_a_remind_me_date_is_kept_and_actions_export_to_a_calendar(qtbot, open_window, db_path, tmp_path,
                                                                   monkeypatch):
    window = open_window()
    session = window.session
    session.begin(PERSON, "model-policy", PROFILE)
    window._show_audit_or_start()
    item = window.audit_page.item_widget
    click(qtbot, item.action_radio)
    qtbot.keyClicks(item.action_edit, "Untag myself, then check; all of it")
    assert item.remind_box.isVisible() and not item.remind_edit.isEnabled()
    click(qtbot, item.remind_box)
    assert item.remind_edit.isEnabled()
    item.remind_edit.setDate(QDate(2026, 12, 1))
    item.flush()
    first = session.audit.current_item_id
    assert stored_answers(db_path)[first].remind_on == date(2026, 12, 1)

    target = tmp_path / "out" / "actions.ics"
    target.parent.mkdir()
    monkeypatch.setattr(calendar_dialog, "choose_calendar_path", lambda parent, suggested: target)
    window.show_review()
    assert window.review_page.calendar_button.isVisible()
    click(qtbot, window.review_page.calendar_button)
    text = target.read_bytes().decode("utf-8")
    assert "SUMMARY:Untag myself\\, then check\\; all of it\r\n" in text
    assert "TRIGGER;VALUE=DATE-TIME:20261201T090000Z" in text and "DTSTART;VALUE=DATE:20261204" in text
    assert "1 action is saved in" in window.banner.label.text()

    window.show_home()
    assert window.home_page.status_label.text().startswith("In progress: 1 of ")
    assert window.home_page.continue_button.isVisible()
    click(qtbot, window.home_page.continue_button)
    assert window.stack.currentWidget() is window.audit_page


def test_a_calendar_that_cannot_be_written_gets_a_plain_message(qtbot, open_window, tmp_path, monkeypatch):
    window = open_window()
    session = window.session
    session.begin(PERSON, "model-policy", PROFILE)
    first = session.audit.current_item_id
    from app.core.audit import Answer

    session.set_answer(first, Answer(Status.ACTION, "Untag", date(2026, 12, 4)))
    monkeypatch.setattr(calendar_dialog, "choose_calendar_path",
                        lambda parent, suggested: tmp_path / "no-such-folder" / "a.ics")
    window.export_calendar()
    assert "could not be saved" in window.banner.label.text()
    assert not (tmp_path / "no-such-folder").exists()
