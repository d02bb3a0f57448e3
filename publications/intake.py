"""Posts that come in by themselves from connected Instagram and Facebook accounts (issue 16).

`fetch_social_posts` reads each connected account's newest media through the one HTTP
client (unionportal.outside) and offers each new post to the review queue
(`incoming_post_offer`); staff accept (`incoming_post_accept`, which logs a Publication
through publications.services) or reject it. A failure on one account is recorded on it
and the others are still read; nothing of a post is written unless all of it is.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from publications import selectors, services
from publications.choices import PLATFORM_CHANNELS, IncomingStatus
from publications.models import IncomingPost, Publication, Rubric
from unionportal import outside
from unionportal.connectors import connector_ran
from unionportal.exceptions import ApplicationError
from unionportal.uploads import validate_image_upload

logger = logging.getLogger(__name__)

INSTAGRAM_FIELDS = "id,caption,media_type,media_url,thumbnail_url,permalink,timestamp"
FACEBOOK_FIELDS = "id,message,created_time,permalink_url,full_picture"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean_caption(text) -> str:
    """The caption without control characters (PostgreSQL refuses NUL; the validators the rest)."""
    if not isinstance(text, str):
        return ""
    return CONTROL.sub("", unicodedata.normalize("NFC", text)).replace("\r\n", "\n").replace("\r", "\n").strip()


def caption_title(caption: str) -> str:
    for line in (caption or "").splitlines():
        line = line.strip()
        if line:
            return line[:297] + "…" if len(line) > 300 else line
    return ""


def _fold(text: str) -> str:
    return re.sub(r"[\s_#«»\"'.,!?:;-]+", "", text.casefold())


def suggest_rubric(caption: str, rubrics=None) -> Rubric | None:
    """The rubric a caption names, by a hashtag (#ЧеловекТруда) or the words themselves."""
    folded = _fold(caption or "")
    if not folded:
        return None
    rubrics = rubrics if rubrics is not None else Rubric.objects.filter(is_active=True)
    best = None
    for rubric in rubrics:
        key = _fold(rubric.name)
        if key and key in folded and (best is None or len(key) > len(_fold(best.name))):
            best = rubric
    return best


def _parse_time(value) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    # Meta writes "2024-03-08T09:00:00+0000"; ISO needs the colon in the offset.
    value = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", value.strip())
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is None:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


def _fetch_image(client: outside.Client, url: str) -> tuple[ContentFile | None, str]:
    if not url:
        return None, ""
    try:
        data = client.get_bytes(url, max_bytes=settings.UPLOAD_MAX_BYTES)
        clean = validate_image_upload(ContentFile(data, name="post.jpg"))
    except outside.OutsideError as exc:
        if exc.kind == outside.TOO_LARGE:
            return None, _("The image is larger than the upload limit; add it by hand if needed.")
        return None, _("The image could not be downloaded.")
    except ValidationError as exc:
        return None, " ".join(str(m) for m in exc.messages)[:300]
    clean.file.seek(0)
    return ContentFile(clean.file.read(), name=clean.file.name), ""


@transaction.atomic
def incoming_post_offer(
    *, social_page, external_id: str, url: str, published_at: dt.datetime, caption: str = "",
    media_type: str = "", image: ContentFile | None = None, image_problem: str = "",
) -> IncomingPost | None:
    """Put a post in the review queue once; None when it came in before (even if rejected).

    A post whose normalised link is already logged by hand is stored as matched, linked to
    that publication, and not offered for review.
    """
    if IncomingPost.objects.filter(external_id=external_id).exists():
        return None
    link = services.normalise_url(url)
    caption = clean_caption(caption)
    existing = selectors.find_by_url(link)
    post = IncomingPost(
        social_page=social_page,
        external_id=external_id,
        url=link,
        published_at=published_at,
        caption=caption,
        media_type=media_type[:30],
        suggested_rubric=suggest_rubric(caption),
        image_problem=image_problem[:300],
        status=IncomingStatus.MATCHED if existing else IncomingStatus.PENDING,
        publication=existing,
    )
    if image is not None and existing is None:
        post.image.save(image.name, image, save=False)
    post.full_clean(exclude=["image"])
    try:
        with transaction.atomic():
            post.save()
    except IntegrityError:
        # Two runs at once: the unique post id decides, the second offers nothing.
        return None
    return post


@transaction.atomic
def incoming_post_accept(*, post: IncomingPost, user=None, rubric=None, topics=None) -> Publication:
    """Log the post as a publication (one click); raises ApplicationError when it was decided."""
    post = IncomingPost.objects.select_for_update().select_related("social_page__organisation").get(pk=post.pk)
    if post.status != IncomingStatus.PENDING:
        raise ApplicationError(_("This post has already been decided."), code="decided")
    page = post.social_page
    publication = services.publication_create(
        user=user,
        topics=topics,
        published_at=post.published_at,
        title=caption_title(post.caption) or _("Post of %(date)s") % {
            "date": timezone.localtime(post.published_at).strftime("%d.%m.%Y")
        },
        text=post.caption,
        channel=PLATFORM_CHANNELS.get(page.platform, page.platform),
        organisation=page.organisation,
        social_page=page,
        rubric=rubric if rubric is not None else post.suggested_rubric,
        url=post.url,
    )
    if post.image:
        post.image.open("rb")
        services.publication_add_image(publication=publication, file=post.image, user=user)
    post.status = IncomingStatus.ACCEPTED
    post.publication = publication
    post.decided_by = user if user is not None and user.is_authenticated else None
    post.decided_at = timezone.now()
    post.save(update_fields=["status", "publication", "decided_by", "decided_at"])
    return publication


@transaction.atomic
def incoming_post_reject(*, post: IncomingPost, user=None) -> IncomingPost:
    """Keep the post out of the log; it is never offered again (its id stays known)."""
    updated = IncomingPost.objects.filter(pk=post.pk, status=IncomingStatus.PENDING).update(
        status=IncomingStatus.REJECTED,
        decided_by=user if user is not None and user.is_authenticated else None,
        decided_at=timezone.now(),
    )
    if not updated:
        raise ApplicationError(_("This post has already been decided."), code="decided")
    post.refresh_from_db()
    return post


def _media_items(client: outside.Client, connection) -> list[dict]:
    """The account's newest media, newest first, up to the last post already read."""
    is_instagram = connection.platform == "instagram"
    edge = "media" if is_instagram else "posts"
    fields = INSTAGRAM_FIELDS if is_instagram else FACEBOOK_FIELDS
    items = []
    for item in client.paginate(
        f"{connection.external_id}/{edge}", {"fields": fields, "limit": 25}, max_pages=settings.SOCIAL_POSTS_MAX_PAGES
    ):
        if str(item.get("id")) == connection.last_media_id:
            break
        items.append(item)
    return items


def read_connection(connection) -> int:
    """Offer one account's new posts; returns how many reached the queue. Raises OutsideError."""
    from branches.services import social_connection_token

    client = outside.graph_client(social_connection_token(connection))
    items = _media_items(client, connection)
    offered = offer_media_items(social_page=connection.social_page, items=items, client=client)
    if items:
        type(connection).objects.filter(pk=connection.pk).update(last_media_id=str(items[0].get("id")))
    return offered


def offer_media_items(*, social_page, items: list[dict], client: outside.Client | None = None) -> int:
    """Offer media items as the Graph API returns them (newest first); the demo passes
    recorded responses here with no client, so no image is downloaded."""
    offered = 0
    # Oldest first, so a run cut short resumes where it stopped.
    for item in reversed(items):
        external_id = str(item.get("id") or "")
        url = item.get("permalink") or item.get("permalink_url") or ""
        published = _parse_time(item.get("timestamp") or item.get("created_time"))
        if not external_id or not isinstance(url, str) or not url or published is None:
            logger.warning("post skipped: incomplete fields from page %s", social_page.pk)
            continue
        if IncomingPost.objects.filter(external_id=external_id).exists():
            continue
        image_url = item.get("thumbnail_url") if item.get("media_type") == "VIDEO" else None
        image_url = image_url or item.get("media_url") or item.get("full_picture") or ""
        image, problem = (None, "")
        if client is not None:
            image, problem = _fetch_image(client, image_url if isinstance(image_url, str) else "")
        try:
            post = incoming_post_offer(
                social_page=social_page,
                external_id=external_id,
                url=url,
                published_at=published,
                caption=item.get("caption") or item.get("message") or "",
                media_type=str(item.get("media_type") or ""),
                image=image,
                image_problem=problem,
            )
        except ValidationError as exc:
            logger.warning("post %s of page %s refused: %s", external_id, social_page.pk, exc.messages)
            continue
        offered += post is not None
    return offered


def fetch_social_posts() -> dict:
    """Read every connected account; one that fails is recorded and the others go on."""
    from branches.models import SocialConnection
    from branches.services import social_connection_failed, social_connection_succeeded

    offered, errors = 0, []
    for connection in SocialConnection.objects.filter(is_enabled=True, status="active").select_related("social_page"):
        try:
            offered += read_connection(connection)
        except (outside.OutsideError, ApplicationError) as exc:
            detail = getattr(exc, "detail", None) or str(getattr(exc, "message", exc))
            errors.append(f"{connection.social_page}: {detail}")
            social_connection_failed(connection=connection, error=exc)
            continue
        social_connection_succeeded(connection=connection)
    connector_ran("instagram-posts", errors=errors, summary=f"{offered} new posts")
    return {"offered": offered, "errors": errors}
