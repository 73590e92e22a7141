"""The main window's pages for the yearly cycle and for new starters, kept out of main_window.py.

Home (this cycle, its due date, overdue actions, last cycle), an induction card before each
section, the policy in brief and the knowledge check; and exporting actions to a calendar.
Every page is built on first use, so none of them is on the way to the first paint of an audit
in progress. A mixin of MainWindow: it uses the window's session, stack, banner and pages.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.audit import AuditType, applicable_sections, knowledge_check_applies, knowledge_check_due
from app.core.checklist import Profile
from app.store.errors import StoreError

if TYPE_CHECKING:
    from app.ui.home_page import HomePage
    from app.ui.induction_card import InductionCardPage
    from app.ui.knowledge_check_page import KnowledgeCheckPage
    from app.ui.policy_page import PolicyBriefPage

log = logging.getLogger(__name__)


class YearlyPagesMixin:
    _home_page: HomePage | None = None
    _card_page: InductionCardPage | None = None
    _brief_page: PolicyBriefPage | None = None
    _knowledge_page: KnowledgeCheckPage | None = None

    def _init_yearly(self) -> None:
        self._cards_seen: set[str] = set()  # sections whose induction card was shown in this window
        self._card_item_id: str | None = None  # the item the card leads to
        self._brief_return = None  # the page the brief was opened from
        self._start_from_last_cycle = False

    # -- pages, built on first use -----------------------------------------------------

    @property
    def home_page(self) -> HomePage:
        if self._home_page is None:
            from app.ui.home_page import HomePage

            page = self._home_page = HomePage()
            page.start_requested.connect(self._on_home_page_start_requested)
            page.continue_requested.connect(self._on_home_page_continue_requested)
            page.open_earlier_requested.connect(self.open_earlier)
            self.stack.addWidget(page)
        return self._home_page

    @property
    def card_page(self) -> InductionCardPage:
        if self._card_page is None:
            from app.ui.induction_card import InductionCardPage

            page = self._card_page = InductionCardPage()
            page.continue_requested.connect(self._on_card_page_continue_requested)
            page.brief_requested.connect(self.show_brief)
            self.stack.addWidget(page)
        return self._card_page

    @property
    def brief_page(self) -> PolicyBriefPage:
        if self._brief_page is None:
            from app.ui.policy_page import PolicyBriefPage

            page = self._brief_page = PolicyBriefPage()
            page.back_requested.connect(self._on_brief_page_back_requested)
            self.stack.addWidget(page)
        return self._brief_page

    @property
    def knowledge_page(self) -> KnowledgeCheckPage:
        if self._knowledge_page is None:
            from app.ui.knowledge_check_page import KnowledgeCheckPage

            page = self._knowledge_page = KnowledgeCheckPage()
            page.option_chosen.connect(self._on_knowledge_page_option_chosen)
            page.review_requested.connect(self.show_review)
            page.brief_requested.connect(self.show_brief)
            self.stack.addWidget(page)
        return self._knowledge_page

    # -- home --------------------------------------------------------------------------

    def wants_home_first(self) -> bool:
        """Home comes first when there is something to decide or to see: a new cycle to start with
        last cycle's behind it, or this cycle's audit signed. An audit in progress opens where it was."""
        session = self.session
        if session.viewing_earlier:
            return False
        if session.audit is None:
            return session.previous is not None
        return session.signed

    def show_home(self) -> None:
        session = self.session
        self._flush_typing()
        if session.viewing_earlier:
            self._return_to_current()
        status = session.cycle_status()
        previous = session.previous
        last = next((s for s in session.summaries() if previous is not None and s.id == previous.id), None)
        exports = session.repository.exports(previous.id) if previous is not None else []
        school = session.audit.school if session.audit else (previous.school if previous else "")
        self.home_page.show_home(
            school, status, last, exports[0].signed_at.astimezone().date() if exports else None,
            session.overdue_actions(), session.policy_changed(),
            can_start_from_last=bool(previous and previous.answers and previous.checklist_id in session.checklists
                                     and not session.repository.read_only))
        self.stack.setCurrentWidget(self.home_page)
        self.home_page.focus_main_button()

    def _on_home_page_start_requested(self, from_last_cycle: bool) -> None:
        """The details first, filled in from last cycle's audit: people rarely change school or role."""
        previous = self.session.previous
        self._start_from_last_cycle = from_last_cycle
        self._editing_details = False
        page = self.profile_page
        if previous is not None and previous.checklist_id in self.session.checklists:
            # A new cycle is not an induction: last cycle's new starter is not new any more.
            profile = Profile(previous.profile.platforms, False, previous.profile.answers)
            page.show_details(previous.person, previous.checklist_id, profile, editing=False)
        page.set_editing(False)
        self.stack.setCurrentWidget(page)
        page.name_edit.setFocus()

    def _on_home_page_continue_requested(self) -> None:
        if self.session.signed:
            self.show_review()
        else:
            self._show_audit_or_start()

    def open_earlier(self, audit_id: int) -> None:
        self._flush_typing()
        try:
            self.session.open_earlier(audit_id)
        except StoreError as exc:
            self.banner.show_message(str(exc))
            return
        self.banner.show_message(self.tr("You are looking at an earlier audit. It is read-only: "
                                         "choose Audit \u2192 This year's audit to go back."))
        self._update_title()
        self._update_save_label()
        self._show_audit_or_start()

    def _return_to_current(self) -> None:
        self.session.open_current()
        self.banner.hide()
        self._update_title()
        self._update_save_label()

    # -- induction cards ---------------------------------------------------------------

    def _needs_card(self, section_id: str) -> bool:
        session = self.session
        audit, checklist = session.audit, session.checklist
        if audit is None or checklist is None or session.read_only or audit.audit_type is not AuditType.INDUCTION:
            return False
        section = next((s for s in checklist.sections if s.id == section_id), None)
        if section is None or section.card is None or section_id in self._cards_seen:
            return False
        # A section with an answer was begun past its card: after a restart, resume at the item.
        return not any(item.id in audit.answers for item in section.items)

    def _show_card(self, section_id: str, item_id: str) -> None:
        session = self.session
        sections = applicable_sections(session.checklist, session.audit.profile)
        number = next(n for n, (s, _) in enumerate(sections, 1) if s.id == section_id)
        self._card_item_id = item_id
        self.card_page.show_card(sections[number - 1][0], number, len(sections))
        self.stack.setCurrentWidget(self.card_page)
        self.card_page.continue_button.setFocus()

    def _on_card_page_continue_requested(self) -> None:
        item_id = self._card_item_id
        section = self.session.checklist.section_of(item_id) if item_id else None
        if section is not None:
            self._cards_seen.add(section.id)
            self.show_item(item_id)

    # -- the policy in brief -----------------------------------------------------------

    def show_brief(self) -> None:
        checklist = self.session.checklist or self._checklist_of_previous()
        if checklist is None:
            self.banner.show_message(self.tr("Choose your school first: the policy in brief is your school's."))
            return
        self._flush_typing()
        current = self.stack.currentWidget()
        if current is not self._brief_page:
            self._brief_return = current
        self.brief_page.show_brief(checklist)
        self.stack.setCurrentWidget(self.brief_page)
        self.brief_page.back_button.setFocus()

    def _on_brief_page_back_requested(self) -> None:
        target = self._brief_return
        if target is None or target is self._brief_page:
            self._show_audit_or_start()
            return
        self.stack.setCurrentWidget(target)

    def _checklist_of_previous(self):
        previous = self.session.previous
        return self.session.checklists.get(previous.checklist_id) if previous is not None else None

    # -- the knowledge check -----------------------------------------------------------

    def show_knowledge_check(self) -> None:
        session = self.session
        if session.audit is None or not knowledge_check_applies(session.checklist, session.audit):
            self.show_review()
            return
        self._flush_typing()
        self.knowledge_page.show_check(session.checklist, session.audit.knowledge_answers, session.read_only)
        self.stack.setCurrentWidget(self.knowledge_page)
        self.knowledge_page.focus_first_open_question()

    def _knowledge_check_next(self) -> bool:
        """After the last item: the knowledge check, while a new starter has not finished it."""
        session = self.session
        return not session.read_only and knowledge_check_due(session.checklist, session.audit)

    def _on_knowledge_page_option_chosen(self, question_id: str, option: int) -> None:
        session = self.session
        if session.read_only or question_id in session.audit.knowledge_answers:
            return  # the first answer is the one recorded
        if not session.set_knowledge_answer(question_id, option):
            self._update_save_label()
        self.knowledge_page.show_check(session.checklist, session.audit.knowledge_answers, session.read_only)
        self.knowledge_page.focus_first_open_question()

    # -- actions to a calendar ---------------------------------------------------------

    def export_calendar(self) -> None:
        from app.ui import calendar_dialog

        session = self.session
        self._flush_typing()
        if session.audit is None or not session.calendar_actions():
            self.banner.show_message(self.tr("There are no actions with a date to put in a calendar yet."))
            return
        suggested = Path.home() / f"{session.audit.cycle}_social-media-actions.ics"
        path = calendar_dialog.choose_calendar_path(self, suggested)
        if path is None:
            return
        try:
            count = session.export_calendar(path)
        except OSError as exc:
            log.warning("calendar export failed: %s", type(exc).__name__)
            self.banner.show_message(self.tr("The calendar file could not be saved in {folder} ({error}). "
                                             "Choose another folder, such as Documents.").format(
                folder=path.parent, error=exc.strerror or exc))
            return
        text = (self.tr("1 action is saved in {path}.") if count == 1 else
                self.tr("{count} actions are saved in {path}.")).format(count=count, path=path)
        self.banner.show_message(text + " " + self.tr("Open the file with your calendar to add them."))
