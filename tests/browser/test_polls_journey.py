"""On a phone: staff make a three-question anonymous poll for two branches, members answer
through the two branch links (one in Kazakh), staff close it and write what was decided,
and the public results show the breakdown with the small branch's cells hidden."""

import re

from playwright.sync_api import expect

from accounts.roles import Role
from polls.models import Poll, Response
from tests.accounts.factories import UserFactory
from tests.branches.factories import OrganisationFactory, RegionalOrganisationFactory
from tests.polls.factories import answer

PHONE = {"width": 390, "height": 844}


def _phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="ru-RU", timezone_id="Asia/Almaty", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _login(page, user):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.username)
    page.fill("input[name=password]", "pass-for-tests-123")
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _member_answers(browser, live_server, url, *, choice, score, text=""):
    context, page = _phone(browser, live_server)
    page.goto(url)
    page.get_by_label(choice).check()
    page.locator(".poll-scale").get_by_text(score, exact=True).click()
    if text:
        page.locator("textarea").fill(text)
    page.locator("button[value=next]").click()
    page.wait_for_load_state()
    body = page.locator("main").inner_text()
    context.close()
    return body


def test_staff_and_members_run_a_poll_on_a_phone(browser, live_server, transactional_db):
    regional = RegionalOrganisationFactory()
    temirtau = OrganisationFactory(slug="temirtau", name_ru="Темиртауский городской профсоюз", name_kk="Теміртау қалалық кәсіподағы", parent=regional)
    shet = OrganisationFactory(slug="shet", name_ru="Шетский районный профсоюз", name_kk="Шет аудандық кәсіподағы", parent=regional)
    OrganisationFactory(slug="saran", name_ru="Саранский городской профсоюз", parent=regional)
    staff = UserFactory(username="staff", role=Role.REGIONAL_STAFF, role__organisation=regional, is_staff=True)

    context, page = _phone(browser, live_server)
    _login(page, staff)
    page.goto("/admin/polls/poll/add/")
    page.select_option("#id_organisation", str(regional.pk))
    page.fill("#id_slug", "pulse")
    page.fill("#id_title_ru", "Пульс-опрос о нагрузке")
    page.fill("#id_title_kk", "Жүктеме туралы пульс-сауалнама")
    page.select_option("#id_audience", "branches")
    page.select_option("#id_audience_organisations", [str(temirtau.pk), str(shet.pk)])
    page.select_option("#id_access", "open")
    expect(page.locator("#id_is_anonymous")).to_be_checked()
    page.fill("#id_opens_at_0", "01.01.2026")
    page.fill("#id_opens_at_1", "09:00:00")
    page.fill("#id_closes_at_0", "31.12.2099")
    page.fill("#id_closes_at_1", "18:00:00")
    questions = [
        ("single", "Нагрузка выросла?", "Жүктеме өсті ме?", "Да\nНет", "Иә\nЖоқ"),
        ("scale", "Оцените работу профкома", "Кәсіподақ комитетінің жұмысын бағалаңыз", "", ""),
        ("text", "Что изменить?", "Нені өзгерту керек?", "", ""),
    ]
    for i, (kind, text_ru, text_kk, choices_ru, choices_kk) in enumerate(questions):
        page.fill(f"#id_questions-{i}-position", str(i))
        page.select_option(f"#id_questions-{i}-kind", kind)
        page.fill(f"#id_questions-{i}-text_ru", text_ru)
        page.fill(f"#id_questions-{i}-text_kk", text_kk)
        page.fill(f"#id_questions-{i}-choices_ru", choices_ru)
        page.fill(f"#id_questions-{i}-choices_kk", choices_kk)
        if kind == "text":
            page.uncheck(f"#id_questions-{i}-is_required")
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state()
    poll = Poll.objects.get(slug="pulse")
    assert poll.questions.count() == 3

    page.get_by_role("link", name="Ссылки и QR-коды").click()
    links = {a.inner_text(): a for a in page.locator("a.unit-link").all()}
    temirtau_url = next(url for url in links if url.endswith("/b/temirtau/"))
    shet_url = next(url for url in links if url.endswith("/b/shet/"))
    expect(page.locator("img[alt*='Шетский']")).to_be_visible()

    # Members: one through Temirtau's link in Russian, one through Shet's in Kazakh.
    counted = _member_answers(browser, live_server, temirtau_url, choice="Да", score="4", text="Меньше отчётов")
    assert "Спасибо! Ваш ответ учтён." in counted
    kk_url = re.sub(r"(https?://[^/]+)/", r"\1/kk/", shet_url, count=1)
    counted = _member_answers(browser, live_server, kk_url, choice="Иә", score="2")
    assert "Рахмет! Сіздің жауабыңыз есепке алынды." in counted
    assert Response.objects.get(unit=shet).language == "kk"
    for _i in range(5):  # more members of Temirtau, so that its row can be shown
        answer(poll, unit=temirtau, choice=1, scale="5")

    # Staff close the poll and write what was decided.
    page.goto(f"/admin/polls/poll/{poll.pk}/change/")
    page.get_by_role("link", name="Закрыть сейчас").click()
    page.check("#id_confirm")
    page.locator("input[type=submit]").click()
    expect(page.get_by_text("Опрос закрыт, его результаты опубликованы.")).to_be_visible()
    page.get_by_role("link", name="Вы сказали — мы сделали").click()
    page.fill("#id_outcome_ru", "Профком добился сокращения отчётов в школах Темиртау.")
    page.fill("#id_outcome_kk", "Кәсіподақ комитеті Теміртау мектептерінде есептерді қысқартты.")
    page.locator("input[type=submit]").click()
    expect(page.get_by_text("Опубликовано вместе с результатами")).to_be_visible()
    context.close()

    # The public results: the decision, the breakdown, Shet's single answer hidden.
    context, page = _phone(browser, live_server)
    page.goto("/polls/")
    page.get_by_role("link", name="Пульс-опрос о нагрузке").click()
    expect(page.get_by_role("heading", name="Вы сказали — мы сделали")).to_be_visible()
    expect(page.get_by_text("Профком добился сокращения отчётов")).to_be_visible()
    expect(page.locator('[data-fact="answered"]')).to_have_text("7")
    breakdown = page.locator(".poll-units").first
    temirtau_row = breakdown.locator("tr", has_text="Темиртауский")
    expect(temirtau_row.locator("td").nth(0)).to_have_text("6")
    shet_row = breakdown.locator("tr", has_text="Шетский")
    expect(shet_row.locator("td").nth(0)).to_have_text("<5")
    expect(shet_row.locator(".suppressed")).to_have_count(3)
    expect(page.locator(".poll-footnote")).to_be_visible()
    context.close()
