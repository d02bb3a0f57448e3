"""The status page, rating, the FAQ: what a member with a code sees."""

import pytest
from django.urls import reverse

from appeals.choices import EventKind, Status
from tests.appeals.factories import AppealEventFactory, AppealFactory, FaqEntryFactory

pytestmark = pytest.mark.django_db


def test_the_status_form_finds_an_appeal_by_its_code(client):
    appeal = AppealFactory()
    response = client.get(reverse("appeals:status"), {"code": appeal.tracking_code})
    assert response.status_code == 302
    assert response["Location"] == reverse("appeals:detail", kwargs={"code": appeal.tracking_code})


def test_a_wrong_code_says_so_without_a_500(client):
    response = client.get(reverse("appeals:status"), {"code": "x" * 24})
    assert response.status_code == 404
    assert "Обращения с таким кодом нет" in response.content.decode()
    response = client.get(reverse("appeals:status"), {"code": "nope"})
    assert "Это не номер обращения" in response.content.decode()
    assert client.get(reverse("appeals:detail", kwargs={"code": "x" * 300})).status_code == 404


def test_the_status_page_shows_public_history_but_not_internal_notes(client):
    appeal = AppealFactory(status=Status.ANSWERED, answer="Ваш ответ")
    AppealEventFactory(appeal=appeal, kind=EventKind.NOTE, text="секретная заметка", is_public=False)
    AppealEventFactory(appeal=appeal, kind=EventKind.STATUS, to_status=Status.ANSWERED, is_public=True)
    response = client.get(reverse("appeals:detail", kwargs={"code": appeal.tracking_code}))
    page = response.content.decode()
    assert "Ваш ответ" in page and "секретная заметка" not in page
    assert "Дан ответ" in page
    assert "no-store" in response["Cache-Control"]
    # The member's own contacts are not shown: the link may be forwarded.
    assert appeal.email not in page


def test_a_draft_answer_is_not_shown_before_the_appeal_is_answered(client):
    appeal = AppealFactory(status=Status.IN_PROGRESS, answer="черновик")
    page = client.get(reverse("appeals:detail", kwargs={"code": appeal.tracking_code})).content.decode()
    assert "черновик" not in page


def test_a_closed_appeal_is_rated_in_one_click(client):
    appeal = AppealFactory(status=Status.CLOSED, answer="Ответ")
    url = reverse("appeals:detail", kwargs={"code": appeal.tracking_code})
    assert 'value="helpful"' in client.get(url).content.decode()
    response = client.post(reverse("appeals:rate", kwargs={"code": appeal.tracking_code}), {"rating": "helpful"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.rating == "helpful"
    assert 'value="helpful"' not in client.get(url).content.decode()


def test_rating_an_open_appeal_changes_nothing(client):
    appeal = AppealFactory()
    client.post(reverse("appeals:rate", kwargs={"code": appeal.tracking_code}), {"rating": "helpful"})
    appeal.refresh_from_db()
    assert appeal.rating == ""


def test_the_faq_shows_published_entries_in_kazakh_on_the_kazakh_page(client):
    FaqEntryFactory()
    FaqEntryFactory(question_ru="Черновик?", is_published=False)
    page = client.get("/kk/appeal/faq/").content.decode()
    assert "Мұғалімге қанша күн демалыс беріледі?" in page
    assert "Черновик?" not in page


def test_the_faq_list_makes_the_same_queries_for_more_entries(client, django_assert_num_queries):
    FaqEntryFactory.create_batch(3)
    with django_assert_num_queries(1):
        client.get(reverse("appeals:faq"))
    FaqEntryFactory.create_batch(10)
    with django_assert_num_queries(1):
        client.get(reverse("appeals:faq"))


def test_the_members_list_makes_the_same_queries_for_more_appeals(client, member, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(member)
    AppealFactory.create_batch(2, user=member)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("appeals:mine"))
    AppealFactory.create_batch(10, user=member)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("appeals:mine"))


def test_the_status_page_makes_the_same_queries_for_a_long_history(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    appeal = AppealFactory(status=Status.CLOSED, answer="Ответ")
    url = reverse("appeals:detail", kwargs={"code": appeal.tracking_code})
    AppealEventFactory.create_batch(2, appeal=appeal, is_public=True)
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    AppealEventFactory.create_batch(20, appeal=appeal, is_public=True)
    with django_assert_max_num_queries(len(short.captured_queries)):
        client.get(url)
