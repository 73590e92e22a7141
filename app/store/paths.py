"""Where the app keeps its data, and keeping it private to its owner."""

from __future__ import annotations

import os
import re
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


# -- network drives: SQLite's locking and WAL shared memory are not safe over them ----------

NETWORK_ENV = "SELF_AUDIT_ASSUME_NETWORK_DRIVE"  # "1": treat the data folder as on one (tests, IT trials)
_NETWORK_FS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "9p", "ceph", "glusterfs",
               "fuse.sshfs", "fuse.glusterfs", "fuse.davfs2", "davfs", "fuse.rclone", "fuse.s3fs"}


def on_network_drive(path: Path) -> bool:
    """Whether `path` is on a network file system (Linux: the mount table; Windows: the drive type)."""
    override = os.environ.get(NETWORK_ENV)
    if override is not None:
        return override == "1"
    try:
        if sys.platform == "win32":
            return _windows_remote(path)
        if sys.platform.startswith("linux"):
            return _linux_fs_type(path) in _NETWORK_FS
    except OSError:
        pass
    return False  # macOS and others: not told, so not assumed


def _linux_fs_type(path: Path) -> str:
    """The type of the mount holding `path`, from /proc/self/mountinfo (longest mount point wins)."""
    target = os.path.realpath(path)
    best, kind = "", ""
    with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as mounts:
        for line in mounts:
            fields = line.split()
            if "-" not in fields:
                continue
            point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4])  # \040: a space
            fs_type = fields[fields.index("-") + 1]
            inside = target == point or target.startswith(point.rstrip("/") + "/")
            if inside and len(point) >= len(best):
                best, kind = point, fs_type
    return kind


def _windows_remote(path: Path) -> bool:
    import ctypes

    resolved = os.path.abspath(path)
    if resolved.startswith("\\\\"):
        return True  # a UNC path: \\server\share
    drive_remote = 4
    return ctypes.windll.kernel32.GetDriveTypeW(os.path.splitdrive(resolved)[0] + "\\") == drive_remote


# -- owner-only, checked at every start ---------------------------------------------------


def secure_data_folder(folder: Path) -> list[str]:
    """Make the data folder and everything in it owner-only again: folders 0700, files 0600.

    Returns what had to be tightened (paths inside the folder: they name no person). Links are
    not followed. On Windows the folder lives under the user's own profile (%LOCALAPPDATA%),
    which only they and administrators can read, so nothing is changed there.
    """
    if os.name != "posix" or not folder.is_dir():
        return []
    tightened = []
    for path in [folder, *sorted(folder.rglob("*"))]:
        try:
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                continue
            wanted = 0o700 if stat.S_ISDIR(info.st_mode) else 0o600
            if stat.S_IMODE(info.st_mode) != wanted:
                path.chmod(wanted)
                tightened.append(str(path.relative_to(folder)))
        except OSError:
            continue  # vanished meanwhile, or not ours to change: the next start tries again
    return tightened
