"""The rollup of the real parts equals a direct count of their records."""

import datetime as dt
import random
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from media_reports.choices import AppearanceKind, OutletKind, OutletLevel
from publications.choices import Channel
from reports.models import YearlyFigure
from reports.services import rollup_year
from tests.appeals.factories import AppealFactory
from tests.branches.factories import PrimaryOrganisationFactory
from tests.media_reports.factories import MediaAppearanceFactory, OutletFactory
from tests.publications.factories import PublicationFactory, RubricFactory

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")
YEARS = (2022, 2023, 2024)


def stored(year, metric, dimension="total"):
    return dict(
        YearlyFigure.objects.filter(year=year, metric=metric, dimension=dimension).values_list(
            "organisation_id", "value"
        )
    )


def random_moment(rng, year):
    start = dt.datetime(year, 1, 1, tzinfo=ALMATY)
    return start + dt.timedelta(minutes=rng.randrange(365 * 24 * 60))


def test_the_rollup_equals_a_direct_count_of_the_records(regional_org, branch_a, branch_b):
    rng = random.Random(2024)
    school = PrimaryOrganisationFactory(parent=branch_a)
    counts_for = {regional_org: regional_org, branch_a: branch_a, school: branch_a, branch_b: branch_b}
    rubrics = [RubricFactory(), RubricFactory()]
    outlets = [
        OutletFactory(level=OutletLevel.REPUBLICAN, kind=OutletKind.NEWSPAPER),
        OutletFactory(level=OutletLevel.REGIONAL, kind=OutletKind.NEWSPAPER),
        OutletFactory(level=OutletLevel.REPUBLICAN, kind=OutletKind.TV_CHANNEL),
    ]
    expected = Counter()
    for _n in range(150):
        org = rng.choice(list(counts_for))
        year = rng.choice(YEARS)
        channel = rng.choice([Channel.FACEBOOK, Channel.INSTAGRAM, Channel.LEAFLET])
        rubric = rng.choice([None, *rubrics])
        PublicationFactory(organisation=org, published_at=random_moment(rng, year), channel=channel, rubric=rubric)
        branch = counts_for[org].pk
        expected[(year, "publications", "total", branch)] += 1
        expected[(year, "publications", f"channel:{channel}", branch)] += 1
        if rubric:
            expected[(year, "publications", f"rubric:{rubric.slug}", branch)] += 1
    for _n in range(120):
        branch = rng.choice([None, branch_a, branch_b])
        year = rng.choice(YEARS)
        AppealFactory(branch=branch, received_at=random_moment(rng, year))
        expected[(year, "appeals", "total", (branch or regional_org).pk)] += 1
    for n in range(60):
        org = rng.choice(list(counts_for))
        year = rng.choice(YEARS)
        outlet = rng.choice(outlets)
        kind = AppearanceKind.TV_BROADCAST if outlet.kind == OutletKind.TV_CHANNEL else AppearanceKind.ARTICLE
        MediaAppearanceFactory(
            organisation=org, outlet=outlet, kind=kind, date=random_moment(rng, year).date(), title=f"Статья {n}"
        )
        branch = counts_for[org].pk
        expected[(year, "media_appearances", "total", branch)] += 1
        if outlet.level == OutletLevel.REPUBLICAN and kind == AppearanceKind.ARTICLE:
            expected[(year, "press_republican", "total", branch)] += 1

    for year in YEARS:
        rollup_year(year=year)

    for year in YEARS:
        for metric, dimension in {(m, d) for (y, m, d, _o) in expected if y == year}:
            wanted = {o: n for (y, m, d, o), n in expected.items() if (y, m, d) == (year, metric, dimension)}
            assert stored(year, metric, dimension) == pytest.approx(wanted), (year, metric, dimension)
    assert not YearlyFigure.objects.filter(organisation=school).exists()


def test_a_post_at_half_past_eleven_on_31_december_counts_for_that_year(branch_a):
    PublicationFactory(organisation=branch_a, published_at=dt.datetime(2023, 12, 31, 23, 30, tzinfo=ALMATY))
    PublicationFactory(organisation=branch_a, published_at=dt.datetime(2024, 1, 1, 0, 10, tzinfo=ALMATY))

    rollup_year(year=2023)
    rollup_year(year=2024)

    assert stored(2023, "publications") == {branch_a.pk: 1}
    assert stored(2024, "publications") == {branch_a.pk: 1}
