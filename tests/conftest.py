"""Fixtures shared by the suite: real files, real folders, the real bundled checklists."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 20)


def policies_dir() -> Path:
    """The source policies: ../shared/policies beside the checkout (SELF_AUDIT_POLICIES overrides)."""
    override = os.environ.get("SELF_AUDIT_POLICIES")
    return Path(override) if override else REPO.parent / "shared" / "policies"


@pytest.fixture
def policies() -> Path:
    folder = policies_dir()
    assert folder.is_dir(), f"the policies are expected in {folder} (set SELF_AUDIT_POLICIES)"
    return folder


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("SELF_AUDIT_DATA_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def bundled():
    from app.checklist_files import load_bundled

    checklists, problems = load_bundled(date.today())
    assert not problems, "\n".join(map(str, problems))
    return {c.id: c for c in checklists}
