"""HR's side: collect a folder of signed confirmations into a verified register, see who is missing.

Qt-free, for the command line (`self-audit hr`, cli.py) and the HR view alike:

- `roster.read_roster(path) -> Roster`: the staff list from an MIS CSV export (RosterError).
- `register.Register.open(path)`: HR's own SQLite register (RegisterError); `import_roster`,
  `enter_key` (HR's known or accepted keys), `view(cycle, today, current_versions)`.
- `collect.collect(folder, register, progress=, cancelled=) -> CollectResult`: checks new and
  changed files in worker processes (CollectError); safe to run on a worker thread.
- `rules.build_view(...) -> RegisterView`: the pure rules (keys, duplicates, flags, who is missing).
- `outputs.write_csv`, `outputs.remind_addresses` / `mailto_bcc`, `summary_pdf.write_summary`:
  what HR takes away (OutputError).

Heavy modules (pyHanko in the workers, reportlab for the summary) are imported only when used.
"""
