"""A data folder holding this cycle's audit, half answered, as a person would leave it.

    python tests/perf/seed_audit.py FOLDER

Written through the app's own session and store, so the file is exactly what the app writes.
Prints what was written as JSON: the checklist, the item the audit is on (and its check, as
the window shows it), and how many items are answered. The start-up benchmark and
tests/test_startup_imports.py start the app on such a folder.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

CHECKLIST_ID = "model-policy"


def seed(folder: Path) -> dict:
    from app.checklist_files import load_bundled
    from app.core.audit import Answer, Person, Status
    from app.core.checklist import Profile
    from app.session import AuditSession
    from app.store.paths import DATABASE_NAME
    from app.store.repository import AuditRepository

    checklists, problems = load_bundled()
    if problems:
        raise SystemExit("\n".join(map(str, problems)))
    checklist = next(c for c in checklists if c.id == CHECKLIST_ID)
    repository = AuditRepository.open(folder / DATABASE_NAME)
    try:
        session = AuditSession(repository, checklists)
        profile = Profile(platforms=frozenset({"facebook", "instagram", "x"}), answers={"names_school": True})
        session.begin(Person("Alex Example", "a.example@school.example", "Teacher"), checklist.id, profile)
        items = checklist.applicable_items(profile)
        answered = items[: len(items) // 2]
        for item in answered:
            session.set_answer(item.id, Answer(Status.DONE, note="Checked on my phone."))
        current = items[len(answered)]
        session.set_position(current.id)
        assert session.save_state.all_saved, session.save_state
    finally:
        repository.close()
    return {"checklist": checklist.id, "item": current.id, "check": current.check,
            "answered": len(answered), "applicable": len(items)}


if __name__ == "__main__":
    print(json.dumps(seed(Path(sys.argv[1]))))
