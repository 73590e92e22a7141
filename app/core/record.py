"""`@record`: a frozen dataclass whose equality, hash and repr are written once, here.

`@dataclass(frozen=True)` writes six methods for every class as source text and compiles each:
`__init__`, `__setattr__` and `__delattr__`, then `__eq__`, `__hash__` and `__repr__`. That is
about 1.3 ms a class where we measure, and twenty such classes lie on the way to the window's
first paint. A `@record` class is the same frozen dataclass with only the first three compiled:
the other three are the shared functions below, which give what the compiled ones give
(tests/test_record.py compares them). `dataclasses.fields`, `replace` and `asdict` work as ever.
"""

from __future__ import annotations

import reprlib
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import dataclass_transform

__all__ = ["record"]


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls):
    own = vars(cls)
    shared = {"__eq__": _eq, "__hash__": _hash, "__repr__": _repr}
    for name, method in shared.items():
        if name not in own:  # a class that writes its own keeps it
            setattr(cls, name, method)
    cls = dataclass(frozen=True, eq=False, repr=False)(cls)
    every = fields(cls)
    cls._compared = staticmethod(_getter(f.name for f in every if f.compare))
    cls._hashed = staticmethod(_getter(f.name for f in every if (f.compare if f.hash is None else f.hash)))
    cls._shown = tuple(f.name for f in every if f.repr)
    return cls


def _getter(names):
    """The named attributes' values as a tuple, however many names (attrgetter alone gives a
    bare value for one name and refuses none)."""
    names = tuple(names)
    if not names:
        return lambda obj: ()
    if len(names) == 1:
        get = attrgetter(names[0])
        return lambda obj: (get(obj),)
    return attrgetter(*names)


def _eq(self, other):
    if other.__class__ is self.__class__:
        return self._compared(self) == other._compared(other)
    return NotImplemented


def _hash(self):
    return hash(self._hashed(self))


@reprlib.recursive_repr()
def _repr(self):
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._shown)
    return f"{self.__class__.__qualname__}({shown})"
