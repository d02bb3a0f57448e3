"""Posts of a connected account reach the review queue once; staff accept or reject them."""

import pytest

from branches.choices import ConnectionStatus
from publications import intake
from publications.choices import IncomingStatus
from publications.models import IncomingPost, Publication
from tests.fake_graph import error_body
from tests.intake.conftest import IG_ID, jpeg, media
from tests.publications.factories import PublicationFactory, RubricFactory

pytestmark = pytest.mark.django_db


def test_a_new_post_reaches_the_review_queue_once_across_pages(connection, fake_graph):
    fake_graph.state.media[IG_ID] = [media(n) for n in (5, 4, 3, 2, 1)]  # three pages of two
    assert intake.fetch_social_posts()["offered"] == 5
    assert intake.fetch_social_posts()["offered"] == 0
    assert IncomingPost.objects.filter(status=IncomingStatus.PENDING).count() == 5
    post = IncomingPost.objects.get(external_id=media(3)["id"])
    assert post.url == "https://www.instagram.com/p/POST3/"
    assert post.published_at.isoformat() == "2024-03-03T09:00:00+00:00"
    # The second run stopped at the newest post it knew: one page, not three.
    media_calls = [p for p, _q in fake_graph.state.requests if p.endswith("/media")]
    assert len(media_calls) == 3 + 1


def test_the_access_token_travels_only_as_a_parameter_and_is_stored_encrypted(connection, fake_graph):
    connection.refresh_from_db()
    assert "good-token" not in connection.token_encrypted
    fake_graph.state.media[IG_ID] = [media(1)]
    intake.fetch_social_posts()
    assert fake_graph.state.requests[-1][1]["access_token"] == "good-token"


def test_a_post_logged_by_hand_is_matched_not_duplicated(connection, fake_graph, regional_ig_page):
    logged = PublicationFactory(
        organisation=regional_ig_page.organisation, url="https://www.instagram.com/p/POST1/", channel="instagram"
    )
    fake_graph.state.media[IG_ID] = [media(1)]
    intake.fetch_social_posts()
    post = IncomingPost.objects.get()
    assert post.status == IncomingStatus.MATCHED
    assert post.publication == logged
    assert Publication.objects.count() == 1


def test_one_click_accepts_with_the_suggested_rubric_and_the_image(connection, fake_graph, regional_staff):
    rubric = RubricFactory(name="Человек труда", slug="chelovek-truda-x")
    fake_graph.state.images["/img/1.jpg"] = jpeg()
    fake_graph.state.media[IG_ID] = [
        media(1, caption="Наш коллега\nУчитель года #ЧеловекТруда", image=f"{fake_graph.url}/img/1.jpg")
    ]
    intake.fetch_social_posts()
    post = IncomingPost.objects.get()
    assert post.suggested_rubric == rubric
    publication = intake.incoming_post_accept(post=post, user=regional_staff)
    assert publication.title == "Наш коллега"
    assert publication.rubric == rubric
    assert publication.channel == "instagram"
    assert publication.url == "https://www.instagram.com/p/POST1/"
    assert publication.images.count() == 1
    post.refresh_from_db()
    assert post.status == IncomingStatus.ACCEPTED


def test_a_rejected_post_is_not_offered_again(connection, fake_graph, regional_staff):
    fake_graph.state.media[IG_ID] = [media(1)]
    intake.fetch_social_posts()
    intake.incoming_post_reject(post=IncomingPost.objects.get(), user=regional_staff)
    connection.__class__.objects.filter(pk=connection.pk).update(last_media_id="")
    assert intake.fetch_social_posts()["offered"] == 0
    assert IncomingPost.objects.get().status == IncomingStatus.REJECTED


def test_a_caption_with_control_characters_is_cleaned(connection, fake_graph):
    fake_graph.state.media[IG_ID] = [media(1, caption="Слёт\x00 учителей\x07\u202e")]
    intake.fetch_social_posts()
    assert IncomingPost.objects.get().caption == "Слёт учителей"


def test_an_image_over_the_limit_is_left_out_and_the_post_still_comes_in(connection, fake_graph, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    fake_graph.state.images["/img/big.jpg"] = b"\xff" * 5000
    fake_graph.state.media[IG_ID] = [media(1, image=f"{fake_graph.url}/img/big.jpg")]
    intake.fetch_social_posts()
    post = IncomingPost.objects.get()
    assert not post.image
    assert "размера" in post.image_problem


def test_a_revoked_token_stops_the_connector_and_says_so(
    connection, fake_graph, mailoutbox, superuser, django_capture_on_commit_callbacks
):
    superuser.email = "root@example.kz"
    superuser.save()
    fake_graph.state.tokens["good-token"] = False
    with django_capture_on_commit_callbacks(execute=True):
        result = intake.fetch_social_posts()
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.REVOKED
    assert "190" in connection.last_error
    assert "190" in result["errors"][0]
    assert mailoutbox and "больше не может читать" in mailoutbox[0].subject
    # Stopped: the next run does not call Meta for this account.
    calls = len(fake_graph.state.requests)
    intake.fetch_social_posts()
    assert len(fake_graph.state.requests) == calls


@pytest.mark.parametrize("code", [4, 17, 32])
def test_a_rate_limit_error_is_retried_with_backoff(connection, fake_graph, code):
    fake_graph.state.media[IG_ID] = [media(1)]
    fake_graph.state.fail_next = [(400, error_body(code, "Application request limit reached"))]
    assert intake.fetch_social_posts()["offered"] == 1
    assert fake_graph.slept  # it waited before trying again


def test_a_server_that_keeps_failing_leaves_the_queue_untouched_and_the_next_run_resumes(connection, fake_graph):
    fake_graph.state.media[IG_ID] = [media(2), media(1)]
    intake.fetch_social_posts()
    fake_graph.state.media[IG_ID] = [media(3), media(2), media(1)]
    fake_graph.state.fail_next = [(500, "<html>oops</html>")] * 10
    result = intake.fetch_social_posts()
    assert result["errors"] and IncomingPost.objects.count() == 2
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE
    fake_graph.state.fail_next = []
    assert intake.fetch_social_posts()["offered"] == 1


def test_a_truncated_json_body_is_an_error_not_a_half_write(connection, fake_graph):
    fake_graph.state.fail_next = [(200, '{"data": [{"id": "1"')] * 10
    result = intake.fetch_social_posts()
    assert "complete JSON" in result["errors"][0]
    assert IncomingPost.objects.count() == 0


def test_high_usage_headers_slow_the_job_down(connection, fake_graph):
    fake_graph.state.media[IG_ID] = [media(1)]
    fake_graph.state.usage_header = '{"call_count": 92, "total_time": 10, "total_cputime": 10}'
    intake.fetch_social_posts()
    assert fake_graph.slept


def test_another_account_is_still_read_when_one_fails(connection, fake_graph, branch_a):
    from branches.models import SocialConnection
    from branches.services import social_connection_set_token
    from tests.branches.factories import SocialPageFactory

    other = SocialConnection.objects.create(social_page=SocialPageFactory(organisation=branch_a), external_id="999")
    social_connection_set_token(connection=other, token="good-token")  # the fake knows no account 999
    fake_graph.state.media[IG_ID] = [media(1)]
    result = intake.fetch_social_posts()
    assert result["offered"] == 1
    assert len(result["errors"]) == 1
