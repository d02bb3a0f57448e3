"""Normalisation of social links as people paste them.

Links in the report (and in what staff paste) carry tracking parameters (`igsh`,
`mibextid`, `utm_*`, `hl`, `si` …), mixed hosts (`m.facebook.com`, `instagram.com`),
spaces left by a scanner, and sometimes point at a post or a share link where a profile is
meant. `normalise_social_url` turns one such string into a canonical link with its
platform, account handle and kind, and lists the problems a registry page would have.
It touches neither the database nor the network, so every part of the portal may call it.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from django.utils.translation import gettext as _

from branches.choices import LinkKind, LinkProblem, Platform
from unionportal.exceptions import ApplicationError


@dataclass(frozen=True)
class NormalisedLink:
    """A link made canonical; `problems` are those it has as a registry page."""

    url: str
    platform: Platform
    handle: str = ""
    kind: LinkKind = LinkKind.PROFILE
    problems: tuple[LinkProblem, ...] = field(default_factory=tuple)

    @property
    def is_profile(self) -> bool:
        return self.kind in (LinkKind.PROFILE, LinkKind.CHANNEL, LinkKind.PERSONAL, LinkKind.SITE)


# Host (without "www.") -> (platform, canonical host).
HOSTS = {
    "instagram.com": (Platform.INSTAGRAM, "www.instagram.com"),
    "m.instagram.com": (Platform.INSTAGRAM, "www.instagram.com"),
    "instagr.am": (Platform.INSTAGRAM, "www.instagram.com"),
    "facebook.com": (Platform.FACEBOOK, "www.facebook.com"),
    "m.facebook.com": (Platform.FACEBOOK, "www.facebook.com"),
    "web.facebook.com": (Platform.FACEBOOK, "www.facebook.com"),
    "mobile.facebook.com": (Platform.FACEBOOK, "www.facebook.com"),
    "business.facebook.com": (Platform.FACEBOOK, "www.facebook.com"),
    "fb.com": (Platform.FACEBOOK, "www.facebook.com"),
    "fb.me": (Platform.FACEBOOK, "fb.me"),
    "fb.watch": (Platform.FACEBOOK, "fb.watch"),
    "youtube.com": (Platform.YOUTUBE, "www.youtube.com"),
    "m.youtube.com": (Platform.YOUTUBE, "www.youtube.com"),
    "music.youtube.com": (Platform.YOUTUBE, "www.youtube.com"),
    "youtu.be": (Platform.YOUTUBE, "youtu.be"),
    "tiktok.com": (Platform.TIKTOK, "www.tiktok.com"),
    "m.tiktok.com": (Platform.TIKTOK, "www.tiktok.com"),
    "vm.tiktok.com": (Platform.TIKTOK, "vm.tiktok.com"),
    "vt.tiktok.com": (Platform.TIKTOK, "vt.tiktok.com"),
    "t.me": (Platform.TELEGRAM, "t.me"),
    "telegram.me": (Platform.TELEGRAM, "t.me"),
    "telegram.dog": (Platform.TELEGRAM, "t.me"),
    "wa.me": (Platform.WHATSAPP, "wa.me"),
    "whatsapp.com": (Platform.WHATSAPP, "www.whatsapp.com"),
    "chat.whatsapp.com": (Platform.WHATSAPP, "chat.whatsapp.com"),
    "api.whatsapp.com": (Platform.WHATSAPP, "api.whatsapp.com"),
    "vk.com": (Platform.VK, "vk.com"),
    "m.vk.com": (Platform.VK, "vk.com"),
    "vk.ru": (Platform.VK, "vk.com"),
}

# Parameters that only say who shared the link and how; never part of what it points at.
TRACKING_PARAMS = {
    "igsh", "igshid", "mibextid", "hl", "si", "fbclid", "gclid", "yclid", "dclid", "msclkid",
    "ref", "ref_src", "ref_url", "rdid", "rdr", "_rdr", "share_url", "sfnsn", "feature",
    "app", "__tn__", "__cft__", "__xts__", "locale", "_t", "_r", "is_from_webapp",
    "sender_device", "is_copy_url", "web_id", "story_fbid_ref", "paipv", "eav", "wtsid",
    "sharer", "from", "source", "s", "t_s",
}
# Per platform, the parameters that identify the target; all others are dropped.
KEPT_PARAMS = {
    Platform.INSTAGRAM: set(),
    Platform.FACEBOOK: {"id", "story_fbid", "fbid", "v", "set"},
    Platform.YOUTUBE: {"v", "list", "t"},
    Platform.TIKTOK: set(),
    Platform.TELEGRAM: set(),
    Platform.VK: {"w", "z"},
}

INSTAGRAM_NOT_HANDLES = {"explore", "accounts", "direct", "about", "developer", "legal", "stories"}
INSTAGRAM_POST_PREFIXES = {"p", "reel", "reels", "tv"}
FACEBOOK_NOT_HANDLES = {"groups", "pages", "watch", "events", "photo", "photo.php", "story.php", "permalink.php", "people", "share", "sharer", "sharer.php", "login", "profile.php", "hashtag", "reel"}
# A vanity name like "asem.aitzhanova.7": first.last plus a number is what Facebook gives people.
_FACEBOOK_P_ID = re.compile(r"(?:^|-)(\d{6,})$")
FACEBOOK_PERSONAL = re.compile(r"^[a-z]+(?:\.[a-z]+)+\.\d+$")
HANDLE_CHARS = re.compile(r"^[\w.\-]+$")
TRAILING_JUNK = ".,;:!?)]}»\"'"


def normalise_social_url(raw: str, platform: str | None = None, *, _depth: int = 0) -> NormalisedLink:
    """Canonical form of `raw`; with `platform`, the link must belong to that platform.

    Raises ApplicationError (code "not_a_url", "unsafe_scheme" or "wrong_platform").
    """
    text = _clean(raw)
    scheme_match = re.match(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):(?!\d)", text)
    if scheme_match and scheme_match.group(1).lower() not in ("http", "https"):
        raise ApplicationError(
            _("Only web links (http or https) are accepted, not “%(scheme)s:”.") % {"scheme": scheme_match.group(1)},
            code="unsafe_scheme",
        )
    if not scheme_match:
        text = "https://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        raise ApplicationError(_("“%(value)s” is not a web link.") % {"value": raw}, code="not_a_url") from None
    if not host or "." not in host or not _valid_host(host) or parts.username or parts.password:
        raise ApplicationError(_("“%(value)s” is not a web link.") % {"value": raw}, code="not_a_url")
    bare = host.removeprefix("www.")
    if bare in REDIRECT_WRAPPERS and _depth < 2:
        # Facebook and Instagram wrap outside links in their own redirector; the target is in `u`.
        target = dict(parse_qsl(parts.query)).get("u", "")
        if target:
            return normalise_social_url(target, platform, _depth=_depth + 1)
    detected, canonical_host = HOSTS.get(bare, (Platform.WEBSITE, host))
    if platform and platform not in (Platform.WEBSITE, Platform.OTHER) and detected != platform:
        raise ApplicationError(
            _("This link leads to %(host)s, which is not %(platform)s.")
            % {"host": host, "platform": Platform(platform).label},
            code="wrong_platform",
        )
    if platform == Platform.OTHER and detected == Platform.WEBSITE:
        detected = Platform.OTHER
    segments = [unquote(s) for s in parts.path.split("/") if s]
    query = parse_qsl(parts.query, keep_blank_values=False)
    parser = _PARSERS.get(detected)
    if parser is None:
        return NormalisedLink(
            url=_build(canonical_host, parts.path or "/", _query(query, None), port),
            platform=Platform(detected),
            kind=LinkKind.SITE,
        )
    return parser(canonical_host, segments, query, port)


REDIRECT_WRAPPERS = {"l.facebook.com", "lm.facebook.com", "l.instagram.com"}


def _valid_host(host: str) -> bool:
    """ASCII hosts as they are; Cyrillic ones (сайт.қаз, профсоюз.рф) through IDNA."""
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return bool(re.match(r"^[a-z0-9.\-]+$", ascii_host)) and not ascii_host.startswith(("-", "."))


def _clean(raw: str) -> str:
    if not isinstance(raw, str):
        raise ApplicationError(_("“%(value)s” is not a web link.") % {"value": raw}, code="not_a_url")
    # A scanner or a chat app leaves spaces and line breaks inside links ("?si =…").
    text = re.sub(r"\s+", "", raw)
    text = text.rstrip(TRAILING_JUNK).lstrip("<«\"'(")
    if not text:
        raise ApplicationError(_("The link is empty."), code="not_a_url")
    return text


def _query(query, platform) -> list[tuple[str, str]]:
    kept = KEPT_PARAMS.get(platform)
    result = []
    for key, value in query:
        lowered = key.lower()
        if lowered.startswith("utm_") or lowered in TRACKING_PARAMS:
            continue
        if kept is not None and lowered not in kept:
            continue
        result.append((key, value))
    return result


def _build(host: str, path: str, query=(), port=None) -> str:
    netloc = f"{host}:{port}" if port and port not in (80, 443) else host
    return urlunsplit(("https", netloc, quote(path, safe="/@:+.-_~!$&'()*,;="), urlencode(list(query)), ""))


def _problems(kind: LinkKind) -> tuple[LinkProblem, ...]:
    return {
        LinkKind.POST: (LinkProblem.POST_NOT_PROFILE,),
        LinkKind.SHARE: (LinkProblem.SHARE_LINK,),
        LinkKind.PERSONAL: (LinkProblem.PERSONAL_PROFILE,),
    }.get(kind, ())


def _link(url, platform, handle, kind) -> NormalisedLink:
    return NormalisedLink(url=url, platform=platform, handle=handle, kind=kind, problems=_problems(kind))


def _parse_instagram(host, segments, query, port):
    if not segments:
        return _link(_build(host, "/"), Platform.INSTAGRAM, "", LinkKind.SITE)
    first = segments[0].lower()
    if first in INSTAGRAM_POST_PREFIXES and len(segments) >= 2:
        # Post codes are case-sensitive; the owner is not in the URL.
        return _link(_build(host, f"/{first}/{segments[1]}/"), Platform.INSTAGRAM, "", LinkKind.POST)
    if first == "stories" and len(segments) >= 2:
        handle = segments[1].lower()
        return _link(_build(host, "/" + "/".join(segments) + "/"), Platform.INSTAGRAM, handle, LinkKind.POST)
    if len(segments) >= 3 and segments[1].lower() in INSTAGRAM_POST_PREFIXES:
        # instagram.com/<handle>/p/<code>/ names both owner and post.
        return _link(_build(host, f"/{segments[1].lower()}/{segments[2]}/"), Platform.INSTAGRAM, first, LinkKind.POST)
    if first in INSTAGRAM_NOT_HANDLES or not HANDLE_CHARS.match(first):
        return _link(_build(host, "/" + "/".join(segments) + "/"), Platform.INSTAGRAM, "", LinkKind.SITE)
    return _link(_build(host, f"/{first}/"), Platform.INSTAGRAM, first, LinkKind.PROFILE)


def _parse_facebook(host, segments, query, port):
    params = dict((k.lower(), v) for k, v in _query(query, Platform.FACEBOOK))
    path = "/" + "/".join(segments)
    if host in ("fb.me", "fb.watch"):
        return _link(_build(host, path + "/"), Platform.FACEBOOK, "", LinkKind.SHARE)
    if not segments:
        return _link(_build(host, "/"), Platform.FACEBOOK, "", LinkKind.SITE)
    first = segments[0].lower()
    if first == "profile.php":
        profile_id = params.get("id", "")
        if not profile_id.isdigit():
            raise ApplicationError(_("This Facebook link has no profile number (id=…)."), code="not_a_url")
        return _link(_build(host, "/profile.php", [("id", profile_id)]), Platform.FACEBOOK, profile_id, LinkKind.PROFILE)
    if first in ("share", "sharer", "sharer.php"):
        return _link(_build(host, path + "/"), Platform.FACEBOOK, "", LinkKind.SHARE)
    if first in ("permalink.php", "story.php"):
        kept = [(k, params[k]) for k in ("story_fbid", "id") if k in params]
        return _link(_build(host, path, kept), Platform.FACEBOOK, params.get("id", ""), LinkKind.POST)
    if first in ("photo.php", "photo", "watch", "reel", "events", "hashtag"):
        kept = [(k, params[k]) for k in ("fbid", "v", "set") if k in params]
        return _link(_build(host, path, kept), Platform.FACEBOOK, "", LinkKind.POST)
    if first == "p" and len(segments) >= 2:
        # Facebook's newer page address: /p/<Page-Name>-<number>/; the number is the page.
        page_id = _FACEBOOK_P_ID.search(segments[1])
        if page_id:
            return _link(_build(host, "/profile.php", [("id", page_id.group(1))]), Platform.FACEBOOK, page_id.group(1), LinkKind.PROFILE)
        vanity = segments[1].lower()
        return _link(_build(host, f"/p/{vanity}/"), Platform.FACEBOOK, vanity, LinkKind.PROFILE)
    if first == "people" and len(segments) >= 3 and segments[2].isdigit():
        return _link(_build(host, "/profile.php", [("id", segments[2])]), Platform.FACEBOOK, segments[2], LinkKind.PROFILE)
    if first == "groups" and len(segments) >= 2:
        group = segments[1].lower()
        if len(segments) >= 4 and segments[2] in ("posts", "permalink"):
            return _link(_build(host, f"/groups/{group}/{segments[2]}/{segments[3]}/"), Platform.FACEBOOK, group, LinkKind.POST)
        return _link(_build(host, f"/groups/{group}/"), Platform.FACEBOOK, group, LinkKind.CHANNEL)
    if first == "pages" and len(segments) >= 2:
        page_id = segments[-1] if segments[-1].isdigit() else segments[1].lower()
        return _link(_build(host, path), Platform.FACEBOOK, page_id, LinkKind.PROFILE)
    if first in FACEBOOK_NOT_HANDLES or not HANDLE_CHARS.match(first):
        return _link(_build(host, path), Platform.FACEBOOK, "", LinkKind.SITE)
    if first.isdigit() and len(segments) == 1:
        # facebook.com/<number> is the same profile as profile.php?id=<number>.
        return _link(_build(host, "/profile.php", [("id", first)]), Platform.FACEBOOK, first, LinkKind.PROFILE)
    if len(segments) >= 2 and segments[1].lower() in ("posts", "videos", "photos", "reels", "permalink"):
        return _link(_build(host, path), Platform.FACEBOOK, first, LinkKind.POST)
    kind = LinkKind.PERSONAL if FACEBOOK_PERSONAL.match(first) else LinkKind.PROFILE
    return _link(_build(host, f"/{first}"), Platform.FACEBOOK, first, kind)


def _parse_youtube(host, segments, query, port):
    params = dict((k.lower(), v) for k, v in _query(query, Platform.YOUTUBE))
    if host == "youtu.be":
        if not segments:
            raise ApplicationError(_("This YouTube link names no video."), code="not_a_url")
        kept = [("v", segments[0])] + ([("t", params["t"])] if "t" in params else [])
        return _link(_build("www.youtube.com", "/watch", kept), Platform.YOUTUBE, "", LinkKind.POST)
    if not segments:
        return _link(_build(host, "/"), Platform.YOUTUBE, "", LinkKind.SITE)
    first = segments[0]
    if first.lower() == "watch":
        kept = [(k, params[k]) for k in ("v", "list", "t") if k in params]
        return _link(_build(host, "/watch", kept), Platform.YOUTUBE, "", LinkKind.POST)
    if first.lower() in ("shorts", "live", "embed") and len(segments) >= 2:
        return _link(_build(host, "/watch", [("v", segments[1])]), Platform.YOUTUBE, "", LinkKind.POST)
    if first.startswith("@"):
        handle = first.lower()
        return _link(_build(host, f"/{handle}"), Platform.YOUTUBE, handle, LinkKind.CHANNEL)
    if first.lower() in ("channel", "c", "user") and len(segments) >= 2:
        handle = segments[1] if first.lower() == "channel" else segments[1].lower()
        return _link(_build(host, f"/{first.lower()}/{handle}"), Platform.YOUTUBE, handle, LinkKind.CHANNEL)
    if first.lower() == "playlist":
        kept = [(k, params[k]) for k in ("list",) if k in params]
        return _link(_build(host, "/playlist", kept), Platform.YOUTUBE, "", LinkKind.POST)
    return _link(_build(host, "/" + "/".join(segments)), Platform.YOUTUBE, "", LinkKind.SITE)


def _parse_tiktok(host, segments, query, port):
    if host in ("vm.tiktok.com", "vt.tiktok.com"):
        return _link(_build(host, "/" + "/".join(segments) + "/"), Platform.TIKTOK, "", LinkKind.SHARE)
    if segments and segments[0].startswith("@"):
        handle = segments[0].lower()
        if len(segments) >= 3 and segments[1] in ("video", "photo"):
            return _link(_build(host, f"/{handle}/{segments[1]}/{segments[2]}"), Platform.TIKTOK, handle, LinkKind.POST)
        return _link(_build(host, f"/{handle}"), Platform.TIKTOK, handle, LinkKind.PROFILE)
    return _link(_build(host, "/" + "/".join(segments)), Platform.TIKTOK, "", LinkKind.SITE)


def _parse_telegram(host, segments, query, port):
    if not segments:
        return _link(_build(host, "/"), Platform.TELEGRAM, "", LinkKind.SITE)
    first = segments[0]
    if first.lower() == "s" and len(segments) >= 2:
        segments = segments[1:]
        first = segments[0]
    if first.startswith("+") or first.lower() == "joinchat":
        # An invitation link: it leads to a channel or group but does not name it.
        return _link(_build(host, "/" + "/".join(segments)), Platform.TELEGRAM, "", LinkKind.CHANNEL)
    handle = first.lower()
    if len(segments) >= 2 and segments[1].isdigit():
        return _link(_build(host, f"/{handle}/{segments[1]}"), Platform.TELEGRAM, handle, LinkKind.POST)
    return _link(_build(host, f"/{handle}"), Platform.TELEGRAM, handle, LinkKind.CHANNEL)


def _parse_whatsapp(host, segments, query, port):
    if host == "chat.whatsapp.com" and segments:
        return _link(_build(host, f"/{segments[0]}"), Platform.WHATSAPP, "", LinkKind.CHANNEL)
    if host == "www.whatsapp.com" and len(segments) >= 2 and segments[0].lower() == "channel":
        if len(segments) >= 3:
            return _link(_build(host, "/" + "/".join(segments[:3])), Platform.WHATSAPP, segments[1], LinkKind.POST)
        return _link(_build(host, f"/channel/{segments[1]}"), Platform.WHATSAPP, segments[1], LinkKind.CHANNEL)
    if host == "wa.me" and segments:
        number = re.sub(r"\D", "", segments[0])
        return _link(_build(host, f"/{number}"), Platform.WHATSAPP, number, LinkKind.PROFILE)
    if host == "api.whatsapp.com":
        phone = re.sub(r"\D", "", dict(query).get("phone", ""))
        if phone:
            return _link(_build("wa.me", f"/{phone}"), Platform.WHATSAPP, phone, LinkKind.PROFILE)
    return _link(_build(host, "/" + "/".join(segments)), Platform.WHATSAPP, "", LinkKind.SITE)


def _parse_vk(host, segments, query, port):
    if not segments:
        return _link(_build(host, "/"), Platform.VK, "", LinkKind.SITE)
    first = segments[0].lower()
    if first.startswith(("wall", "video", "photo", "clip")):
        return _link(_build(host, f"/{segments[0]}"), Platform.VK, "", LinkKind.POST)
    return _link(_build(host, f"/{first}"), Platform.VK, first, LinkKind.PROFILE)


_PARSERS = {
    Platform.INSTAGRAM: _parse_instagram,
    Platform.FACEBOOK: _parse_facebook,
    Platform.YOUTUBE: _parse_youtube,
    Platform.TIKTOK: _parse_tiktok,
    Platform.TELEGRAM: _parse_telegram,
    Platform.WHATSAPP: _parse_whatsapp,
    Platform.VK: _parse_vk,
}
