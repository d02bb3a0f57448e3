import datetime

import pytest

from branches.choices import OrganisationKind, Platform
from branches.models import Organisation
from branches.selectors import follower_history, social_page_for_url, yearly_figures
from branches.services import social_page_save
from tests.branches.factories import FollowerCountFactory, OrganisationFactory, OutreachVisitFactory, SocialPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(branch_a, branch_b):
    return {
        "ig": social_page_save(organisation=branch_a, url="https://www.instagram.com/profsoyuz310krg?igsh=x"),
        "fb": social_page_save(organisation=branch_a, url="https://www.facebook.com/profile.php?id=100041669981308"),
        "fb_b": social_page_save(organisation=branch_b, url="https://www.facebook.com/union.page.b/"),
    }


def test_a_profile_url_with_tracking_finds_its_page(pages):
    assert social_page_for_url("instagram.com/ProfSoyuz310krg/?hl=ru") == pages["ig"]


def test_a_facebook_post_of_a_numbered_profile_finds_its_page_by_id(pages):
    url = "https://www.facebook.com/permalink.php?story_fbid=pfbid02abc&id=100041669981308&mibextid=qi2Omg"
    assert social_page_for_url(url) == pages["fb"]


def test_a_facebook_post_of_a_named_page_finds_its_page(pages):
    assert social_page_for_url("https://m.facebook.com/union.page.b/posts/12345?mibextid=x") == pages["fb_b"]


def test_an_instagram_post_url_cannot_be_matched_to_an_account(pages):
    assert social_page_for_url("https://www.instagram.com/p/C_NFCIZOIdW/?igsh=abc") is None


def test_an_unknown_or_broken_url_matches_nothing(pages):
    assert social_page_for_url("https://www.instagram.com/somebody_else/") is None
    assert social_page_for_url("javascript:alert(1)") is None
    assert social_page_for_url("") is None


def test_an_account_registered_for_two_organisations_is_ambiguous(branch_a, branch_b):
    social_page_save(organisation=branch_a, url="https://www.instagram.com/1301asem?utm_source=qr")
    social_page_save(organisation=branch_b, url="https://www.instagram.com/1301asem")
    assert social_page_for_url("https://www.instagram.com/1301asem/") is None


def test_follower_history_is_oldest_first_and_bounded(branch_a):
    page = SocialPageFactory(organisation=branch_a)
    for day, count in [(datetime.date(2024, 3, 1), 30), (datetime.date(2024, 1, 1), 10), (datetime.date(2024, 2, 1), 20)]:
        FollowerCountFactory(social_page=page, date=day, count=count)
    assert [r.count for r in follower_history(social_page=page)] == [10, 20, 30]
    bounded = follower_history(social_page=page, since=datetime.date(2024, 1, 15), until=datetime.date(2024, 2, 15))
    assert [r.count for r in bounded] == [20]


def test_yearly_figures_count_growth_within_the_year_and_visits(branch_a, branch_b):
    ig = SocialPageFactory(organisation=branch_a, platform=Platform.INSTAGRAM)
    FollowerCountFactory(social_page=ig, date=datetime.date(2023, 12, 31), count=2000)
    FollowerCountFactory(social_page=ig, date=datetime.date(2024, 6, 1), count=2400)
    FollowerCountFactory(social_page=ig, date=datetime.date(2024, 12, 31), count=3000)
    FollowerCountFactory(social_page=ig, date=datetime.date(2025, 1, 1), count=3100)
    fb = SocialPageFactory(organisation=branch_b, platform=Platform.FACEBOOK, url="https://www.facebook.com/x", handle="x")
    FollowerCountFactory(social_page=fb, date=datetime.date(2024, 2, 1), count=5000)
    FollowerCountFactory(social_page=fb, date=datetime.date(2024, 11, 1), count=5100)
    OutreachVisitFactory(branch=branch_a, date=datetime.date(2024, 12, 31))
    OutreachVisitFactory(branch=branch_a, date=datetime.date(2024, 1, 1))
    OutreachVisitFactory(branch=branch_b, date=datetime.date(2023, 5, 1))

    figures = {(f.organisation_id, f.metric, f.dimension): f.value for f in yearly_figures(year=2024)}

    assert figures == {
        (branch_a.pk, "followers_gained", "platform:instagram"): 1000,
        (branch_b.pk, "followers_gained", "platform:facebook"): 100,
        (branch_a.pk, "outreach_visits", "total"): 2,
    }


def test_the_public_form_s_check_of_a_choice_agrees_with_its_lists():
    from branches.selectors import active_organisation, active_organisations

    regional = OrganisationFactory(slug="regional", kind=OrganisationKind.REGIONAL, parent=None)
    branch = OrganisationFactory(slug="b-open", parent=regional)
    OrganisationFactory(slug="b-closed", parent=regional, is_active=False)
    OrganisationFactory(slug="s-open", kind=OrganisationKind.PRIMARY, parent=branch)
    OrganisationFactory(slug="s-closed", kind=OrganisationKind.PRIMARY, parent=branch, is_active=False)
    for kind in (None, OrganisationKind.BRANCH, OrganisationKind.PRIMARY):
        offered = set(active_organisations(kind=kind).values_list("pk", flat=True))
        accepted = {org.pk for org in Organisation.objects.all() if active_organisation(org.pk, kind=kind) is not None}
        assert accepted == offered and offered
    found = active_organisation(str(branch.pk), kind=OrganisationKind.BRANCH)
    assert (found.pk, found.kind, found.parent_id, found.name_ru) == (branch.pk, branch.kind, regional.pk, branch.name_ru)
    assert found.slug == "b-open"  # a field not loaded loads when read
