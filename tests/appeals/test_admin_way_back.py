"""The way back to a member who wrote by WhatsApp, phoned or came in: the admin shows the
status link and ready replies in the appeal's language, a printable slip with a QR code,
duplicates from other channels with a one-click merge, and defaults that fit staff."""

import datetime
import re
import urllib.parse

import pytest
from django.urls import reverse
from django.utils import timezone

from appeals.choices import Channel, Status
from appeals.models import Appeal
from tests.appeals.factories import AppealFactory, CannedReplyFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:appeals_appeal_add")
INLINE = {"events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0", "events-MIN_NUM_FORMS": "0", "events-MAX_NUM_FORMS": "1000"}


def _change_url(appeal):
    return reverse("admin:appeals_appeal_change", args=[appeal.pk])


def _log(client, branch, **overrides):
    now = timezone.localtime()
    data = {
        "channel": Channel.WHATSAPP,
        "received_at_0": now.strftime("%d.%m.%Y"),
        "received_at_1": now.strftime("%H:%M:%S"),
        "language": "kk",
        "topic": "leave",
        "question": "Демалысты ауыстыруға бола ма?",
        "workplace": "",
        "workplace_text": "",
        "name": "Демо Участник",
        "phone": "8 701 555 12 34",
        "email": "",
        "branch": branch.pk,
        "assignee": "",
        **INLINE,
    }
    data.update(overrides)
    return client.post(ADD, data)


def test_a_logged_whatsapp_appeal_lands_on_its_page_with_a_wa_me_reply_in_its_language(client, regional_staff, branch_a):
    client.force_login(regional_staff)
    response = _log(client, branch_a)
    appeal = Appeal.objects.get()
    assert response["Location"] == _change_url(appeal)
    page = client.get(response["Location"]).content.decode()
    link = re.search(r'href="(https://wa\.me/[^"]+)"', page).group(1).replace("&amp;", "&")
    parsed = urllib.parse.urlsplit(link)
    assert parsed.path == "/77015551234"
    text = urllib.parse.parse_qs(parsed.query)["text"][0]
    # In Kazakh, with the number, the due date and the working status link.
    assert appeal.reference in text and "өтініш" in text.lower()
    code = re.search(r"/appeal/status/([^/\s]+)/", text).group(1)
    assert code == appeal.tracking_code
    assert client.get(reverse("appeals:detail", kwargs={"code": code})).status_code == 200
    assert "https://t.me/share/url?" in page and "sms:+77015551234?body=" in page


def test_the_add_form_defaults_to_whatsapp_and_now_and_offers_no_web_form(client, regional_staff):
    client.force_login(regional_staff)
    form = client.get(ADD).context["adminform"].form
    assert form["channel"].value() == Channel.WHATSAPP
    assert Channel.WEB not in [value for value, _label in form.fields["channel"].choices]
    assert Channel.TELEGRAM in [value for value, _label in form.fields["channel"].choices]
    received = form["received_at"].value()
    received = received() if callable(received) else received
    assert abs((received - timezone.now()).total_seconds()) < 60


def test_a_malformed_phone_an_unknown_channel_and_a_future_date_are_refused_by_name(client, regional_staff, branch_a):
    client.force_login(regional_staff)
    tomorrow = timezone.localtime() + datetime.timedelta(days=2)
    response = _log(
        client, branch_a, phone="12-34", channel="pigeon",
        received_at_0=tomorrow.strftime("%d.%m.%Y"), received_at_1=tomorrow.strftime("%H:%M:%S"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) >= {"phone", "channel"}
    assert "не номер телефона" in str(errors["phone"])
    assert not Appeal.objects.exists()
    response = _log(client, branch_a, received_at_0=tomorrow.strftime("%d.%m.%Y"), received_at_1=tomorrow.strftime("%H:%M:%S"))
    assert "received_at" in response.context["adminform"].form.errors
    assert not Appeal.objects.exists()


def test_the_code_is_not_shown_to_staff_who_may_not_see_the_contacts(client, editor_a, branch_a):
    from tests.branches.factories import PrimaryOrganisationFactory

    appeal = AppealFactory(branch=PrimaryOrganisationFactory(parent=branch_a), phone="+77015551234")
    client.force_login(editor_a)
    page = client.get(_change_url(appeal)).content.decode()
    assert appeal.tracking_code not in page and "wa.me" not in page
    assert client.get(reverse("admin:appeals_appeal_slip", args=[appeal.pk])).status_code == 403


def test_the_editor_of_the_appeals_branch_gets_the_way_back(client, editor_a, branch_a):
    appeal = AppealFactory(branch=branch_a, phone="+77015551234")
    client.force_login(editor_a)
    assert appeal.tracking_code in client.get(_change_url(appeal)).content.decode()


def test_the_slip_has_the_number_the_due_date_and_a_qr_code_in_the_appeals_language(client, regional_staff):
    appeal = AppealFactory(channel=Channel.VISIT, language="kk", phone="", email="")
    client.force_login(regional_staff)
    response = client.get(reverse("admin:appeals_appeal_slip", args=[appeal.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert appeal.reference in page and "<svg" in page
    assert 'lang="kk"' in page and "Өтінішіңіз қабылданды" in page


def test_an_open_appeal_with_the_same_phone_from_another_channel_is_suggested_and_merged_in_one_click(client, regional_staff):
    first = AppealFactory(channel=Channel.WHATSAPP, phone="+77015551234", email="", received_at=timezone.now() - datetime.timedelta(days=3))
    second = AppealFactory(channel=Channel.INSTAGRAM, phone="+77015551234", email="", name="Другое Имя")
    AppealFactory(phone="+77015551234", email="", received_at=timezone.now() - datetime.timedelta(days=40))
    AppealFactory(phone="+77015551234", email="", status=Status.CLOSED)
    client.force_login(regional_staff)
    response = client.get(_change_url(second))
    suggested = [other for other, _url, _phone in response.context["possible_duplicates"]]
    assert suggested == [first]
    merge = reverse("admin:appeals_appeal_merge", args=[second.pk, first.pk])
    assert merge in response.content.decode()
    response = client.post(merge)
    assert response["Location"] == _change_url(first)
    second.refresh_from_db()
    assert second.status == Status.DUPLICATE and second.duplicate_of == first


def test_duplicates_match_on_the_email_or_the_name_too(client, regional_staff):
    by_email = AppealFactory(phone="", email="Same@example.invalid")
    by_name = AppealFactory(phone="", email="x@example.invalid", name="Айгуль Сейтова")
    appeal = AppealFactory(phone="", email="same@example.invalid", name="айгуль сейтова")
    client.force_login(regional_staff)
    suggested = {other for other, _url, _phone in client.get(_change_url(appeal)).context["possible_duplicates"]}
    assert suggested == {by_email, by_name}


def test_a_merge_by_get_or_by_someone_without_the_contacts_changes_nothing(client, editor_a, branch_a):
    from tests.branches.factories import PrimaryOrganisationFactory

    school = PrimaryOrganisationFactory(parent=branch_a)
    first, second = AppealFactory(branch=school), AppealFactory(branch=school)
    client.force_login(editor_a)
    merge = reverse("admin:appeals_appeal_merge", args=[second.pk, first.pk])
    client.get(merge)
    assert client.post(merge).status_code == 403
    second.refresh_from_db()
    assert second.status == Status.NEW


def test_a_kazakh_appeal_is_offered_the_kazakh_canned_replies_first(client, regional_staff):
    CannedReplyFactory(title="А русский", text_kk="")
    CannedReplyFactory(title="Б казахский")
    appeal = AppealFactory(language="kk")
    client.force_login(regional_staff)
    field = client.get(_change_url(appeal)).context["adminform"].form.fields["canned_reply"]
    labels = [label for value, label in field.choices if value]
    assert labels[0].startswith("Б казахский") and "на казахском" in labels[0]
    assert labels[1].startswith("А русский") and "на русском" in labels[1]


def test_another_branchs_editor_cannot_open_the_slip_or_merge(client, editor_b, branch_a):
    first, second = AppealFactory(branch=branch_a), AppealFactory(branch=branch_a)
    client.force_login(editor_b)
    assert client.get(reverse("admin:appeals_appeal_slip", args=[first.pk])).status_code == 404
    assert client.post(reverse("admin:appeals_appeal_merge", args=[second.pk, first.pk])).status_code == 404
    second.refresh_from_db()
    assert second.status == Status.NEW


def test_the_change_page_with_duplicates_takes_a_constant_number_of_queries(client, regional_staff, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    appeal = AppealFactory(phone="+77015551234")
    AppealFactory(phone="+77015551234")
    client.force_login(regional_staff)
    with CaptureQueriesContext(connection) as two:
        client.get(_change_url(appeal))
    AppealFactory.create_batch(8, phone="+77015551234")
    with django_assert_max_num_queries(len(two.captured_queries)):
        response = client.get(_change_url(appeal))
    assert len(response.context["possible_duplicates"]) == 9
