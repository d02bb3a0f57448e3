import datetime

import factory
from django.utils import timezone

from giveaways import services
from giveaways.models import Follower, Giveaway, GiveawayEntry
from tests.branches.factories import OrganisationFactory


def friday_at(day: datetime.date, hour: int = 18, minute: int = 0) -> datetime.datetime:
    """An aware Almaty datetime on the Friday on or after `day`."""
    friday = services.next_friday(day)
    return timezone.make_aware(datetime.datetime.combine(friday, datetime.time(hour, minute)))


def make_giveaway(
    *, organisation=None, draw_at=None, open_now=True, winner_count=1, close_before=None, **extra
) -> Giveaway:
    """A giveaway through the real service (so it is opened with a seed commitment).

    By default its draw is next Friday and entries are still open."""
    organisation = organisation or OrganisationFactory()
    draw_at = draw_at or friday_at(timezone.localdate() + datetime.timedelta(days=1))
    close_at = draw_at - (close_before or datetime.timedelta(hours=2))
    return services.giveaway_create(
        organisation=organisation,
        title=extra.pop("title", "Пятничный розыгрыш"),
        prizes=extra.pop("prizes", "Термокружка\nБлокнот"),
        winner_count=winner_count,
        rules=extra.pop("rules", "Подпишитесь и отметьте трёх коллег."),
        entries_close_at=close_at,
        draw_at=draw_at,
        open_now=open_now,
        **extra,
    )


class GiveawayEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GiveawayEntry

    author = factory.Sequence(lambda n: f"member_{n}")
    tagged_handles = factory.Sequence(lambda n: [f"friend_{n}_a", f"friend_{n}_b", f"friend_{n}_c"])
    text = "участвую"
    is_eligible = True


class FollowerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Follower

    organisation = factory.SubFactory(OrganisationFactory)
    handle = factory.Sequence(lambda n: f"follower_{n}")
