"""The store's schema, migrated forward only. `PRAGMA user_version` holds the version.

Each step gets a sqlite-utils `Database`. sqlite-utils is imported only when a step has to
run (a new or older store), never when the store is already up to date: it costs about
0.15-0.2 s of imports that the window's start-up should not pay.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from sqlite_utils import Database


def _to_1(db: Database) -> None:
    db["audits"].create(
        {
            "id": int, "cycle": str, "audit_type": str, "school": str,
            "checklist_id": str, "checklist_version": str, "checklist_sha256": str,
            "name": str, "staff_id": str, "role": str,
            "new_starter": int, "platforms": str, "profile_answers": str,
            "current_item_id": str, "started_at": str, "completed_at": str, "updated_at": str,
        },
        pk="id", not_null={"cycle", "audit_type", "checklist_id", "started_at"},
    )
    db["audits"].create_index(["cycle"])
    db["answers"].create(
        {"audit_id": int, "item_id": str, "status": str, "action": str, "due": str,
         "reason": str, "note": str, "updated_at": str},
        pk=("audit_id", "item_id"), foreign_keys=[("audit_id", "audits", "id")],
    )


def _to_2(db: Database) -> None:
    # One row per signed PDF: a completed audit can be exported again, and HR may ask which
    # file is the latest. The PDF itself is not kept: the person chose where it went.
    db["exports"].create(
        {"id": int, "audit_id": int, "document_id": str, "signed_at": str, "signed_name": str,
         "certificate_fingerprint": str, "pdf_sha256": str, "pdf_path": str},
        pk="id", foreign_keys=[("audit_id", "audits", "id")],
        not_null={"audit_id", "document_id", "signed_at", "pdf_sha256"},
    )
    db["exports"].create_index(["audit_id"])


def _to_3(db: Database) -> None:
    # The yearly cycle: last year's answers carried over wait to be confirmed again (to_confirm),
    # an action may have a "remind me" date, a new starter's knowledge-check answers are kept,
    # and each signing keeps a fingerprint of every item's text so that a later checklist's new
    # and changed items can be marked.
    db["answers"].add_column("to_confirm", int, not_null_default=0)
    db["answers"].add_column("remind_on", str)
    db["audits"].add_column("knowledge_answers", str)
    db["signed_items"].create(
        {"audit_id": int, "item_id": str, "fingerprint": str},
        pk=("audit_id", "item_id"), foreign_keys=[("audit_id", "audits", "id")],
    )


MIGRATIONS: list[Callable[[Database], None]] = [_to_1, _to_2, _to_3]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> None:
    """Bring an older (or new, empty) database up to SCHEMA_VERSION, each step in one transaction."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version >= SCHEMA_VERSION:
        return
    from sqlite_utils import Database

    db = Database(conn)
    for target in range(version + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[target - 1](db)
            conn.execute(f"PRAGMA user_version = {target}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
