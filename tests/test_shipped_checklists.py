"""The five shipped checklists: clean against their policies and true to each school's own rules."""

from __future__ import annotations

from datetime import date

import pytest

from app.checklist_files import validate_files
from app.core.checklist import TOPICS, Profile
from app.core.platforms import PLATFORMS
from app.resources import checklists_dir

SCHOOLS = ["barton-st-peters", "model-policy", "bury-ce", "st-hughs", "evendons-bpet"]
EVERYONE = Profile(platforms=frozenset(PLATFORMS), new_starter=True,
                   answers={"names_school": True, "posts_for_school": True})


def test_every_shipped_file_is_clean_against_the_policies(policies):
    files = sorted(checklists_dir().glob("*.toml"))
    assert len(files) == 6  # five checklists and the shared platform guides
    report = validate_files(files, policies, date.today())
    assert report.problems == []


def test_there_is_one_checklist_for_each_policy(bundled, policies):
    assert sorted(bundled) == sorted(SCHOOLS)
    assert sorted(c.policy.file for c in bundled.values()) == sorted(p.name for p in policies.glob("*.txt"))


@pytest.mark.parametrize("school", SCHOOLS)
def test_each_checklist_covers_every_topic(bundled, school):
    covered = {item.topic for item in bundled[school].items}
    assert covered == set(TOPICS)


@pytest.mark.parametrize("school", SCHOOLS)
def test_every_item_applies_to_someone_and_school_account_rules_only_to_those_who_post(bundled, school):
    checklist = bundled[school]
    assert {i.id for i in checklist.applicable_items(EVERYONE)} == {i.id for i in checklist.items}
    no_account = Profile(platforms=EVERYONE.platforms, new_starter=True, answers={"names_school": True})
    assert not [i.id for i in checklist.applicable_items(no_account) if i.topic == "school-accounts"]


@pytest.mark.parametrize("school", SCHOOLS)
def test_every_item_has_platform_help_for_all_seven_platforms_where_it_has_any(bundled, school):
    checklist = bundled[school]
    for item in checklist.items:
        shown = checklist.guides_for(item, frozenset(PLATFORMS))
        assert len(shown) == len(item.guides) * len(PLATFORMS), item.id
        assert all(g.url.startswith("https://") for g in shown)


def disclaimer_items(checklist, names_school: bool):
    profile = Profile(platforms=frozenset({"facebook"}), answers={"names_school": names_school})
    return [i for i in checklist.applicable_items(profile) if i.topic == "disclaimer"]


@pytest.mark.parametrize("school, name", [("barton-st-peters", "St Peter"), ("st-hughs", "St Hugh")])
def test_st_peters_and_st_hughs_give_their_disclaimer_wording_when_a_profile_names_the_school(bundled, school, name):
    with_wording = [i for i in disclaimer_items(bundled[school], True)
                    if "these views are my own and do not necessarily represent the views of " + name in i.check]
    assert with_wording
    assert all(i.when.questions.get("names_school") for i in with_wording)


def test_evendons_forbids_naming_the_school_rather_than_asking_for_a_disclaimer(bundled):
    checklist = bundled["evendons-bpet"]
    for_everyone = disclaimer_items(checklist, False)
    assert any("must not identify themselves as employees" in i.quote for i in for_everyone)
    assert not any("views are my own and do not" in i.check for i in checklist.items)


def test_bury_forbids_accepting_pupils_requests_under_any_circumstances(bundled):
    items = [i for i in bundled["bury-ce"].items if i.topic == "connections" and "under any circumstances" in i.quote]
    assert items and "under any circumstances" in items[0].check
    # no question can exempt anyone who uses social media at all
    assert items[0].when.platforms == "any" and not items[0].when.questions and items[0].when.new_starter is None


def test_st_peters_asks_for_existing_friendships_with_parents_to_be_declared(bundled):
    declared = [i for i in bundled["barton-st-peters"].items
                if "notify the senior leadership team" in i.quote and "senior leadership team" in i.check]
    assert declared


@pytest.mark.parametrize("school", SCHOOLS)
def test_checks_are_short_enough_to_act_on(bundled, school):
    for item in bundled[school].items:
        assert 20 <= len(item.check) <= 320, item.id
        assert item.detail, f"{item.id} has no explanation for new starters"
