import datetime

from django.utils import timezone

from giveaways.models import Follower, Giveaway, GiveawayEntry
from tests.access import BRANCH_EDITOR, CHAIR, REGIONAL_STAFF, UrlCase
from tests.giveaways.factories import FollowerFactory, GiveawayEntryFactory, make_giveaway

STAFF = frozenset({BRANCH_EDITOR, REGIONAL_STAFF, CHAIR})

_weeks = iter(range(1, 10_000))


def _giveaway(org):
    # Each maker call gets its own Friday: one giveaway per organisation and Friday.
    draw_at = timezone.make_aware(datetime.datetime(2030, 1, 4, 18, 0)) + datetime.timedelta(weeks=next(_weeks))
    return make_giveaway(organisation=org, draw_at=draw_at)


def _drawn(world):
    from giveaways import services

    giveaway = _giveaway(world.branch_a)
    GiveawayEntryFactory(giveaway=giveaway)
    services.giveaway_close(giveaway_id=giveaway.pk)
    services.giveaway_draw(giveaway_id=giveaway.pk)
    return {"pk": giveaway.pk}


URL_CASES = [
    UrlCase("giveaways:list", public=True),
    UrlCase("giveaways:verify", public=True),
    UrlCase("giveaways:verify_script", public=True),
    UrlCase("giveaways:detail", kwargs=lambda w: {"pk": _giveaway(w.branch_a).pk}, public=True),
    UrlCase("giveaways:frozen_list", kwargs=_drawn, public=True),
    UrlCase("giveaways:figures", roles=STAFF),
]

ADMIN_RECORDS = {
    Giveaway: _giveaway,
    GiveawayEntry: lambda org: GiveawayEntryFactory(giveaway=_giveaway(org)),
    Follower: lambda org: FollowerFactory(organisation=org),
}
