"""The staff list as schools' MIS systems export it: headers in any case, comma or semicolon,
BOM or not, UTF-8 or Windows-1252; and every way it can be unusable, each with its own message."""

from __future__ import annotations

import codecs
from datetime import date

import pytest

from app.hr.roster import RosterError, parse_roster, read_roster

PLAIN = "Staff ID,Name,Email,Role,Department,Start date\nS1,Siân Jones,s.jones@school.example,Teacher,Welsh,01/09/2020\n"


def test_a_plain_comma_separated_list():
    roster = parse_roster(PLAIN.encode(), "staff.csv")
    [entry] = roster.entries
    assert (entry.staff_id, entry.name, entry.email, entry.role, entry.department) == (
        "S1", "Siân Jones", "s.jones@school.example", "Teacher", "Welsh")
    assert entry.start_date == date(2020, 9, 1)  # a UK date: 1 September, not 9 January
    assert roster.problems == () and roster.encoding == "utf-8"


def test_semicolons_a_bom_other_header_names_and_forename_surname(tmp_path):
    text = ("EMPLOYEE NUMBER;Forename;Surname;E-mail;Job Title;Dept;Start Date\r\n"
            "0042;Łucja;Wójcik;l.wojcik@school.example;Teaching assistant;SEN;4-1-2022\r\n"
            '"0043";"Seán";"Ó Briain";"s.obriain@school.example";"Teacher; Year 6";"KS2";"2021-09-01"\r\n')
    path = tmp_path / "export.csv"
    path.write_bytes(codecs.BOM_UTF8 + text.encode())
    roster = read_roster(path)
    assert [(e.staff_id, e.name, e.role, e.department, e.start_date) for e in roster.entries] == [
        ("0042", "Łucja Wójcik", "Teaching assistant", "SEN", date(2022, 1, 4)),
        ("0043", "Seán Ó Briain", "Teacher; Year 6", "KS2", date(2021, 9, 1)),
    ]
    assert roster.entries[0].group == "SEN"


def test_windows_1252_as_excel_saves_csv():
    text = "StaffID,Full Name,Email Address,Role\r\nS7,Chloé Dubois,c.dubois@school.example,Cover supervisor\r\n"
    roster = parse_roster(text.encode("cp1252"), "excel.csv")
    assert roster.entries[0].name == "Chloé Dubois" and roster.encoding == "windows-1252"
    assert roster.entries[0].group == "Cover supervisor"  # no department column: the role


def test_utf16_with_tabs_as_excel_saves_unicode_text():
    text = "Staff ID\tName\tEmail\tDepartment\r\nS9\tZdeněk Dvořák\tz.dvorak@school.example\tScience\r\n"
    roster = parse_roster(text.encode("utf-16"), "unicode.txt")
    assert roster.entries[0].name == "Zdeněk Dvořák" and roster.entries[0].department == "Science"


def test_text_in_neither_encoding_is_named_as_such():
    data = b"Staff ID,Name,Email,Role\nS1,Bad \x81\x8d bytes,x@y.z,Teacher\n"
    with pytest.raises(RosterError) as error:
        parse_roster(data, "odd.csv")
    assert str(error.value).startswith("odd.csv is neither UTF-8 nor Windows-1252 text")


def test_a_missing_column_is_named():
    with pytest.raises(RosterError) as error:
        parse_roster(b"Staff ID,Name,Role\nS1,A Person,Teacher\n", "staff.csv")
    assert str(error.value) == ("staff.csv has no column for the email address ('Email'). "
                                "The columns found were: 'Staff ID', 'Name', 'Role'.")
    with pytest.raises(RosterError, match=r"no column for the staff ID .* and the role or department"):
        parse_roster(b"Name,Email\nA Person,a@school.example\n", "staff.csv")
    with pytest.raises(RosterError, match=r"the name \('Name', or 'Forename' and 'Surname'\)"):
        parse_roster(b"Staff ID,Forename,Email,Role\nS1,A,a@school.example,Teacher\n", "staff.csv")


def test_an_empty_file_and_a_header_without_staff(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(RosterError, match=r"^empty.csv is empty"):
        read_roster(empty)
    with pytest.raises(RosterError, match=r"^empty.csv is empty"):
        parse_roster(codecs.BOM_UTF8 + b"\r\n;;;\r\n", "empty.csv")
    with pytest.raises(RosterError, match="has a header row but no staff in it"):
        parse_roster(b"Staff ID,Name,Email,Role\n\n", "header.csv")


def test_unreadable_files(tmp_path):
    with pytest.raises(RosterError, match=r"^The staff list .*missing.csv was not found"):
        read_roster(tmp_path / "missing.csv")
    with pytest.raises(RosterError, match="is a folder, not a staff list"):
        read_roster(tmp_path)
    workbook = tmp_path / "staff.xlsx"
    workbook.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(RosterError, match="is an Excel workbook, not a CSV file"):
        read_roster(workbook)


def test_duplicates_blank_rows_and_bad_rows_are_reported_and_the_rest_kept():
    text = ("Staff ID,Name,Email,Role,Start date\n"
            "S1,Ann Able,ann@school.example,Teacher,01/09/2020\n"
            "\n"
            ",,,,\n"
            "s1 ,Ann Again,ann2@school.example,Teacher,\n"
            ",No Id,noid@school.example,Teacher,\n"
            "S3,,s3@school.example,Teacher,\n"
            "S4,Dai Date,dai@school.example,Teacher,31/02/2020\n")
    roster = parse_roster(text.encode(), "staff.csv")
    assert [e.staff_id for e in roster.entries] == ["S1", "S4"]
    assert roster.entries[1].start_date is None
    assert roster.problems == (
        "line 5: staff ID s1 appears again (first on line 2); the first is used",
        "line 6: no staff ID for No Id; the row is left out",
        "line 7: no name for staff ID S3; the row is left out",
        "line 8: the start date '31/02/2020' of S4 is not a date (use DD/MM/YYYY)",
        "2 blank rows skipped",
    )


def test_a_confirmation_is_matched_by_staff_id_or_email():
    roster = parse_roster(PLAIN.encode(), "staff.csv")
    assert roster.find(" s1 ").name == "Siân Jones"
    assert roster.find("S.Jones@School.Example").staff_id == "S1"
    assert roster.find("S2") is None
