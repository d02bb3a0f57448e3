import datetime

import pytest

from media_reports import selectors
from media_reports.choices import AppearanceKind, OutletKind, OutletLevel
from tests.branches.factories import PrimaryOrganisationFactory
from tests.media_reports.factories import (
    MediaAppearanceFactory,
    NewspaperSubscriptionFactory,
    OutletFactory,
    SpeakerFactory,
)
from unionportal.figures import Figure

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers():
    return {
        "republican": OutletFactory(name="Қазақстан кәсіподағы", level=OutletLevel.REPUBLICAN),
        "regional": OutletFactory(name="Индустриальная Караганда", level=OutletLevel.REGIONAL),
        "district": OutletFactory(name="Шет ақиқаты", level=OutletLevel.DISTRICT),
        "tv": OutletFactory(name="Новое телевидение", kind=OutletKind.TV_CHANNEL, level=OutletLevel.REGIONAL),
        "rep_youtube": OutletFactory(name="YouTube-канал ФПРК", kind=OutletKind.YOUTUBE_CHANNEL, level=OutletLevel.REPUBLICAN),
    }


def _total(year, metric):
    """The region's figure as the report adds it up from every organisation's."""
    return sum(f.value for f in selectors.yearly_figures(year=year) if f.metric == metric and f.dimension == "total")


def test_republican_press_counts_only_articles_in_republican_papers(papers, branch_a):
    day = datetime.date(2023, 3, 1)
    MediaAppearanceFactory.create_batch(3, outlet=papers["republican"], organisation=branch_a, date=day)
    MediaAppearanceFactory(outlet=papers["regional"], organisation=branch_a, date=day)
    MediaAppearanceFactory(outlet=papers["district"], organisation=branch_a, date=day)
    MediaAppearanceFactory(outlet=papers["rep_youtube"], kind=AppearanceKind.VIDEO, organisation=branch_a, date=day)
    assert _total(2023, "press_republican") == 3


def test_an_appearance_on_the_last_evening_of_the_year_counts_for_that_year(papers, branch_a):
    MediaAppearanceFactory(outlet=papers["republican"], organisation=branch_a, date=datetime.date(2023, 12, 31))
    MediaAppearanceFactory(outlet=papers["republican"], organisation=branch_a, date=datetime.date(2024, 1, 1))
    assert (_total(2023, "press_republican"), _total(2024, "press_republican")) == (1, 1)


def test_yearly_figures_give_totals_kinds_levels_press_and_copies_per_organisation(papers, branch_a, branch_b):
    day = datetime.date(2024, 5, 5)
    MediaAppearanceFactory.create_batch(2, outlet=papers["republican"], organisation=branch_a, date=day)
    MediaAppearanceFactory(outlet=papers["tv"], kind=AppearanceKind.TV_BROADCAST, organisation=branch_a, date=day)
    MediaAppearanceFactory(outlet=papers["district"], organisation=branch_b, date=day)
    MediaAppearanceFactory(outlet=papers["republican"], organisation=branch_b, date=datetime.date(2023, 5, 5))
    NewspaperSubscriptionFactory(organisation=branch_a, outlet=papers["republican"], year=2024, copies=7)
    NewspaperSubscriptionFactory(organisation=branch_a, outlet=papers["regional"], year=2024, copies=3)

    figures = set(selectors.yearly_figures(year=2024))
    a, b = branch_a.pk, branch_b.pk
    assert figures == {
        Figure(a, "media_appearances", "total", 3),
        Figure(a, "media_appearances", "kind:article", 2),
        Figure(a, "media_appearances", "kind:tv_broadcast", 1),
        Figure(a, "media_appearances", "level:republican", 2),
        Figure(a, "media_appearances", "level:regional", 1),
        Figure(a, "press_republican", "total", 2),
        Figure(a, "subscriptions_copies", "total", 10),
        Figure(b, "media_appearances", "total", 1),
        Figure(b, "media_appearances", "kind:article", 1),
        Figure(b, "media_appearances", "level:district", 1),
    }


def test_latest_appearances_include_primaries_and_the_branchs_speakers(papers, branch_a, branch_b, regional_org):
    school = PrimaryOrganisationFactory(parent=branch_a)
    own = MediaAppearanceFactory(organisation=branch_a, date=datetime.date(2024, 1, 1))
    of_school = MediaAppearanceFactory(organisation=school, date=datetime.date(2024, 2, 1))
    chair_a = SpeakerFactory(organisation=branch_a)
    with_speaker = MediaAppearanceFactory(organisation=regional_org, date=datetime.date(2024, 3, 1), speakers=[chair_a])
    MediaAppearanceFactory(organisation=branch_b, date=datetime.date(2024, 4, 1))

    latest = selectors.latest_appearances(organisation=branch_a, limit=5)
    assert latest == [with_speaker, of_school, own]
    assert selectors.latest_appearances(organisation=branch_a, limit=2) == [with_speaker, of_school]
