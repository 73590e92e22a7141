"""Logging: one logger per module, a rotating owner-only file, never an answer or a note.

Log records carry ids, counts and error kinds only; the code that logs is written that way,
and a test reads the log after a full audit to hold it to that.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from app.store.paths import ensure_private_dir, make_private

LOG_NAME = "self-audit.log"


def setup_logging(folder: Path) -> Path:
    ensure_private_dir(folder)
    path = folder / LOG_NAME
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=512_000, backupCount=2, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    if os.name == "posix":
        make_private(path)
    return path
