"""Collecting a folder into HR's register: real signed PDFs, real worker processes, a real SQLite file.

The folder mixes valid, tampered, duplicated, foreign-key, shared-key, wrong-cycle, older
checklist, overdue and non-PDF files (see hr_helpers.py); each must come out as what it is.
"""

from __future__ import annotations

import io
import shutil
import stat
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import hr_helpers as hr  # noqa: E402

from app.hr.collect import CollectError, collect, find_pdfs  # noqa: E402
from app.hr.records import FileStatus, Flag  # noqa: E402
from app.hr.register import Register  # noqa: E402
from app.hr.roster import parse_roster  # noqa: E402
from app.hr.rules import StaffState  # noqa: E402


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    return hr.mixed_folder(tmp_path_factory.mktemp("received") / "confirmations")


@pytest.fixture
def folder(source, tmp_path) -> Path:
    copy = tmp_path / "confirmations"
    shutil.copytree(source, copy)
    return copy


@pytest.fixture
def register(tmp_path):
    with Register.open(tmp_path / "hr" / "register.sqlite3") as opened:
        yield opened


def _view(register):
    return register.view(hr.CYCLE, hr.TODAY, hr.CURRENT_VERSIONS)


def _statuses(view, folder: Path) -> dict[str, str]:
    return {Path(row.record.path).relative_to(folder).as_posix(): row.status for row in view.files}


def test_every_file_comes_out_as_what_it_is(folder, register):
    result = collect(folder, register)
    assert (result.found, result.checked, result.unchanged, result.ignored) == (12, 12, 0, 1)
    assert not result.cancelled
    view = _view(register)
    assert _statuses(view, folder) == hr.EXPECTED
    by_name = {Path(row.record.path).name: row for row in view.files}
    assert by_name["S1002_tampered.pdf"].reason.startswith("the signature does not match the content")
    assert by_name["not-a-pdf.pdf"].reason == "not a PDF file"
    assert "S1004_own-key.pdf" in by_name["S1004_other-key.pdf"].reason
    assert "S1005" in by_name["S1006_shared.pdf"].reason
    assert by_name["S1007_last-year.pdf"].reason == "a confirmation for 2025-26, not 2026-27"
    assert "S1003_second.pdf, counts" in by_name["S1003_first.pdf"].reason
    assert by_name["S1008_old-checklist.pdf"].flags == (Flag.OLD_CHECKLIST,)
    assert by_name["S1009_overdue.pdf"].flags == (Flag.OVERDUE_ACTIONS,)
    assert by_name["S1009_overdue.pdf"].flag_reasons == ("1 action overdue (due 01/11/2026)",)
    assert by_name["S1003_second.pdf"].counts and not by_name["S1003_first.pdf"].counts
    # the fingerprint and hash of every file that could be read are kept
    assert all(len(row.record.sha256) == 64 for row in view.files)
    assert by_name["S1001_valid.pdf"].record.fingerprint.count(":") == 31


def test_hidden_files_are_skipped_and_other_names_only_counted(folder):
    found, ignored = find_pdfs(folder)
    names = {p.name for p in found}
    assert ".hidden.pdf" not in names and "notes.txt" not in names
    assert "S1009_overdue.pdf" in names  # in a subfolder
    assert ignored == 1


def test_with_the_roster_the_register_shows_who_is_missing(folder, register):
    register.import_roster(parse_roster(hr.ROSTER_CSV.encode(), "staff.csv"))
    collect(folder, register)
    view = _view(register)
    states = {row.staff_id: row.state for row in view.staff}
    assert states == {
        "S1001": StaffState.COMPLETED, "S1002": StaffState.MISSING,  # tampered: nothing to tie it to S1002
        "S1003": StaffState.COMPLETED, "S1004": StaffState.COMPLETED, "S1005": StaffState.COMPLETED,
        "S1006": StaffState.NEEDS_ATTENTION, "S1007": StaffState.NEEDS_ATTENTION,
        "S1008": StaffState.COMPLETED, "S1009": StaffState.COMPLETED, "S1010": StaffState.MISSING,
    }
    s1003 = next(row for row in view.staff if row.staff_id == "S1003")
    assert Path(s1003.file.record.path).name == "S1003_second.pdf"
    assert [Path(r.record.path).name for r in s1003.other_files] == ["S1003_first.pdf"]
    assert s1003.group == "Learning support"


def test_a_second_run_checks_only_new_and_changed_files(folder, register, source):
    collect(folder, register)
    totals = []
    again = collect(folder, register, progress=lambda done, total: totals.append(total))
    assert (again.checked, again.unchanged) == (0, 12) and totals == [0]

    # one file replaced by other bytes, one new, one moved to another folder, one deleted
    (folder / "S1001_valid.pdf").write_bytes((source / "S1005_shared.pdf").read_bytes())
    (folder / "late").mkdir()
    (folder / "late" / "S1010.pdf").write_bytes(hr.signed(hr.identity_for("Hannah Williams", "S1010"),
                                                          "Hannah Williams", "S1010"))
    (folder / "S1008_old-checklist.pdf").rename(folder / "late" / "S1008_moved.pdf")
    (folder / "not-a-pdf.pdf").unlink()
    totals.clear()
    third = collect(folder, register, progress=lambda done, total: totals.append(total))
    assert (third.checked, third.unchanged, third.reused, third.removed) == (1, 9, 2, 2)
    assert totals[0] == 1
    statuses = _statuses(_view(register), folder)
    assert statuses["late/S1010.pdf"] == "valid"
    assert statuses["late/S1008_moved.pdf"] == "valid"
    assert "not-a-pdf.pdf" not in statuses and "S1008_old-checklist.pdf" not in statuses
    # S1001's file now holds S1005's confirmation: a second, identical file for S1005
    assert statuses["S1001_valid.pdf"] in {"valid", "duplicate"}


def test_cancelling_midway_keeps_what_was_done_and_the_next_run_finishes(folder, register):
    seen = []
    result = collect(folder, register, workers=1, progress=lambda done, total: seen.append(done),
                      cancelled=lambda: len(seen) > 3)  # after three files
    assert result.cancelled
    kept = len(register.files())
    assert 3 <= kept < 12
    rest = collect(folder, register)
    assert not rest.cancelled and rest.checked == 12 - kept and rest.unchanged == kept
    assert _statuses(_view(register), folder) == hr.EXPECTED


def test_a_key_hr_accepts_or_entered_changes_the_verdict(folder, register):
    from app.hr.records import KeySource

    collect(folder, register)
    by_name = {Path(row.record.path).name: row for row in _view(register).files}
    other_key = by_name["S1004_other-key.pdf"].record.fingerprint
    register.enter_key("S1004", other_key, KeySource.HR_ACCEPTED, note="new laptop, she told us")
    register.enter_key("s1006", by_name["S1006_shared.pdf"].record.fingerprint.replace(":", "").lower(),
                       KeySource.HR_ACCEPTED)
    statuses = _statuses(_view(register), folder)
    assert statuses["S1004_other-key.pdf"] == "valid"  # and the later of the two counts
    assert statuses["S1004_own-key.pdf"] == "duplicate"
    assert statuses["S1006_shared.pdf"] == "valid"

    # A key HR enters is the one that counts from then on, over the first one seen
    register.enter_key("S1001", "AB" * 32, KeySource.HR_ENTERED)
    assert collect(folder, register).checked == 0  # no file is checked again: the rules are applied afresh
    row = next(r for r in _view(register).files if r.record.path.endswith("S1001_valid.pdf"))
    assert row.status == FileStatus.UNKNOWN_KEY


def test_a_key_hr_entered_before_collecting_flags_any_other_key(folder, register):
    from app.hr.records import KeySource

    register.enter_key("S1001", "AB" * 32, KeySource.HR_ENTERED, note="noted at induction")
    collect(folder, register)
    row = next(r for r in _view(register).files if r.record.path.endswith("S1001_valid.pdf"))
    assert row.status == FileStatus.UNKNOWN_KEY
    assert row.reason == "signed with a key HR has not recorded for S1001 (HR entered ABABABABABABABAB…)"


def test_a_folder_that_is_not_there_or_not_a_folder_is_a_clear_error(tmp_path, register):
    with pytest.raises(CollectError, match="was not found"):
        collect(tmp_path / "nowhere", register)
    (tmp_path / "file.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(CollectError, match="is a file, not a folder"):
        collect(tmp_path / "file.pdf", register)


def test_the_register_file_is_owner_only(folder, register):
    collect(folder, register)
    assert stat.S_IMODE(register.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(register.path.parent.stat().st_mode) == 0o700


# The faster parsing the workers use gives exactly what pyHanko's own gives

HEX_CASES = [b"<48656C6C6F>", b"<48 65\n6C\r6c\t6F>rest", b"<486>", b"<>", b"<48G5>", b"<48%comment\n65>",
             b"<4865", b"< 00ff >/Next", b"<" + b"AB" * 40000 + b">"]
NAME_CASES = [b"Type /Next", b"Sig", b"A#20B ", b"caf\xc3\xa9 x", b"Lat\xe9", b"a(b", b"end", b"Name" * 100 + b" "]


def _outcome(function, data: bytes):
    stream = io.BytesIO(data)
    try:
        value = function(stream)
        return type(value).__name__, value, stream.tell()
    except Exception as error:  # noqa: BLE001 - the same kind of failure is what is compared
        return type(error).__name__, None, None


def test_fast_hex_strings_are_read_exactly_as_pyhanko_reads_them():
    from pyhanko.pdf_utils import generic

    from app.hr.fast_parsing import replacements

    fast = replacements()["read_hex_string_from_stream"]
    for case in HEX_CASES:
        assert _outcome(fast, case) == _outcome(generic.read_hex_string_from_stream, case), case


def test_fast_names_are_read_exactly_as_pyhanko_reads_them():
    from pyhanko.pdf_utils import generic

    from app.hr.fast_parsing import replacements

    fast = replacements()
    for case in NAME_CASES:
        assert _outcome(fast["read_until_delimiter"], case) == _outcome(generic.read_until_delimiter, case), case
        token = case.split(b" ")[0]
        assert _outcome(lambda s: fast["_decode_name"](s.read()), token) == \
            _outcome(lambda s: generic._decode_name(s.read()), token), token


def test_fast_name_preparation_matches_asn1crypto():
    from asn1crypto import x509

    from app.hr.fast_parsing import replacements

    fast = replacements()["_ldap_string_prep"]
    for text in ("Siân  Ó Briain", "ABC\u00addef", "Tom\tSmith", "S1234", "İstanbul", ""):
        assert fast(None, text) == x509.NameTypeAndValue._ldap_string_prep(None, text)
        assert fast(None, text) == fast(None, text)  # cached


def test_collecting_does_not_change_pyhanko_in_this_process(folder, register):
    from pyhanko.pdf_utils import generic

    before = generic.read_hex_string_from_stream
    collect(folder, register)
    assert generic.read_hex_string_from_stream is before  # the replacements live in the workers only
