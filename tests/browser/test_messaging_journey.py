"""A member scans the branch's code and subscribes in the chat; staff see the count, send
an important notice with a preview in both languages, and see it delivered."""

import json

import requests
from playwright.sync_api import expect

from accounts.roles import Role
from tests.accounts.factories import UserFactory
from tests.messaging.conftest import SECRET, fake_telegram  # noqa: F401 - the fake server fixture


def test_a_member_subscribes_from_the_branch_page_and_staff_send_a_notice(page, login, live_server, fake_telegram, branch_a):  # noqa: F811
    # The branch page shows the code and the link a member scans on the union stand.
    page.goto(f"/branches/{branch_a.slug}/")
    block = page.locator(".telegram-subscribe")
    expect(block).to_contain_text("Новости филиала в Telegram")
    link = block.locator("a[href^='https://t.me/']").get_attribute("href")
    assert link == "https://t.me/test_union_bot?start=branch-a"
    expect(block.locator("img")).to_have_attribute("src", f"/telegram/branch/{branch_a.slug}/qr.svg")

    # Telegram opens the chat with /start branch-a; the member picks Kazakh and agrees.
    chat = 4100
    start = link.split("start=", 1)[1]
    for update in (fake_telegram.message(chat, text=f"/start {start}"), fake_telegram.callback(chat, "lang:kk"), fake_telegram.callback(chat, "consent")):
        response = requests.post(f"{live_server.url}/telegram/webhook/", data=json.dumps(update),
                                 headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}, timeout=10)
        assert response.status_code == 200
    # Sent by the sender the webhook woke after commit.
    page.wait_for_timeout(300)
    assert "Сіз жазылдыңыз" in fake_telegram.last_to(chat).text

    staff = UserFactory(username="notice-staff", role=Role.REGIONAL_STAFF, role__organisation=branch_a.parent)
    login(staff)
    page.goto("/admin/messaging/subscriber/")
    expect(page.locator("#subscriber-counts")).to_contain_text("Филиал А")
    expect(page.locator("#subscriber-counts tbody tr").first).to_contain_text("1")

    page.goto("/admin/messaging/broadcast/")
    page.get_by_role("link", name="Отправить важное объявление сейчас").click()
    page.select_option("#id_branch", label="Филиал А")
    page.fill("#id_text_ru", "Завтра в 15:00 собрание профкома")
    page.fill("#id_text_kk", "Ертең сағат 15:00-де кәсіподақ комитетінің жиналысы")
    page.get_by_role("button", name="Предпросмотр").click()
    expect(page.locator("#preview-ru")).to_contain_text("Важное объявление")
    expect(page.locator("#preview-kk")).to_contain_text("Маңызды хабарландыру")
    expect(page.locator("#notice-form")).to_contain_text("1 подписчику")
    page.get_by_role("button", name="Отправить сейчас").click()

    expect(page.locator(".messagelist")).to_contain_text("Объявление отправляется подписчикам: 1")
    page.wait_for_timeout(300)
    assert "Ертең сағат 15:00-де" in fake_telegram.last_to(chat).text  # in the member's Kazakh
    page.reload()
    row = page.locator("#result_list tbody tr").first
    expect(row).to_contain_text("Филиал А")
    expect(row.locator("td.field-delivered")).to_have_text("1")
