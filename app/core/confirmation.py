"""The confirmation HR receives: what a signed PDF states, and the JSON embedded in it.

Built from a checklist and a completed audit; never holds a private note. The same value is
printed on the PDF's pages and embedded as JSON, so what a person reads and what a machine
reads are one thing. The JSON schema is documented in the README.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any

from app.core.audit import Audit, AuditType, KnowledgeResult, Status, knowledge_result
from app.core.checklist import Checklist
from app.core.record import record

SCHEMA = "staff-self-audit/confirmation/1"
JSON_NAME = "confirmation.json"


class ConfirmationError(ValueError):
    """Embedded data that is not a confirmation of this schema; says which field."""


@record
class ConfirmedItem:
    id: str
    section: str
    check: str
    status: Status
    action: str = ""  # status ACTION: what will be done
    due: date | None = None  # status ACTION: by when
    reason: str = ""  # status NOT_APPLICABLE: why


@record
class Staff:
    name: str
    id: str
    role: str


@record
class Confirmation:
    document_id: str
    staff: Staff
    school: str
    cycle: str
    audit_type: AuditType
    checklist_id: str
    checklist_title: str
    checklist_version: str
    checklist_sha256: str
    completed_at: datetime
    items: tuple[ConfirmedItem, ...]
    declaration: str
    knowledge_check: KnowledgeResult | None = None  # a new starter's score; optional in the JSON

    @property
    def actions(self) -> tuple[ConfirmedItem, ...]:
        return tuple(i for i in self.items if i.status is Status.ACTION)

    def count(self, status: Status) -> int:
        return sum(i.status is status for i in self.items)

    def to_json(self) -> dict[str, Any]:
        data = {
            "schema": SCHEMA,
            "document_id": self.document_id,
            "staff": {"name": self.staff.name, "id": self.staff.id, "role": self.staff.role},
            "school": self.school,
            "cycle": self.cycle,
            "audit_type": self.audit_type.value,
            "checklist": {"id": self.checklist_id, "title": self.checklist_title,
                          "version": self.checklist_version, "sha256": self.checklist_sha256},
            "completed_at": self.completed_at.isoformat(timespec="seconds"),
            "declaration": self.declaration,
            "items": [_item_json(i) for i in self.items],
        }
        if self.knowledge_check is not None:
            data["knowledge_check"] = {"score": self.knowledge_check.score, "out_of": self.knowledge_check.out_of}
        return data

    @classmethod
    def from_json(cls, data: Any) -> Confirmation:
        """Reads embedded JSON back; raises ConfirmationError naming the first bad field."""
        return _Parser().confirmation(data)


def build_confirmation(checklist: Checklist, audit: Audit, document_id: str) -> Confirmation:
    """The confirmation of a completed audit: every item that applies, in checklist order."""
    if audit.completed_at is None:
        raise ValueError("the audit is not completed")
    items = []
    for item in checklist.applicable_items(audit.profile):
        answer = audit.answer(item.id)
        if answer.status is None:
            raise ValueError(f"item {item.id} is not answered")
        section = checklist.section_of(item.id)
        items.append(ConfirmedItem(
            id=item.id, section=section.title if section else "", check=item.check, status=answer.status,
            action=answer.action.strip() if answer.status is Status.ACTION else "",
            due=answer.due if answer.status is Status.ACTION else None,
            reason=answer.reason.strip() if answer.status is Status.NOT_APPLICABLE else "",
        ))
    return Confirmation(
        document_id=document_id,
        staff=Staff(audit.person.name, audit.person.staff_id, audit.person.role),
        school=audit.school, cycle=audit.cycle, audit_type=audit.audit_type,
        checklist_id=checklist.id, checklist_title=checklist.title, checklist_version=checklist.version,
        checklist_sha256=checklist.sha256, completed_at=audit.completed_at.replace(microsecond=0), items=tuple(items),
        declaration=checklist.declaration_for(audit.audit_type is AuditType.INDUCTION),
        knowledge_check=knowledge_result(checklist, audit),
    )


def pdf_file_name(confirmation: Confirmation) -> str:
    """e.g. 2026-27_Jones_Sian_S1234_self-audit.pdf: sorts by cycle then surname; safe anywhere."""
    given, surname = _split_name(confirmation.staff.name)
    parts = [confirmation.cycle, surname, given, confirmation.staff.id.split("@")[0], "self-audit"]
    if confirmation.audit_type is AuditType.INDUCTION:
        parts[-1] = "induction"
    return "_".join(p for p in (_safe(p) for p in parts) if p) + ".pdf"


# Words that belong to the surname that follows them: Ó Briain, van der Berg, ap Rhys.
_SURNAME_PARTICLES = {"ó", "o", "ní", "nic", "mac", "mc", "de", "del", "della", "van", "von", "der", "den",
                      "da", "di", "du", "le", "la", "ap", "ab", "bin", "binti", "al", "el"}


def _split_name(name: str) -> tuple[str, str]:
    words = name.split()
    start = len(words) - 1
    while start > 1 and words[start - 1].casefold() in _SURNAME_PARTICLES:
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])


# Latin letters with no decomposition: without these, NFKD would drop Ł from Łucja.
_FOLD = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ð": "D", "ð": "d",
                       "ß": "ss", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Þ": "Th", "þ": "th", "ı": "i"})


def _safe(text: str) -> str:
    # Letters lose their accents (Siân -> Sian) rather than vanish; anything else becomes "-".
    ascii_text = unicodedata.normalize("NFKD", text.translate(_FOLD)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:40]


def _item_json(item: ConfirmedItem) -> dict[str, Any]:
    data: dict[str, Any] = {"id": item.id, "section": item.section, "check": item.check, "status": item.status.value}
    if item.status is Status.ACTION:
        data["action"] = item.action
        data["due"] = item.due.isoformat() if item.due else None
    if item.status is Status.NOT_APPLICABLE:
        data["reason"] = item.reason
    return data


class _Parser:
    def confirmation(self, data: Any) -> Confirmation:
        data = self.table(data, "")
        if data.get("schema") != SCHEMA:
            raise ConfirmationError(f"schema: expected {SCHEMA!r}, found {data.get('schema')!r}")
        staff = self.table(data.get("staff"), "staff")
        checklist = self.table(data.get("checklist"), "checklist")
        items = data.get("items")
        if not isinstance(items, list) or not items:
            raise ConfirmationError("items: expected a non-empty list")
        try:
            audit_type = AuditType(self.text(data, "audit_type"))
        except ValueError as exc:
            raise ConfirmationError("audit_type: expected 'annual' or 'induction'") from exc
        return Confirmation(
            document_id=self.text(data, "document_id"),
            staff=Staff(self.text(staff, "name", "staff."), self.text(staff, "id", "staff."),
                        self.text(staff, "role", "staff.")),
            school=self.text(data, "school"), cycle=self.text(data, "cycle"), audit_type=audit_type,
            checklist_id=self.text(checklist, "id", "checklist."),
            checklist_title=self.text(checklist, "title", "checklist."),
            checklist_version=self.text(checklist, "version", "checklist."),
            checklist_sha256=self.text(checklist, "sha256", "checklist."),
            completed_at=self.when(data, "completed_at"),
            items=tuple(self.item(raw, n) for n, raw in enumerate(items)),
            declaration=self.text(data, "declaration"),
            knowledge_check=self.knowledge(data.get("knowledge_check")),
        )

    def knowledge(self, raw: Any) -> KnowledgeResult | None:
        if raw is None:
            return None
        raw = self.table(raw, "knowledge_check")
        score, out_of = raw.get("score"), raw.get("out_of")
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in (score, out_of)) or not 0 <= score <= out_of:
            raise ConfirmationError("knowledge_check: expected a score of 0 to out_of")
        return KnowledgeResult(score, out_of)

    def item(self, raw: Any, n: int) -> ConfirmedItem:
        where = f"items[{n}]."
        raw = self.table(raw, where.rstrip("."))
        try:
            status = Status(self.text(raw, "status", where))
        except ValueError as exc:
            raise ConfirmationError(f"{where}status: not a known answer") from exc
        due = None
        if status is Status.ACTION:
            try:
                due = date.fromisoformat(self.text(raw, "due", where))
            except ValueError as exc:
                raise ConfirmationError(f"{where}due: not a date") from exc
        return ConfirmedItem(
            id=self.text(raw, "id", where), section=self.text(raw, "section", where),
            check=self.text(raw, "check", where), status=status,
            action=self.text(raw, "action", where) if status is Status.ACTION else "", due=due,
            reason=self.text(raw, "reason", where) if status is Status.NOT_APPLICABLE else "",
        )

    def table(self, value: Any, where: str) -> dict:
        if not isinstance(value, dict):
            raise ConfirmationError(f"{where or 'document'}: expected an object")
        return value

    def text(self, table: dict, key: str, where: str = "") -> str:
        value = table.get(key)
        if not isinstance(value, str):
            raise ConfirmationError(f"{where}{key}: expected text")
        return value

    def when(self, table: dict, key: str) -> datetime:
        try:
            return datetime.fromisoformat(self.text(table, key))
        except ValueError as exc:
            raise ConfirmationError(f"{key}: not a date and time") from exc
