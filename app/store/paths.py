"""Where the app keeps its data, and keeping it private to its owner."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

APP_FOLDER = "StaffSelfAudit"
DATA_DIR_ENV = "SELF_AUDIT_DATA_DIR"
DATABASE_NAME = "self-audit.sqlite3"


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / APP_FOLDER
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_FOLDER
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "staff-self-audit"


def database_path() -> Path:
    return data_dir() / DATABASE_NAME


def ensure_private_dir(path: Path) -> Path:
    """Create the folder if needed and make it owner-only (0700) on POSIX."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode != 0o700:
            path.chmod(0o700)
    return path


def make_private(path: Path) -> None:
    """Owner read/write only (0600) on POSIX; on Windows the per-user profile is private already."""
    if os.name == "posix" and path.exists():
        if stat.S_IMODE(path.stat().st_mode) != 0o600:
            path.chmod(0o600)
