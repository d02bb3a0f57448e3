"""The demo reproduces the report's totals and changes nothing when run again."""

import pytest

from branches import demo as branches_demo
from publications import demo
from publications.models import Publication
from publications.selectors import publication_counts_by_year, yearly_figures

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_reports_totals_and_is_idempotent():
    branches_demo.load()
    demo.load()
    assert publication_counts_by_year() == {2022: 76, 2023: 120, 2024: 103}
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
