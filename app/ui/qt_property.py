"""Setting Qt enum properties by key name, for code on the way to the first paint.

The first touch of PySide6's `Qt` namespace builds its 99 Python enums: some 60 ms, a fifth
of a bare window's whole start-up. So the widgets shown at the first paint set their enum
properties the way Designer's .ui files do, by key name through Qt's property system, and the
`Qt` namespace is imported only by code that runs later.
"""

from __future__ import annotations

from PySide6.QtCore import QObject


def set_property_by_key(target: QObject, name: str, keys: str) -> None:
    """`keys` names the enum value ("NoFocus"), or flags joined by "|"."""
    if not target.setProperty(name, keys):
        raise ValueError(f"{type(target).__name__}.{name} cannot be set to {keys!r}")
