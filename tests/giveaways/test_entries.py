"""Entries from pasted comments and every rule of eligibility, with the reason shown."""

import datetime

import pytest
from django.utils import timezone

from branches.choices import Platform
from giveaways import services
from giveaways.choices import IneligibleReason
from giveaways.models import EntryImport, Follower, GiveawayEntry, Winner
from tests.branches.factories import SocialPageFactory
from tests.giveaways.factories import FollowerFactory, make_giveaway
from unionportal.exceptions import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def giveaway(regional_org):
    SocialPageFactory(organisation=regional_org, platform=Platform.INSTAGRAM, handle="profsoyuz310krg")
    giveaway = make_giveaway(organisation=regional_org)
    for handle in ("dana", "bolat", "saule", "kairat", "erlan"):
        FollowerFactory(organisation=regional_org, handle=handle)
    return giveaway


def _entry(giveaway, author):
    return GiveawayEntry.objects.get(giveaway=giveaway, author=author)


def test_an_author_who_follows_and_tags_three_members_is_eligible(giveaway):
    services.entries_import(giveaway=giveaway, text="dana\n@a1 @a2 @a3 участвую 🎉\n")
    entry = _entry(giveaway, "dana")
    assert entry.is_eligible
    assert entry.ineligible_reasons == []


def test_two_distinct_tags_are_not_enough(giveaway):
    services.entries_import(giveaway=giveaway, text="dana\n@a1 @a2 @a2 @A1\n")
    entry = _entry(giveaway, "dana")
    assert not entry.is_eligible
    assert entry.reason_labels == [str(IneligibleReason.TOO_FEW_TAGS.label)]


def test_tagging_oneself_or_the_organisation_does_not_count(giveaway):
    services.entries_import(giveaway=giveaway, text="dana\n@dana @profsoyuz310krg @a1 @a2\n")
    entry = _entry(giveaway, "dana")
    assert entry.ineligible_reasons == [IneligibleReason.TOO_FEW_TAGS]


def test_the_organisations_own_account_cannot_enter(giveaway):
    Follower.objects.create(organisation=giveaway.organisation, handle="profsoyuz310krg")
    services.entries_import(giveaway=giveaway, text="profsoyuz310krg\n@a1 @a2 @a3\n")
    assert _entry(giveaway, "profsoyuz310krg").ineligible_reasons == [IneligibleReason.OWN_ACCOUNT]


def test_someone_who_does_not_follow_the_page_is_out_until_staff_mark_them(giveaway):
    services.entries_import(giveaway=giveaway, text="stranger\n@a1 @a2 @a3\n")
    entry = _entry(giveaway, "stranger")
    assert entry.ineligible_reasons == [IneligibleReason.NOT_FOLLOWER]

    done, refused = services.entries_mark_follower(entries=[entry])
    assert (done, refused) == ([entry], [])

    entry.refresh_from_db()
    assert entry.is_eligible
    assert Follower.objects.filter(organisation=giveaway.organisation, handle="stranger").exists()


def test_an_imported_follower_list_makes_entries_eligible(giveaway):
    services.entries_import(giveaway=giveaway, text="newcomer\n@a1 @a2 @a3\n")
    added, problems = services.followers_import(organisation=giveaway.organisation, text="newcomer\nдругой\n")
    assert added == 1
    assert [p.line_no for p in problems] == [2]
    assert _entry(giveaway, "newcomer").is_eligible


def test_a_winner_of_the_last_weeks_is_out_and_one_from_long_ago_is_in(giveaway, settings):
    settings.GIVEAWAY_WINNER_COOLDOWN_WEEKS = 4
    for weeks_ago, handle in ((2, "bolat"), (5, "saule")):
        earlier = make_giveaway(
            organisation=giveaway.organisation, draw_at=giveaway.draw_at - datetime.timedelta(weeks=weeks_ago)
        )
        Winner.objects.create(giveaway=earlier, handle=handle, rank=1)
    services.entries_import(giveaway=giveaway, text="bolat\n@a1 @a2 @a3\nsaule @a1 @a2 @a3\n")
    assert _entry(giveaway, "bolat").ineligible_reasons == [IneligibleReason.RECENT_WINNER]
    assert _entry(giveaway, "saule").is_eligible


def test_several_comments_of_one_author_make_one_entry_with_all_their_tags(giveaway):
    services.entries_import(giveaway=giveaway, text="dana\n@a1 @a2\n1 д.\ndana\n@a3\n")
    record = services.entries_import(giveaway=giveaway, text="dana\n@a4\n")
    entry = _entry(giveaway, "dana")
    assert GiveawayEntry.objects.filter(giveaway=giveaway).count() == 1
    assert entry.comment_count == 3
    assert entry.tagged_handles == ["a1", "a2", "a3", "a4"]
    assert entry.is_eligible
    assert record.entries_merged == 1


def test_every_unreadable_line_is_kept_with_the_import(giveaway):
    record = services.entries_import(giveaway=giveaway, text="Привет всем!\ndana\n@a1 @a2 @a3 @иван\n\x00\x01\n")
    stored = EntryImport.objects.get(pk=record.pk)
    assert [(p["line"], p["code"]) for p in stored.problems] == [
        (1, "text_without_author"),
        (3, "unreadable_tag"),
        (4, "broken_line"),
    ]


def test_entries_are_refused_after_the_close(giveaway):
    services.giveaway_close(giveaway_id=giveaway.pk)
    giveaway.refresh_from_db()
    with pytest.raises(ApplicationError):
        services.entries_import(giveaway=giveaway, text="dana\n@a1 @a2 @a3\n")


def test_entries_are_refused_once_the_closing_time_passed_even_before_the_job_ran(giveaway):
    giveaway.entries_close_at = timezone.now() - datetime.timedelta(minutes=1)
    giveaway.save()
    with pytest.raises(ApplicationError):
        services.entries_import(giveaway=giveaway, text="dana\n@a1 @a2 @a3\n")


def test_a_draft_takes_no_entries_before_its_commitment_is_published(regional_org):
    draft = make_giveaway(organisation=regional_org, open_now=False)
    assert draft.seed_commitment == ""
    with pytest.raises(ApplicationError):
        services.entries_import(giveaway=draft, text="dana\n@a1 @a2 @a3\n")
