"""The main window: routes the person's intents to the session and shows the result."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QFrame, QHBoxLayout, QLabel, QMainWindow, QPushButton, QSizeGrip, QStackedWidget, QVBoxLayout,
    QWidget,
)

from app import __version__
from app.core.audit import (
    Answer, applicable_sections, next_item_id, resume_item_id, section_progress,
    signing_blockers,
)
from app.core.platforms import PLATFORMS
from app.core.text_rules import InvalidTextError
from app.session import AuditSession
from app.store.errors import StoreError
from app.ui import dialogs
from app.ui.audit_page import AuditPage
from app.ui.style import STYLE_SHEET, make_selectable
from app.ui.yearly_pages import YearlyPagesMixin

if TYPE_CHECKING:  # built on first use, so imported then: neither is on the way to the first paint
    from app.ui.profile_page import ProfilePage
    from app.ui.review_page import ReviewPage

log = logging.getLogger(__name__)
RETRY_SAVE_MS = 3000
TEXT_SELECTION_AFTER_PAINT_MS = 300


class BannerWidget(QFrame):
    """A message in the window, in plain English, that the person can dismiss."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("banner")
        self.label = QLabel()
        self.label.setObjectName("bannerText")
        self.label.setWordWrap(True)
        self.action_button = QPushButton()
        self.action_button.hide()
        self.close_button = QPushButton(self.tr("Dismiss"))
        self.close_button.setAccessibleName(self.tr("Dismiss message"))
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.action_button)
        layout.addWidget(self.close_button)
        self.hide()

    def allow_text_selection(self) -> None:
        make_selectable(self.label)

    def show_message(self, text: str, dismissible: bool = True) -> None:
        self.label.setText(text)
        self.label.setAccessibleName(text)
        self.close_button.setVisible(dismissible)
        self.show()


class MainWindow(YearlyPagesMixin, QMainWindow):
    first_painted = Signal()

    def __init__(self, session: AuditSession, notices: list[str] | None = None,
                 open_url=QDesktopServices.openUrl, identities=None, school=None, data_folder: Path | None = None):
        super().__init__()
        self.session = session
        self._open_url = open_url
        self.school = school  # the school configuration (app.core.school_config), or None
        self._data_folder = data_folder  # for "Your data": export and delete
        self.data_deleted = False  # set once "Delete my data" ran: the app then closes
        # A zero-argument callable giving the signing-identity store; called on first signing,
        # since the keyring behind it is no part of start-up.
        self._identities = identities
        self.sign_dialog = None
        self.hr_window = None  # HR's register, opened from the menu or the start page
        self._painted = False
        self._text_selectable = False  # see _allow_text_selection
        self.first_painted.connect(lambda: QTimer.singleShot(
            TEXT_SELECTION_AFTER_PAINT_MS, self, self._allow_text_selection))
        self._editing_details = False
        self.setMinimumSize(760, 520)

        self.banner = BannerWidget()
        self.stack = QStackedWidget()
        # Pages are built on first use: only the one shown first is on the way to the first paint.
        self._profile_page: ProfilePage | None = None
        self._audit_page: AuditPage | None = None
        self._review_page: ReviewPage | None = None
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.banner)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.save_label = QLabel()
        self.save_label.setAccessibleName(self.tr("Save status"))
        self.statusBar().addPermanentWidget(self.save_label)
        for grip in self.statusBar().findChildren(QSizeGrip):
            grip.setAccessibleName(self.tr("Resize the window"))
        self._build_menus()

        self._retry_timer = QTimer(self, interval=RETRY_SAVE_MS)
        self._retry_timer.timeout.connect(self._on_retry_timer_timeout)

        if notices:
            self.banner.show_message("\n\n".join(notices))
        self._update_title()
        self._init_yearly()
        if self.wants_home_first():
            self.show_home()
        else:
            self._show_audit_or_start()
        self._update_save_label()
        # Last: set before the pages are built, the same sheet costs start-up some 10 ms more.
        self.setStyleSheet(STYLE_SHEET)

    # -- pages, built on first use -----------------------------------------------------

    @property
    def profile_page(self) -> ProfilePage:
        if self._profile_page is None:
            from app.ui.profile_page import ProfilePage

            page = self._profile_page = ProfilePage(list(self.session.checklists.values()))
            page.details_submitted.connect(self._on_profile_page_details_submitted)
            page.cancel_requested.connect(self._show_audit_or_start)
            page.hr_requested.connect(self.open_hr_window)
            if self.school is not None and self.school.checklist_id:
                page.fix_school(self.school.checklist_id, self.school.school_name)
            self.stack.addWidget(page)
        return self._profile_page

    @property
    def audit_page(self) -> AuditPage:
        if self._audit_page is None:
            page = self._audit_page = AuditPage()
            page.next_requested.connect(lambda: self._on_step_requested(1))
            page.back_requested.connect(lambda: self._on_step_requested(-1))
            page.review_requested.connect(self.show_review)
            page.sections.section_requested.connect(self._on_section_requested)
            page.item_widget.answer_changed.connect(self._on_item_widget_answer_changed)
            page.item_widget.link_requested.connect(self._on_item_widget_link_requested)
            if self._text_selectable:
                page.item_widget.allow_text_selection()
            self.stack.addWidget(page)
        return self._audit_page

    @property
    def review_page(self) -> ReviewPage:
        if self._review_page is None:
            from app.ui.review_page import ReviewPage

            page = self._review_page = ReviewPage()
            page.item_requested.connect(self.show_item)
            page.details_requested.connect(self.show_details)
            page.back_requested.connect(self._show_audit_or_start)
            page.sign_requested.connect(self._on_review_page_sign_requested)
            page.knowledge_check_requested.connect(self.show_knowledge_check)
            page.calendar_requested.connect(self.export_calendar)
            page.open_folder_requested.connect(self._on_review_page_open_folder_requested)
            page.send_to = self.school.hr.where_to_send() if self.school else ""
            self.stack.addWidget(page)
        return self._review_page

    def _flush_typing(self) -> None:
        if self._audit_page is not None:
            self._audit_page.item_widget.flush()

    # -- navigation --------------------------------------------------------------------

    def _show_audit_or_start(self) -> None:
        session = self.session
        if session.audit is None and session.previous is not None and not session.viewing_earlier:
            self.show_home()  # a new cycle: start it from there, afresh or from last cycle's answers
            return
        if session.audit is None:
            self._editing_details = False
            self.profile_page.set_editing(False)
            self.stack.setCurrentWidget(self.profile_page)
            self.profile_page.name_edit.setFocus()
            return
        if session.viewing_earlier:
            self.show_review()  # an earlier cycle: everything at a glance first
            return
        checklist = session.checklist
        if checklist is None:
            self.banner.show_message(self.tr("The checklist this audit used is not available in this version."))
            return
        item_id = resume_item_id(checklist, session.audit)
        if item_id is None:
            self.show_review()
        else:
            self.show_item(item_id)

    def show_item(self, item_id: str) -> None:
        session, checklist, audit = self.session, self.session.checklist, self.session.audit
        item = checklist.item(item_id)
        self._flush_typing()
        sections = applicable_sections(checklist, audit.profile)
        section_index = next(n for n, (s, items) in enumerate(sections) if any(i.id == item_id for i in items))
        section, items = sections[section_index]
        if self._needs_card(section.id):  # a new starter reads why the section matters first
            self._show_card(section.id, item_id)
            return
        place = self.tr("Section {n} of {count}: {section} \u00b7 item {i} of {total}").format(
            n=section_index + 1, count=len(sections), section=section.title,
            i=[i.id for i in items].index(item_id) + 1, total=len(items))
        self.audit_page.item_widget.show_item(
            item, place, audit.answer(item_id), checklist.guides_for(item, audit.profile.platforms),
            session.today(), show_detail=audit.profile.new_starter, previous=session.previous_answer(item_id),
            read_only=session.read_only, change=session.item_changes().get(item_id, ""),
        )
        if not session.read_only:
            session.set_position(item_id)
        else:
            audit.current_item_id = item_id
        self._refresh_progress()
        self.stack.setCurrentWidget(self.audit_page)
        self.audit_page.item_widget.focus_answer()

    def show_review(self) -> None:
        session = self.session
        if session.audit is None:
            return
        self._flush_typing()
        blockers = signing_blockers(session.checklist, session.audit, session.today())
        self.review_page.show_review(session.checklist, session.audit, blockers, session.read_only,
                                     session.exports())
        self.stack.setCurrentWidget(self.review_page)
        self.review_page.back_button.setFocus()

    def show_details(self) -> None:
        session = self.session
        if session.audit is None or session.read_only:
            return
        self._flush_typing()
        self._editing_details = True
        self.profile_page.show_details(session.audit.person, session.audit.checklist_id, session.audit.profile,
                                       editing=True)
        self.stack.setCurrentWidget(self.profile_page)
        self.profile_page.name_edit.setFocus()

    def _on_step_requested(self, step: int) -> None:
        session = self.session
        if session.audit is None:
            return
        self._flush_typing()
        target = next_item_id(session.checklist, session.audit.profile, session.audit.current_item_id, step)
        if target is not None:
            self.show_item(target)
        elif step > 0 and self._knowledge_check_next():
            self.show_knowledge_check()
        elif step > 0:
            self.show_review()

    def _on_section_requested(self, section_id: str) -> None:
        session = self.session
        for section, items in applicable_sections(session.checklist, session.audit.profile):
            if section.id == section_id:
                unanswered = [i.id for i in items if not session.audit.answer(i.id).is_answered]
                self.show_item((unanswered or [items[0].id])[0])
                return

    # -- changes -----------------------------------------------------------------------

    def _on_profile_page_details_submitted(self, person, checklist_id: str, profile) -> None:
        session = self.session
        try:
            if session.audit is None:
                session.begin(person, checklist_id, profile, from_last_cycle=self._start_from_last_cycle)
                self._start_from_last_cycle = False
            else:
                session.update_details(person, checklist_id, profile)
        except InvalidTextError as exc:  # shown beside the form, where the fix is made
            self.profile_page.error_label.setText(str(exc))
            self.profile_page.error_label.show()
            self.profile_page.name_edit.setFocus()
            return
        except StoreError as exc:
            self.banner.show_message(str(exc))
            return
        self._editing_details = False
        self._update_title()
        self._update_save_label()
        self._show_audit_or_start()

    def _on_item_widget_answer_changed(self, item_id: str, answer: Answer) -> None:
        if self.session.read_only:
            return
        self.session.set_answer(item_id, answer)
        self._refresh_progress()
        self._update_save_label()

    def _on_review_page_sign_requested(self) -> None:
        session = self.session
        if session.audit is None or session.checklist is None or self._identities is None:
            return
        from app.ui.sign_dialog import SignDialog

        exports = session.exports()
        folder = Path(exports[-1].pdf_path).parent if exports and exports[-1].pdf_path else None
        school = self.school
        self.sign_dialog = SignDialog(
            session.checklist, session.audit, self._identities(), self, folder=folder,
            logo=school.logo if school else None,
            school_certificate=school.certificate_path if school and school.school_issued_certificate else None)
        self.sign_dialog.signed.connect(self._on_sign_dialog_signed)
        self.sign_dialog.open()

    def _on_sign_dialog_signed(self, result) -> None:
        from app.store.repository import ExportRecord

        record = ExportRecord(self.session.audit.id, result.document_id, result.signed_at,
                              result.confirmation.staff.name, result.fingerprint, result.pdf_sha256,
                              str(result.path))
        try:
            self.session.record_export(record)
        except StoreError as exc:
            self.banner.show_message(self.tr(
                "Your PDF was saved as {path}, but the app could not note that it is signed: {error}").format(
                path=result.path, error=exc))
            return
        send_to = self.school.hr.where_to_send() if self.school else ""
        if send_to:
            self.banner.show_message(self.tr("Your signed confirmation is saved as {path}. Send it to {hr}.")
                                     .format(path=result.path, hr=send_to))
        else:
            self.banner.show_message(self.tr("Your signed confirmation is saved as {path}. Send it to HR.")
                                     .format(path=result.path))
        self._update_title()
        self.show_review()

    def _on_review_page_open_folder_requested(self, folder: str) -> None:
        from PySide6.QtCore import QUrl  # where used: first touched, PySide builds its enums

        self._open_url(QUrl.fromLocalFile(folder))

    def _on_item_widget_link_requested(self, url: str) -> None:
        from PySide6.QtCore import QUrl

        if not self._open_url(QUrl(url)):
            platform = next((p.name for p in PLATFORMS.values() if p.owns_host(QUrl(url).host())), "")
            log.warning("could not open a settings link (%s)", platform or "unknown platform")
            self.banner.show_message(self.tr(
                "Your browser could not be opened. You can copy this address into it yourself: {url}").format(url=url))

    def _on_retry_timer_timeout(self) -> None:
        self.session.retry_pending()
        self._update_save_label()

    # -- state shown -------------------------------------------------------------------

    def _refresh_progress(self) -> None:
        session, checklist, audit = self.session, self.session.checklist, self.session.audit
        progress = section_progress(checklist, audit)
        answered, total = sum(p.answered for p in progress), sum(p.total for p in progress)
        current = audit.current_item_id
        section = checklist.section_of(current) if current else None
        ids = [i.id for i in checklist.applicable_items(audit.profile)]
        changed = frozenset(s.id for s in checklist.sections
                            for item_id in session.item_changes() if any(i.id == item_id for i in s.items))
        self.audit_page.show_position(progress, section.id if section else None, answered, total,
                                      is_first=bool(ids) and current == ids[0],
                                      is_last=bool(ids) and current == ids[-1], changed_sections=changed)

    def _update_save_label(self) -> None:
        session = self.session
        state = session.save_state
        if session.read_only:
            self.save_label.setText(self.tr("Read-only"))
            self._retry_timer.stop()
        elif state.last_error:
            self.save_label.setText(self.tr("Not saved yet"))
            self.banner.show_message(state.last_error, dismissible=False)
            self._retry_timer.start()
        else:
            self.save_label.setText(self.tr("All changes saved") if session.audit else "")
            if self._retry_timer.isActive():
                self._retry_timer.stop()
                self.banner.show_message(self.tr("Your answers are saved again."))
        state_text = self.save_label.text()  # a screen reader reads the state, not just "Save status"
        self.save_label.setAccessibleName(self.tr("Save status: %s") % state_text if state_text
                                          else self.tr("Save status"))

    def _update_title(self) -> None:
        audit = self.session.audit
        school = audit.school if audit else ""
        suffix = (self.tr(" (signed)") if self.session.signed else
                  self.tr(" (read-only)") if self.session.read_only else "")
        self.setWindowTitle(f"{school} \u2014 {audit.cycle}{suffix}" if audit else "")

    def _build_menus(self) -> None:
        audit_menu = self.menuBar().addMenu(self.tr("&Audit"))
        self._add_action(audit_menu, self.tr("&Home"), self.show_home, "Ctrl+H")
        self._add_action(audit_menu, self.tr("Edit my &details"), self.show_details, "Ctrl+D")
        self._add_action(audit_menu, self.tr("&Review answers"), self.show_review, "Ctrl+R")
        self._add_action(audit_menu, self.tr("The policy in &brief"), self.show_brief, "Ctrl+B")
        self._add_action(audit_menu, self.tr("Export actions to ca&lendar (.ics)\u2026"), self.export_calendar)
        audit_menu.addSeparator()
        self._add_action(audit_menu, self.tr("&Earlier audits\u2026"), self._on_earlier_audits_requested)
        self._add_action(audit_menu, self.tr("&This year's audit"), self._on_current_audit_requested)
        self._add_action(audit_menu, self.tr("HR re&gister\u2026"), self.open_hr_window)
        audit_menu.addSeparator()
        self._add_action(audit_menu, self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        data_menu = self.menuBar().addMenu(self.tr("Yo&ur data"))  # Alt+D is "Done", Alt+Y "By when?"
        for action in (
                self._add_action(data_menu, self.tr("&Export my data\u2026"), self._on_export_my_data_requested),
                self._add_action(data_menu, self.tr("De&lete my data\u2026"), self._on_delete_my_data_requested)):
            action.setEnabled(self._data_folder is not None)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self._add_action(help_menu, self.tr("&About"), self._on_about_requested)

    def _add_action(self, menu, text, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            # setShortcuts, not setShortcut: the latter's overloads make PySide6 build the Qt
            # namespace (see app.ui.qt_property), some 50 ms before the first paint.
            action.setShortcuts([QKeySequence(shortcut)])
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _on_earlier_audits_requested(self) -> None:
        current_id = self.session.audit.id if self.session.audit else None
        earlier = [s for s in self.session.summaries() if s.id != current_id]
        chosen = dialogs.choose_earlier_audit(self, earlier)
        if chosen is not None:
            self.open_earlier(chosen)

    def _on_current_audit_requested(self) -> None:
        self.session.open_current()
        self.banner.hide()
        self._update_title()
        self._update_save_label()
        self._show_audit_or_start()

    def _on_about_requested(self) -> None:
        dialogs.show_about(self, __version__)

    def _on_export_my_data_requested(self) -> None:
        from app.ui import data_rights_dialogs

        self._flush_typing()
        if not self.session.read_only:
            self.session.retry_pending()  # the export reads the database: what is typed goes in first
        data_rights_dialogs.export_my_data(self, self._data_folder, self._open_url)

    def _on_delete_my_data_requested(self) -> None:
        from app.ui import data_rights_dialogs

        if data_rights_dialogs.delete_my_data(self, self._data_folder, let_go=self._let_go_of_data):
            self.data_deleted = True
            self.close()  # a fresh start is the next launch: nothing of the old data is left in memory

    def _let_go_of_data(self) -> None:
        """Before deleting: nothing may be saved again, and the database file must be closed."""
        self._retry_timer.stop()
        self.session.save_state.pending.clear()
        self.session.read_only = True
        self.session.repository.close()

    def open_hr_window(self) -> None:
        """HR's register in a window of its own (built now: nothing of it is on the start-up path)."""
        from app.ui.hr.hr_window import HrWindow

        if self.hr_window is None or self.hr_window.register is None:  # none yet, or closed
            self.hr_window = HrWindow(school=self.school, open_url=self._open_url)
        self.hr_window.show()
        self.hr_window.raise_()
        self.hr_window.activateWindow()

    def bring_to_front(self) -> None:
        from PySide6.QtCore import Qt

        self.setWindowState((self.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive)
        self.show()
        self.raise_()
        self.activateWindow()

    def _allow_text_selection(self) -> None:
        # Selectable text is no part of the first screen's look, and costs its first paint
        # some 15 ms: it is switched on once the window is up.
        self._text_selectable = True
        self.banner.allow_text_selection()
        if self._audit_page is not None:
            self._audit_page.item_widget.allow_text_selection()

    # -- Qt events ---------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_painted.emit()

    def closeEvent(self, event) -> None:
        self._flush_typing()
        if not self.session.read_only and self.session.audit is not None:
            self.session.retry_pending()
        if self.session.save_state.all_saved or self.session.read_only or dialogs.confirm_close_unsaved(self):
            event.accept()
        else:
            event.ignore()



