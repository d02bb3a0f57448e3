import pytest

from media_reports.video import parse_video, youtube_id


@pytest.mark.parametrize(
    "url",
    [
        "https://youtu.be/rUlsl2hpIZ4?si =vIzx0LyNKOseW6ri",
        "https://youtu.be/rUlsl2hpIZ4",
        " youtu.be/rUlsl2hpIZ4 ",
        "https://www.youtube.com/watch?v=rUlsl2hpIZ4&t=42s",
        "https://m.youtube.com/watch?feature=share&v=rUlsl2hpIZ4",
        "https://www.youtube.com/shorts/rUlsl2hpIZ4",
        "https://www.youtube.com/live/rUlsl2hpIZ4?si=x",
        "https://www.youtube.com/embed/rUlsl2hpIZ4",
        "https://www.youtube-nocookie.com/embed/rUlsl2hpIZ4",
    ],
)
def test_it_finds_the_youtube_id_in_every_shape_people_paste(url):
    assert youtube_id(url) == "rUlsl2hpIZ4"


@pytest.mark.parametrize(
    "url",
    ["", "https://example.com/watch?v=rUlsl2hpIZ4", "https://youtu.be/", "https://www.youtube.com/watch?v=short",
     "https://www.youtube.com/@fprk", "not a url"],
)
def test_it_refuses_what_is_no_youtube_video(url):
    assert youtube_id(url) is None


def test_youtube_plays_from_the_no_cookie_host():
    video = parse_video("https://youtu.be/q7xQNHFiueU")
    assert video.provider == "youtube"
    assert video.embed_url.startswith("https://www.youtube-nocookie.com/embed/q7xQNHFiueU")


def test_a_facebook_share_link_is_a_video_without_its_tracking_parameters():
    video = parse_video("https://www.facebook.com/share/p/VuDPvgEJc74RJoAH/?mibextid=qi2Omg")
    assert video.provider == "facebook"
    assert "mibextid" not in video.embed_url
    assert video.embed_url.startswith("https://www.facebook.com/plugins/")


def test_a_facebook_profile_is_not_a_video():
    assert parse_video("https://www.facebook.com/profile.php?id=100041669981308") is None
