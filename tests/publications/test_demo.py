"""The demo reproduces the report's totals and changes nothing when run again."""

import pytest
from django.utils import timezone

from branches import demo as branches_demo
from publications import demo
from publications.models import Publication
from publications.selectors import publication_counts_by_year, yearly_figures

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_reports_totals_and_is_idempotent():
    branches_demo.load()
    demo.load()
    counts = publication_counts_by_year()
    assert {y: counts[y] for y in (2022, 2023, 2024)} == {2022: 76, 2023: 120, 2024: 103}
    # After the report the demo runs up to today, and never past it.
    this_year = timezone.localdate().year
    assert set(counts) == set(range(2022, this_year + 1))
    assert counts[this_year] > 0
    assert not Publication.objects.filter(published_at__gt=timezone.now()).exists()
    assert sum(f.value for f in yearly_figures(year=2023) if f.dimension == "total") == 120
    rubric_posts = dict(Publication.objects.exclude(url="").values_list("url", "rubric__name"))
    assert rubric_posts["https://www.facebook.com/share/p/DThzxLrzkzdYjkdG/"] == "Человек труда"
    assert rubric_posts["https://www.facebook.com/share/p/jchbrXiXFm9KEXtH/"] == "Еңбегімен еленген нәзік жандар"
    organisations = set(Publication.objects.values_list("organisation__slug", flat=True))
    assert len(organisations) == 13
    # The pages come from the registry's demo, none made here.
    assert Publication.objects.filter(social_page__isnull=False).exists()
    before = Publication.objects.count()
    demo.load()
    assert Publication.objects.count() == before
