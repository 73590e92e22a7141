"""One running copy per data folder: the OS file lock behind the single-instance rule."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap

from app.store.instance_lock import LOCK_NAME, take_instance_lock

HOLD_THE_LOCK = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from app.store.instance_lock import take_instance_lock
    lock = take_instance_lock(Path(sys.argv[1]))
    print("held" if lock else "refused", flush=True)
    time.sleep(60)
""")


def _holder(folder):
    child = subprocess.Popen([sys.executable, "-c", HOLD_THE_LOCK, str(folder)], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "held"
    return child


def test_a_second_process_is_refused_while_the_first_holds_the_lock(tmp_path):
    child = _holder(tmp_path)
    try:
        assert take_instance_lock(tmp_path) is None
    finally:
        child.kill()
        child.wait()


def test_the_lock_dies_with_a_killed_process_so_a_crash_never_locks_anyone_out(tmp_path):
    child = _holder(tmp_path)
    child.kill()
    child.wait()
    lock = take_instance_lock(tmp_path)
    assert lock is not None
    lock.release()


def test_a_released_lock_can_be_taken_again_and_its_file_is_the_owners_alone(tmp_path):
    first = take_instance_lock(tmp_path)
    assert first is not None
    first.release()
    second = take_instance_lock(tmp_path)
    assert second is not None
    second.release()
    if os.name == "posix":
        assert stat.S_IMODE((tmp_path / LOCK_NAME).stat().st_mode) == 0o600
