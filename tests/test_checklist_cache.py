"""The parse cache: a later start skips the TOML parse, never a check, and never changes a result."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest

import app.checklist_files as checklist_files
from app.checklist_files import GUIDES_FILE, BundledChecklists, ParseCache
from app.resources import checklists_dir

TODAY = date(2026, 11, 20)
SEED = Path(__file__).resolve().parent / "perf" / "seed_audit.py"


@pytest.fixture
def folder(tmp_path) -> Path:
    """The shipped checklists, one with a checking problem and one that is not TOML at all."""
    folder = tmp_path / "checklists"
    shutil.copytree(checklists_dir(), folder, ignore=shutil.ignore_patterns("*.md"))
    text = (folder / "bury-ce.toml").read_text(encoding="utf-8")
    (folder / "misspelt.toml").write_text(text.replace('id = "bury-ce"', 'id = "misspelt"\ncolour = "red"', 1),
                                          encoding="utf-8")
    (folder / "broken.toml").write_text('id = "broken"\ntopic = [', encoding="utf-8")
    return folder


def read_all(folder: Path, cache: Path | None, today: date = TODAY):
    bundled = BundledChecklists(today, folder, cache_folder=cache)
    return {c: bundled[c] for c in bundled}, bundled.problems


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """Every text that went through the TOML parser rather than the cache."""
    texts: list[str] = []
    monkeypatch.setattr(checklist_files, "parse_toml", lambda text: texts.append(text) or tomllib.loads(text))
    return texts


def test_a_cached_read_gives_exactly_what_an_uncached_one_does(folder, tmp_path, parsed):
    cache = tmp_path / "cache"
    uncached = read_all(folder, None)
    assert read_all(folder, cache) == uncached  # a miss: parsed, then written
    assert sorted(p.name for p in cache.iterdir()) == sorted(
        f"{p.name}.json" for p in folder.glob("*.toml") if p.name != "broken.toml")

    parsed.clear()
    cached = read_all(folder, cache)
    assert cached == uncached
    assert len(cached[0]) == 5 and {p.file for p in cached[1]} == {"misspelt.toml", "broken.toml"}
    assert parsed == [(folder / "broken.toml").read_text(encoding="utf-8")]  # a TOML error is never kept


def test_every_check_still_runs_on_a_cached_parse(folder, tmp_path, parsed):
    cache = tmp_path / "cache"
    read_all(folder, cache)
    long_ago = date(2020, 1, 1)  # every guide's "checked" date is in its future
    uncached = read_all(folder, None, long_ago)
    parsed.clear()
    cached = read_all(folder, cache, long_ago)
    assert len(parsed) == 1  # only broken.toml
    assert cached == uncached and any("in the future" in p.message for p in cached[1])


def test_cache_files_are_owner_only_and_leave_no_temporary_files(folder, tmp_path):
    cache = tmp_path / "cache"
    read_all(folder, cache)
    assert all(p.suffix == ".json" for p in cache.iterdir())
    if os.name == "posix":
        assert {stat.S_IMODE(p.stat().st_mode) for p in cache.iterdir()} == {0o600}
        assert stat.S_IMODE(cache.stat().st_mode) == 0o700


@pytest.mark.parametrize("damage", [
    b"", b"{", b"\xff\xfe not JSON", b"[1, 2, 3]", b'{"key": null}', b'{"key": 1, "data": []}',
    b'{"key": {}, "data": {}}', b'{"data": {"x": {"\\u0000toml": "fortnight", "v": "1"}}}',
], ids=["empty", "cut-short", "not-text", "a-list", "no-data", "wrong-types", "wrong-key", "bad-tag"])
def test_a_damaged_cache_file_is_ignored_and_rewritten(folder, tmp_path, damage):
    cache = tmp_path / "cache"
    uncached = read_all(folder, None)
    read_all(folder, cache)
    for path in cache.iterdir():
        path.write_bytes(damage)
    assert read_all(folder, cache) == uncached
    for path in cache.iterdir():
        assert json.loads(path.read_bytes())["key"]["sha256"]  # rewritten whole


def test_a_damaged_cache_file_with_the_right_key_and_a_bad_value_is_ignored(folder, tmp_path):
    cache = tmp_path / "cache"
    uncached = read_all(folder, None)
    read_all(folder, cache)
    guides = cache / f"{GUIDES_FILE}.json"
    cached = json.loads(guides.read_bytes())
    cached["data"]["guides"][0]["checked"]["\x00toml"] = "fortnight"
    guides.write_text(json.dumps(cached), encoding="utf-8")
    assert read_all(folder, cache) == uncached


def test_a_changed_checklist_misses_the_cache(folder, tmp_path):
    cache = tmp_path / "cache"
    assert read_all(folder, cache)[0]["bury-ce"].school == "Bury C of E Primary School"
    path = folder / "bury-ce.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("Bury C of E", "Bury Church of England"),
                    encoding="utf-8")
    changed, problems = read_all(folder, cache)
    assert changed["bury-ce"].school == "Bury Church of England Primary School"
    assert (changed, problems) == read_all(folder, None)


def test_a_cache_folder_that_cannot_be_written_only_costs_the_parse(folder, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    assert read_all(folder, blocked) == read_all(folder, None)


TRICKY_TOML = '''
day = 2026-09-01
moment = 2026-09-01T08:30:00.123456+01:00
utc = 2026-09-01T07:30:00Z
local = 2026-09-01T08:30:00
bell = 08:45:00
numbers = [1, -0.0, 1e300, inf, -inf, 3.5, true]
"\\u0000toml" = { kind = "a real table whose key is the cache's tag", v = [2026-01-01] }
nested = [[{ a = 1979-05-27 }], { "\\u0000toml" = "table" }]
"" = "an empty key"
'''


def test_dates_times_and_awkward_keys_come_back_exactly(tmp_path, parsed):
    loads = ParseCache(tmp_path).loads_for("tricky.toml")
    expected = tomllib.loads(TRICKY_TOML)
    assert loads(TRICKY_TOML) == expected  # a miss
    cached = loads(TRICKY_TOML)
    assert len(parsed) == 1  # the second was a hit
    assert cached == expected
    assert repr(cached) == repr(expected)  # the same types too: a datetime is not just a date, -0.0 stays -0.0


def test_the_second_start_of_the_app_reads_its_checklist_without_parsing_toml(tmp_path):
    data = tmp_path / "data"
    seeded = subprocess.run([sys.executable, str(SEED), str(data)], capture_output=True, text=True, timeout=120)
    assert seeded.returncode == 0, seeded.stderr
    shutil.rmtree(data / "cache", ignore_errors=True)  # seeding does not go through the app's start-up
    code = ("import runpy, sys\nsys.argv = ['self-audit']\n"
            "try:\n    runpy.run_module('app', run_name='__main__', alter_sys=True)\nexcept SystemExit:\n    pass\n"
            "print('tomllib' in sys.modules)")
    env = dict(os.environ, SELF_AUDIT_DATA_DIR=str(data), SELF_AUDIT_EXIT_AFTER_PAINT="1",
               QT_QPA_PLATFORM="offscreen")
    parsed = [subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                             timeout=120).stdout.split()[-1] for _ in range(2)]
    assert parsed == ["True", "False"]
    assert (data / "cache" / "model-policy.toml.json").is_file()
