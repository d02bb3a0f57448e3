import pytest

from branches.choices import LinkKind, LinkProblem, Platform
from branches.demo import APPENDIX_1_LINKS
from branches.normalise import normalise_social_url
from unionportal.exceptions import ApplicationError

TRACKING = ("igsh", "mibextid", "utm_", "hl=", "si=")

APPENDIX_INSTAGRAM = {slug: ig for slug, ig, _fb in APPENDIX_1_LINKS}
APPENDIX_FACEBOOK = {slug: fb for slug, _ig, fb in APPENDIX_1_LINKS}


@pytest.mark.parametrize("slug", list(APPENDIX_INSTAGRAM))
def test_every_instagram_link_of_the_appendix_loses_its_tracking(slug):
    link = normalise_social_url(APPENDIX_INSTAGRAM[slug], Platform.INSTAGRAM)
    assert link.platform == Platform.INSTAGRAM
    assert link.url.startswith("https://www.instagram.com/")
    assert "?" not in link.url
    assert not any(t in link.url for t in TRACKING)


@pytest.mark.parametrize("slug", list(APPENDIX_FACEBOOK))
def test_every_facebook_link_of_the_appendix_loses_its_tracking(slug):
    link = normalise_social_url(APPENDIX_FACEBOOK[slug], Platform.FACEBOOK)
    assert link.platform == Platform.FACEBOOK
    assert link.url.startswith("https://www.facebook.com/")
    assert not any(t in link.url for t in TRACKING)


def test_it_extracts_the_instagram_handle():
    link = normalise_social_url(APPENDIX_INSTAGRAM["regional"])
    assert link.url == "https://www.instagram.com/profsoyuz310krg/"
    assert link.handle == "profsoyuz310krg"
    assert link.kind == LinkKind.PROFILE
    assert link.problems == ()


def test_it_keeps_the_facebook_profile_number_as_the_handle():
    link = normalise_social_url(APPENDIX_FACEBOOK["regional"])
    assert link.url == "https://www.facebook.com/profile.php?id=100041669981308"
    assert link.handle == "100041669981308"


def test_it_flags_temirtaus_instagram_post_where_a_profile_is_expected():
    link = normalise_social_url(APPENDIX_INSTAGRAM["temirtau"])
    assert link.url == "https://www.instagram.com/p/C_NFCIZOIdW/"
    assert link.kind == LinkKind.POST
    assert link.handle == ""
    assert LinkProblem.POST_NOT_PROFILE in link.problems


@pytest.mark.parametrize("slug", ["saran", "karkaraly"])
def test_it_flags_a_facebook_share_link(slug):
    link = normalise_social_url(APPENDIX_FACEBOOK[slug])
    assert link.kind == LinkKind.SHARE
    assert LinkProblem.SHARE_LINK in link.problems
    assert link.url.endswith("/") and "/share/" in link.url


def test_it_flags_balkhashs_personal_facebook_profile():
    link = normalise_social_url(APPENDIX_FACEBOOK["balkhash"])
    assert link.url == "https://www.facebook.com/asem.aitzhanova.7"
    assert link.kind == LinkKind.PERSONAL
    assert LinkProblem.PERSONAL_PROFILE in link.problems


def test_balkhash_and_osakarovka_normalise_to_the_same_account():
    a = normalise_social_url(APPENDIX_INSTAGRAM["balkhash"])
    b = normalise_social_url(APPENDIX_INSTAGRAM["osakarovka"])
    assert a == b
    assert a.handle == "1301asem"


def test_it_drops_the_hl_parameter_and_keeps_the_trailing_slash_form():
    assert normalise_social_url("https://www.instagram.com/adambai4/?hl=ru").url == "https://www.instagram.com/adambai4/"


def test_it_copes_with_the_space_inside_the_youtube_query_of_the_report():
    link = normalise_social_url("https://youtu.be/rUlsl2hpIZ4?si =vIzx0LyNKOseW6ri.")
    assert link.url == "https://www.youtube.com/watch?v=rUlsl2hpIZ4"
    assert link.platform == Platform.YOUTUBE
    assert link.kind == LinkKind.POST


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("instagram.com/Profsoyuz310krg", "https://www.instagram.com/profsoyuz310krg/"),
        ("http://m.facebook.com/profile.php?id=1&fbclid=x", "https://www.facebook.com/profile.php?id=1"),
        ("https://www.facebook.com/share/p/DThzxLrzkzdYjkdG/?mibextid=qi2Omg", "https://www.facebook.com/share/p/DThzxLrzkzdYjkdG/"),
        ("https://t.me/Profsoyuz_KRG", "https://t.me/profsoyuz_krg"),
        ("https://www.youtube.com/@FPRK?si=abc", "https://www.youtube.com/@fprk"),
        ("https://www.tiktok.com/@union.krg?_t=8&_r=1", "https://www.tiktok.com/@union.krg"),
        ("https://whatsapp.com/channel/0029VaABC", "https://www.whatsapp.com/channel/0029VaABC"),
        ("https://example.kz/news/?utm_source=qr&page=2", "https://example.kz/news/?page=2"),
        ("  https://www.instagram.com/abaiprofs?igsh=YW50\n ", "https://www.instagram.com/abaiprofs/"),
        ("https://www.facebook.com/100041669981308/", "https://www.facebook.com/profile.php?id=100041669981308"),
        ("https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.instagram.com%2Fshet_profsoiuz%3Figsh%3Dx&h=AT0",
         "https://www.instagram.com/shet_profsoiuz/"),
        ("https://профсоюз.қаз/news/?utm_source=fb", "https://профсоюз.қаз/news/"),
    ],
)
def test_it_makes_scheme_host_and_query_canonical(raw, expected):
    assert normalise_social_url(raw).url == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("not a link", "not_a_url"),
        ("", "not_a_url"),
        ("   ", "not_a_url"),
        ("javascript:alert(1)", "unsafe_scheme"),
        ("JavaScript:alert(document.cookie)", "unsafe_scheme"),
        ("data:text/html,<script>", "unsafe_scheme"),
        ("ftp://example.kz/file", "unsafe_scheme"),
        ("https://", "not_a_url"),
        ("https://www.facebook.com/profile.php?id=abc", "not_a_url"),
    ],
)
def test_it_refuses_what_is_not_a_web_link_with_a_clear_message(raw, code):
    with pytest.raises(ApplicationError) as caught:
        normalise_social_url(raw)
    assert caught.value.code == code
    assert caught.value.message


def test_it_refuses_a_host_that_is_not_the_claimed_platforms():
    with pytest.raises(ApplicationError) as caught:
        normalise_social_url("https://www.facebook.com/profile.php?id=1", Platform.INSTAGRAM)
    assert caught.value.code == "wrong_platform"
    assert "www.facebook.com" in caught.value.message
    assert "Instagram" in caught.value.message


def test_the_refusal_message_is_translated():
    from django.utils import translation

    with translation.override("ru"), pytest.raises(ApplicationError) as caught:
        normalise_social_url("javascript:alert(1)")
    assert caught.value.message == "Принимаются только веб-ссылки (http или https), а не «javascript:»."
    with translation.override("kk"), pytest.raises(ApplicationError) as caught:
        normalise_social_url("https://www.facebook.com/x", Platform.INSTAGRAM)
    assert "Instagram емес" in caught.value.message
