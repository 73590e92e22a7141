"""What HR takes away from the register: a CSV for Excel, and the addresses to remind.

The CSV is UTF-8 with a BOM (so Excel reads names such as Siân correctly), comma separated
with CRLF line ends, one row per file. Its `status` column reads `valid` for an accepted
confirmation and names the problem otherwise; `reason` says it in words. Text that came from
a file (names, actions) can never become a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path
from urllib.parse import quote

from app.hr.rules import RegisterView, StaffRow, StaffState, overdue_actions

CSV_COLUMNS = ("file", "status", "reason", "flags", "counts", "staff_id", "name", "role", "department", "email",
               "cycle", "audit_type", "checklist", "checklist_version", "completed", "signed", "actions",
               "overdue_actions", "fingerprint", "sha256")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class OutputError(Exception):
    """The file could not be written; `str()` says where and why."""


def csv_rows(view: RegisterView) -> list[dict[str, str]]:
    """The CSV's rows: one per file, in the order of their paths."""
    staff_of: dict[str, StaffRow] = {}
    for person in view.staff:
        for row in (person.file, *person.other_files):
            if row is not None:
                staff_of[row.record.path] = person
    rows = []
    for row in view.files:
        r, person = row.record, staff_of.get(row.record.path)
        rows.append({
            "file": r.path, "status": row.status, "reason": "; ".join(filter(None, (row.reason, *row.flag_reasons))),
            "flags": " ".join(row.flags), "counts": "yes" if row.counts else "no",
            "staff_id": r.staff_id, "name": r.name or r.signer_name, "role": r.role,
            "department": person.group if person and person.on_roster else "",
            "email": person.email if person else "", "cycle": r.cycle, "audit_type": r.audit_type,
            "checklist": r.checklist_id, "checklist_version": r.checklist_version,
            "completed": r.completed_at.date().isoformat() if r.completed_at else "",
            "signed": r.signed_at.isoformat(timespec="seconds") if r.signed_at else "",
            "actions": "; ".join(f"{a.text} (due {a.due.isoformat()})" if a.due else a.text for a in r.actions),
            "overdue_actions": str(len(overdue_actions(row, view.today))) if r.actions else "0",
            "fingerprint": r.fingerprint, "sha256": r.sha256,
        })
    return rows


def write_csv(view: RegisterView, target: Path) -> int:
    """Writes the CSV (owner-only, all or nothing); returns the number of file rows."""
    rows = csv_rows(view)
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})
    write_private(Path(target), buffer.getvalue().encode("utf-8-sig"))
    return len(rows)


def remind_addresses(view: RegisterView, include_needs_attention: bool = False) -> list[str]:
    """Email addresses of the staff on the roster who are missing (and, if asked, those whose file
    could not be accepted), each once, in name order."""
    states = {StaffState.MISSING} | ({StaffState.NEEDS_ATTENTION} if include_needs_attention else set())
    seen: dict[str, str] = {}
    for person in view.staff:
        if person.state in states and person.email:
            seen.setdefault(person.email.casefold(), person.email)
    return list(seen.values())


def mailto_bcc(addresses: list[str], subject: str = "", body: str = "") -> str:
    """A mailto: link with every address in BCC, for the mail program to open.

    Some mail programs cut links longer than about 2,000 characters: for many addresses,
    copy them (joined with "; ") instead."""
    query = [f"bcc={quote(','.join(addresses), safe='@,')}"]
    if subject:
        query.append(f"subject={quote(subject)}")
    if body:
        query.append(f"body={quote(body)}")
    return "mailto:?" + "&".join(query)


def write_private(target: Path, data: bytes) -> None:
    """All or nothing, owner-only (0600): a temporary file beside the target, then moved into place."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".", suffix=".part", dir=target.parent)
    except OSError as error:
        raise OutputError(f"{target.name} could not be saved in {target.parent}: {error.strerror or error}.") from error
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except OSError as error:
        raise OutputError(f"{target.name} could not be saved in {target.parent}: {error.strerror or error}.") from error
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _cell(value: str) -> str:
    # A cell Excel would read as a formula (=HYPERLINK(...) in a name) is kept as text.
    return "'" + value if value.startswith(_FORMULA_START) else value
