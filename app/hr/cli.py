"""`self-audit hr ...`: HR's register from the command line.

    self-audit hr collect FOLDER [--roster staff.csv] [--register FILE] [--csv OUT.csv] [--summary OUT.pdf]
    self-audit hr known-key STAFF_ID FINGERPRINT [--note TEXT]    a key HR knows, e.g. noted at induction
    self-audit hr accept-key STAFF_ID FINGERPRINT [--note TEXT]   confirm a key the register flagged
    self-audit hr                                                 the register in a window (app.ui)

Exit status: 0 when every file is accepted and no one on the staff list is missing; 1 when
something needs HR's attention; 2 when the command could not do its work.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

LIST_AT_MOST = 50  # lines of flagged files or missing staff printed; the CSV has them all


def add_commands(subparsers) -> None:
    """Adds `hr` and its actions to the `self-audit` parser's subcommands."""
    hr = subparsers.add_parser("hr", help="HR: collect signed confirmations into a register, see who is missing",
                               description="With no ACTION, opens HR's register in a window.")  # app/cli.py
    actions = hr.add_subparsers(dest="hr_command", metavar="ACTION")

    collect = actions.add_parser(
        "collect", help="check every PDF in a folder (and below) into the register; print who is missing")
    collect.add_argument("folder", type=Path, metavar="FOLDER",
                         help="the folder the PDFs are in (its subfolders too)")
    collect.add_argument("--roster", type=Path, metavar="CSV",
                         help="the staff list exported from the MIS (replaces the one imported before)")
    _register_option(collect)
    collect.add_argument("--csv", type=Path, metavar="OUT.csv", help="write a row per file, for Excel")
    collect.add_argument("--summary", type=Path, metavar="OUT.pdf", help="write a one-page summary for the head")
    collect.add_argument("--cycle", metavar="YYYY-YY", help="the audit cycle (default: the current one, by school.toml or else the academic year)")
    collect.add_argument("--as-of", type=date.fromisoformat, metavar="YYYY-MM-DD", dest="as_of",
                         help="judge overdue actions (and the default cycle) as of this day (default: today)")
    collect.set_defaults(handler=_collect)

    for name, source, text in (("known-key", "hr-entered", "record a key HR knows for a staff ID "
                                                           "(for example noted at induction)"),
                               ("accept-key", "hr-accepted", "accept a key the register flagged for a staff ID")):
        command = actions.add_parser(name, help=text)
        command.add_argument("staff_id", metavar="STAFF_ID")
        command.add_argument("fingerprint", metavar="FINGERPRINT", help="the SHA-256 fingerprint, colons optional")
        command.add_argument("--note", default="", help="HR's own note, kept with the key")
        _register_option(command)
        command.set_defaults(handler=_enter_key, key_source=source)


def _register_option(parser) -> None:
    parser.add_argument("--register", type=Path, metavar="FILE",
                        help="HR's register (default: hr-register.sqlite3 in the app's data folder)")


def _collect(args: argparse.Namespace) -> int:
    from app.signing.workers import start_workers

    # First: the workers' imports (about a second) then overlap this command's own imports,
    # reading the roster and the register, and hashing the files.
    start_workers()
    from app.checklist_files import bundled_versions
    from app.core.cycle import CycleRules
    from app.hr.collect import CollectError, collect
    from app.hr.outputs import OutputError, write_csv
    from app.hr.register import Register, RegisterError
    from app.hr.roster import RosterError, read_roster
    from app.hr.summary_pdf import write_summary

    _console()
    today = args.as_of or date.today()
    cycle = args.cycle or _cycle_rules(CycleRules).cycle_for(today)
    try:
        roster = read_roster(args.roster) if args.roster else None
    except RosterError as error:
        return _fail(str(error))
    try:
        with Register.open(args.register) as register:
            for notice in register.notices:
                print(notice, file=sys.stderr)
            if roster is not None:
                register.import_roster(roster)
                print(f"Staff list: {len(roster.entries)} staff from {roster.source}")
                for problem in roster.problems:
                    print(f"  {roster.source}: {problem}")
            result = collect(args.folder, register, progress=_Progress())
            view = register.view(cycle, today, bundled_versions())
            if args.csv:
                write_csv(view, args.csv)
            if args.summary:
                write_summary(view, args.summary)
    except (CollectError, RegisterError, OutputError) as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        print("\nStopped: the files checked so far are kept in the register.", file=sys.stderr)
        return 130
    _report(result, view, register.path, args)
    return 1 if _needs_attention(view) else 0


def _cycle_rules(default):
    """The school configuration's cycle (school.toml), else the academic year."""
    from app.school_config_files import read_school_config

    config, error = read_school_config()
    if error is not None:
        print(f"{error}\nUsing the academic year as the cycle (use --cycle to choose another).", file=sys.stderr)
    return config.cycle_rules if config is not None else default()


def _enter_key(args: argparse.Namespace) -> int:
    from app.hr.records import KeySource
    from app.hr.register import Register, RegisterError

    try:
        with Register.open(args.register) as register:
            key = register.enter_key(args.staff_id, args.fingerprint, KeySource(args.key_source), args.note)
    except RegisterError as error:
        return _fail(str(error))
    verb = "Accepted" if key.source is KeySource.HR_ACCEPTED else "Recorded"
    print(f"{verb} key {key.fingerprint} for {key.staff_id}. Collect again to update the register.")
    return 0


def _report(result, view, register_path: Path, args: argparse.Namespace) -> None:
    from app.hr.rules import StaffState

    print(f"{result.found} PDF file(s) in {result.folder}: {result.checked} checked, {result.unchanged} unchanged"
          + (f", {result.reused} moved or copied" if result.reused else "")
          + (f", {result.removed} gone since last time" if result.removed else "")
          + (f"; {result.ignored} other file(s) ignored" if result.ignored else ""))
    counts = view.status_counts()
    print(f"Cycle {view.cycle}: " + ", ".join(f"{status} {n}" for status, n in sorted(counts.items())) if counts
          else f"Cycle {view.cycle}: no files")
    flagged = [row for row in view.files if not row.accepted]
    _list("Needs HR's attention", [f"{row.status}  {row.record.path}  {row.reason}" for row in flagged])
    warned = [row for row in view.files if row.accepted and row.flags]
    _list("Accepted, with flags", [f"{' '.join(row.flags)}  {row.record.path}  {'; '.join(row.flag_reasons)}"
                                   for row in warned])
    completed = len(view.staff_in(StaffState.COMPLETED))
    if view.has_roster:
        missing = view.missing
        print(f"Staff: {completed} of {len(view.staff)} completed, "
              f"{len(view.staff_in(StaffState.NEEDS_ATTENTION))} need attention, {len(missing)} missing")
        _list("Missing", [f"{s.name} ({s.staff_id}) {s.email}".rstrip() for s in missing])
    else:
        print(f"Staff: {completed} completed (import a staff list with --roster to see who is missing)")
    if args.csv:
        print(f"CSV: {args.csv}")
    if args.summary:
        print(f"Summary: {args.summary}")
    print(f"Register: {register_path}")


def _needs_attention(view) -> bool:
    return any(not row.accepted for row in view.files) or bool(view.has_roster and view.missing)


def _list(title: str, lines: list[str]) -> None:
    if not lines:
        return
    print(f"{title} ({len(lines)}):")
    for line in lines[:LIST_AT_MOST]:
        print(f"  {line}")
    if len(lines) > LIST_AT_MOST:
        print(f"  … and {len(lines) - LIST_AT_MOST} more (see --csv)")


class _Progress:
    """A progress line on a terminal, every few per cent; nothing when the output is a file."""

    def __init__(self) -> None:
        self.shown = -1
        self.live = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.live or not total:
            return
        percent = 100 * done // total
        if percent != self.shown and (percent % 5 == 0 or done == total):
            self.shown = percent
            print(f"\rChecking {done} of {total} file(s)… {percent}%", end="" if done < total else "\n",
                  file=sys.stderr, flush=True)


def _console() -> None:
    if hasattr(sys.stdout, "reconfigure"):  # a name a console's code page lacks must not end the run
        sys.stdout.reconfigure(errors="backslashreplace")


def _fail(message: str) -> int:
    print(f"self-audit: {message}", file=sys.stderr)
    return 2
