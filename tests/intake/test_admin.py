"""The review queue and the connectors in the admin: one click accepts, counts stay constant."""

import pytest
from django.test import Client

from publications.choices import IncomingStatus
from publications.models import IncomingPost, Publication
from tests.intake.conftest import IG_ID, media
from unionportal.models import ConnectorState

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(regional_staff):
    regional_staff.is_staff = True
    regional_staff.save()
    client = Client()
    client.force_login(regional_staff)
    return client


@pytest.fixture
def queue(connection, fake_graph):
    from publications import intake

    fake_graph.state.media[IG_ID] = [media(n) for n in (3, 2, 1)]
    intake.fetch_social_posts()
    return list(IncomingPost.objects.order_by("published_at"))


def test_one_click_on_accept_logs_the_post(staff_client, queue):
    page = staff_client.get("/admin/publications/incomingpost/").content.decode()
    assert f"/admin/publications/incomingpost/{queue[0].pk}/accept/" in page
    response = staff_client.post(
        f"/admin/publications/incomingpost/{queue[0].pk}/accept/",
        HTTP_REFERER="/admin/publications/incomingpost/",
    )
    assert response.status_code == 302
    queue[0].refresh_from_db()
    assert queue[0].status == IncomingStatus.ACCEPTED
    assert Publication.objects.get().url == queue[0].url
    # Decided posts leave the default view of the queue.
    page = staff_client.get("/admin/publications/incomingpost/").content.decode()
    assert f"/admin/publications/incomingpost/{queue[0].pk}/accept/" not in page


def test_accept_refuses_a_get(staff_client, queue):
    assert staff_client.get(f"/admin/publications/incomingpost/{queue[0].pk}/accept/").status_code == 405
    assert not Publication.objects.exists()


def test_a_branch_editor_cannot_decide_the_regional_queue(editor_a, queue):
    editor_a.is_staff = True
    editor_a.save()
    client = Client()
    client.force_login(editor_a)
    response = client.post(f"/admin/publications/incomingpost/{queue[0].pk}/accept/")
    assert response.status_code in (403, 404)
    assert not Publication.objects.exists()


def test_the_queue_lists_in_constant_queries(staff_client, queue, django_assert_max_num_queries, connection, fake_graph):
    from publications import intake

    with django_assert_max_num_queries(20) as few:
        staff_client.get("/admin/publications/incomingpost/")
    fake_graph.state.media[IG_ID] = [media(n) for n in range(12, 3, -1)]
    connection.__class__.objects.filter(pk=connection.pk).update(last_media_id="")
    intake.fetch_social_posts()
    assert IncomingPost.objects.count() == 11
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get("/admin/publications/incomingpost/")


def test_the_connectors_page_shows_last_success_error_and_next_run(superuser, queue):
    client = Client()
    client.force_login(superuser)
    page = client.get("/admin/unionportal/connectorstate/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "instagram-posts" in page
    state = ConnectorState.objects.get(name="instagram-posts")
    assert state.last_success_at and state.last_summary == "3 new posts"
