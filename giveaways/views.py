"""Public pages of the giveaways (the coming one, past results, how to check a draw) and
the staff figures page. Staff work on giveaways in the admin (giveaways/admin.py)."""

import datetime
from pathlib import Path

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.decorators import staff_required
from branches.scoping import visible_organisation_ids
from giveaways import selectors
from giveaways.choices import GiveawayStatus
from giveaways.models import Giveaway

PAST_PER_PAGE = 20
MIN_YEAR, MAX_YEAR = datetime.MINYEAR, datetime.MAXYEAR


@require_GET
def giveaway_list(request):
    past = Paginator(selectors.past_giveaways(), PAST_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "giveaways/giveaway_list.html",
        {"coming": list(selectors.coming_giveaways()[:3]), "page_obj": past},
    )


@require_GET
def giveaway_detail(request, pk: int):
    try:
        giveaway = selectors.giveaway_result(pk=pk)
    except Giveaway.DoesNotExist:
        raise Http404 from None
    winners = list(giveaway.winners.all())
    redraws = list(giveaway.redraws.all())
    return render(
        request,
        "giveaways/giveaway_detail.html",
        {
            "giveaway": giveaway,
            "winners": [w for w in winners if not w.replaced],
            "redraws": redraws,
            "show_count": giveaway.winner_count + len(redraws),
        },
    )


@require_GET
def frozen_list(request, pk: int):
    """The frozen list as published at the close, byte for byte, so anyone can recompute."""
    giveaway = (
        Giveaway.objects.filter(pk=pk, status__in=[GiveawayStatus.CLOSED, GiveawayStatus.DRAWN])
        .only("pk", "frozen_list", "closed_at")
        .first()
    )
    if giveaway is None or giveaway.closed_at is None:
        raise Http404
    response = HttpResponse(giveaway.frozen_list.encode("utf-8"), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="giveaway-{giveaway.pk}-entries.txt"'
    return response


@require_GET
def verify_howto(request):
    return render(request, "giveaways/draw_verify.html")


@require_GET
def verify_script(request):
    """The stand-alone checking script itself, so nobody needs the repository to use it."""
    source = (Path(__file__).resolve().parent / "verify_draw.py").read_bytes()
    response = HttpResponse(source, content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="verify_draw.py"'
    return response


@staff_required
@require_GET
def figures(request):
    allowed = visible_organisation_ids(request.user)
    years = list(selectors.giveaway_years(organisation_ids=allowed))
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        # A year the database cannot hold (?year=99999) would fail the query: show the default.
        year = years[0] if years else timezone.localdate().year
    rows = selectors.weekly_figures(organisation_ids=allowed, year=year)
    totals = {
        "entries": sum(r["entries"] for r in rows),
        "eligible": sum(r["eligible"] for r in rows),
        "winners": sum(r["winner_total"] for r in rows),
    }
    return render(
        request, "giveaways/giveaway_figures.html", {"rows": rows, "totals": totals, "years": years, "year": year}
    )
