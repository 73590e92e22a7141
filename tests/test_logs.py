"""The log file: rotated at start once it has grown, two older files kept, owner-only."""

from __future__ import annotations

import logging
import os
import stat

import pytest

from app.logs import BACKUPS, LOG_NAME, MAX_BYTES, setup_logging


@pytest.fixture
def restore_root_logger():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers[len(handlers):]:
        handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


def test_a_grown_log_is_rotated_at_start_keeping_two_older_files(tmp_path, restore_root_logger):
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / LOG_NAME).write_text("x" * MAX_BYTES)
    (folder / f"{LOG_NAME}.1").write_text("one")
    (folder / f"{LOG_NAME}.2").write_text("two, the oldest")

    path = setup_logging(folder)
    logging.getLogger("test").info("fresh start")
    for handler in logging.getLogger().handlers:
        handler.flush()

    assert "fresh start" in path.read_text()
    assert len(path.read_text()) < 200
    assert (folder / f"{LOG_NAME}.1").read_text() == "x" * MAX_BYTES
    assert (folder / f"{LOG_NAME}.2").read_text() == "one"
    assert sorted(p.name for p in folder.iterdir()) == [LOG_NAME] + [f"{LOG_NAME}.{n}" for n in range(1, BACKUPS + 1)]
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_small_log_is_appended_to(tmp_path, restore_root_logger):
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / LOG_NAME).write_text("yesterday\n")
    path = setup_logging(folder)
    logging.getLogger("test").info("today")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert path.read_text().startswith("yesterday\n")
    assert not (folder / f"{LOG_NAME}.1").exists()
