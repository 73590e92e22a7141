"""The signed state in the store: a v1 file migrates forward keeping every answer; exports are kept."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timezone

from sqlite_utils import Database

from app.core.audit import Answer, Status
from app.store import migrations, repository
from app.store.repository import AuditRepository, ExportRecord


def _load_store_helpers():
    # the store tests' builders, shared rather than copied
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("store_tests", Path(__file__).with_name("test_store.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.answer_for, module.make_audit, module.raw


answer_for, make_audit, raw = _load_store_helpers()


def _record(audit_id: int, n: int) -> ExportRecord:
    return ExportRecord(audit_id, f"SA-{n}", datetime(2026, 11, 21, 9, n, tzinfo=timezone.utc), "Siân Ŵyn",
                        "AB:CD", f"{n:064x}", f"/home/s/Documents/file-{n}.pdf")


def test_a_version_1_store_migrates_to_the_current_schema_keeping_every_answer(tmp_path):
    path = tmp_path / "self-audit.sqlite3"
    answers = {f"item-{n}": answer_for(n) for n in range(6)}
    with closing(sqlite3.connect(path)) as conn:  # written as the first release wrote it
        db = Database(conn)
        migrations._to_1(db)
        conn.execute("PRAGMA user_version = 1")
        audit_id = db["audits"].insert(repository._audit_row(make_audit())).last_pk
        for item_id, answer in answers.items():
            db["answers"].insert({"audit_id": audit_id, "item_id": item_id, "status": answer.status.value,
                                  "action": answer.action, "due": answer.due.isoformat() if answer.due else None,
                                  "reason": answer.reason, "note": answer.note})
        conn.commit()

    repo = AuditRepository.open(path)
    assert raw(path, "PRAGMA user_version") == [(migrations.SCHEMA_VERSION,)]
    assert repo.audit(audit_id).answers == answers
    assert repo.audit(audit_id).person == make_audit().person
    assert repo.exports(audit_id) == []
    repo.close()


def test_exports_are_kept_in_order_and_complete_the_audit(tmp_path):
    repo = AuditRepository.open(tmp_path / "self-audit.sqlite3")
    audit = repo.create_audit(make_audit())
    repo.save_answer(audit.id, "item-1", Answer(Status.DONE))
    repo.record_export(_record(audit.id, 1))
    repo.record_export(_record(audit.id, 2))
    repo.close()

    reopened = AuditRepository.open(tmp_path / "self-audit.sqlite3")
    assert reopened.exports(audit.id) == [_record(audit.id, 1), _record(audit.id, 2)]
    # the first signing completes the audit; signing again later does not move that date
    assert reopened.audit(audit.id).completed_at == _record(audit.id, 1).signed_at
    reopened.close()
