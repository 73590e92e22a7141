"""HR's window driven like a person would: real signed PDFs, a real register file, real widgets."""

from __future__ import annotations

import random
import shutil
import subprocess
import time
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QLabel, QToolBar

from app.checklist_files import load_bundled
from app.demo import DemoPerson, completed_audit, make_demo
from app.core.audit import Person
from app.hr.register import Register
from app.ui.hr import hr_dialogs
from app.ui.hr.hr_window import HrWindow
from app.ui.hr.register_rows import Category, RowState
from app.ui.hr.register_table_model import COLUMNS

TODAY = date(2026, 11, 20)
CYCLE = "2026-27"
SCHOOL = "model-policy"
pytestmark = pytest.mark.gui


def sign(folder: Path, checklist, person: Person, identity, today: date = TODAY, seed: int = 1,
         with_actions: bool = False) -> Path:
    """A confirmation signed with `identity`, as the app writes it, into `folder`."""
    from app.export import prepare, run_export

    sample = DemoPerson(person, new_starter=False, platforms=("facebook",), with_actions=with_actions)
    audit = completed_audit(checklist, sample, today, random.Random(seed))
    folder.mkdir(parents=True, exist_ok=True)
    return run_export(prepare(checklist, audit, folder, replace_existing=True), lambda: identity).path


@pytest.fixture(scope="module")
def checklist():
    return next(c for c in load_bundled(TODAY)[0] if c.id == SCHOOL)


@pytest.fixture(scope="module")
def inbox(tmp_path_factory, checklist) -> Path:
    """Four good confirmations (make_demo), a copy sent twice, one key changed, one for last year,
    a tampered copy, a .pdf that is no PDF and a file that is not a PDF at all."""
    from app.signing.identity import create_self_signed

    folder = tmp_path_factory.mktemp("hr") / "inbox"
    make_demo(folder, 4, checklist, today=TODAY, report=lambda *_: None)
    twice = Person("Grace Mensah", "S2001", "Office manager")
    twice_key = create_self_signed(twice.name, twice.staff_id, checklist.school)
    changed = Person("Hannah Williams", "S2002", "Class teacher")
    last_year = Person("Tom Smith", "S2003", "Site manager")
    sign(folder, checklist, twice, twice_key, with_actions=True)
    sign(folder, checklist, changed, create_self_signed(changed.name, changed.staff_id, checklist.school))
    sign(folder / "2025", checklist, last_year, create_self_signed(last_year.name, last_year.staff_id,
                                                                   checklist.school), today=date(2025, 11, 20))
    time.sleep(1.1)  # the signer's clock says which is the later copy; it counts in whole seconds
    sign(folder / "resent", checklist, twice, twice_key, seed=2, with_actions=True)
    sign(folder / "new laptop", checklist, changed, create_self_signed(changed.name, changed.staff_id,
                                                                       checklist.school))
    original = next(folder.glob("*Dvorak*")) if any(folder.glob("*Dvorak*")) else sorted(folder.glob("*.pdf"))[0]
    data = bytearray(original.read_bytes())
    data += b"\n% changed after signing\n"
    (folder / "tampered").mkdir()
    (folder / "tampered" / original.name).write_bytes(bytes(data))
    (folder / "scan.pdf").write_text("This is a scan, not a PDF.\n")
    (folder / "covering note.txt").write_text("Please find attached.\n")
    return folder


@pytest.fixture
def roster_csv(tmp_path) -> Path:
    path = tmp_path / "staff.csv"
    path.write_text(
        "Staff ID,Forename,Surname,Email,Role\n"
        "sian.1@school.example,Siân Ŵyn,Jones,sian@school.example,Teaching assistant\n"
        "S1002,Łucja,Wójcik,lucja@school.example,Science technician\n"
        "S1003,Nguyễn Thị Minh,Khai,khai@school.example,Teaching assistant\n"
        "sean.4@school.example,Seán,Ó Briain,sean@school.example,Deputy headteacher\n"
        "S2001,Grace,Mensah,grace@school.example,Office manager\n"
        "S2002,Hannah,Williams,hannah@school.example,Class teacher\n"
        "S2003,Tom,Smith,tom@school.example,Site manager\n"
        "S3001,Eilidh,MacLeod,eilidh@school.example,Lunchtime supervisor\n"
        "S3002,Rhodri,Evans,,Cover supervisor\n", encoding="utf-8")
    return path


@pytest.fixture
def open_hr(qtbot, tmp_path):
    opened: list[HrWindow] = []

    def make(register: Path | None = None, **kwargs) -> HrWindow:
        urls = kwargs.pop("urls", None)
        if urls is not None:
            kwargs["open_url"] = lambda url: urls.append(url) or True
        today = kwargs.pop("today", TODAY)
        window = HrWindow(register or tmp_path / "hr" / "register.sqlite3", today=lambda: today,
                          settings=QSettings(str(tmp_path / "hr-settings.ini"), QSettings.Format.IniFormat), **kwargs)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        opened.append(window)
        return window

    yield make
    for window in opened:
        window.close()


def toolbar_button(window: HrWindow, action):
    return window.findChild(QToolBar).widgetForAction(action)


def collect(qtbot, window: HrWindow, folder: Path, monkeypatch, button=None):
    """Collect through the real toolbar button, with the folder picker answering `folder`."""
    monkeypatch.setattr(hr_dialogs, "choose_folder", lambda parent, start: folder)
    with qtbot.waitSignal(window.collect_finished, timeout=180_000) as finished:
        qtbot.mouseClick(toolbar_button(window, button or window.collect_action), Qt.MouseButton.LeftButton)
    return finished.args[0]


def row_of(window: HrWindow, staff_id: str):
    return next(r for r in window.model.rows if r.staff_id == staff_id)


def status_of(window: HrWindow, staff_id: str) -> str:
    return window.model.status_text(row_of(window, staff_id))


def test_collecting_a_folder_shows_each_person_with_what_is_wrong(qtbot, open_hr, inbox, monkeypatch):
    window = open_hr()
    assert not window.collect_again_action.isEnabled()
    result = collect(qtbot, window, inbox, monkeypatch)
    assert not result.cancelled and result.found == 11 and result.checked == 11 and result.ignored == 2  # the note, the demo's staff.csv
    assert not window.progress_row.isVisible() and window.collect_again_action.isEnabled()

    rows = window.model.rows
    assert {r.staff_id for r in rows if r.state is RowState.COMPLETED} == {
        "sian.1@school.example", "S1002", "S1003", "sean.4@school.example", "S2001", "S2002"}
    assert status_of(window, "S1002") == "Valid"
    # sent twice with the same key: the later counts, the earlier is listed
    twice = row_of(window, "S2001")
    assert "resent" in twice.file.record.path and [Path(d.record.path).parent.name for d in twice.duplicates] == [
        "inbox"]
    assert "1 earlier copy sent" in status_of(window, "S2001") and twice.flagged
    # signed again with another key: the first key's file counts, the new one waits for HR
    changed = row_of(window, "S2002")
    assert changed.key_to_confirm is not None and "new laptop" in changed.key_to_confirm.record.path
    assert "Changed key: HR to confirm" in status_of(window, "S2002")
    # last year's confirmation only
    assert row_of(window, "S2003").state is RowState.NEEDS_ATTENTION
    assert status_of(window, "S2003") == "Wrong cycle: sent 2025-26"
    # files that name nobody: the tampered copy and the scan
    unidentified = [r for r in rows if r.state is RowState.UNIDENTIFIED]
    assert sorted(Path(r.file.record.path).parent.name for r in unidentified) == ["inbox", "tampered"]
    assert all(window.model.status_text(r).startswith("Invalid: ") for r in unidentified)
    assert any("not a PDF" in r.file.reason for r in unidentified)
    assert window.summary_label.text().startswith("6 of 7 completed \u00b7 2 with actions outstanding \u00b7 ")

    # the details pane: file, hash, fingerprint, duplicates, actions with due dates
    window.select_staff("S2001")
    details = window.details.browser.toPlainText()
    record = twice.file.record
    assert record.path in details and record.sha256 in details and record.fingerprint in details
    assert "Duplicate" in details and "the latest" in details
    assert all(a.text in details for a in record.actions)
    assert window.details.open_button.isEnabled() and not window.details.accept_button.isEnabled()


def test_filters_search_and_sorting(qtbot, open_hr, inbox, monkeypatch, roster_csv):
    window = open_hr()
    collect(qtbot, window, inbox, monkeypatch)
    window.import_roster(roster_csv)
    qtbot.keyClicks(window.search_edit, "mensah")
    assert [r.staff_id for r in window.visible_rows()] == ["S2001"]
    window.search_edit.clear()
    qtbot.keyClicks(window.search_edit, "s100")
    assert {r.staff_id for r in window.visible_rows()} == {"S1002", "S1003"}
    window.search_edit.clear()

    window.set_category(Category.MISSING)
    assert {r.staff_id for r in window.visible_rows()} == {"S3001", "S3002"}
    window.set_category(Category.FLAGGED)
    assert {r.staff_id for r in window.visible_rows() if r.staff_id} == {"S2001", "S2002", "S2003"}
    window.set_category(Category.ACTIONS)
    assert all(r.actions for r in window.visible_rows()) and "S2001" in {r.staff_id for r in window.visible_rows()}
    window.set_category(Category.COMPLETED)
    assert len(window.visible_rows()) == 6
    window.set_category(Category.ALL)

    window.table.sortByColumn(COLUMNS.index("status"), Qt.SortOrder.AscendingOrder)  # status: problems first
    states = [r.state for r in window.visible_rows()]
    assert states[0] is RowState.UNIDENTIFIED and states[-1] is RowState.COMPLETED
    window.table.sortByColumn(COLUMNS.index("staff_id"), Qt.SortOrder.DescendingOrder)
    ids = [r.staff_id for r in window.visible_rows() if r.staff_id]
    assert ids == sorted(ids, key=str.casefold, reverse=True)


def test_the_staff_list_shows_who_is_missing_and_remind_copies_their_addresses(
        qtbot, open_hr, inbox, monkeypatch, roster_csv):
    urls = []
    window = open_hr(urls=urls)
    collect(qtbot, window, inbox, monkeypatch)
    assert not window.remind_action.isEnabled()  # without the staff list, no one is known to be missing
    monkeypatch.setattr(hr_dialogs, "choose_roster", lambda parent, start: roster_csv)
    qtbot.mouseClick(toolbar_button(window, window.roster_action), Qt.MouseButton.LeftButton)
    assert "Imported 9 staff from staff.csv" in window.banner.label.text()

    assert row_of(window, "S3001").state is RowState.MISSING and status_of(window, "S3001") == "Missing"
    assert window.summary_label.text() == ("6 of 9 completed \u00b7 2 with actions outstanding \u00b7 "
                                           "5 flagged \u00b7 2 missing")
    window.select_staff("S3001")
    assert "No confirmation for 2026-27" in window.details.browser.toPlainText()

    qtbot.mouseClick(toolbar_button(window, window.remind_action), Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == "eilidh@school.example"
    assert "No address for: Rhodri Evans" in window.banner.label.text()
    assert window.banner.action_button.isVisible()
    qtbot.mouseClick(window.banner.action_button, Qt.MouseButton.LeftButton)
    url = urls[-1]
    assert url.scheme() == "mailto"
    query = parse_qs(urlsplit(bytes(url.toEncoded()).decode()).query)
    assert query["bcc"] == ["eilidh@school.example"] and CYCLE in query["subject"][0]
    window.mail_action.trigger()
    assert len(urls) == 2 and urls[1] == urls[0]


def test_a_changed_key_is_accepted_only_after_hr_confirms_it(qtbot, open_hr, inbox, monkeypatch):
    window = open_hr()
    collect(qtbot, window, inbox, monkeypatch)
    window.select_staff("S2002")
    assert window.details.accept_button.isEnabled() and window.accept_key_action.isEnabled()
    asked = []
    monkeypatch.setattr(hr_dialogs, "confirm_accept_key", lambda parent, *args: asked.append(args) or False)
    qtbot.mouseClick(window.details.accept_button, Qt.MouseButton.LeftButton)
    assert "different key from the first one seen" in asked[0][3]
    assert row_of(window, "S2002").key_to_confirm is not None  # refused: nothing changed

    monkeypatch.setattr(hr_dialogs, "confirm_accept_key", lambda parent, *args: True)
    window.accept_key_action.trigger()
    row = row_of(window, "S2002")
    assert row.key_to_confirm is None and "new laptop" in row.file.record.path
    assert [Path(d.record.path).parent.name for d in row.duplicates] == ["inbox"]
    with Register.open(window.register.path) as register:
        assert {k.source.value for k in register.keys() if k.staff_id == "S2002"} == {"first-seen", "hr-accepted"}


def test_known_keys_are_entered_and_a_file_signed_otherwise_is_flagged(qtbot, open_hr, inbox, monkeypatch):
    window = open_hr()
    window.keys_action.trigger()
    dialog = window.key_dialog
    qtbot.keyClicks(dialog.staff_id_edit, "S1002")
    qtbot.keyClicks(dialog.fingerprint_edit, "not a fingerprint")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.isVisible() and "is not a key fingerprint" in dialog.error_label.text()
    dialog.fingerprint_edit.clear()
    qtbot.keyClicks(dialog.fingerprint_edit, "ab" * 32)
    qtbot.keyClicks(dialog.note_edit, "noted at induction")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert not dialog.error_label.isVisible() and dialog.table.rowCount() == 1
    assert dialog.table.item(0, 1).text() == ":".join(["AB"] * 32)
    dialog.reject()

    collect(qtbot, window, inbox, monkeypatch)
    assert status_of(window, "S1002") == "Unknown key: HR to confirm"
    assert "HR entered ABABABAB" in row_of(window, "S1002").file.reason


def test_collect_again_checks_only_new_or_changed_files(qtbot, open_hr, inbox, monkeypatch, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(inbox, folder)
    window = open_hr()
    collect(qtbot, window, folder, monkeypatch)
    (folder / "scan.pdf").unlink()
    result = collect(qtbot, window, folder, monkeypatch, button=window.collect_again_action)
    assert (result.checked, result.unchanged, result.removed) == (0, 10, 1)
    assert "10 unchanged" in window.banner.label.text()
    assert sum(r.state is RowState.UNIDENTIFIED for r in window.model.rows) == 1


def test_cancel_midway_keeps_what_was_checked(qtbot, open_hr, inbox, monkeypatch, tmp_path):
    folder = tmp_path / "many"
    good = sorted(inbox.glob("*.pdf"))[0]
    for n in range(24):
        target = folder / f"{n:02d}" / good.name
        target.parent.mkdir(parents=True)
        target.write_bytes(good.read_bytes() + b"\n" * n)  # changed after signing, each its own hash
    window = open_hr(collect_options={"workers": 1})
    clicked = []

    def cancel_after_first(done, total):
        if done >= 1 and not clicked:
            clicked.append(done)
            qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)

    monkeypatch.setattr(hr_dialogs, "choose_folder", lambda parent, start: folder)
    with qtbot.waitSignal(window.collect_started):
        window.collect_action.trigger()
    assert window.progress_row.isVisible() and window.cancel_button.isEnabled()
    assert not window.collect_action.isEnabled() and not window.roster_action.isEnabled()
    window.progress_changed.connect(cancel_after_first)
    with qtbot.waitSignal(window.collect_finished, timeout=180_000) as finished:
        pass
    result = finished.args[0]
    assert result.cancelled and 1 <= result.checked < 24
    assert "cancelled after" in window.banner.label.text()
    with Register.open(window.register.path) as register:
        kept = len(register.files())
    assert kept == result.checked
    result = collect(qtbot, window, folder, monkeypatch, button=window.collect_again_action)
    assert not result.cancelled and result.checked == 24 - kept and result.unchanged == kept


def test_a_folder_that_cannot_be_collected_says_why(qtbot, open_hr, monkeypatch, tmp_path):
    window = open_hr()
    monkeypatch.setattr(hr_dialogs, "choose_folder", lambda parent, start: tmp_path / "nowhere")
    with qtbot.waitSignal(window.collect_failed, timeout=60_000) as failed:
        window.collect_action.trigger()
    assert "was not found" in failed.args[0] and "was not found" in window.banner.label.text()
    assert window.collect_action.isEnabled()


def test_every_action_has_a_unique_mnemonic_and_a_shortcut(qtbot, open_hr):
    window = open_hr()
    for menu in (a.menu() for a in window.menuBar().actions()):
        letters = [a.text().split("&")[1][0].lower() for a in menu.actions() if not a.isSeparator()]
        assert len(letters) == len(set(letters)), [a.text() for a in menu.actions()]
    menus = [a.text().split("&")[1][0].lower() for a in window.menuBar().actions()]
    labels = [w.text().split("&")[1][0].lower() for w in window.findChildren(QLabel) if "&" in w.text()]
    buttons = [b.text().split("&")[1][0].lower() for b in (
        window.cancel_button, window.details.open_button, window.details.folder_button, window.details.accept_button)]
    together = menus + labels + buttons
    assert len(together) == len(set(together)), together
    actions = [window.collect_action, window.collect_again_action, window.roster_action, window.csv_action,
               window.pdf_action, window.remind_action, window.mail_action, window.keys_action,
               window.accept_key_action]
    assert all(a.shortcuts() for a in actions)
    for widget in (window.search_edit, window.cycle_combo, window.category_combo, window.table,
                   window.details.browser, window.progress_bar, window.cancel_button):
        assert widget.accessibleName(), widget


def test_the_table_model_passes_qt_model_checks(qtbot, qtmodeltester, open_hr, inbox, monkeypatch):
    window = open_hr()
    collect(qtbot, window, inbox, monkeypatch)
    qtmodeltester.check(window.model)
    qtmodeltester.check(window.proxy)


def test_the_tampered_copy_fails_pdfsig_as_well(inbox):
    tampered = next((inbox / "tampered").glob("*.pdf"))
    out = subprocess.run(["pdfsig", str(tampered)], capture_output=True, text=True).stdout
    assert "Total document signed" not in out


def test_csv_export_reads_back_and_the_summary_is_one_page(qtbot, open_hr, inbox, monkeypatch, roster_csv, tmp_path):
    import csv

    window = open_hr()
    assert not window.csv_action.isEnabled()
    collect(qtbot, window, inbox, monkeypatch)
    window.import_roster(roster_csv)
    target = tmp_path / "out" / "register.csv"
    monkeypatch.setattr(hr_dialogs, "choose_save_path", lambda parent, title, suggested, kind: target)
    qtbot.mouseClick(toolbar_button(window, window.csv_action), Qt.MouseButton.LeftButton)
    assert f"in {target}" in window.banner.label.text()
    rows = list(csv.DictReader(target.read_text("utf-8-sig").splitlines()))
    assert len(rows) == 11
    by_name = {Path(r["file"]).relative_to(inbox).as_posix(): r for r in rows}
    assert by_name["scan.pdf"]["status"] == "not-pdf"
    assert {r["status"] for k, r in by_name.items() if k.startswith("tampered/")} == {"not-whole-file"}
    assert {r["status"] for k, r in by_name.items() if "Mensah" in k} == {"valid", "duplicate"}
    assert {r["status"] for k, r in by_name.items() if k.startswith("2025/")} == {"wrong-cycle"}

    summary = tmp_path / "out" / "summary.pdf"
    monkeypatch.setattr(hr_dialogs, "choose_save_path", lambda parent, title, suggested, kind: summary)
    qtbot.mouseClick(toolbar_button(window, window.pdf_action), Qt.MouseButton.LeftButton)
    assert "Saved the summary" in window.banner.label.text()
    info = subprocess.run(["pdfinfo", str(summary)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info
    text = subprocess.run(["pdftotext", str(summary), "-"], capture_output=True, text=True, check=True).stdout
    assert CYCLE in text


def test_an_output_that_cannot_be_saved_says_why(qtbot, open_hr, inbox, monkeypatch, tmp_path):
    window = open_hr()
    collect(qtbot, window, inbox, monkeypatch)
    blocker = tmp_path / "a file"
    blocker.write_text("")
    assert not window.export_csv(blocker / "register.csv")
    assert "could not be saved" in window.banner.label.text()


def test_the_main_windows_menu_and_start_page_open_the_register(qtbot, data_dir, tmp_path):
    from PySide6.QtWidgets import QMenu

    from app.session import AuditSession
    from app.store.repository import AuditRepository
    from app.ui.main_window import MainWindow

    repo = AuditRepository.open(tmp_path / "staff.sqlite3")
    try:
        window = MainWindow(AuditSession(repo, load_bundled(TODAY)[0], today=lambda: TODAY))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        audit_menu = window.menuBar().actions()[0].menu()
        entry = next(a for a in audit_menu.actions() if a.text() == "HR re&gister\u2026")
        entry.trigger()
        hr = window.hr_window
        qtbot.addWidget(hr)
        assert isinstance(hr, HrWindow) and hr.isVisible()
        assert hr.register.path == data_dir / "hr-register.sqlite3"
        hr.close()
        # a first launch shows the details page: HR need not start an audit to reach the register
        assert window.stack.currentWidget() is window.profile_page
        qtbot.mouseClick(window.profile_page.hr_button, Qt.MouseButton.LeftButton)
        assert window.hr_window is not hr and window.hr_window.isVisible()
        qtbot.addWidget(window.hr_window)
        window.hr_window.close()
        assert isinstance(audit_menu, QMenu)
    finally:
        repo.close()


def _launch(args: list[str], tmp_path: Path, **env) -> subprocess.CompletedProcess:
    import os
    import sys

    environment = dict(os.environ, SELF_AUDIT_DATA_DIR=str(tmp_path / "data"), SELF_AUDIT_EXIT_AFTER_PAINT="1",
                       **env)
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=120,
                          env=environment, cwd=Path(__file__).resolve().parents[1])


def test_hr_only_mode_opens_the_register_instead_of_an_audit(tmp_path):
    config = tmp_path / "school.toml"
    config.write_text('hr_only = true\n\n[school]\nname = "Ysgol Aberdyfi"\n', encoding="utf-8")
    done = _launch([], tmp_path, SELF_AUDIT_SCHOOL_CONFIG=str(config))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "data" / "hr-register.sqlite3").is_file()
    assert not any((tmp_path / "data").glob("self-audit*.sqlite3")), "HR's copy made a staff store"


def test_self_audit_hr_with_no_action_opens_the_register(tmp_path):
    done = _launch(["hr"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "data" / "hr-register.sqlite3").is_file()


def test_overdue_actions_are_flagged_and_marked(qtbot, open_hr, inbox, monkeypatch, tmp_path):
    urls = []
    window = open_hr(urls=urls, today=date(2027, 3, 1))  # the same files, judged months later
    collect(qtbot, window, inbox, monkeypatch)
    window.select_staff("S2001")
    assert "Valid, flagged: actions overdue" in status_of(window, "S2001")
    assert "(2 overdue)" in window.model.index(window.model.rows.index(row_of(window, "S2001")), COLUMNS.index("actions")).data()
    details = window.details.browser.toPlainText()
    assert details.count("(overdue)") == 2 and "2 actions overdue" in details
    qtbot.mouseClick(window.details.open_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.details.folder_button, Qt.MouseButton.LeftButton)
    assert [u.toLocalFile() for u in urls] == [row_of(window, "S2001").file.record.path,
                                               str(inbox / "resent")]
