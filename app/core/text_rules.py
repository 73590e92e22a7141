"""What typed text may hold before it is stored and signed, field by field.

Names (name, staff ID, role) are printed on the signed PDF and compared with the signer's
certificate, so a character that is invisible or turns the text round is refused with a
message, never quietly dropped: what HR reads must be what the person typed. The action and
reason also reach the PDF: control characters and direction overrides are taken out of them.
A private note stays on the laptop: it keeps line breaks and tabs, and loses only other
control characters. Everything is NFC already (Person and Answer normalise themselves).
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace

from app.core.audit import Answer, Person

MAX_NAME = 200  # characters, for the name, staff ID and role alike
# Embeddings, overrides and isolates: they reorder what is shown (U+202E turns "exe.gnp" round).
# The plain marks U+200E / U+200F stay allowed: names in Arabic or Hebrew may need them.
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_NOTE_KEEPS = frozenset("\n\t")


class InvalidTextError(ValueError):
    """Typed text that cannot be used; `str(error)` says what and how to fix it."""


def details_problems(person: Person) -> list[str]:
    problems = []
    for label, value in (("full name", person.name), ("staff ID or work email", person.staff_id),
                         ("role", person.role)):
        if len(value) > MAX_NAME:
            problems.append(f"Your {label} is {len(value):,} characters long: the limit is {MAX_NAME}.")
        if any(_is_control(c) for c in value):
            problems.append(f"Your {label} contains a control character (such as a line break or tab): "
                            "type it on one line.")
        if any(c in DIRECTION_CONTROLS for c in value):
            problems.append(f"Your {label} contains an invisible character that changes the direction of the "
                            "text: type it again without it, so that HR sees exactly what you typed.")
    return problems


def check_details(person: Person) -> None:
    problems = details_problems(person)
    if problems:
        raise InvalidTextError("\n".join(problems))


def clean_answer(answer: Answer) -> Answer:
    """The answer with what may not be kept taken out (see the module's docstring)."""
    action, reason = _printable(answer.action), _printable(answer.reason)
    note = "".join(c for c in answer.note if c in _NOTE_KEEPS or not _is_control(c))
    if (action, reason, note) == (answer.action, answer.reason, answer.note):
        return answer
    return replace(answer, action=action, reason=reason, note=note)


def _printable(text: str) -> str:
    return "".join(c for c in text if not _is_control(c) and c not in DIRECTION_CONTROLS)


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc"
