import re

from playwright.sync_api import expect

from branches import demo

TRACKING = re.compile(r"igsh|mibextid|utm_|[?&]hl=|[?&]si=")


def test_a_visitor_finds_every_branch_with_clean_links_and_opens_one(page):
    demo.load()
    page.goto("/branches/")

    cards = page.locator(".branch-card")
    expect(cards).to_have_count(13)
    links = page.locator(".branch-card .social-links a")
    expect(links).to_have_count(26)
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert all(h.startswith("https://www.instagram.com/") or h.startswith("https://www.facebook.com/") for h in hrefs)
    assert not [h for h in hrefs if TRACKING.search(h)]
    expect(page.locator(".branch-card svg.icon-instagram")).to_have_count(13)

    page.get_by_role("link", name="Шетский районный профсоюз").click()

    expect(page).to_have_url(re.compile(r"/branches/shet/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Шетский районный профсоюз")
    expect(page.locator("a[href='https://www.instagram.com/shet_profsoiuz/']")).to_be_visible()


def test_the_regional_page_shows_its_follower_growth(page):
    demo.load()
    page.goto("/branches/regional/")
    expect(page.locator("svg.follower-chart")).to_have_count(2)
    page.get_by_text(re.compile("Follower counts as a table|Подписчики в виде таблицы|таблиц")).first.click()
    expect(page.locator(".follower-table table").first).to_contain_text("5120")
