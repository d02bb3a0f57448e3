"""Daily follower snapshots, Business Discovery for the branches, and the token's life."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from branches import intake
from branches.choices import ConnectionStatus, Platform
from branches.models import FollowerCount, SocialConnection
from branches.services import social_connection_set_token, social_connection_token, social_connections_refresh
from tests.branches.factories import SocialPageFactory
from tests.intake.conftest import IG_ID
from unionportal.exceptions import ApplicationError

pytestmark = pytest.mark.django_db


def test_the_follower_count_is_stored_once_a_day(connection, fake_graph, regional_ig_page):
    day = datetime.date(2024, 3, 8)
    intake.snapshot_followers(today=day)
    fake_graph.state.accounts[IG_ID]["followers_count"] = 5130
    intake.snapshot_followers(today=day)
    intake.snapshot_followers(today=day + datetime.timedelta(days=1))
    counts = list(FollowerCount.objects.filter(social_page=regional_ig_page).values_list("date", "count"))
    assert counts == [(day, 5130), (day + datetime.timedelta(days=1), 5130)]


def test_branches_are_counted_through_business_discovery_and_the_rest_listed(connection, fake_graph, branch_a, branch_b):
    pro = SocialPageFactory(organisation=branch_a, handle="shet_profsoiuz")
    personal = SocialPageFactory(organisation=branch_b, handle="1301asem")
    personal.flag_personal_profile = True
    personal.save()
    post = SocialPageFactory(organisation=branch_b, handle="", url="https://www.instagram.com/p/C_NFCIZOIdW/")
    post.flag_post_not_profile = True
    post.save()
    not_pro = SocialPageFactory(organisation=branch_b, handle="adambai4")
    fake_graph.state.discovery["shet_profsoiuz"] = 812
    result = intake.snapshot_followers(today=datetime.date(2024, 3, 8))
    assert FollowerCount.objects.get(social_page=pro).count == 812
    assert not FollowerCount.objects.filter(social_page__in=[personal, post, not_pro]).exists()
    assert any("110" in e for e in result["errors"])  # adambai4 is not a professional account
    not_countable = set(intake.pages_not_countable())
    assert {personal, post} <= not_countable and pro not in not_countable
    assert not any("1301asem" in p for p, _q in [(q.get("fields", ""), q) for _p, q in fake_graph.state.requests])


def test_a_token_is_refused_without_the_key_and_nothing_is_stored(settings, regional_ig_page):
    settings.MEDIA_TOKEN_KEY = ""
    conn = SocialConnection.objects.create(social_page=regional_ig_page, external_id=IG_ID)
    with pytest.raises(ApplicationError, match="MEDIA_TOKEN_KEY"):
        social_connection_set_token(connection=conn, token="good-token")
    conn.refresh_from_db()
    assert conn.token_encrypted == "" and conn.status == ConnectionStatus.NO_TOKEN


def test_the_admin_stores_a_pasted_token_encrypted_and_never_shows_it(fake_graph, regional_ig_page, superuser, caplog):
    client = Client()
    client.force_login(superuser)
    response = client.post(
        "/admin/branches/socialconnection/add/",
        {"social_page": regional_ig_page.pk, "external_id": IG_ID, "is_enabled": "on", "new_token": "good-token"},
        follow=True,
    )
    assert response.status_code == 200
    conn = SocialConnection.objects.get()
    assert conn.status == ConnectionStatus.ACTIVE
    assert social_connection_token(conn) == "good-token"
    page = client.get(f"/admin/branches/socialconnection/{conn.pk}/change/").content.decode()
    assert "good-token" not in page and conn.token_encrypted not in page
    assert "good-token" not in caplog.text


def test_the_admin_says_why_a_token_cannot_be_stored_without_the_key(fake_graph, regional_ig_page, superuser, settings):
    settings.MEDIA_TOKEN_KEY = ""
    client = Client()
    client.force_login(superuser)
    response = client.post(
        "/admin/branches/socialconnection/add/",
        {"social_page": regional_ig_page.pk, "external_id": IG_ID, "is_enabled": "on", "new_token": "good-token"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "MEDIA_TOKEN_KEY" in response.content.decode()
    assert not SocialConnection.objects.exists()


def test_an_expiring_token_warns_by_mail_and_on_the_admin_index(
    connection, fake_graph, superuser, mailoutbox, django_capture_on_commit_callbacks
):
    superuser.email = "root@example.kz"
    superuser.save()
    SocialConnection.objects.filter(pk=connection.pk).update(token_expires_at=timezone.now() + datetime.timedelta(days=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert social_connections_refresh()["warned"] == 1
        assert social_connections_refresh()["warned"] == 0  # once per token
    assert len(mailoutbox) == 1 and "скоро истекает" in mailoutbox[0].subject
    client = Client()
    client.force_login(superuser)
    index = client.get("/admin/").content.decode()
    assert 'id="connection-warnings"' in index and "profsoyuz310krg" in index


def test_a_token_is_refreshed_before_its_sixty_days_end_with_the_app_credentials(connection, fake_graph, settings):
    settings.META_APP_ID, settings.META_APP_SECRET = "1", "secret"
    SocialConnection.objects.filter(pk=connection.pk).update(token_expires_at=timezone.now() + datetime.timedelta(days=9))
    assert social_connections_refresh()["refreshed"] == 1
    connection.refresh_from_db()
    assert social_connection_token(connection) == "refreshed-token"
    assert connection.token_expires_at > timezone.now() + datetime.timedelta(days=59)
    exchange = [q for p, q in fake_graph.state.requests if p.endswith("oauth/access_token")]
    assert exchange[0]["grant_type"] == "fb_exchange_token"


def test_a_facebook_page_is_connected_and_counted(fake_graph, branch_a, media_root):
    page = SocialPageFactory(
        organisation=branch_a, platform=Platform.FACEBOOK, handle="100065923713592",
        url="https://www.facebook.com/profile.php?id=100065923713592",
    )
    fake_graph.state.accounts["100065923713592"] = {"followers_count": 1400, "name": "Профсоюз"}
    conn = SocialConnection.objects.create(social_page=page, external_id="100065923713592")
    social_connection_set_token(connection=conn, token="good-token")
    intake.snapshot_followers(today=datetime.date(2024, 3, 8))
    assert FollowerCount.objects.get(social_page=page).count == 1400
