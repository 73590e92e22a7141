"""The `self-audit` command: the app with no arguments, tools with them.

Imports stay inside the handlers: starting the window must not pay for the tools.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app import __version__

if TYPE_CHECKING:
    import argparse


def _parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="self-audit",
        description="Check your own social media against your school's policy; HR collects the confirmations.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    checklists = commands.add_parser("checklists", help="work with checklist files")
    checklist_commands = checklists.add_subparsers(dest="checklists_command", metavar="ACTION", required=True)
    validate = checklist_commands.add_parser(
        "validate", help="report every problem in checklist files (exit 0 only when all are clean)"
    )
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE")
    validate.add_argument("--policies", type=Path, metavar="DIR",
                          help="check each quote appears verbatim in the policy file the checklist names")
    validate.set_defaults(handler=_validate)

    verify = commands.add_parser(
        "verify", help="check signed confirmation PDFs (exit 0 only when every one is valid)"
    )
    verify.add_argument("files", nargs="+", type=Path, metavar="FILE", help="a PDF, or a folder of them")
    verify.set_defaults(handler=_verify)

    demo = commands.add_parser(
        "demo", help="make sample staff with signed confirmations, for trying the HR side (never touches your data)"
    )
    demo.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the PDFs (created if needed)")
    demo.add_argument("--count", type=int, default=12, metavar="N", help="how many sample staff (default 12)")
    demo.add_argument("--checklist", default="model-policy", metavar="ID",
                      help="the bundled checklist (school) they follow (default model-policy)")
    demo.add_argument("--seed", type=int, default=2026, help="the same seed makes the same people and answers")
    demo.set_defaults(handler=_demo)

    from app.data_rights_cli import add_commands as add_data_rights_commands

    add_data_rights_commands(commands)

    from app.hr.cli import add_commands as add_hr_commands

    add_hr_commands(commands)
    return parser


def _validate(args: argparse.Namespace) -> int:
    from datetime import date

    from app.checklist_files import validate_files

    if args.policies is not None and not args.policies.is_dir():
        print(f"self-audit: --policies {args.policies}: no such folder", file=sys.stderr)
        return 2
    report = validate_files(args.files, args.policies, date.today())
    for problem in report.problems:
        print(problem)
    bad = len({p.file for p in report.problems})
    if report.ok:
        print(f"{len(report.files)} file(s) checked: no problems.")
        return 0
    print(f"{len(report.problems)} problem(s) in {bad} file(s); {len(report.files)} file(s) checked.", file=sys.stderr)
    return 1


def _verify(args: argparse.Namespace) -> int:
    from app.signing.verify import verify_files

    missing = [str(given) for given in args.files if not given.exists()]
    if missing:
        print(f"self-audit: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    files: list[Path] = []
    for given in args.files:
        if not given.is_dir():
            files.append(given)
            continue
        try:  # its PDFs, not hidden ones such as macOS's ._name.pdf on a USB stick
            files.extend(sorted(p for p in given.iterdir()
                                if p.suffix.lower() == ".pdf" and not p.name.startswith(".") and p.is_file()))
        except OSError as error:
            print(f"self-audit: {given}: {error.strerror or error}", file=sys.stderr)
            return 2
    if not files:
        print("self-audit: no PDF files to verify", file=sys.stderr)
        return 2
    if hasattr(sys.stdout, "reconfigure"):  # a name a console's code page lacks must not end the run
        sys.stdout.reconfigure(errors="backslashreplace")
    all_valid = True
    for path, verdict in verify_files(files):
        if verdict.valid and verdict.confirmation is not None:
            c = verdict.confirmation
            fingerprint = (verdict.fingerprint or "").replace(":", "")[:16]
            print(f"VALID  {path}  {c.staff.name} ({c.staff.id}), {c.school}, {c.cycle}, fingerprint {fingerprint}…")
        else:
            all_valid = False
            print(f"INVALID  {path}  {verdict.reason}")
    return 0 if all_valid else 1


def _demo(args: argparse.Namespace) -> int:
    from app.checklist_files import load_bundled
    from app.demo import make_demo

    if not 1 <= args.count <= 10000:
        print("self-audit: --count must be between 1 and 10000", file=sys.stderr)
        return 2
    checklists, problems = load_bundled()
    chosen = next((c for c in checklists if c.id == args.checklist), None)
    if chosen is None:
        known = ", ".join(sorted(c.id for c in checklists))
        print(f"self-audit: no bundled checklist {args.checklist!r}; choose one of: {known}", file=sys.stderr)
        return 2
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="backslashreplace")
    written = make_demo(args.out, args.count, chosen, seed=args.seed)
    print(f"{len(written)} signed confirmation(s) for {chosen.school} in {args.out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # the app itself: no need to build the tools' parser on the way to the window
        # Start-up makes many objects and few cycles: collections until the first paint would
        # walk them all for nothing (some 20 ms). run_app turns collection back on after it.
        gc.disable()
        try:
            from app.ui.launch import run_app

            return run_app()
        finally:
            gc.enable()
    args = _parser().parse_args(argv)
    handler = getattr(args, "handler", None)
    if args.command == "hr" and handler is None:  # `self-audit hr` with no action: the register's window
        from app.ui.launch import run_hr_app

        return run_hr_app()
    if handler is None:
        from app.ui.launch import run_app

        return run_app()
    return handler(args)
