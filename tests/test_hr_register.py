"""HR's register: a real SQLite file (private, versioned, kept aside when unreadable) and the
rules it applies, tested as pure functions on plain records."""

from __future__ import annotations

import sqlite3
import stat
from datetime import date, datetime, timezone

import pytest

from app.hr.records import Action, FileRecord, FileStatus, Flag, KeyRecord, KeySource, normalise_fingerprint
from app.hr.register import SCHEMA_VERSION, Register, RegisterError, RegisterReadOnlyError
from app.hr.roster import RosterEntry, parse_roster
from app.hr.rules import StaffState, build_view, first_seen_keys, is_older_version, key_book, key_problem

CYCLE = "2026-27"
TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
FP = {n: ":".join([f"{n:02X}"] * 32) for n in range(1, 10)}


def record(path: str, staff_id: str = "S1", fingerprint: str = FP[1], *, code: str = "valid", cycle: str = CYCLE,
           signed: datetime = datetime(2026, 11, 2, 9, tzinfo=timezone.utc), version: str = "2026.1",
           actions: tuple[Action, ...] = (), name: str = "Ann Able") -> FileRecord:
    valid = code == "valid"
    return FileRecord(path=path, sha256=path.encode().hex()[:64].ljust(64, "0"), size=1000, mtime_ns=1,
                      checked_at=NOW, code=code, reason="" if valid else "not a PDF file",
                      fingerprint=fingerprint, signer_name=name, signed_at=signed,
                      **({} if not valid else dict(
                          staff_id=staff_id, name=name, role="Teacher", school="Ysgol", cycle=cycle,
                          audit_type="annual", checklist_id="ysgol", checklist_version=version, completed_at=signed,
                          actions=actions, document_id=f"SA-{path}")))


def key(staff_id: str, fingerprint: str, source: KeySource = KeySource.FIRST_SEEN) -> KeyRecord:
    return KeyRecord(staff_id, fingerprint, source, NOW)


def view(files, keys=(), roster=None, current=None):
    return build_view(files, keys, roster, CYCLE, TODAY, current or {"ysgol": "2026.1"})


# -- the SQLite file ------------------------------------------------------------------------

def test_a_new_register_is_private_versioned_and_in_wal(tmp_path):
    path = tmp_path / "hr" / "register.sqlite3"
    with Register.open(path) as register:
        assert not register.notices and not register.read_only
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"files", "confirmations", "keys", "roster", "settings"} <= tables


def test_records_keys_and_the_roster_read_back_as_written(tmp_path):
    path = tmp_path / "register.sqlite3"
    files = [record("/f/a.pdf", actions=(Action("Untag the photos", date(2026, 12, 1)), Action("Other", None))),
             record("/f/b.pdf", code="not-pdf")]
    with Register.open(path) as register:
        register.record_files(files)
        register.add_keys([key("S1", FP[1])])
        register.import_roster(parse_roster(b"Staff ID,Name,Email,Department\nS1,Ann Able,a@s.example,Maths\n",
                                            "staff.csv"))
    with Register.open(path) as register:
        assert register.files() == tuple(files)
        assert register.file_hashes() == {f.path: f.sha256 for f in files}
        assert register.keys() == (key("S1", FP[1]),)
        assert register.roster() == (RosterEntry("S1", "Ann Able", "a@s.example", "", "Maths", None),)
        assert register.setting("roster_source") == "staff.csv"
        assert register.forget_files(["/f/a.pdf"]) == 1
        assert [f.path for f in register.files()] == ["/f/b.pdf"]


def test_without_an_imported_roster_there_is_none(tmp_path):
    with Register.open(tmp_path / "r.sqlite3") as register:
        assert register.roster() is None


def test_hr_keys_are_normalised_and_a_bad_fingerprint_is_refused(tmp_path):
    with Register.open(tmp_path / "r.sqlite3") as register:
        entered = register.enter_key(" S1 ", "ab cd" + "01" * 30, KeySource.HR_ENTERED, note="at induction")
        assert entered.fingerprint == "AB:CD:" + ":".join(["01"] * 30) and entered.staff_id == "S1"
        with pytest.raises(RegisterError, match="is not a key fingerprint: it should be 64 letters and digits"):
            register.enter_key("S1", "12:34")
        with pytest.raises(RegisterError, match="Enter the staff ID"):
            register.enter_key("  ", FP[1])
        assert [k.note for k in register.keys()] == ["at induction"]
    assert normalise_fingerprint(FP[2].lower().replace(":", "")) == FP[2]


def test_a_file_that_is_not_a_register_is_kept_aside_and_a_new_one_started(tmp_path):
    path = tmp_path / "register.sqlite3"
    path.write_bytes(b"these are not the droids")
    with Register.open(path) as register:
        assert "could not be read (it is not a register)" in register.notices[0]
        register.add_keys([key("S1", FP[1])])
    kept = [p for p in tmp_path.iterdir() if ".unreadable-" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes() == b"these are not the droids"


def test_a_register_from_a_newer_version_opens_read_only(tmp_path):
    path = tmp_path / "register.sqlite3"
    Register.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with Register.open(path) as register:
        assert register.read_only and "newer version" in register.notices[0]
        assert register.files() == ()
        with pytest.raises(RegisterReadOnlyError, match="open read-only"):
            register.record_files([record("/f/a.pdf")])


def test_a_folder_in_the_way_is_a_clear_error(tmp_path):
    (tmp_path / "register.sqlite3").mkdir()
    with pytest.raises(RegisterError, match="is a folder, not a file"):
        Register.open(tmp_path / "register.sqlite3")


# -- the rules: keys ------------------------------------------------------------------------

def test_the_first_key_seen_is_recorded_in_signing_order_and_never_for_a_key_someone_holds():
    later = record("/f/b.pdf", "S1", FP[2], signed=datetime(2026, 11, 5, tzinfo=timezone.utc))
    earlier = record("/f/a.pdf", "S1", FP[1])
    other = record("/f/c.pdf", "S2", FP[1])
    new = first_seen_keys([later, other, earlier], [], NOW)
    assert [(k.staff_id, k.fingerprint, k.file) for k in new] == [("S1", FP[1], "/f/a.pdf")]
    assert first_seen_keys([earlier], [key("S1", FP[3])], NOW) == []


def test_key_problems():
    book = key_book([key("S1", FP[1]), key("S2", FP[2], KeySource.HR_ENTERED), key("S3", FP[3]),
                     key("S3", FP[4], KeySource.HR_ACCEPTED), key("S4", FP[5], KeySource.HR_ENTERED),
                     key("S5", FP[5], KeySource.HR_ENTERED)])
    assert key_problem("s1", FP[1], book) is None  # IDs compare case-insensitively
    assert key_problem("S1", FP[9], book)[0] is FileStatus.CHANGED_KEY
    assert key_problem("S2", FP[9], book)[0] is FileStatus.UNKNOWN_KEY
    assert key_problem("S2", FP[2], book) is None
    assert key_problem("S3", FP[4], book) is None and key_problem("S3", FP[3], book) is None
    assert key_problem("S6", FP[1], book) == (
        FileStatus.SHARED_KEY, "signed with the key already recorded for S1; one key for two staff IDs needs HR "
                               "to confirm it")
    assert key_problem("S4", FP[5], book) is None  # HR entered one key for two IDs on purpose
    assert key_problem("S7", FP[8], book)[0] is FileStatus.UNKNOWN_KEY  # nothing recorded at all


# -- the rules: the register ----------------------------------------------------------------

def test_the_latest_of_several_confirmations_counts_and_the_others_are_listed():
    files = [record("/f/a.pdf"), record("/f/b.pdf", signed=datetime(2026, 11, 9, tzinfo=timezone.utc)),
             record("/f/c.pdf", signed=datetime(2026, 10, 9, tzinfo=timezone.utc))]
    result = view(files, [key("S1", FP[1])])
    assert {r.record.path: (r.status, r.counts) for r in result.files} == {
        "/f/a.pdf": ("duplicate", False), "/f/b.pdf": ("valid", True), "/f/c.pdf": ("duplicate", False)}
    [person] = result.staff
    assert person.state == StaffState.COMPLETED and person.file.record.path == "/f/b.pdf"
    assert [r.record.path for r in person.other_files] == ["/f/a.pdf", "/f/c.pdf"]


def test_a_flagged_key_never_outranks_an_accepted_file():
    files = [record("/f/a.pdf"), record("/f/b.pdf", fingerprint=FP[2],
                                        signed=datetime(2026, 11, 9, tzinfo=timezone.utc))]
    statuses = {r.record.path: r.status for r in view(files, [key("S1", FP[1])]).files}
    assert statuses == {"/f/a.pdf": "valid", "/f/b.pdf": "changed-key"}


def test_flags_on_an_accepted_confirmation():
    actions = (Action("Untag", date(2026, 11, 19)), Action("Private", date(2026, 11, 20)), Action("Later", None))
    files = [record("/f/a.pdf", version="2025.3", actions=actions)]
    [row] = view(files, [key("S1", FP[1])], roster=[RosterEntry("S9", "Someone", "s@x")]).files
    assert row.status == "valid"
    assert row.flags == (Flag.OLD_CHECKLIST, Flag.OVERDUE_ACTIONS, Flag.NOT_ON_ROSTER)
    assert row.flag_reasons == ("checklist version 2025.3; the current one is 2026.1",
                                "1 action overdue (due 19/11/2026)", "S1 is not on the staff list")


def test_who_is_missing_who_needs_attention_and_emails_as_staff_ids():
    roster = [RosterEntry("S1", "Ann Able", "ann@s.example", "Teacher", "Maths"),
              RosterEntry("S2", "Ben Bold", "ben@s.example", "Teacher", "English"),
              RosterEntry("S3", "Cat Cole", "cat@s.example", "Office manager", ""),
              RosterEntry("S4", "Dai Dee", "dai@s.example", "Site manager", "")]
    files = [record("/f/a.pdf", "ANN@s.example"),  # signed with the email as the staff ID
             record("/f/b.pdf", "S2", FP[2], cycle="2025-26", name="Ben Bold"),
             record("/f/c.pdf", code="not-pdf")]
    result = view(files, [key("ANN@s.example", FP[1]), key("S2", FP[2])], roster)
    assert {p.staff_id: p.state for p in result.staff} == {
        "S1": StaffState.COMPLETED, "S2": StaffState.NEEDS_ATTENTION, "S3": StaffState.MISSING,
        "S4": StaffState.MISSING}
    assert [p.name for p in result.missing] == ["Cat Cole", "Dai Dee"]
    assert result.status_counts() == {"valid": 1, "wrong-cycle": 1, "not-pdf": 1}
    assert next(p for p in result.staff if p.staff_id == "S3").group == "Office manager"


def test_without_a_roster_the_staff_are_those_the_files_name():
    files = [record("/f/a.pdf"), record("/f/b.pdf", "S2", FP[2], name="Ben Bold")]
    result = view(files, [key("S1", FP[1]), key("S2", FP[2])])
    assert [(p.staff_id, p.state, p.on_roster) for p in result.staff] == [
        ("S1", StaffState.COMPLETED, False), ("S2", StaffState.COMPLETED, False)]
    assert not result.has_roster and result.missing == ()


def test_the_most_common_outstanding_actions_count_each_person_once():
    files = [record("/f/a.pdf", actions=(Action("Untag the photos", None), Action("untag the  photos", None))),
             record("/f/b.pdf", "S2", FP[2], actions=(Action("Untag the photos", None),
                                                       Action("Set Instagram to private", None)))]
    counts = view(files, [key("S1", FP[1]), key("S2", FP[2])]).outstanding_actions()
    assert counts.most_common() == [("Untag the photos", 2), ("Set Instagram to private", 1)]


def test_versions_compare_as_numbers():
    assert is_older_version("2025.9", "2026.1") and is_older_version("2026.2", "2026.10")
    assert not is_older_version("2026.1", "2026.1") and not is_older_version("2027.1", "2026.1")
    assert is_older_version("draft", "2026.1")
