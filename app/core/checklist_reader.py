"""Reading checklist and platform-guide TOML text into checked objects.

Everything is read from text already in memory: opening files is the caller's job. Every
problem is collected, never just the first, and no input raises. A caller may pass its own
`loads` (a cache of parse results, say) in place of `parse_toml`; every check still runs.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit

from app.core.checklist import (
    ALWAYS,
    BUILTIN_QUESTIONS,
    REQUIRED_TOPICS,
    TOPICS,
    Checklist,
    Condition,
    Guide,
    Item,
    KnowledgeQuestion,
    PolicyPoint,
    PolicySource,
    Question,
    Section,
)
from app.core.platforms import PLATFORMS
from app.core.problems import Problem
from app.core.quotes import missing_pieces, normalise

FORMAT = 1
MAX_TEXT = 2_000_000  # characters; a real checklist is well under 100 KB
# A real checklist has a dozen sections, two or three dozen items and a few questions: these
# bounds keep a hostile file from making the window build thousands of pages.
MAX_COUNTS = {"sections": 100, "items": 1000, "questions": 100, "guides": 1000}
_CHECKLIST_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_VERSION = re.compile(r"^\d+(?:\.\d+){0,3}$")

_TOP_KEYS = {"format", "id", "title", "school", "version", "effective", "declaration",
             "induction_declaration", "policy", "questions", "sections", "guides", "brief",
             "knowledge_check"}
_POLICY_KEYS = {"title", "file"}
_QUESTION_KEYS = {"id", "text", "help", "when"}
_SECTION_KEYS = {"id", "title", "intro", "items", "card"}
_CARD_KEYS = {"why", "quote", "clause"}
_BRIEF_KEYS = {"intro", "points"}
_POINT_KEYS = {"text", "quote", "clause"}
_KNOWLEDGE_KEYS = {"id", "question", "options", "answer", "quote", "clause"}
KNOWLEDGE_CHECK_SIZE = (3, 5)  # questions, when a checklist has a check at all
OPTIONS_SIZE = (2, 5)
_ITEM_KEYS = {"id", "topic", "check", "detail", "quote", "clause", "when", "guides"}
_GUIDE_KEYS = {"id", "platform", "title", "url", "checked", "steps"}
_GUIDES_FILE_KEYS = {"format", "kind", "guides"}


Loads = Callable[[str], dict[str, Any]]


def parse_toml(text: str) -> dict[str, Any]:
    """tomllib.loads, imported on first use: a start-up served from a parse cache never needs it."""
    import tomllib

    return tomllib.loads(text)


def content_sha256(text: str) -> str:
    """The checklist's content hash: line endings folded so a Windows checkout hashes alike."""
    return hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()


class _Reader:
    def __init__(self, file: str, today: date):
        self.file = file
        self.today = today
        self.problems: list[Problem] = []

    def problem(self, message: str, where: str = "", field: str = "", line: int | None = None):
        self.problems.append(Problem(self.file, message, line=line, where=where, field=field))

    def parse(self, text: str, loads: Loads) -> dict[str, Any] | None:
        if not isinstance(text, str):
            self.problem("the file is not text")
            return None
        if len(text) > MAX_TEXT:
            self.problem(f"the file is too large ({len(text):,} characters; the limit is {MAX_TEXT:,})")
            return None
        try:
            return loads(text)
        except RecursionError:
            self.problem("not valid TOML: nested too deeply")
        except ValueError as exc:
            import tomllib  # loaded already: only tomllib's own parse raises its error

            if not isinstance(exc, tomllib.TOMLDecodeError):
                raise
            line = _line_of(str(exc))
            if line is None and "end of document" in str(exc):
                line = len(text.rstrip("\n").splitlines()) or 1  # the file ends mid-value
            message = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)", "", str(exc)).strip()
            self.problem(f"not valid TOML: {message}", line=line)
        return None

    def known(self, value: str, choices, what: str, where: str, field: str) -> bool:
        """Report a value that is not one of `choices`, listing the ones that are."""
        if value in choices:
            return True
        self.problem(f"unknown {what} '{value}' (known: {', '.join(choices)})", where, field)
        return False

    def unknown(self, table: dict, allowed: set[str], where: str) -> None:
        for key in sorted(set(table) - allowed):
            self.problem("unknown key (is it misspelt?)", where, key)

    def text(self, table: dict, key: str, where: str, required: bool = True) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.problem("missing", where, key)
            return ""
        if not isinstance(value, str):
            self.problem(f"must be text, not {_kind(value)}", where, key)
            return ""
        if required and not value.strip():
            self.problem("is blank", where, key)
        return value.strip()

    def ident(self, table: dict, key: str, where: str, pattern: re.Pattern, what: str) -> str:
        value = self.text(table, key, where)
        if value and not pattern.match(value):
            self.problem(f"'{value}' is not a valid id ({what})", where, key)
        return value

    def date(self, table: dict, key: str, where: str, not_future: bool = False) -> date:
        value = table.get(key)
        if value is None:
            self.problem("missing", where, key)
            return date.min
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value.strip())
            except ValueError:
                self.problem(f"bad date '{value}': write it as YYYY-MM-DD", where, key)
                return date.min
        if isinstance(value, datetime) or not isinstance(value, date):
            self.problem(f"bad date: must be a date like 2026-09-01, not {_kind(value)}", where, key)
            return date.min
        if not_future and value > self.today:
            self.problem(f"bad date {value.isoformat()}: it is in the future", where, key)
        return value

    def tables(self, table: dict, key: str, where: str, required: bool = True) -> list[dict]:
        value = table.get(key)
        if value is None:
            if required:
                self.problem("missing", where, key)
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(f"must be a list of tables ([[{key}]]), not {_kind(value)}", where, key)
            return []
        return value

    def strings(self, table: dict, key: str, where: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(f"must be a list of text, not {_kind(value)}", where, key)
            return ()
        return tuple(v.strip() for v in value)

    def duplicates(self, ids: Iterable[str], what: str) -> None:
        seen: set[str] = set()
        for ident in ids:
            if ident and ident in seen:
                self.problem(f"duplicate {what} id", f"{what} '{ident}'", "id")
            seen.add(ident)

    # -- conditions --------------------------------------------------------------------

    def condition(self, table: dict, where: str, question_ids: set[str]) -> Condition:
        raw = table.get("when")
        if raw is None:
            return ALWAYS
        if not isinstance(raw, dict):
            self.problem(f"must be a table such as {{ platforms = \"any\" }}, not {_kind(raw)}", where, "when")
            return ALWAYS
        platforms: tuple[str, ...] | str | None = None
        new_starter: bool | None = None
        questions: dict[str, bool] = {}
        for key, value in raw.items():
            field = f"when.{key}"
            if key == "platforms":
                platforms = self._platforms_condition(value, where, field)
            elif key == "new_starter":
                if isinstance(value, bool):
                    new_starter = value
                else:
                    self.problem(f"must be true or false, not {_kind(value)}", where, field)
            elif key in question_ids:
                if isinstance(value, bool):
                    questions[key] = value
                else:
                    self.problem(f"must be true or false, not {_kind(value)}", where, field)
            else:
                self.problem(f"condition on unknown question '{key}'", where, field)
        return Condition(platforms=platforms, new_starter=new_starter, questions=questions)

    def _platforms_condition(self, value: Any, where: str, field: str):
        if value == "any":
            return "any"
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.problem('must be "any" or a list of platforms', where, field)
            return None
        for name in value:
            self.known(name, PLATFORMS, "platform", where, field)
        return tuple(v for v in value if v in PLATFORMS)

    # -- guides ------------------------------------------------------------------------

    def guides(self, tables: list[dict]) -> list[Guide]:
        result = []
        for n, raw in enumerate(tables, 1):
            ident = raw.get("id") if isinstance(raw.get("id"), str) else f"#{n}"
            where = f"guide '{ident}' ({raw.get('platform', '?')})"
            self.unknown(raw, _GUIDE_KEYS, where)
            gid = self.ident(raw, "id", where, _CHECKLIST_ID, "lower case letters, digits and -")
            platform = self.text(raw, "platform", where)
            if platform:
                self.known(platform, PLATFORMS, "platform", where, "platform")
            title = self.text(raw, "title", where)
            url = self.text(raw, "url", where)
            if url:
                self._check_url(url, platform, where)
            checked = self.date(raw, "checked", where, not_future=True)
            steps = self.strings(raw, "steps", where)
            if not steps or not all(steps):
                self.problem("needs at least one step, and no blank steps", where, "steps")
            result.append(Guide(gid, platform, title, url, checked, steps))
        seen: set[tuple[str, str]] = set()
        for g in result:
            if (g.id, g.platform) in seen:
                self.problem("duplicate guide for this platform", f"guide '{g.id}' ({g.platform})", "id")
            seen.add((g.id, g.platform))
        return result

    def _check_url(self, url: str, platform: str, where: str) -> None:
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
        except ValueError:
            parts, host = None, ""
        if parts is None or parts.scheme != "https" or not host or any(c.isspace() for c in url):
            self.problem(f"bad URL '{url}': it must be a full https:// address", where, "url")
        elif platform in PLATFORMS and not PLATFORMS[platform].owns_host(host):
            domains = " or ".join(PLATFORMS[platform].domains)
            self.problem(f"bad URL '{url}': it must be on {domains}", where, "url")

    def coverage(self, guides: Iterable[Guide], where_file: str = "") -> None:
        by_id: dict[str, set[str]] = {}
        for g in guides:
            by_id.setdefault(g.id, set()).add(g.platform)
        for gid, platforms in sorted(by_id.items()):
            for platform in PLATFORMS:
                if platform not in platforms:
                    self.problem(f"no steps for {PLATFORMS[platform].name}", f"guide '{gid}'", "platform")


def read_guides(text: str, file: str, today: date,
                loads: Loads = parse_toml) -> tuple[tuple[Guide, ...], list[Problem]]:
    """Read a shared platform-guides file."""
    reader = _Reader(file, today)
    data = reader.parse(text, loads)
    if data is None:
        return (), reader.problems
    reader.unknown(data, _GUIDES_FILE_KEYS, "")
    if data.get("kind") != "platform-guides":
        reader.problem('must be "platform-guides"', "", "kind")
    _check_format(reader, data)
    guides = reader.guides(reader.tables(data, "guides", ""))
    reader.coverage(guides)
    return tuple(guides), reader.problems


def is_guides_file(text: str) -> bool:
    """Whether TOML text declares itself a platform-guides file (cheap, forgiving sniff)."""
    return re.search(r'(?m)^\s*kind\s*=\s*["\']platform-guides["\']', text) is not None


def policy_file_named(text: str) -> str | None:
    """The policy file a checklist names, or None when it cannot be told."""
    import tomllib

    try:
        policy = tomllib.loads(text).get("policy")
    except (tomllib.TOMLDecodeError, RecursionError):
        return None
    name = policy.get("file") if isinstance(policy, dict) else None
    if not isinstance(name, str) or not name.strip() or "/" in name or "\\" in name or name.startswith("."):
        return None
    return name.strip()


def read_checklist(
    text: str,
    file: str,
    today: date,
    shared_guides: Iterable[Guide] = (),
    policy_text: str | None = None,
    loads: Loads = parse_toml,
) -> tuple[Checklist | None, list[Problem]]:
    """Read a checklist. `policy_text`, when given, is the named policy's text for quote checks."""
    reader = _Reader(file, today)
    data = reader.parse(text, loads)
    if data is None or not _within_limits(reader, data):
        return None, reader.problems
    reader.unknown(data, _TOP_KEYS, "")
    _check_format(reader, data)
    cid = reader.ident(data, "id", "", _CHECKLIST_ID, "lower case letters, digits and -")
    title = reader.text(data, "title", "")
    school = reader.text(data, "school", "")
    version = reader.text(data, "version", "")
    if version and not _VERSION.match(version):
        reader.problem(f"bad version '{version}': use numbers separated by dots, e.g. 2026.1", "", "version")
    effective = reader.date(data, "effective", "")
    declaration = reader.text(data, "declaration", "")
    induction_declaration = reader.text(data, "induction_declaration", "", required=False)
    policy = _policy(reader, data)

    questions = _questions(reader, data)
    question_ids = {q.id for q in questions}
    own_guides = reader.guides(reader.tables(data, "guides", "", required=False))
    guides = _merge_guides(shared_guides, own_guides)
    sections = _sections(reader, data, question_ids, {g.id for g in guides})
    reader.coverage(own_guides)

    covered = {i.topic for s in sections for i in s.items}
    for topic in REQUIRED_TOPICS:
        if topic not in covered:
            reader.problem(f"no item covers the topic '{topic}', which every checklist must", "", "sections")

    brief_intro, brief_points = _brief(reader, data)
    checklist = Checklist(
        id=cid, title=title, school=school, version=version, effective=effective,
        declaration=declaration, policy=policy, questions=tuple(questions),
        sections=tuple(sections), guides=tuple(guides), sha256=content_sha256(text),
        induction_declaration=induction_declaration, brief_intro=brief_intro, brief_points=brief_points,
        knowledge_check=_knowledge_check(reader, data),
    )
    if policy_text is not None:
        reader.problems.extend(check_quotes(checklist, policy_text, file))
    return (None if reader.problems else checklist), reader.problems


def check_quotes(checklist: Checklist, policy_text: str, file: str) -> list[Problem]:
    source = normalise(policy_text)
    problems = []
    for where, quote in _quotes(checklist):
        for piece in missing_pieces(quote, source):
            short = piece if len(piece) <= 80 else piece[:77] + "..."
            problems.append(Problem(
                file, f"not found verbatim in {checklist.policy.file}: \u201c{short}\u201d",
                where=where, field="quote",
            ))
    return problems


def _quotes(checklist: Checklist) -> Iterable[tuple[str, str]]:
    """Every quote in the checklist, with where it is: items, induction cards, brief, knowledge check."""
    for section in checklist.sections:
        if section.card is not None:
            yield f"section '{section.id}' card", section.card.quote
        for item in section.items:
            yield f"item '{item.id}'", item.quote
    for n, point in enumerate(checklist.brief_points, 1):
        yield f"brief point {n}", point.quote
    for question in checklist.knowledge_check:
        yield f"knowledge check '{question.id}'", question.quote


def _within_limits(reader: _Reader, data: dict) -> bool:
    """Too many sections, items, questions or guides: one problem naming the limit, nothing else read."""
    sections = data.get("sections")
    sections = sections if isinstance(sections, list) else []
    counts = {
        "sections": len(sections),
        "items": sum(len(s["items"]) for s in sections if isinstance(s, dict) and isinstance(s.get("items"), list)),
        "questions": len(data["questions"]) if isinstance(data.get("questions"), list) else 0,
        "guides": len(data["guides"]) if isinstance(data.get("guides"), list) else 0,
    }
    over = [(what, n) for what, n in counts.items() if n > MAX_COUNTS[what]]
    for what, n in over:
        reader.problem(f"has {n:,} {what}: a checklist may have at most {MAX_COUNTS[what]:,}", "", what)
    return not over


def _check_format(reader: _Reader, data: dict) -> None:
    value = data.get("format")
    if value is None:
        reader.problem("missing (write format = 1)", "", "format")
    elif value != FORMAT or isinstance(value, bool):
        reader.problem(f"format {value!r} is not supported by this version of the app (it reads {FORMAT})", "", "format")


def _policy(reader: _Reader, data: dict) -> PolicySource:
    raw = data.get("policy")
    if not isinstance(raw, dict):
        reader.problem("missing [policy] table with title and file" if raw is None
                       else f"must be a table, not {_kind(raw)}", "", "policy")
        return PolicySource("", "")
    reader.unknown(raw, _POLICY_KEYS, "[policy]")
    file = reader.text(raw, "file", "[policy]")
    if file and ("/" in file or "\\" in file or file.startswith(".")):
        reader.problem(f"'{file}' must be a plain file name, without folders", "[policy]", "file")
    return PolicySource(reader.text(raw, "title", "[policy]"), file)


def _questions(reader: _Reader, data: dict) -> list[Question]:
    tables = reader.tables(data, "questions", "", required=False)
    ids = [t.get("id") for t in tables if isinstance(t.get("id"), str)]
    known = set(ids)
    questions = []
    for n, raw in enumerate(tables, 1):
        where = f"question '{raw.get('id', f'#{n}')}'"
        reader.unknown(raw, _QUESTION_KEYS, where)
        qid = reader.ident(raw, "id", where, _QUESTION_ID, "lower case letters, digits and _")
        if qid in BUILTIN_QUESTIONS:
            reader.problem(f"'{qid}' is built in: every person is asked it already", where, "id")
        questions.append(Question(
            id=qid, text=reader.text(raw, "text", where), help=reader.text(raw, "help", where, required=False),
            when=reader.condition(raw, where, known),
        ))
    reader.duplicates((q.id for q in questions), "question")
    _check_question_loops(reader, questions)
    return questions


def _check_question_loops(reader: _Reader, questions: list[Question]) -> None:
    """Report each loop of questions asked only if another is answered; iterative, so a chain of
    any length is a problem reported, never a RecursionError."""
    deps = {q.id: tuple(q.when.questions) for q in questions}
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    reported: set[frozenset[str]] = set()
    for first in deps:
        if first in state:
            continue
        path, pending = [first], [iter(deps[first])]
        state[first] = 1
        while pending:
            dep = next(pending[-1], None)
            if dep is None:
                state[path.pop()] = 2
                pending.pop()
            elif state.get(dep) == 1:
                loop = path[path.index(dep):] + [dep]
                if frozenset(loop) not in reported:
                    reported.add(frozenset(loop))
                    chain = " \u2192 ".join(f"'{q}'" for q in loop)
                    reader.problem(f"questions depend on each other in a loop: {chain}", f"question '{path[-1]}'",
                                   "when")
            elif dep not in state and dep in deps:
                state[dep] = 1
                path.append(dep)
                pending.append(iter(deps[dep]))


def _sections(reader: _Reader, data: dict, question_ids: set[str], guide_ids: set[str]) -> list[Section]:
    sections = []
    for n, raw in enumerate(reader.tables(data, "sections", ""), 1):
        where = f"section '{raw.get('id', f'#{n}')}'"
        reader.unknown(raw, _SECTION_KEYS, where)
        sid = reader.ident(raw, "id", where, _CHECKLIST_ID, "lower case letters, digits and -")
        items = [_item(reader, t, m, question_ids, guide_ids) for m, t in enumerate(reader.tables(raw, "items", where), 1)]
        if not items and isinstance(raw.get("items"), list):
            reader.problem("has no items", where, "items")
        sections.append(Section(sid, reader.text(raw, "title", where), tuple(items),
                                reader.text(raw, "intro", where, required=False), _card(reader, raw, where)))
    reader.duplicates((s.id for s in sections), "section")
    reader.duplicates((i.id for s in sections for i in s.items), "item")
    return sections


def _item(reader: _Reader, raw: dict, n: int, question_ids: set[str], guide_ids: set[str]) -> Item:
    where = f"item '{raw.get('id', f'#{n}')}'"
    reader.unknown(raw, _ITEM_KEYS, where)
    iid = reader.ident(raw, "id", where, _CHECKLIST_ID, "lower case letters, digits and -")
    topic = reader.text(raw, "topic", where)
    if topic:
        reader.known(topic, TOPICS, "topic", where, "topic")
    quote = reader.text(raw, "quote", where)
    guides = reader.strings(raw, "guides", where)
    for gid in guides:
        if gid not in guide_ids:
            reader.problem(f"unknown guide '{gid}'", where, "guides")
    return Item(
        id=iid, topic=topic, check=reader.text(raw, "check", where), quote=quote,
        clause=reader.text(raw, "clause", where), detail=reader.text(raw, "detail", where, required=False),
        when=reader.condition(raw, where, question_ids), guides=guides,
    )


def _card(reader: _Reader, raw: dict, where: str) -> PolicyPoint | None:
    card = raw.get("card")
    if card is None:
        return None
    if not isinstance(card, dict):
        reader.problem(f"must be a table ([sections.card]), not {_kind(card)}", where, "card")
        return None
    where = f"{where} card"
    reader.unknown(card, _CARD_KEYS, where)
    return PolicyPoint(reader.text(card, "why", where), reader.text(card, "quote", where),
                       reader.text(card, "clause", where))


def _brief(reader: _Reader, data: dict) -> tuple[str, tuple[PolicyPoint, ...]]:
    raw = data.get("brief")
    if raw is None:
        return "", ()
    if not isinstance(raw, dict):
        reader.problem(f"must be a table ([brief]), not {_kind(raw)}", "", "brief")
        return "", ()
    reader.unknown(raw, _BRIEF_KEYS, "[brief]")
    points = []
    for n, point in enumerate(reader.tables(raw, "points", "[brief]", required=False), 1):
        where = f"brief point {n}"
        reader.unknown(point, _POINT_KEYS, where)
        points.append(PolicyPoint(reader.text(point, "text", where), reader.text(point, "quote", where),
                                  reader.text(point, "clause", where)))
    return reader.text(raw, "intro", "[brief]"), tuple(points)


def _knowledge_check(reader: _Reader, data: dict) -> tuple[KnowledgeQuestion, ...]:
    tables = reader.tables(data, "knowledge_check", "", required=False)
    low, high = KNOWLEDGE_CHECK_SIZE
    if tables and not low <= len(tables) <= high:
        reader.problem(f"has {len(tables)} questions: a knowledge check has {low} to {high}", "", "knowledge_check")
    questions = []
    for n, raw in enumerate(tables, 1):
        where = f"knowledge check '{raw.get('id', f'#{n}')}'"
        reader.unknown(raw, _KNOWLEDGE_KEYS, where)
        qid = reader.ident(raw, "id", where, _CHECKLIST_ID, "lower case letters, digits and -")
        options = reader.strings(raw, "options", where)
        if not OPTIONS_SIZE[0] <= len(options) <= OPTIONS_SIZE[1] or not all(options):
            reader.problem(f"needs {OPTIONS_SIZE[0]} to {OPTIONS_SIZE[1]} options, none blank", where, "options")
        answer = raw.get("answer")
        if isinstance(answer, bool) or not isinstance(answer, int) or not 1 <= answer <= max(len(options), 1):
            reader.problem(f"must be the number of the right option, 1 to {len(options)}", where, "answer")
            answer = 1
        questions.append(KnowledgeQuestion(
            id=qid, question=reader.text(raw, "question", where), options=options, correct=answer - 1,
            quote=reader.text(raw, "quote", where), clause=reader.text(raw, "clause", where)))
    reader.duplicates((q.id for q in questions), "knowledge check")
    return tuple(questions)


def _merge_guides(shared: Iterable[Guide], own: Iterable[Guide]) -> list[Guide]:
    merged = {(g.id, g.platform): g for g in shared}
    merged.update({(g.id, g.platform): g for g in own})
    return list(merged.values())


def _line_of(message: str) -> int | None:
    match = re.search(r"at line (\d+)", message)
    return int(match.group(1)) if match else None


def _kind(value: Any) -> str:
    names: dict[type, str] = {str: "text", bool: "true/false", int: "a number", float: "a number",
                              list: "a list", dict: "a table", date: "a date", datetime: "a date and time"}
    return names.get(type(value), type(value).__name__)

