"""The staff's side: counts (never a list of people), what was sent and its outcome, and
"send now" with a preview in both languages."""

import pytest
from django.urls import reverse

from messaging import services
from messaging.choices import Kind, OutboxStatus
from messaging.models import Broadcast, OutboxMessage
from tests.messaging.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

COUNTS = reverse("admin:messaging_subscriber_changelist")
BROADCASTS = reverse("admin:messaging_broadcast_changelist")
NOTICE = reverse("admin:messaging_broadcast_send_notice")


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def _counts(response):
    return {(row["branch_id"], row["ru"], row["kk"]) for row in response.context["rows"]}


def test_staff_see_subscriber_counts_per_branch_and_language_and_an_editor_only_their_branch(client, regional_staff, editor_a, branch_a, branch_b):
    SubscriberFactory.create_batch(2, branch=branch_a, language="ru")
    SubscriberFactory(branch=branch_a, language="kk")
    SubscriberFactory(branch=branch_b, language="kk")
    SubscriberFactory(branch=branch_b, stopped_at="2026-01-01T00:00:00Z")  # left: not counted

    client.force_login(regional_staff)
    assert _counts(client.get(COUNTS)) == {(branch_a.pk, 2, 1), (branch_b.pk, 0, 1)}
    client.force_login(editor_a)
    response = client.get(COUNTS)
    assert _counts(response) == {(branch_a.pk, 2, 1)}
    assert "Филиал Б" not in response.content.decode()


def test_no_one_can_open_a_subscribers_row(client, regional_staff, branch_a):
    subscriber = SubscriberFactory(branch=branch_a)
    client.force_login(regional_staff)
    assert client.get(reverse("admin:messaging_subscriber_change", args=[subscriber.pk])).status_code in (302, 403)
    assert str(subscriber.chat_id) not in client.get(COUNTS).content.decode()


def test_the_counts_page_takes_the_same_queries_for_many_branches(client, regional_staff, regional_org, django_assert_num_queries):
    from tests.branches.factories import OrganisationFactory

    client.force_login(regional_staff)
    SubscriberFactory(branch=OrganisationFactory(parent=regional_org))
    before = _queries(client, COUNTS)
    for _n in range(6):
        SubscriberFactory(branch=OrganisationFactory(parent=regional_org))
    # the session with its user, the roles' groups, the one count, the session save
    with django_assert_num_queries(5):
        client.get(COUNTS)
    assert _queries(client, COUNTS) == before


def test_the_broadcast_list_shows_delivered_blocked_failed_in_constant_queries(client, regional_staff, branch_a, django_assert_num_queries):
    client.force_login(regional_staff)
    members = SubscriberFactory.create_batch(3, branch=branch_a)
    broadcast = services.broadcast_queue(kind=Kind.NOTICE, branch=branch_a, text_ru="Собрание")
    OutboxMessage.objects.filter(subscriber=members[0]).update(status=OutboxStatus.SENT)
    OutboxMessage.objects.filter(subscriber=members[1]).update(status=OutboxStatus.BLOCKED)
    OutboxMessage.objects.filter(subscriber=members[2]).update(status=OutboxStatus.FAILED)
    response = client.get(BROADCASTS)
    row = response.context["cl"].result_list[0]
    assert (row.pk, row.recipients, row.delivered, row.blocked, row.failed, row.waiting) == (broadcast.pk, 3, 1, 1, 1, 0)
    assert "TELEGRAM_BOT_TOKEN" in response.content.decode()  # the bot is off here, and the admin says so

    before = _queries(client, BROADCASTS)
    for _n in range(5):
        services.broadcast_queue(kind=Kind.NOTICE, branch=branch_a, text_ru="Ещё")
    # the session with its user, groups, the count, the page with its outcome counts, the date
    # hierarchy, the kinds filter …: the same however many broadcasts
    with django_assert_num_queries(before):
        client.get(BROADCASTS)


def test_send_now_previews_both_languages_then_queues_the_notice(client, regional_staff, branch_a, branch_b):
    SubscriberFactory.create_batch(2, branch=branch_a)
    SubscriberFactory(branch=branch_b)
    client.force_login(regional_staff)
    data = {"branch": branch_a.pk, "text_ru": "Завтра собрание", "text_kk": "Ертең жиналыс"}

    response = client.post(NOTICE, {**data, "preview": "1"})
    assert response.status_code == 200
    previews = response.context["previews"]
    assert "Завтра собрание" in previews["ru"] and "Важное объявление" in previews["ru"]
    assert "Ертең жиналыс" in previews["kk"] and "Маңызды хабарландыру" in previews["kk"]
    assert previews["recipients"] == 2
    assert not Broadcast.objects.exists()  # a preview sends nothing

    response = client.post(NOTICE, {**data, "send": "1"})
    assert response.status_code == 302
    broadcast = Broadcast.objects.get()
    assert (broadcast.kind, broadcast.branch, broadcast.recipients, broadcast.created_by) == (Kind.NOTICE, branch_a, 2, regional_staff)


def test_an_empty_notice_is_refused_with_a_message(client, regional_staff):
    client.force_login(regional_staff)
    response = client.post(NOTICE, {"branch": "", "text_ru": " ", "text_kk": "", "send": "1"})
    assert response.status_code == 200
    assert "Напишите объявление" in response.content.decode()
    assert not Broadcast.objects.exists()


def test_a_branch_editor_sends_to_their_branch_only_even_with_a_forged_post(client, editor_a, branch_a, branch_b):
    client.force_login(editor_a)
    response = client.get(NOTICE)
    assert list(response.context["form"].fields["branch"].queryset) == [branch_a]
    client.post(NOTICE, {"branch": branch_b.pk, "text_ru": "Чужой филиал", "send": "1"})
    client.post(NOTICE, {"branch": "", "text_ru": "Всем", "send": "1"})
    assert not Broadcast.objects.exists()
    client.post(NOTICE, {"branch": branch_a.pk, "text_ru": "Своим", "send": "1"})
    assert Broadcast.objects.get().branch == branch_a


def test_the_chair_cannot_send_a_notice(client, chair):
    client.force_login(chair)
    assert client.get(NOTICE).status_code == 403
