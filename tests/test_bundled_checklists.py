"""The shipped checklists are read on first use: one for an audit in progress, all for the start page."""

from __future__ import annotations

import shutil
from datetime import date

from app.checklist_files import GUIDES_FILE, BundledChecklists
from app.resources import checklists_dir


def test_a_lookup_reads_only_that_checklist_and_listing_reads_the_rest(tmp_path):
    for name in ("bury-ce.toml", "st-hughs.toml", GUIDES_FILE):
        shutil.copy(checklists_dir() / name, tmp_path / name)
    (tmp_path / "broken.toml").write_text('id = "broken"\ntopic = [', encoding="utf-8")
    bundled = BundledChecklists(date.today(), tmp_path)

    assert bundled["bury-ce"].school == "Bury C of E Primary School"
    assert bundled.problems == []  # the broken file has not been read yet
    assert sorted(bundled) == ["bury-ce", "st-hughs"]
    assert [p.file for p in bundled.problems] == ["broken.toml"] and bundled.problems[0].line == 2


def test_a_checklist_whose_file_is_not_named_after_its_id_is_still_found(tmp_path):
    shutil.copy(checklists_dir() / GUIDES_FILE, tmp_path / GUIDES_FILE)
    shutil.copy(checklists_dir() / "evendons-bpet.toml", tmp_path / "our-school.toml")
    bundled = BundledChecklists(date.today(), tmp_path)
    assert bundled["evendons-bpet"].school == "Evendons Primary School"
    assert len(bundled) == 1


def test_bundled_versions_agree_with_the_checklists_read_in_full(bundled):
    from app.checklist_files import bundled_versions

    assert bundled_versions() == {c.id: c.version for c in bundled.values()}
