"""Every screen at both laptop sizes: rendered for people to look at, checked for what gets cut off.

The pictures land in tests/.screenshots/ (git-ignored).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QWidget

from app.checklist_files import load_bundled
from app.core.audit import Answer, Person, Status
from app.core.checklist import Profile
from app.session import AuditSession
from app.store.repository import AuditRepository
from app.ui.main_window import MainWindow

SHOTS = Path(__file__).resolve().parent / ".screenshots"
SIZES = [(1280, 800), (1024, 600)]
pytestmark = pytest.mark.gui


def shoot(window: QWidget, path: Path) -> None:
    # Let pending layouts and deletions settle, as before a real paint. One pass is not enough:
    # a scroll area sizes its page from word-wrapped labels' height-for-width only on a later
    # layout request, and a single pass photographed the platform steps squashed to two lines.
    for _ in range(5):
        QApplication.processEvents()
    window.grab().save(str(path))


def fully_inside(widget: QWidget, window: QWidget) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return window.rect().contains(QRect(top_left, widget.size()))


@pytest.fixture
def window_at(qtbot, tmp_path):
    repos = []

    def make(size, audit: bool) -> MainWindow:
        repo = AuditRepository.open(tmp_path / f"{size[0]}-{audit}.sqlite3")
        repos.append(repo)
        session = AuditSession(repo, load_bundled()[0], today=lambda: date(2026, 11, 20))
        if audit:
            session.begin(Person("Gwenllïan Ó Súilleabháin-Nguyễn", "S1234", "Teaching assistant"), "model-policy",
                          Profile(platforms=frozenset({"facebook", "instagram", "tiktok"}), new_starter=True,
                                  answers={"names_school": True, "posts_for_school": True}))
        window = MainWindow(session)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        return window

    yield make
    for repo in repos:
        repo.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_screen_fits_and_is_saved_for_review(window_at, size):
    SHOTS.mkdir(exist_ok=True)
    name = f"{size[0]}x{size[1]}"

    start = window_at(size, audit=False)
    assert start.size().width() == size[0] and start.size().height() == size[1]
    shoot(start, SHOTS / f"{name}-1-start.png")
    page = start.profile_page
    for widget in (page.name_edit, page.staff_id_edit, page.role_combo, page.school_combo):
        assert fully_inside(widget, start), f"{widget.accessibleName()} is cut off at {name}"

    window = window_at(size, audit=True)
    # A new starter: the section's induction card comes before its first check.
    assert window.stack.currentWidget() is window.card_page
    shoot(window, SHOTS / f"{name}-2a-induction-card.png")
    for widget in (window.card_page.continue_button, window.card_page.brief_button, window.card_page.why_label):
        assert fully_inside(widget, window), f"{widget.accessibleName() or 'the why'} is cut off at {name}"
    window.card_page.continue_button.click()
    # The first check answered "needs action": the answer fields the picture shows.
    first = window.session.audit.current_item_id
    window.session.set_answer(first, Answer(Status.ACTION, "Turn off tag review", date(2026, 12, 4), note="private"))
    window.show_item(first)
    item = window.audit_page.item_widget
    shoot(window, SHOTS / f"{name}-2-item-action.png")
    for widget in (window.audit_page.back_button, window.audit_page.next_button, window.audit_page.review_button,
                   window.audit_page.progress_bar, item.done_radio, item.action_radio, item.na_radio):
        assert fully_inside(widget, window), f"{widget.accessibleName()} is cut off at {name}"
    assert item.check_label.width() > 300, "the check must have room to be read"
    assert item.action_edit.isVisible() and item.due_edit.isVisible()

    window.audit_page.next_button.click()
    shoot(window, SHOTS / f"{name}-3-next-item.png")
    window.show_brief()
    shoot(window, SHOTS / f"{name}-8-policy-brief.png")
    assert fully_inside(window.brief_page.back_button, window)
    window.show_knowledge_check()
    page = window.knowledge_page
    page.questions[0].options[page.questions[0].question.correct - 1].click()  # a wrong answer
    page.questions[1].options[page.questions[1].question.correct].click()
    shoot(window, SHOTS / f"{name}-9-knowledge-check.png")
    assert fully_inside(page.review_button, window) and fully_inside(page.brief_button, window)
    window.show_details()
    shoot(window, SHOTS / f"{name}-4-details.png")
    window.show_review()
    shoot(window, SHOTS / f"{name}-5-review.png")
    assert fully_inside(window.review_page.title, window) and fully_inside(window.review_page.summary_label, window)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_review_ready_to_sign_and_the_sign_dialog_fit(qtbot, window_at, size, tmp_path):
    SHOTS.mkdir(exist_ok=True)
    name = f"{size[0]}x{size[1]}"
    window = window_at(size, audit=True)
    session = window.session
    for item in session.checklist.applicable_items(session.audit.profile):
        session.set_answer(item.id, Answer(Status.DONE))
    for question in session.checklist.knowledge_check:  # a new starter: the knowledge check is taken too
        session.set_knowledge_answer(question.id, question.correct)
    from app.signing.identity import IdentityStore

    window._identities = lambda: IdentityStore(tmp_path / "identity")  # the dialog only reads it here
    window.show_review()
    shoot(window, SHOTS / f"{name}-6-review-ready.png")
    assert window.review_page.sign_button.isVisible()
    window.review_page.sign_button.click()
    dialog = window.sign_dialog
    qtbot.waitExposed(dialog)
    shoot(dialog, SHOTS / f"{name}-7-sign-dialog.png")
    # a dialog taller than a small laptop's screen, less its taskbar, would hide its buttons
    assert dialog.height() <= size[1] - 40, f"the sign dialog is {dialog.height()} px tall"
    assert fully_inside(dialog.sign_button, dialog) and fully_inside(dialog.pad, dialog)
    dialog.reject()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home_and_a_new_cycle_from_last_years_answers_fit(qtbot, tmp_path, size):
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from cycle_helpers import seed_signed_last_cycle

    SHOTS.mkdir(exist_ok=True)
    name = f"{size[0]}x{size[1]}"
    checklist = next(c for c in load_bundled()[0] if c.id == "model-policy")
    path = tmp_path / f"{name}.sqlite3"
    items = [i.id for i in checklist.items]
    seed_signed_last_cycle(path, checklist, version="2025.1", changed="connections-review", new="images-tagging",
                           overdue="conduct-nothing-private")
    repo = AuditRepository.open(path)
    try:
        window = MainWindow(AuditSession(repo, load_bundled()[0], today=lambda: date(2026, 11, 20)))
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        home = window.home_page
        assert window.stack.currentWidget() is home
        shoot(window, SHOTS / f"{name}-10-home-new-cycle.png")
        for widget in (home.start_button, home.carry_button, home.due_label, home.changed_label):
            assert fully_inside(widget, window), f"{widget.accessibleName()} is cut off at {name}"
        home.carry_button.click()
        window.profile_page.submit_button.click()
        window.show_item("connections-review")
        shoot(window, SHOTS / f"{name}-11-item-to-confirm-changed.png")
        item = window.audit_page.item_widget
        assert fully_inside(item.confirm_button, window) and item.change_label.isVisible()
        window.show_home()
        shoot(window, SHOTS / f"{name}-12-home-in-progress.png")
        assert items
    finally:
        repo.close()


@pytest.fixture(scope="module")
def hr_inbox(tmp_path_factory):
    """Signed confirmations as HR receives them: six good ones, a tampered copy and a scan."""
    from app.demo import make_demo

    folder = tmp_path_factory.mktemp("hr-screens") / "inbox"
    checklist = next(c for c in load_bundled()[0] if c.id == "model-policy")
    written = make_demo(folder, 6, checklist, today=date(2026, 11, 20), report=lambda *_: None)
    (folder / "tampered").mkdir()
    (folder / "tampered" / written[0].name).write_bytes(written[0].read_bytes() + b"\n% changed\n")
    (folder / "scan.pdf").write_text("not a PDF")
    roster = folder.parent / "staff.csv"
    roster.write_text("Staff ID,Name,Email,Department\n" + "".join(
        f"{staff_id},{name},{email},{department}\n" for staff_id, name, email, department in (
            ("sian.1@school.example", "Siân Ŵyn Jones", "sian@school.example", "Welsh"),
            ("S1002", "Łucja Wójcik", "lucja@school.example", "Science"),
            ("S1003", "Nguyễn Thị Minh Khai", "khai@school.example", "Learning support"),
            ("sean.4@school.example", "Seán Ó Briain", "sean@school.example", "Leadership"),
            ("S1005", "Zdeněk Dvořák", "zdenek@school.example", "Science"),
            ("S1006", "Ayşe Yılmaz", "ayse@school.example", "Leadership"),
            ("S3001", "Eilidh MacLeod", "eilidh@school.example", "Midday"),
            ("S3002", "Gwenllïan Ó Súilleabháin-Nguyễn", "", "Cover"))), encoding="utf-8")
    return folder, roster


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_hr_register_fits(qtbot, tmp_path, hr_inbox, size):
    from PySide6.QtCore import QSettings

    from app.ui.hr.hr_window import HrWindow

    SHOTS.mkdir(exist_ok=True)
    name = f"{size[0]}x{size[1]}"
    folder, roster = hr_inbox
    window = HrWindow(tmp_path / "register.sqlite3", today=lambda: date(2026, 11, 20),
                      settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    shoot(window, SHOTS / f"{name}-13-hr-register-empty.png")
    with qtbot.waitSignal(window.collect_finished, timeout=180_000):
        window.collect_folder(folder)
    window.import_roster(roster)
    window.select_staff("S1003")  # one with actions outstanding
    shoot(window, SHOTS / f"{name}-14-hr-register.png")
    for widget in (window.search_edit, window.cycle_combo, window.category_combo, window.summary_label,
                   window.details.open_button, window.details.folder_button, window.details.accept_button):
        assert fully_inside(widget, window), f"{widget.accessibleName() or widget.text()} is cut off at {name}"
    status = window.table.columnViewportPosition(2) + window.table.columnWidth(2)
    assert status <= window.table.viewport().width(), f"the status column is cut off at {name}"
    window.remind_missing()
    window.keys_action.trigger()
    shoot(window.key_dialog, SHOTS / f"{name}-15-hr-known-keys.png")
    window.key_dialog.reject()
    window.close()
