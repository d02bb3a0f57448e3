"""A visitor opens "the union in the media", filters by year and plays a video: the video's
iframe, and any request to YouTube, appear only after the click."""

import datetime
import re

from playwright.sync_api import expect

from media_reports.choices import AppearanceKind, OutletKind, OutletLevel
from tests.branches.factories import OrganisationFactory, RegionalOrganisationFactory
from tests.media_reports.factories import MediaAppearanceFactory, OutletFactory, ProgrammeFactory, SpeakerFactory


def _world():
    regional = RegionalOrganisationFactory()
    branch = OrganisationFactory(slug="abai", name_ru="Абайский районный профсоюз", parent=regional)
    tv = OutletFactory(name="1-Карагандинский", kind=OutletKind.TV_CHANNEL, level=OutletLevel.REGIONAL)
    MediaAppearanceFactory(
        date=datetime.date(2023, 4, 18),
        outlet=tv,
        programme=ProgrammeFactory(outlet=tv, name="Вадут"),
        kind=AppearanceKind.TV_BROADCAST,
        title="Безопасность и охрана труда",
        link="https://youtu.be/q7xQNHFiueU",
        organisation=regional,
        speakers=[SpeakerFactory(name="Ракишева А.", organisation=regional)],
    )
    MediaAppearanceFactory(
        date=datetime.date(2022, 3, 1),
        outlet=OutletFactory(name="Қазақстан кәсіподағы", level=OutletLevel.REPUBLICAN),
        title="Статья 2022 года",
        organisation=branch,
    )


def test_a_visitor_filters_the_press_page_and_plays_a_video_only_on_click(page, live_server):
    _world()
    outside = []

    def guard(route):
        # Record and refuse every request that leaves the portal: the test runs offline.
        if not route.request.url.startswith(live_server.url):
            outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.context.route("**/*", guard)

    page.goto("/press/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("article.appearance")).to_have_count(2)

    page.select_option("select[name=year]", "2023")
    page.locator("form.filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"year=2023"))
    cards = page.locator("article.appearance")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Безопасность и охрана труда")
    expect(cards.first).to_contain_text("Ракишева А.")

    expect(page.locator("iframe")).to_have_count(0)
    assert outside == [], f"loaded from outside before any click: {outside}"

    page.locator("a.video-poster").click()
    iframe = page.locator(".video-frame iframe")
    expect(iframe).to_have_count(1)
    expect(iframe).to_have_attribute("src", re.compile(r"^https://www\.youtube-nocookie\.com/embed/q7xQNHFiueU"))
    expect(page.locator("a.video-poster")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/press/\?"))  # the click did not navigate away
