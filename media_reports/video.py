"""Recognise video links and build the embed address that is loaded only after a click.

Links come from reports and chat messages as people pasted them: with tracking parameters,
stray spaces (`https://youtu.be/rUlsl2hpIZ4?si =vIzx0LyNKOseW6ri`), mobile hosts. Nothing
here touches the network.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
YOUTUBE_HOSTS = {"youtube.com", "m.youtube.com", "music.youtube.com", "youtube-nocookie.com"}
YOUTUBE_PATH_PREFIXES = ("embed", "shorts", "live", "v", "e")
FACEBOOK_HOSTS = {"facebook.com", "m.facebook.com", "web.facebook.com", "mbasic.facebook.com", "fb.watch"}


@dataclass(frozen=True)
class Video:
    provider: str  # "youtube" or "facebook"
    video_id: str  # the YouTube id; for Facebook the cleaned link itself
    embed_url: str


def _host(netloc: str) -> str:
    host = netloc.lower().split("@")[-1].split(":")[0]
    return host[4:] if host.startswith("www.") else host


def youtube_id(url: str) -> str | None:
    """The 11-character id of a YouTube link, or None when it is not one."""
    if not url:
        return None
    # Spaces never belong in a URL: they are typing slips ("?si =…"), so drop them all.
    url = re.sub(r"\s+", "", url)
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    host = _host(parts.netloc)
    segments = [s for s in parts.path.split("/") if s]
    candidate = None
    if host == "youtu.be":
        candidate = segments[0] if segments else None
    elif host in YOUTUBE_HOSTS:
        if segments[:1] == ["watch"] or not segments:
            candidate = (parse_qs(parts.query).get("v") or [None])[0]
        elif len(segments) >= 2 and segments[0] in YOUTUBE_PATH_PREFIXES:
            candidate = segments[1]
    if candidate and YOUTUBE_ID.match(candidate):
        return candidate
    return None


def facebook_link(url: str) -> str | None:
    """The link without tracking parameters when it points to a Facebook video, reel or shared post."""
    if not url:
        return None
    url = re.sub(r"\s+", "", url)
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    host = _host(parts.netloc)
    if host not in FACEBOOK_HOSTS:
        return None
    path = parts.path
    is_video = host == "fb.watch" or "/videos/" in path or path.startswith(("/watch", "/reel/", "/share/v/", "/share/r/"))
    is_share = path.startswith("/share/")
    if not (is_video or is_share):
        return None
    query = ""
    if path.startswith("/watch"):
        v = (parse_qs(parts.query).get("v") or [""])[0]
        query = f"?v={v}" if v else ""
    return f"https://{'fb.watch' if host == 'fb.watch' else 'www.facebook.com'}{path}{query}"


def parse_video(url: str) -> Video | None:
    """What the poster needs to play `url` on click, or None when it is no video link."""
    vid = youtube_id(url)
    if vid:
        return Video("youtube", vid, f"https://www.youtube-nocookie.com/embed/{vid}?autoplay=1")
    fb = facebook_link(url)
    if fb:
        plugin = "video" if "/share/p/" not in fb else "post"
        return Video("facebook", fb, f"https://www.facebook.com/plugins/{plugin}.php?href={quote(fb, safe='')}&show_text=false")
    return None
