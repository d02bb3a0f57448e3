"""YouTube videos about the union that come in by themselves (issue 16).

Each outlet with a YouTube channel id has its channel's Atom feed read daily (no key is
needed: `/feeds/videos.xml?channel_id=…`); a video whose title or description has one of
YOUTUBE_UNION_WORDS is offered for review, once. Accepting it records a media appearance
through `media_reports.services.appearance_create`.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from lxml import etree

from media_reports import services
from media_reports.choices import AppearanceKind, IncomingVideoStatus
from media_reports.models import IncomingVideo, MediaAppearance, Outlet
from unionportal import outside
from unionportal.connectors import connector_ran
from unionportal.exceptions import ApplicationError

logger = logging.getLogger(__name__)

NS = {"atom": "http://www.w3.org/2005/Atom", "yt": "http://www.youtube.com/xml/schemas/2015",
      "media": "http://search.yahoo.com/mrss/"}
# No entities, no network, no huge trees: a feed is data, never instructions to the parser.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def parse_feed(text: str) -> list[dict]:
    """The videos of a channel's Atom feed; raises OutsideError on a feed that cannot be read."""
    try:
        root = etree.fromstring(text.encode(), PARSER)  # noqa: S320 - the parser above refuses entities
    except etree.XMLSyntaxError as exc:
        raise outside.OutsideError("the feed is not complete XML", kind=outside.BAD_BODY) from exc
    videos = []
    for entry in root.findall("atom:entry", NS):
        video_id = (entry.findtext("yt:videoId", default="", namespaces=NS) or "").strip()
        published = parse_datetime((entry.findtext("atom:published", default="", namespaces=NS) or "").strip())
        title = (entry.findtext("atom:title", default="", namespaces=NS) or "").strip()
        description = entry.findtext("media:group/media:description", default="", namespaces=NS) or ""
        if video_id and published and title:
            videos.append({"id": video_id, "title": title[:300], "description": description, "published": published})
    return videos


def mentions_union(video: dict) -> bool:
    text = f"{video['title']}\n{video['description']}".casefold()
    return any(word.casefold() in text for word in settings.YOUTUBE_UNION_WORDS if word)


def incoming_video_offer(*, outlet: Outlet, video: dict) -> IncomingVideo | None:
    if IncomingVideo.objects.filter(video_id=video["id"]).exists():
        return None
    link = f"https://youtu.be/{video['id']}"
    existing = MediaAppearance.objects.filter(link__contains=video["id"]).first()
    try:
        with transaction.atomic():
            return IncomingVideo.objects.create(
                outlet=outlet, video_id=video["id"], title=video["title"], description=video["description"][:5000],
                link=link, published_at=video["published"], appearance=existing,
                status=IncomingVideoStatus.MATCHED if existing else IncomingVideoStatus.PENDING,
            )
    except IntegrityError:
        return None


@transaction.atomic
def incoming_video_accept(*, video: IncomingVideo, organisation, kind: str = AppearanceKind.VIDEO) -> MediaAppearance:
    video = IncomingVideo.objects.select_for_update().select_related("outlet").get(pk=video.pk)
    if video.status != IncomingVideoStatus.PENDING:
        raise ApplicationError(_("This video has already been decided."), code="decided")
    appearance = services.appearance_create(
        date=timezone.localtime(video.published_at).date(), outlet=video.outlet, kind=kind,
        title=video.title, organisation=organisation, link=video.link,
    )
    video.status, video.appearance = IncomingVideoStatus.ACCEPTED, appearance
    video.save(update_fields=["status", "appearance"])
    return appearance


def incoming_video_reject(*, video: IncomingVideo) -> None:
    if not IncomingVideo.objects.filter(pk=video.pk, status=IncomingVideoStatus.PENDING).update(
        status=IncomingVideoStatus.REJECTED
    ):
        raise ApplicationError(_("This video has already been decided."), code="decided")


def read_youtube_feeds() -> dict:
    """Read every outlet's channel feed; one failing leaves the others."""
    client = outside.youtube_client()
    offered, errors = 0, []
    for outlet in Outlet.objects.exclude(youtube_channel_id=""):
        try:
            videos = parse_feed(client.get_text("feeds/videos.xml", {"channel_id": outlet.youtube_channel_id}))
        except outside.OutsideError as exc:
            errors.append(f"{outlet}: {exc.detail}")
            continue
        for video in videos:
            if mentions_union(video):
                offered += incoming_video_offer(outlet=outlet, video=video) is not None
    connector_ran("youtube", errors=errors, summary=f"{offered} new videos")
    return {"offered": offered, "errors": errors}
