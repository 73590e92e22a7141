"""Finding and reading the school configuration file IT deploys.

Looked for, first found wins: the file `SELF_AUDIT_SCHOOL_CONFIG` names; `school.toml` beside
the executable of a frozen build; the system-wide file for the OS (see `system_config_path`).
No file means no school settings: staff choose their school. The parser (and tomllib) is
imported only when a file exists, so start-up without one costs a few stat calls.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.core.school_config import SchoolConfig, SchoolConfigError

CONFIG_ENV = "SELF_AUDIT_SCHOOL_CONFIG"
CONFIG_NAME = "school.toml"
MAX_BYTES = 100_000  # a configuration is a few hundred bytes
MAX_LOGO_BYTES = 5_000_000
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def system_config_path() -> Path:
    if sys.platform == "win32":
        base = os.environ.get("ProgramData") or r"C:\ProgramData"
        return Path(base) / "StaffSelfAudit" / CONFIG_NAME
    if sys.platform == "darwin":
        return Path("/Library/Application Support/Staff Self-Audit") / CONFIG_NAME
    return Path("/etc/staff-self-audit") / CONFIG_NAME


def beside_executable_path() -> Path | None:
    """school.toml beside a frozen build's executable; None when running from Python."""
    if not getattr(sys, "frozen", False):
        return None
    return Path(sys.executable).resolve().parent / CONFIG_NAME


def find_school_config() -> Path | None:
    """The configuration file in force, or None when there is none.

    A file named by SELF_AUDIT_SCHOOL_CONFIG is returned even when missing: IT asked for it,
    so its absence is a problem to report, not a reason to look elsewhere.
    """
    named = os.environ.get(CONFIG_ENV)
    if named:
        return Path(named)
    for path in (beside_executable_path(), system_config_path()):
        if path is not None and path.is_file():
            return path
    return None


def load_school_config(path: Path | None = None) -> SchoolConfig | None:
    """The configuration (from `path`, else the one found), or None; raises SchoolConfigError."""
    path = path or find_school_config()
    if path is None:
        return None
    from app.core.school_config import Problem, SchoolConfigError, parse_school_config
    from app.resources import checklists_dir

    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SchoolConfigError(source, [Problem(None, "", f"is too large ({size:,} bytes) to be a "
                                                               f"configuration file (the limit is {MAX_BYTES:,})")])
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SchoolConfigError(source, [Problem(None, "", f"does not exist ({CONFIG_ENV} names it)")]) from None
    except IsADirectoryError:
        raise SchoolConfigError(source, [Problem(None, "", "is a folder, not a file")]) from None
    except OSError as exc:
        raise SchoolConfigError(source, [Problem(None, "", f"cannot be read ({exc.strerror or exc}); IT should "
                                                           "make it readable by everyone")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SchoolConfigError(source, [Problem(line, "", "is not UTF-8 text (save it as UTF-8)")]) from None
    checklist_ids = [p.stem for p in checklists_dir().glob("*.toml") if p.name != "platform-guides.toml"]
    return parse_school_config(text, source, path.resolve().parent, checklist_ids, check_file=image_problem)


def read_school_config() -> tuple[SchoolConfig | None, SchoolConfigError | None]:
    """For start-up: the configuration or None, and the error that made a file unusable, if any."""
    path = find_school_config()
    if path is None:
        return None, None
    from app.core.school_config import SchoolConfigError

    try:
        return load_school_config(path), None
    except SchoolConfigError as exc:
        return None, exc


def image_problem(path: Path) -> str | None:
    """What stops `path` being used as a PNG or JPEG logo, or None."""
    try:
        size = path.stat().st_size
        if size > MAX_LOGO_BYTES:
            return f"{path} is too large for a logo ({size:,} bytes; at most {MAX_LOGO_BYTES:,})"
        with path.open("rb") as file:
            head = file.read(8)
    except FileNotFoundError:
        return f"{path} does not exist"
    except IsADirectoryError:
        return f"{path} is a folder, not an image file"
    except OSError as exc:
        return f"{path} cannot be read ({exc.strerror or exc})"
    if not head.startswith(_IMAGE_MAGIC):
        return f"{path} is not a PNG or JPEG image (its contents are something else)"
    return None
