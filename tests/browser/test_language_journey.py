import re

from playwright.sync_api import expect


def test_a_visitor_switches_the_portal_to_kazakh(page):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("navigation", name="Главное меню")).to_contain_text("Новости")

    page.get_by_role("navigation", name="Язык").get_by_role("link", name="Қазақ").click()

    expect(page).to_have_url(re.compile(r"/kk/$"))
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    nav = page.get_by_role("navigation", name="Басты мәзір")
    expect(nav).to_contain_text("Жаңалықтар")
    expect(nav).to_contain_text("Филиалдар")
