"""Any input to the checklist reader gives problems or a checklist, never a traceback or a hang."""

from __future__ import annotations

import tomllib
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.checklist_reader import read_checklist, read_guides
from app.resources import checklists_dir

TODAY = date(2026, 11, 20)
SHIPPED = (checklists_dir() / "bury-ce.toml").read_text(encoding="utf-8")
FUZZ = settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])


def assert_clean_outcome(text: str) -> None:
    checklist, problems = read_checklist(text, "fuzz.toml", TODAY)
    assert (checklist is None) == bool(problems)
    for problem in problems:
        assert problem.file == "fuzz.toml" and problem.message and str(problem)
    _, guide_problems = read_guides(text, "fuzz.toml", TODAY)
    assert all(p.message for p in guide_problems)


@FUZZ
@given(st.text(max_size=2000))
def test_arbitrary_text(text):
    assert_clean_outcome(text)


@FUZZ
@given(st.integers(0, len(SHIPPED) - 1), st.integers(1, 200), st.text(max_size=40))
def test_a_real_checklist_with_a_slice_replaced(start, length, replacement):
    assert_clean_outcome(SHIPPED[:start] + replacement + SHIPPED[start + length:])


toml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
    | st.dates(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@FUZZ
@given(st.dictionaries(st.sampled_from(["format", "id", "title", "school", "version", "effective", "declaration",
                                        "policy", "questions", "sections", "guides", "kind"]), toml_values))
def test_well_formed_toml_of_any_shape(data):
    data = {k: v for k, v in data.items() if v is not None}
    try:
        text = _dump(data)
    except ValueError:
        return
    tomllib.loads(text)
    assert_clean_outcome(text)


def test_deep_nesting_is_a_problem_not_a_crash():
    assert_clean_outcome("x = " + "[" * 100_000 + "]" * 100_000)
    assert_clean_outcome("[[sections]]\n" + "a = { " * 5000 + "}" * 5000)


def _dump(value, key_path: str = "") -> str:
    """A tiny TOML writer for fuzz data: everything as inline values."""
    return "\n".join(f"{_key(k)} = {_inline(v)}" for k, v in value.items()) + "\n"


def _key(key: str) -> str:
    return _inline(key)


def _inline(value) -> str:
    if value is None:
        raise ValueError("TOML has no null")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\U{ord(c):08x}" for c in value) + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    return "{" + ", ".join(f"{_key(k)} = {_inline(v)}" for k, v in value.items()) + "}"
