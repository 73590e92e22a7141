"""HR's register: its own SQLite file (never a staff member's store) of files checked, keys and staff.

Follows the staff store's approach (app/store): an owner-only file in an owner-only folder,
WAL, the schema version in `PRAGMA user_version` with forward-only migrations (sqlite-utils,
imported only when one runs), a file that cannot be read kept aside rather than deleted, and
one written by a newer version opened read-only. Every error is a RegisterError whose `str()`
is plain English. Open it in the thread that uses it; one thread at a time.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from app.hr.records import Action, FileRecord, KeyRecord, KeySource, normalise_fingerprint
from app.hr.roster import Roster, RosterEntry
from app.store.paths import data_dir, ensure_private_dir, make_private

if TYPE_CHECKING:
    from sqlite_utils import Database

    from app.hr.rules import RegisterView

REGISTER_NAME = "hr-register.sqlite3"
BUSY_TIMEOUT_S = 5.0
SQLITE_HEADER = b"SQLite format 3\x00"


def default_register_path() -> Path:
    return data_dir() / REGISTER_NAME


class RegisterError(Exception):
    """`str(error)` says, in plain English, what went wrong with the register and what to do."""


class RegisterReadOnlyError(RegisterError):
    pass


# -- schema ------------------------------------------------------------------------------

def _to_1(db: Database) -> None:
    db["files"].create({
        "path": str, "sha256": str, "size": int, "mtime_ns": int, "checked_at": str, "code": str, "reason": str,
        "fingerprint": str, "signer_name": str, "signed_at": str,
    }, pk="path", not_null={"sha256", "checked_at", "code"})
    db["files"].create_index(["sha256"])
    # Only for files that verified: what the confirmation says, without its item texts.
    db["confirmations"].create({
        "path": str, "document_id": str, "staff_id": str, "staff_key": str, "name": str, "role": str,
        "school": str, "cycle": str, "audit_type": str, "checklist_id": str, "checklist_version": str,
        "completed_at": str, "actions": str,
    }, pk="path", foreign_keys=[("path", "files", "path")], not_null={"staff_id", "cycle"})
    db["confirmations"].create_index(["staff_key"])
    db["keys"].create({
        "staff_id": str, "staff_key": str, "fingerprint": str, "source": str, "recorded_at": str, "file": str,
        "note": str,
    }, pk=("staff_key", "fingerprint"), not_null={"staff_id", "source", "recorded_at"})
    db["keys"].create_index(["fingerprint"])
    db["roster"].create({
        "staff_id": str, "name": str, "email": str, "role": str, "department": str, "start_date": str,
        "position": int,
    }, pk="staff_id")
    db["settings"].create({"name": str, "value": str}, pk="name")


MIGRATIONS: list[Callable[[Database], None]] = [_to_1]
SCHEMA_VERSION = len(MIGRATIONS)


def _migrate(conn: sqlite3.Connection) -> None:
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


# -- the register --------------------------------------------------------------------------

class Register:
    """Open with `Register.open(path)`; what it had to do on opening is in `notices`."""

    def __init__(self, conn: sqlite3.Connection, path: Path, read_only: bool, notices: list[str]):
        self._conn = conn
        self.path = path
        self.read_only = read_only
        self.notices = notices

    @classmethod
    def open(cls, path: Path | None = None) -> Register:
        path = Path(path) if path is not None else default_register_path()
        notices: list[str] = []
        try:
            ensure_private_dir(path.parent)
        except OSError as error:
            raise RegisterError(f"The folder for the HR register, {path.parent}, cannot be used: "
                                f"{error.strerror or error}.") from error
        reason = _unreadable_reason(path)
        if reason:
            notices.append(_keep_aside(path, reason))
        try:
            return cls._connect(path, notices)
        except sqlite3.DatabaseError as error:
            if "malformed" not in str(error) and "not a database" not in str(error):
                raise _translate(error) from error
        notices.append(_keep_aside(path, "it is damaged"))
        try:
            return cls._connect(path, notices)
        except sqlite3.Error as error:
            raise _translate(error) from error

    @classmethod
    def _connect(cls, path: Path, notices: list[str]) -> Register:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                conn.close()
                conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S,
                                       check_same_thread=False)
                notices.append(f"The HR register {path.name} was written by a newer version of Staff Self-Audit "
                               f"(data version {version}; this one reads up to {SCHEMA_VERSION}). It is open "
                               "read-only so nothing is lost: install the newer version to collect again.")
                return cls(conn, path, read_only=True, notices=notices)
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("database disk image is malformed (quick_check)")
            conn.execute("PRAGMA journal_mode=WAL")
            # The register can always be rebuilt from the files: no need to sync every batch.
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            _migrate(conn)
        except BaseException:
            conn.close()
            raise
        for suffix in ("", "-wal", "-shm"):
            make_private(Path(f"{path}{suffix}"))
        return cls(conn, path, read_only=False, notices=notices)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- files ------------------------------------------------------------------------

    def file_hashes(self) -> dict[str, str]:
        """path -> SHA-256 of every file checked so far."""
        return dict(self._read("SELECT path, sha256 FROM files"))

    def files(self) -> tuple[FileRecord, ...]:
        rows = self._read(
            "SELECT f.path, f.sha256, f.size, f.mtime_ns, f.checked_at, f.code, f.reason, f.fingerprint, "
            "f.signer_name, f.signed_at, c.document_id, c.staff_id, c.name, c.role, c.school, c.cycle, "
            "c.audit_type, c.checklist_id, c.checklist_version, c.completed_at, c.actions "
            "FROM files f LEFT JOIN confirmations c ON c.path = f.path ORDER BY f.path")
        return tuple(_file_record(row) for row in rows)

    def record_files(self, records: Iterable[FileRecord]) -> None:
        """Store checked files (replacing what was known of the same paths), in one transaction."""
        with self._transaction():
            for r in records:
                self._conn.execute("DELETE FROM confirmations WHERE path = ?", (r.path,))
                self._conn.execute(
                    "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (r.path, r.sha256, r.size, r.mtime_ns, _iso(r.checked_at), r.code, r.reason, r.fingerprint,
                     r.signer_name, _iso(r.signed_at)))
                if r.verified:
                    self._conn.execute(
                        "INSERT INTO confirmations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (r.path, r.document_id, r.staff_id, r.staff_key, r.name, r.role, r.school, r.cycle,
                         r.audit_type, r.checklist_id, r.checklist_version, _iso(r.completed_at),
                         json.dumps([[a.text, a.due.isoformat() if a.due else None] for a in r.actions],
                                    ensure_ascii=False)))

    def forget_files(self, paths: Iterable[str]) -> int:
        """Drop files that are no longer in the folder; returns how many."""
        paths = list(paths)
        with self._transaction():
            for path in paths:
                self._conn.execute("DELETE FROM confirmations WHERE path = ?", (path,))
                self._conn.execute("DELETE FROM files WHERE path = ?", (path,))
        return len(paths)

    # -- keys -------------------------------------------------------------------------

    def keys(self) -> tuple[KeyRecord, ...]:
        rows = self._read("SELECT staff_id, fingerprint, source, recorded_at, file, note FROM keys "
                          "ORDER BY recorded_at, staff_key")
        return tuple(KeyRecord(s, f, KeySource(src), datetime.fromisoformat(at), file or "", note or "")
                     for s, f, src, at, file, note in rows)

    def add_keys(self, keys: Iterable[KeyRecord]) -> None:
        """Record keys; a staff ID and fingerprint already recorded keeps its first record."""
        with self._transaction():
            for k in keys:
                self._conn.execute("INSERT OR IGNORE INTO keys VALUES (?, ?, ?, ?, ?, ?, ?)",
                                   (k.staff_id, k.staff_key, k.fingerprint, k.source.value, _iso(k.recorded_at),
                                    k.file, k.note))

    def enter_key(self, staff_id: str, fingerprint: str, source: KeySource = KeySource.HR_ENTERED,
                  note: str = "") -> KeyRecord:
        """HR's word for a staff ID's key: entered (e.g. noted at induction) or accepted after a flag.

        Replaces an automatic first-seen record of the same key; raises RegisterError for a
        fingerprint that is not a SHA-256 one or an empty staff ID."""
        staff_id = " ".join(staff_id.split())
        if not staff_id:
            raise RegisterError("Enter the staff ID the key belongs to.")
        normal = normalise_fingerprint(fingerprint)
        if normal is None:
            raise RegisterError(f"{fingerprint!r} is not a key fingerprint: it should be 64 letters and digits "
                                "(0-9, A-F), as the app and the PDF show it, colons optional.")
        key = KeyRecord(staff_id, normal, source, datetime.now(timezone.utc).replace(microsecond=0), note=note)
        with self._transaction():
            self._conn.execute("INSERT OR REPLACE INTO keys VALUES (?, ?, ?, ?, ?, ?, ?)",
                               (key.staff_id, key.staff_key, key.fingerprint, key.source.value,
                                _iso(key.recorded_at), "", note))
        return key

    # -- roster -----------------------------------------------------------------------

    def import_roster(self, roster: Roster) -> None:
        """Replace the staff list with `roster`."""
        with self._transaction():
            self._conn.execute("DELETE FROM roster")
            self._conn.executemany("INSERT INTO roster VALUES (?, ?, ?, ?, ?, ?, ?)", [
                (e.staff_id, e.name, e.email, e.role, e.department, e.start_date.isoformat() if e.start_date else None,
                 n) for n, e in enumerate(roster.entries)])
            self._set("roster_source", roster.source)
            self._set("roster_imported_at", _iso(datetime.now(timezone.utc).replace(microsecond=0)))

    def roster(self) -> tuple[RosterEntry, ...] | None:
        """The staff list last imported, or None if there has not been one."""
        if self.setting("roster_source") is None:
            return None
        rows = self._read("SELECT staff_id, name, email, role, department, start_date FROM roster ORDER BY position")
        return tuple(RosterEntry(s, n, e or "", r or "", d or "", date.fromisoformat(sd) if sd else None)
                     for s, n, e, r, d, sd in rows)

    def setting(self, name: str) -> str | None:
        row = self._read("SELECT value FROM settings WHERE name = ?", (name,))
        return row[0][0] if row else None

    # -- the view ---------------------------------------------------------------------

    def view(self, cycle: str, today: date, current_versions: dict[str, str]) -> RegisterView:
        """Every file and staff member judged for `cycle` (see rules.build_view)."""
        from app.hr.rules import build_view

        return build_view(self.files(), self.keys(), self.roster(), cycle, today, current_versions)

    # -- plumbing ---------------------------------------------------------------------

    def _set(self, name: str, value: str) -> None:
        self._conn.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (name, value))

    def _read(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        try:
            return self._conn.execute(sql, parameters).fetchall()
        except sqlite3.Error as error:
            raise _translate(error) from error

    def _transaction(self):
        return _Transaction(self)


class _Transaction:
    def __init__(self, register: Register):
        self.register = register

    def __enter__(self) -> None:
        if self.register.read_only:
            raise RegisterReadOnlyError(
                f"The HR register {self.register.path.name} is open read-only, so nothing can be added to it "
                "(it was written by a newer version of Staff Self-Audit).")
        try:
            self.register._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise _translate(error) from error

    def __exit__(self, kind, error, trace) -> bool:
        conn = self.register._conn
        if kind is None:
            try:
                conn.execute("COMMIT")
                return False
            except sqlite3.Error as commit_error:
                conn.execute("ROLLBACK")
                raise _translate(commit_error) from commit_error
        conn.execute("ROLLBACK")
        if isinstance(error, sqlite3.Error):
            raise _translate(error) from error
        return False


def _translate(error: sqlite3.Error) -> RegisterError:
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return RegisterError("The HR register is in use by another copy of Staff Self-Audit. "
                             "Close it, then try again.")
    if "full" in text:
        return RegisterError("The HR register could not be saved because the disk is full. Free some space "
                             "and collect again: nothing already recorded is lost.")
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return RegisterReadOnlyError("The HR register cannot be written to. Check the folder's permissions, "
                                     "or choose another register file.")
    return RegisterError(f"The HR register could not be used (the database said: {error}).")


def _unreadable_reason(path: Path) -> str:
    try:
        if not path.exists():
            return ""
        if path.is_dir():
            raise RegisterError(f"The HR register {path} is a folder, not a file. Choose a file name.")
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as error:
        raise RegisterError(f"The HR register {path} cannot be opened: {error.strerror or error}.") from error
    if not header:
        return "it is empty"
    if header != SQLITE_HEADER:
        return "it is not a register"
    return ""


def _keep_aside(path: Path, reason: str) -> str:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = path.with_name(f"{path.name}.unreadable-{stamp}")
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.rename(kept)
    return (f"The HR register {path.name} could not be read ({reason}). It has been kept, unchanged, as "
            f"\u201c{kept.name}\u201d and a new one started: collecting the folder again rebuilds it, "
            "but keys HR entered by hand need entering again.")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _file_record(row: tuple) -> FileRecord:
    (path, sha256, size, mtime_ns, checked_at, code, reason, fingerprint, signer_name, signed_at, document_id,
     staff_id, name, role, school, cycle, audit_type, checklist_id, checklist_version, completed_at, actions) = row
    return FileRecord(
        path=path, sha256=sha256, size=size or 0, mtime_ns=mtime_ns or 0,
        checked_at=datetime.fromisoformat(checked_at), code=code, reason=reason or "",
        fingerprint=fingerprint or "", signer_name=signer_name or "",
        signed_at=datetime.fromisoformat(signed_at) if signed_at else None,
        document_id=document_id or "", staff_id=staff_id or "", name=name or "", role=role or "",
        school=school or "", cycle=cycle or "", audit_type=audit_type or "", checklist_id=checklist_id or "",
        checklist_version=checklist_version or "",
        completed_at=datetime.fromisoformat(completed_at) if completed_at else None,
        actions=tuple(Action(text, date.fromisoformat(due) if due else None)
                      for text, due in json.loads(actions or "[]")),
    )
