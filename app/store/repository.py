"""The audit repository: every cycle's audits in one SQLite file, each change its own transaction.

Reads and writes go straight through `sqlite3`; sqlite-utils is imported only when a schema
migration has to run (see `migrations.py`), so opening an existing store at start-up does not
pay for it (about 0.15-0.2 s of imports: click, dateutil, tabulate, pluggy and its plugin scan).
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from app.core.audit import Answer, Audit, AuditType, Person, Status
from app.core.checklist import Profile
from app.core.record import record
from app.store.errors import (
    StoreError,
    StoreNewerVersionError,
    StoreReadOnlyError,
    kept_aside_message,
    network_drive_message,
    translate,
)
from app.store.migrations import SCHEMA_VERSION, migrate
from app.store.paths import ensure_private_dir, make_private, on_network_drive

if TYPE_CHECKING:
    from sqlite_utils import Database

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 2.0


@record
class AuditSummary:
    """One stored audit as the earlier-audits list shows it."""

    id: int
    cycle: str
    audit_type: AuditType
    school: str
    checklist_id: str
    checklist_version: str
    started_at: datetime
    completed_at: datetime | None


@record
class ExportRecord:
    """A signed PDF made from an audit: where it was written and what it hashed to."""

    audit_id: int
    document_id: str
    signed_at: datetime
    signed_name: str
    certificate_fingerprint: str
    pdf_sha256: str
    pdf_path: str


class AuditRepository:
    """Open with `AuditRepository.open(path)`; it says what it had to do in `notices`."""

    def __init__(self, db: sqlite3.Connection | Database, path: Path, read_only: bool, notices: list[str]):
        self._conn: sqlite3.Connection = getattr(db, "conn", db)  # a sqlite-utils Database is accepted too
        self.path = path
        self.read_only = read_only
        self.notices = notices

    # -- opening -----------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> AuditRepository:
        ensure_private_dir(path.parent)
        notices: list[str] = []
        reason = _unreadable_reason(path)
        if reason:
            kept = _keep_aside(path)
            notices.append(kept_aside_message(path, kept, reason))
        try:
            return cls._connect(path, notices)
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc):
                raise translate(exc, opening=True) from exc
        kept = _keep_aside(path)
        notices.append(kept_aside_message(path, kept, "it is damaged"))
        try:
            return cls._connect(path, notices)
        except sqlite3.Error as exc:
            raise translate(exc, opening=True) from exc

    @classmethod
    def _connect(cls, path: Path, notices: list[str]) -> AuditRepository:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                conn.close()
                return cls._open_read_only(path, version, notices)
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("database disk image is malformed (quick_check)")
            if on_network_drive(path.parent):
                # SMB and NFS locks and WAL's shared memory are not to be trusted: a rollback journal,
                # and the file held exclusively while the app is open, so a second copy is refused.
                conn.execute("PRAGMA locking_mode=EXCLUSIVE")
                conn.execute("PRAGMA journal_mode=DELETE")
                conn.execute("BEGIN EXCLUSIVE")
                conn.execute("COMMIT")
                notices.append(network_drive_message(path.parent))
            else:
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")  # laptops lose power: a saved answer must survive it
            conn.execute("PRAGMA foreign_keys=ON")
            migrate(conn)
        except BaseException:
            conn.close()
            raise
        for suffix in ("", "-wal", "-shm"):
            make_private(Path(f"{path}{suffix}"))
        return cls(conn, path, read_only=False, notices=notices)

    @classmethod
    def _open_read_only(cls, path: Path, version: int, notices: list[str]) -> AuditRepository:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
        notices.append(str(StoreNewerVersionError(version, SCHEMA_VERSION)))
        repo = cls(conn, path, read_only=True, notices=notices)
        repo._newer = version
        return repo

    def close(self) -> None:
        self._conn.close()

    # -- writing: each method is one statement or one transaction ----------------------

    def create_audit(self, audit: Audit) -> Audit:
        self._check_writable()
        row = {**_audit_row(audit), "knowledge_answers": _knowledge_json(audit.knowledge_answers)}
        with self._transaction():
            cursor = self._conn.execute(
                f"INSERT INTO audits ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values())
            )
            audit_id = cursor.lastrowid
            for item_id, answer in audit.answers.items():
                self._upsert_answer(audit_id, item_id, answer)
        audit.id = audit_id
        return audit

    def save_details(self, audit: Audit) -> None:
        """The person, school and profile answers: everything but the item answers."""
        self._check_writable()
        row = _audit_row(audit)
        for kept in ("started_at", "current_item_id", "completed_at"):  # save_position / mark_completed own these
            row.pop(kept)
        sets = ", ".join(f"{k} = ?" for k in row)
        self._write(f"UPDATE audits SET {sets} WHERE id = ?", [*row.values(), audit.id])

    def save_answer(self, audit_id: int, item_id: str, answer: Answer) -> None:
        self._check_writable()
        try:
            self._upsert_answer(audit_id, item_id, answer)
        except sqlite3.Error as exc:
            raise translate(exc) from exc

    def save_position(self, audit_id: int, item_id: str | None) -> None:
        self._check_writable()
        self._write("UPDATE audits SET current_item_id = ? WHERE id = ?", [item_id, audit_id])

    def save_knowledge_answers(self, audit_id: int, answers: Mapping[str, int]) -> None:
        """A new starter's answers to the knowledge check: question id -> the option chosen."""
        self._check_writable()
        self._write("UPDATE audits SET knowledge_answers = ?, updated_at = ? WHERE id = ?",
                    [_knowledge_json(answers), _now(), audit_id])

    def mark_completed(self, audit_id: int, when: datetime) -> None:
        self._check_writable()
        self._write("UPDATE audits SET completed_at = ?, updated_at = ? WHERE id = ?",
                    [_iso(when), _now(), audit_id])

    def record_export(self, record: ExportRecord, item_fingerprints: Mapping[str, str] | None = None) -> None:
        """The signed state: completes the audit (if not already) and keeps the PDF's hash, and the
        fingerprint of each item's text as signed (to mark what a later checklist changes)."""
        self._check_writable()
        with self._transaction():
            for item_id, fingerprint in (item_fingerprints or {}).items():
                self._conn.execute(
                    """INSERT INTO signed_items (audit_id, item_id, fingerprint) VALUES (?, ?, ?)
                       ON CONFLICT (audit_id, item_id) DO UPDATE SET fingerprint = excluded.fingerprint""",
                    [record.audit_id, item_id, fingerprint])
            self._conn.execute(
                """INSERT INTO exports (audit_id, document_id, signed_at, signed_name,
                     certificate_fingerprint, pdf_sha256, pdf_path) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                [record.audit_id, record.document_id, _iso(record.signed_at), record.signed_name,
                 record.certificate_fingerprint, record.pdf_sha256, record.pdf_path])
            self._conn.execute(
                "UPDATE audits SET completed_at = coalesce(completed_at, ?), updated_at = ? WHERE id = ?",
                [_iso(record.signed_at), _now(), record.audit_id])

    # -- reading -----------------------------------------------------------------------

    def exports(self, audit_id: int) -> list[ExportRecord]:
        return [
            ExportRecord(r["audit_id"], r["document_id"], _dt(r["signed_at"]), r["signed_name"] or "",
                         r["certificate_fingerprint"] or "", r["pdf_sha256"], r["pdf_path"] or "")
            for r in self._rows("exports", "audit_id = ?", [audit_id], order_by="id")
        ]

    def signed_fingerprints(self, audit_id: int) -> dict[str, str]:
        return {r["item_id"]: r["fingerprint"] for r in self._rows("signed_items", "audit_id = ?", [audit_id])}

    def last_signed_audit_id(self, checklist_id: str | None = None) -> int | None:
        """The audit signed most recently (of this checklist, when given)."""
        where, args = ("id IN (SELECT audit_id FROM exports)", [])
        if checklist_id is not None:
            where, args = where + " AND checklist_id = ?", [checklist_id]
        rows = list(self._rows("audits", where, args, order_by="id desc", limit=1)) if self._has("exports") else []
        return rows[0]["id"] if rows else None

    def audit(self, audit_id: int) -> Audit | None:
        rows = list(self._rows("audits", "id = ?", [audit_id]))
        return self._audit_from(rows[0]) if rows else None

    def latest_audit(self, cycle: str | None = None) -> Audit | None:
        where, args = ("cycle = ?", [cycle]) if cycle else (None, None)
        rows = list(self._rows("audits", where, args, order_by="id desc", limit=1))
        return self._audit_from(rows[0]) if rows else None

    def summaries(self) -> list[AuditSummary]:
        return [
            AuditSummary(
                r["id"], r["cycle"], AuditType(r["audit_type"]), r["school"], r["checklist_id"],
                r["checklist_version"], _dt(r["started_at"]), _dt(r["completed_at"]),
            )
            for r in self._rows("audits", order_by="id desc")
        ]

    def integrity_ok(self) -> bool:
        return self._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # -- internals ---------------------------------------------------------------------

    def _audit_from(self, row: dict) -> Audit:
        answers = {
            a["item_id"]: Answer(
                status=Status(a["status"]) if a["status"] else None,
                action=a["action"] or "", due=date.fromisoformat(a["due"]) if a["due"] else None,
                reason=a["reason"] or "", note=a["note"] or "",
                remind_on=date.fromisoformat(a["remind_on"]) if a.get("remind_on") else None,
                to_confirm=bool(a.get("to_confirm")),
            )
            for a in self._rows("answers", "audit_id = ?", [row["id"]])
        }
        return Audit(
            id=row["id"],
            person=Person(row["name"], row["staff_id"], row["role"]),
            school=row["school"], checklist_id=row["checklist_id"], checklist_version=row["checklist_version"],
            checklist_sha256=row["checklist_sha256"], cycle=row["cycle"], audit_type=AuditType(row["audit_type"]),
            started_at=_dt(row["started_at"]), completed_at=_dt(row["completed_at"]),
            profile=Profile(
                platforms=frozenset(json.loads(row["platforms"] or "[]")),
                new_starter=bool(row["new_starter"]),
                answers={k: bool(v) for k, v in json.loads(row["profile_answers"] or "{}").items()},
            ),
            answers=answers, current_item_id=row["current_item_id"],
            knowledge_answers={k: int(v) for k, v in json.loads(row.get("knowledge_answers") or "{}").items()},
        )

    def _rows(self, table: str, where: str | None = None, args: list | None = None,
              order_by: str | None = None, limit: int | None = None) -> Iterator[dict[str, Any]]:
        """Rows as dicts, like sqlite-utils' `rows_where`: none when the table does not exist."""
        if not self._has(table):
            return
        sql = f'SELECT * FROM "{table}"'
        if where is not None:
            sql += f" WHERE {where}"
        if order_by is not None:
            sql += f" ORDER BY {order_by}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        cursor = self._conn.execute(sql, args or [])
        columns = [c[0] for c in cursor.description]
        for row in cursor:
            yield dict(zip(columns, row))

    def _has(self, table: str) -> bool:
        return self._conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                  [table]).fetchone() is not None

    def _upsert_answer(self, audit_id: int, item_id: str, answer: Answer) -> None:
        self._conn.execute(
            """INSERT INTO answers (audit_id, item_id, status, action, due, reason, note, remind_on,
                 to_confirm, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (audit_id, item_id) DO UPDATE SET status = excluded.status,
                 action = excluded.action, due = excluded.due, reason = excluded.reason,
                 note = excluded.note, remind_on = excluded.remind_on, to_confirm = excluded.to_confirm,
                 updated_at = excluded.updated_at""",
            [audit_id, item_id, answer.status.value if answer.status else None, answer.action,
             answer.due.isoformat() if answer.due else None, answer.reason, answer.note,
             answer.remind_on.isoformat() if answer.remind_on else None, int(answer.to_confirm), _now()],
        )

    def _write(self, sql: str, args: list) -> None:
        try:
            self._conn.execute(sql, args)
        except sqlite3.Error as exc:
            raise translate(exc) from exc

    def _transaction(self):
        return _Transaction(self._conn)

    def _check_writable(self) -> None:
        if self.read_only:
            newer = getattr(self, "_newer", None)
            if newer is not None:
                raise StoreNewerVersionError(newer, SCHEMA_VERSION)
            raise StoreReadOnlyError()


class _Transaction:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self):
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise translate(exc) from exc

    def __exit__(self, kind, exc, tb):
        if kind is None:
            try:
                self.conn.execute("COMMIT")
                return False
            except sqlite3.Error as commit_error:
                self.conn.execute("ROLLBACK")
                raise translate(commit_error) from commit_error
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.Error):
            raise translate(exc) from exc
        return False


def _audit_row(audit: Audit) -> dict:
    return {
        "cycle": audit.cycle, "audit_type": audit.audit_type.value, "school": audit.school,
        "checklist_id": audit.checklist_id, "checklist_version": audit.checklist_version,
        "checklist_sha256": audit.checklist_sha256,
        "name": audit.person.name, "staff_id": audit.person.staff_id, "role": audit.person.role,
        "new_starter": int(audit.profile.new_starter),
        "platforms": json.dumps(sorted(audit.profile.platforms)),
        "profile_answers": json.dumps(dict(sorted(audit.profile.answers.items()))),
        "current_item_id": audit.current_item_id,
        "started_at": _iso(audit.started_at), "completed_at": _iso(audit.completed_at) if audit.completed_at else None,
        "updated_at": _now(),
    }


def _knowledge_json(answers: Mapping[str, int]) -> str:
    return json.dumps(dict(sorted(answers.items())))


def _unreadable_reason(path: Path) -> str | None:
    """Why an existing file cannot be our database, before SQLite is let near it."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    if size == 0:
        wal = Path(f"{path}-wal")
        return None if wal.exists() and wal.stat().st_size > 0 else "it is empty"
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            return "it is not an audit database"
    return None


def _keep_aside(path: Path) -> Path:
    """Rename the file (and its WAL and shared-memory files) out of the way; never delete."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = path.with_name(f"{path.name}.unreadable-{stamp}")
    n = 1
    while kept.exists():
        n += 1
        kept = path.with_name(f"{path.name}.unreadable-{stamp}-{n}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            os.replace(source, Path(f"{kept}{suffix}"))
    return kept


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text or "file is encrypted" in text


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _iso(value: datetime) -> str:
    return value.isoformat()


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


__all__ = ["AuditRepository", "AuditSummary", "StoreError"]
