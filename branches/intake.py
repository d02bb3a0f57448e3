"""Follower counts that come in by themselves (issue 16).

Every connected account reports its own `followers_count`; each other professional
Instagram account of the registry is counted through Business Discovery on a connected
Instagram account, so a branch needs no token of its own. Pages Meta cannot count (a
personal profile, a post link, a share link, an account with no handle) are listed by
`pages_not_countable` instead.
"""

from __future__ import annotations

import logging
from datetime import date

from django.db.models import Q
from django.utils import timezone

from branches import services
from branches.choices import ConnectionStatus, LinkKind, Platform
from branches.models import SocialConnection, SocialPage
from unionportal import outside
from unionportal.connectors import connector_ran
from unionportal.exceptions import ApplicationError

logger = logging.getLogger(__name__)

NOT_COUNTABLE = (
    Q(flag_personal_profile=True)
    | Q(flag_post_not_profile=True)
    | Q(flag_share_link=True)
    | Q(handle="")
    | ~Q(kind=LinkKind.PROFILE)
)


def pages_not_countable():
    """Instagram and Facebook pages of the registry that no connector can count."""
    connected = SocialConnection.objects.filter(status=ConnectionStatus.ACTIVE).values("social_page")
    return (
        SocialPage.objects.filter(platform__in=[Platform.INSTAGRAM, Platform.FACEBOOK])
        .exclude(pk__in=connected)
        .filter(NOT_COUNTABLE | Q(platform=Platform.FACEBOOK))
        .select_related("organisation")
    )


def _count(value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise outside.OutsideError("followers_count is not a number", kind=outside.BAD_BODY)
    return value


def snapshot_followers(*, today: date | None = None) -> dict:
    """Record today's follower count of every countable page; returns what was done.

    Idempotent: a second run on the same day replaces the day's figure with the newer one.
    """
    today = today or timezone.localdate()
    stored, errors = 0, []
    connections = list(
        SocialConnection.objects.filter(is_enabled=True, status=ConnectionStatus.ACTIVE).select_related("social_page")
    )
    discovery_client = None
    discovery_id = None
    for connection in connections:
        fields = "followers_count,username" if connection.platform == Platform.INSTAGRAM else "followers_count,name"
        try:
            client = outside.graph_client(services.social_connection_token(connection))
            body = client.get_json(connection.external_id, {"fields": fields})
            services.follower_count_record(
                social_page=connection.social_page, date=today, count=_count(body.get("followers_count"))
            )
        except (outside.OutsideError, ApplicationError) as exc:
            errors.append(f"{connection.social_page}: {getattr(exc, 'detail', exc)}")
            services.social_connection_failed(connection=connection, error=exc)
            continue
        services.social_connection_succeeded(connection=connection)
        stored += 1
        if connection.platform == Platform.INSTAGRAM and discovery_client is None:
            discovery_client, discovery_id = client, connection.external_id

    discovered = 0
    if discovery_client is not None:
        connected_pages = {c.social_page_id for c in connections}
        pages = (
            SocialPage.objects.filter(platform=Platform.INSTAGRAM)
            .exclude(NOT_COUNTABLE)
            .exclude(pk__in=connected_pages)
            .select_related("organisation")
        )
        counted_handles: dict[str, int] = {}
        for page in pages:
            handle = page.handle.lower()
            try:
                if handle not in counted_handles:
                    body = discovery_client.get_json(
                        discovery_id, {"fields": f"business_discovery.username({handle}){{followers_count}}"}
                    )
                    counted_handles[handle] = _count((body.get("business_discovery") or {}).get("followers_count"))
                # One account shared by two branches (Балхаш and Осакаровский) is counted once, kept on both.
                services.follower_count_record(social_page=page, date=today, count=counted_handles[handle])
                discovered += 1
            except outside.OutsideError as exc:
                if exc.is_auth:
                    errors.append(f"{page}: {exc.detail}")
                    break
                # Code 110 / 100: not a professional account; the others are still counted.
                errors.append(f"{page}: {exc.detail}")
            except ApplicationError as exc:
                errors.append(f"{page}: {exc.message}")
    summary = f"{stored} connected, {discovered} through Business Discovery"
    connector_ran("followers", errors=errors, summary=summary)
    return {"connected": stored, "discovered": discovered, "errors": errors}
