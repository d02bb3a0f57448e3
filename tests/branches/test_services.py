import datetime

import pytest

from branches.choices import LinkKind, Platform
from branches.models import FollowerCount, SocialPage
from branches.services import (
    follower_count_record,
    social_page_delete,
    social_page_save,
    social_pages_mark_resolved,
)
from unionportal.exceptions import ApplicationError, DuplicateError

pytestmark = pytest.mark.django_db


def test_saving_a_page_normalises_the_link_and_keeps_what_was_entered(branch_a):
    raw = "https://www.instagram.com/profsoyuz310krg?igsh=bzdxaW0ybmF3Y2lm"
    page = social_page_save(organisation=branch_a, url=raw)
    assert page.url == "https://www.instagram.com/profsoyuz310krg/"
    assert page.original_url == raw
    assert (page.platform, page.handle, page.kind) == (Platform.INSTAGRAM, "profsoyuz310krg", LinkKind.PROFILE)
    assert page.problems == []


def test_it_refuses_a_duplicate_url_for_the_same_organisation(branch_a):
    social_page_save(organisation=branch_a, url="https://www.instagram.com/abaiprofs?igsh=YW50")
    with pytest.raises(DuplicateError) as caught:
        social_page_save(organisation=branch_a, url="instagram.com/AbaiProfs/?hl=ru")
    assert "abaiprofs" in caught.value.message
    assert caught.value.extra["existing"].organisation == branch_a


def test_it_refuses_a_link_of_another_platform(branch_a):
    with pytest.raises(ApplicationError) as caught:
        social_page_save(organisation=branch_a, url="https://www.facebook.com/x", platform=Platform.INSTAGRAM)
    assert caught.value.code == "wrong_platform"
    assert not SocialPage.objects.exists()


def test_one_account_for_two_branches_flags_both(branch_a, branch_b):
    first = social_page_save(organisation=branch_a, url="https://www.instagram.com/1301asem?utm_source=qr&igsh=M2Z")
    assert not first.flag_shared_account
    second = social_page_save(organisation=branch_b, url="https://www.instagram.com/1301asem?utm_source=qr&igsh=M2Z")
    first.refresh_from_db()
    assert first.flag_shared_account and second.flag_shared_account


def test_removing_one_of_two_shared_pages_clears_the_flag_on_the_other(branch_a, branch_b):
    first = social_page_save(organisation=branch_a, url="https://www.instagram.com/1301asem")
    second = social_page_save(organisation=branch_b, url="https://www.instagram.com/1301asem")
    social_page_delete(page=second)
    first.refresh_from_db()
    assert not first.flag_shared_account


def test_correcting_a_shared_account_clears_the_flag_on_both(branch_a, branch_b):
    first = social_page_save(organisation=branch_a, url="https://www.instagram.com/1301asem")
    second = social_page_save(organisation=branch_b, url="https://www.instagram.com/1301asem")
    second = social_page_save(organisation=branch_b, url="https://www.instagram.com/osakarovka_profsoyuz", page=second)
    first.refresh_from_db()
    assert not first.flag_shared_account and not second.flag_shared_account


def test_a_personal_profile_is_not_official(branch_a):
    page = social_page_save(organisation=branch_a, url="https://www.facebook.com/asem.aitzhanova.7?mibextid=LQQJ4d")
    assert page.flag_personal_profile and not page.is_official


def test_a_resolved_page_reopens_when_a_new_problem_appears(branch_a, regional_staff):
    page = social_page_save(organisation=branch_a, url="https://www.instagram.com/p/C_NFCIZOIdW/")
    social_pages_mark_resolved(pages=[page], user=regional_staff)
    page.refresh_from_db()
    assert page.problems_resolved_at and page.problems_resolved_by == regional_staff
    page = social_page_save(organisation=branch_a, url="https://www.facebook.com/share/JnnunN8GkbvvWbQp/", page=page)
    assert page.flag_share_link and not page.flag_post_not_profile
    assert page.problems_resolved_at is None


def test_a_follower_count_per_page_and_date_is_replaced_not_doubled(branch_a):
    page = social_page_save(organisation=branch_a, url="https://www.instagram.com/x_branch/")
    follower_count_record(social_page=page, date=datetime.date(2024, 5, 3), count=100)
    follower_count_record(social_page=page, date=datetime.date(2024, 5, 3), count=120)
    assert list(FollowerCount.objects.values_list("count", flat=True)) == [120]


def test_a_website_with_a_kazakh_domain_is_kept_readable(branch_a):
    page = social_page_save(organisation=branch_a, url="профсоюз.қаз/?utm_source=qr", platform=Platform.WEBSITE)
    assert page.url == "https://профсоюз.қаз/"
    assert (page.platform, page.kind) == (Platform.WEBSITE, LinkKind.SITE)
