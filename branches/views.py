"""Public pages of the registry: the directory of branches and a page per branch."""

from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch
from django.views.decorators.http import require_GET

from branches import selectors


@require_GET
def branch_list(request):
    organisations = list(selectors.directory())
    return render(request, "branches/branch_list.html", {"organisations": organisations})


@require_GET
def branch_detail(request, slug: str):
    organisation = selectors.branch_detail(slug=slug)
    if organisation is None:
        raise Http404
    pages = list(organisation.social_pages.all())
    series = selectors.follower_series(pages=pages)
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
            "visits": list(selectors.outreach_visits(branch=organisation)[:10]),
        },
    )


def _latest_publications(organisation) -> list[dict]:
    from publications.selectors import latest_publications

    return [
        {"title": p.title, "date": p.published_at, "url": _url_of(p, p.url)}
        for p in latest_publications(organisation=organisation, limit=5)
    ]


def _latest_appearances(organisation) -> list[dict]:
    from media_reports.selectors import latest_appearances

    return [
        {"title": a.title, "date": a.date, "outlet": a.outlet.name, "url": _url_of(a, a.link)}
        for a in latest_appearances(organisation=organisation, limit=5)
    ]


def _url_of(obj, fallback: str) -> str:
    """The record's own page where its part has one, else its outside link."""
    try:
        return obj.get_absolute_url()
    except (AttributeError, NoReverseMatch):
        return fallback
