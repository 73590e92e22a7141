"""The staff list, as a school MIS exports it to CSV: who should have sent a confirmation.

Columns are found by their header, whatever the case, spacing or punctuation ("Staff ID",
"StaffID", "Employee Number"; "Name" or "Forename" and "Surname"; "Email" or "E-mail";
"Role" and/or "Department"; "Start date"). Comma, semicolon or tab separated; UTF-8 with or
without a BOM, UTF-16 with a BOM (Excel's "Unicode text"), or Windows-1252 (Excel's "CSV").
A file that cannot be used raises RosterError saying why; rows that cannot be used are left
out and listed in `Roster.problems`, so one bad row never loses the others.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

MAX_BYTES = 10 * 1024 * 1024  # a staff list of a few thousand rows is well under 1 MB

# Normalised header (letters and digits only, lower case) -> the field it holds.
HEADERS = {
    "staff_id": ("staffid", "staffno", "staffnumber", "staffcode", "staffref", "staffreference", "employeeid",
                 "employeeno", "employeenumber", "employeeref", "payrollnumber", "payrollno", "personnelnumber",
                 "id"),
    "name": ("name", "fullname", "staffname", "employeename", "displayname", "preferredfullname"),
    "forename": ("forename", "forenames", "firstname", "givenname", "legalforename", "preferredforename",
                 "preferredname"),
    "surname": ("surname", "lastname", "familyname", "legalsurname", "preferredsurname"),
    "email": ("email", "emailaddress", "workemail", "workemailaddress", "schoolemail", "schoolemailaddress",
              "mail"),
    "role": ("role", "jobtitle", "jobrole", "post", "position", "staffrole"),
    "department": ("department", "dept", "faculty", "team", "subject", "departmentname"),
    "start_date": ("startdate", "start", "datestarted", "employmentstartdate", "contractstartdate",
                   "dateofstart", "datejoined", "joiningdate", "startedon"),
}
_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d-%m-%y", "%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d",
                 "%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%d-%b-%y", "%d %b %y")


class RosterError(Exception):
    """The staff list cannot be used; `str()` says which file and why, in plain English."""


@dataclass(frozen=True)
class RosterEntry:
    staff_id: str
    name: str
    email: str
    role: str = ""
    department: str = ""
    start_date: date | None = None

    @property
    def group(self) -> str:
        """What the head teacher's chart groups by: the department, else the role."""
        return self.department or self.role or "Not given"


@dataclass(frozen=True)
class Roster:
    source: str  # the file's name, for messages
    entries: tuple[RosterEntry, ...]
    problems: tuple[str, ...] = ()  # rows left out or read with a gap, each with its line number
    encoding: str = "utf-8"

    def find(self, staff_id: str) -> RosterEntry | None:
        """The entry for a confirmation's staff ID, which may be the ID or the email address."""
        key = normalise_id(staff_id)
        for entry in self.entries:
            if key in (normalise_id(entry.staff_id), normalise_id(entry.email)):
                return entry
        return None


def normalise_id(value: str) -> str:
    """How staff IDs are compared: Unicode-normalised, trimmed, case-insensitive."""
    return unicodedata.normalize("NFC", value).strip().casefold()


def read_roster(path: Path) -> Roster:
    """The staff list in `path`; raises RosterError naming the file and the problem."""
    path = Path(path)
    try:
        if path.is_dir():
            raise RosterError(f"{path.name} is a folder, not a staff list (CSV file).")
        if path.stat().st_size > MAX_BYTES:
            raise RosterError(f"{path.name} is larger than {MAX_BYTES // 1024 // 1024} MB, too large to be a "
                              "staff list. Export the staff list from the MIS as CSV.")
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise RosterError(f"The staff list {path} was not found.") from error
    except OSError as error:
        raise RosterError(f"The staff list {path.name} could not be opened: {error.strerror or error}.") from error
    return parse_roster(data, path.name)


def parse_roster(data: bytes, source: str) -> Roster:
    """The staff list in `data` (the bytes of a CSV file called `source`)."""
    text, encoding = _decode(data, source)
    lines = text.splitlines()
    first = next((n for n, line in enumerate(lines) if line.strip(" ,;\t\"")), None)
    if first is None:
        raise RosterError(f"{source} is empty: it has no header row and no staff.")
    delimiter = _delimiter(lines[first])
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header_at = next(n for n, row in enumerate(rows) if any(cell.strip() for cell in row))
    columns = _columns(rows[header_at], source)
    entries: dict[str, RosterEntry] = {}
    lines_of: dict[str, int] = {}
    problems: list[str] = []
    blank = 0
    for line, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        if not any(cell.strip() for cell in row):
            blank += 1
            continue
        entry, problem = _entry(row, columns, line)
        if problem:
            problems.append(problem)
        if entry is None:
            continue
        key = normalise_id(entry.staff_id)
        if key in entries:
            problems.append(f"line {line}: staff ID {entry.staff_id} appears again (first on line {lines_of[key]}); "
                            "the first is used")
            continue
        entries[key] = entry
        lines_of[key] = line
    if blank:
        problems.append(f"{blank} blank row{'s' if blank > 1 else ''} skipped")
    if not entries:
        raise RosterError(f"{source} has a header row but no staff in it.")
    return Roster(source, tuple(entries.values()), tuple(problems), encoding)


def _decode(data: bytes, source: str) -> tuple[str, str]:
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RosterError(f"{source} is an Excel workbook, not a CSV file. In Excel choose File, Save As, "
                          "'CSV UTF-8 (Comma delimited)', then import that file.")
    if data.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "cp1252")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text, {"utf-8-sig": "utf-8", "cp1252": "windows-1252"}.get(encoding, encoding)
    raise RosterError(f"{source} is neither UTF-8 nor Windows-1252 text, so its names cannot be read. "
                      "Export the staff list from the MIS again as CSV (UTF-8).")


def _delimiter(header: str) -> str:
    outside_quotes = re.sub(r'"[^"]*"', "", header)
    return max((",", ";", "\t"), key=outside_quotes.count)


def _normalise_header(cell: str) -> str:
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", cell).casefold())


def _columns(header: list[str], source: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = _normalise_header(cell)
        for field, names in HEADERS.items():
            if key in names and field not in found:
                found[field] = index
                break
    missing = []
    if "staff_id" not in found:
        missing.append("the staff ID (a column such as 'Staff ID' or 'Employee Number')")
    if "name" not in found and not {"forename", "surname"} <= found.keys():
        missing.append("the name ('Name', or 'Forename' and 'Surname')")
    if "email" not in found:
        missing.append("the email address ('Email')")
    if "role" not in found and "department" not in found:
        missing.append("the role or department ('Role' or 'Department')")
    if missing:
        shown = ", ".join(repr(cell.strip()) for cell in header if cell.strip()) or "none"
        raise RosterError(f"{source} has no column for {_and(missing)}. The columns found were: {shown}.")
    return found


def _entry(row: list[str], columns: dict[str, int], line: int) -> tuple[RosterEntry | None, str]:
    def cell(field: str) -> str:
        index = columns.get(field)
        return " ".join(row[index].split()) if index is not None and index < len(row) else ""

    staff_id = cell("staff_id")
    name = cell("name") or " ".join(part for part in (cell("forename"), cell("surname")) if part)
    if not staff_id:
        return None, f"line {line}: no staff ID{f' for {name}' if name else ''}; the row is left out"
    if not name:
        return None, f"line {line}: no name for staff ID {staff_id}; the row is left out"
    problem = ""
    start_text = cell("start_date")
    start = _uk_date(start_text) if start_text else None
    if start_text and start is None:
        problem = f"line {line}: the start date {start_text!r} of {staff_id} is not a date (use DD/MM/YYYY)"
    return RosterEntry(staff_id, name, cell("email"), cell("role"), cell("department"), start), problem


def _uk_date(text: str) -> date | None:
    text = text.split(" 00:00")[0].strip()  # Excel adds a midnight time to some exports
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
