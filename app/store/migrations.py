"""The store's schema, migrated forward only. `PRAGMA user_version` holds the version."""

from __future__ import annotations

from typing import Callable

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


MIGRATIONS: list[Callable[[Database], None]] = [_to_1]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: Database) -> None:
    """Bring an older (or new, empty) database up to SCHEMA_VERSION, each step in one transaction."""
    conn = db.conn
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    for target in range(version + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[target - 1](db)
            conn.execute(f"PRAGMA user_version = {target}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
