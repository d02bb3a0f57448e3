"""A visitor reads the news: opens /news/, filters by a rubric, opens a publication."""

import datetime as dt
import re

from playwright.sync_api import expect

from tests.branches.factories import OrganisationFactory, RegionalOrganisationFactory
from tests.publications.factories import ALMATY, PublicationFactory, RubricFactory


def test_a_visitor_filters_the_news_by_rubric_and_opens_a_post(page):
    regional = RegionalOrganisationFactory()
    branch = OrganisationFactory(slug="saran", name_ru="Саранский городской профсоюз", parent=regional)
    rubric = RubricFactory(slug="chelovek-truda", name="Человек труда")
    PublicationFactory(
        organisation=regional,
        title="«Человек труда»: учитель-наставник",
        text="В рубрике «Человек труда» рассказываем о членах профсоюза.",
        rubric=rubric,
        published_at=dt.datetime(2024, 4, 30, 10, tzinfo=ALMATY),
        url="https://www.facebook.com/share/p/DThzxLrzkzdYjkdG/",
    )
    PublicationFactory(
        organisation=branch,
        title="Семинар по охране труда",
        published_at=dt.datetime(2024, 5, 2, 10, tzinfo=ALMATY),
    )

    page.goto("/news/")
    news = page.locator(".news-list")
    expect(news).to_contain_text("Семинар по охране труда")
    expect(news).to_contain_text("«Человек труда»: учитель-наставник")

    page.locator("select[name=rubric]").select_option("chelovek-truda")
    page.locator("form.filters button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"rubric=chelovek-truda"))
    expect(news).not_to_contain_text("Семинар по охране труда")
    page.get_by_role("link", name="«Человек труда»: учитель-наставник").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("«Человек труда»: учитель-наставник")
    expect(page.locator("article")).to_contain_text("рассказываем о членах профсоюза")
    expect(page.locator("a[href='https://www.facebook.com/share/p/DThzxLrzkzdYjkdG/']")).to_be_visible()
