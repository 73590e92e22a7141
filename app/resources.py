"""Finding the files the app ships: checklists and resources.

The same helper serves a source checkout, an installed wheel (where the build puts them
under `app/_bundled/`) and a frozen build (under PyInstaller's `sys._MEIPASS`).
"""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_root() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "app" / "_bundled"
    installed = _PACKAGE / "_bundled"
    if installed.is_dir():
        return installed
    return _PACKAGE.parent  # a source checkout: checklists/ and resources/ sit beside app/


def checklists_dir() -> Path:
    return bundled_root() / "checklists"


def resource_path(*parts: str) -> Path:
    return bundled_root().joinpath("resources", *parts)
