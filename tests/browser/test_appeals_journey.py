"""A member asks in Russian and in Kazakh, staff answer one in the admin, the member reads it."""

import datetime
import re
import urllib.parse

from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from appeals.models import Appeal
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
    page.click("[data-testid=status-lookup] button[type=submit]")
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


def test_staff_log_a_whatsapp_appeal_send_the_link_back_and_the_member_finds_the_answer_by_number(page, login, branch_a):
    staff = UserFactory(username="whatsapp-staff", role=Role.REGIONAL_STAFF, role__organisation=branch_a.parent)
    login(staff)

    # Staff log the WhatsApp message: WhatsApp and "now" are the defaults.
    page.goto("/admin/appeals/appeal/add/")
    expect(page.locator("#id_channel")).to_have_value("whatsapp")
    page.select_option("#id_language", "ru")
    page.select_option("#id_topic", "leave")
    page.fill("#id_question", "Можно ли перенести ежегодный отпуск на осень?")
    page.fill("#id_name", "Демо Участник")
    page.fill("#id_phone", "8 701 555 12 34")
    page.select_option("#id_branch", str(branch_a.pk))
    # It came last night: one click sets the day back.
    page.get_by_role("link", name="вчера", exact=True).click()
    page.click("input[name=_save]")
    logged = Appeal.objects.get(question__startswith="Можно ли перенести")
    assert timezone.localtime(logged.received_at).date() == timezone.localdate() - datetime.timedelta(days=1)

    # Its page has the reply to send back: a wa.me link to the member's number.
    way_back = page.get_by_test_id("way-back")
    expect(way_back).to_be_visible()
    reference = re.search(r"№ (\w{4}-\w{4})", page.get_by_test_id("reply-text").input_value()).group(1)
    whatsapp = page.get_by_test_id("whatsapp-link")
    href = whatsapp.get_attribute("href")
    assert href.startswith("https://wa.me/77015551234?text=")
    expect(whatsapp).to_have_attribute("target", "_blank")
    # Opening it would leave for WhatsApp: the browser's request is answered here, so the
    # address it opens is checked and nothing goes out.
    requested = []
    page.context.route("https://wa.me/**", lambda route: (requested.append(route.request.url), route.fulfill(body="ok")))
    with page.context.expect_page() as opened:
        whatsapp.click()
    opened.value.wait_for_load_state()
    assert requested and requested[0].startswith("https://wa.me/77015551234?text=")
    assert reference in urllib.parse.unquote(requested[0])
    opened.value.close()

    # Staff answer it.
    page.select_option("#id_status", "answered")
    page.fill("#id_answer", "Да, по заявлению и с согласия работодателя.")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_be_visible()
    page.click("form#logout-form button, form[action$='/logout/'] button")

    # The member types the number from the message (lower case) and the last four digits.
    page.goto("/")
    page.get_by_role("link", name="Узнать ответ на мой вопрос").first.click()
    page.fill("#id_code", reference.lower() + ".")
    page.fill("#id_proof", "1234")
    page.click("[data-testid=status-lookup] button[type=submit]")
    expect(page.get_by_test_id("status")).to_have_text("Дан ответ")
    expect(page.get_by_test_id("answer")).to_contain_text("по заявлению и с согласия работодателя")

    # A wrong pair says so without telling whether the number exists.
    page.goto("/appeal/status/")
    page.fill("#id_code", reference)
    page.fill("#id_proof", "0000")
    page.click("[data-testid=status-lookup] button[type=submit]")
    expect(page.get_by_test_id("lookup-error")).to_contain_text("не совпадают")


def test_a_member_sends_the_cached_form_filled_with_their_own_name_and_finds_it_in_my_appeals(page, login, settings, branch_a):
    settings.APPEAL_MIN_FILL_SECONDS = 0
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60  # as deployed: the form comes from the cache
    first = UserFactory(username="first-member", first_name="Марат", last_name="Ахметов", email="marat@school.kz")
    second = UserFactory(username="second-member", first_name="Айгүл", last_name="Серікова", email="aigul@school.kz")
    login(first)
    page.goto("/appeal/")  # the first member's visit fills the cache
    expect(page.locator("#id_name")).to_have_value("Марат Ахметов")
    page.get_by_role("button", name="Выйти").click()

    login(second)
    page.goto("/appeal/")
    expect(page.locator("#id_name")).to_have_value("Айгүл Серікова")
    expect(page.locator("#id_email")).to_have_value("aigul@school.kz")
    page.select_option("#id_topic", "wages")
    page.fill("#id_question", "Когда будет перерасчёт за сентябрь?")
    page.check("#id_consent")
    page.locator("form.appeal-form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Ваше обращение получено")
    reference = page.get_by_test_id("reference").inner_text()
    appeal = Appeal.objects.get(reference=reference)
    assert (appeal.name, appeal.email, appeal.user) == ("Айгүл Серікова", "aigul@school.kz", second)

    page.goto("/appeal/")
    page.get_by_role("link", name="Мои обращения").click()
    expect(page.locator("main")).to_contain_text(reference)
