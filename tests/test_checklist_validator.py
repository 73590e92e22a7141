"""The checklist validator: precise on broken files, clean on the shipped ones."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from app.core.checklist_reader import read_checklist, read_guides
from app.core.platforms import PLATFORMS

TODAY = date(2026, 11, 20)

VALID = '''
format = 1
id = "test-school"
title = "Social media self-audit"
school = "Test School"
version = "2026.1"
effective = 2026-09-01
declaration = "I have checked my social media."

[policy]
title = "Policy"
file = "policy.txt"

[[questions]]
id = "names_school"
text = "Does a profile name the school?"

[[sections]]
id = "main"
title = "Main"

[[sections.items]]
id = "settings-private"
topic = "settings"
check = "Make your profile private."
quote = "Check your settings regularly"
clause = "Appendix"
when = { platforms = "any" }

[[sections.items]]
id = "disclaimer-add"
topic = "disclaimer"
check = "Add the disclaimer."
quote = "these views are my own"
clause = "§18"
when = { names_school = true }

[[sections.items]]
id = "connections-pupils"
topic = "connections"
check = "Remove pupils."
quote = "not link with students"
clause = "§19"

[[sections.items]]
id = "logos-none"
topic = "logos"
check = "Remove the logo."
quote = "Don’t use the school logo"
clause = "Appendix"

[[sections.items]]
id = "conduct-polite"
topic = "conduct"
check = "Be polite."
quote = "Don't use the school logo"
clause = "Appendix"
'''

POLICY = "Please — Check your   settings regularly. “these views are my own” ... staff should not link with students. Don't use the school logo."


def read(text: str, policy: str | None = None):
    return read_checklist(text, "school.toml", TODAY, (), policy_text=policy)


def test_a_valid_checklist_reads_with_no_problems():
    checklist, problems = read(VALID, POLICY)
    assert problems == []
    assert [i.id for i in checklist.items] == [
        "settings-private", "disclaimer-add", "connections-pupils", "logos-none", "conduct-polite"]
    assert len(checklist.sha256) == 64


def test_line_endings_do_not_change_the_content_hash():
    unix, _ = read(VALID)
    windows, _ = read(VALID.replace("\n", "\r\n"))
    assert unix.sha256 == windows.sha256


def one_problem(text: str, policy: str | None = None):
    checklist, problems = read(text, policy)
    assert checklist is None
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


@pytest.mark.parametrize(
    "old, new, where, field, words",
    [
        ('id = "connections-pupils"', 'id = "settings-private"', "item 'settings-private'", "id", "duplicate"),
        ('topic = "conduct"', 'topic = "friends"', "item 'conduct-polite'", "topic", "unknown topic 'friends'"),
        ("when = { names_school = true }", "when = { posts_for_school = true }", "item 'disclaimer-add'",
         "when.posts_for_school", "unknown question"),
        ('quote = "not link with students"\n', "", "item 'connections-pupils'", "quote", "missing"),
        ('when = { platforms = "any" }', 'when = { platforms = ["myspace"] }', "item 'settings-private'",
         "when.platforms", "unknown platform 'myspace'"),
        ("effective = 2026-09-01", 'effective = "2026-13-01"', "", "effective", "bad date"),
        ('version = "2026.1"', 'version = "autumn"', "", "version", "bad version"),
        ('check = "Remove pupils."', 'check = "  "', "item 'connections-pupils'", "check", "blank"),
        ('clause = "§19"', 'clause = "§19"\ncolour = "red"', "item 'connections-pupils'", "colour", "unknown key"),
        ('topic = "logos"', 'topic = "images"', "", "sections", "'logos'"),
        ('clause = "§19"', 'clause = "§19"\nguides = ["privacy"]', "item 'connections-pupils'", "guides",
         "unknown guide 'privacy'"),
        ('file = "policy.txt"', 'file = "../etc/passwd"', "[policy]", "file", "plain file name"),
    ],
)
def test_each_kind_of_mistake_names_the_item_and_field(old, new, where, field, words):
    assert old in VALID
    problem = one_problem(VALID.replace(old, new, 1))
    assert (problem.file, problem.where, problem.field) == ("school.toml", where, field)
    assert words in problem.message
    assert str(problem).startswith("school.toml: ")


def test_broken_toml_names_the_line():
    text = VALID.replace('check = "Remove pupils."', 'check = "Remove pupils.')
    problem = one_problem(text)
    expected_line = text.splitlines().index('check = "Remove pupils.') + 1
    assert problem.line == expected_line
    assert str(problem).startswith(f"school.toml:{expected_line}: not valid TOML")


def test_every_problem_is_reported_not_just_the_first():
    text = VALID.replace('topic = "conduct"', 'topic = "friends"').replace('version = "2026.1"', 'version = "x"')
    _, problems = read(text)
    assert {p.field for p in problems} == {"topic", "version"}


def test_a_quote_not_in_the_policy_is_reported_with_the_missing_words():
    problem = one_problem(VALID.replace("not link with students", "never link with pupils"), POLICY)
    assert (problem.where, problem.field) == ("item 'connections-pupils'", "quote")
    assert "never link with pupils" in problem.message and "policy.txt" in problem.message


def test_quotes_forgive_spacing_dashes_and_quote_marks_only():
    assert read(VALID, POLICY)[1] == []  # curly ’ in the quote, straight ' in the policy; extra spaces
    joined = VALID.replace('"not link with students"', '"Please - Check your settings ... link with students"')
    assert read(joined, POLICY)[1] == []
    reworded = VALID.replace('"not link with students"', '"not link with the students"')
    assert read(reworded, POLICY)[1]


def test_questions_that_depend_on_each_other_in_a_loop_are_reported():
    loop = VALID.replace(
        'text = "Does a profile name the school?"',
        'text = "Does a profile name the school?"\nwhen = { runs_account = true }\n\n'
        '[[questions]]\nid = "runs_account"\ntext = "Do you run an account?"\nwhen = { names_school = true }',
    )
    checklist, problems = read(loop)
    assert checklist is None
    assert len(problems) == 1 and problems[0].field == "when"
    assert "loop" in problems[0].message and "'names_school'" in problems[0].message


GUIDE = '''
[[guides]]
id = "privacy"
platform = "{platform}"
title = "Choose who sees your posts"
url = "{url}"
checked = {checked}
steps = ["Open Settings."]
'''


def guides_file(overrides: dict[str, dict[str, str]] | None = None, skip: str = "") -> str:
    parts = ['format = 1\nkind = "platform-guides"\n']
    for platform, info in PLATFORMS.items():
        if platform == skip:
            continue
        values = {"platform": platform, "url": f"https://www.{info.domains[0]}/settings", "checked": "2026-11-01"}
        values.update((overrides or {}).get(platform, {}))
        parts.append(GUIDE.format(**values))
    return "".join(parts)


def test_a_complete_guides_file_reads_cleanly():
    guides, problems = read_guides(guides_file(), "platform-guides.toml", TODAY)
    assert problems == [] and len(guides) == len(PLATFORMS)


@pytest.mark.parametrize(
    "overrides, skip, field, words",
    [
        ({"x": {"url": "http://x.com/settings"}}, "", "url", "https://"),
        ({"x": {"url": "https://evil.example/x.com"}}, "", "url", "x.com"),
        ({"tiktok": {"checked": "2027-01-01"}}, "", "checked", "future"),
        ({"tiktok": {"checked": '"2026-02-30"'}}, "", "checked", "bad date"),
        ({"linkedin": {"platform": "myspace"}}, "linkedin", "platform", "unknown platform"),
        ({}, "whatsapp", "platform", "WhatsApp"),
    ],
)
def test_guide_mistakes_are_named(overrides, skip, field, words):
    text = guides_file(overrides, skip)
    if skip and skip in overrides:  # replace rather than drop: re-add the overridden one
        text += GUIDE.format(**{"platform": skip, "url": "https://example.com", "checked": "2026-11-01", **overrides[skip]})
    _, problems = read_guides(text, "platform-guides.toml", TODAY)
    fields = {p.field for p in problems}
    assert field in fields, "\n".join(map(str, problems))
    if words:
        assert any(words in p.message for p in problems if p.field == field)


def run_validate(*args: str, cwd):
    return subprocess.run([sys.executable, "-m", "app", "checklists", "validate", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=60)


def test_the_command_exits_zero_only_when_every_file_is_clean(tmp_path, bundled):
    from app.resources import checklists_dir

    shipped = sorted(str(p) for p in checklists_dir().glob("*.toml"))
    clean = run_validate(*shipped, cwd=tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    broken = tmp_path / "broken.toml"
    broken.write_text(VALID.replace('topic = "conduct"', 'topic = "friends"'), encoding="utf-8")
    result = run_validate(shipped[0], str(broken), cwd=tmp_path)
    assert result.returncode == 1
    assert f"{broken}: item 'conduct-polite': field 'topic': unknown topic 'friends'" in result.stdout


def test_the_command_reports_unreadable_files_and_carries_on(tmp_path):
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes("title = \"caf\xe9\"\n".encode("latin-1"))
    result = run_validate(str(tmp_path / "missing.toml"), str(latin1), str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    assert "missing.toml: no such file" in result.stdout
    assert "latin1.toml:1: is not UTF-8 text" in result.stdout
    assert "is a folder" in result.stdout


def test_the_command_checks_quotes_against_the_policies_folder(tmp_path):
    (tmp_path / "policy.txt").write_text(POLICY, encoding="utf-8")
    checklist = tmp_path / "school.toml"
    checklist.write_text(VALID.replace("not link with students", "not befriend students"), encoding="utf-8")
    result = run_validate(str(checklist), "--policies", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    assert "item 'connections-pupils': field 'quote': not found verbatim in policy.txt" in result.stdout
    missing_policy = run_validate(str(checklist), "--policies", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert missing_policy.returncode == 2 and "no such folder" in missing_policy.stderr


def test_toml_broken_at_the_very_end_still_names_a_line():
    text = VALID + 'extra = ['
    problem = one_problem(text)
    assert problem.line == len(text.splitlines())
    assert "end of document" not in problem.message
