"""Actions with dates as an iCalendar file (RFC 5545), for any calendar app.

One all-day event per action on its due date, with an alarm on the person's "remind me" date
when they chose one. Only the action and the check it is for: never a private note.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone

from app.core.record import record

PRODID = "-//Staff Social Media Self-Audit//EN"
LINE_OCTETS = 75


@record
class CalendarAction:
    item_id: str
    action: str
    check: str
    due: date
    remind_on: date | None = None


def escape_text(text: str) -> str:
    """TEXT values: backslash, semicolon, comma and line breaks escaped (RFC 5545 3.3.11)."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Lines longer than 75 octets folded with CRLF and a space, never inside a UTF-8 character."""
    parts = []
    current = b""
    limit = LINE_OCTETS
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > limit:
            parts.append(current.decode("utf-8"))
            current = b""
            limit = LINE_OCTETS - 1  # continuation lines begin with the space
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def calendar(actions: list[CalendarAction], audit_key: str, stamp: datetime,
             name: str = "Social media self-audit actions") -> str:
    """The whole file. `audit_key` makes each event's UID stable, so a re-import updates it."""
    stamp_text = stamp.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}"]
    for action in actions:
        uid = hashlib.sha256(f"{audit_key}\x1f{action.item_id}".encode("utf-8")).hexdigest()[:32]
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}@staff-self-audit",
            f"DTSTAMP:{stamp_text}",
            f"DTSTART;VALUE=DATE:{action.due:%Y%m%d}",
            f"DTEND;VALUE=DATE:{date.fromordinal(action.due.toordinal() + 1):%Y%m%d}",
            f"SUMMARY:{escape_text(action.action)}",
            f"DESCRIPTION:{escape_text('For the check: ' + action.check)}",
            "TRANSP:TRANSPARENT",
        ]
        if action.remind_on is not None and action.remind_on <= action.due:
            # An absolute trigger: 09:00 UTC on the remind-me date.
            lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{escape_text('Reminder: ' + action.action)}",
                      f"TRIGGER;VALUE=DATE-TIME:{action.remind_on:%Y%m%d}T090000Z", "END:VALARM"]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
