"""The school configuration: one TOML file IT deploys, read into a `SchoolConfig` or refused.

Qt-free and I/O-free: the caller reads the file, and passes a function that checks a file the
configuration names (the logo), so that every message can still name the line and the setting.
tomllib reports line numbers only for syntax errors, so `SettingLines` finds each setting's
line by scanning the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import field
from datetime import date
from pathlib import Path
from typing import Any

from app.core.cycle import CycleRules
from app.core.record import record

MAX_TEXT = 200  # a name, an address or a path; anything longer is a mistake
CERTIFICATE_SUFFIXES = (".p12", ".pfx")
# The settings each table accepts; "" is the top of the file, before any table.
SETTINGS: Mapping[str, tuple[str, ...]] = {
    "": ("hr_only",),
    "school": ("name", "logo", "checklist"),
    "cycle": ("start_month", "due"),
    "hr": ("name", "email", "send_to"),
    "certificate": ("school_issued", "path"),
}
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
_MONTH_DAY = re.compile(r"(\d{1,2})-(\d{1,2})")
_TOML_WHERE = re.compile(r"\s*\(at line (\d+), column (\d+)\)|\s*\(at end of document\)")

CheckFile = Callable[[Path], "str | None"]  # a problem with the file, in plain English, or None


@record
class Problem:
    line: int | None
    setting: str  # "[cycle] due", "hr_only", "[shcool]"; "" for the file as a whole
    message: str

    def text(self, source: str) -> str:
        where = ", ".join(p for p in (source, f"line {self.line}" if self.line else "", self.setting) if p)
        return f"{where}: {self.message}"


class SchoolConfigError(Exception):
    """Every problem found, one a line, each naming the file, the line and the setting."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = sorted(problems, key=lambda p: (p.line or 0, p.setting))
        super().__init__("\n".join(p.text(source) for p in self.problems))

    def where(self) -> str:
        """The lines and settings without the values: safe for a log."""
        return "; ".join(f"line {p.line} {p.setting}".strip() if p.line else p.setting or "the file"
                         for p in self.problems)


@record
class HrContact:
    name: str = ""
    email: str = ""
    send_to: str = ""  # an email address or a shared-drive path, as IT wrote it

    def where_to_send(self) -> str:
        """'Mrs A Patel (HR), hr@school.sch.uk'; '' when nothing is set."""
        to = self.send_to or self.email
        who = f"{self.name} (HR)" if self.name else ""
        return ", ".join(p for p in (who, to) if p)


@record
class SchoolConfig:
    source: str = ""  # the file it was read from
    school_name: str = ""  # "" leaves the checklist's own name
    logo: Path | None = None
    checklist_id: str = ""  # "" lets staff choose
    cycle_rules: CycleRules = field(default_factory=CycleRules)
    hr: HrContact = field(default_factory=HrContact)
    school_issued_certificate: bool = False
    certificate_path: Path | None = None  # a .p12/.pfx file, or the folder holding them
    hr_only: bool = False


class SettingLines:
    """The line of each table and key in TOML text, found by scanning it.

    Handles [tables], dotted keys (`school.name = ...` and `[school] name`), quoted keys and
    multi-line strings and arrays (whose lines are skipped). Inline tables map their keys to the
    line they are on.
    """

    def __init__(self, text: str):
        self.lines: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        in_string: str | None = None
        depth = 0
        for number, line in enumerate(text.splitlines(), 1):
            if in_string:
                if line.count(in_string) % 2 == 1:
                    in_string = None
                continue
            if depth > 0:
                depth = max(0, depth + _brackets(line))
                continue
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            header = re.match(r"\[\[?\s*([^\]]+?)\s*\]\]?", stripped)
            if header:
                table = _key_path(header.group(1))
                self.lines.setdefault(table, number)
                continue
            key, sep, value = _split_key(stripped)
            if not sep:
                continue
            path = table + _key_path(key)
            self.lines.setdefault(path, number)
            for inner in re.findall(r"([A-Za-z0-9_-]+)\s*=", value) if value.lstrip().startswith("{") else ():
                self.lines.setdefault(path + (inner,), number)
            for quote in ('"""', "'''"):
                if value.count(quote) % 2 == 1:
                    in_string = quote
            if value.lstrip().startswith("["):
                depth = max(0, _brackets(value))

    def line_of(self, *path: str) -> int | None:
        """The line of the setting, else of the nearest table holding it."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None


def parse_school_config(text: str, source: str, folder: Path, checklist_ids: list[str],
                        check_file: CheckFile = lambda path: None) -> SchoolConfig:
    """The configuration in `text` (read from `source`, in `folder`); SchoolConfigError if any setting is wrong.

    Relative paths are taken from `folder`; `check_file` says what is wrong with the logo file, if anything.
    """
    import tomllib  # only when a configuration exists: start-up pays nothing otherwise

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchoolConfigError(source, [_syntax_problem(text, str(exc))]) from None
    return _Reader(data, SettingLines(text), folder, checklist_ids, check_file).read(source)


class _Reader:
    def __init__(self, data: dict[str, Any], lines: SettingLines, folder: Path, checklist_ids: list[str],
                 check_file: CheckFile):
        self.data, self.lines, self.folder = data, lines, folder
        self.checklist_ids, self.check_file = sorted(checklist_ids), check_file
        self.problems: list[Problem] = []

    def read(self, source: str) -> SchoolConfig:
        self._check_names()
        school, cycle, hr, certificate = (self._table(name) for name in ("school", "cycle", "hr", "certificate"))
        config = SchoolConfig(
            source=source,
            school_name=self._text("school", "name", school),
            logo=self._logo(school),
            checklist_id=self._checklist(school),
            cycle_rules=self._cycle_rules(cycle),
            hr=HrContact(self._text("hr", "name", hr), self._email(hr), self._text("hr", "send_to", hr)),
            school_issued_certificate=self._bool("certificate", "school_issued", certificate),
            certificate_path=self._certificate_path(certificate),
            hr_only=self._bool("", "hr_only", self.data),
        )
        if config.school_issued_certificate and config.certificate_path is None:
            self._problem("certificate", "school_issued",
                          "is true, so [certificate] path must say where staff find their certificates "
                          "(a .p12 or .pfx file, or the folder holding them)")
        if self.problems:
            raise SchoolConfigError(source, self.problems)
        return config

    # -- names ---------------------------------------------------------------------------

    def _check_names(self) -> None:
        for key, value in self.data.items():
            if key in SETTINGS and key:
                if not isinstance(value, dict):
                    self._problem("", key, f"must be a table: write [{key}] on a line of its own, "
                                           "with its settings on the lines below")
                    continue
                for inner in value:
                    if inner not in SETTINGS[key]:
                        self._unknown(key, inner)
            elif key not in SETTINGS[""]:
                if isinstance(value, dict):
                    self.problems.append(Problem(self.lines.line_of(key), f"[{key}]", _unknown_table(key)))
                else:
                    self._unknown("", key)

    def _unknown(self, table: str, key: str) -> None:
        known = SETTINGS[table]
        message = f"is not a setting; {_where(table) or 'the top of the file'} can hold {', '.join(known)}"
        suggestion = _closest(key, known)
        if suggestion:
            message += f" (did you mean {suggestion}?)"
        if table and key in SETTINGS[""]:
            message = (f"belongs at the top of the file, before the first [table]; here it is read as "
                       f"part of [{table}]")
        self._problem(table, key, message)

    # -- values --------------------------------------------------------------------------

    def _table(self, name: str) -> dict[str, Any]:
        value = self.data.get(name, {})
        return value if isinstance(value, dict) else {}

    def _text(self, table: str, key: str, values: dict[str, Any]) -> str:
        value = values.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            self._problem(table, key, f"must be text in quotes, such as {key} = \"...\"")
            return ""
        value = value.strip()
        if not value:
            self._problem(table, key, "is empty: fill it in, or delete the line")
        elif len(value) > MAX_TEXT:
            self._problem(table, key, f"is too long ({len(value)} characters; at most {MAX_TEXT})")
        elif any(ch in value for ch in "\n\r\t"):
            self._problem(table, key, "must be on one line")
        else:
            return value
        return ""

    def _bool(self, table: str, key: str, values: dict[str, Any]) -> bool:
        value = values.get(key, False)
        if not isinstance(value, bool):
            self._problem(table, key, f"{_show(value)} is not true or false (write {key} = true or {key} = false, "
                                      "without quotes)")
            return False
        return value

    def _email(self, hr: dict[str, Any]) -> str:
        email = self._text("hr", "email", hr)
        if email and not _EMAIL.fullmatch(email):
            self._problem("hr", "email", f"{email} is not an email address (expected one such as hr@school.sch.uk)")
            return ""
        return email

    def _checklist(self, school: dict[str, Any]) -> str:
        checklist_id = self._text("school", "checklist", school)
        if checklist_id and checklist_id not in self.checklist_ids:
            self._problem("school", "checklist", f"{checklist_id} is not a checklist this app ships; "
                                                 f"choose one of: {', '.join(self.checklist_ids)}")
            return ""
        return checklist_id

    def _cycle_rules(self, cycle: dict[str, Any]) -> CycleRules:
        default = CycleRules()
        start = cycle.get("start_month", default.start_month)
        if isinstance(start, bool) or not isinstance(start, int) or not 1 <= start <= 12:
            self._problem("cycle", "start_month", f"{_show(start)} is not a month (expected a number from 1 to 12, "
                                                  "such as 9 for September)")
            start = default.start_month
        due = cycle.get("due")
        if due is None:
            return CycleRules(start, default.due_month, default.due_day)
        expected = "(expected month-day in quotes, such as due = \"10-31\" for 31 October)"
        if isinstance(due, date):
            self._problem("cycle", "due", f"{due} is a whole date, but the due date comes round each year: give "
                                          f"the month and day only {expected}")
            return CycleRules(start)
        match = _MONTH_DAY.fullmatch(due.strip()) if isinstance(due, str) else None
        if match is None:
            self._problem("cycle", "due", f"{_show(due)} is not a date {expected}")
            return CycleRules(start)
        try:
            return CycleRules(start, int(match.group(1)), int(match.group(2)))
        except ValueError:
            self._problem("cycle", "due", f"{due.strip()} is not a date {expected}")
            return CycleRules(start)

    def _logo(self, school: dict[str, Any]) -> Path | None:
        path = self._path("school", "logo", school)
        if path is None:
            return None
        if path.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            self._problem("school", "logo", f"{path.name} is not a PNG or JPEG file (.png, .jpg or .jpeg)")
            return None
        problem = self.check_file(path)
        if problem:
            self._problem("school", "logo", problem)
            return None
        return path

    def _certificate_path(self, certificate: dict[str, Any]) -> Path | None:
        path = self._path("certificate", "path", certificate)
        if path is not None and path.suffix and path.suffix.lower() not in CERTIFICATE_SUFFIXES:
            self._problem("certificate", "path", f"{path.name} is not a certificate file: expected a .p12 or .pfx "
                                                 "file, or the folder holding them")
            return None
        return path

    def _path(self, table: str, key: str, values: dict[str, Any]) -> Path | None:
        text = self._text(table, key, values)
        if not text:
            return None
        path = Path(text)  # no file is touched: only the text is read
        return path if path.is_absolute() else self.folder / path

    def _problem(self, table: str, key: str, message: str) -> None:
        path = (table, key) if table else (key,)
        setting = f"{_where(table)} {key}".strip()
        self.problems.append(Problem(self.lines.line_of(*path), setting, message))


def _syntax_problem(text: str, error: str) -> Problem:
    where = _TOML_WHERE.search(error)
    line = int(where.group(1)) if where and where.group(1) else None
    message = _TOML_WHERE.sub("", error)
    if where and where.group(2):
        message += f", column {where.group(2)}"
    hint = ""
    lines = text.splitlines()
    written = lines[line - 1] if line is not None and line <= len(lines) else ""
    key, _, value = (part.strip() for part in _split_key(written))
    if re.fullmatch(r"\d{1,2}-\d{1,2}", value):
        hint = f' (a month-day needs quotes: {key} = "{value}")'
    elif "\\" in value and value.startswith('"'):
        hint = " (for a Windows path use single quotes, such as 'C:\\School\\logo.png')"
    elif re.fullmatch(r"[A-Za-z][^\"'\[{]*", value) and value not in ("true", "false"):
        hint = f' (text needs quotes: {key} = "{value}")'
    return Problem(line, "", f"this is not valid TOML: {message}{hint}")


def _split_key(line: str) -> tuple[str, str, str]:
    """`key = value` split at the first '=' outside quotes."""
    quote = None
    for n, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "=":
            return line[:n], "=", line[n + 1:]
    return line, "", ""


def _key_path(key: str) -> tuple[str, ...]:
    parts = re.findall(r'"([^"]*)"|\'([^\']*)\'|([^.\s]+)', key)
    return tuple(next(p for p in part if p) if any(part) else "" for part in parts)


def _brackets(text: str) -> int:
    text = re.sub(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|#.*', "", text)
    return text.count("[") - text.count("]")


def _where(table: str) -> str:
    return f"[{table}]" if table else ""


def _unknown_table(name: str) -> str:
    tables = [f"[{t}]" for t in SETTINGS if t]
    message = f"is not a table this file can hold; the tables are {', '.join(tables)}"
    suggestion = _closest(name, [t for t in SETTINGS if t])
    return message + (f" (did you mean [{suggestion}]?)" if suggestion else "")


def _closest(word: str, choices: tuple[str, ...] | list[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return found[0] if found else None


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
