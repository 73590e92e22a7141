"""The audit window driven like a person would: real widgets, real clicks and keys, a real store."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit, QPlainTextEdit, QRadioButton

from app.checklist_files import load_bundled
from app.core.audit import Answer, Audit, AuditType, Person, Status
from app.core.checklist import Profile
from app.session import AuditSession
from app.store import repository as repository_module
from app.store.repository import AuditRepository
from app.ui import dialogs
from app.ui.main_window import MainWindow

sys.path.insert(0, str(Path(__file__).parent))
from faults.gui import click, type_into  # noqa: E402  (typing any Unicode, clicking as a person does)

TODAY = date(2026, 11, 20)
SCHOOL = "barton-st-peters"
pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def checklists():
    found, problems = load_bundled()
    assert not problems
    return found


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "data" / "self-audit.sqlite3"


@pytest.fixture
def open_window(qtbot, db_path, checklists):
    opened = []

    def make(today: date = TODAY, **kwargs) -> MainWindow:
        repo = AuditRepository.open(db_path)
        session = AuditSession(repo, checklists, today=lambda: today)
        window = MainWindow(session, repo.notices, **kwargs)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        opened.append(repo)
        return window

    yield make
    for repo in opened:
        repo.close()


def stored(db_path: Path) -> Audit:
    repo = AuditRepository.open(db_path)
    try:
        return repo.latest_audit()
    finally:
        repo.close()


def fill_profile_by_mouse(qtbot, window: MainWindow, platforms=("facebook", "instagram"), names_school=True):
    page = window.profile_page
    type_into(page.name_edit, "Siân Ŵyn-Nguyễn")
    qtbot.keyClicks(page.staff_id_edit, "S1234")
    qtbot.keyClicks(page.role_combo.lineEdit(), "Teaching assistant")
    page.school_combo.setCurrentIndex(page.school_combo.findData(SCHOOL))
    for platform in platforms:
        click(qtbot, page.platform_boxes[platform])
    if names_school:
        click(qtbot, page._question_boxes["names_school"])
    click(qtbot, page.submit_button)


def current_item_id(window: MainWindow) -> str:
    return window.session.audit.current_item_id


def test_a_whole_audit_by_mouse(qtbot, open_window, db_path):
    window = open_window()
    assert window.stack.currentWidget() is window.profile_page
    fill_profile_by_mouse(qtbot, window)
    assert window.stack.currentWidget() is window.audit_page
    checklist = window.session.checklist
    applicable = [i.id for i in checklist.applicable_items(window.session.audit.profile)]
    item = window.audit_page.item_widget

    for n, item_id in enumerate(applicable):
        assert current_item_id(window) == item_id
        if n == 1:
            click(qtbot, item.action_radio)
            qtbot.keyClicks(item.action_edit, "Untag myself from the fete photos")
        elif n == 2:
            click(qtbot, item.na_radio)
            qtbot.keyClicks(item.reason_edit, "I have no profile photo")
        else:
            click(qtbot, item.done_radio)
        if n == 0:
            qtbot.keyClicks(item.note_edit, "private: ask Jo about the PTA group")
        click(qtbot, window.audit_page.next_button)

    assert window.stack.currentWidget() is window.review_page
    from app.core.audit import signing_blockers
    assert [(b.item_id, b.message[-30:]) for b in signing_blockers(checklist, window.session.audit, TODAY)] == [], applicable
    assert window.review_page.ready_label.isVisible()
    assert "ready to sign" in window.review_page.ready_label.text()
    assert not window.review_page.blockers_box.isVisible()

    saved = stored(db_path)
    assert saved.person == Person("Siân Ŵyn-Nguyễn", "S1234", "Teaching assistant")
    assert saved.profile.platforms == frozenset({"facebook", "instagram"})
    assert set(saved.answers) == set(applicable)
    action = saved.answers[applicable[1]]
    assert (action.status, action.action, action.due) == (Status.ACTION, "Untag myself from the fete photos",
                                                          date(2026, 12, 4))
    assert saved.answers[applicable[2]].reason == "I have no profile photo"
    assert saved.answers[applicable[0]].note == "private: ask Jo about the PTA group"


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    focused = QApplication.focusWidget()
    assert focused is not None, "nothing has the keyboard focus"
    qtbot.keyClick(focused, key, modifier)


def type_text(qtbot, text: str):
    focused = QApplication.focusWidget()
    editable = isinstance(focused, (QLineEdit, QPlainTextEdit)) or (isinstance(focused, QComboBox) and focused.isEditable())
    assert editable, f"focus is on {focused!r}, not a text field"
    qtbot.keyClicks(focused, text)


def tab_to(qtbot, widget, limit: int = 40):
    for _ in range(limit):
        if QApplication.focusWidget() is widget:
            return
        press(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {widget.accessibleName() or widget!r}")


def test_a_whole_audit_by_keyboard_alone(qtbot, open_window, db_path):
    window = open_window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page = window.profile_page
    assert QApplication.focusWidget() is page.name_edit
    type_into(QApplication.focusWidget(), "Ffion Ní Bhriain")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "ffion@school.sch.uk")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "Teacher")
    tab_to(qtbot, page.platform_boxes["x"])
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # &Start my audit (clicks ~100 ms later)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.audit_page)

    applicable = [i.id for i in window.session.checklist.applicable_items(window.session.audit.profile)]
    item = window.audit_page.item_widget
    for n, item_id in enumerate(applicable):
        assert current_item_id(window) == item_id
        assert isinstance(QApplication.focusWidget(), QRadioButton), "each item starts on its answer"
        if n == 0:
            press(qtbot, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # Needs a&ction: focus moves to "what"
            qtbot.waitUntil(lambda: QApplication.focusWidget() is item.action_edit)
            type_text(qtbot, "Turn off tag suggestions")
        else:
            press(qtbot, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # &Done
            qtbot.waitUntil(item.done_radio.isChecked)
        press(qtbot, Qt.Key.Key_Return)  # Enter for Next

    assert window.stack.currentWidget() is window.review_page
    assert "ready to sign" in window.review_page.ready_label.text()
    saved = stored(db_path)
    assert saved.person.name == "Ffion Ní Bhriain" and saved.profile.platforms == frozenset({"x"})
    assert saved.answers[applicable[0]] == Answer(Status.ACTION, "Turn off tag suggestions", date(2026, 12, 4))
    assert all(saved.answers[i].status is Status.DONE for i in applicable[1:])


def test_enter_in_the_private_note_starts_a_new_line_rather_than_moving_on(qtbot, open_window):
    window = open_window()
    fill_profile_by_mouse(qtbot, window)
    first = current_item_id(window)
    note = window.audit_page.item_widget.note_edit
    note.setFocus()
    qtbot.keyClicks(note, "line one")
    qtbot.keyClick(note, Qt.Key.Key_Return)
    qtbot.keyClicks(note, "line two")
    assert current_item_id(window) == first
    assert note.toPlainText() == "line one\nline two"


def test_the_section_list_jumps_to_a_section_and_shows_progress(qtbot, open_window):
    window = open_window()
    fill_profile_by_mouse(qtbot, window)
    click(qtbot, window.audit_page.item_widget.done_radio)
    sections = window.audit_page.sections
    assert "1 of" in sections.item(0).text()
    target = sections.item(3)
    target_id = target.data(Qt.ItemDataRole.UserRole)
    rect = sections.visualItemRect(target)
    qtbot.mouseClick(sections.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    checklist = window.session.checklist
    assert checklist.section_of(current_item_id(window)).id == target_id
    assert sections.currentItem().data(Qt.ItemDataRole.UserRole) == target_id


def test_review_links_lead_back_to_each_unfinished_item(qtbot, open_window):
    window = open_window()
    fill_profile_by_mouse(qtbot, window)
    click(qtbot, window.audit_page.review_button)
    links = [window.review_page.blockers_layout.itemAt(n).widget()
             for n in range(window.review_page.blockers_layout.count())]
    applicable = window.session.checklist.applicable_items(window.session.audit.profile)
    assert len(links) == len(applicable)
    click(qtbot, links[4])
    assert window.stack.currentWidget() is window.audit_page
    assert current_item_id(window) == applicable[4].id


def test_changing_my_details_changes_the_items_and_keeps_every_answer(qtbot, open_window, db_path):
    window = open_window()
    fill_profile_by_mouse(qtbot, window, names_school=True)
    session = window.session
    naming_only = next(i for i in session.checklist.items if i.when.questions.get("names_school"))
    window.show_item(naming_only.id)
    click(qtbot, window.audit_page.item_widget.done_radio)
    before = len(session.checklist.applicable_items(session.audit.profile))
    window.show_details()
    click(qtbot, window.profile_page._question_boxes["names_school"])
    click(qtbot, window.profile_page.submit_button)
    assert len(session.checklist.applicable_items(session.audit.profile)) < before
    assert stored(db_path).answers[naming_only.id].status is Status.DONE  # kept, though it no longer applies


def test_a_failed_save_is_shown_in_the_window_kept_and_saved_when_possible(qtbot, open_window, db_path,
                                                                         monkeypatch):
    monkeypatch.setattr(repository_module, "BUSY_TIMEOUT_S", 0.1)
    monkeypatch.setattr("app.ui.main_window.RETRY_SAVE_MS", 100)
    window = open_window()
    fill_profile_by_mouse(qtbot, window)
    first = current_item_id(window)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another program holds the file
    try:
        click(qtbot, window.audit_page.item_widget.done_radio)
        assert window.banner.isVisible() and "another copy" in window.banner.label.text()
        assert window.save_label.text() == "Not saved yet"
        assert window.audit_page.item_widget.done_radio.isChecked()
    finally:
        other.execute("ROLLBACK")
        other.close()
    qtbot.waitUntil(lambda: window.save_label.text() == "All changes saved", timeout=5000)
    assert "saved again" in window.banner.label.text()
    assert stored(db_path).answers[first].status is Status.DONE


def test_a_settings_link_opens_the_platform_page_or_says_plainly_why_not(qtbot, open_window):
    opened: list[str] = []
    window = open_window(open_url=lambda url: opened.append(url.toString()) or True)
    fill_profile_by_mouse(qtbot, window, platforms=("facebook",))
    buttons = [b for b in window.audit_page.item_widget.findChildren(type(window.audit_page.next_button))
               if b.text().startswith("Open Facebook")]
    assert buttons
    click(qtbot, buttons[0])
    assert opened and opened[0].startswith("https://") and "facebook.com" in opened[0]

    failing = open_window(open_url=lambda url: False)
    failing.show_item(current_item_id(window))
    button = [b for b in failing.audit_page.item_widget.findChildren(type(failing.audit_page.next_button))
              if b.text().startswith("Open Facebook")][0]
    click(qtbot, button)
    assert failing.banner.isVisible() and "could not be opened" in failing.banner.label.text()
    assert opened[0] in failing.banner.label.text()


def test_each_platform_used_shows_its_steps_numbered_in_order_and_in_full(qtbot, open_window):
    window = open_window()
    fill_profile_by_mouse(qtbot, window, platforms=("facebook", "instagram"))
    checklist, audit = window.session.checklist, window.session.audit
    guides = {g.platform: g for g in checklist.guides_for(checklist.item(current_item_id(window)),
                                                          audit.profile.platforms)}
    assert set(guides) == {"facebook", "instagram"}
    labels = window.audit_page.item_widget.howto_box.findChildren(QLabel)
    shown = [label.text() for label in labels if label.isVisible()]
    for guide in guides.values():
        title = next(t for t in shown if t.endswith(guide.title))
        steps = shown[shown.index(title) + 1:]
        for number, step in enumerate(guide.steps, 1):
            assert steps[2 * (number - 1): 2 * number] == [f"{number}.", step]
    step_labels = [label for label in labels if any(label.text() in g.steps for g in guides.values())]
    assert len(step_labels) == sum(len(g.steps) for g in guides.values())
    for label in step_labels:
        # plain text: a step holding "<b>" or "&amp;" shows just so, never as markup
        assert label.textFormat() == Qt.TextFormat.PlainText
        # tall enough for every line the step wraps to
        assert label.height() >= label.heightForWidth(label.width())


def test_the_check_the_policy_words_and_a_message_can_be_selected_once_the_window_is_up(qtbot, open_window):
    window = open_window()
    fill_profile_by_mouse(qtbot, window)
    item = window.audit_page.item_widget
    window.banner.show_message("A message with a path in it: C:\\Users\\staff")

    def selectable(label) -> bool:
        return bool(label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse)

    qtbot.waitUntil(lambda: all(selectable(label) for label in (item.check_label, item.quote_label,
                                                                    window.banner.label)))
    qtbot.mouseDClick(item.quote_label, Qt.MouseButton.LeftButton, pos=item.quote_label.rect().center())
    assert item.quote_label.hasSelectedText()


def test_the_log_holds_no_answer_note_or_name(qtbot, open_window, tmp_path):
    from app.logs import setup_logging

    log_path = setup_logging(tmp_path / "logs")
    try:
        window = open_window()
        fill_profile_by_mouse(qtbot, window)
        item = window.audit_page.item_widget
        click(qtbot, item.action_radio)
        qtbot.keyClicks(item.action_edit, "SECRET-ACTION-TEXT")
        qtbot.keyClicks(item.note_edit, "SECRET-NOTE-TEXT")
        click(qtbot, window.audit_page.next_button)
        window._on_item_widget_link_requested("https://www.facebook.com/settings")
    finally:
        for handler in list(logging.getLogger().handlers):
            if getattr(handler, "baseFilename", None) == str(log_path):
                handler.close()
                logging.getLogger().removeHandler(handler)
    text = log_path.read_text(encoding="utf-8")
    assert "audit 1 started" in text  # the log is written...
    for secret in ("SECRET-ACTION-TEXT", "SECRET-NOTE-TEXT", "Siân", "S1234", "Teaching assistant"):
        assert secret not in text  # ...but never with what the person wrote
    if os.name == "posix":
        assert oct(log_path.stat().st_mode & 0o777) == "0o600"


def seed_last_year(db_path: Path, checklists) -> list[str]:
    checklist = next(c for c in checklists if c.id == SCHOOL)
    profile = Profile(platforms=frozenset({"facebook"}))
    repo = AuditRepository.open(db_path)
    audit = repo.create_audit(Audit(
        person=Person("Siân Evans", "S1234", "Teacher"), school=checklist.school, checklist_id=checklist.id,
        checklist_version=checklist.version, checklist_sha256=checklist.sha256, cycle="2025-26",
        audit_type=AuditType.ANNUAL, started_at=datetime(2025, 10, 1, 9), profile=profile))
    ids = [i.id for i in checklist.applicable_items(profile)]
    repo.save_answer(audit.id, ids[0], Answer(Status.NOT_APPLICABLE, reason="no photos then"))
    repo.mark_completed(audit.id, datetime(2025, 10, 2, 9))
    repo.close()
    return ids


def test_last_years_answer_shows_beside_this_years_and_last_year_opens_read_only(qtbot, open_window, db_path,
                                                                                checklists, monkeypatch):
    ids = seed_last_year(db_path, checklists)
    window = open_window()
    assert window.stack.currentWidget() is window.home_page  # a new cycle starts at home...
    click(qtbot, window.home_page.start_button)  # ...afresh, last year's details filled in
    assert window.stack.currentWidget() is window.profile_page
    assert window.profile_page.name_edit.text() == "Siân Evans"
    click(qtbot, window.profile_page.submit_button)
    item = window.audit_page.item_widget
    assert current_item_id(window) == ids[0]
    assert item.previous_label.isVisible()
    assert "Not applicable: no photos then" in item.previous_label.text()
    assert not item.done_radio.isChecked()  # shown beside, never copied across

    last_year = window.session.summaries()[-1]
    monkeypatch.setattr(dialogs, "choose_earlier_audit", lambda parent, summaries: last_year.id)
    window._on_earlier_audits_requested()
    assert window.session.read_only and "read-only" in window.windowTitle()
    assert window.stack.currentWidget() is window.review_page  # an earlier cycle opens at a glance
    answers = window.review_page.answers_tree.topLevelItem(0).child(0)
    assert answers.text(1) == "Not applicable: no photos then"
    window.review_page.answers_tree.itemActivated.emit(answers, 0)
    assert item.na_radio.isChecked() and not item.na_radio.isEnabled() and not item.note_edit.isEnabled()
    window._on_current_audit_requested()
    assert not window.session.read_only and item.done_radio.isEnabled()


CHILD = textwrap.dedent("""
    import sys
    from datetime import date
    from pathlib import Path
    from PySide6.QtWidgets import QApplication
    from PySide6.QtTest import QTest
    from PySide6.QtCore import QPoint, Qt
    app = QApplication(sys.argv)
    from app.checklist_files import load_bundled
    from app.core.audit import Person
    from app.core.checklist import Profile
    from app.session import AuditSession
    from app.store.repository import AuditRepository
    from app.ui.main_window import MainWindow
    repo = AuditRepository.open(Path(sys.argv[1]))
    session = AuditSession(repo, load_bundled()[0], today=lambda: date(2026, 11, 20))
    window = MainWindow(session)
    window.show()
    if session.audit is None:
        session.begin(Person("Kai", "K1", "TA"), "bury-ce", Profile(platforms=frozenset({"tiktok"})))
        window._show_audit_or_start()
    item = window.audit_page.item_widget
    n = 0
    while window.stack.currentWidget() is window.audit_page:
        radio = item.done_radio if n % 2 == 0 else item.na_radio
        QTest.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))
        if n % 2:
            QTest.keyClicks(item.reason_edit, f"reason {n}")
            item.flush()
        if window.session.save_state.all_saved:
            print(window.session.audit.current_item_id, flush=True)  # shown as saved
        QTest.mouseClick(window.audit_page.next_button, Qt.MouseButton.LeftButton)
        n += 1
    print("END", flush=True)
""")


def test_killed_mid_audit_every_answer_shown_as_saved_is_there_on_restart(qtbot, open_window, db_path, tmp_path):
    import random

    rng = random.Random(20261120)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(Path(repository_module.__file__).parents[2])}
    db_path.parent.mkdir(parents=True, exist_ok=True)
    confirmed: list[str] = []
    for run in range(3):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(db_path)], cwd=tmp_path, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        watchdog = threading.Timer(60, child.kill)
        watchdog.start()
        wanted = rng.randint(1, 5)
        lines = [child.stdout.readline().strip() for _ in range(wanted)]
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        watchdog.cancel()
        assert all(lines), f"run {run}: the child stopped early: {child.stderr.read()[-2000:]}"
        confirmed += [line for line in lines if line != "END"]

    window = open_window()
    audit = window.session.audit
    assert audit is not None and window.stack.currentWidget() is window.audit_page
    for item_id in confirmed:
        assert audit.answer(item_id).is_answered, f"{item_id} was shown as saved but is gone"
    assert window.session.repository.integrity_ok()
    # resumes where it was: on the item after the last confirmed one, or that one
    order = [i.id for i in window.session.checklist.applicable_items(audit.profile)]
    assert order.index(current_item_id(window)) >= order.index(confirmed[-1])


def test_a_second_launch_brings_the_running_window_forward_instead_of_a_database_error(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SELF_AUDIT_DATA_DIR": str(tmp_path / "data"),
           "PYTHONPATH": str(Path(repository_module.__file__).parents[2])}
    first = subprocess.Popen([sys.executable, "-m", "app"], cwd=tmp_path, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        log = tmp_path / "data" / "logs" / "self-audit.log"
        deadline = 30
        start = time.monotonic()
        while not (log.exists() and "started" in log.read_text()):
            assert first.poll() is None, first.stderr.read()
            assert time.monotonic() - start < deadline, "the first instance never started"
            time.sleep(0.1)
        second = subprocess.run([sys.executable, "-m", "app"], cwd=tmp_path, env=env, capture_output=True,
                                text=True, timeout=30)
        assert second.returncode == 0
        assert "already open" in second.stdout
        assert "locked" not in (second.stdout + second.stderr).lower()
        assert first.poll() is None  # the first one carries on
    finally:
        first.kill()
        first.wait()
