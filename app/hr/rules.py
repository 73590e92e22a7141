"""The register's rules, as pure functions: which key to trust, which file counts, what to flag.

Nothing here reads a file or a database: the register passes its records in and gets a
RegisterView back, so every rule is tested with plain values.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from app.hr.records import FileRecord, FileStatus, Flag, KeyRecord, KeySource
from app.hr.roster import RosterEntry, normalise_id


@dataclass(frozen=True)
class FileRow:
    """A file as the register judges it: `status` "valid" means it is accepted."""

    record: FileRecord
    status: str  # a FileStatus or VerdictCode value
    reason: str  # plain English; "" when valid
    flags: tuple[Flag, ...] = ()
    flag_reasons: tuple[str, ...] = ()
    counts: bool = False  # the one file that stands as that person's confirmation for the cycle

    @property
    def accepted(self) -> bool:
        return self.status == FileStatus.VALID.value


class StaffState:
    COMPLETED = "completed"
    NEEDS_ATTENTION = "needs attention"  # sent something, but nothing the register can accept
    MISSING = "missing"


@dataclass(frozen=True)
class StaffRow:
    """One staff member for the cycle: from the roster, or from a confirmation if not on it."""

    staff_id: str
    name: str
    email: str
    role: str
    group: str  # department, else role: what the summary chart groups by
    state: str  # a StaffState value
    file: FileRow | None = None  # the confirmation that counts
    other_files: tuple[FileRow, ...] = ()  # duplicates, flagged keys, other cycles
    on_roster: bool = True


@dataclass(frozen=True)
class RegisterView:
    cycle: str
    today: date
    files: tuple[FileRow, ...]
    staff: tuple[StaffRow, ...]
    has_roster: bool

    def status_counts(self) -> Counter:
        return Counter(row.status for row in self.files)

    def staff_in(self, state: str) -> tuple[StaffRow, ...]:
        return tuple(row for row in self.staff if row.state == state)

    @property
    def missing(self) -> tuple[StaffRow, ...]:
        return self.staff_in(StaffState.MISSING)

    def outstanding_actions(self) -> Counter:
        """How many accepted confirmations name each outstanding action (spacing and case folded)."""
        counts: Counter = Counter()
        shown: dict[str, str] = {}
        for row in self.staff:
            if row.file is None:
                continue
            texts = {}
            for action in row.file.record.actions:
                text = " ".join(action.text.split())
                texts.setdefault(text.casefold(), text)
            for key, text in texts.items():
                counts[key] += 1
                shown.setdefault(key, text)
        return Counter({shown[key]: n for key, n in counts.items()})


# -- keys --------------------------------------------------------------------------------

class KeyBook:
    """The recorded keys, looked up by staff ID and by fingerprint (both in constant time)."""

    def __init__(self, keys: Iterable[KeyRecord] = ()):
        self.by_staff: dict[str, dict[str, KeyRecord]] = defaultdict(dict)
        self.by_fingerprint: dict[str, list[KeyRecord]] = defaultdict(list)
        for key in keys:
            self.add(key)

    def add(self, key: KeyRecord) -> None:
        if key.fingerprint not in self.by_staff[key.staff_key]:
            self.by_staff[key.staff_key][key.fingerprint] = key
            self.by_fingerprint[key.fingerprint].append(key)

    def of(self, staff_id: str) -> dict[str, KeyRecord]:
        return self.by_staff.get(normalise_id(staff_id), {})

    def holders(self, fingerprint: str) -> list[KeyRecord]:
        return self.by_fingerprint.get(fingerprint, [])


def key_book(keys: Iterable[KeyRecord]) -> KeyBook:
    return KeyBook(keys)


def key_problem(staff_id: str, fingerprint: str, book: KeyBook) -> tuple[FileStatus, str] | None:
    """Why a verified file's key is not accepted for `staff_id`, or None if it is.

    A key HR entered (say, noted at induction) is the one that counts: once there is one, only
    keys HR entered or accepted are. Otherwise the first key seen, and any HR accepted, are."""
    mine = book.of(staff_id)
    record = mine.get(fingerprint)
    if record is not None and record.source is not KeySource.FIRST_SEEN:
        return None  # HR's own word stands, even for a key shared on purpose
    entered = [k for k in mine.values() if k.source is KeySource.HR_ENTERED]
    if entered:
        return FileStatus.UNKNOWN_KEY, (f"signed with a key HR has not recorded for {staff_id} "
                                        f"(HR entered {_short(entered[0].fingerprint)})")
    others = sorted(k.staff_id for k in book.holders(fingerprint) if k.staff_key != normalise_id(staff_id))
    if others:
        return FileStatus.SHARED_KEY, (f"signed with the key already recorded for {', '.join(others)}; "
                                       "one key for two staff IDs needs HR to confirm it")
    if record is not None:
        return None
    if not mine:
        return FileStatus.UNKNOWN_KEY, f"no key is recorded for {staff_id} yet"
    first = min(mine.values(), key=lambda k: k.recorded_at)
    where = f" in {_file_name(first.file)}" if first.file else ""
    return FileStatus.CHANGED_KEY, (f"signed with a different key from the first one seen for {staff_id} "
                                    f"({_short(first.fingerprint)}{where}); HR needs to confirm the new key")


def first_seen_keys(records: Iterable[FileRecord], recorded: Iterable[KeyRecord], now: datetime) -> list[KeyRecord]:
    """The keys to record from newly verified files: for each staff ID with no key yet, the key of
    its earliest signed file, unless another staff ID already holds that key."""
    book = KeyBook(recorded)
    new: list[KeyRecord] = []
    for record in sorted((r for r in records if r.verified and r.fingerprint),
                         key=lambda r: (r.when or now, r.path)):
        if book.of(record.staff_id) or book.holders(record.fingerprint):
            continue
        key = KeyRecord(record.staff_id, record.fingerprint, KeySource.FIRST_SEEN, now, file=record.path)
        book.add(key)
        new.append(key)
    return new


# -- the register ---------------------------------------------------------------------

def build_view(files: Iterable[FileRecord], keys: Iterable[KeyRecord], roster: Iterable[RosterEntry] | None,
               cycle: str, today: date, current_versions: Mapping[str, str]) -> RegisterView:
    """Judge every file and every staff member for `cycle` as of `today`.

    `current_versions` maps a bundled checklist's ID to its current version; a confirmation of
    an older version is flagged. Without a roster, the staff are those the files name.
    """
    book = key_book(keys)
    entries = list(roster or ())
    by_id: dict[str, RosterEntry] = {}
    for entry in entries:
        for value in (entry.staff_id, entry.email):
            if value:
                by_id.setdefault(normalise_id(value), entry)

    def person(record: FileRecord) -> str:
        entry = by_id.get(record.staff_key)
        return normalise_id(entry.staff_id) if entry else record.staff_key

    judged: list[FileRow] = []
    candidates: dict[str, list[FileRow]] = defaultdict(list)
    for record in files:
        row = _judge(record, book, cycle)
        if row.accepted:
            flags = _flags(record, today, current_versions, roster is not None and record.staff_key not in by_id)
            row = FileRow(record, row.status, "", *flags)
            candidates[person(record)].append(row)
        else:
            judged.append(row)
    counting: dict[str, FileRow] = {}
    for who, rows in candidates.items():
        rows.sort(key=lambda r: (r.record.when or datetime.min, r.record.path), reverse=True)
        latest = rows[0]
        counting[who] = FileRow(latest.record, latest.status, "", latest.flags, latest.flag_reasons, counts=True)
        judged.append(counting[who])
        for older in rows[1:]:
            judged.append(FileRow(older.record, FileStatus.DUPLICATE.value,
                                  f"an earlier confirmation by {older.record.name} for {cycle}; the latest, "
                                  f"{_file_name(latest.record.path)}, counts"))
    judged.sort(key=lambda r: r.record.path)

    others: dict[str, list[FileRow]] = defaultdict(list)
    for row in judged:
        if row.record.staff_id and not row.counts:
            others[person(row.record)].append(row)
    staff = [_staff_row(entry, counting.get(normalise_id(entry.staff_id)),
                        others.get(normalise_id(entry.staff_id), [])) for entry in entries]
    listed = {normalise_id(entry.staff_id) for entry in entries}
    for who in sorted(set(counting) | set(others)):
        if who in listed:
            continue
        rows = counting.get(who) or others[who][0]
        record = rows.record
        entry = RosterEntry(record.staff_id, record.name, "", record.role)
        staff.append(_staff_row(entry, counting.get(who), others.get(who, []), on_roster=False))
    staff.sort(key=lambda s: (s.name.casefold(), s.staff_id))
    return RegisterView(cycle, today, tuple(judged), tuple(staff), roster is not None)


def _judge(record: FileRecord, book, cycle: str) -> FileRow:
    if not record.verified:
        return FileRow(record, record.code, record.reason)
    if record.cycle != cycle:
        return FileRow(record, FileStatus.WRONG_CYCLE.value, f"a confirmation for {record.cycle}, not {cycle}")
    problem = key_problem(record.staff_id, record.fingerprint, book)
    if problem:
        return FileRow(record, problem[0].value, problem[1])
    return FileRow(record, FileStatus.VALID.value, "")


def _flags(record: FileRecord, today: date, current_versions: Mapping[str, str], off_roster: bool
           ) -> tuple[tuple[Flag, ...], tuple[str, ...]]:
    flags, reasons = [], []
    current = current_versions.get(record.checklist_id)
    if current and is_older_version(record.checklist_version, current):
        flags.append(Flag.OLD_CHECKLIST)
        reasons.append(f"checklist version {record.checklist_version}; the current one is {current}")
    overdue = [a for a in record.actions if a.due is not None and a.due < today]
    if overdue:
        flags.append(Flag.OVERDUE_ACTIONS)
        reasons.append(f"{len(overdue)} action{'s' if len(overdue) > 1 else ''} overdue "
                       f"(due {', '.join(f'{a.due:%d/%m/%Y}' for a in overdue)})")
    if off_roster:
        flags.append(Flag.NOT_ON_ROSTER)
        reasons.append(f"{record.staff_id} is not on the staff list")
    return tuple(flags), tuple(reasons)


def overdue_actions(row: FileRow, today: date) -> tuple:
    return tuple(a for a in row.record.actions if a.due is not None and a.due < today)


def is_older_version(version: str, current: str) -> bool:
    """'2025.2' is older than '2026.1'; versions that are not numbers are older when they differ."""
    mine, theirs = _numbers(version), _numbers(current)
    if mine and theirs:
        return mine < theirs
    return version != current


def _numbers(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", version))


def _staff_row(entry: RosterEntry, counting: FileRow | None, others: list[FileRow], on_roster: bool = True
               ) -> StaffRow:
    if counting is not None:
        state = StaffState.COMPLETED
    elif others:
        state = StaffState.NEEDS_ATTENTION
    else:
        state = StaffState.MISSING
    return StaffRow(entry.staff_id, entry.name, entry.email, entry.role, entry.group, state, counting,
                    tuple(others), on_roster)


def _short(fingerprint: str) -> str:
    return fingerprint.replace(":", "")[:16] + "…"


def _file_name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]
