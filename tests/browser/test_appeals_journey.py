"""A member asks in Russian and in Kazakh, staff answer one in the admin, the member reads it."""

import re

from playwright.sync_api import expect

from accounts.roles import Role
from tests.accounts.factories import UserFactory


def _send(page, *, path, name, email, topic, question):
    page.goto(path)
    page.fill("#id_name", name)
    page.fill("#id_email", email)
    page.select_option("#id_topic", topic)
    page.fill("#id_question", question)
    page.check("#id_consent")
    page.click("button[type=submit]")
    expect(page.get_by_test_id("status")).to_be_visible()
    link = page.get_by_test_id("tracking-link").inner_text()
    reference = page.get_by_test_id("reference").inner_text()
    return link, reference


def test_members_ask_in_russian_and_kazakh_and_read_the_answer(page, login, settings, branch_a):
    settings.APPEAL_MIN_FILL_SECONDS = 0
    staff = UserFactory(username="answerer", role=Role.REGIONAL_STAFF, role__organisation=branch_a.parent)

    ru_link, ru_reference = _send(
        page, path="/appeal/", name="Тест Тестов", email="ru@example.invalid", topic="wages",
        question="Почему не доплатили за классное руководство?",
    )
    expect(page.locator(".messages")).to_contain_text("Ваше обращение получено")
    expect(page.get_by_test_id("status")).to_have_text("Новое")

    kk_link, kk_reference = _send(
        page, path="/kk/appeal/", name="Тест Тестов", email="kk@example.invalid", topic="leave",
        question="Оқу демалысын қалай рәсімдеуге болады?",
    )
    expect(page.locator(".messages")).to_contain_text("Өтінішіңіз қабылданды")
    expect(page.get_by_test_id("status")).to_have_text("Жаңа")
    assert ru_link != kk_link and ru_reference != kk_reference

    # Staff answer the Kazakh appeal in the admin.
    login(staff)
    page.goto("/admin/appeals/appeal/")
    page.get_by_role("link", name=kk_reference).click()
    page.select_option("#id_status", "answered")
    page.fill("#id_answer", "Оқу демалысы жұмыс берушіге өтініш арқылы рәсімделеді.")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_be_visible()
    page.click("form#logout-form button, form[action$='/logout/'] button")

    # The member opens their link (only the code is needed) and reads the answer.
    code = re.search(r"/status/([^/]+)/", kk_link).group(1)
    page.goto("/kk/appeal/status/")
    page.fill("#id_code", code)
    page.click("form.filters button[type=submit]")
    expect(page.get_by_test_id("status")).to_have_text("Жауап берілді")
    expect(page.get_by_test_id("answer")).to_contain_text("Оқу демалысы жұмыс берушіге")

    page.goto(ru_link)
    expect(page.get_by_test_id("status")).to_have_text("Новое")


def test_an_anonymous_member_is_told_no_answer_can_be_sent(page, settings, branch_a):
    settings.APPEAL_MIN_FILL_SECONDS = 0
    page.goto("/appeal/")
    page.check("#id_is_anonymous")
    expect(page.locator("#id_name")).to_be_hidden()
    page.select_option("#id_topic", "other")
    page.fill("#id_question", "Анонимный вопрос о нагрузке")
    page.check("#id_consent")
    page.click("button[type=submit]")
    expect(page.get_by_test_id("status")).to_have_text("Новое")
    expect(page.locator("main")).to_contain_text("Это анонимное обращение")
