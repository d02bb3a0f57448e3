import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches import demo
from branches.choices import OrganisationKind, Platform
from branches.models import FollowerCount, Organisation, SocialPage
from tests.branches.factories import FollowerCountFactory, PrimaryOrganisationFactory, SocialPageFactory

pytestmark = pytest.mark.django_db

TRACKING = re.compile(r"igsh|mibextid|utm_|[?&]hl=|[?&]si=|fbclid")


@pytest.fixture
def demo_registry():
    demo.load()


def _hrefs(html: str) -> list[str]:
    return re.findall(r'href="(https?://[^"]+)"', html)


def test_the_directory_lists_the_13_branches_with_clean_links(client, demo_registry):
    response = client.get(reverse("branches:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="card branch-card"') == 13
    for name in ["Темиртауский городской профсоюз", "Шетский районный профсоюз", "Локальный профсоюз г. Балхаш"]:
        assert name in html
    links = [h for h in _hrefs(html) if "instagram.com" in h or "facebook.com" in h]
    assert len(links) == 26
    assert not [h for h in links if TRACKING.search(h)]
    assert "https://www.instagram.com/profsoyuz310krg/" in links
    assert "https://www.facebook.com/profile.php?id=100041669981308" in links


def test_the_directory_links_open_in_a_new_tab_without_leaking_the_opener(client, demo_registry):
    html = client.get(reverse("branches:list")).content.decode()
    assert 'href="https://www.instagram.com/shet_profsoiuz/" target="_blank" rel="noopener noreferrer"' in html


def test_the_directory_shows_recognisable_platform_icons(client, demo_registry):
    html = client.get(reverse("branches:list")).content.decode()
    assert html.count("icon-instagram") == 13
    assert html.count("icon-facebook") == 13


def _make_branches(n, regional):
    start = Organisation.objects.count()
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(kind=OrganisationKind.BRANCH, parent=regional, name_ru=f"Филиал {i}", slug=f"bulk-{start + i}", position=start + i)
            for i in range(n)
        ]
    )
    SocialPage.objects.bulk_create(
        [
            SocialPage(organisation=o, platform=p, url=f"https://www.{p}.com/bulk{o.pk}", handle=f"bulk{o.pk}")
            for o in orgs
            for p in (Platform.INSTAGRAM, Platform.FACEBOOK)
        ]
    )


def test_the_directory_query_count_does_not_grow_with_rows(client, regional_org, django_assert_num_queries):
    _make_branches(10, regional_org)
    client.get(reverse("branches:list"))  # warm the session and caches
    with django_assert_num_queries(2) as small:
        client.get(reverse("branches:list"))
    _make_branches(990, regional_org)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(reverse("branches:list"))
    assert response.content.decode().count('class="card branch-card"') == 1001


def test_a_branch_page_shows_links_chart_chair_and_primaries(client, demo_registry):
    regional = Organisation.objects.get(slug="regional")
    PrimaryOrganisationFactory(parent=regional, name_ru="Школа-лицей №7", member_count=48)
    response = client.get(reverse("branches:detail", args=["regional"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ракишева А." in html
    assert "https://www.facebook.com/profile.php?id=100041669981308" in html
    assert html.count('class="follower-chart"') == 2
    assert "5120" in html, "the regional Facebook page is past 5,000 followers"
    assert "Школа-лицей №7" in html and "48" in html


def test_a_branch_page_keeps_a_constant_number_of_queries(client, branch_a, django_assert_num_queries):
    page = SocialPageFactory(organisation=branch_a)
    FollowerCountFactory(social_page=page)
    client.get(reverse("branches:detail", args=[branch_a.slug]))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("branches:detail", args=[branch_a.slug]))
    FollowerCount.objects.bulk_create(
        [FollowerCount(social_page=page, date=datetime.date(2020, 1, 1) + datetime.timedelta(days=i), count=i) for i in range(300)]
    )
    for _i in range(20):
        PrimaryOrganisationFactory(parent=branch_a)
        SocialPageFactory(organisation=branch_a)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(reverse("branches:detail", args=[branch_a.slug]))


def test_an_unknown_branch_is_not_found(client, regional_org):
    assert client.get(reverse("branches:detail", args=["no-such-branch"])).status_code == 404


def test_a_primary_organisation_has_no_public_branch_page(client, branch_a):
    primary = PrimaryOrganisationFactory(parent=branch_a)
    assert client.get(reverse("branches:detail", args=[primary.slug])).status_code == 404


def test_a_branch_page_shows_its_latest_publications_and_media_appearances(client, branch_a, branch_b):
    from tests.media_reports.factories import MediaAppearanceFactory
    from tests.publications.factories import PublicationFactory

    PublicationFactory(organisation=branch_a, title="Встреча с педагогами Шетского района")
    PublicationFactory(organisation=branch_b, title="Чужая новость")
    appearance = MediaAppearanceFactory(organisation=branch_a, title="Защита трудовых прав педагогов")
    html = client.get(reverse("branches:detail", args=[branch_a.slug])).content.decode()
    assert "Встреча с педагогами Шетского района" in html
    assert "Чужая новость" not in html
    assert "Защита трудовых прав педагогов" in html
    assert f'href="{reverse("media_reports:detail", args=[appearance.pk])}"' in html


def test_the_directory_speaks_kazakh_with_kazakh_names(client, demo_registry):
    html = client.get("/kk/branches/").content.decode()
    assert "Филиалдар және олардың беттері" in html
    assert "Шет аудандық кәсіподағы" in html
    assert 'href="/kk/branches/shet/"' in html


def test_a_link_dead_on_two_checks_is_marked_for_visitors(client, branch_a):
    page = SocialPageFactory(organisation=branch_a, handle="gone_page", url="https://www.instagram.com/gone_page/")
    SocialPage.objects.filter(pk=page.pk).update(link_failures=2)
    for url in (reverse("branches:list"), reverse("branches:detail", args=[branch_a.slug])):
        assert "не открылась на последних проверках" in client.get(url).content.decode()


def test_anonymous_visitors_get_the_directory_from_the_cache(client, settings, demo_registry, django_assert_num_queries):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    client.get(reverse("branches:list"))
    with django_assert_num_queries(0):
        response = client.get(reverse("branches:list"))
    assert response.content.decode().count('class="card branch-card"') == 13
