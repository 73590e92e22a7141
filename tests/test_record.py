"""`@record` gives what `@dataclass(frozen=True)` gives: equality, hash, repr, frozenness, replace."""

from __future__ import annotations

import dataclasses
from dataclasses import FrozenInstanceError, dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.record import record


def twins(namespace_of):
    """The same class body made once with @record and once with @dataclass(frozen=True)."""
    return (record(type("Shape", (), namespace_of())),
            dataclass(frozen=True)(type("Shape", (), namespace_of())))


def three_fields():
    return {"__annotations__": {"name": "str", "count": "int", "tags": "tuple"},
            "count": 0, "tags": ()}


def with_options():
    return {"__annotations__": {"name": "str", "note": "str", "secret": "str", "size": "int"},
            "note": field(default="", compare=False), "secret": field(default="", repr=False),
            "size": field(default=0, hash=False)}


SHAPES = {
    "three fields": three_fields,
    "field options": with_options,
    "one field": lambda: {"__annotations__": {"name": "str"}},
    "no fields": lambda: {},
}
values = st.one_of(st.text(max_size=5), st.integers(), st.floats(allow_nan=True), st.none(),
                   st.tuples(st.integers(), st.text(max_size=3)))


@pytest.mark.parametrize("shape", SHAPES)
@given(a=st.lists(values, min_size=4, max_size=4), b=st.lists(values, min_size=4, max_size=4))
def test_equality_hash_and_repr_are_the_dataclasses(shape, a, b):
    mine, theirs = twins(SHAPES[shape])
    names = [f.name for f in dataclasses.fields(theirs)]
    for left, right in ((a, a), (a, b), (b, a)):
        left_kw, right_kw = dict(zip(names, left)), dict(zip(names, right))
        assert (mine(**left_kw) == mine(**right_kw)) == (theirs(**left_kw) == theirs(**right_kw))
        assert (mine(**left_kw) != mine(**right_kw)) == (theirs(**left_kw) != theirs(**right_kw))
        assert repr(mine(**left_kw)) == repr(theirs(**left_kw))
        try:
            expected = hash(theirs(**left_kw)) == hash(theirs(**right_kw))
        except TypeError:
            with pytest.raises(TypeError):
                hash(mine(**left_kw))
        else:
            assert (hash(mine(**left_kw)) == hash(mine(**right_kw))) == expected


def test_a_record_is_never_equal_to_another_class_with_the_same_values():
    mine, theirs = twins(three_fields)
    assert mine("a") != theirs("a")
    assert mine("a").__eq__(theirs("a")) is NotImplemented
    assert mine("a") != ("a", 0, ())


def test_an_unhashable_value_makes_the_record_unhashable_as_in_a_dataclass():
    mine, _ = twins(three_fields)
    with pytest.raises(TypeError):
        hash(mine("a", tags=[1]))


def test_a_record_is_frozen_and_replace_fields_and_match_work():
    mine, _ = twins(three_fields)
    shape = mine("a", 2)
    with pytest.raises(FrozenInstanceError):
        shape.name = "b"
    with pytest.raises(FrozenInstanceError):
        del shape.count
    assert dataclasses.replace(shape, count=3) == mine("a", 3)
    assert [f.name for f in dataclasses.fields(shape)] == ["name", "count", "tags"]
    assert dataclasses.asdict(shape) == {"name": "a", "count": 2, "tags": ()}
    match shape:
        case mine(name, count):
            assert (name, count) == ("a", 2)


def test_a_method_the_class_writes_itself_is_kept():
    @record
    class Loud:
        word: str

        def __repr__(self) -> str:
            return self.word.upper()

    assert repr(Loud("hi")) == "HI"
    assert Loud("hi") == Loud("hi") and hash(Loud("hi")) == hash(Loud("hi"))


def test_a_record_holding_itself_shows_dots_as_a_dataclass_does():
    mine, theirs = twins(three_fields)
    for cls in (mine, theirs):
        loop = cls("a", tags=[])
        loop.tags.append(loop)
    assert repr(mine("a", tags=(mine("b"),))) == repr(theirs("a", tags=(theirs("b"),)))
    looped = mine("a", tags=[])
    looped.tags.append(looped)
    assert repr(looped) == "Shape(name='a', count=0, tags=[...])"
