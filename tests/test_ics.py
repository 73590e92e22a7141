"""Actions exported as an iCalendar file, parsed back by a small RFC 5545 reader written here."""

from __future__ import annotations

import os
import re
import stat
import sys
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from cycle_helpers import PERSON, PROFILE  # noqa: E402

from app.core.audit import Answer, Status  # noqa: E402
from app.core.calendar_ics import CalendarAction, calendar, escape_text, fold  # noqa: E402
from app.session import AuditSession  # noqa: E402
from app.store.repository import AuditRepository  # noqa: E402

STAMP = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)


def unfold(raw: bytes) -> list[str]:
    """Content lines: every line ends CRLF, none is longer than 75 octets, continuations start with a space."""
    assert raw.endswith(b"\r\n")
    physical = raw[:-2].split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in physical)
    assert all(len(line) <= 75 for line in physical), max(physical, key=len)
    lines: list[bytes] = []
    for line in physical:
        if line.startswith(b" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return [line.decode("utf-8") for line in lines]


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def parse(raw: bytes) -> dict:
    """The calendar as nested dicts: properties (name;params -> value) and components by name."""
    stack = [{"components": []}]
    for line in unfold(raw):
        name, _, value = line.partition(":")
        if name == "BEGIN":
            component = {"name": value, "properties": {}, "components": []}
            stack[-1]["components"].append(component)
            stack.append(component)
        elif name == "END":
            assert stack.pop()["name"] == value
        else:
            stack[-1]["properties"][name] = value
    assert len(stack) == 1 and len(stack[0]["components"]) == 1
    return stack[0]["components"][0]


def test_each_dated_action_is_an_all_day_event_with_a_reminder():
    actions = [
        CalendarAction("tags", "Untag myself from the fête photos, all of them; then check \\ again",
                       "Review the photos you are tagged in", date(2026, 12, 4), date(2026, 12, 1)),
        CalendarAction("logo", "Take down the logo\nfrom my cover photo", "Remove the school logo " * 8,
                       date(2027, 1, 15)),
    ]
    vcalendar = parse(calendar(actions, "2026-27/model-policy/x", STAMP).encode("utf-8"))
    assert vcalendar["name"] == "VCALENDAR"
    assert vcalendar["properties"]["VERSION"] == "2.0" and vcalendar["properties"]["PRODID"]
    events = vcalendar["components"]
    assert [e["name"] for e in events] == ["VEVENT", "VEVENT"]
    first, second = (e["properties"] for e in events)
    assert first["DTSTART;VALUE=DATE"] == "20261204" and first["DTEND;VALUE=DATE"] == "20261205"
    assert first["DTSTAMP"] == "20261120T093000Z"
    assert unescape(first["SUMMARY"]) == actions[0].action
    assert unescape(second["SUMMARY"]) == "Take down the logo\nfrom my cover photo"
    assert unescape(second["DESCRIPTION"]) == "For the check: " + actions[1].check, "long lines fold and unfold"
    assert first["UID"] != second["UID"] and first["UID"].endswith("@staff-self-audit")
    alarm = events[0]["components"]
    assert [a["name"] for a in alarm] == ["VALARM"]
    assert alarm[0]["properties"]["TRIGGER;VALUE=DATE-TIME"] == "20261201T090000Z"
    assert alarm[0]["properties"]["ACTION"] == "DISPLAY"
    assert events[1]["components"] == [], "no reminder chosen, no alarm"


def test_uids_are_stable_so_a_second_import_updates_rather_than_duplicates():
    action = [CalendarAction("tags", "Untag", "Check", date(2026, 12, 4))]
    one = parse(calendar(action, "key", STAMP).encode())["components"][0]["properties"]["UID"]
    two = parse(calendar(action, "key", datetime(2027, 1, 1, tzinfo=timezone.utc)).encode())["components"][0]
    assert one == two["properties"]["UID"]


def test_escaping_and_folding_rules():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = fold("SUMMARY:" + "ŵ" * 60)  # two octets each: folding must not split one
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "SUMMARY:" + "ŵ" * 60


def test_the_session_exports_the_audits_dated_actions_owner_only_and_no_notes(tmp_path, bundled):
    repo = AuditRepository.open(tmp_path / "self-audit.sqlite3")
    try:
        session = AuditSession(repo, bundled, today=lambda: date(2026, 11, 20),
                               now=lambda: datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc))
        session.begin(PERSON, "model-policy", PROFILE)
        items = [i.id for i in session.checklist.applicable_items(PROFILE)]
        session.set_answer(items[0], Answer(Status.ACTION, "Untag, then check", date(2026, 12, 4),
                                            note="PRIVATE-NOTE-TEXT", remind_on=date(2026, 12, 2)))
        session.set_answer(items[1], Answer(Status.DONE, note="PRIVATE-NOTE-TEXT"))
        session.set_answer(items[2], Answer(Status.ACTION, "", date(2026, 12, 9)))  # nothing said yet: left out
        path = tmp_path / "actions.ics"
        assert session.export_calendar(path) == 1
        raw = path.read_bytes()
        assert b"PRIVATE-NOTE-TEXT" not in raw
        events = parse(raw)["components"]
        assert [unescape(e["properties"]["SUMMARY"]) for e in events] == ["Untag, then check"]
        assert events[0]["components"][0]["properties"]["TRIGGER;VALUE=DATE-TIME"] == "20261202T090000Z"
        if os.name == "posix":
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    finally:
        repo.close()
