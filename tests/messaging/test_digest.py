"""The weekly e-mail digest for branch chairs and staff."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from messaging import digest
from messaging.models import DigestPreference
from tests.appeals.factories import AppealFactory
from tests.publications.factories import PublicationFactory

pytestmark = pytest.mark.django_db


def _mail_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


@pytest.fixture
def week(branch_a, branch_b):
    now = timezone.now()
    AppealFactory(branch=branch_a)
    AppealFactory(branch=branch_a, due_date=timezone.localdate() - datetime.timedelta(days=2))
    AppealFactory(branch=branch_b)
    PublicationFactory(organisation=branch_a, title="Встреча в школе №5", published_at=now - datetime.timedelta(days=1))
    PublicationFactory(organisation=branch_b, title="Новость Б", published_at=now - datetime.timedelta(days=2))


def test_each_person_gets_a_weekly_digest_of_what_they_may_see_with_text_and_html(week, editor_a, regional_staff, chair):
    for user in (editor_a, regional_staff, chair):
        user.email = f"{user.username}@example.invalid"
        user.save()
    assert digest.send_weekly_digests() == 3

    [to_editor] = _mail_to(editor_a)
    text = to_editor.body
    assert "Новые обращения: 2" in text
    assert "Просроченные обращения: 1" in text
    assert "Встреча в школе №5" in text and "Новость Б" not in text  # their branch only
    html, mimetype = to_editor.alternatives[0]
    assert mimetype == "text/html" and "Встреча в школе №5" in html
    assert "Новые обращения: 3" in _mail_to(regional_staff)[0].body
    assert to_editor.extra_headers["List-Unsubscribe"].startswith("<http")


def test_a_second_run_in_the_same_week_sends_nothing(week, regional_staff):
    regional_staff.email = "staff@example.invalid"
    regional_staff.save()
    assert digest.send_weekly_digests() == 1
    call_command("messaging_weekly_email")
    assert len(_mail_to(regional_staff)) == 1


def test_the_link_in_the_digest_turns_it_off_and_on_again_without_a_login(client, regional_staff):
    regional_staff.email = "staff@example.invalid"
    regional_staff.save()
    url = reverse("messaging:digest_switch", args=[digest.make_token(regional_staff.pk)])
    assert "Еженедельная сводка" in client.get(url).content.decode()
    client.post(url, {"weekly_email": "off"})
    assert DigestPreference.objects.get(user=regional_staff).weekly_email is False
    assert digest.send_weekly_digests() == 0
    client.post(url, {"weekly_email": "on"})
    assert digest.send_weekly_digests() == 1


def test_a_forged_link_is_refused_and_changes_nothing(client, regional_staff):
    response = client.post(reverse("messaging:digest_switch", args=["forged-token"]), {"weekly_email": "off"})
    assert response.status_code == 400
    assert not DigestPreference.objects.exists()
