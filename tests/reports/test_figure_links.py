"""Every figure link the apps declare in their `figures.py` opens its admin list: the strict
lookups of the admin accept exactly what the links carry."""

import pytest
from django.test import Client

from reports.metrics import record_url
from unionportal.figures import registry

pytestmark = pytest.mark.django_db


def _linked_metrics():
    return [m for m in registry.metrics() if m.link is not None]


@pytest.mark.parametrize("metric", _linked_metrics(), ids=lambda m: m.key)
def test_each_figure_link_opens_its_list_for_the_chair(metric, chair, branch_a, regional_org):
    client = Client()
    client.force_login(chair)
    urls = [record_url(metric.key, year=2024)]
    if metric.link.organisation:
        urls.append(record_url(metric.key, year=2024, organisation_ids=[branch_a.pk]))
        urls.append(record_url(metric.key, year=2024, organisation_ids=[regional_org.pk], is_regional=True))
    for facet in metric.link.facets:
        value = "1" if facet == "rubric" else "x"
        urls.append(record_url(metric.key, year=2024, dimension=f"{facet}:{value}"))
    for url in filter(None, urls):
        response = client.get(url)
        assert response.status_code == 200, f"{metric.key}: {url} answered {response.status_code} {response.get('Location')}"
