"""`self-audit demo`: sample staff with signed confirmations, for the HR side, demos and benchmarks.

Each sample person gets an identity of their own made in memory: the demo never touches the
user's keyring or data folder. Seeded, so the same command makes the same people and answers
(the keys, document IDs and signing times differ each run).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from app.core.audit import Answer, Audit, AuditType, Person, Status
from app.core.checklist import Checklist, Profile
from app.core.cycle import cycle_for

NAMES = (
    "Siân Ŵyn Jones", "Łucja Wójcik", "Nguyễn Thị Minh Khai", "Seán Ó Briain", "Zdeněk Dvořák",
    "Ayşe Yılmaz", "Dafydd ap Gruffydd", "Chloé Dubois", "Björn Åkesson", "Oluwaseun Adeyemi",
    "Priya Sharma", "Tom Smith", "Aoife Ní Bhriain", "Małgorzata Kowalczyk", "Rhodri Llŷr Evans",
    "Fatima Zahra Benali", "James O'Connor", "Eilidh MacLeod", "Kateřina Nováková", "Anna van der Berg",
    "Mohammed Iqbal", "Grace Mensah", "Tomás Ó Súilleabháin", "Hannah Williams", "Ewa Zielińska",
)
ROLES = (
    "Class teacher", "Teaching assistant", "Head of Year 7", "SENCo", "Office manager", "Site manager",
    "Lunchtime supervisor", "Cover supervisor", "Science technician", "Deputy headteacher",
)
# For the staff list (staff.csv) the HR side reads, as an MIS would export it.
DEPARTMENTS = {"Class teacher": "Teaching", "Teaching assistant": "Learning support", "Head of Year 7": "Pastoral",
               "SENCo": "Learning support", "Office manager": "Office", "Site manager": "Site",
               "Lunchtime supervisor": "Support staff", "Cover supervisor": "Support staff",
               "Science technician": "Science", "Deputy headteacher": "Leadership"}
ROSTER_NAME = "staff.csv"
PLATFORM_SETS = (
    ("facebook", "instagram"), ("facebook",), ("instagram", "tiktok"), ("x", "linkedin"),
    ("facebook", "instagram", "whatsapp"), ("linkedin",), ("tiktok", "youtube"),
)
ACTIONS = (
    "Remove the school's name from my Facebook profile",
    "Untag myself from the staff party photos",
    "Set my Instagram account to private",
    "Tell the headteacher about a parent's friend request",
    "Take down the photo showing the school logo",
)


@dataclass(frozen=True)
class DemoPerson:
    person: Person
    new_starter: bool
    platforms: tuple[str, ...]
    with_actions: bool


def sample_people(count: int, seed: int = 2026) -> list[DemoPerson]:
    rng = random.Random(seed)
    people = []
    for n in range(count):
        name = NAMES[n % len(NAMES)] + ("" if n < len(NAMES) else f" {n // len(NAMES) + 1}")
        given = name.split()[0].lower()
        staff_id = f"S{1001 + n}" if n % 3 else f"{_ascii(given)}.{n + 1}@school.example"
        people.append(DemoPerson(Person(name, staff_id, rng.choice(ROLES)), new_starter=n % 5 == 1,
                                 platforms=rng.choice(PLATFORM_SETS), with_actions=n % 4 == 2))
    return people


def completed_audit(checklist: Checklist, sample: DemoPerson, today: date, rng: random.Random) -> Audit:
    profile = Profile(platforms=frozenset(sample.platforms), new_starter=sample.new_starter,
                      answers={q.id: rng.random() < 0.5 for q in checklist.questions})
    started = datetime.combine(today - timedelta(days=rng.randint(1, 20)), datetime.min.time(), timezone.utc)
    audit = Audit(sample.person, checklist.school, checklist.id, checklist.version, checklist.sha256,
                  cycle_for(today), AuditType.INDUCTION if sample.new_starter else AuditType.ANNUAL,
                  started + timedelta(hours=9), profile)
    items = checklist.applicable_items(profile)
    action_items = set(rng.sample([i.id for i in items], k=min(2, len(items)))) if sample.with_actions else set()
    for item in items:
        if item.id in action_items:
            answer = Answer(Status.ACTION, action=rng.choice(ACTIONS), due=today + timedelta(days=rng.randint(7, 40)))
        elif rng.random() < 0.12:
            answer = Answer(Status.NOT_APPLICABLE, reason="I do not have an account there")
        else:
            answer = Answer(Status.DONE)
        audit = audit.with_answer(item.id, answer)
    if sample.new_starter:
        audit.knowledge_answers = knowledge_answers(checklist, sample)
    audit.completed_at = started + timedelta(hours=9, minutes=rng.randint(8, 40))
    return audit


def knowledge_answers(checklist: Checklist, sample: DemoPerson) -> dict[str, int]:
    """A new starter's knowledge check: mostly right, the odd one wrong. Its own random stream, so
    everyone else's answers stay as they were."""
    rng = random.Random(f"knowledge/{sample.person.staff_id}")
    return {q.id: q.correct if rng.random() < 0.75 else (q.correct + 1) % len(q.options)
            for q in checklist.knowledge_check}


def make_demo(out: Path, count: int, checklist: Checklist, seed: int = 2026,
              today: date | None = None, report=print) -> list[Path]:
    """Writes `count` signed confirmations into `out`; returns their paths."""
    from app.export import prepare, run_export
    from app.signing.identity import create_self_signed

    today = today or date.today()
    rng = random.Random(seed)
    written = []
    for sample in sample_people(count, seed):
        audit = completed_audit(checklist, sample, today, rng)
        identity = create_self_signed(sample.person.name, sample.person.staff_id, checklist.school)
        job = prepare(checklist, audit, out, replace_existing=True)
        result = run_export(job, lambda identity=identity: identity)
        written.append(result.path)
        report(f"{result.path.name}  ({sample.person.role}"
               f"{', new starter' if sample.new_starter else ''}"
               f"{', outstanding actions' if result.confirmation.actions else ''})")
    write_roster(out / ROSTER_NAME, sample_people(count + max(1, count // 10), seed), today, report)
    return written


def write_roster(path: Path, people: list[DemoPerson], today: date, report=print) -> None:
    """The staff list as an MIS exports it (UTF-8 with BOM, UK dates): everyone in the demo and a
    tenth more who have not done their audit, so HR sees who is missing."""
    import csv
    import io
    import os

    buffer = io.StringIO(newline="")
    rows = csv.writer(buffer, lineterminator="\r\n")
    rows.writerow(["Staff ID", "Name", "Email", "Role", "Department", "Start date"])
    for n, sample in enumerate(people):
        person = sample.person
        email = person.staff_id if "@" in person.staff_id else \
            f"{_ascii(person.name.split()[0]).lower()}.{n + 1}@school.example"
        started = today - timedelta(days=3 if sample.new_starter else 400 + 97 * n % 3000)
        rows.writerow([person.staff_id, person.name, email, person.role, DEPARTMENTS.get(person.role, ""),
                       f"{started:%d/%m/%Y}"])
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(descriptor, "wb") as file:
        file.write(buffer.getvalue().encode("utf-8-sig"))
    report(f"{path.name}  (the staff list: {len(people)} staff, as the MIS exports it)")


def _ascii(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode() or "staff"
