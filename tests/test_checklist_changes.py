"""When the checklist changes: its new and changed items against what the person last signed."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from cycle_helpers import PERSON, PROFILE, seed_signed_last_cycle  # noqa: E402

from app.core.changes import Change, fingerprints, is_newer, item_changes, item_fingerprint  # noqa: E402
from app.session import AuditSession  # noqa: E402
from app.store.repository import AuditRepository  # noqa: E402

TODAY = date(2026, 11, 20)


def test_new_and_changed_items_against_the_signed_fingerprints(bundled):
    checklist = bundled["model-policy"]
    signed = fingerprints(checklist)
    assert item_changes(checklist, signed) == {}
    del signed["images-tagging"]
    signed["connections-review"] = item_fingerprint(replace(checklist.item("connections-review"), check="Old words."))
    assert item_changes(checklist, signed) == {"images-tagging": Change.NEW, "connections-review": Change.CHANGED}
    assert item_changes(checklist, {}) == {}, "nothing kept (signed before fingerprints): nothing to mark"


def test_a_fingerprint_covers_the_check_the_quote_and_the_clause_only(bundled):
    item = bundled["model-policy"].items[0]
    for field in ("check", "quote", "clause"):
        assert item_fingerprint(replace(item, **{field: "changed"})) != item_fingerprint(item)
    assert item_fingerprint(replace(item, detail="A friendlier explanation.")) == item_fingerprint(item)


def test_versions_compare_as_numbers():
    assert is_newer("2026.2", "2026.1") and is_newer("2026.10", "2026.9") and is_newer("2027", "2026.5")
    assert not is_newer("2026.1", "2026.1") and not is_newer("2026.1", "2026.2") and not is_newer("x", "2026.1")


def test_the_session_marks_what_changed_since_last_signing_and_says_the_policy_changed(tmp_path, bundled):
    checklist = bundled["model-policy"]
    db = tmp_path / "self-audit.sqlite3"
    seed_signed_last_cycle(db, checklist, version="2025.1", changed="connections-review", new="images-tagging")
    repo = AuditRepository.open(db)
    try:
        session = AuditSession(repo, bundled, today=lambda: TODAY)
        assert session.policy_changed(), "2026.1 is newer than the 2025.1 last signed"
        session.begin(PERSON, checklist.id, PROFILE, from_last_cycle=True)
        assert session.item_changes() == {"images-tagging": Change.NEW, "connections-review": Change.CHANGED}
        assert "images-tagging" not in session.audit.answers, "a new item has no answer from last year"
        assert session.audit.answers["connections-review"].to_confirm
    finally:
        repo.close()


def test_same_version_signed_means_no_change(tmp_path, bundled):
    checklist = bundled["bury-ce"]
    db = tmp_path / "self-audit.sqlite3"
    seed_signed_last_cycle(db, checklist)
    repo = AuditRepository.open(db)
    try:
        session = AuditSession(repo, bundled, today=lambda: TODAY)
        session.begin(PERSON, checklist.id, PROFILE)
        assert not session.policy_changed() and session.item_changes() == {}
    finally:
        repo.close()
