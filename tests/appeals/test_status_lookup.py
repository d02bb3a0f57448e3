"""/appeal/status/: a member finds their appeal with what they have — the number from a
page, slip or message with the last digits of their phone or their e-mail, the code, or
the whole link — and a wrong answer never tells whether the number exists."""

import re

import pytest
from django.urls import reverse

from appeals.choices import Channel
from tests.appeals.factories import AppealFactory

pytestmark = pytest.mark.django_db

STATUS = reverse("appeals:status")


def _detail(appeal):
    return reverse("appeals:detail", kwargs={"code": appeal.tracking_code})


@pytest.fixture
def whatsapp_appeal():
    return AppealFactory(channel=Channel.WHATSAPP, phone="+77015551234", email="", reference="7GBR-ZGRT")


def test_the_number_with_the_phones_last_four_digits_finds_the_appeal(client, whatsapp_appeal):
    response = client.get(STATUS, {"code": "7GBR-ZGRT", "proof": "1234"})
    assert response.status_code == 302 and response["Location"] == _detail(whatsapp_appeal)


@pytest.mark.parametrize("typed", ["7gbr-zgrt", "7GBRZGRT", " 7gbr zgrt ", "№ 7GBR–ZGRT", "«7GBR-ZGRT»."])
def test_case_spaces_and_dashes_of_the_number_do_not_matter(client, whatsapp_appeal, typed):
    response = client.get(STATUS, {"code": typed, "proof": "1234"})
    assert response["Location"] == _detail(whatsapp_appeal)


def test_the_whole_phone_works_as_well_as_its_last_digits(client, whatsapp_appeal):
    response = client.get(STATUS, {"code": "7GBR-ZGRT", "proof": "8 (701) 555-12-34"})
    assert response["Location"] == _detail(whatsapp_appeal)


def test_the_number_with_the_email_finds_the_appeal_whatever_its_case(client):
    appeal = AppealFactory(reference="7GBR-ZGRT", email="Member@Example.invalid")
    response = client.get(STATUS, {"code": "7GBR-ZGRT", "proof": "member@example.INVALID"})
    assert response["Location"] == _detail(appeal)


def test_a_wrong_pair_and_an_unknown_number_get_the_same_answer(client, whatsapp_appeal):
    wrong = client.get(STATUS, {"code": "7GBR-ZGRT", "proof": "9999"})
    unknown = client.get(STATUS, {"code": "9XXX-XXXX", "proof": "1234"})
    assert wrong.status_code == unknown.status_code == 404

    def said(response):
        page = response.content.decode()
        return re.findall(r'data-testid="lookup-error">([^<]+)<', page) + re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', page)

    assert said(wrong) == said(unknown)
    assert "Номер и цифры телефона или e-mail не совпадают" in said(wrong)[0]


def test_the_number_alone_asks_for_the_phone_digits_and_opens_nothing(client, whatsapp_appeal):
    response = client.get(STATUS, {"code": "7GBR-ZGRT"})
    assert response.status_code == 200
    assert "последние четыре цифры телефона" in response.content.decode()


def test_an_anonymous_appeal_is_not_found_by_its_number_with_empty_contacts(client):
    AppealFactory(reference="7GBR-ZGRT", is_anonymous=True, name="", phone="", email="")
    assert client.get(STATUS, {"code": "7GBR-ZGRT", "proof": "@"}).status_code == 404


@pytest.mark.parametrize(
    "link",
    [
        "http://127.0.0.1:8000/appeal/status/{code}/",
        "https://portal.example.kz/kk/appeal/status/{code}/?utm_source=whatsapp",
        "Ваше обращение: /en/appeal/status/{code}/ — следите за ним",
        "  {code}\n",
    ],
)
def test_a_pasted_link_or_the_bare_code_opens_the_appeal(client, whatsapp_appeal, link):
    response = client.get(STATUS, {"code": link.format(code=whatsapp_appeal.tracking_code)})
    assert response["Location"] == _detail(whatsapp_appeal)


def test_wrong_answers_for_one_number_lock_it_for_the_hour_even_from_other_addresses(client, whatsapp_appeal, settings):
    settings.APPEAL_LOOKUP_FAILURES_PER_NUMBER = 3
    for n, address in enumerate(["10.0.0.1", "10.0.0.2", "10.0.0.3"]):
        response = client.get(STATUS, {"code": "7GBR-ZGRT", "proof": f"000{n}"}, REMOTE_ADDR=address)
        assert response.status_code == 404
    # The right digits now wait too: guessing 10,000 combinations is not on.
    response = client.get(STATUS, {"code": "7GBR-ZGRT", "proof": "1234"}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert "Слишком много неверных ответов" in response.content.decode()
    # The link still works: it carries the whole code.
    assert client.get(STATUS, {"code": whatsapp_appeal.tracking_code}).status_code == 302


def test_one_address_has_a_limit_of_lookups_an_hour(client, whatsapp_appeal, settings):
    settings.APPEAL_STATUS_LOOKUPS_PER_HOUR = 2
    for _ in range(2):
        assert client.get(STATUS, {"code": "x" * 24}, REMOTE_ADDR="10.0.0.5").status_code == 404
    response = client.get(STATUS, {"code": whatsapp_appeal.tracking_code}, REMOTE_ADDR="10.0.0.5")
    assert response.status_code == 429
    assert client.get(STATUS, {"code": whatsapp_appeal.tracking_code}, REMOTE_ADDR="10.0.0.6").status_code == 302


def test_the_lookup_page_is_never_cached(client, whatsapp_appeal):
    response = client.get(STATUS, {"code": "7GBR-ZGRT", "proof": "9999"})
    assert "no-store" in response["Cache-Control"]
