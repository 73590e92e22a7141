"""Staff data rights (UK GDPR): export everything the app holds about me, or delete it.

Qt-free, shared by the window and `self-audit my-data`. What the app holds, all of it found by
`take_inventory` without changing anything:

- the database (every cycle's audit: details, profile, answers, private notes, the exports
  recorded), its -wal/-shm files and any copy set aside as unreadable;
- `identity/`: the signing certificate(s) and the encrypted key, and in the OS keyring the
  secret that opens the key;
- the signed PDFs the app wrote, wherever the person saved them (the database records each
  path and its SHA-256);
- `logs/` and `cache/` (parsed copies of the bundled checklists, nothing about the person).

The export is a folder (not a zip, so the PDFs open straight from it) holding `my-data.json`,
copies of the PDFs that are still as the app wrote them, the logs and any unreadable database.
It never holds the signing key or the keyring's secret. Deleting removes all of the above, a
PDF only while its SHA-256 still matches (never a file someone replaced), and leaves anything
in the data folder that the app did not make.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from app import __version__
from app.store.instance_lock import LOCK_NAME
from app.store.paths import DATABASE_NAME, ensure_private_dir

log = logging.getLogger(__name__)

SCHEMA = "staff-self-audit/my-data/1"
JSON_NAME = "my-data.json"
EXPORT_PREFIX = "staff-self-audit-my-data-"
IDENTITY_FOLDER = "identity"
APP_FOLDERS = ("cache", "logs")  # the app's own, removed whole
# HR's register and its window's settings: the school's records about its staff, not this
# person's own data; never exported or deleted with it.
HR_FILES = ("hr-register.sqlite3", "hr-register.sqlite3-wal", "hr-register.sqlite3-shm", "hr-window.ini")
UNREADABLE_MARK = ".unreadable-"
_DB_SUFFIXES = ("", "-wal", "-shm", "-journal")
JSON_COLUMNS = ("platforms", "profile_answers", "knowledge_answers")  # of the audits table


class DataRightsError(Exception):
    """Why the export or deletion could not be done, in plain English."""


@dataclass(frozen=True)
class KnownPdf:
    """A signed PDF the app wrote: `state` is 'as saved', 'changed', 'missing' or 'unreadable'."""

    path: Path
    sha256: str  # as the app wrote it
    document_id: str
    state: str
    reason: str = ""


@dataclass
class Inventory:
    data_dir: Path
    database_files: list[Path] = field(default_factory=list)
    set_aside_databases: list[Path] = field(default_factory=list)
    cycles: list[str] = field(default_factory=list)
    database_problem: str = ""  # why the database could not be read; its PDFs are then unknown
    identity_files: list[Path] = field(default_factory=list)
    fingerprints: list[str] = field(default_factory=list)  # current first
    pdfs: list[KnownPdf] = field(default_factory=list)
    app_folders: list[Path] = field(default_factory=list)
    not_the_apps: list[Path] = field(default_factory=list)  # never touched
    hr_files: list[Path] = field(default_factory=list)  # HR's register: never touched

    @property
    def empty(self) -> bool:
        return not (self.database_files or self.set_aside_databases or self.identity_files or self.app_folders
                    or any(p.state == "as saved" for p in self.pdfs))

    def describe(self) -> list[str]:
        """What deleting would remove (and keep), a line each, for the confirmation."""
        lines = []
        if self.database_files:
            cycles = f" ({', '.join(self.cycles)})" if self.cycles else ""
            lines.append(f"Your answers, details and private notes: {len(self.cycles)} audit cycle(s){cycles}, "
                         f"in {self.database_files[0]}")
        if self.set_aside_databases:
            lines.append(f"{len(self.set_aside_databases)} earlier database file(s) set aside as unreadable")
        if self.identity_files:
            lines.append(f"Your signing key and certificate in {self.data_dir / IDENTITY_FOLDER}, and the secret in "
                         "your password store (keyring) that opens the key"
                         + (f"; fingerprint {self.fingerprints[0]}" if self.fingerprints else ""))
        for pdf in self.pdfs:
            if pdf.state == "as saved":
                lines.append(f"Signed PDF {pdf.path}")
        if self.app_folders:
            lines.append("The app's logs and its cache of the checklists")
        for pdf in self.pdfs:
            if pdf.state in ("changed", "unreadable"):
                lines.append(f"Kept: {pdf.path} ({pdf.reason})")
        if self.database_problem:
            lines.append(f"The database could not be read ({self.database_problem}), so signed PDFs saved "
                         "elsewhere cannot be found: delete those yourself")
        return lines


@dataclass
class DeletionReport:
    deleted: list[Path] = field(default_factory=list)
    kept: list[tuple[Path, str]] = field(default_factory=list)
    keyring_removed: list[str] = field(default_factory=list)
    keyring_left: list[str] = field(default_factory=list)
    keyring_problem: str = ""  # what to do about entries left in the keyring

    @property
    def complete(self) -> bool:
        return not self.keyring_left and not self.keyring_problem

    def describe(self) -> list[str]:
        lines = [f"Deleted {len(self.deleted)} file(s) and folder(s)"
                 + (f" and {len(self.keyring_removed)} keyring entr{'y' if len(self.keyring_removed) == 1 else 'ies'}"
                    if self.keyring_removed else "") + "."]
        lines += [f"Kept {path}: {reason}" for path, reason in self.kept]
        if self.keyring_problem:
            lines.append(self.keyring_problem)
        return lines


# -- what is held ------------------------------------------------------------------------

def take_inventory(data_dir: Path) -> Inventory:
    inventory = Inventory(Path(data_dir))
    if not inventory.data_dir.is_dir():
        return inventory
    database = inventory.data_dir / DATABASE_NAME
    for entry in sorted(inventory.data_dir.iterdir()):
        name = entry.name
        if name in {DATABASE_NAME + s for s in _DB_SUFFIXES}:
            inventory.database_files.append(entry)
        elif name.startswith(DATABASE_NAME + UNREADABLE_MARK):
            inventory.set_aside_databases.append(entry)
        elif name == IDENTITY_FOLDER and entry.is_dir():
            inventory.identity_files = sorted(p for p in entry.iterdir())
        elif name in APP_FOLDERS and entry.is_dir():
            inventory.app_folders.append(entry)
        elif name in HR_FILES or name.startswith("hr-register.sqlite3"):
            inventory.hr_files.append(entry)
        elif name != LOCK_NAME:
            inventory.not_the_apps.append(entry)
    inventory.fingerprints = [c["sha256_fingerprint"] for c in _certificates(inventory.data_dir / IDENTITY_FOLDER)]
    if database.exists():
        try:
            tables = _read_tables(database)
        except (sqlite3.Error, OSError) as exc:
            inventory.database_problem = str(exc)
        else:
            inventory.cycles = sorted({a["cycle"] for a in tables.get("audits", [])})
            inventory.pdfs = _known_pdfs(tables.get("exports", []))
    return inventory


def _read_tables(database: Path) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, read without changing the file (and without creating it)."""
    conn = sqlite3.connect(f"{database.resolve().as_uri()}?mode=rw", uri=True, timeout=2.0)
    try:
        conn.execute("PRAGMA query_only = ON")
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        tables = {}
        for name in names:
            cursor = conn.execute(f'SELECT * FROM "{name}" ORDER BY rowid')
            columns = [c[0] for c in cursor.description]
            tables[name] = [dict(zip(columns, row)) for row in cursor]
        return tables
    finally:
        conn.close()


def _known_pdfs(exports: list[dict[str, Any]]) -> list[KnownPdf]:
    """Each recorded PDF path once, judged against every hash recorded for it."""
    hashes: dict[str, list[tuple[str, str]]] = {}
    for row in exports:
        if row.get("pdf_path"):
            hashes.setdefault(row["pdf_path"], []).append((row["pdf_sha256"], row["document_id"]))
    pdfs = []
    for text, recorded in hashes.items():
        path = Path(text)
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except FileNotFoundError:
            pdfs.append(KnownPdf(path, recorded[-1][0], recorded[-1][1], "missing", "no longer there"))
            continue
        except OSError as exc:
            pdfs.append(KnownPdf(path, recorded[-1][0], recorded[-1][1], "unreadable",
                                 f"it cannot be read ({exc.strerror or exc})"))
            continue
        match = next(((sha, doc) for sha, doc in recorded if sha == digest), None)
        if match:
            pdfs.append(KnownPdf(path, match[0], match[1], "as saved"))
        else:
            pdfs.append(KnownPdf(path, recorded[-1][0], recorded[-1][1], "changed",
                                 "it has changed since the app saved it, so it may not be the app's file any more"))
    return pdfs


def _certificates(folder: Path) -> list[dict[str, Any]]:
    """The details of each certificate in the identity folder, current first: never the key."""
    if not folder.is_dir():
        return []
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from app.signing.identity import KEYRING_SERVICE, keyring_username
    from app.signing.identity_types import certificate_fingerprint

    found = []
    for path in sorted(folder.glob("signing-certificate*.pem"), key=lambda p: (p.name != "signing-certificate.pem",
                                                                              p.name)):
        try:
            certificate = x509.load_pem_x509_certificate(path.read_bytes())
        except (OSError, ValueError) as exc:
            found.append({"file": f"{IDENTITY_FOLDER}/{path.name}", "problem": f"cannot be read: {exc}"})
            continue
        der = certificate.public_bytes(serialization.Encoding.DER)
        found.append({
            "file": f"{IDENTITY_FOLDER}/{path.name}",
            "in_use": path.name == "signing-certificate.pem",
            "subject": certificate.subject.rfc4514_string(),
            "issuer": certificate.issuer.rfc4514_string(),
            "self_signed": certificate.issuer == certificate.subject,
            "serial_number": format(certificate.serial_number, "X"),
            "valid_from": certificate.not_valid_before_utc.isoformat(),
            "valid_until": certificate.not_valid_after_utc.isoformat(),
            "sha256_fingerprint": certificate_fingerprint(der),
            "certificate_pem": certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
            "keyring_entry": {"service": KEYRING_SERVICE, "username": keyring_username(der),
                              "note": "holds the secret that opens the key file; not exported"},
        })
    return found


# -- export ------------------------------------------------------------------------------

def export_my_data(data_dir: Path, out_dir: Path, now: datetime | None = None) -> Path:
    """A new folder in `out_dir` with my-data.json and copies of the PDFs; returns the folder."""
    data_dir, out_dir = Path(data_dir), Path(out_dir).expanduser()
    if _inside(out_dir, data_dir):
        raise DataRightsError(f"{out_dir} is inside the app's own data folder. Choose another folder, "
                              "such as Documents or a USB stick.")
    now = now or datetime.now(timezone.utc).replace(microsecond=0)
    inventory = take_inventory(data_dir)
    try:
        if not out_dir.exists():
            ensure_private_dir(out_dir)
        folder = _new_folder(out_dir, EXPORT_PREFIX + now.astimezone().strftime("%Y-%m-%d-%H%M%S"))
    except OSError as exc:
        raise DataRightsError(f"The app could not make a folder in {out_dir} ({exc.strerror or exc}). "
                              "Choose another folder.") from exc
    try:
        document = _my_data(inventory, folder, now)
        _write_private(folder / JSON_NAME, json.dumps(document, indent=1, ensure_ascii=False,
                                                      sort_keys=True).encode("utf-8"))
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise DataRightsError(f"Your data could not be saved in {out_dir} ({exc.strerror or exc}). "
                              "Nothing was kept there; choose another folder.") from exc
    log.info("exported my data: %d audit cycle(s), %d PDF(s)", len(inventory.cycles),
             sum(p.state == "as saved" for p in inventory.pdfs))
    return folder


def _my_data(inventory: Inventory, folder: Path, now: datetime) -> dict[str, Any]:
    data_dir = inventory.data_dir
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "about": "Everything Staff Social Media Self-Audit holds about you on this computer, exported at your "
                 "request. It includes your private notes: keep this folder safe.",
        "exported_at": now.isoformat(),
        "app_version": __version__,
        "data_folder": str(data_dir),
        "audits": [],
        "signing_identities": _certificates(data_dir / IDENTITY_FOLDER),
        "files": {},
        "not_exported": [
            "the signing key (identity/signing-key.pem, encrypted) and the secret in your keyring that opens it: "
            "anyone holding both could sign as you",
            "cache/: the app's parsed copies of the checklists it ships; nothing about you",
        ],
    }
    database = data_dir / DATABASE_NAME
    tables: dict[str, list[dict[str, Any]]] = {}
    if database.exists():
        try:
            tables = _read_tables(database)
        except (sqlite3.Error, OSError) as exc:
            document["database_problem"] = f"the database could not be read ({exc}); a copy of the file is included"
            _copy_into(folder / "database", database, document["files"])
    pdf_copies = _copy_pdfs(inventory.pdfs, folder / "pdfs", document["files"])
    document["audits"] = _audits(tables, pdf_copies)
    other = {name: rows for name, rows in tables.items()
             if name != "audits" and not (rows and "audit_id" in rows[0])}
    if other:
        document["other_tables"] = other
    for path in inventory.set_aside_databases:
        _copy_into(folder / "unreadable-databases", path, document["files"])
    logs = data_dir / "logs"
    for path in sorted(logs.iterdir()) if logs.is_dir() else ():
        if path.is_file():
            _copy_into(folder / "logs", path, document["files"])
    return document


def _audits(tables: dict[str, list[dict[str, Any]]], pdf_copies: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """Each audit with the rows of every table that belongs to it (answers, exports, ...) inside."""
    belongs = sorted(name for name, rows in tables.items() if name != "audits" and rows and "audit_id" in rows[0])
    audits = []
    for row in tables.get("audits", []):
        audit = dict(row)
        for column in JSON_COLUMNS:
            try:
                audit[column] = json.loads(row[column]) if row.get(column) else row.get(column)
            except (TypeError, ValueError):
                pass  # kept as the text it is
        for name in belongs:
            audit[name] = [{k: v for k, v in r.items() if k != "audit_id"}
                           for r in tables[name] if r["audit_id"] == row.get("id")]
        for export in audit.get("exports", []):
            export["pdf_file"] = pdf_copies.get(export.get("pdf_path") or "", {"state": "not recorded"})
        audits.append(audit)
    return audits


def _copy_pdfs(pdfs: list[KnownPdf], into: Path, files: dict[str, str]) -> dict[str, dict[str, str]]:
    """Copy each PDF still as the app saved it; say what became of every one."""
    copies: dict[str, dict[str, str]] = {}
    for pdf in pdfs:
        if pdf.state != "as saved":
            copies[str(pdf.path)] = {"state": pdf.state, "why_not_copied": pdf.reason}
            continue
        try:
            data = pdf.path.read_bytes()
        except OSError as exc:
            copies[str(pdf.path)] = {"state": "unreadable", "why_not_copied": f"{exc.strerror or exc}"}
            continue
        if hashlib.sha256(data).hexdigest() != pdf.sha256:  # changed since the inventory: copy nothing
            copies[str(pdf.path)] = {"state": "changed", "why_not_copied": "it changed while exporting"}
            continue
        ensure_private_dir(into)
        target = into / pdf.path.name
        if target.exists():
            target = into / f"{pdf.path.stem} ({pdf.document_id}){pdf.path.suffix}"
        _write_private(target, data)
        relative = target.relative_to(into.parent).as_posix()
        files[relative] = f"copy of {pdf.path}"
        copies[str(pdf.path)] = {"state": "copied", "copy": relative}
    return copies


def _copy_into(into: Path, source: Path, files: dict[str, str]) -> None:
    ensure_private_dir(into)
    target = into / source.name
    _write_private(target, source.read_bytes())
    files[target.relative_to(into.parent).as_posix()] = f"copy of {source}"


# -- delete ------------------------------------------------------------------------------

def delete_my_data(data_dir: Path, *, keyring_backend=None) -> DeletionReport:
    """Delete everything the app holds about the person; never a file it did not make.

    The caller holds the instance lock (a running app must first close its database) and,
    once it has let the lock go, calls `finish_deletion` to remove the lock file and the folder.
    """
    data_dir = Path(data_dir)
    report = DeletionReport()
    inventory = take_inventory(data_dir)
    _close_log_files(data_dir)
    for pdf in inventory.pdfs:
        if pdf.state == "as saved":
            _remove(pdf.path, report)
        elif pdf.state != "missing":
            report.kept.append((pdf.path, pdf.reason))
    if inventory.database_problem:
        report.kept.append((
            Path("signed PDFs saved elsewhere"),
            f"the database could not be read ({inventory.database_problem}), so the app cannot tell where "
            "they are: delete them yourself"))
    if inventory.identity_files:
        _delete_identity(data_dir / IDENTITY_FOLDER, keyring_backend, report)
    for path in inventory.database_files + inventory.set_aside_databases + inventory.app_folders:
        _remove(path, report)
    for path in inventory.not_the_apps:
        report.kept.append((path, "the app did not make it"))
    for path in inventory.hr_files:
        report.kept.append((path, "HR's register of staff confirmations: the school's records, not your own data"))
    log.info("deleted my data: %d removed, %d kept", len(report.deleted), len(report.kept))
    return report


def finish_deletion(data_dir: Path) -> None:
    """After deleting, once the lock is let go: remove the lock file, and the folder if empty."""
    data_dir = Path(data_dir)
    try:
        (data_dir / LOCK_NAME).unlink(missing_ok=True)
        data_dir.rmdir()
    except OSError:
        pass  # something the app did not make is still there: the folder stays with it


def _delete_identity(folder: Path, keyring_backend, report: DeletionReport) -> None:
    from app.signing.identity import IdentityStore, KeyringNotUnlocked, KeyringUnavailable

    files = sorted(folder.iterdir())
    try:
        removed, left, problem = IdentityStore(folder, keyring_backend).delete()
    except OSError as exc:
        report.kept.append((folder, f"it could not be deleted ({exc.strerror or exc})"))
        return
    report.deleted += files + [folder]
    report.keyring_removed += removed
    report.keyring_left += left
    if problem is not None:
        why = ("this computer has no password store the app can use" if isinstance(problem, KeyringUnavailable)
               else "the password store is locked" if isinstance(problem, KeyringNotUnlocked)
               else "the password store refused")
        report.keyring_problem = (
            f"The secret that protected your signing key could not be removed from your password store (keyring): "
            f"{why}. It opens nothing now that the key file is deleted. To remove it yourself, open {_keyring_tool()} "
            f"and delete the entries named \"Staff Social Media Self-Audit\" ({', '.join(left)}), or ask IT.")


def _keyring_tool() -> str:
    if sys.platform == "win32":
        return "Credential Manager (Windows Credentials)"
    if sys.platform == "darwin":
        return "Keychain Access (the login keychain)"
    return "your desktop's password manager (such as Passwords and Keys, or KDE Wallet)"


def _remove(path: Path, report: DeletionReport) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        return
    except OSError as exc:
        report.kept.append((path, f"it could not be deleted ({exc.strerror or exc})"))
        return
    report.deleted.append(path)


def _close_log_files(data_dir: Path) -> None:
    """The app's own log file is in the data folder: stop writing to it before it goes."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        filename = getattr(handler, "baseFilename", None)
        if filename and _inside(Path(filename), data_dir):
            root.removeHandler(handler)
            handler.close()


# -- files -------------------------------------------------------------------------------

def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _new_folder(parent: Path, name: str) -> Path:
    for n in range(1, 100):
        folder = parent / (name if n == 1 else f"{name}-{n}")
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue
        ensure_private_dir(folder)
        return folder
    raise FileExistsError(f"{parent / name} already exists")


def _write_private(path: Path, data: bytes) -> None:
    """Owner-only (0600) from the first byte; never over an existing file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(data)
