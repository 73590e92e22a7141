"""`self-audit my-data export DIR` and `self-audit my-data delete [--yes]`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    import argparse

CONFIRM_WORD = "delete"


def add_commands(subparsers) -> None:
    my_data = subparsers.add_parser("my-data", help="export or delete everything the app holds about you")
    actions = my_data.add_subparsers(dest="my_data_command", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export", help="save everything the app holds about you (JSON and the signed PDFs) in a new folder in DIR")
    export.add_argument("out", type=Path, metavar="DIR", help="where to make the folder (created if needed)")
    export.set_defaults(handler=export_command)
    delete = actions.add_parser(
        "delete", help="delete your answers, notes, signing key (and its keyring secret), signed PDFs and logs")
    delete.add_argument("--yes", action="store_true", help=f"do not ask to type \"{CONFIRM_WORD}\" first")
    delete.set_defaults(handler=delete_command)


def export_command(args: argparse.Namespace) -> int:
    from app.data_rights import DataRightsError, export_my_data
    from app.store.paths import data_dir

    _tolerate_any_name()
    try:
        folder = export_my_data(data_dir(), args.out)
    except DataRightsError as exc:
        print(f"self-audit: {exc}", file=sys.stderr)
        return 1
    print(f"Your data is in {folder}")
    print("It includes your private notes: keep it safe, and delete it when you no longer need it.")
    return 0


def delete_command(args: argparse.Namespace, ask: Callable[[str], str] = input) -> int:
    from app.data_rights import delete_my_data, finish_deletion, take_inventory
    from app.store.instance_lock import take_instance_lock
    from app.store.paths import data_dir

    _tolerate_any_name()
    folder = data_dir()
    inventory = take_inventory(folder)
    if inventory.empty:
        print(f"Staff Self-Audit holds no data about you in {folder}.")
        return 0
    lock = take_instance_lock(folder)
    if lock is None:
        print("self-audit: Staff Self-Audit is open. Close its window, then run this again "
              "(or use Your data \u2192 Delete my data in the app).", file=sys.stderr)
        return 2
    try:
        print("This deletes, for good:")
        for line in inventory.describe():
            print(f"  - {line}")
        print("Not deleted: copies you made with 'my-data export', PDFs you have moved or sent, and what HR holds.")
        if not args.yes:
            try:
                typed = ask(f"Type {CONFIRM_WORD} to delete it all, or press Enter to keep it: ")
            except EOFError:
                typed = ""
            if typed.strip().lower() != CONFIRM_WORD:
                print("Nothing was deleted.")
                return 1
        report = delete_my_data(folder)
    finally:
        lock.release()
    finish_deletion(folder)
    for line in report.describe():
        print(line)
    return 0 if report.complete else 1


def _tolerate_any_name() -> None:
    if hasattr(sys.stdout, "reconfigure"):  # a name a console's code page lacks must not end the run
        sys.stdout.reconfigure(errors="backslashreplace")
