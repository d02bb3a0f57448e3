"""The demo fills the review queues from recorded responses, and again changes nothing."""

import pytest

from branches import demo as branches_demo
from media_reports import demo as media_demo
from media_reports import intake_demo as videos_demo
from media_reports.models import IncomingVideo
from publications import intake_demo as posts_demo
from publications.models import IncomingPost

pytestmark = pytest.mark.django_db


def test_the_demo_queue_is_filled_from_recorded_responses_once():
    branches_demo.load()
    media_demo.load()
    posts_demo.load()
    videos_demo.load()
    posts_demo.load()
    videos_demo.load()
    assert IncomingPost.objects.filter(status="pending").count() == 4
    rubrics = dict(IncomingPost.objects.values_list("url", "suggested_rubric__name"))
    assert rubrics["https://www.instagram.com/p/DEMO0003/"] == "Человек труда"
    assert rubrics["https://www.instagram.com/p/DEMO0005/"] == "Еңбегімен еленген нәзік жандар"
    assert list(IncomingVideo.objects.values_list("video_id", flat=True)) == ["DEMOvid0001"]
