"""A checklist: a school policy turned into checks a member of staff can make."""

from __future__ import annotations

from dataclasses import field
from datetime import date
from types import MappingProxyType
from typing import Mapping

from app.core.platforms import PLATFORMS
from app.core.record import record

TOPICS: Mapping[str, str] = MappingProxyType(
    {
        "settings": "Privacy settings",
        "disclaimer": "Naming the school",
        "connections": "Connections with pupils and parents",
        "logos": "Logos and branding",
        "images": "Images and tagging",
        "personal-info": "Personal information",
        "footprint": "Digital footprint",
        "reporting": "Reporting a problem",
        "school-accounts": "School accounts",
        "conduct": "What you post",
    }
)

# The appendix's four subjects: every checklist must cover them.
REQUIRED_TOPICS = ("settings", "disclaimer", "connections", "logos")

# Questions every person answers, whatever the checklist.
BUILTIN_QUESTIONS = ("platforms", "new_starter")


@record
class Profile:
    """A person's answers to the profile questions, which decide what applies to them."""

    platforms: frozenset[str] = frozenset()
    new_starter: bool = False
    answers: Mapping[str, bool] = field(default_factory=dict)  # question id -> yes/no

    def answer(self, question_id: str) -> bool:
        return bool(self.answers.get(question_id, False))


@record
class Condition:
    """Every clause must hold. `platforms` None means "not a condition"; "any" = any platform."""

    platforms: tuple[str, ...] | str | None = None
    new_starter: bool | None = None
    questions: Mapping[str, bool] = field(default_factory=dict)

    def holds(self, profile: Profile, asked: Mapping[str, bool] | None = None) -> bool:
        if self.platforms == "any":
            if not profile.platforms:
                return False
        elif self.platforms is not None and not profile.platforms.intersection(self.platforms):
            return False
        if self.new_starter is not None and profile.new_starter != self.new_starter:
            return False
        effective = asked if asked is not None else profile.answers
        return all(bool(effective.get(q, False)) == want for q, want in self.questions.items())

    @property
    def is_always(self) -> bool:
        return self.platforms is None and self.new_starter is None and not self.questions


ALWAYS = Condition()


@record
class Question:
    """A profile question whose answer decides which items apply."""

    id: str
    text: str
    help: str = ""
    when: Condition = ALWAYS


@record
class Guide:
    """How to do one item's check on one platform: numbered steps and its settings page."""

    id: str
    platform: str
    title: str
    url: str
    checked: date
    steps: tuple[str, ...]


@record
class Item:
    """One check in a checklist, with the policy words and clause it comes from."""

    id: str
    topic: str
    check: str
    quote: str
    clause: str
    detail: str = ""
    when: Condition = ALWAYS
    guides: tuple[str, ...] = ()


@record
class PolicyPoint:
    """A point of the policy for new starters: our plain words, then the policy's own, verbatim.

    A section's induction card (shown before the section: why it matters) and each point of
    the policy in brief."""

    text: str
    quote: str
    clause: str


@record
class Section:
    """A titled group of items, shown together in the section list."""

    id: str
    title: str
    items: tuple[Item, ...]
    intro: str = ""
    card: PolicyPoint | None = None  # the induction card


@record
class KnowledgeQuestion:
    """One question of a checklist's short knowledge check; `quote` and `clause` show when it is got wrong."""

    id: str
    question: str
    options: tuple[str, ...]
    correct: int  # index into options
    quote: str
    clause: str


@record
class PolicySource:
    """The school policy a checklist is drawn from: its title and file."""

    title: str
    file: str


@record
class Checklist:
    """One school's checklist, as read from its file in checklists/."""

    id: str
    title: str
    school: str
    version: str
    effective: date
    declaration: str
    policy: PolicySource
    questions: tuple[Question, ...]
    sections: tuple[Section, ...]
    guides: tuple[Guide, ...] = ()
    sha256: str = ""  # of the file's text with line endings folded to \n
    induction_declaration: str = ""  # for new starters; includes having read the policy
    brief_intro: str = ""  # the policy in brief: a few sentences in our words...
    brief_points: tuple[PolicyPoint, ...] = ()  # ...then its main points (the section cards when none)
    knowledge_check: tuple[KnowledgeQuestion, ...] = ()

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.items)

    def declaration_for(self, induction: bool) -> str:
        return (self.induction_declaration or self.declaration) if induction else self.declaration

    def policy_in_brief(self) -> list[tuple[str, PolicyPoint]]:
        """The brief's points, or else each section's induction card, each with a heading."""
        if self.brief_points:
            return [("", point) for point in self.brief_points]
        return [(s.title, s.card) for s in self.sections if s.card is not None]

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)

    def section_of(self, item_id: str) -> Section | None:
        return next((s for s in self.sections if any(i.id == item_id for i in s.items)), None)

    def guides_for(self, item: Item, platforms: frozenset[str]) -> list[Guide]:
        """The steps for this item on the platforms the person uses, in guide then platform order."""
        order = {p: n for n, p in enumerate(PLATFORMS)}
        chosen = [g for g in self.guides if g.id in item.guides and g.platform in platforms]
        return sorted(chosen, key=lambda g: (item.guides.index(g.id), order.get(g.platform, 99)))

    def asked_answers(self, profile: Profile) -> dict[str, bool]:
        """Question answers with unasked questions (their `when` false) counted as no."""
        result: dict[str, bool] = {}
        # Questions are validated acyclic; resolve in dependency order by repeated passes.
        pending = list(self.questions)
        while pending:
            progressed = False
            for q in list(pending):
                if all(dep in result for dep in q.when.questions):
                    asked = q.when.holds(profile, result)
                    result[q.id] = asked and profile.answer(q.id)
                    pending.remove(q)
                    progressed = True
            if not progressed:  # unreachable for a validated checklist
                for q in pending:
                    result[q.id] = False
                break
        return result

    def is_asked(self, question: Question, profile: Profile) -> bool:
        return question.when.holds(profile, self.asked_answers(profile))

    def applies(self, item: Item, profile: Profile) -> bool:
        return item.when.holds(profile, self.asked_answers(profile))

    def applicable_items(self, profile: Profile) -> list[Item]:
        asked = self.asked_answers(profile)
        return [i for i in self.items if i.when.holds(profile, asked)]
