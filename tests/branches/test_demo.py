import pytest

from branches import demo
from branches.choices import Platform
from branches.models import FollowerCount, Organisation, OutreachVisit, SocialPage
from branches.selectors import yearly_figures

pytestmark = pytest.mark.django_db


def _counts():
    return (Organisation.objects.count(), SocialPage.objects.count(), FollowerCount.objects.count(), OutreachVisit.objects.count())


def test_the_demo_loads_the_report_and_a_second_run_changes_nothing():
    demo.load()
    first = _counts()
    demo.load()
    assert _counts() == first
    assert Organisation.objects.filter(kind__in=["regional", "branch"]).count() == 13
    assert SocialPage.objects.count() == 26


def test_the_demo_keeps_every_link_of_the_appendix_as_written():
    demo.load()
    entered = set(SocialPage.objects.values_list("original_url", flat=True))
    assert entered == {url for _slug, ig, fb in demo.APPENDIX_1_LINKS for url in (ig, fb)}


def test_the_demo_has_the_reports_follower_figures():
    demo.load()
    regional = Organisation.objects.get(slug="regional")
    facebook = FollowerCount.objects.filter(social_page__organisation=regional, social_page__platform=Platform.FACEBOOK)
    assert facebook.order_by("-date").first().count > 5000
    figures = {(f.organisation_id, f.metric, f.dimension): f.value for f in yearly_figures(year=2024)}
    assert figures[(regional.pk, "followers_gained", "platform:instagram")] == 1000
    weekly = FollowerCount.objects.filter(social_page__organisation=regional, social_page__platform=Platform.INSTAGRAM, date__year=2024)
    assert weekly.count() == 52


def test_the_demo_visits_cover_the_reports_districts_and_cities_in_2023_and_2024():
    demo.load()
    visited = set(OutreachVisit.objects.filter(is_online=False).values_list("branch__slug", flat=True))
    assert {"shet", "osakarovka", "bukhar-zhyrau", "saran", "temirtau"} <= visited
    assert visited & {"kazybek-bi", "bokeikhan"}, "Karaganda's districts"
    assert OutreachVisit.objects.filter(is_online=True).exists()
    assert {d.year for d in OutreachVisit.objects.values_list("date", flat=True)} == {2023, 2024}
    assert set(OutreachVisit.objects.values_list("campaign", flat=True)) == {"Как живешь, первичка?"}
