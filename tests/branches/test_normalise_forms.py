"""Every form in which people paste a social link ends as one canonical address.

The table is drawn from the shapes the apps hand out (share sheets, mobile hosts, the
report's scanned Appendix 1): two spellings of the same page must become the same link, and
two different pages must never collide (Facebook's `/p/<name>-<id>/` was cut to `/p`).
"""

import pytest

from branches.choices import LinkKind, Platform
from branches.normalise import normalise_social_url

FB, IG, YT, TT, TG = Platform.FACEBOOK, Platform.INSTAGRAM, Platform.YOUTUBE, Platform.TIKTOK, Platform.TELEGRAM
PROFILE, POST, SHARE, CHANNEL, PERSONAL = LinkKind.PROFILE, LinkKind.POST, LinkKind.SHARE, LinkKind.CHANNEL, LinkKind.PERSONAL

LINKS = [
    # Facebook pages and profiles
    ("https://www.facebook.com/p/Shet-Kasipodagy-100089999999999/", FB, PROFILE, "https://www.facebook.com/profile.php?id=100089999999999"),
    ("https://www.facebook.com/p/Saran-Kasipodagy-100081111111111/?mibextid=ZbWKwL", FB, PROFILE, "https://www.facebook.com/profile.php?id=100081111111111"),
    ("facebook.com/p/Профсоюз-Темиртау-100091534626403", FB, PROFILE, "https://www.facebook.com/profile.php?id=100091534626403"),
    ("https://www.facebook.com/profile.php?id=100041669981308&mibextid=ZbWKwL", FB, PROFILE, "https://www.facebook.com/profile.php?id=100041669981308"),
    ("https://m.facebook.com/profile.php?id=100065923713592&hl=ru", FB, PROFILE, "https://www.facebook.com/profile.php?id=100065923713592"),
    ("https://web.facebook.com/profile.php?id=100040766776380&_rdc=1&_rdr", FB, PROFILE, "https://www.facebook.com/profile.php?id=100040766776380"),
    ("https://fb.com/profile.php?id=100001131471418", FB, PROFILE, "https://www.facebook.com/profile.php?id=100001131471418"),
    ("https://www.facebook.com/people/Abai-Profsoyuz/100091772294407/", FB, PROFILE, "https://www.facebook.com/profile.php?id=100091772294407"),
    ("https://www.facebook.com/100079150882621", FB, PROFILE, "https://www.facebook.com/profile.php?id=100079150882621"),
    ("https://www.facebook.com/kasipodaq.karaganda/", FB, PROFILE, "https://www.facebook.com/kasipodaq.karaganda"),
    ("https://m.facebook.com/Kasipodaq.Karaganda?ref=bookmarks", FB, PROFILE, "https://www.facebook.com/kasipodaq.karaganda"),
    ("https://www.facebook.com/asem.aitzhanova.7?mibextid=LQQJ4d", FB, PERSONAL, "https://www.facebook.com/asem.aitzhanova.7"),
    ("https://www.facebook.com/share/JnnunN8GkbvvWbQp/?mibextid=qi2Omg", FB, SHARE, "https://www.facebook.com/share/JnnunN8GkbvvWbQp/"),
    ("https://www.facebook.com/share/p/1BvXyz12AB/", FB, SHARE, "https://www.facebook.com/share/p/1BvXyz12AB/"),
    ("https://www.facebook.com/groups/kasipodaq.krg/", FB, CHANNEL, "https://www.facebook.com/groups/kasipodaq.krg/"),
    ("https://www.facebook.com/kasipodaq.karaganda/posts/pfbid02abc", FB, POST, "https://www.facebook.com/kasipodaq.karaganda/posts/pfbid02abc"),
    ("https://www.facebook.com/permalink.php?story_fbid=123456789&id=100041669981308", FB, POST, "https://www.facebook.com/permalink.php?story_fbid=123456789&id=100041669981308"),
    ("https://www.facebook.com/watch/?v=987654321&ref=sharing", FB, POST, "https://www.facebook.com/watch?v=987654321"),
    # Instagram
    ("https://instagram.com/profsoyuz310krg?igshid=MzRlODBiNWFlZA==", IG, PROFILE, "https://www.instagram.com/profsoyuz310krg/"),
    ("https://www.instagram.com/Profsoyz_Shahtinsk/?hl=ru", IG, PROFILE, "https://www.instagram.com/profsoyz_shahtinsk/"),
    ("https://m.instagram.com/shet_profsoiuz/", IG, PROFILE, "https://www.instagram.com/shet_profsoiuz/"),
    ("instagram.com/1301asem?utm_source=qr", IG, PROFILE, "https://www.instagram.com/1301asem/"),
    ("https://www.instagram.com/p/C_NFCIZOIdW/?igsh=MWQ1ZGUxMzBkMA==", IG, POST, "https://www.instagram.com/p/C_NFCIZOIdW/"),
    ("https://www.instagram.com/reel/C8xYz12AbCd/?utm_source=ig_web_copy_link", IG, POST, "https://www.instagram.com/reel/C8xYz12AbCd/"),
    ("https://www.instagram.com/reels/C8xYz12AbCd/", IG, POST, "https://www.instagram.com/reels/C8xYz12AbCd/"),
    ("https://www.instagram.com/tv/B9aBcDeFgHi/", IG, POST, "https://www.instagram.com/tv/B9aBcDeFgHi/"),
    ("https://www.instagram.com/stories/profsoyuz310krg/3312345678901234567/", IG, POST, "https://www.instagram.com/stories/profsoyuz310krg/3312345678901234567/"),
    ("https://www.instagram.com/profsoyuz310krg/p/C_NFCIZOIdW/", IG, POST, "https://www.instagram.com/p/C_NFCIZOIdW/"),
    # YouTube
    ("https://youtu.be/q7xQNHFiueU?si=AbCdEfGh12345678", YT, POST, "https://www.youtube.com/watch?v=q7xQNHFiueU"),
    ("youtu.be/c2BJZGYRWPw", YT, POST, "https://www.youtube.com/watch?v=c2BJZGYRWPw"),
    ("https://www.youtube.com/watch?v=rUlsl2hpIZ4&feature=youtu.be", YT, POST, "https://www.youtube.com/watch?v=rUlsl2hpIZ4"),
    ("https://m.youtube.com/watch?v=rUlsl2hpIZ4&si=xyz&pp=ygUG", YT, POST, "https://www.youtube.com/watch?v=rUlsl2hpIZ4"),
    ("https://www.youtube.com/shorts/aBcDeFgHiJk?feature=share", YT, POST, "https://www.youtube.com/watch?v=aBcDeFgHiJk"),
    ("https://www.youtube.com/live/ZyXwVuTsRqP?si=123", YT, POST, "https://www.youtube.com/watch?v=ZyXwVuTsRqP"),
    ("https://www.youtube.com/@FPRK_official", YT, CHANNEL, "https://www.youtube.com/@fprk_official"),
    ("https://youtube.com/@fprk_official?si=abc", YT, CHANNEL, "https://www.youtube.com/@fprk_official"),
    ("https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv", YT, CHANNEL, "https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv"),
    # TikTok
    ("https://www.tiktok.com/@kasipodaq_krg?lang=ru", TT, PROFILE, "https://www.tiktok.com/@kasipodaq_krg"),
    ("https://www.tiktok.com/@kasipodaq_krg/video/7312345678901234567?is_from_webapp=1", TT, POST, "https://www.tiktok.com/@kasipodaq_krg/video/7312345678901234567"),
    ("https://vm.tiktok.com/ZMabc123/", TT, SHARE, "https://vm.tiktok.com/ZMabc123/"),
    # Telegram
    ("https://t.me/kasipodaq_krg", TG, CHANNEL, "https://t.me/kasipodaq_krg"),
    ("telegram.me/Kasipodaq_KRG", TG, CHANNEL, "https://t.me/kasipodaq_krg"),
    ("https://t.me/kasipodaq_krg/125", TG, POST, "https://t.me/kasipodaq_krg/125"),
    ("https://t.me/s/kasipodaq_krg", TG, CHANNEL, "https://t.me/kasipodaq_krg"),
]


@pytest.mark.parametrize(("raw", "platform", "kind", "expected"), LINKS, ids=[row[0][:60] for row in LINKS])
def test_a_pasted_link_becomes_its_canonical_form(raw, platform, kind, expected):
    link = normalise_social_url(raw)
    assert (link.url, link.platform, link.kind) == (expected, platform, kind)


def test_the_table_is_large_enough_to_mean_something():
    assert len(LINKS) >= 40


def test_two_facebook_pages_in_the_new_form_do_not_collide():
    shet = normalise_social_url("https://www.facebook.com/p/Shet-Kasipodagy-100089999999999/")
    saran = normalise_social_url("https://www.facebook.com/p/Saran-Kasipodagy-100081111111111/")
    assert shet.url != saran.url
    assert shet.handle == "100089999999999"


def test_two_spellings_of_one_page_meet():
    spellings = [
        "https://www.facebook.com/p/Shet-Kasipodagy-100089999999999/",
        "https://m.facebook.com/profile.php?id=100089999999999&mibextid=ZbWKwL",
        "https://www.facebook.com/100089999999999",
    ]
    assert len({normalise_social_url(s).url for s in spellings}) == 1
