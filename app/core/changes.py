"""What changed in a checklist since the person last signed it.

When an audit is signed, the store keeps a fingerprint of each item's text (its check, quote and
clause). Comparing the checklist of today with those fingerprints tells which items are new and
which changed; nothing has to be remembered by whoever edits the checklist file. An audit signed
before fingerprints were kept has none: only the version says the policy changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from enum import StrEnum

from app.core.checklist import Checklist, Item


class Change(StrEnum):
    NEW = "new"
    CHANGED = "changed"


def item_fingerprint(item: Item) -> str:
    text = "\x1f".join((item.check, item.quote, item.clause))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprints(checklist: Checklist) -> dict[str, str]:
    return {item.id: item_fingerprint(item) for item in checklist.items}


def item_changes(checklist: Checklist, signed: Mapping[str, str]) -> dict[str, Change]:
    """Items new or changed since the signed fingerprints; none when there are no fingerprints."""
    if not signed:
        return {}
    changes = {}
    for item in checklist.items:
        before = signed.get(item.id)
        if before is None:
            changes[item.id] = Change.NEW
        elif before != item_fingerprint(item):
            changes[item.id] = Change.CHANGED
    return changes


def version_key(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return ()


def is_newer(version: str, than: str) -> bool:
    """Whether `version` is a later checklist version than `than` (2026.2 after 2026.1)."""
    return version_key(version) > version_key(than)
