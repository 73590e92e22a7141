"""What HR takes away: the CSV read back as Excel would (BOM, UTF-8), the summary PDF read with
poppler's tools, and the reminder addresses."""

from __future__ import annotations

import codecs
import csv
import io
import stat
import subprocess
from datetime import date, datetime, timezone
from urllib.parse import unquote

import pytest

from app.hr.outputs import CSV_COLUMNS, mailto_bcc, remind_addresses, write_csv
from app.hr.records import Action, FileRecord, KeyRecord, KeySource
from app.hr.roster import RosterEntry
from app.hr.rules import build_view
from app.hr.summary_pdf import MAX_GROUPS, write_summary

TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)


def _fp(n: int) -> str:
    return ":".join([f"{n:02X}"] * 32)


def _record(n: int, staff_id: str, name: str, *, code: str = "valid", actions=(), version: str = "2026.1"):
    base = dict(path=f"/hr/in/{n:02d}_{staff_id}.pdf", sha256=f"{n:064x}", size=50_000, mtime_ns=n, checked_at=NOW,
                code=code, fingerprint=_fp(n), signer_name=name,
                signed_at=datetime(2026, 11, 1 + n, 9, tzinfo=timezone.utc))
    if code != "valid":
        return FileRecord(**base, reason="the signature does not match the content")
    return FileRecord(**base, staff_id=staff_id, name=name, role="Teacher", school="Ysgol Aberdyfi", cycle="2026-27",
                      audit_type="annual", checklist_id="ysgol", checklist_version=version,
                      completed_at=datetime(2026, 11, 1 + n, 8, tzinfo=timezone.utc), actions=tuple(actions),
                      document_id=f"SA-{n}")


ROSTER = [RosterEntry("S1", "Siân Ó Briain", "sian@school.example", "Teacher", "Welsh"),
          RosterEntry("S2", "Łucja Wójcik", "lucja@school.example", "Teacher", "Maths"),
          RosterEntry("S3", "=HYPERLINK(\"http://x\")", "evil@school.example", "Teacher", "Maths"),
          RosterEntry("S4", "Tom Smith", "tom@school.example", "Site manager", "Site"),
          RosterEntry("S5", "Ann Able", "Tom@School.example", "Office manager", "Office")]


@pytest.fixture
def view():
    files = [
        _record(1, "S1", "Siân Ó Briain", actions=[Action("Untag myself from the staff party photos", date(2026, 11, 5)),
                                                   Action("Set my Instagram account to private", date(2026, 12, 9))]),
        _record(2, "S2", "Łucja Wójcik", actions=[Action("Untag myself from the staff party photos", date(2026, 12, 1))],
                version="2025.1"),
        _record(3, "S9", "=cmd|' /C calc'!A0"),  # a name that Excel would run as a formula
        _record(4, "", "Tom Smith", code="broken-signature"),
    ]
    keys = [KeyRecord(f.staff_id, f.fingerprint, KeySource.FIRST_SEEN, NOW) for f in files if f.staff_id]
    return build_view(files, keys, ROSTER, "2026-27", TODAY, {"ysgol": "2026.1"})


def test_the_csv_opens_in_excel_as_utf8_and_reads_back(view, tmp_path):
    target = tmp_path / "out" / "register.csv"
    assert write_csv(view, target) == 4
    data = target.read_bytes()
    assert data.startswith(codecs.BOM_UTF8) and b"\r\n" in data
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    by_file = {row["file"]: row for row in rows}
    sian = by_file["/hr/in/01_S1.pdf"]
    assert (sian["status"], sian["name"], sian["department"], sian["email"], sian["counts"]) == (
        "valid", "Siân Ó Briain", "Welsh", "sian@school.example", "yes")
    assert sian["flags"] == "overdue-actions" and sian["overdue_actions"] == "1"
    assert sian["actions"] == ("Untag myself from the staff party photos (due 2026-11-05); "
                               "Set my Instagram account to private (due 2026-12-09)")
    assert by_file["/hr/in/02_S2.pdf"]["flags"] == "old-checklist"
    tampered = by_file["/hr/in/04_.pdf"]
    assert tampered["status"] == "broken-signature"
    assert tampered["reason"] == "the signature does not match the content"
    assert tampered["name"] == "Tom Smith"  # the signer, when the data cannot be trusted
    # text from a file never becomes a formula
    assert by_file["/hr/in/03_S9.pdf"]["name"] == "'=cmd|' /C calc'!A0"
    assert by_file["/hr/in/03_S9.pdf"]["flags"] == "not-on-roster"


def test_reminders_go_to_the_missing_once_each(view):
    # S3, S5 and S4 are missing, in name order; S5 and S4 share an address, which is given once
    assert remind_addresses(view) == ["evil@school.example", "Tom@School.example"]
    link = mailto_bcc(remind_addresses(view), subject="Your social media self-audit")
    assert link.startswith("mailto:?bcc=evil@school.example,Tom@School.example&subject=")
    assert unquote(link.split("subject=")[1]) == "Your social media self-audit"


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def test_the_summary_is_one_page_with_completion_by_department_and_common_actions(view, tmp_path):
    target = tmp_path / "summary.pdf"
    write_summary(view, target)
    assert _pages(target) == 1
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    text = " ".join(_pdf_text(target).split())
    assert "Social media self-audit 2026-27" in text and "Ysgol Aberdyfi" in text
    assert "Completion by department" in text
    for line in ("Maths 1 of 2 (50%)", "Welsh 1 of 1 (100%)", "Site 0 of 1 (0%)", "Not on the staff list 1 of 1"):
        assert line in text, text
    assert "Most common outstanding actions" in text
    assert "2× Untag myself from the staff party photos" in text
    assert "1× Set my Instagram account to private" in text
    assert "Siân" not in text and "Łucja" not in text  # counts only, no one named
    fonts = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True).stdout
    assert "DejaVuSans" in fonts


def test_many_departments_still_fit_one_page(tmp_path):
    roster = [RosterEntry(f"S{n}", f"Person {n}", f"p{n}@school.example", "Teacher", f"Department {n:02d}")
              for n in range(40)]
    view = build_view([], [], roster, "2026-27", TODAY, {})
    target = tmp_path / "summary.pdf"
    write_summary(view, target)
    assert _pages(target) == 1
    text = _pdf_text(target)
    assert "Other" in text and text.count("Department ") == MAX_GROUPS - 1
    assert "None: every accepted confirmation is complete." in " ".join(text.split())
