"""Reading checklist files from disk: the bundled set and files named on the command line.

The bundled set can keep tomllib's results in a cache folder (ParseCache), so that a later
start skips the parse, though never a check.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from app.core.checklist import Checklist, Guide
from app.core.checklist_reader import (
    Loads, is_guides_file, parse_toml, policy_file_named, read_checklist, read_guides,
)
from app.core.problems import Problem
from app.resources import checklists_dir

log = logging.getLogger(__name__)
GUIDES_FILE = "platform-guides.toml"
MAX_BYTES = 1_000_000  # a checklist is a few tens of KB; refuse anything absurd before parsing
CACHE_FORMAT = 1
# Marks a date or time in the cached JSON; a real table with this key is escaped, so none is mistaken.
_TAG = "\x00toml"
_FROM_ISO = {"date": date.fromisoformat, "datetime": datetime.fromisoformat, "time": time.fromisoformat}


@dataclass
class ValidationReport:
    """What `checklists validate` read and what it found wrong."""

    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_text(path: Path, label: str) -> tuple[str | None, list[Problem]]:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, [Problem(label, f"the file is too large ({size:,} bytes; the limit is {MAX_BYTES:,})")]
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem(label, "no such file")]
    except IsADirectoryError:
        return None, [Problem(label, "is a folder, not a file")]
    except OSError as exc:
        return None, [Problem(label, f"cannot be read: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(label, "is not UTF-8 text (save it as UTF-8)", line=line)]
    return text, []


def shared_guides_for(path: Path, today: date) -> tuple[tuple[Guide, ...], list[Problem]]:
    """The platform guides beside a checklist, or the bundled ones when there are none."""
    beside = path.parent / GUIDES_FILE
    source = beside if beside.is_file() else checklists_dir() / GUIDES_FILE
    text, problems = read_text(source, str(source))
    if text is None:
        return (), problems
    return read_guides(text, str(source), today)


def validate_files(paths: list[Path], policies_dir: Path | None, today: date) -> ValidationReport:
    report = ValidationReport()
    guides_cache: dict[Path, tuple[tuple[Guide, ...], list[Problem]]] = {}
    for path in paths:
        label = str(path)
        report.files.append(label)
        text, problems = read_text(path, label)
        if text is None:
            report.problems.extend(problems)
            continue
        if is_guides_file(text):
            report.problems.extend(read_guides(text, label, today)[1])
            continue
        folder = path.parent.resolve()
        if folder not in guides_cache:
            guides_cache[folder] = shared_guides_for(path, today)
        guides, guide_problems = guides_cache[folder]
        report.problems.extend(p for p in guide_problems if p not in report.problems)
        policy_text = None
        if policies_dir is not None:
            policy_text, policy_problems = _policy_text(text, label, policies_dir)
            report.problems.extend(policy_problems)
        report.problems.extend(read_checklist(text, label, today, guides, policy_text=policy_text)[1])
    return report


def _policy_text(text: str, label: str, policies_dir: Path) -> tuple[str | None, list[Problem]]:
    name = policy_file_named(text)
    if name is None:
        return None, []  # the checklist's own problems already say the policy is missing
    policy_path = policies_dir / name
    policy_text, problems = read_text(policy_path, str(policy_path))
    return policy_text, [
        Problem(label, f"the policy file it names cannot be read ({policy_path}: {p.message})",
                where="[policy]", field="file")
        for p in problems
    ]


def load_bundled(today: date | None = None) -> tuple[list[Checklist], list[Problem]]:
    """Every checklist the app ships, and the problems of any that could not be read."""
    bundled = BundledChecklists(today)
    return [bundled[c] for c in bundled], bundled.problems


def bundled_versions() -> dict[str, str]:
    """Each shipped checklist's id and version, read from its top-level keys alone: what HR's
    register compares against, without validating every quote (a quarter of a second)."""
    import re
    import tomllib

    versions: dict[str, str] = {}
    for path in sorted(checklists_dir().glob("*.toml")):
        try:  # top-level keys come before the first [table]: only that part is parsed
            head = re.split(r"(?m)^\s*\[", path.read_text(encoding="utf-8"), maxsplit=1)[0]
            data = tomllib.loads(head)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue  # a shipped file that cannot be read is reported where the checklists are used
        if isinstance(data.get("id"), str) and isinstance(data.get("version"), str):
            versions[data["id"]] = data["version"]
    return versions


class BundledChecklists(Mapping[str, Checklist]):
    """The shipped checklists, each read on first use.

    An audit in progress needs only its own checklist to show its first item, so start-up
    reads that one file (named after its id); listing them all (the start page) reads the rest.
    With a `cache_folder`, each file's parse is kept there for the next start.
    """

    def __init__(self, today: date | None = None, folder: Path | None = None, cache_folder: Path | None = None):
        self._today = today or date.today()
        self._folder = folder or checklists_dir()
        self._cache = ParseCache(cache_folder) if cache_folder is not None else None
        self._loaded: dict[str, Checklist] = {}
        self._all_read = False
        self._guides: tuple[Guide, ...] | None = None
        self.problems: list[Problem] = []

    def __getitem__(self, checklist_id: str) -> Checklist:
        if checklist_id not in self._loaded and not self._all_read:
            path = self._folder / f"{checklist_id}.toml"
            if path.name != GUIDES_FILE and path.is_file():
                self._read(path)
            if checklist_id not in self._loaded:
                self.read_all()
        return self._loaded[checklist_id]

    def __iter__(self):
        self.read_all()
        return iter(sorted(self._loaded))

    def __len__(self) -> int:
        self.read_all()
        return len(self._loaded)

    def read_all(self) -> None:
        if self._all_read:
            return
        self._all_read = True
        for path in sorted(self._folder.glob("*.toml")):
            if path.name != GUIDES_FILE and path.stem not in self._loaded:
                self._read(path)

    def _read(self, path: Path) -> None:
        if self._guides is None:
            guides_text, problems = read_text(self._folder / GUIDES_FILE, GUIDES_FILE)
            self.problems += problems
            self._guides = ()
            if guides_text is not None:
                self._guides, problems = read_guides(guides_text, GUIDES_FILE, self._today,
                                                     loads=self._loads(GUIDES_FILE))
                self.problems += problems
        text, problems = read_text(path, path.name)
        self.problems += problems
        if text is not None:
            checklist, found = read_checklist(text, path.name, self._today, self._guides,
                                              loads=self._loads(path.name))
            self.problems += found
            if checklist is not None:
                self._loaded[checklist.id] = checklist

    def _loads(self, name: str) -> Loads:
        return self._cache.loads_for(name) if self._cache is not None else parse_toml


class ParseCache:
    """tomllib's result for each file, kept as JSON and keyed by the SHA-256 of the file's text.

    A later start skips the TOML parse (some 20 ms) but none of the reader's checks. A cache file
    that is missing, stale or unreadable is ignored, and rewritten from a fresh parse.
    """

    def __init__(self, folder: Path):
        self.folder = folder

    def loads_for(self, name: str) -> Loads:
        path = self.folder / f"{name}.json"

        def loads(text: str) -> dict[str, Any]:
            key = {"format": CACHE_FORMAT, "python": "%d.%d.%d" % sys.version_info[:3],
                   "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}
            data = _read_cache(path, key)
            if data is None:
                data = parse_toml(text)  # a TOML error raises here, and nothing is written
                _write_cache(path, {"key": key, "data": data})
            return data

        return loads


def _read_cache(path: Path, key: dict) -> dict[str, Any] | None:
    try:
        cached = json.loads(path.read_bytes(), object_hook=_untag)
        if cached["key"] == key and isinstance(cached["data"], dict):
            return cached["data"]
    except FileNotFoundError:
        pass
    except Exception as exc:  # a cache is never worth failing for: parse afresh
        log.info("ignoring the unreadable parse cache %s: %s", path.name, exc)
    return None


def _write_cache(path: Path, cached: dict) -> None:
    import tempfile  # only a cache miss writes

    try:
        payload = json.dumps(_tag(cached))
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")  # owner-only (0600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                file.write(payload)
            os.replace(temp, path)  # readers see the old file or the new one, never half of one
        except BaseException:
            os.unlink(temp)
            raise
    except Exception as exc:
        log.info("could not write the parse cache %s: %s", path.name, exc)


def _tag(value: Any) -> Any:
    if isinstance(value, dict):
        table = {key: _tag(item) for key, item in value.items()}
        return {_TAG: "table", "v": list(table.items())} if _TAG in table else table
    if isinstance(value, list):
        return [_tag(item) for item in value]
    if isinstance(value, (date, time)):  # datetime is a date too
        return {_TAG: type(value).__name__, "v": value.isoformat()}
    return value


def _untag(obj: dict[str, Any]) -> Any:
    if _TAG not in obj:
        return obj
    kind, value = obj[_TAG], obj["v"]
    return dict(value) if kind == "table" else _FROM_ISO[kind](value)
