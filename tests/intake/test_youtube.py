"""Videos of the outlets' channels that mention the union are offered once for review."""

import pytest

from media_reports import intake
from media_reports.choices import IncomingVideoStatus
from media_reports.models import IncomingVideo, MediaAppearance, Outlet

pytestmark = pytest.mark.django_db

CHANNEL = "UCfprk0000000000000000"


def feed(*entries):
    body = "".join(
        f"""<entry><id>yt:video:{vid}</id><yt:videoId>{vid}</yt:videoId><title>{title}</title>
        <published>2023-12-14T10:00:00+00:00</published>
        <media:group><media:title>{title}</media:title><media:description>{desc}</media:description></media:group>
        </entry>"""
        for vid, title, desc in entries
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/"
 xmlns="http://www.w3.org/2005/Atom"><title>ФПРК</title>{body}</feed>"""


@pytest.fixture
def outlet(db):
    return Outlet.objects.create(name="YouTube-канал ФПРК", kind="youtube_channel", level="republican", youtube_channel_id=CHANNEL)


def test_a_video_mentioning_the_union_is_offered_once(fake_graph, outlet, regional_org):
    fake_graph.state.feeds[CHANNEL] = feed(
        ("c2BJZGYRWPw", "Приоритеты: профсоюз образования", "Карагандинская область"),
        ("zzzzzzzzzzz", "Погода на неделю", "Без упоминаний"),
    )
    assert intake.read_youtube_feeds()["offered"] == 1
    assert intake.read_youtube_feeds()["offered"] == 0
    video = IncomingVideo.objects.get()
    assert video.link == "https://youtu.be/c2BJZGYRWPw"
    appearance = intake.incoming_video_accept(video=video, organisation=regional_org)
    assert appearance.kind == "video" and appearance.link == "https://youtu.be/c2BJZGYRWPw"
    assert str(appearance.date) == "2023-12-14"


def test_a_video_already_recorded_by_hand_is_matched(fake_graph, outlet, regional_org):
    MediaAppearance.objects.create(
        date="2023-12-14", outlet=outlet, kind="video", title="Приоритеты", organisation=regional_org,
        link="https://youtu.be/c2BJZGYRWPw",
    )
    fake_graph.state.feeds[CHANNEL] = feed(("c2BJZGYRWPw", "Кәсіподақ туралы", ""))
    intake.read_youtube_feeds()
    assert IncomingVideo.objects.get().status == IncomingVideoStatus.MATCHED


def test_a_broken_feed_is_reported_and_the_other_outlets_read(fake_graph, outlet):
    other = Outlet.objects.create(name="Новое телевидение", kind="tv_channel", level="regional", youtube_channel_id="UCother")
    fake_graph.state.feeds[CHANNEL] = "<feed><entry>"
    fake_graph.state.feeds[other.youtube_channel_id] = feed(("rUlsl2hpIZ4", "Зеленая волна: профсоюз", ""))
    result = intake.read_youtube_feeds()
    assert result["offered"] == 1
    assert "XML" in result["errors"][0]
