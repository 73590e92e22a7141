"""The task each collection worker process runs: verify one file as `self-audit verify` does.

Imported in the worker (by the pickled reference to `check_for_register`), where it installs
the faster parsing first. The verdict sent back carries only what the register keeps: the
confirmation's outstanding actions, not every item's text nor the declaration, which makes it
a fifth of the size to send.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from app.hr.fast_parsing import install
from app.signing.verdict import Verdict


def check_for_register(path: Path, max_bytes: int) -> Verdict:
    from app.signing.verify import verify_file

    install()
    verdict = verify_file(path, max_bytes)
    confirmation = verdict.confirmation
    if confirmation is None:
        return verdict
    return replace(verdict, confirmation=replace(confirmation, items=confirmation.actions, declaration=""))
