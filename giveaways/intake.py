"""Giveaway entries from the comments of the linked Instagram post (issue 16).

For each open giveaway whose page is a connected account, the post's comments (every
page, and the replies nested under them) are read through the one HTTP client and passed
to `services.entries_add_fetched`, which applies the same rules as pasted comments and
skips comments read before. Once entries close nothing is read: the frozen list and the
draw are made exactly as before.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import timezone

from branches.normalise import normalise_social_url
from giveaways import services
from giveaways.choices import GiveawayStatus
from giveaways.models import Giveaway
from unionportal import outside
from unionportal.connectors import connector_ran
from unionportal.exceptions import ApplicationError

logger = logging.getLogger(__name__)

COMMENT_FIELDS = "id,text,timestamp,username,replies{id,text,timestamp,username}"


def _canonical(url: str) -> str:
    try:
        return normalise_social_url(url).url
    except ApplicationError:
        return url


def _media_id(client: outside.Client, giveaway: Giveaway, connection) -> str:
    """The post's id in Meta, found once among the account's newest media by its link."""
    if giveaway.post_media_id:
        return giveaway.post_media_id
    wanted = _canonical(giveaway.post_url)
    for item in client.paginate(
        f"{connection.external_id}/media", {"fields": "id,permalink", "limit": 50}, max_pages=settings.SOCIAL_POSTS_MAX_PAGES
    ):
        if isinstance(item.get("permalink"), str) and _canonical(item["permalink"]) == wanted:
            media_id = str(item.get("id") or "")
            Giveaway.objects.filter(pk=giveaway.pk).update(post_media_id=media_id)
            return media_id
    raise outside.OutsideError("the giveaway's post is not among the account's newest posts", kind=outside.CLIENT)


def read_comments(client: outside.Client, media_id: str) -> list[dict]:
    """Every comment of a post with the replies under it, as flat dicts."""
    comments = []
    for comment in client.paginate(f"{media_id}/comments", {"fields": COMMENT_FIELDS, "limit": 50}):
        replies = comment.pop("replies", None) or {}
        comments.append(comment)
        comments += [r for r in replies.get("data") or [] if isinstance(r, dict)]
        if (replies.get("paging") or {}).get("next"):
            comments += list(client.paginate(f"{comment.get('id')}/replies", {"fields": "id,text,timestamp,username"}))
    return comments


def fetch_giveaway_comments(*, now=None) -> dict:
    """Read the comments of every open giveaway's post; one failing leaves the others."""
    from branches.services import social_connection_failed, social_connection_succeeded, social_connection_token

    now = now or timezone.now()
    added, errors = 0, []
    giveaways = Giveaway.objects.filter(
        status=GiveawayStatus.OPEN, entries_close_at__gt=now, social_page__connection__is_enabled=True,
        social_page__connection__status="active",
    ).exclude(post_url="").select_related("social_page__connection")
    for giveaway in giveaways:
        connection = giveaway.social_page.connection
        try:
            client = outside.graph_client(social_connection_token(connection))
            comments = read_comments(client, _media_id(client, giveaway, connection))
            record = services.entries_add_fetched(giveaway=giveaway, comments=comments)
        except outside.OutsideError as exc:
            errors.append(f"{giveaway}: {exc.detail}")
            if exc.is_auth:
                social_connection_failed(connection=connection, error=exc)
            continue
        except ApplicationError as exc:
            errors.append(f"{giveaway}: {exc.message}")
            continue
        social_connection_succeeded(connection=connection)
        added += record.entries_added if record else 0
    connector_ran("giveaway-comments", errors=errors, summary=f"{added} new entries")
    return {"added": added, "errors": errors}
