"""Killed at a random moment: the real app, answering through its window, SIGKILLed 50+ times.

Each run starts tests/faults/kill_driver.py, which starts the app as a person does (run_app,
a real window: xcb under tests/run_headless.sh) and answers items through its widgets at
speed, printing every answer the window then shows as saved. The test kills it at a random
point and reads the file with plain sqlite3: it must pass `PRAGMA integrity_check`, hold
every answer shown as saved, and hold nothing but answers really given.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest

import app

SEED = int(os.environ.get("SELF_AUDIT_KILL_SEED", "20261121"))
KILLS = 52
DRIVER = Path(__file__).parent / "faults" / "kill_driver.py"
pytestmark = pytest.mark.gui


def driver_env(data: Path) -> dict[str, str]:
    env = {**os.environ, "SELF_AUDIT_DATA_DIR": str(data),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(app.__file__).resolve().parents[1]),
                                                       os.environ.get("PYTHONPATH")]))}
    if not env.get("DISPLAY") and not env.get("QT_QPA_PLATFORM"):
        env["QT_QPA_PLATFORM"] = "offscreen"  # outside tests/run_headless.sh: still a real run
    return env


def stored_answers(db: Path) -> dict[str, tuple[str, str, str]]:
    """What is on disk, read with plain sqlite3 as any tool would (WAL recovery included)."""
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return {item: (status, note or "", reason or "")
                for item, status, note, reason in conn.execute("SELECT item_id, status, note, reason FROM answers")}


def as_row(answer: dict) -> tuple[str, str, str]:
    return answer["status"], answer["note"], answer["reason"]


def on_the_way(got: tuple, before: tuple | None, attempt: tuple) -> bool:
    """A state the window saves while `attempt` is being given over `before`: the answer is saved
    as it is given (the radio button on its own, then the reason as it is typed), so each field
    is either what it was or a beginning of what was being typed."""
    return all(g == a or (i > 0 and a.startswith(g)) or (before is not None and g == before[i])
               for i, (g, a) in enumerate(zip(got, attempt)))


def test_every_answer_shown_as_saved_survives_sigkill_at_random_moments(tmp_path):
    rng = random.Random(SEED)
    print(f"kill test seed {SEED} (set SELF_AUDIT_KILL_SEED to repeat another)")
    data = tmp_path / "data"
    db = data / "self-audit.sqlite3"
    env = driver_env(data)
    saved: dict[str, tuple[str, str, str]] = {}  # item -> the answer last shown as saved
    tried: dict[str, set[tuple[str, str, str]]] = {}  # item -> every answer ever given
    total_saved = 0
    for run in range(KILLS):
        wanted, delay = rng.randint(0, 8), rng.uniform(0, 0.03)
        where = f"seed {SEED}, run {run}: killed {delay * 1000:.1f} ms after the {wanted}th saved answer"
        errors = tmp_path / f"driver-{run}.err"
        with errors.open("w") as err:
            child = subprocess.Popen([sys.executable, str(DRIVER), str(run), str(rng.randrange(2**32))],
                                     cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=err, text=True,
                                     encoding="utf-8")
        watchdog = threading.Timer(60, child.kill)  # a hung driver fails the test rather than CI
        watchdog.start()
        lines: list[str] = []
        try:
            while True:
                line = child.stdout.readline()
                assert line, f"{where}: the driver stopped early: {errors.read_text()[-3000:]}"
                lines.append(line)
                if line.startswith("READY") and wanted == 0:
                    break
                if line.startswith("SAVED") and sum(x.startswith("SAVED") for x in lines) >= wanted:
                    break
            deadline = time.perf_counter() + delay  # somewhere inside the next answers
            while time.perf_counter() < deadline:
                pass
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=10)
        finally:
            watchdog.cancel()
        assert child.returncode == -signal.SIGKILL, f"{where}: the driver ended by itself: {errors.read_text()}"
        # The same buffered reader: lines it had already read must not be taken for lost ones.
        lines += [x for x in child.stdout.read().splitlines(keepends=True) if x.endswith("\n")]
        child.stdout.close()
        for line in lines:
            kind, _, payload = line.rstrip("\n").partition(" ")
            if kind in ("TRY", "SAVED"):
                answer = json.loads(payload)
                tried.setdefault(answer["item"], set()).add(as_row(answer))
                if kind == "SAVED":
                    saved[answer["item"]] = as_row(answer)
                    total_saved += 1

        on_disk = stored_answers(db)
        for item, answer in saved.items():
            got = on_disk.get(item)
            if got != answer:
                # Only a later answer to the same item, given but cut off before it showed, may replace it.
                later = [x for x in lines if x.startswith("TRY") and json.loads(x[4:])["item"] == item]
                assert later and got is not None and on_the_way(got, answer, as_row(json.loads(later[-1][4:]))), \
                    f"{where}: {item} was shown as saved as {answer} but is {got} on disk"
                saved[item] = got
        for item, got in on_disk.items():
            attempts = tried.get(item, set())
            assert got in attempts or any(on_the_way(got, None, a) for a in attempts), \
                f"{where}: {item} holds {got}, an answer never given"
    assert total_saved >= KILLS, "the runs were killed before saving much: the test proved little"
