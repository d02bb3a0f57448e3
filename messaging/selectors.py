"""Reads of messaging that more than one place needs: counts for the admin, a broadcast's
outcome, a branch's subscribe link and QR code."""

from __future__ import annotations

import io
from collections import defaultdict

from django.db.models import Count, Q, QuerySet

from branches.choices import OrganisationKind
from branches.models import Organisation
from branches.scoping import visible_organisation_ids
from messaging.choices import OutboxStatus
from messaging.models import Broadcast, Subscriber
from messaging.telegram import bot_config


def scoped(queryset: QuerySet, user, *, field: str | None = None) -> QuerySet:
    """`queryset` narrowed to the organisations `user` may see (branches.scoping's rule)."""
    field = field or queryset.model.BRANCH_SCOPE_FIELD
    ids = visible_organisation_ids(user)
    return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


def subscriber_counts(*, user) -> list[dict]:
    """Active subscribers per branch and language, only of the branches `user` may see.
    Numbers only: no row of a subscriber ever leaves this function. One query."""
    qs = scoped(Subscriber.objects.active(), user, field="branch")
    rows = qs.values("branch_id", "branch__name_ru", "language").annotate(n=Count("pk")).order_by("branch__name_ru")
    table: dict = defaultdict(lambda: {"ru": 0, "kk": 0})
    names = {}
    for row in rows:
        table[row["branch_id"]][row["language"]] = row["n"]
        names[row["branch_id"]] = row["branch__name_ru"]
    result = [{"branch": names[key], "branch_id": key, **value, "total": value["ru"] + value["kk"]} for key, value in table.items()]
    return sorted(result, key=lambda r: (r["branch_id"] is not None, r["branch"] or ""))


def broadcasts_with_outcome(*, user) -> QuerySet[Broadcast]:
    """Broadcasts `user` may see with their delivered / blocked / failed / waiting counts,
    in one query however many there are."""
    def count(*statuses):
        return Count("messages", filter=Q(messages__status__in=statuses))

    qs = Broadcast.objects.select_related("branch", "created_by").annotate(
        delivered=count(OutboxStatus.SENT),
        blocked=count(OutboxStatus.BLOCKED),
        failed=count(OutboxStatus.FAILED),
        waiting=count(OutboxStatus.PENDING, OutboxStatus.SENDING),
        skipped=count(OutboxStatus.SKIPPED),
    )
    return scoped(qs, user)


def subscribable_branch(*, slug: str) -> Organisation | None:
    return Organisation.objects.filter(
        slug=slug, is_active=True, kind__in=[OrganisationKind.BRANCH, OrganisationKind.REGIONAL]
    ).first()


def deep_link(slug: str) -> str | None:
    config = bot_config()
    if not config.username:
        return None
    return f"https://t.me/{config.username}?start={slug}"


def branch_link_for(organisation: Organisation | None) -> dict | None:
    """What the branch page and the poster show: None without a bot or for an
    organisation members cannot subscribe to (a primary one). No query."""
    if organisation is None or not organisation.is_active or organisation.kind == OrganisationKind.PRIMARY:
        return None
    link = deep_link(organisation.slug)
    if link is None:
        return None
    return {"organisation": organisation, "link": link, "bot_username": bot_config().username}


def branch_link(*, slug: str) -> dict | None:
    return branch_link_for(subscribable_branch(slug=slug))


def branch_qr_svg(*, slug: str) -> bytes | None:
    link = branch_link(slug=slug)
    if link is None:
        return None
    import qrcode
    import qrcode.image.svg

    # Error correction M: a poster on a stand survives a scratch or a pin through it.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2,
                         image_factory=qrcode.image.svg.SvgPathImage)
    code.add_data(link["link"])
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return buffer.getvalue()
