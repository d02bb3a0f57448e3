"""Pages assembled from several parts of the portal: the home page and a branch's page.

They live above the domain apps so that no lower app imports a higher one to fill a page:
the registry does not know the publications log, and the frame knows neither.
"""

from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from branches import selectors as branch_selectors
from media_reports.selectors import latest_appearances
from publications.selectors import latest_publications
from unionportal.caching import cache_public_page


@require_GET
@cache_public_page
def home(request):
    # One query whatever the size of the log: the newest rows come straight off the index.
    return render(request, "home.html", {"latest_news": latest_publications(limit=5)})


@require_GET
@cache_public_page
def branch_detail(request, slug: str):
    organisation = branch_selectors.branch_detail(slug=slug)
    if organisation is None:
        raise Http404
    pages = list(organisation.social_pages.all())
    series = branch_selectors.follower_series(pages=pages)
    charts = [(page, series[page.pk]) for page in pages if page.pk in series]
    return render(
        request,
        "branches/branch_detail.html",
        {
            "organisation": organisation,
            "pages": pages,
            "charts": charts,
            "primaries": organisation.primaries,
            "publications": _latest_publications(organisation),
            "appearances": _latest_appearances(organisation),
            "visits": list(branch_selectors.outreach_visits(branch=organisation)[:10]),
        },
    )


def _latest_publications(organisation) -> list[dict]:
    return [
        {"title": p.title, "date": p.published_at, "url": _url_of(p, p.url)}
        for p in latest_publications(organisation=organisation, limit=5)
    ]


def _latest_appearances(organisation) -> list[dict]:
    return [
        {"title": a.title, "date": a.date, "outlet": a.outlet.name, "url": _url_of(a, a.link, "media_reports:detail")}
        for a in latest_appearances(organisation=organisation, limit=5)
    ]


def _url_of(obj, fallback: str, route: str | None = None) -> str:
    """The record's own page where its part has one, else its outside link."""
    try:
        return reverse(route, args=[obj.pk]) if route else obj.get_absolute_url()
    except (AttributeError, NoReverseMatch):
        return fallback
