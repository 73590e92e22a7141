"""Hostile input: names and notes in any Unicode, and checklist files that are huge, deeply nested
or whose conditions loop. Typed through the real widgets into the real store, or read through
the same functions the app and `self-audit checklists validate` use."""

from __future__ import annotations

import sqlite3
import sys
import time
import unicodedata
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.checklist_files import MAX_BYTES, validate_files
from app.core.checklist_reader import MAX_COUNTS, read_checklist
from app.core.text_rules import MAX_NAME
from app.resources import checklists_dir
from app.session import AuditSession
from app.store.paths import DATABASE_NAME
from app.store.repository import AuditRepository
from app.ui.main_window import MainWindow

sys.path.insert(0, str(Path(__file__).parent))  # tests/faults, the helpers
from faults.gui import click, type_into  # noqa: E402

TODAY = date(2026, 11, 20)
SCHOOL = "bury-ce"
NFD_NAME = unicodedata.normalize("NFD", "Si\u00e2n \u0174yn-Nguy\u1ec5n")  # typed as letters + combining marks
RTL_NAME = "\u05e9\u05e8\u05d4 \u05db\u05d4\u05df\u200f"  # Hebrew, ending in a right-to-left mark


@pytest.fixture
def window(qtbot, tmp_path, bundled):
    repo = AuditRepository.open(tmp_path / "data" / DATABASE_NAME)
    win = MainWindow(AuditSession(repo, bundled, today=lambda: TODAY), repo.notices)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    repo.close()


def stored_rows(tmp_path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(tmp_path / "data" / DATABASE_NAME)) as conn:
        return conn.execute(sql).fetchall()


def submit_details(qtbot, win: MainWindow, name: str, paste: bool = False) -> None:
    page = win.profile_page
    page.name_edit.clear()
    if paste:  # what a keyboard cannot type arrives by the clipboard
        QApplication.clipboard().setText(name)
        page.name_edit.setFocus()
        page.name_edit.paste()
    else:
        type_into(page.name_edit, name)
    page.staff_id_edit.setText("S1234")
    page.role_combo.setCurrentText("Teacher")
    page.school_combo.setCurrentIndex(page.school_combo.findData(SCHOOL))
    click(qtbot, page.submit_button)


@pytest.mark.gui
def test_a_name_typed_with_combining_marks_is_stored_and_compared_as_nfc(qtbot, window, tmp_path):
    submit_details(qtbot, window, NFD_NAME)
    assert window.session.audit is not None
    nfc = unicodedata.normalize("NFC", NFD_NAME)
    assert stored_rows(tmp_path, "SELECT name FROM audits") == [(nfc,)]
    from app.ui.sign_dialog import same_name

    assert window.session.audit.person.name == nfc  # what is signed and printed is the stored NFC name
    assert same_name(NFD_NAME, nfc) and same_name(nfc, nfc)  # typed either way at signing, it matches


@pytest.mark.gui
@pytest.mark.parametrize("name, says", [
    ("Kai \u202eJones", "changes the direction"),  # RIGHT-TO-LEFT OVERRIDE: "Jones" shown as "senoJ"
    ("Kai \u2067Jones\u2069", "changes the direction"),  # an isolate
    ("Kai\x07Jones", "control character"),
    ("Kai\tJones", "control character"),
    ("K" * 10_000, f"10,000 characters long: the limit is {MAX_NAME}"),
])
def test_a_name_that_cannot_be_signed_honestly_is_refused_with_a_message(qtbot, window, tmp_path, name, says):
    submit_details(qtbot, window, name, paste=True)
    page = window.profile_page
    assert page.name_edit.text() == name  # pasted whole: the field itself lets it through
    assert window.session.audit is None  # nothing started, nothing stored
    assert page.error_label.isVisible() and says in page.error_label.text()
    assert window.stack.currentWidget() is page and page.name_edit.text() == name  # the typing is kept
    assert stored_rows(tmp_path, "SELECT count(*) FROM audits") == [(0,)]


@pytest.mark.gui
def test_right_to_left_names_and_emoji_roles_are_accepted(qtbot, window, tmp_path):
    submit_details(qtbot, window, RTL_NAME)
    assert window.session.audit is not None, window.profile_page.error_label.text()
    assert stored_rows(tmp_path, "SELECT name FROM audits") == [(RTL_NAME,)]


NOTE = ("Line one \u202eevil\u202c\n\tindented, with e\u0301 and \U0001f469\u200d\U0001f3eb \u05e9\u05dc\u05d5\u05dd"
        "\x00\x1b[31m\n")


@pytest.mark.gui
def test_a_10000_character_note_in_any_unicode_is_stored_and_read_back(qtbot, window, tmp_path):
    submit_details(qtbot, window, "Kai Jones")
    item = window.audit_page.item_widget
    item_id = window.session.audit.current_item_id
    long_note = (NOTE * 200)[:10_000]
    item.note_edit.insertPlainText(long_note)  # pasted
    type_into(item.note_edit, " \U0001f44d")
    click(qtbot, item.done_radio)
    item.flush()
    typed = item.note_edit.toPlainText()
    assert window.save_label.text() == "All changes saved"
    expected = unicodedata.normalize("NFC", "".join(c for c in typed if c in "\n\t" or unicodedata.category(c) != "Cc"))
    [(note,)] = stored_rows(tmp_path, f"SELECT note FROM answers WHERE item_id = '{item_id}'")
    assert note == expected and len(note) > 9_000
    assert "\x00" not in note and "\x1b" not in note and "\n\t" in note and "\u202e" in note  # a private note keeps RTL
    repo = window.session.repository
    assert repo.audit(window.session.audit.id).answers[item_id].note == expected


@pytest.mark.gui
def test_what_reaches_the_pdf_loses_controls_and_direction_overrides(qtbot, window, tmp_path):
    submit_details(qtbot, window, "Kai Jones")
    item = window.audit_page.item_widget
    item_id = window.session.audit.current_item_id
    click(qtbot, item.na_radio)
    item.reason_edit.insert("I have no \u202eaccount\u202c\x07 here")
    item.flush()
    assert stored_rows(tmp_path, f"SELECT reason FROM answers WHERE item_id = '{item_id}'") == [
        ("I have no account here",)]


# -- checklist files -----------------------------------------------------------------------

SHIPPED = (checklists_dir() / f"{SCHOOL}.toml").read_text(encoding="utf-8")


def validate(path: Path):
    started = time.perf_counter()
    report = validate_files([path], None, TODAY)
    return report, time.perf_counter() - started


def test_a_huge_checklist_file_is_refused_naming_the_file_and_the_limit(tmp_path):
    path = tmp_path / "huge.toml"
    path.write_text(SHIPPED + "\n# padding\n" + ("# " + "x" * 98 + "\n") * 52_000, encoding="utf-8")  # ~5 MB
    report, _ = validate(path)
    [problem] = report.problems
    assert problem.file == str(path) and f"the limit is {MAX_BYTES:,}" in problem.message


def test_ten_thousand_items_are_refused_naming_the_limit(tmp_path):
    items = "".join(f'[[sections.items]]\nid = "i{n}"\ntopic = "privacy"\ncheck = "c"\nquote = "q"\nclause = "1"\n'
                    for n in range(10_000))
    path = tmp_path / "many.toml"
    path.write_text(SHIPPED + '\n[[sections]]\nid = "extra"\ntitle = "Extra"\n' + items, encoding="utf-8")
    assert path.stat().st_size < MAX_BYTES  # under the size limit: the count limit must catch it
    report, _ = validate(path)
    [problem] = report.problems
    assert problem.file == str(path) and problem.field == "items"
    assert f"at most {MAX_COUNTS['items']:,}" in problem.message and "10,0" in problem.message


@pytest.mark.parametrize("nesting", [
    "x = " + "[" * 10_000 + "]" * 10_000,
    "x = " + "{ a = " * 10_000 + "1" + " }" * 10_000,
    "".join(f"[{'a.' * n}b]\n" for n in range(1, 60)) + "[" + "a." * 9_000 + "z]\n",
])
def test_deeply_nested_toml_is_a_problem_naming_the_file(tmp_path, nesting):
    path = tmp_path / "deep.toml"
    path.write_text(nesting, encoding="utf-8")
    report, _ = validate(path)
    assert report.problems and all(p.file == str(path) for p in report.problems)
    assert any("nested too deeply" in p.message or "not valid TOML" in p.message or "missing" in p.message
               for p in report.problems)


def _with_questions(chain: str) -> str:
    at = SHIPPED.index("[[sections]]")
    return SHIPPED[:at] + chain + SHIPPED[at:]


def test_questions_whose_conditions_loop_name_the_file_the_question_and_the_field(tmp_path):
    chain = "".join(f'[[questions]]\nid = "q{n}"\ntext = "Q{n}?"\nwhen = {{ q{(n + 1) % 60} = true }}\n'
                    for n in range(60))  # q0 -> q1 -> ... -> q59 -> q0
    path = tmp_path / "loop.toml"
    path.write_text(_with_questions(chain), encoding="utf-8")
    report, _ = validate(path)
    loops = [p for p in report.problems if "loop" in p.message]
    assert len(loops) == 1, report.problems
    assert loops[0].file == str(path) and loops[0].field == "when" and loops[0].where.startswith("question 'q")
    assert "'q0'" in loops[0].message and "'q59'" in loops[0].message


def test_a_long_chain_of_conditions_is_read_without_running_out_of_stack(tmp_path):
    """The loop check walks the chain without recursion: 100 questions, each asked after the next."""
    chain = "".join(f'[[questions]]\nid = "q{n}"\ntext = "Q{n}?"\nwhen = {{ q{n + 1} = true }}\n'
                    for n in range(MAX_COUNTS["questions"] - 3))  # the shipped file has two of its own
    chain += f'[[questions]]\nid = "q{MAX_COUNTS["questions"] - 3}"\ntext = "Last?"\n'
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(150)  # far less stack than a recursive walk of 98 questions would need
    try:
        checklist, problems = read_checklist(_with_questions(chain), "chain.toml", TODAY)
    finally:
        sys.setrecursionlimit(limit)
    assert not [p for p in problems if "loop" in p.message or "nested" in p.message]
