"""Where verification worker processes come from, kept light (multiprocessing only, no pyHanko).

On Linux they fork from a server process that has imported the checks (pyHanko, about a second);
`start_workers()` starts that server in the background, so `self-audit hr collect` calls it
first thing and the import runs while the command reads the register and hashes the files.
"""

from __future__ import annotations

import multiprocessing
import sys

_CHECKS = "app.signing.checks"  # imported once, by the server the workers fork from


def worker_context():
    """Workers never fork the caller, which may be a Qt app with threads; on Linux they fork from a
    clean server process that has pyHanko imported already, so a new pool starts in milliseconds."""
    if sys.platform.startswith("linux") and not getattr(sys, "frozen", False):
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([_CHECKS])
        return context
    return multiprocessing.get_context("spawn")


def start_workers() -> None:
    """Start, in the background, the server process that workers are forked from (Linux), so that its
    imports (about a second) overlap the caller's own work before `iter_verdicts`, such as hashing."""
    if worker_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()
