"""A visitor opens the giveaways, a past result, and sees the winners and the seed."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from giveaways import services
from giveaways.models import Giveaway
from tests.branches.factories import RegionalOrganisationFactory
from tests.giveaways.factories import GiveawayEntryFactory, make_giveaway


def test_a_visitor_checks_a_past_result(page):
    regional = RegionalOrganisationFactory()
    past = make_giveaway(
        organisation=regional,
        draw_at=timezone.make_aware(datetime.datetime(2024, 3, 1, 18, 0)),
        title="Розыгрыш термокружки",
    )
    for author in ("dana.serikova", "bolat_88", "saule.kim"):
        GiveawayEntryFactory(giveaway=past, author=author, marked_follower=True)
    services.giveaway_close(giveaway_id=past.pk)
    services.giveaway_draw(giveaway_id=past.pk)
    past = Giveaway.objects.get(pk=past.pk)
    winner = past.winners.get().handle
    make_giveaway(organisation=regional, title="Розыгрыш этой недели", rules="Отметьте трёх коллег")

    page.goto("/giveaways/")
    expect(page.get_by_role("heading", name="Пятничные розыгрыши")).to_be_visible()
    expect(page.get_by_text("Розыгрыш этой недели")).to_be_visible()
    expect(page.get_by_text("Отметьте трёх коллег")).to_be_visible()

    page.get_by_role("link", name="Розыгрыш термокружки").click()

    expect(page.get_by_role("heading", name="Победители")).to_be_visible()
    expect(page.locator(".giveaway-winners")).to_contain_text(f"@{winner}")
    expect(page.locator("#seed")).to_have_text(past.revealed_seed)
    expect(page.locator("#commitment")).to_have_text(past.seed_commitment)
    expect(page.get_by_role("link", name="Скачать зафиксированный список")).to_be_visible()
