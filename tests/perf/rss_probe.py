"""Memory after a whole audit, measured in a process of its own.

    python tests/perf/rss_probe.py DATA_FOLDER

Builds the real MainWindow on a real store in DATA_FOLDER, starts an audit through the
session with every platform and every profile question answered yes (so that every item
of the largest shipped checklist applies), then answers each item through the widgets as a
person would: a click on Done, Needs action (typing what, keeping the suggested date) or
Not applicable (typing why), a typed private note, and Next. The last Next opens the
review. Prints one line of JSON: items answered, current resident memory (VmRSS) and its
peak (VmHWM) from /proc/self/status, and ru_maxrss, all in KiB.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.checklist_files import load_bundled
from app.core.audit import Person, overall_progress, signing_blockers
from app.core.checklist import Profile
from app.core.platforms import PLATFORMS
from app.session import AuditSession
from app.store.paths import DATABASE_NAME
from app.store.repository import AuditRepository
from app.ui.main_window import MainWindow


def _status_kib() -> dict[str, int]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def main(folder: Path) -> dict:
    qt = QApplication(["self-audit"])
    repository = AuditRepository.open(folder / DATABASE_NAME)
    checklists, problems = load_bundled()
    assert not problems, problems
    session = AuditSession(repository, checklists)
    everything = {c.id: Profile(platforms=frozenset(PLATFORMS), new_starter=True,
                                answers={q.id: True for q in c.questions}) for c in checklists}
    checklist = max(checklists, key=lambda c: len(c.applicable_items(everything[c.id])))
    session.begin(Person("Alex Example", "a.example@school.example", "Teacher"), checklist.id,
                  everything[checklist.id])
    window = MainWindow(session, list(repository.notices))
    window.resize(1024, 720)
    window.show()
    QTest.qWaitForWindowExposed(window)

    item_widget, total = window.audit_page.item_widget, len(checklist.applicable_items(session.audit.profile))
    for n in range(total):
        if window.stack.currentWidget() is window.card_page:  # a new starter: each section's card first
            QTest.mouseClick(window.card_page.continue_button, Qt.MouseButton.LeftButton)
        assert window.stack.currentWidget() is window.audit_page, f"item {n + 1} of {total} is not on screen"
        radio = (item_widget.done_radio, item_widget.action_radio, item_widget.na_radio)[n % 3]
        # on the round indicator: a click on the far side of a stretched radio button misses it
        QTest.mouseClick(radio, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         QPoint(radio.height() // 2, radio.height() // 2))
        if radio is item_widget.action_radio:
            QTest.keyClicks(item_widget.action_edit, "Untag myself from the sports day photos")
        elif radio is item_widget.na_radio:
            QTest.keyClicks(item_widget.reason_edit, "I do not have an account there")
        QTest.keyClicks(item_widget.note_edit, f"Checked item {n + 1} on my phone and my laptop.")
        QTest.mouseClick(window.audit_page.next_button, Qt.MouseButton.LeftButton)
        qt.processEvents()

    assert window.stack.currentWidget() is window.knowledge_page, "a new starter takes the knowledge check"
    for question in session.checklist.knowledge_check:
        window.knowledge_page.option_chosen.emit(question.id, question.correct)
    window.knowledge_page.review_button.click()
    qt.processEvents()

    answered, applicable = overall_progress(session.checklist, session.audit)
    assert (answered, applicable) == (total, total), (answered, applicable)
    assert window.stack.currentWidget() is window.review_page
    assert session.save_state.all_saved
    assert not signing_blockers(checklist, session.audit, session.today()), "every answer is complete"
    assert repository.audit(session.audit.id).answers == session.audit.answers, "and on disk"
    qt.processEvents()
    result = {"checklist": checklist.id, "items": answered, **_status_kib(),
              "ru_maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
    window.close()
    repository.close()
    return result


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
