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
    QApplication.processEvents()  # let pending layouts and deletions settle, as before a real paint
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
            first = session.audit.current_item_id
            session.set_answer(first, Answer(Status.ACTION, "Turn off tag review", date(2026, 12, 4), note="private"))
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
    item = window.audit_page.item_widget
    shoot(window, SHOTS / f"{name}-2-item-action.png")
    for widget in (window.audit_page.back_button, window.audit_page.next_button, window.audit_page.review_button,
                   window.audit_page.progress_bar, item.done_radio, item.action_radio, item.na_radio):
        assert fully_inside(widget, window), f"{widget.accessibleName()} is cut off at {name}"
    assert item.check_label.width() > 300, "the check must have room to be read"
    assert item.action_edit.isVisible() and item.due_edit.isVisible()

    window.audit_page.next_button.click()
    shoot(window, SHOTS / f"{name}-3-next-item.png")
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
