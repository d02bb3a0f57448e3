import re

from playwright.sync_api import expect


def test_a_visitor_switches_the_portal_to_kazakh(page):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("navigation", name="Главное меню")).to_contain_text("Новости")

    page.select_option("#language-select", "kk")

    expect(page).to_have_url(re.compile(r"/kk/$"))
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    nav = page.get_by_role("navigation")
    expect(nav).to_contain_text("Жаңалықтар")
    expect(nav).to_contain_text("Филиалдар")
