"""The school configuration: every setting, good and bad, with the line and setting in each message;
where the file is looked for; and what start-up pays when there is none."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.core.cycle import CycleRules
from app.core.school_config import SchoolConfigError, SettingLines, parse_school_config
from app.school_config_files import CONFIG_ENV, find_school_config, load_school_config, read_school_config

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "packaging" / "school.example.toml"
IDS = ["barton-st-peters", "bury-ce", "evendons-bpet", "model-policy", "st-hughs"]
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")

FULL = """\
# every setting
hr_only = true

[school]
name = "Bury Test Primary"
logo = "art/logo.png"
checklist = "bury-ce"

[cycle]
start_month = 1
due = "03-15"

[hr]
name = "Mrs A Patel"
email = "a.patel@bury.sch.uk"
send_to = '\\\\bury-fs\\HR\\Self-audit'

[certificate]
school_issued = true
path = "certs/staff.p12"
"""


def write(folder: Path, text: str, name: str = "school.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(text: str, folder: Path = Path("/school")) -> SchoolConfigError:
    with pytest.raises(SchoolConfigError) as caught:
        parse_school_config(textwrap.dedent(text), "school.toml", folder, IDS)
    return caught.value


@pytest.fixture(autouse=True)
def no_config_anywhere(monkeypatch, tmp_path):
    """Neither the machine's own configuration nor a frozen build's is ever read by these tests."""
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    monkeypatch.setattr("app.school_config_files.system_config_path", lambda: tmp_path / "system" / "school.toml")


# -- every setting, valid -------------------------------------------------------------------

def test_every_setting_is_read(tmp_path):
    folder = tmp_path / "config"
    write(folder / "art", "", "logo.png").write_bytes(PNG)
    config = load_school_config(write(folder, FULL))
    assert config.school_name == "Bury Test Primary"
    assert config.logo == folder / "art" / "logo.png"
    assert config.checklist_id == "bury-ce"
    assert config.cycle_rules == CycleRules(start_month=1, due_month=3, due_day=15)
    assert config.hr.name == "Mrs A Patel" and config.hr.email == "a.patel@bury.sch.uk"
    assert config.hr.send_to == "\\\\bury-fs\\HR\\Self-audit"
    assert config.hr.where_to_send() == "Mrs A Patel (HR), \\\\bury-fs\\HR\\Self-audit"
    assert config.school_issued_certificate and config.certificate_path == folder / "certs" / "staff.p12"
    assert config.hr_only is True
    assert config.source == str(folder / "school.toml")


def test_the_shipped_example_is_valid_and_says_what_it_sets():
    config = load_school_config(EXAMPLE)
    assert config.checklist_id == "barton-st-peters" and config.school_name.startswith("Barton St Peter")
    assert config.cycle_rules == CycleRules(9, 10, 31)
    assert config.hr.where_to_send() == "Mrs A Patel (HR), hr@school.sch.uk"
    assert not config.hr_only and not config.school_issued_certificate


def test_an_empty_file_changes_nothing():
    config = parse_school_config("# nothing set yet\n", "school.toml", Path("/school"), IDS)
    assert config.checklist_id == "" and config.school_name == "" and config.logo is None
    assert config.cycle_rules == CycleRules() and config.hr.where_to_send() == "" and not config.hr_only


def test_send_to_falls_back_to_the_email_and_a_name_alone_is_enough():
    config = parse_school_config('[hr]\nemail = "hr@school.sch.uk"\n', "s", Path("/"), IDS)
    assert config.hr.where_to_send() == "hr@school.sch.uk"
    config = parse_school_config('[hr]\nname = "Mr B Jones"\n', "s", Path("/"), IDS)
    assert config.hr.where_to_send() == "Mr B Jones (HR)"


def test_dotted_keys_and_inline_tables_are_the_same_settings():
    config = parse_school_config('school.checklist = "st-hughs"\ncycle = { start_month = 8, due = "09-30" }\n',
                                 "s", Path("/"), IDS)
    assert config.checklist_id == "st-hughs" and config.cycle_rules == CycleRules(8, 9, 30)


def test_29_february_is_allowed_and_falls_back_in_other_years():
    rules = parse_school_config('[cycle]\ndue = "02-29"\n', "s", Path("/"), IDS).cycle_rules
    assert rules.due_date("2026-27").isoformat() == "2027-02-28"


# -- every setting, invalid: the message names the file, the line and the setting ------------

@pytest.mark.parametrize("text, expected", [
    ('hr_only = "yes"\n', 'school.toml, line 1, hr_only: "yes" is not true or false'),
    ('\n[school]\nname = ""\n', "school.toml, line 3, [school] name: is empty"),
    ('[school]\nname = 5\n', "school.toml, line 2, [school] name: must be text in quotes"),
    ('[school]\nname = "' + "x" * 201 + '"\n', "school.toml, line 2, [school] name: is too long (201 characters"),
    ('[school]\nchecklist = "bury"\n', "school.toml, line 2, [school] checklist: bury is not a checklist this app "
                                       "ships; choose one of: barton-st-peters, bury-ce, evendons-bpet, model-policy, "
                                       "st-hughs"),
    ('[school]\nlogo = "logo.gif"\n', "school.toml, line 2, [school] logo: logo.gif is not a PNG or JPEG file"),
    ('[cycle]\n\nstart_month = 13\n', "school.toml, line 3, [cycle] start_month: 13 is not a month (expected a "
                                      "number from 1 to 12"),
    ('[cycle]\nstart_month = "9"\n', 'school.toml, line 2, [cycle] start_month: "9" is not a month'),
    ('[cycle]\nstart_month = true\n', "school.toml, line 2, [cycle] start_month: true is not a month"),
    ('[cycle]\nstart_month = 9\ndue = "31-09"\n', "school.toml, line 3, [cycle] due: 31-09 is not a date (expected "
                                                  "month-day in quotes, such as due = \"10-31\" for 31 October)"),
    ('[cycle]\ndue = "09-31"\n', "school.toml, line 2, [cycle] due: 09-31 is not a date"),
    ('[cycle]\ndue = "October"\n', 'school.toml, line 2, [cycle] due: "October" is not a date'),
    ('[cycle]\ndue = 2026-10-31\n', "school.toml, line 2, [cycle] due: 2026-10-31 is a whole date, but the due date "
                                    "comes round each year"),
    ('[hr]\nemail = "hr at school"\n', "school.toml, line 2, [hr] email: hr at school is not an email address"),
    ('[hr]\nemail = "hr@school"\n', "school.toml, line 2, [hr] email: hr@school is not an email address"),
    ('[hr]\nsend_to = """\nline one\nline two"""\n', "school.toml, line 2, [hr] send_to: must be on one line"),
    ('[certificate]\nschool_issued = "no"\n', 'school.toml, line 2, [certificate] school_issued: "no" is not true '
                                              "or false"),
    ('[certificate]\nschool_issued = true\n', "school.toml, line 2, [certificate] school_issued: is true, so "
                                              "[certificate] path must say where"),
    ('[certificate]\npath = "staff.pem"\n', "school.toml, line 2, [certificate] path: staff.pem is not a "
                                            "certificate file"),
])
def test_a_wrong_value_names_the_line_and_the_setting(text, expected):
    assert str(error_of(text)).startswith(expected)


def test_unknown_settings_and_tables_are_typos_named_by_line():
    error = error_of("""\
        hr_onyl = true
        [school]
        nmae = "Bury"
        [shcool]
        name = "Bury"
        [hr]
        email = "hr@school.sch.uk"
        hr_only = true
        """)
    assert str(error).splitlines() == [
        "school.toml, line 1, hr_onyl: is not a setting; the top of the file can hold hr_only (did you mean hr_only?)",
        "school.toml, line 3, [school] nmae: is not a setting; [school] can hold name, logo, checklist "
        "(did you mean name?)",
        "school.toml, line 4, [shcool]: is not a table this file can hold; the tables are [school], [cycle], [hr], "
        "[certificate] (did you mean [school]?)",
        "school.toml, line 8, [hr] hr_only: belongs at the top of the file, before the first [table]; here it is "
        "read as part of [hr]",
    ]


def test_every_problem_is_reported_at_once_in_line_order():
    error = error_of('[cycle]\ndue = "13-01"\nstart_month = 0\n[school]\nchecklist = "x"\n')
    assert [(p.line, p.setting) for p in error.problems] == [
        (2, "[cycle] due"), (3, "[cycle] start_month"), (5, "[school] checklist")]


def test_a_table_written_as_a_value_is_explained():
    assert str(error_of('school = "Bury"\n')).startswith(
        "school.toml, line 1, school: must be a table: write [school] on a line of its own")


@pytest.mark.parametrize("text, expected", [
    ("[cycle]\ndue = 10-31\n", 'school.toml, line 2: this is not valid TOML: Expected newline or end of document '
                               'after a statement, column 9 (a month-day needs quotes: due = "10-31")'),
    ("[hr]\nname = Mrs Patel\n", 'school.toml, line 2: this is not valid TOML: Invalid value, column 8 (text needs '
                                 'quotes: name = "Mrs Patel")'),
    ('[school]\n\nlogo = "C:\\School\\logo.png"\n', "school.toml, line 3: this is not valid TOML"),
    ("[school\nname = 'x'\n", "school.toml, line 1: this is not valid TOML"),
])
def test_a_toml_syntax_error_names_its_line(text, expected):
    message = str(error_of(text))
    assert message.startswith(expected)
    if "C:" in text:
        assert "use single quotes" in message


def test_the_log_form_of_an_error_carries_no_values():
    error = error_of('[hr]\nname = "Mrs A Patel"\nemail = "a.patel at school"\n')
    assert error.where() == "line 3 [hr] email"
    assert "patel" not in error.where().lower()


# -- the lines of settings, found in the text ---------------------------------------------------

def test_setting_lines_skip_multiline_strings_and_arrays():
    lines = SettingLines(textwrap.dedent('''\
        top = 1
        [school]
        name = """
        checklist = "not a key"
        """
        list = [
          "logo = no",
        ]
        logo = "x.png"
        "quoted key" = 1
        [cycle]
        due = "10-31"  # comment = ignored
        '''))
    assert lines.line_of("top") == 1 and lines.line_of("school") == 2 and lines.line_of("school", "name") == 3
    assert lines.line_of("school", "checklist") == 2  # not a key: the table's line is the nearest
    assert lines.line_of("school", "logo") == 9 and lines.line_of("school", "quoted key") == 10
    assert lines.line_of("cycle", "due") == 12 and lines.line_of("nowhere") is None


# -- files the configuration names ----------------------------------------------------------------

def test_the_logo_is_found_beside_the_configuration_and_checked(tmp_path):
    folder = tmp_path / "config"
    path = write(folder, '[school]\nname = "Bury"\n\nlogo = "logo.png"\n')
    with pytest.raises(SchoolConfigError) as missing:
        load_school_config(path)
    assert str(missing.value) == f"{path}, line 4, [school] logo: {folder / 'logo.png'} does not exist"

    (folder / "logo.png").write_bytes(b"GIF89a not a png at all")
    with pytest.raises(SchoolConfigError, match=r"line 4, \[school\] logo: .*logo.png is not a PNG or JPEG image"):
        load_school_config(path)

    (folder / "logo.png").unlink()
    (folder / "logo.png").mkdir()
    with pytest.raises(SchoolConfigError, match=r"line 4, \[school\] logo: .*logo.png is a folder"):
        load_school_config(path)

    (folder / "logo.png").rmdir()
    (folder / "logo.png").write_bytes(PNG)
    assert load_school_config(path).logo == folder / "logo.png"
    jpeg = tmp_path / "elsewhere" / "crest.JPG"
    jpeg.parent.mkdir()
    jpeg.write_bytes(b"\xff\xd8\xff\xe0 a jpeg")
    path.write_text(f"[school]\nlogo = '{jpeg}'\n", encoding="utf-8")
    assert load_school_config(path).logo == jpeg  # an absolute path is taken as it is


def test_a_certificate_path_is_not_required_to_exist_at_start(tmp_path):
    # It is often on a network drive that a laptop off site cannot see; the sign dialog opens there.
    path = write(tmp_path, "[certificate]\nschool_issued = true\npath = '//fs/certs'\n")
    config = load_school_config(path)
    assert config.school_issued_certificate and config.certificate_path == Path("//fs/certs")


# -- the file itself -------------------------------------------------------------------------------

def test_no_file_anywhere_means_no_configuration():
    assert find_school_config() is None
    assert load_school_config() is None
    assert read_school_config() == (None, None)


def test_a_file_named_by_the_environment_must_exist(monkeypatch, tmp_path):
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path / "absent.toml"))
    config, error = read_school_config()
    assert config is None
    assert str(error) == f"{tmp_path / 'absent.toml'}: does not exist ({CONFIG_ENV} names it)"


def test_an_unreadable_file_says_so(monkeypatch, tmp_path):
    path = write(tmp_path, '[school]\nchecklist = "bury-ce"\n')
    if os.geteuid() != 0:
        path.chmod(0)
    else:  # root reads any file: a path through a file is one that cannot be read either
        path = path / "school.toml"
    with pytest.raises(SchoolConfigError) as caught:
        load_school_config(path)
    assert str(caught.value).startswith(f"{path}: cannot be read (") and "readable by everyone" in str(caught.value)


def test_a_folder_a_huge_file_and_a_non_utf8_file_each_say_so(tmp_path):
    with pytest.raises(SchoolConfigError, match="is a folder, not a file"):
        load_school_config(tmp_path)
    huge = write(tmp_path, "# " + "x" * 200_000)
    with pytest.raises(SchoolConfigError, match="is too large"):
        load_school_config(huge)
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('[school]\n\nname = "Ysgol Llanëlli"\n'.encode("latin-1"))
    with pytest.raises(SchoolConfigError) as caught:
        load_school_config(latin1)
    assert str(caught.value) == f"{latin1}, line 3: is not UTF-8 text (save it as UTF-8)"


def test_the_environment_beats_the_executable_folder_which_beats_the_system_file(monkeypatch, tmp_path):
    system = write(tmp_path / "system", '[school]\nchecklist = "st-hughs"\n')
    assert find_school_config() == system
    assert load_school_config().checklist_id == "st-hughs"

    beside = write(tmp_path / "frozen", '[school]\nchecklist = "bury-ce"\n')
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "frozen" / "StaffSelfAudit.exe"))
    assert find_school_config() == beside
    assert load_school_config().checklist_id == "bury-ce"

    named = write(tmp_path / "it", '[school]\nchecklist = "model-policy"\n')
    monkeypatch.setenv(CONFIG_ENV, str(named))
    assert find_school_config() == named
    assert load_school_config().checklist_id == "model-policy"


def test_from_python_the_interpreter_folder_is_not_looked_in(monkeypatch, tmp_path):
    write(tmp_path / "bin", '[school]\nchecklist = "bury-ce"\n')
    monkeypatch.setattr(sys, "executable", str(tmp_path / "bin" / "python"))
    monkeypatch.delattr(sys, "frozen", raising=False)
    assert find_school_config() is None


# -- start-up ---------------------------------------------------------------------------------------

START_AND_REPORT = """
import json, sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow

class FirstPaintWatcher(QObject):
    seen = None

    def eventFilter(self, watched, event):
        if self.seen is None and event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow):
            self.seen = {"banner": watched.banner.label.text() if watched.banner.isVisible() else "",
                         "school": watched.profile_page.school_fixed.text()
                                   if watched.profile_page.school_fixed.isVisibleTo(watched.profile_page) else "",
                         "cycle": watched.session.cycle}
        return False

qt = QApplication(["self-audit"])
watcher = FirstPaintWatcher()
qt.installEventFilter(watcher)
from app.ui.launch import run_app
code = run_app()
print(json.dumps({"exit": code, "seen": watcher.seen, "parser_loaded": "app.core.school_config" in sys.modules}))
"""


def _start(tmp_path: Path, config: Path | None) -> dict:
    env = dict(os.environ, SELF_AUDIT_DATA_DIR=str(tmp_path / "data"), SELF_AUDIT_EXIT_AFTER_PAINT="1",
               QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    env.pop(CONFIG_ENV, None)
    if config is not None:
        env[CONFIG_ENV] = str(config)
    done = subprocess.run([sys.executable, "-c", START_AND_REPORT], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_app_starts_with_the_school_settings(tmp_path):
    config = write(tmp_path / "it", '[school]\nname = "Bury Test Primary"\nchecklist = "bury-ce"\n'
                                    '[cycle]\nstart_month = 1\n')
    started = _start(tmp_path, config)
    assert started["exit"] == 0 and started["seen"]["banner"] == ""
    assert started["seen"]["school"] == "Bury Test Primary"
    assert "-" not in started["seen"]["cycle"]  # a cycle starting in January is named by its year alone


def test_an_invalid_file_opens_the_window_with_a_message_and_no_school_settings(tmp_path):
    config = write(tmp_path / "it", '[school]\nchecklist = "bury-ce"\n[cycle]\n\ndue = "31-09"\n')
    started = _start(tmp_path, config)
    assert started["exit"] == 0
    banner = started["seen"]["banner"]
    assert "The school's settings file could not be used" in banner
    assert f'{config}, line 5, [cycle] due: 31-09 is not a date' in banner
    assert started["seen"]["school"] == ""  # staff choose their school, as with no file
    log = (tmp_path / "data" / "logs" / "self-audit.log").read_text()
    assert f"school configuration {config} not used: line 5 [cycle] due" in log and "31-09" not in log


def test_without_a_file_start_up_does_not_load_the_parser(tmp_path):
    started = _start(tmp_path, None)
    assert started["exit"] == 0 and not started["parser_loaded"]
