"""Real small and read-only file systems for the fault tests, and what stands in where none can be had.

A tmpfs mount needs root with CAP_SYS_ADMIN (CI runs as root in a Debian container that has it).
Where mounting is refused, the tests use what SQLite and the OS offer instead: SQLite's own
`max_page_count` limit (a real SQLITE_FULL), `PRAGMA query_only` (a real SQLITE_READONLY), and
a child process under RLIMIT_FSIZE for the PDF's write. `can_mount()` decides once per run
(SELF_AUDIT_TEST_NO_MOUNT=1 forces the stand-ins).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import subprocess
import tempfile
from pathlib import Path

FILLER = ".filler"


@functools.cache
def can_mount() -> bool:
    if os.environ.get("SELF_AUDIT_TEST_NO_MOUNT") == "1":  # to try the stand-ins on a machine that can mount
        return False
    if os.name != "posix" or os.geteuid() != 0:
        return False
    probe = Path(tempfile.mkdtemp(prefix="mount-probe-"))
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)], capture_output=True)
        if done.returncode != 0:
            return False
        subprocess.run(["umount", str(probe)], check=True)
        return True
    except OSError:
        return False
    finally:
        probe.rmdir()


class SmallDisk:
    """A tmpfs of `size` bytes at `path`: fill it, free it, make it read-only, unmount it."""

    def __init__(self, path: Path, size: int = 1 << 20):
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path)], check=True)

    def fill(self) -> None:
        """Write until the disk says it is full (ENOSPC)."""
        chunk = b"\0" * 4096
        try:
            with open(self.path / FILLER, "ab") as filler:
                while True:
                    filler.write(chunk)
                    filler.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
        # A last few bytes may still fit a partial block: take them too.
        with contextlib.suppress(OSError), open(self.path / f"{FILLER}-2", "ab") as more:
            while True:
                more.write(b"\0")
                more.flush()

    def free(self) -> None:
        for name in (FILLER, f"{FILLER}-2"):
            with contextlib.suppress(FileNotFoundError):
                (self.path / name).unlink()

    def remount(self, *, read_only: bool) -> None:
        subprocess.run(["mount", "-o", f"remount,{'ro' if read_only else 'rw'}", str(self.path)], check=True)

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], check=False)

    def files(self) -> list[str]:
        """What the app left on the disk (the filler aside)."""
        return sorted(str(p.relative_to(self.path)) for p in self.path.rglob("*")
                      if p.is_file() and not p.name.startswith(FILLER))


@contextlib.contextmanager
def small_disk(path: Path, size: int = 1 << 20):
    disk = SmallDisk(path, size)
    try:
        yield disk
    finally:
        disk.unmount()
