"""The appeal form on a phone: a refused submit puts the focus on a list of every error,
each linking to its field; the contact fields are marked when neither is given; switching
the language in the middle keeps what was typed."""

import re

from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}


def _phone_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, timezone_id="Asia/Almaty")
    return context, context.new_page()


def test_a_refused_appeal_focuses_the_error_summary_and_marks_the_contact_fields(browser, live_server, settings, branch_a):
    settings.APPEAL_MIN_FILL_SECONDS = 0
    context, page = _phone_page(browser, live_server)
    try:
        page.goto("/appeal/")
        page.fill("#id_name", "Тест Тестов")
        page.select_option("#id_topic", "wages")
        page.fill("#id_question", "Почему не доплатили за классное руководство?")
        page.click("button[type=submit]")

        summary = page.locator("#error-summary")
        expect(summary).to_be_focused()
        expect(summary).to_contain_text("Укажите телефон или e-mail")
        expect(summary).to_contain_text("Без согласия")  # the consent box was left unticked
        for field in ("#id_phone", "#id_email"):
            expect(page.locator(field)).to_have_attribute("aria-invalid", "true")
        # Every error links to its field.
        summary.get_by_role("link", name=re.compile("Укажите телефон")).click()
        expect(page.locator("#id_phone")).to_be_focused()
        # What was typed is still there.
        expect(page.locator("#id_question")).to_have_value("Почему не доплатили за классное руководство?")
    finally:
        context.close()


def test_switching_the_language_in_the_middle_of_the_appeal_form_keeps_what_was_typed(browser, live_server, branch_a):
    context, page = _phone_page(browser, live_server)
    try:
        page.goto("/appeal/")
        page.fill("#id_name", "Айгүл Серікқызы")
        page.fill("#id_email", "aigul@example.invalid")
        page.select_option("#id_topic", "leave")
        page.fill("#id_question", "Оқу демалысын қалай рәсімдеуге болады?")

        page.get_by_role("navigation", name="Язык").get_by_role("link", name="Қазақ").click()

        expect(page).to_have_url(re.compile(r"/kk/appeal/$"))
        expect(page.locator("#id_name")).to_have_value("Айгүл Серікқызы")
        expect(page.locator("#id_email")).to_have_value("aigul@example.invalid")
        expect(page.locator("#id_topic")).to_have_value("leave")
        expect(page.locator("#id_question")).to_have_value("Оқу демалысын қалай рәсімдеуге болады?")
        expect(page.locator("#id_consent")).not_to_be_checked()
    finally:
        context.close()
