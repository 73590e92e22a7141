"""What a screen reader finds: every control the person can see has a name it can announce.

The real app runs as its own process on an X screen with the accessibility bus, and
`tests/atspi_probe.py` (system Python, python3-pyatspi) reads its tree through AT-SPI as Orca
would. What Windows Narrator reads comes from the same Qt accessible names and descriptions,
so a name missing here is missing there too.

Under `make test` the screen and the buses come from tests/run_headless.sh. Run on its own
without a DISPLAY and a D-Bus session (or with SELF_AUDIT_A11Y_OWN_DISPLAY=1, to keep windows
off a developer's own screen), this module starts a private Xvfb, D-Bus session and
accessibility bus itself and stops them afterwards, so it works the same either way.
"""

from __future__ import annotations

import json
import os
import re
import selectors
import shutil
import signal
import sqlite3
import subprocess
import sys
import unicodedata
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # cycle_helpers, which seeds last cycle's audit
PROBE = HERE / "atspi_probe.py"
SYSTEM_PYTHON = "/usr/bin/python3"  # the Debian Python, which has python3-pyatspi
AT_SPI_BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
APP_NAME = "StaffSelfAudit"  # QApplication.applicationName(): the application's name on the bus
APPEAR_TIMEOUT_S = 20
PROBE_HARD_TIMEOUT_S = 60

# Roles that only hold or show other things: read out as the text around the controls, they
# need no name of their own. Every other showing node is a control and must have one, and
# so must anything that takes keyboard focus (a scroll area, a selectable label).
NOT_CONTROLS = {
    "frame", "filler", "panel", "layered pane", "label", "status bar", "menu bar", "heading",
    "paragraph", "section", "static", "separator", "tool tip", "viewport",
}
MNEMONIC = re.compile(r"(?<![&\w])&(?=\w)|(?<=\w)&(?=\w)")  # "&Next", "Re&view"; not "A & B", "&&"


# -- the screen and the buses ------------------------------------------------------------

@pytest.fixture(scope="module")
def a11y_env(tmp_path_factory):
    """Environment for the app and the probe: the wrapper's, or a private one started here."""
    if (os.environ.get("DISPLAY") and os.environ.get("DBUS_SESSION_BUS_ADDRESS")
            and os.environ.get("SELF_AUDIT_A11Y_OWN_DISPLAY") != "1"):
        yield {}  # tests/run_headless.sh's Xvfb, D-Bus session and accessibility bus
        return
    for tool in ("Xvfb", "dbus-daemon"):
        assert shutil.which(tool), f"{tool} is needed (make test installs it: xvfb, dbus)"
    assert os.access(AT_SPI_BUS_LAUNCHER, os.X_OK), "at-spi2-core is needed (make test installs it)"
    runtime = tmp_path_factory.mktemp("runtime")
    runtime.chmod(0o700)
    started: list[subprocess.Popen] = []

    def start(argv, env=None, **kwargs) -> subprocess.Popen:
        proc = subprocess.Popen(argv, env=env, start_new_session=True, stdin=subprocess.DEVNULL, **kwargs)
        started.append(proc)
        return proc

    try:
        xvfb = start(["Xvfb", "-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        display = _read_line(xvfb, "Xvfb did not report its display")
        bus = start(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        address = _read_line(bus, "dbus-daemon did not report its address")
        env = {"DISPLAY": f":{display}", "DBUS_SESSION_BUS_ADDRESS": address, "XDG_RUNTIME_DIR": str(runtime)}
        start([AT_SPI_BUS_LAUNCHER, "--launch-immediately"], env={**os.environ, **env},
              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        yield env
    finally:
        for proc in reversed(started):
            _end(proc, group=True)


def _read_line(proc: subprocess.Popen, problem: str, timeout: float = 10) -> str:
    """The first line a helper prints on stdout (its display or address), within timeout."""
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise AssertionError(f"{problem} within {timeout} s")
    line = proc.stdout.readline().decode().strip()
    assert line, problem
    return line


def _end(proc: subprocess.Popen, group: bool = False) -> None:
    """Stop a process this module started (and, for a session leader, its own children)."""
    if proc.poll() is None:
        try:
            if group:
                os.killpg(proc.pid, signal.SIGTERM)
            else:
                proc.terminate()
            proc.wait(5)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            pass
    if proc.poll() is None:
        (os.killpg(proc.pid, signal.SIGKILL) if group else proc.kill())
        proc.wait(5)
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()


# -- the app, and the probe that reads it ---------------------------------------------------

class RunningApp:
    def __init__(self, proc: subprocess.Popen, log: Path, env: dict[str, str]):
        self.proc, self.log, self.env = proc, log, env

    def probe(self, *steps: dict) -> list:
        """Run the steps through AT-SPI; the result of each (a dump is the list of showing nodes)."""
        env = {k: v for k, v in self.env.items()
               if not k.startswith(("PYTHON", "QT_", "VIRTUAL_ENV")) and k != "SELF_AUDIT_DATA_DIR"}
        try:
            done = subprocess.run(
                [SYSTEM_PYTHON, "-I", str(PROBE), APP_NAME, "--pid", str(self.proc.pid),
                 "--timeout", str(APPEAR_TIMEOUT_S), "--steps", json.dumps(list(steps))],
                env=env, capture_output=True, text=True, timeout=PROBE_HARD_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired as exc:
            raise AssertionError(f"the AT-SPI probe did not finish in {PROBE_HARD_TIMEOUT_S} s\n"
                                 f"{self.log_tail()}") from exc
        try:
            report = json.loads(done.stdout)
        except json.JSONDecodeError:
            report = None
        if done.returncode != 0 or report is None or "error" in report:
            found = "\n".join(describe(n) for n in (report or {}).get("found") or [])
            raise AssertionError(
                f"AT-SPI probe failed (exit {done.returncode}): {(report or {}).get('error')}\n"
                f"{done.stderr[-2000:]}\nshowing nodes:\n{found}\n{self.log_tail()}")
        return report["results"]

    def log_tail(self) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"app exit code: {self.proc.poll()}; app output (last lines):\n{text[-2000:]}"


@contextmanager
def running_app(tmp_path: Path, data: Path, a11y_env: dict[str, str]):
    env = {k: v for k, v in os.environ.items() if k != "SELF_AUDIT_EXIT_AFTER_PAINT"}
    env = {**env, **a11y_env,
           "SELF_AUDIT_DATA_DIR": str(data), "QT_QPA_PLATFORM": "xcb",
           "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1", "QT_ACCESSIBILITY": "1"}
    log = tmp_path / "app-output.txt"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "app"], cwd=tmp_path, env=env,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield RunningApp(proc, log, env)
    finally:
        _end(proc)


def choose(menu: str, item: str) -> list[dict]:
    """Steps that choose a menu item as a screen reader does. Its action fires the item but
    leaves the menu open (a key press would close it), so pressing the menu again closes it."""
    return [
        {"do": "press", "role": "menu item", "name": menu},
        {"do": "wait", "role": "menu item", "name": item},
        {"do": "press", "role": "menu item", "name": item},
        {"do": "press", "role": "menu item", "name": menu},
    ]


# -- data the app opens on ----------------------------------------------------------------

CHECKLIST_ID = "model-policy"
PLATFORMS = frozenset({"facebook", "instagram"})


def audit_in_progress(data: Path) -> dict[str, int]:
    """An audit on Facebook and Instagram, positioned on an item with how-to panels whose
    answer is Needs action; returns what the pages should count (items, sections, blockers)."""
    from app.checklist_files import load_bundled
    from app.core.audit import Answer, Person, Status, applicable_sections, overall_progress, signing_blockers
    from app.core.checklist import Profile
    from app.session import AuditSession
    from app.store.paths import DATABASE_NAME
    from app.store.repository import AuditRepository

    checklists, problems = load_bundled(date.today())
    assert not problems, problems
    repository = AuditRepository.open(data / DATABASE_NAME)
    try:
        session = AuditSession(repository, checklists)
        profile = Profile(platforms=PLATFORMS)
        session.begin(Person("Ada Lovelace", "S1234", "Teacher"), CHECKLIST_ID, profile)
        checklist = session.checklist
        item = next(i for i in checklist.applicable_items(profile) if checklist.guides_for(i, PLATFORMS))
        assert session.set_answer(item.id, Answer(Status.ACTION, action="Untag myself from the fair photos",
                                                  due=date.today() + timedelta(days=10)))
        session.set_position(item.id)
        assert session.save_state.all_saved
        answered, total = overall_progress(checklist, session.audit)
        return {"answered": answered, "total": total,
                "sections": len(applicable_sections(checklist, profile)),
                "blockers": len(signing_blockers(checklist, session.audit, date.today()))}
    finally:
        repository.close()


def last_year_signed_and_this_year_in_progress(data: Path) -> dict:
    """Last cycle's audit signed, with an action long overdue, and this cycle's in progress;
    returns what home should say (the cycles, the counts) and the checklist."""
    from cycle_helpers import seed_signed_last_cycle

    from app.checklist_files import load_bundled
    from app.core.cycle import cycle_for
    from app.store.paths import DATABASE_NAME

    today = date.today()
    checklist = next(c for c in load_bundled(today)[0] if c.id == CHECKLIST_ID)
    last_cycle = cycle_for(date(today.year - 1, today.month, 1))
    data.mkdir(parents=True, exist_ok=True)
    seed_signed_last_cycle(data / DATABASE_NAME, checklist, cycle=last_cycle)
    counts = audit_in_progress(data)
    return {**counts, "cycle": cycle_for(today), "last_cycle": last_cycle, "checklist": checklist}


def induction_in_progress(data: Path, right: int, wrong: int):
    """A new starter's audit, nothing answered yet, with the first `right` questions of the
    knowledge check answered rightly and the next `wrong` wrongly; returns the checklist and profile."""
    from app.checklist_files import load_bundled
    from app.core.audit import Person
    from app.core.checklist import Profile
    from app.session import AuditSession
    from app.store.paths import DATABASE_NAME
    from app.store.repository import AuditRepository

    checklists, problems = load_bundled(date.today())
    assert not problems, problems
    repository = AuditRepository.open(data / DATABASE_NAME)
    try:
        session = AuditSession(repository, checklists)
        session.begin(Person("Ffion Hughes", "S2001", "Teaching assistant"), CHECKLIST_ID,
                      Profile(platforms=frozenset({"facebook"}), new_starter=True))
        questions = session.checklist.knowledge_check
        assert len(questions) > right + wrong, "a question must be left for the screen reader to answer"
        for n, question in enumerate(questions[:right + wrong]):
            wrong_option = (question.correct + 1) % len(question.options)
            assert session.set_knowledge_answer(question.id, question.correct if n < right else wrong_option)
        assert session.save_state.all_saved
        return session.checklist, session.audit.profile
    finally:
        repository.close()


def knowledge_answers(data: Path) -> dict[str, int]:
    """This cycle's knowledge-check answers as stored: question id -> the option chosen."""
    from app.core.cycle import cycle_for
    from app.store.paths import DATABASE_NAME
    from app.store.repository import AuditRepository

    repository = AuditRepository.open(data / DATABASE_NAME)
    try:
        return dict(repository.latest_audit(cycle_for(date.today())).knowledge_answers)
    finally:
        repository.close()


# -- what counts as a name a screen reader can announce -------------------------------------

def describe(node: dict) -> str:
    return (f"{node['role']!r} name={node['name']!r} description={node['description'][:60]!r} "
            f"states={','.join(node['states'])} at {node['path'][-120:]}")


def naming_problems(nodes: list[dict]) -> list[str]:
    """Every control a screen reader would announce as nothing, as a bare mnemonic or as a symbol."""
    problems = []
    for node in nodes:
        role, name = node["role"], node["name"].strip()
        control = role not in NOT_CONTROLS or "focusable" in node["states"]
        if control and not name:
            problems.append(f"no name: {describe(node)}")
        elif MNEMONIC.search(name):
            problems.append(f"a mnemonic '&' in the name: {describe(node)}")
        elif control and unicodedata.category(name[0]).startswith("S"):
            problems.append(f"the name starts with a symbol (read out as, say, 'left arrow'): {describe(node)}")
        if role == "combo box" and not node["labelled_by"]:
            # On Linux Qt names a combo box by its value; the label comes from the buddy relation.
            problems.append(f"a combo box with no label: {describe(node)}")
    return problems


def find(nodes: list[dict], role: str, name: str | None = None, name_contains: str = "") -> list[dict]:
    return [n for n in nodes if n["role"] == role and (name is None or n["name"] == name)
            and name_contains in n["name"]]


def the(nodes: list[dict], role: str, name: str) -> dict:
    found = find(nodes, role, name)
    assert len(found) == 1, f"expected one showing {role!r} named {name!r}; found {len(found)} among:\n" + \
        "\n".join(describe(n) for n in nodes if n["role"] == role)
    return found[0]


def assert_all_named(nodes: list[dict], page: str) -> None:
    assert nodes, f"the probe saw nothing showing on the {page}"
    problems = naming_problems(nodes)
    assert not problems, f"{len(problems)} control(s) on the {page} a screen reader cannot announce:\n" + \
        "\n".join(problems)


# -- the tests ------------------------------------------------------------------------------

def test_before_you_start_every_control_has_a_name(tmp_path, a11y_env):
    data = tmp_path / "data"
    with running_app(tmp_path, data, a11y_env) as app:
        page, _, _, menu = app.probe(
            {"do": "dump"},
            {"do": "press", "role": "menu item", "name": "Audit"},
            {"do": "wait", "role": "menu item", "name": "Edit my details"},
            {"do": "dump"},
        )

    assert_all_named(page, "Before you start page")
    the(page, "label", "Before you start")
    for name in ("Full name", "Staff ID or work email"):
        assert "editable" in the(page, "text", name)["states"]
    assert "editable" in the(page, "text", "Role")["states"]  # the editable combo box's own field
    assert the(page, "combo box", "Role")["labelled_by"] == ["Role"]
    [school] = [n for n in find(page, "combo box") if n["labelled_by"] == ["School"]]
    assert school["name"], "the school combo box reads out the school chosen"
    for platform in ("Facebook", "Instagram", "X (Twitter)", "WhatsApp"):
        the(page, "check box", platform)
    assert the(page, "check box", "I am new to this school (this is my induction)")["description"]
    assert "default" in the(page, "push button", "Start my audit")["states"]
    the(page, "menu item", "Audit")
    the(page, "menu item", "Help")
    the(page, "label", "Save status")

    assert_all_named(menu, "open Audit menu")
    for name in ("Edit my details", "Review answers", "Earlier audits\u2026", "This year's audit", "Quit"):
        the(menu, "menu item", name)


def test_audit_and_review_pages_every_control_has_a_name(tmp_path, a11y_env):
    data = tmp_path / "data"
    counts = audit_in_progress(data)
    with running_app(tmp_path, data, a11y_env) as app:
        audit, _, _, review = app.probe(
            {"do": "dump"},
            {"do": "press", "role": "push button", "name": "Review all answers"},
            {"do": "wait", "role": "tree", "name": "All your answers"},
            {"do": "dump"},
        )

    assert_all_named(audit, "audit page")
    the(audit, "push button", "Next item")
    the(audit, "push button", "Back to the previous item")
    the(audit, "push button", "Review all answers")
    progress = the(audit, "progress bar", "Overall progress")
    assert progress["description"] == f"{counts['answered']} of {counts['total']} items answered", \
        describe(progress)
    note = the(audit, "text", "Private note")
    assert "never put in the PDF" in note["description"], describe(note)
    for name in ("Done: I have checked this", "Needs action: I will do it", "Not applicable to me"):
        the(audit, "radio button", name)
    assert "checked" in the(audit, "radio button", "Needs action: I will do it")["states"]
    the(audit, "text", "What you will do")
    due = [n for n in audit if n["name"] == "Do it by"]
    assert len(due) == 1 and due[0]["role"] in ("spin button", "date editor") and due[0]["description"], due
    assert not find(audit, "text", "Why it does not apply"), "the reason field shows only for Not applicable"
    assert the(audit, "list", "Sections")["description"]
    rows = find(audit, "list item")
    assert len(rows) == counts["sections"], "\n".join(describe(r) for r in rows)
    for row in rows:  # the accessible text: no check mark, no line break
        assert re.fullmatch(r"\w.*, \d+ of \d+ answered", row["name"]), describe(row)
    for platform in ("Facebook", "Instagram"):
        button = the(audit, "push button", f"Open {platform} settings in your browser")
        assert button["description"], describe(button)
        assert len(find(audit, "panel", name_contains=f"{platform}: ")) == 1
    the(audit, "split pane", "Sections and the current item")

    assert_all_named(review, "review page")
    the(review, "tree", "All your answers")
    headers = [n["name"] for n in review if n["role"].endswith("column header")]
    assert headers == ["Check", "Your answer"], headers
    links = find(review, "push button", name_contains="Go to: ")
    assert len(links) == counts["blockers"], "each thing that still blocks signing is a button that goes there"
    the(review, "push button", "Back to the audit")
    assert not find(review, "push button", "Next item"), "the audit page is hidden behind the review"


def test_a_screen_reader_can_fill_in_the_details_and_start(tmp_path, a11y_env):
    from app.store.paths import DATABASE_NAME

    data = tmp_path / "data"
    with running_app(tmp_path, data, a11y_env) as app:
        results = app.probe(
            {"do": "type", "role": "text", "name": "Full name", "text": "Grace Hopper"},
            {"do": "type", "role": "text", "name": "Staff ID or work email", "text": "g.hopper@school.sch.uk"},
            {"do": "type", "role": "text", "name": "Role", "text": "Teaching assistant"},
            {"do": "press", "role": "check box", "name": "Facebook"},
            {"do": "press", "role": "push button", "name": "Start my audit"},
            {"do": "wait", "role": "push button", "name": "Next item"},
            {"do": "dump"},
        )
    assert [r["text"] for r in results[:3]] == ["Grace Hopper", "g.hopper@school.sch.uk", "Teaching assistant"]
    audit_page = results[-1]
    assert not find(audit_page, "push button", "Start my audit"), "the Before you start page is gone"
    the(audit_page, "progress bar", "Overall progress")
    the(audit_page, "label", "Save status: All changes saved")
    assert_all_named(audit_page, "audit page just started")

    db = sqlite3.connect(f"{(data / DATABASE_NAME).as_uri()}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT name, staff_id, role, platforms FROM audits").fetchall()
    finally:
        db.close()
    assert len(rows) == 1, rows
    name, staff_id, role, platforms = rows[0]
    assert (name, staff_id, role) == ("Grace Hopper", "g.hopper@school.sch.uk", "Teaching assistant")
    assert json.loads(platforms) == ["facebook"]



def dumps(results: list) -> list[list[dict]]:
    """The dumps among a probe's results, in order."""
    return [r for r in results if isinstance(r, list)]


def test_home_and_the_policy_in_brief_every_control_has_a_name(tmp_path, a11y_env):
    data = tmp_path / "data"
    seeded = last_year_signed_and_this_year_in_progress(data)
    checklist = seeded["checklist"]
    with running_app(tmp_path, data, a11y_env) as app:
        home, brief = dumps(app.probe(
            *choose("Audit", "Home"),
            {"do": "wait", "role": "push button", "name": "Continue my audit"},
            {"do": "dump"},
            *choose("Audit", "The policy in brief"),
            {"do": "wait", "role": "push button", "name": "Back to where you were"},
            {"do": "dump"},
            {"do": "press", "role": "push button", "name": "Back to where you were"},
            {"do": "wait", "role": "push button", "name": "Continue my audit"},  # back home
        ))

    assert_all_named(home, "home page")
    assert not find(home, "menu item", "Home"), "the menu is closed again"
    this_year = f"panel:This year: {seeded['cycle']}"
    the(home, "label", "Your social media self-audit")
    status = the(home, "label", f"In progress: {seeded['answered']} of {seeded['total']} checks answered.")
    assert status["path"].endswith(this_year), describe(status)
    [due] = [n for n in find(home, "label") if re.match(r"(Due by|Due today|Overdue: it was due by) ", n["name"])]
    assert due["path"].endswith(this_year), describe(due)
    assert the(home, "push button", "Continue my audit")["path"].endswith(this_year)
    assert not find(home, "push button", "Start this year's audit"), "this year's audit is started"
    [overdue] = find(home, "label", name_contains="Untag myself from the fete photos: was due by 5 December 2025")
    assert overdue["path"].endswith("panel:Overdue actions"), describe(overdue)
    last_year = the(home, "push button", "Open last year's audit, read-only")
    assert last_year["path"].endswith(f"panel:Last year: {seeded['last_cycle']}"), describe(last_year)

    assert_all_named(brief, "policy in brief page")
    assert not find(brief, "push button", "Continue my audit"), "home is hidden behind the brief"
    the(brief, "label", "The policy in brief")
    the(brief, "label", f"{checklist.school}: {checklist.policy.title}")
    points = [n["name"] for n in find(brief, "panel")]
    assert points == [title for title, _ in checklist.policy_in_brief()], points
    the(brief, "push button", "Back to where you were")
    the(brief, "scroll bar", "Scroll the policy in brief")


def test_induction_card_and_knowledge_check_every_control_has_a_name(tmp_path, a11y_env):
    from app.core.audit import applicable_sections

    data = tmp_path / "data"
    checklist, profile = induction_in_progress(data, right=1, wrong=1)
    questions = checklist.knowledge_check
    answered, still_open = questions[:2], questions[2:]
    with running_app(tmp_path, data, a11y_env) as app:
        card, check, scored = dumps(app.probe(
            {"do": "dump"},
            {"do": "press", "role": "push button", "name": "Read the policy in brief"},
            {"do": "wait", "role": "push button", "name": "Back to where you were"},
            {"do": "press", "role": "push button", "name": "Back to where you were"},
            {"do": "wait", "role": "push button", "name": "Continue to the checks"},  # back to the card
            *choose("Audit", "Review answers"),
            {"do": "wait", "role": "tree", "name": "All your answers"},
            {"do": "press", "role": "push button", "name": "Go to: Take the short knowledge check about the policy."},
            {"do": "wait", "role": "push button", "name": "Go on to review your answers"},
            {"do": "dump"},
            # A radio button's one AT-SPI action is "toggle", no click: the answer must count all the same.
            *({"do": "press", "role": "radio button", "name": q.options[q.correct]} for q in still_open),
            {"do": "wait", "role": "label", "name": f"You got {len(questions) - 1} of {len(questions)} right."},
            {"do": "dump"},
        ))

    sections = applicable_sections(checklist, profile)
    first = sections[0][0]
    assert_all_named(card, "induction card")
    the(card, "label", first.title)
    the(card, "label", f"New to the school \u00b7 section 1 of {len(sections)}")
    the(card, "label", first.card.text)
    assert the(card, "label", f"\u201c{first.card.quote}\u201d")["path"].endswith(
        "panel:What your school's policy says")
    assert "default" in the(card, "push button", "Continue to the checks")["states"]
    the(card, "push button", "Read the policy in brief")
    assert not find(card, "push button", "Next item"), "the card comes before the section's first item"

    assert_all_named(check, "knowledge check page")
    the(check, "label", "A short knowledge check")
    boxes = [n["name"] for n in find(check, "panel")]
    assert boxes == [f"Question {n}: {q.question}" for n, q in enumerate(questions, 1)], boxes
    right, wrong = answered
    chosen = the(check, "radio button", right.options[right.correct])
    assert "checked" in chosen["states"] and "enabled" not in chosen["states"], "the first answer is kept"
    [feedback] = find(check, "label", name_contains="Right. The policy says")
    assert right.quote in feedback["name"], describe(feedback)
    [feedback] = find(check, "label", name_contains="Not quite: the answer is")
    assert wrong.options[wrong.correct] in feedback["name"] and wrong.quote in feedback["name"], describe(feedback)
    for question in still_open:
        for option in question.options:
            assert "enabled" in the(check, "radio button", option)["states"]
    assert not find(check, "label", name_contains="You got"), "no score until every question is answered"
    the(check, "push button", "Go on to review your answers")
    the(check, "push button", "Read the policy in brief")

    assert_all_named(scored, "knowledge check page, every question answered")
    the(scored, "label", f"You got {len(questions) - 1} of {len(questions)} right.")
    assert not [n for n in find(scored, "radio button") if "enabled" in n["states"]], "each answer is kept"
    assert len(find(scored, "label", name_contains="Right. The policy says")) == len(questions) - 1
    assert knowledge_answers(data) == {
        **{q.id: q.correct for q in questions}, wrong.id: (wrong.correct + 1) % len(wrong.options)}
