"""`self-audit hr ...` as HR runs it: a real process, a real folder, a real register file."""

from __future__ import annotations

import codecs
import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import hr_helpers as hr  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return hr.mixed_folder(tmp_path_factory.mktemp("received") / "in")


@pytest.fixture
def roster(tmp_path) -> Path:
    path = tmp_path / "staff.csv"
    path.write_bytes(codecs.BOM_UTF8 + hr.ROSTER_CSV.replace(",", ";").encode())
    return path


def _hr(*args, data: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", "hr", *map(str, args)], capture_output=True, text=True,
                          timeout=300, cwd=REPO, env=dict(os.environ, SELF_AUDIT_DATA_DIR=str(data)))


def test_collect_with_a_roster_writes_the_csv_and_summary_and_names_who_is_missing(folder, roster, tmp_path):
    done = _hr("collect", folder, "--roster", roster, "--csv", tmp_path / "out.csv", "--summary",
               tmp_path / "summary.pdf", "--as-of", "2026-11-20", "--cycle", "2026-27", data=tmp_path / "data")
    assert done.returncode == 1, done.stderr  # flagged files and missing staff: HR has work to do
    out = done.stdout
    assert "Staff list: 10 staff from staff.csv" in out
    assert "12 PDF file(s) in" in out and "12 checked, 0 unchanged; 1 other file(s) ignored" in out
    assert "Staff: 6 of 10 completed, 2 need attention, 2 missing" in out
    # S1002's only file was tampered with: nothing in it can be trusted to say whose it is
    assert ("Missing (2):\n  Hannah Williams (S1010) h.williams@school.example\n"
            "  Tomos Rhys (S1002) t.rhys@school.example\n") in out
    assert "changed-key" in out and "shared-key" in out and "wrong-cycle" in out and "not-pdf" in out
    # the register is in the data folder by default
    assert (tmp_path / "data" / "hr-register.sqlite3").is_file()
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text("utf-8-sig"))))
    assert {Path(r["file"]).relative_to(folder).as_posix(): r["status"] for r in rows} == hr.EXPECTED
    summary = subprocess.run(["pdftotext", str(tmp_path / "summary.pdf"), "-"], capture_output=True, text=True)
    assert "Completion by department" in summary.stdout

    again = _hr("collect", folder, "--as-of", "2026-11-20", data=tmp_path / "data")
    assert "0 checked, 12 unchanged" in again.stdout
    assert "Missing (2)" in again.stdout  # the roster imported before is kept


def test_accepting_a_flagged_key_and_entering_a_known_one(folder, tmp_path):
    data = tmp_path / "data"
    _hr("collect", folder, "--as-of", "2026-11-20", "--csv", tmp_path / "first.csv", data=data)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "first.csv").read_text("utf-8-sig"))))
    other = next(r for r in rows if r["file"].endswith("S1004_other-key.pdf"))
    accepted = _hr("accept-key", "S1004", other["fingerprint"], "--note", "new laptop", data=data)
    assert accepted.returncode == 0 and accepted.stdout.startswith("Accepted key ")
    _hr("collect", folder, "--as-of", "2026-11-20", "--csv", tmp_path / "second.csv", data=data)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "second.csv").read_text("utf-8-sig"))))
    assert next(r for r in rows if r["file"].endswith("S1004_other-key.pdf"))["status"] == "valid"

    refused = _hr("known-key", "S1001", "not-a-fingerprint", data=data)
    assert refused.returncode == 2
    assert refused.stderr.startswith("self-audit: 'not-a-fingerprint' is not a key fingerprint")


def test_usage_errors_exit_2_with_a_plain_message(tmp_path):
    missing = _hr("collect", tmp_path / "nowhere", data=tmp_path / "data")
    assert missing.returncode == 2 and "was not found" in missing.stderr
    bad = tmp_path / "staff.csv"
    bad.write_text("Staff ID,Name\nS1,A Person\n")
    (tmp_path / "in").mkdir()
    roster = _hr("collect", tmp_path / "in", "--roster", bad, data=tmp_path / "data")
    assert roster.returncode == 2
    assert roster.stderr == ("self-audit: staff.csv has no column for the email address ('Email') and the role or "
                             "department ('Role' or 'Department'). The columns found were: 'Staff ID', 'Name'.\n")


def test_an_empty_folder_with_no_roster_is_all_clear(tmp_path):
    (tmp_path / "in").mkdir()
    done = _hr("collect", tmp_path / "in", "--register", tmp_path / "r.sqlite3", data=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    assert "0 PDF file(s)" in done.stdout and "import a staff list with --roster" in done.stdout
    assert not (tmp_path / "data").exists()  # --register given: the data folder is left alone


def test_the_default_cycle_is_the_school_configurations(folder, tmp_path):
    config = tmp_path / "school.toml"
    config.write_text('[cycle]\nstart_month = 1\ndue = "03-31"\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "app", "hr", "collect", str(folder), "--as-of", "2026-11-20"],
                          capture_output=True, text=True, timeout=300, cwd=REPO,
                          env=dict(os.environ, SELF_AUDIT_DATA_DIR=str(tmp_path / "data"),
                                   SELF_AUDIT_SCHOOL_CONFIG=str(config)))
    assert "Cycle 2026:" in done.stdout, done.stdout + done.stderr  # calendar years, not 2026-27

    config.write_text('[cycle]\nstart_month = 13\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "app", "hr", "collect", str(folder), "--as-of", "2026-11-20"],
                          capture_output=True, text=True, timeout=300, cwd=REPO,
                          env=dict(os.environ, SELF_AUDIT_DATA_DIR=str(tmp_path / "data"),
                                   SELF_AUDIT_SCHOOL_CONFIG=str(config)))
    assert "start_month" in done.stderr and "Using the academic year" in done.stderr
    assert "Cycle 2026-27:" in done.stdout
