"""Shared set-up for the speed benchmarks (`make bench`; never part of `make test`).

Each benchmark measures real things: the real app started as its own process, real SQLite
files under tmp_path, the real bundled checklists. Every figure is printed again at the end
of the run, pass or fail, so the numbers the README quotes can be read off one `make bench`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PERF = Path(__file__).resolve().parent
_RESULTS: list[str] = []


def _report(line: str) -> None:
    print(line)
    _RESULTS.append(line)


@pytest.fixture(scope="session")
def report():
    """Print a measured figure now (seen with -s) and again in the end-of-run summary."""
    return _report


def pytest_terminal_summary(terminalreporter) -> None:
    if _RESULTS:
        terminalreporter.section("measured")
        for line in _RESULTS:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def qt_platform() -> str:
    """A real X window when there is a display (make bench runs under Xvfb), else offscreen."""
    return "xcb" if os.environ.get("DISPLAY") else "offscreen"


@pytest.fixture(scope="session")
def child_env(qt_platform, tmp_path_factory):
    """Makes the environment for a measured child process, with the given variables added.

    Bytecode is cached (in a folder of its own, not beside the sources), as it is for an
    installed app: pip compiles a wheel's modules when it installs them, while this
    machine's PYTHONDONTWRITEBYTECODE=1 would make every start recompile the app.
    QT_LINUX_ACCESSIBILITY_ALWAYS_ON (set by tests/run_headless.sh for the screen-reader
    tests) is dropped: Qt starts its accessibility bridge only when a screen reader asks.
    """
    pycache = tmp_path_factory.mktemp("pycache")

    def make(**extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if k not in {"PYTHONDONTWRITEBYTECODE", "QT_LINUX_ACCESSIBILITY_ALWAYS_ON"}}
        env.update(QT_QPA_PLATFORM=qt_platform, PYTHONPYCACHEPREFIX=str(pycache), **extra)
        return env

    return make


@pytest.fixture(scope="session")
def audit_in_progress(tmp_path_factory) -> tuple[Path, dict]:
    """A data folder holding this cycle's audit, half answered (see seed_audit.py)."""
    folder = tmp_path_factory.mktemp("audit-in-progress") / "data"
    done = subprocess.run([sys.executable, str(PERF / "seed_audit.py"), str(folder)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return folder, json.loads(done.stdout)
