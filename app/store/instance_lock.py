"""One running copy per data folder, told by an OS file lock that dies with its process.

A lock rather than a socket probe: taking it costs nothing at start-up, and a crash can never
leave a stale one behind, because the OS drops the lock with the process.
"""

from __future__ import annotations

import os
from pathlib import Path

LOCK_NAME = "self-audit.lock"


class InstanceLock:
    """Held for the life of the process that took it."""

    def __init__(self, fd: int, path: Path):
        self._fd = fd
        self.path = path

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing the file drops the lock on every platform
            self._fd = -1


def take_instance_lock(folder: Path) -> InstanceLock | None:
    """The lock on `folder`, or None while another process holds it."""
    path = folder / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _lock(fd)
    except OSError:
        os.close(fd)
        return None
    return InstanceLock(fd, path)


if os.name == "nt":
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
