"""HR's window: collect a folder of signed confirmations into the register and see who is missing.

Opened from the staff window's menu, from the start page, by `self-audit hr`, or instead of the
audit when the school configuration says hr_only. The register is HR's own SQLite file
(app.hr.register); the rules are app.hr's; this window shows them and routes HR's intents.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMainWindow, QProgressBar,
    QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget,
)

from app.core.cycle import CycleRules
from app.hr.records import KeySource
from app.hr.register import Register, RegisterError
from app.store.paths import data_dir
from app.ui.hr import hr_dialogs
from app.ui.hr.collect_worker import CollectWorker
from app.ui.hr.details_pane import RegisterDetailsWidget, folder_of
from app.ui.hr.register_rows import Category, RegisterRow, Summary, missing_without_email, rows_of, summarise
from app.ui.hr.register_table_model import COLUMNS, ROW_ROLE, RegisterFilterModel, RegisterTableModel
from app.ui.main_window import BannerWidget
from app.ui.style import STYLE_SHEET

log = logging.getLogger(__name__)
SETTINGS_FOLDER = "hr/collect_folder"
SETTINGS_ROSTER = "hr/roster_folder"
SETTINGS_OUTPUT = "hr/output_folder"
MAILTO_MAX = 2000  # characters: some mail programs (and Windows) cut longer mailto: links


class HrWindow(QMainWindow):
    """The register for one cycle at a time; collecting runs on a worker thread."""

    collect_started = Signal()
    progress_changed = Signal(int, int)  # files checked, of how many: the worker's, on the GUI thread
    collect_finished = Signal(object)  # the CollectResult
    collect_failed = Signal(str)
    register_changed = Signal()  # the rows shown were rebuilt

    def __init__(self, register_path: Path | None = None, *, school=None, today: Callable[[], date] = date.today,
                 open_url=QDesktopServices.openUrl, current_versions: Mapping[str, str] | None = None,
                 collect_options: dict | None = None, settings: QSettings | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.school = school  # app.core.school_config.SchoolConfig, or None
        self._today = today
        self._open_url = open_url
        self._versions = dict(current_versions) if current_versions is not None else None
        self._collect_options = dict(collect_options or {})
        # Where HR last looked, kept in the data folder (owner-only, removed by 'Delete my data'),
        # not in a per-user registry or ~/.config file the app would not know to remove.
        self._settings = settings if settings is not None else QSettings(
            str(data_dir() / "hr-window.ini"), QSettings.Format.IniFormat)
        self._worker: CollectWorker | None = None
        self._outcome = None  # what the worker reported: a CollectResult or a message
        self._folder: Path | None = None
        self._cycle_rules: CycleRules = school.cycle_rules if school is not None else CycleRules()
        self.register: Register | None = None
        self.view = None  # the RegisterView shown
        self.setWindowTitle(self.tr("HR register \u2014 Staff Social Media Self-Audit"))
        self.setMinimumSize(760, 520)

        self.model = RegisterTableModel(self)
        self.proxy = RegisterFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self._build_actions()
        self._build_body()
        self._build_menus()
        self.setStyleSheet(STYLE_SHEET)
        self._open_register(register_path)

    # -- building -----------------------------------------------------------------------

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcuts([QKeySequence(shortcut)])
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        t = self.tr
        self.collect_action = self._action(t("&Collect folder\u2026"), self._on_collect_action_triggered, "Ctrl+O",
                                           t("Choose the folder the signed PDFs are in and check every one"))
        self.collect_again_action = self._action(t("Collect &again"), self._on_collect_again_action_triggered, "F5",
                                                 t("Check only the files that are new or changed since last time"))
        self.roster_action = self._action(t("&Import staff list\u2026"), self._on_roster_action_triggered, "Ctrl+I",
                                          t("Import the staff list (CSV) to see who is missing"))
        self.csv_action = self._action(t("&Export CSV\u2026"), self._on_csv_action_triggered, "Ctrl+E",
                                       t("Save the register as a CSV file that opens in Excel"))
        self.pdf_action = self._action(t("Summary &PDF\u2026"), self._on_pdf_action_triggered, "Ctrl+P",
                                       t("A one-page summary for the head teacher"))
        self.remind_action = self._action(t("&Remind missing staff"), self._on_remind_action_triggered, "Ctrl+M",
                                          t("Copy the email addresses of everyone missing"))
        self.mail_action = self._action(t("Open &mail to missing staff"), self.open_mail_to_missing, "Ctrl+Shift+M",
                                        t("Open a new email with everyone missing in BCC"))
        self.keys_action = self._action(t("&Known keys\u2026"), self._on_keys_action_triggered, "Ctrl+K",
                                        t("See the keys recorded, and enter one you know"))
        self.accept_key_action = self._action(t("&Accept key\u2026"), self._on_accept_key_requested, "Ctrl+Shift+K",
                                              t("Accept the key of the selected, flagged confirmation"))
        self.close_action = self._action(t("C&lose"), self.close, QKeySequence.StandardKey.Close)

    def _build_menus(self) -> None:
        register_menu = self.menuBar().addMenu(self.tr("&Register"))
        for action in (self.collect_action, self.collect_again_action, self.roster_action, None, self.csv_action,
                       self.pdf_action, None, self.close_action):
            register_menu.addSeparator() if action is None else register_menu.addAction(action)
        staff_menu = self.menuBar().addMenu(self.tr("&Staff"))
        for action in (self.remind_action, self.mail_action, None, self.keys_action, self.accept_key_action):
            staff_menu.addSeparator() if action is None else staff_menu.addAction(action)
        toolbar = self.addToolBar(self.tr("Register"))
        toolbar.setObjectName("hrToolbar")
        toolbar.setAccessibleName(self.tr("Register actions"))
        toolbar.setMovable(False)
        for action in (self.collect_action, self.collect_again_action, self.roster_action, None, self.remind_action,
                       self.keys_action, None, self.csv_action, self.pdf_action):
            toolbar.addSeparator() if action is None else toolbar.addAction(action)

    def _build_body(self) -> None:
        t = self.tr
        self.banner = BannerWidget()
        self.banner.action_button.clicked.connect(self.open_mail_to_missing)  # its only use here: "Open mail"
        self.banner.close_button.clicked.connect(self.banner.action_button.hide)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("bannerText")
        self.summary_label.setWordWrap(True)
        self.folder_label = QLabel()
        self.folder_label.setObjectName("quietText")
        self.folder_label.setWordWrap(True)

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(t("Name or staff ID"))
        self.search_edit.setAccessibleName(t("Find by name or staff ID"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.cycle_combo = QComboBox()
        self.cycle_combo.setAccessibleName(t("Cycle"))
        self.cycle_combo.currentIndexChanged.connect(self._on_cycle_combo_current_index_changed)
        self.category_combo = QComboBox()
        self.category_combo.setAccessibleName(t("Show"))
        for category, text in ((Category.ALL, t("All")), (Category.COMPLETED, t("Completed")),
                               (Category.ACTIONS, t("Actions outstanding")), (Category.FLAGGED, t("Flagged")),
                               (Category.MISSING, t("Missing"))):
            self.category_combo.addItem(text, category.value)
        self.category_combo.currentIndexChanged.connect(self._on_category_combo_current_index_changed)
        filters = QHBoxLayout()
        for text, widget, stretch in ((t("&Find:"), self.search_edit, 2), (t("C&ycle:"), self.cycle_combo, 0),
                                      (t("S&how:"), self.category_combo, 0)):
            label = QLabel(text)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget, stretch)
            filters.addSpacing(8)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName(t("Register"))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COLUMNS.index("name"), Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        widths = {"name": 190, "staff_id": 130, "status": 300, "role": 150, "checklist": 140, "signed": 90,
                  "type": 80}
        for column, width in widths.items():
            self.table.setColumnWidth(COLUMNS.index(column), width)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)

        self.details = RegisterDetailsWidget(self.model)
        self.details.open_file_requested.connect(self._on_details_open_file_requested)
        self.details.show_folder_requested.connect(self._on_details_show_folder_requested)
        self.details.accept_key_requested.connect(self._on_accept_key_requested)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        self.progress_bar = QProgressBar()
        self.progress_bar.setAccessibleName(t("Collecting progress"))
        self.progress_label = QLabel()
        self.cancel_button = QPushButton(t("Ca&ncel"))
        self.cancel_button.setAccessibleName(t("Cancel collecting; what was checked is kept"))
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.progress_row = QWidget()
        progress = QHBoxLayout(self.progress_row)
        progress.setContentsMargins(0, 0, 0, 0)
        progress.addWidget(self.progress_label)
        progress.addWidget(self.progress_bar, 1)
        progress.addWidget(self.cancel_button)
        self.progress_row.hide()

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.banner)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.folder_label)
        layout.addLayout(filters)
        layout.addWidget(self.progress_row)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

    def _say(self, text: str, dismissible: bool = True) -> None:
        """A message in the banner; its "Open mail" button only comes with the reminder's."""
        self.banner.action_button.hide()
        self.banner.show_message(text, dismissible)

    # -- the register -------------------------------------------------------------------

    def _open_register(self, path: Path | None) -> None:
        try:
            self.register = Register.open(path)
        except RegisterError as error:
            self._say(str(error), dismissible=False)
            self._update_actions()
            return
        if self.register.notices:
            self._say("\n\n".join(self.register.notices))
        self.statusBar().showMessage(self.tr("Register: %s") % self.register.path)
        remembered = self._settings.value(SETTINGS_FOLDER)
        self._folder = Path(remembered) if remembered else None
        self._fill_cycles()
        self.refresh()

    def current_cycle(self) -> str:
        return self.cycle_combo.currentData() or self._cycle_rules.cycle_for(self._today())

    def _fill_cycles(self) -> None:
        if self.register is None:
            return
        chosen = self.cycle_combo.currentData() or self._cycle_rules.cycle_for(self._today())
        cycles = {r.cycle for r in self.register.files() if r.cycle} | {chosen,
                                                                         self._cycle_rules.cycle_for(self._today())}
        self.cycle_combo.blockSignals(True)
        self.cycle_combo.clear()
        for cycle in sorted(cycles, reverse=True):
            self.cycle_combo.addItem(cycle, cycle)
        self.cycle_combo.setCurrentIndex(self.cycle_combo.findData(chosen))
        self.cycle_combo.blockSignals(False)

    def _current_versions(self) -> dict[str, str]:
        if self._versions is None:
            from app.checklist_files import load_bundled

            self._versions = {c.id: c.version for c in load_bundled(self._today())[0]}
        return self._versions

    def refresh(self) -> None:
        """Judge the register again for the chosen cycle and show it, keeping the selection."""
        if self.register is None:
            return
        selected = self.selected_row()
        try:
            self.view = self.register.view(self.current_cycle(), self._today(), self._current_versions())
        except RegisterError as error:
            self._say(str(error))
            return
        rows = rows_of(self.view)
        self.model.set_rows(rows, self._today())
        self._show_summary(summarise(rows))
        folder = self._folder
        self.folder_label.setText(self.tr("Folder: %s") % folder if folder else self.tr(
            "No folder collected yet: choose \u201cCollect folder\u2026\u201d to check the signed PDFs."))
        if selected is not None:
            self.select_staff(selected.staff_id or selected.name, selected.file.record.path if selected.file else "")
        else:
            self._show_details()
        self._update_actions()
        self.register_changed.emit()

    def _show_summary(self, summary: Summary) -> None:
        if not self.model.rowCount():
            text = self.tr("Nothing collected for {cycle} yet.").format(cycle=self.current_cycle())
            self.summary_label.setText(text)
            self.summary_label.setAccessibleName(text)
            return
        text = self.tr("{completed} of {staff} completed \u00b7 {actions} with actions outstanding \u00b7 "
                       "{flagged} flagged \u00b7 {missing} missing").format(
            completed=summary.completed, staff=summary.staff, actions=summary.with_actions,
            flagged=summary.flagged, missing=summary.missing)
        if self.view is not None and not self.view.has_roster:
            text += " " + self.tr("(import the staff list to see everyone who is missing)")
        self.summary_label.setText(text)
        self.summary_label.setAccessibleName(text)

    def visible_rows(self) -> list[RegisterRow]:
        """The rows as the table shows them: filtered and sorted."""
        return [self.proxy.index(n, 0).data(ROW_ROLE) for n in range(self.proxy.rowCount())]

    def selected_row(self) -> RegisterRow | None:
        index = self.table.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def select_staff(self, key: str, path: str = "") -> bool:
        """Select the row of a staff ID (or a name, for a file that names nobody)."""
        for n in range(self.proxy.rowCount()):
            row: RegisterRow = self.proxy.index(n, 0).data(ROW_ROLE)
            if (row.staff_id or row.name) == key and (row.staff_id or not path or
                                                       (row.file and row.file.record.path == path)):
                self.table.setCurrentIndex(self.proxy.index(n, 0))
                self.table.scrollTo(self.proxy.index(n, 0))
                self._show_details()
                return True
        self._show_details()
        return False

    def _show_details(self) -> None:
        read_only = self.register is None or self.register.read_only
        self.details.show_row(self.selected_row(), self.current_cycle(), self._today(), read_only)
        row = self.selected_row()
        self.accept_key_action.setEnabled(bool(row and row.key_to_confirm) and not read_only and not self.collecting)

    def _update_actions(self) -> None:
        usable = self.register is not None
        writable = usable and not self.register.read_only and not self.collecting
        self.collect_action.setEnabled(writable)
        self.collect_again_action.setEnabled(writable and self._folder is not None)
        self.roster_action.setEnabled(writable)
        self.keys_action.setEnabled(usable)
        has_rows = usable and self.model.rowCount() > 0
        self.csv_action.setEnabled(has_rows)
        self.pdf_action.setEnabled(has_rows)
        anyone_missing = any(r.missing for r in self.model.rows)
        self.remind_action.setEnabled(anyone_missing)
        self.mail_action.setEnabled(anyone_missing)
        self._show_details()

    # -- collecting ---------------------------------------------------------------------

    @property
    def collecting(self) -> bool:
        return self._worker is not None

    def collect_folder(self, folder: Path) -> None:
        """Check every new or changed PDF in `folder` and below, on a worker thread."""
        if self.register is None or self.collecting:
            return
        self._folder = Path(folder)
        self._settings.setValue(SETTINGS_FOLDER, str(self._folder))
        worker = self._worker = CollectWorker(self._folder, self.register.path, self._collect_options)
        worker.progress_changed.connect(self._on_worker_progress_changed)
        worker.collect_finished.connect(self._on_worker_collect_finished)
        worker.collect_failed.connect(self._on_worker_collect_failed)
        worker.thread.finished.connect(self._on_worker_thread_finished)
        self.progress_bar.setRange(0, 0)  # busy until the files are found and hashed
        self.progress_label.setText(self.tr("Looking for new and changed files\u2026"))
        self.cancel_button.setEnabled(True)
        self.progress_row.show()
        self.banner.hide()
        self._update_actions()
        self.collect_started.emit()
        worker.start()

    def cancel_collect(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText(self.tr("Stopping\u2026"))

    def _on_collect_action_triggered(self) -> None:
        folder = hr_dialogs.choose_folder(self, self._folder)
        if folder is not None:
            self.collect_folder(folder)

    def _on_collect_again_action_triggered(self) -> None:
        if self._folder is not None:
            self.collect_folder(self._folder)

    def _on_cancel_button_clicked(self) -> None:
        self.cancel_collect()

    def _on_worker_progress_changed(self, done: int, total: int) -> None:
        if self._worker is None or self._worker.cancelling:
            return
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done if total else 1)
        self.progress_label.setText(self.tr("Checked {done} of {total} new or changed files").format(
            done=done, total=total))
        self.progress_changed.emit(done, total)

    def _on_worker_collect_finished(self, result) -> None:
        self._outcome = result  # shown once the thread has ended, so the window is idle again by then

    def _on_worker_collect_failed(self, message: str) -> None:
        self._outcome = message

    def _on_worker_thread_finished(self) -> None:
        worker, self._worker = self._worker, None
        outcome, self._outcome = self._outcome, None
        if worker is not None:
            worker.thread.deleteLater()
            worker.deleteLater()
        self.progress_row.hide()
        if self.register is None:  # the window closed meanwhile
            return
        self._fill_cycles()
        self.refresh()
        if isinstance(outcome, str) or outcome is None:
            message = outcome or self.tr("Collecting stopped without a result. Collect again to carry on.")
            self._say(message)
            self.collect_failed.emit(message)
        else:
            self._say(self._collected_text(outcome))
            self.collect_finished.emit(outcome)

    def _collected_text(self, result) -> str:
        if result.cancelled:
            return self.tr("Collecting was cancelled after {checked} file(s); they are kept. Choose "
                           "\u201cCollect again\u201d to check the rest.").format(checked=result.checked)
        text = self.tr("Collected {folder}: {found} PDF file(s), {checked} checked now, {unchanged} unchanged"
                       ).format(folder=result.folder, found=result.found, checked=result.checked,
                                unchanged=result.unchanged)
        if result.reused:
            text += self.tr(", %d moved or copied") % result.reused
        if result.removed:
            text += self.tr(", %d no longer in the folder") % result.removed
        if result.ignored:
            text += self.tr(", %d other file(s) ignored") % result.ignored
        return text + "."

    # -- filters ------------------------------------------------------------------------

    def _on_search_edit_text_changed(self, text: str) -> None:
        self.proxy.set_text(text)
        self._show_details()

    def _on_category_combo_current_index_changed(self, _index: int) -> None:
        self.proxy.set_category(Category(self.category_combo.currentData()))
        self._show_details()

    def set_category(self, category: Category) -> None:
        self.category_combo.setCurrentIndex(self.category_combo.findData(category.value))

    def _on_cycle_combo_current_index_changed(self, _index: int) -> None:
        self.refresh()

    def _on_table_current_row_changed(self, *_indexes) -> None:
        self._show_details()

    # -- the staff list -----------------------------------------------------------------

    def import_roster(self, path: Path) -> bool:
        """Replace the staff list with the CSV file at `path`; says what was left out."""
        from app.hr.roster import RosterError, read_roster

        try:
            roster = read_roster(path)
            self.register.import_roster(roster)
        except (RosterError, RegisterError) as error:
            self._say(str(error))
            return False
        self._settings.setValue(SETTINGS_ROSTER, str(Path(path).parent))
        self.refresh()
        text = self.tr("Imported {n} staff from {file}.").format(n=len(roster.entries), file=roster.source)
        if roster.problems:
            text += "\n" + self.tr("Left out or incomplete:") + "\n" + "\n".join(
                f"\u2022 {problem}" for problem in roster.problems)
        self._say(text)
        return True

    def _on_roster_action_triggered(self) -> None:
        start = self._settings.value(SETTINGS_ROSTER)
        path = hr_dialogs.choose_roster(self, Path(start) if start else None)
        if path is not None:
            self.import_roster(path)

    # -- reminding ----------------------------------------------------------------------

    def remind_missing(self) -> list[str]:
        """Copy the addresses of everyone missing to the clipboard, and offer a mail to them; returns them."""
        emails = self._missing_addresses()
        without = missing_without_email(self.model.rows)
        if emails:
            QGuiApplication.clipboard().setText("; ".join(emails))
            text = self.tr("{n} email address(es) copied: paste them into the BCC of an email, or open one "
                           "with them in BCC.").format(n=len(emails))
        else:
            text = self.tr("No one who is missing has an email address on the staff list.")
        if without:
            text += " " + self.tr("No address for: %s.") % ", ".join(r.name or r.staff_id for r in without)
        self._say(text)
        if emails:
            button = self.banner.action_button
            button.setText(self.tr("Open &mail"))
            button.setAccessibleName(self.tr("Open a new email with everyone missing in BCC"))
            button.show()
        return emails

    def _missing_addresses(self) -> list[str]:
        from app.hr.outputs import remind_addresses

        return remind_addresses(self.view) if self.view is not None else []

    def mailto_url(self, emails: list[str]) -> QUrl:
        from app.hr.outputs import mailto_bcc

        cycle = self.current_cycle()
        link = mailto_bcc(emails, subject=self.tr("Your social media self-audit for %s") % cycle, body=self.tr(
            "Our records show we have not yet received your signed self-audit confirmation for {cycle}. Please "
            "complete it in the Staff Self-Audit app and send the PDF to HR.").format(cycle=cycle))
        return QUrl.fromEncoded(link.encode("ascii"))

    def open_mail_to_missing(self) -> None:
        emails = self._missing_addresses()
        if not emails:
            self._say(self.tr("No one who is missing has an email address on the staff list."))
            return
        url = self.mailto_url(emails)
        if len(url.toEncoded()) > MAILTO_MAX:
            QGuiApplication.clipboard().setText("; ".join(emails))
            self._say(self.tr(
                "{n} addresses are too many for a mail link, which some mail programs cut short. They are "
                "copied: paste them into the BCC of an email.").format(n=len(emails)))
            return
        if not self._open_url(url):
            QGuiApplication.clipboard().setText("; ".join(emails))
            self._say(self.tr(
                "No email program could be opened. The {n} address(es) are copied: paste them into the BCC "
                "of an email.").format(n=len(emails)))

    def _on_remind_action_triggered(self) -> None:
        self.remind_missing()

    # -- keys ---------------------------------------------------------------------------

    def _on_keys_action_triggered(self) -> None:
        from app.ui.hr.key_dialog import KnownKeyDialog

        dialog = KnownKeyDialog(self.register.keys(), self._enter_key, self, read_only=self.register.read_only)
        dialog.key_entered.connect(lambda _staff_id: dialog.show_keys(self.register.keys()))
        dialog.finished.connect(lambda _result: self.refresh())
        self.key_dialog = dialog
        dialog.open()

    def _enter_key(self, staff_id: str, fingerprint: str, note: str) -> None:
        self.register.enter_key(staff_id, fingerprint, KeySource.HR_ENTERED, note=note)

    def _on_accept_key_requested(self) -> None:
        row = self.selected_row()
        flagged = row.key_to_confirm if row else None
        if flagged is None or self.register is None:
            return
        record = flagged.record
        if not hr_dialogs.confirm_accept_key(self, record.name, record.staff_id, record.fingerprint, flagged.reason):
            return
        try:
            self.register.enter_key(record.staff_id, record.fingerprint, KeySource.HR_ACCEPTED,
                                    note=self.tr("accepted by HR for %s") % Path(record.path).name)
        except RegisterError as error:
            self._say(str(error))
            return
        self.refresh()
        self._say(self.tr("The key is accepted for {id}.").format(id=record.staff_id))

    # -- files --------------------------------------------------------------------------

    def _on_details_open_file_requested(self, path: str) -> None:
        if path and not self._open_url(QUrl.fromLocalFile(path)):
            self._say(self.tr("The file could not be opened: %s") % path)

    def _on_details_show_folder_requested(self, path: str) -> None:
        if path and not self._open_url(QUrl.fromLocalFile(folder_of(path))):
            self._say(self.tr("The folder could not be opened: %s") % folder_of(path))

    # -- outputs ------------------------------------------------------------------------

    def _output_path(self, title: str, name: str, file_filter: str) -> Path | None:
        start = self._settings.value(SETTINGS_OUTPUT)
        folder = Path(start) if start else (self._folder or Path.home())
        path = hr_dialogs.choose_save_path(self, title, folder / name, file_filter)
        if path is not None:
            self._settings.setValue(SETTINGS_OUTPUT, str(path.parent))
        return path

    def _on_csv_action_triggered(self) -> None:
        path = self._output_path(self.tr("Export the register"), f"register-{self.current_cycle()}.csv",
                                 self.tr("CSV file (*.csv)"))
        if path is not None:
            self.export_csv(path)

    def _on_pdf_action_triggered(self) -> None:
        path = self._output_path(self.tr("Save the summary"), f"summary-{self.current_cycle()}.pdf",
                                 self.tr("PDF file (*.pdf)"))
        if path is not None:
            self.export_summary(path)

    def export_csv(self, path: Path) -> bool:
        """The register for the cycle as a CSV file that opens in Excel (a row per file)."""
        from app.hr.outputs import OutputError, write_csv

        if self.view is None:
            return False
        try:
            count = write_csv(self.view, path)
        except OutputError as error:
            self._say(str(error))
            return False
        self._say(self.tr("Saved {n} row(s) for {cycle} in {path}.").format(n=count, cycle=self.view.cycle, path=path))
        return True

    def export_summary(self, path: Path) -> bool:
        """The one-page summary for the head teacher, with a chart by department."""
        from app.hr.outputs import OutputError
        from app.hr.summary_pdf import write_summary

        if self.view is None:
            return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # one page: a moment, not a task
        try:
            write_summary(self.view, path, school=self.school.school_name if self.school is not None else "")
        except OutputError as error:
            self._say(str(error))
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._say(self.tr("Saved the summary for {cycle} as {path}.").format(cycle=self.view.cycle, path=path))
        return True

    # -- Qt events ----------------------------------------------------------------------

    def closeEvent(self, event) -> None:
        if self._worker is not None:  # what was checked is recorded; the rest waits for next time
            self._worker.cancel()
            self._worker.wait()
        if self.register is not None:
            self.register.close()
            self.register = None
        super().closeEvent(event)
