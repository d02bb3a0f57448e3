"""What a member reads in each language: the organisation's one name, e-mails that end with
one full stop, and the glossary's terms in Kazakh and Russian."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from tests.appeals.factories import AppealFactory

NAMES = {
    "ru": "Карагандинская областная организация профсоюза работников образования и науки",
    "kk": "Білім және ғылым қызметкерлері кәсіподағының Қарағанды облыстық ұйымы",
    "en": "Karaganda regional organisation of the trade union of education and science workers",
}


@pytest.mark.parametrize("prefix, language", [("", "ru"), ("/kk", "kk"), ("/en", "en")])
def test_header_footer_home_and_title_name_the_organisation_in_the_page_language(client, db, prefix, language):
    html = client.get(f"{prefix}/").content.decode()
    # header, footer, home heading and the <title>
    assert html.count(NAMES[language]) == 4
    for other, name in NAMES.items():
        if other != language:
            assert name not in html


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
@pytest.mark.parametrize("template", ["emails/appeals_received_body.txt", "emails/appeals_new_staff_body.txt"])
def test_e_mails_end_a_date_sentence_with_one_full_stop(db, language, template):
    appeal = AppealFactory(due_date=datetime.date(2026, 12, 16))
    with translation.override(language):
        body = render_to_string(template, {"appeal": appeal, "status_url": "http://x/", "admin_url": "http://y/"})
    assert {"ru": "16 декабря 2026 г.", "kk": "16 желтоқсан 2026 ж.", "en": "16 December 2026"}[language] in body
    assert ".." not in body


@pytest.mark.parametrize(
    "prefix, expected, wrong",
    [
        ("/kk/appeal/status/", "күй", "мәртебе"),
        ("/kk/giveaways/verify/", "құпия сан", "тұқым"),
        ("/giveaways/verify/", "секретное число", "зерн"),
        ("/kk/press/", "материал табылды", "сөз сөйлеу"),
    ],
)
def test_pages_use_the_glossary_terms(client, db, prefix, expected, wrong):
    html = client.get(prefix).content.decode()
    assert expected in html.lower()
    assert wrong not in html.lower()


def test_the_press_page_has_the_same_name_in_the_menu_and_the_title(client, db):
    html = client.get("/kk/press/").content.decode()
    assert html.count("Кәсіподақ БАҚ-та") >= 3  # menu, <title>, <h1>
