"""Counts for the dashboards, yearly figures, the latest news of an organisation, paging."""

import datetime as dt

import pytest

from publications import selectors
from publications.choices import Channel
from tests.branches.factories import PrimaryOrganisationFactory
from tests.publications.factories import ALMATY, PublicationFactory, RubricFactory
from unionportal.figures import Figure

pytestmark = pytest.mark.django_db


def test_a_post_at_2330_on_31_december_belongs_to_that_year_in_almaty(branch_a):
    # 23:30 in Almaty is 18:30 UTC the same day, and still 31 December.
    PublicationFactory(organisation=branch_a, published_at=dt.datetime(2023, 12, 31, 23, 30, tzinfo=ALMATY))
    PublicationFactory(organisation=branch_a, published_at=dt.datetime(2024, 1, 1, 0, 30, tzinfo=ALMATY))
    assert selectors.publication_counts_by_year() == {2023: 1, 2024: 1}
    assert [f.value for f in selectors.yearly_figures(year=2023) if f.dimension == "total"] == [1]


def test_counts_by_channel_organisation_and_rubric(branch_a, branch_b):
    rubric = RubricFactory(slug="chelovek-truda", name="Человек труда")
    when = dt.datetime(2024, 5, 1, 10, tzinfo=ALMATY)
    PublicationFactory(organisation=branch_a, channel=Channel.FACEBOOK, rubric=rubric, published_at=when)
    PublicationFactory(organisation=branch_a, channel=Channel.INSTAGRAM, published_at=when)
    PublicationFactory(organisation=branch_b, channel=Channel.BROCHURE, published_at=when)
    PublicationFactory(organisation=branch_b, channel=Channel.FACEBOOK, published_at=when.replace(year=2023))

    assert selectors.publication_counts_by_channel(year=2024) == {"brochure": 1, "facebook": 1, "instagram": 1}
    assert selectors.publication_counts_by_channel(year=2024, organisation=branch_a) == {"facebook": 1, "instagram": 1}
    assert selectors.publication_counts_by_organisation(year=2024) == {branch_a.pk: 2, branch_b.pk: 1}
    assert selectors.publication_counts_by_rubric() == {"chelovek-truda": 1}
    assert selectors.publication_counts_by_year(organisation=branch_b) == {2023: 1, 2024: 1}


def test_yearly_figures_per_organisation(branch_a, branch_b):
    rubric = RubricFactory(slug="chelovek-truda", name="Человек труда")
    when = dt.datetime(2024, 5, 1, 10, tzinfo=ALMATY)
    PublicationFactory(organisation=branch_a, channel=Channel.FACEBOOK, rubric=rubric, published_at=when)
    PublicationFactory(organisation=branch_a, channel=Channel.FACEBOOK, published_at=when)
    PublicationFactory(organisation=branch_b, channel=Channel.STAND, published_at=when)
    figures = set(selectors.yearly_figures(year=2024))
    assert figures == {
        Figure(branch_a.pk, "publications", "total", 2),
        Figure(branch_a.pk, "publications", "channel:facebook", 2),
        Figure(branch_a.pk, "publications", "rubric:chelovek-truda", 1),
        Figure(branch_b.pk, "publications", "total", 1),
        Figure(branch_b.pk, "publications", "channel:stand", 1),
    }
    assert selectors.yearly_figures(year=2022) == []


def test_latest_publications_of_a_branch_include_its_primary_organisations(
    branch_a, branch_b, django_assert_num_queries
):
    school = PrimaryOrganisationFactory(parent=branch_a)
    own = PublicationFactory(organisation=branch_a)
    of_school = PublicationFactory(organisation=school)
    PublicationFactory(organisation=branch_b)
    with django_assert_num_queries(1):
        latest = selectors.latest_publications(organisation=branch_a, limit=5)
        titles = [(p.title, p.organisation.name) for p in latest]
    assert {p.pk for p in latest} == {own.pk, of_school.pk}
    assert len(titles) == 2


def test_keyset_pages_walk_the_whole_list_both_ways(branch_a):
    same_minute = dt.datetime(2024, 1, 10, 12, tzinfo=ALMATY)
    made = [PublicationFactory(organisation=branch_a, published_at=same_minute) for _ in range(3)]
    made += [PublicationFactory(organisation=branch_a) for _ in range(4)]
    qs = selectors.publication_list_queryset()
    expected = [p.pk for p in qs]
    seen, cursor, pages = [], None, []
    while True:
        page = selectors.keyset_page(qs, older=cursor, size=3)
        pages.append(page)
        seen += [p.pk for p in page.items]
        if not page.older_cursor:
            break
        cursor = page.older_cursor
    assert seen == expected and len(seen) == 7
    assert pages[0].is_first and not pages[-1].is_first
    back = selectors.keyset_page(qs, newer=pages[-1].newer_cursor, size=3)
    assert [p.pk for p in back.items] == [p.pk for p in pages[-2].items]


def test_a_forged_cursor_shows_the_first_page(branch_a):
    PublicationFactory(organisation=branch_a)
    page = selectors.keyset_page(selectors.publication_list_queryset(), older="x_y", size=3)
    assert len(page.items) == 1 and page.is_first


def test_years_run_from_the_oldest_to_the_newest_publication(branch_a):
    assert selectors.publication_years() == []
    PublicationFactory(organisation=branch_a, published_at=dt.datetime(2022, 2, 1, tzinfo=ALMATY))
    PublicationFactory(organisation=branch_a, published_at=dt.datetime(2024, 2, 1, tzinfo=ALMATY))
    assert selectors.publication_years() == [2024, 2023, 2022]
