"""Logging: one logger per module, an owner-only file rotated at start, never an answer or a note.

Log records carry ids, counts and error kinds only; the code that logs is written that way,
and a test reads the log after a full audit to hold it to that.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from app.store.paths import ensure_private_dir, make_private

LOG_NAME = "self-audit.log"
MAX_BYTES = 512_000
BACKUPS = 2


def setup_logging(folder: Path) -> Path:
    ensure_private_dir(folder)
    path = folder / LOG_NAME
    _rotate(path)
    # A plain FileHandler, rotated here rather than by logging.handlers' RotatingFileHandler:
    # the app logs a few lines a session, and that module costs start-up 14 ms.
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    if os.name == "posix":
        make_private(path)
    return path


def _rotate(path: Path) -> None:
    """self-audit.log becomes .1 (and .1 becomes .2) once it has grown past MAX_BYTES."""
    try:
        if path.stat().st_size < MAX_BYTES:
            return
        for n in range(BACKUPS - 1, 0, -1):
            older = path.with_name(f"{path.name}.{n}")
            if older.exists():
                os.replace(older, path.with_name(f"{path.name}.{n + 1}"))
        os.replace(path, path.with_name(f"{path.name}.1"))
    except FileNotFoundError:
        pass
