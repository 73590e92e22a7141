"""Owner-only, checked at every start: data, key, log and cache files loosened by hand are tightened.

The real app is started (run_app) on a data folder whose modes a backup restore or a careless
copy has opened up; afterwards every folder is 0700 and every file 0600, and the log says which
files it changed, naming no person. On Windows the folder is under %LOCALAPPDATA%.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from app.store.paths import DATABASE_NAME, data_dir, secure_data_folder

sys.path.insert(0, str(Path(__file__).parent))  # tests/faults, the helpers
from faults.gui import start_app  # noqa: E402

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes; Windows: see the last test")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def loosened_folder(folder: Path) -> list[Path]:
    """A data folder as a first start leaves it, plus an identity, with every mode opened up."""
    files = {
        DATABASE_NAME: None, "logs/self-audit.log": b"2026-11-20 started\n", "logs/self-audit.log.1": b"old\n",
        "identity/signing-key.pem": b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n",
        "identity/signing-certificate.pem": b"-----BEGIN CERTIFICATE-----\n",
        "cache/bury-ce.toml.json": b"{}", "self-audit.lock": b"",
    }
    from app.store.repository import AuditRepository

    AuditRepository.open(folder / DATABASE_NAME).close()
    for name, content in files.items():
        if content is not None:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(content)
    paths = [folder, *folder.rglob("*")]
    for path in paths:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return paths


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("SELF_AUDIT_DATA_DIR", str(folder))
    return folder


@posix_only
def test_every_start_makes_the_data_folder_owner_only_again(data, monkeypatch, qapp):
    paths = loosened_folder(data)
    outside = data.parent / "elsewhere.txt"  # a link out of the folder is not followed
    outside.write_text("not ours")
    outside.chmod(0o644)
    (data / "link").symlink_to(outside)

    started = start_app(monkeypatch)

    assert started.code == 0 and started.error is None
    for path in paths:
        assert mode(path) == (0o700 if path.is_dir() else 0o600), f"{path.relative_to(data)} is {oct(mode(path))}"
    for path in data.rglob("*"):  # and whatever the start itself wrote
        if not path.is_symlink():
            assert mode(path) == (0o700 if path.is_dir() else 0o600), path
    assert mode(outside) == 0o644
    log = (data / "logs" / "self-audit.log").read_text()
    assert "made owner-only again" in log
    assert "identity/signing-key.pem" in log and DATABASE_NAME in log


@posix_only
def test_an_owner_only_folder_is_left_alone_and_nothing_logged(data, monkeypatch, qapp):
    loosened_folder(data)
    secure_data_folder(data)
    assert secure_data_folder(data) == []  # nothing left to tighten
    started = start_app(monkeypatch)
    assert started.code == 0
    assert "made owner-only again" not in (data / "logs" / "self-audit.log").read_text()


@posix_only
def test_new_files_are_owner_only_from_the_start(data, monkeypatch, qapp):
    old = os.umask(0o022)  # a permissive umask: the app sets its own
    try:
        started = start_app(monkeypatch)
    finally:
        os.umask(old)
    assert started.code == 0
    for path in [data, *data.rglob("*")]:
        assert mode(path) == (0o700 if path.is_dir() else 0o600), f"{path} is {oct(mode(path))}"


def test_on_windows_the_folder_is_under_the_users_local_profile(monkeypatch):
    monkeypatch.delenv("SELF_AUDIT_DATA_DIR", raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", r"C:\Users\kai\AppData\Local")
    assert str(data_dir()).replace("/", "\\").endswith(r"C:\Users\kai\AppData\Local\StaffSelfAudit")
